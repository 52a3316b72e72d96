"""The workflow through a real one-node SLURM cluster (tests/slurm_cluster.py) with the shipped profile.

One run with accounting storage (slurmdbd + MariaDB) checks, all at once: the tables equal the local
run's; a job killed with ``scancel`` is resubmitted with more memory and time; ``manifest``, given too
little memory for its first attempt (a derived profile sets 60 MB), ends ``OUT_OF_MEMORY`` (cgroup
enforcement) and is resubmitted with more; slurmctld restarted in the middle of the run does not stop
it; the shard jobs share allocations. Then one bin's stage is rerun through the profile, and a short run
on a cluster *without* accounting (where ``sacct`` cannot answer) finishes and survives a ``scancel``.

By default the main run takes one bin to its ``ledger.parquet`` and ``classified.parquet`` (demo,
manifest, every shard stage with its shards grouped two to an allocation, and the bin's tail -- gathers,
join, filter, characterize, vetting, classify, plots, failures, ledger -- in one allocation) to keep CI
time short; ``LCPIPE_FULL=1`` runs the whole demo (``rule all``, every bin). Select these tests with
``pytest -m slurm``. Where no cluster can be started (not root, no apt-get, apt-get failing, a SLURM
already configured on the machine) they are skipped with the reason.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

pytestmark = [pytest.mark.slurm, pytest.mark.workflow]

PROFILE = Path(__file__).resolve().parents[1] / "workflow" / "profiles" / "slurm"
FULL = os.environ.get("LCPIPE_FULL") == "1"
#: The bin every check runs on (the last bin of the small demo).
BIN = "13_13.5"
#: Memory (MB) of manifest's first attempt in the derived profile: less than Snakemake itself needs.
TINY_MEM_MB = 60


def _load_cluster_module():
    path = Path(__file__).with_name("slurm_cluster.py")
    spec = importlib.util.spec_from_file_location("lcpipe_test_slurm_cluster", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


slurm_cluster = _load_cluster_module()


class Clusters:
    """At most one test cluster at a time (they share ports and the munge socket)."""

    def __init__(self, root: Path):
        self.root = root
        self.current = None
        self.unavailable: str | None = None

    def get(self, accounting: bool):
        if self.unavailable:
            pytest.skip(self.unavailable)
        if self.current is not None and self.current.accounting == accounting:
            return self.current
        self.stop()
        try:
            self.current = slurm_cluster.start_cluster(self.root / f"accounting{int(accounting)}", accounting)
        except slurm_cluster.SlurmUnavailable as err:
            self.unavailable = f"no SLURM test cluster on this machine: {err}"
            pytest.skip(self.unavailable)
        return self.current

    def stop(self) -> None:
        if self.current is not None:
            self.current.stop()
            self.current = None


@pytest.fixture(scope="module")
def clusters(tmp_path_factory):
    manager = Clusters(tmp_path_factory.mktemp("slurm"))
    yield manager
    manager.stop()


@dataclass
class QueueRecord:
    """What squeue last said about one job."""

    job_id: int
    state: str
    mem_mb: int
    minutes: int
    cpus: int
    comment: str


def _megabytes(text: str) -> int:
    number, unit = re.fullmatch(r"([\d.]+)([KMGT]?)", text).groups()
    return round(float(number) * {"K": 1 / 1024, "": 1, "M": 1, "G": 1024, "T": 1024**2}[unit])


def _minutes(text: str) -> int:
    days, _, clock = text.rpartition("-")
    parts = [int(p) for p in clock.split(":")]
    h, m, s = ([0] * (3 - len(parts)) + parts) if len(parts) < 3 else parts
    return (int(days or 0) * 24 + h) * 60 + m + (s > 0)


@dataclass
class QueueWatch:
    """Polls squeue twice a second during a run, records every job and acts on the cluster.

    ``cancel_prefix``: the first job whose comment (``rule_<rule or group>_...``) starts with it is
    killed with scancel a few seconds after it starts running. ``restart_after``: slurmctld is stopped
    and started again once that many jobs have completed.
    """

    cluster: object
    cancel_prefix: str | None = None
    restart_after: int | None = None
    jobs: dict[int, QueueRecord] = field(default_factory=dict)
    cancelled: int | None = None
    cancelled_sacct: str | None = None
    restarted: bool = False

    def __post_init__(self):
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._running_since: dict[int, float] = {}

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._done.set()
        self._thread.join(60)
        self.poll()

    def poll(self) -> None:
        out = self.cluster.command(
            "squeue", "--states=all", "--noheader", "-o", "%i|%T|%m|%l|%C|%k", check=False
        )
        for line in out.splitlines():
            job_id, state, mem, limit, cpus, comment = line.split("|", 5)
            record = QueueRecord(int(job_id), state, _megabytes(mem), _minutes(limit), int(cpus), comment)
            self.jobs[record.job_id] = record
            if state == "RUNNING":
                self._running_since.setdefault(record.job_id, time.monotonic())

    def _loop(self) -> None:
        while not self._done.wait(0.5):
            try:
                self.poll()
                self._act()
            except Exception as err:  # the watch must outlive a controller restart
                print(f"queue watch: {err}", file=sys.stderr)

    def _act(self) -> None:
        if self.cancel_prefix and self.cancelled is None:
            for job_id, since in self._running_since.items():
                record = self.jobs[job_id]
                running = record.state == "RUNNING" and time.monotonic() - since > 1
                if running and record.comment.startswith(self.cancel_prefix):
                    self.cluster.command("scancel", str(job_id))
                    self.cancelled = job_id
                    self._record_sacct_state(job_id)
                    break
        done = sum(r.state == "COMPLETED" for r in self.jobs.values())
        if self.restart_after is not None and not self.restarted and done >= self.restart_after:
            self.cluster.stop_controller()
            self.cluster.start_controller()
            self.restarted = True

    def _record_sacct_state(self, job_id: int) -> None:
        """What sacct says about the cancelled job, read at once (after a slurmctld restart the
        accounting record loses the ``by <uid>``)."""
        if not self.cluster.accounting:
            return
        for _ in range(40):
            state = self.cluster.command(
                "sacct", "-X", "-n", "-P", "-o", "State", "-j", str(job_id), check=False
            )
            if state.strip().startswith("CANCELLED"):
                self.cancelled_sacct = state.strip()
                return
            time.sleep(0.5)

    def tries(self, job_id: int) -> list[QueueRecord]:
        """Every submission with the same comment (rule or group) as ``job_id``, in order."""
        comment = self.jobs[job_id].comment
        return [r for _, r in sorted(self.jobs.items()) if r.comment == comment]


def _derived_profile(folder: Path, **set_resources: dict[str, str]) -> Path:
    """A copy of the shipped profile with some ``set-resources`` entries replaced (a test-only knob)."""
    profile = yaml.safe_load((PROFILE / "config.yaml").read_text())
    for rule, resources in set_resources.items():
        profile["set-resources"][rule].update(resources)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.yaml").write_text(yaml.safe_dump(profile, sort_keys=False))
    return folder


def _profile_args(profile: Path) -> list[str]:
    # --slurm-init-seconds-before-status-checks 1: poll sooner than the profile's 20 s (test speed only;
    # 3 x 1 s stays below the cluster's MinJobAge, so the squeue status check is kept).
    return [
        "--profile",
        str(profile),
        "--slurm-init-seconds-before-status-checks",
        "1",
        "--latency-wait",
        "5",
    ]


def _env(cluster, tool_env, account: str) -> dict[str, str]:
    return tool_env(
        {
            **cluster.env(),
            "LCPIPE_SLURM_ACCOUNT": account,
            "LCPIPE_SLURM_PARTITION": slurm_cluster.PARTITION,
            "LCPIPE_SLURM_SHARDS_PER_JOB": "2",
            "LCPIPE_SLURM_JOB_CORES": str(cluster.cpus),
        }
    )


def _steps(stdout: str) -> int:
    """Number of Snakemake jobs the run executed (its last 'N of M steps' line)."""
    found = re.findall(r"(\d+) of (\d+) steps", stdout)
    return int(found[-1][0]) if found else 0


@dataclass
class SlurmRun:
    workspace: object
    watch: QueueWatch
    cluster: object
    profile: Path
    env: dict[str, str]
    steps: int
    seconds: float
    targets: list[str]


@pytest.fixture(scope="module")
def slurm_run(clusters, module_workspace_factory, tool_env) -> SlurmRun:
    """The demo through the accounting cluster, with a scancel, a memory kill and a slurmctld restart."""
    cluster = clusters.get(accounting=True)
    workspace = module_workspace_factory("slurm_run")
    profile = _derived_profile(
        workspace.root / "profile",
        manifest={"mem_mb": f"{TINY_MEM_MB} if attempt == 1 else 1000 * attempt"},
    )
    tail = ("ledger.parquet", "classified.parquet")
    targets = [] if FULL else [str(Path("results", BIN, name)) for name in tail]
    env = _env(cluster, tool_env, slurm_cluster.ACCOUNT)
    start = time.monotonic()
    with QueueWatch(cluster, cancel_prefix="rule_tag_", restart_after=4) as watch:
        proc = workspace.run(*_profile_args(profile), *targets, env=env, timeout=1500 if FULL else 600)
    run = SlurmRun(workspace, watch, cluster, profile, env, _steps(proc.stdout + proc.stderr),
                   time.monotonic() - start, targets)  # fmt: skip
    print(
        f"\nSLURM run: {run.steps} jobs in {sum(r.state == 'COMPLETED' for r in watch.jobs.values())} "
        f"completed allocations ({len(watch.jobs)} submitted), {run.seconds:.0f} s; "
        f"cluster start {cluster.startup_s:.1f} s; memory enforcement {cluster.memory_enforcement}"
    )
    for record in sorted(watch.jobs.values(), key=lambda r: r.job_id):
        print(f"  {record}")
    return run


def test_tables_equal_the_local_run(slurm_run, demo_run, assert_tables_equal):
    local, remote = demo_run.tables(), slurm_run.workspace.tables()
    assert remote, "the SLURM run wrote no tables"
    if FULL:
        assert remote.keys() == local.keys()
    else:
        assert {f"{BIN}/pspl.parquet", f"{BIN}/classified.parquet", f"{BIN}/ledger.parquet"} <= remote.keys()
        assert remote.keys() <= local.keys()
    for name, path in remote.items():
        assert_tables_equal(local[name], path)


def test_shard_jobs_share_allocations(slurm_run):
    grouped = [r for r in slurm_run.watch.jobs.values() if r.comment.startswith("rule_pspl_fit_")]
    assert grouped, "no grouped pspl_fit allocation was submitted"
    assert all(r.cpus == 2 for r in grouped), grouped  # two shards side by side in each allocation
    completed = [r for r in slurm_run.watch.jobs.values() if r.state == "COMPLETED"]
    assert len(completed) < slurm_run.steps, "every job had an allocation of its own"


def test_cancelled_job_is_resubmitted_with_more_memory_and_time(slurm_run):
    watch = slurm_run.watch
    assert watch.cancelled is not None, "no tag allocation was seen running"
    first, *later = watch.tries(watch.cancelled)
    assert first.job_id == watch.cancelled, first
    assert first.state == "CANCELLED", first
    assert [r.state for r in later] == ["COMPLETED"], later
    assert later[0].mem_mb == 2 * first.mem_mb, (first, later)
    assert later[0].minutes == 2 * first.minutes, (first, later)
    # what made the default sacct status check hang: the state carries the uid that cancelled it
    assert watch.cancelled_sacct is not None, "sacct never reported the cancelled job"
    assert watch.cancelled_sacct.startswith("CANCELLED by "), watch.cancelled_sacct


def test_job_over_its_memory_is_resubmitted_with_more(slurm_run):
    tries = [r for r in sorted(slurm_run.watch.jobs.values(), key=lambda r: r.job_id)
             if r.comment == f"rule_manifest_wildcards_{BIN}"]  # fmt: skip
    assert [r.state for r in tries] == ["OUT_OF_MEMORY", "COMPLETED"], tries
    assert [r.mem_mb for r in tries] == [TINY_MEM_MB, 2000], tries


def test_run_survives_a_controller_restart(slurm_run):
    assert slurm_run.watch.restarted, "slurmctld was never restarted during the run"
    done = [r for r in slurm_run.watch.jobs.values() if r.state == "COMPLETED"]
    assert len(done) > 4, "no job completed after the restart"


def test_one_bin_stage_rerun_through_the_profile(slurm_run, demo_run, assert_tables_equal):
    """``--forcerun gather`` of one bin's PSPL table: one allocation, only that table rewritten, same
    values."""
    results = slurm_run.workspace.results
    before = {p: p.stat().st_mtime_ns for p in results.rglob("*.parquet")}
    target = str(Path("results", BIN, "pspl.parquet"))
    with QueueWatch(slurm_run.cluster) as watch:
        # the target before --forcerun, which takes every word after it as a rule name
        slurm_run.workspace.run(*_profile_args(slurm_run.profile), target, "--forcerun", "gather",
                                env=slurm_run.env)  # fmt: skip
    new = [r for r in watch.jobs.values() if r.job_id not in slurm_run.watch.jobs]
    assert [r.state for r in new] == ["COMPLETED"], new
    changed = {p.relative_to(results) for p, t in before.items() if p.stat().st_mtime_ns != t}
    assert changed == {Path(BIN, "pspl.parquet")}, changed
    assert_tables_equal(demo_run.results / BIN / "pspl.parquet", results / BIN / "pspl.parquet")


def test_cluster_without_accounting(
    clusters, module_workspace_factory, tool_env, demo_run, assert_tables_equal
):
    """sacct cannot answer here; the squeue status check sees jobs end, and a cancelled job retried."""
    cluster = clusters.get(accounting=False)
    sacct = subprocess.run(["sacct", "-X"], capture_output=True, text=True, env=cluster.env(), check=False)
    assert sacct.returncode != 0, sacct
    assert "accounting storage is disabled" in sacct.stderr.lower(), sacct
    workspace = module_workspace_factory("no_accounting")
    target = str(Path("results", BIN, "manifest.parquet"))
    with QueueWatch(cluster, cancel_prefix="rule_manifest_") as watch:
        workspace.run(*_profile_args(PROFILE), target, env=_env(cluster, tool_env, ""), timeout=600)
    first, *later = watch.tries(watch.cancelled)
    assert first.state == "CANCELLED", watch.jobs
    assert [r.state for r in later] == ["COMPLETED"], watch.jobs
    assert later[0].mem_mb == 2 * first.mem_mb, (first, later)
    assert_tables_equal(
        demo_run.results / BIN / "manifest.parquet", workspace.results / BIN / "manifest.parquet"
    )
