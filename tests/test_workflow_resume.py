"""Crash safety and reruns: a run killed with SIGKILL resumes to the same tables, and targeted or changed
reruns plan only the work they concern (checked with dry runs)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest

#: Seconds a partial run may take to reach its kill point.
KILL_POINT_TIMEOUT_S = 300


def _table_files(results: Path) -> list[Path]:
    return [p for p in results.rglob("*.parquet") if not p.name.startswith(".")]


def _kill_points(expected_tables: int) -> list[tuple[str, Callable[[Path], bool]]]:
    """Moments to kill the run at: while the demo survey is written, then after a third and two thirds
    of the result tables exist (so the points move along as the DAG grows)."""

    def tables_reached(fraction: float) -> Callable[[Path], bool]:
        return lambda root: len(_table_files(root / "results")) >= int(fraction * expected_tables)

    return [
        ("demo survey half written", lambda root: any((root / "demo").rglob("*.dat2"))),
        ("a third of the tables", tables_reached(1 / 3)),
        ("two thirds of the tables", tables_reached(2 / 3)),
    ]


def _run_until(command: list[str], cwd: Path, env: dict[str, str], reached: Callable[[], bool]) -> None:
    """Start Snakemake, SIGKILL its whole process group once ``reached()``; fail if it ends before."""
    log = cwd / "killed_runs.log"
    with open(log, "a") as out:
        proc = subprocess.Popen(command, cwd=cwd, env=env, start_new_session=True, stdout=out, stderr=out)
    deadline = time.monotonic() + KILL_POINT_TIMEOUT_S
    try:
        while not reached():
            if proc.poll() is not None:
                pytest.fail(
                    f"the run ended (exit {proc.returncode}) before the kill point:\n{log.read_text()}"
                )
            if time.monotonic() > deadline:
                pytest.fail("the kill point was not reached in time")
            time.sleep(0.05)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.mark.workflow
def test_sigkill_at_several_points_then_rerun_gives_the_uninterrupted_tables(
    workspace_factory, demo_run, assert_tables_equal, tool_env
):
    reference = demo_run.tables()
    workspace = workspace_factory("resume")
    command = workspace.command("--cores", "2", "--rerun-incomplete")
    for label, reached in _kill_points(len(reference)):
        _run_until(command, workspace.root, tool_env(), lambda reached=reached: reached(workspace.root))
        for path in _table_files(workspace.results):
            pq.read_metadata(path)  # every visible table is complete after the kill
        leftovers = [p for p in workspace.results.rglob("*.tmp") if not p.name.startswith(".")]
        assert not leftovers, f"after the kill at '{label}': temporary files with visible names {leftovers}"
        workspace.run("--unlock")  # the killed Snakemake left its lock behind
    workspace.run("--cores", "2", "--rerun-incomplete")
    resumed = workspace.tables()
    assert resumed.keys() == reference.keys()
    for name, path in reference.items():
        assert_tables_equal(path, resumed[name])


def _rules_and_bins(jobs) -> set[tuple[str, str]]:
    return {(job.rule, job.wildcards.get("mag_bin", "")) for job in jobs}


@pytest.mark.workflow
def test_targeting_one_bins_failures_table_plans_only_that_bin(fresh_workspace):
    every = fresh_workspace.planned_jobs()
    one = fresh_workspace.planned_jobs(str(Path("results", "13_13.5", "failures.parquet")))
    assert {job.wildcards.get("mag_bin") for job in one} <= {"13_13.5", None}
    assert _rules_and_bins(one) <= _rules_and_bins(every)
    assert {job.wildcards["shard"] for job in one if job.rule == "tag"} == {"0", "1"}
    assert {job.rule for job in one} >= {"simulate_demo", "manifest", "tag", "failures"}


@pytest.mark.workflow
def test_targeting_one_shard_plans_only_that_shard(fresh_workspace):
    jobs = fresh_workspace.planned_jobs(str(Path("results", "13_13.5", "shards", "tags_1.parquet")))
    assert sorted((job.rule, tuple(sorted(job.wildcards.items()))) for job in jobs) == [
        ("manifest", (("mag_bin", "13_13.5"),)),
        ("simulate_demo", ()),
        ("tag", (("mag_bin", "13_13.5"), ("shard", "1"))),
    ]


@pytest.mark.workflow
def test_config_bins_plans_only_those_bins(fresh_workspace):
    jobs = fresh_workspace.planned_jobs("--config", 'bins=["13_13.5"]')
    assert {job.wildcards["mag_bin"] for job in jobs if "mag_bin" in job.wildcards} == {"13_13.5"}


@pytest.mark.workflow
def test_completed_run_plans_nothing(demo_run):
    assert [job.rule for job in demo_run.planned_jobs()] == []


@pytest.mark.workflow
def test_changed_tag_threshold_reruns_tag_and_what_uses_its_output_only(demo_run, tmp_path):
    changed = tmp_path / "changed.yaml"
    changed.write_text("tag:\n  min_span_days: 50.0\n")
    jobs = demo_run.planned_jobs("--configfile", str(demo_run.configfile), str(changed))
    rules = {job.rule for job in jobs}
    assert "tag" in rules
    assert not rules & {"simulate_demo", "manifest"}
    tag_jobs = [job for job in jobs if job.rule == "tag"]
    assert len(tag_jobs) == len(demo_run.config["bins"]) * demo_run.config["shards"]
    assert all("Params have changed" in job.reason for job in tag_jobs), [j.reason for j in tag_jobs]
    for job in jobs:
        if job.rule != "tag":
            assert "updated by another job" in job.reason or "Params have changed" in job.reason, job


@pytest.mark.workflow
def test_changed_script_reruns_its_rule(demo_run, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(demo_run.root, copy, symlinks=True)
    workspace = type(demo_run)(copy, demo_run.config)
    script = copy / "scripts" / "tag.py"
    script.write_text(script.read_text() + "\n# changed\n")
    jobs = workspace.planned_jobs()
    tag_jobs = [job for job in jobs if job.rule == "tag"]
    assert len(tag_jobs) == len(demo_run.config["bins"]) * demo_run.config["shards"]
    assert all("Code has changed" in job.reason for job in tag_jobs), [j.reason for j in tag_jobs]
    assert not {job.rule for job in jobs} & {"simulate_demo", "manifest"}


@pytest.mark.workflow
def test_new_lcpipe_version_reruns_every_rule_that_records_it(demo_run, tmp_path, tool_env):
    import lcpipe

    package = Path(lcpipe.__file__).parent
    shadow = tmp_path / "shadow"
    shutil.copytree(package, shadow / "lcpipe", ignore=shutil.ignore_patterns("__pycache__"))
    (shadow / "lcpipe" / "_version.py").write_text('__version__ = "999.0.0"\n')
    env = tool_env({"PYTHONPATH": os.pathsep.join([str(shadow), os.environ.get("PYTHONPATH", "")])})
    probe = subprocess.run(
        [sys.executable, "-c", "import lcpipe; print(lcpipe.__version__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == "999.0.0"
    jobs = demo_run.planned_jobs(env=env)
    ran = {p.parent.name for p in demo_run.results.glob("benchmarks/*/*")}
    assert {job.rule for job in jobs} - {"all"} == ran
    assert any("Params have changed" in job.reason for job in jobs)
