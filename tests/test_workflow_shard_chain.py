"""Shards are chained through the DAG (tags_k → pspl_k → anomaly_k, tags_k → dips_k, tags_k → ltv_k): a
changed shard output reruns that shard's chain and its bin's gathers only (checked with dry runs of
copies of the completed demo run).

A change is new bytes (Snakemake ignores a touch of a file whose checksum it recorded). A deleted shard
file is not redone while the tables made from it are up to date (Snakemake leaves missing intermediates
alone); ``snakemake <that file>`` redoes it, and the next run reruns what follows it, as for a change.
"""

from __future__ import annotations

import shutil

import pytest

from lcpipe.tables import read_table, write_table

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
GATHERED = ("tags", "pspl", "anomaly", "anomaly_clusters", "dips", "ltv")


def _copy(demo_run, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(demo_run.root, copy, symlinks=True)
    return type(demo_run)(copy, demo_run.config)


def _jobs(workspace):
    """(rule, mag_bin, shard, table) of every job a dry run plans."""
    return {(job.rule, job.wildcards.get("mag_bin", ""), job.wildcards.get("shard", ""),
             job.wildcards.get("table", "")) for job in workspace.planned_jobs()}  # fmt: skip


def _assert_bin_tail(jobs, mag_bin, gathered):
    """The gathers ``gathered`` of ``mag_bin`` and every job after them; nothing of another bin."""
    assert {(job[1], job[3]) for job in jobs if job[0] == "gather"} == {(mag_bin, t) for t in gathered}
    rest = {(rule, b) for rule, b, shard, table in jobs if not shard and rule != "gather"}
    assert rest == {(rule, mag_bin) for rule in DOWNSTREAM_BIN} | {(rule, "") for rule in RUN_LEVEL}


@pytest.mark.workflow
def test_a_changed_pspl_shard_reruns_its_anomaly_shard_and_its_bins_gathers_only(demo_run, tmp_path):
    workspace = _copy(demo_run, tmp_path)
    mag_bin = demo_run.config["bins"][-1]
    changed = workspace.results / mag_bin / "shards" / "pspl_1.parquet"
    write_table(read_table(changed), changed, {"edited": "by hand"})  # new bytes (a touch alone is not)
    jobs = _jobs(workspace)
    assert {job[:3] for job in jobs if job[2]} == {("anomaly_scan", mag_bin, "1")}
    _assert_bin_tail(jobs, mag_bin, ["pspl", "anomaly", "anomaly_clusters"])


@pytest.mark.workflow
def test_a_changed_tag_shard_reruns_every_branch_of_that_shard_only(demo_run, tmp_path):
    workspace = _copy(demo_run, tmp_path)
    mag_bin = demo_run.config["bins"][0]
    changed = workspace.results / mag_bin / "shards" / "tags_0.parquet"
    write_table(read_table(changed), changed, {"edited": "by hand"})
    jobs = _jobs(workspace)
    assert {job[:3] for job in jobs if job[2]} == {
        (rule, mag_bin, "0") for rule in ("pspl_fit", "anomaly_scan", "dip_events", "ltv")
    }
    _assert_bin_tail(jobs, mag_bin, GATHERED)
