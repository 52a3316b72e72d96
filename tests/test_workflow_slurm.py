"""The SLURM profile: documented keys, a dry run through the SLURM executor, and a whole demo run driven by
the real executor plugin against stand-in ``sbatch``/``sacct``/``squeue``/``scancel`` (tests/stand_ins)."""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path

import pytest
import yaml

PROFILE = Path(__file__).resolve().parents[1] / "workflow" / "profiles" / "slurm"
STAND_INS = Path(__file__).resolve().parent / "stand_ins"
_KEY_LINE = re.compile(r"^(?P<indent>\s*)(?:- )?(?P<key>[\w.-]+):(?:\s|$)")


def _profile_text() -> str:
    return (PROFILE / "config.yaml").read_text()


def _profile_keys() -> list[tuple[int, str, bool]]:
    """(line number, key, documented) for every mapping key of the profile."""
    lines = _profile_text().splitlines()
    keys = []
    for number, line in enumerate(lines):
        match = _KEY_LINE.match(line)
        if match is None or line.lstrip().startswith("#"):
            continue
        above = lines[number - 1].strip() if number else ""
        keys.append((number + 1, match["key"], " #" in line or above.startswith("#")))
    return keys


def test_profile_documents_every_key():
    undocumented = [f"line {n}: {key}" for n, key, documented in _profile_keys() if not documented]
    assert not undocumented, f"profile keys without a comment above or inline: {undocumented}"


def test_profile_selects_slurm_with_retries_latency_and_env_account():
    profile = yaml.safe_load(_profile_text())
    assert profile["executor"] == "slurm"
    assert profile["slurm-status-command"] == "squeue"  # sacct hangs on "CANCELLED by <uid>"
    assert "LCPIPE_SLURM_QOS" in profile["slurm-qos"]
    assert profile["retries"] >= 1
    assert profile["latency-wait"] > 0
    assert "LCPIPE_SLURM_ACCOUNT" in profile["default-resources"]["slurm_account"]
    assert "LCPIPE_SLURM_PARTITION" in profile["default-resources"]["slurm_partition"]
    for rule, resources in profile["set-resources"].items():
        assert "attempt" in str(resources["mem_mb"]), rule
        assert "attempt" in str(resources["runtime"]), rule


@pytest.mark.workflow
def test_profile_sets_resources_only_for_existing_rules(fresh_workspace):
    listed = set(fresh_workspace.run("--list-rules").stdout.split())
    profile = yaml.safe_load(_profile_text())
    unknown = set(profile["set-resources"]) - listed
    assert not unknown, f"set-resources names rules the workflow does not have: {sorted(unknown)}"


@pytest.mark.workflow
def test_dry_run_through_slurm_executor_takes_account_partition_and_rule_resources(fresh_workspace, tool_env):
    env = tool_env({"LCPIPE_SLURM_ACCOUNT": "proj42", "LCPIPE_SLURM_PARTITION": "short"})
    jobs = fresh_workspace.planned_jobs("--profile", str(PROFILE), env=env)
    assert jobs, "the dry run planned no jobs"
    profile = yaml.safe_load(_profile_text())
    for job in jobs:
        if job.rule == "all":
            continue
        assert job.resources["slurm_account"] == "proj42", job
        assert job.resources["slurm_partition"] == "short", job
        assert int(job.resources["mem_mb"]) > 0, job
        assert int(job.resources["runtime"]) > 0, job
        if job.rule in profile["set-resources"]:
            expected = profile["set-resources"][job.rule]
            assert int(job.resources["mem_mb"]) == eval(expected["mem_mb"], {"attempt": 1}), job
            assert int(job.resources["runtime"]) == eval(expected["runtime"], {"attempt": 1}), job


def _calls(state: Path, tool: str) -> list[list[str]]:
    lines = (state / "calls.jsonl").read_text().splitlines()
    return [entry["argv"] for entry in map(json.loads, lines) if entry["tool"] == tool]


