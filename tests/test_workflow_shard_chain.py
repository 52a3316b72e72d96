"""Shards are chained through the DAG (tags_k → pspl_k → anomaly_k, tags_k → dips_k): a changed or lost
shard output reruns that shard's chain and its bin's gathers only (checked with dry runs of a copy of the
completed demo run)."""

from __future__ import annotations

import shutil

import pytest

#: Bin-level jobs downstream of the gathered tables (one per bin), and the run-level ones.
DOWNSTREAM_BIN = {
    "join_events",
    "filter",
    "characterize",
    "vetting",
    "plots",
    "classify",
    "bin_report",
    "ledger",
    "failures",
}
RUN_LEVEL = {"run_report", "run_summary", "all"}

#: The per-bin tables gathered from the shards.
GATHERED = ("tags", "pspl", "anomaly", "anomaly_clusters", "dips")


def _copy(demo_run, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(demo_run.root, copy, symlinks=True)
    return type(demo_run)(copy, demo_run.config)


def _jobs(workspace):
    return {(job.rule, job.wildcards.get("mag_bin", ""), job.wildcards.get("shard", ""),
             job.wildcards.get("table", "")) for job in workspace.planned_jobs()}  # fmt: skip


@pytest.mark.workflow
def test_a_lost_pspl_shard_reruns_its_chain_and_its_bins_gathers_only(demo_run, tmp_path):
    workspace = _copy(demo_run, tmp_path)
    mag_bin = demo_run.config["bins"][-1]
    (workspace.results / mag_bin / "shards" / "pspl_1.parquet").unlink()
    jobs = _jobs(workspace)
    per_shard = {job for job in jobs if job[2]}
    assert per_shard == {("pspl_fit", mag_bin, "1", ""), ("anomaly_scan", mag_bin, "1", "")}
    gathers = {job[3] for job in jobs if job[0] == "gather"}
    assert gathers == {"pspl", "anomaly", "anomaly_clusters"}
    assert {job[1] for job in jobs if job[0] == "gather"} == {mag_bin}
    rest = {(rule, b) for rule, b, shard, table in jobs if not shard and rule != "gather"}
    assert rest == {(rule, mag_bin) for rule in DOWNSTREAM_BIN} | {(rule, "") for rule in RUN_LEVEL}


@pytest.mark.workflow
def test_a_lost_tag_shard_reruns_both_branches_of_that_shard_only(demo_run, tmp_path):
    workspace = _copy(demo_run, tmp_path)
    mag_bin = demo_run.config["bins"][0]
    (workspace.results / mag_bin / "shards" / "tags_0.parquet").unlink()
    jobs = _jobs(workspace)
    assert {job[:3] for job in jobs if job[2]} == {
        (rule, mag_bin, "0") for rule in ("tag", "pspl_fit", "anomaly_scan", "dip_events")
    }
    assert {job[3] for job in jobs if job[0] == "gather"} == set(GATHERED)
    assert {job[1] for job in jobs if job[1]} == {mag_bin}