def _option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def _profile_groups() -> dict[str, set[str]]:
    """Group id → its rules, from the profile's ``groups`` (``rule=group`` items)."""
    groups: dict[str, set[str]] = {}
    for item in yaml.safe_load(_profile_text())["groups"]:
        rule, group = item.split("=")
        groups.setdefault(group, set()).add(rule)
    return groups


def _submitted_rules(comment: str) -> set[str]:
    """Rules of one submission from its ``--comment``: ``rule_<rule>[_wildcards_...]`` for a single job,
    ``rule_<group>_<rules...>`` (truncated) for a group job."""
    name = comment.removeprefix("rule_")
    if "_wildcards_" in comment:
        return {name.split("_wildcards_")[0]}
    for group, rules in _profile_groups().items():
        if name.startswith(f"{group}_"):
            return rules
    return {name}


@pytest.mark.workflow
@pytest.mark.slow
def test_demo_runs_through_slurm_executor_with_stand_ins(
    workspace_factory, demo_run, assert_tables_equal, tool_env
):
    """sbatch/sacct stand-ins run every job locally; the first manifest submission of each bin dies with
    OUT_OF_MEMORY and must come back with twice the memory and time; the tables equal the local run's.

    Each submitted job starts Snakemake twice (jobstep and srun) and the executor polls sacct at growing
    intervals, so by default one bin's tags (4 DAG levels) run this way; LCPIPE_FULL=1 runs the whole DAG.
    """
    full = os.environ.get("LCPIPE_FULL") == "1"
    bins = demo_run.config["bins"] if full else demo_run.config["bins"][-1:]
    targets = [] if full else [str(Path("results", b, "tags.parquet")) for b in bins]
    workspace = workspace_factory("slurm")
    state = workspace.root / "fake_slurm"
    state.mkdir()
    env = tool_env(
        {
            "FAKE_SLURM_DIR": str(state),
            "FAKE_SLURM_ACCOUNTS": "proj42",
            "FAKE_SLURM_OOM_FIRST": "manifest",
            "LCPIPE_SLURM_ACCOUNT": "proj42",
            "LCPIPE_SLURM_PARTITION": "short",
            "LCPIPE_SLURM_SHARDS_PER_JOB": "2",
        },
        path_prefix=STAND_INS,
    )
    workspace.run(
        "--profile", str(PROFILE), "--slurm-init-seconds-before-status-checks", "1", "--latency-wait", "5",
        *targets, env=env,
    )  # fmt: skip

    submissions = _calls(state, "sbatch")
    submitted_rules = set().union(*(_submitted_rules(_option(argv, "--comment")) for argv in submissions))
    if full:
        assert submitted_rules == {p.parent.name for p in demo_run.results.glob("benchmarks/*/*")}
    else:
        # the gather of tags.parquet runs in the bin's tail allocation (the group of every gather)
        assert submitted_rules == {"simulate_demo", "manifest", "tag"} | _profile_groups()["bin_tail"]
    for argv in submissions:
        assert _option(argv, "-A") == "proj42", argv
        assert _option(argv, "-p") == "short", argv
        assert int(_option(argv, "--mem")) > 0, argv
        assert int(_option(argv, "-t")) > 0, argv
    assert _calls(state, "squeue"), "job states were never queried with squeue (the profile's status command)"
    tag_groups = [argv for argv in submissions if _option(argv, "--comment").startswith("rule_tag_")]
    assert len(tag_groups) == len(bins), "the tag shards of a bin do not share one allocation"

    for mag_bin in bins:
        comment = f"rule_manifest_wildcards_{mag_bin}"
        tries = [argv for argv in submissions if _option(argv, "--comment") == comment]
        assert len(tries) == 2, [shlex.join(argv) for argv in tries]
        mem = [int(_option(argv, "--mem")) for argv in tries]
        runtime = [int(_option(argv, "-t")) for argv in tries]
        assert mem[1] == 2 * mem[0], mem
        assert runtime[1] == 2 * runtime[0], runtime

    local, remote = demo_run.tables(), workspace.tables()
    assert remote, "the SLURM run wrote no tables"
    assert remote.keys() == local.keys() if full else remote.keys() <= local.keys()
    for name, path in remote.items():
        assert_tables_equal(local[name], path)
