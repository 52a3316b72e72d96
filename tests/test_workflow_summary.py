"""Failures table, run summary and `lcpipe provenance`: unit cases on small tables, and the demo run's."""

from __future__ import annotations

import argparse
import json
import os

import numpy as np
import pandas as pd
import pytest

from lcpipe import __version__
from lcpipe.cli import provenance as provenance_cli
from lcpipe.stages.failures import FAILURE_COLUMNS, collect_failures, write_bin_failures
from lcpipe.stages.provenance import file_checksum, stage_provenance
from lcpipe.stages.run_summary import (
    build_run_summary,
    job_times,
    rule_times,
    run_throughput,
    write_run_summary,
)
from lcpipe.tables import read_provenance, read_table, write_table

BENCHMARK_HEADER = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"


def _stage_table(path, stage, statuses, errors=None, inputs=()):
    frame = pd.DataFrame(
        {
            "source_id": [f"s{i}" for i in range(len(statuses))],
            "shard": np.arange(len(statuses)) % 2,
            "status": statuses,
        }
    )
    if errors is not None:
        frame["error"] = errors
    write_table(frame, path, stage_provenance(stage, {"threshold": 1.5}, inputs))
    return path


@pytest.fixture
def bin_tables(tmp_path):
    folder = tmp_path / "results" / "13_13.5"
    manifest = _stage_table(folder / "manifest.parquet", "manifest", ["ok", "missing_file", "ok"])
    tags = _stage_table(
        folder / "tags.parquet",
        "tag",
        ["ok", "missing_file", None],
        errors=["", "", "ValueError: bad"],
        inputs=[manifest],
    )
    plain = folder / "counts.parquet"
    write_table(pd.DataFrame({"n": [3]}), plain, stage_provenance("counts", {}))
    return [manifest, tags, plain]


def test_failures_list_every_not_ok_source_per_stage_with_reason(bin_tables):
    failures = collect_failures(bin_tables, "13_13.5")
    assert tuple(failures.columns) == FAILURE_COLUMNS
    rows = sorted(
        zip(failures["stage"], failures["source_id"], failures["status"], failures["error"], strict=True)
    )
    assert rows == [
        ("manifest", "s1", "missing_file", ""),
        ("tag", "s1", "missing_file", ""),
        ("tag", "s2", "missing_status", "ValueError: bad"),
    ]
    assert (failures["mag_bin"] == "13_13.5").all()
    assert failures["shard"].tolist() == [1, 1, 0]


def test_sources_skipped_by_design_are_not_failures(tmp_path):
    scan = _stage_table(tmp_path / "anomaly.parquet", "anomaly_scan", ["ok", "not_event", "fit_failed"])
    dips = _stage_table(tmp_path / "dips.parquet", "dip_events", ["skipped_tags", "ok", "empty"])
    failures = collect_failures([scan, dips], "13_13.5")
    assert sorted(zip(failures["stage"], failures["status"], strict=True)) == [
        ("anomaly_scan", "fit_failed"),
        ("dip_events", "empty"),
    ]


def test_all_ok_bin_writes_an_empty_typed_failures_table_with_provenance(tmp_path):
    table = _stage_table(tmp_path / "13_13.5" / "tags.parquet", "tag", ["ok", "ok"])
    out = tmp_path / "13_13.5" / "failures.parquet"
    write_bin_failures([table], out, mag_bin="13_13.5")
    written = read_table(out)
    assert written.empty
    assert tuple(written.columns) == FAILURE_COLUMNS
    assert read_provenance(out)["input_checksums"] == {str(table): file_checksum(table)}


def test_rule_times_sum_wall_and_cpu_and_take_peak_memory(tmp_path):
    bench = tmp_path / "benchmarks"
    (bench / "tag" / "13_13.5").mkdir(parents=True)
    (bench / "tag" / "13_13.5" / "0.tsv").write_text(
        BENCHMARK_HEADER + "2.5\t0:00:02\t150.0\t1\t1\t1\t0\t0\t50\t2.0\n"
    )
    (bench / "tag" / "13_13.5" / "1.tsv").write_text(
        BENCHMARK_HEADER + "1.5\t0:00:01\t250.0\t1\t1\t1\t0\t0\t50\t1.0\n"
    )
    (bench / "manifest").mkdir()
    (bench / "manifest" / "13_13.5.tsv").write_text(
        BENCHMARK_HEADER + "0.5\t0:00:00\tNA\tNA\tNA\tNA\tNA\tNA\tNA\tNA\n"
    )
    times = rule_times(bench)
    assert times["tag"] == {
        "jobs": 2,
        "wall_s_total": 4.0,
        "wall_s_max": 2.5,
        "cpu_s_total": 3.0,
        "max_rss_mb": 250.0,
    }
    assert times["manifest"]["jobs"] == 1
    assert times["manifest"]["wall_s_total"] == 0.5
    assert np.isnan(times["manifest"]["max_rss_mb"])
    assert rule_times(tmp_path / "absent") == {}


def test_run_summary_counts_stages_lists_failures_and_truncates(bin_tables, tmp_path):
    failures = tmp_path / "results" / "13_13.5" / "failures.parquet"
    write_bin_failures(bin_tables, failures, mag_bin="13_13.5")
    summary = build_run_summary(bin_tables, [failures], tmp_path / "none", config={"shards": 2}, max_listed=2)
    stages = {entry["table"]: entry for entry in summary["bins"]["13_13.5"]}
    assert stages["tags.parquet"]["status_counts"] == {"missing_file": 1, "missing_status": 1, "ok": 1}
    assert stages["tags.parquet"]["ok"] == 1
    assert stages["tags.parquet"]["not_ok"] == 2
    assert stages["counts.parquet"] == {"stage": "counts", "table": "counts.parquet", "rows": 1}
    assert summary["failures"]["total"] == 3
    assert summary["failures"]["counts"]["13_13.5"]["tag"] == {"missing_file": 1, "missing_status": 1}
    assert len(summary["failures"]["listed"]) == 2
    assert summary["failures"]["truncated"]
    assert summary["lcpipe_version"] == __version__


def _cli(*argv):
    parser = argparse.ArgumentParser()
    provenance_cli.register(parser.add_subparsers())
    args = parser.parse_args(["provenance", *map(str, argv)])
    return args.func(args)


def test_cli_prints_stage_version_config_hash_options_and_input_checksums(bin_tables, capsys):
    assert _cli(bin_tables[1]) == 0
    out = capsys.readouterr().out
    stored = read_provenance(bin_tables[1])
    assert "stage:          tag" in out
    assert f"lcpipe version: {__version__}" in out
    assert stored["config_hash"] in out
    assert "threshold = 1.5" in out
    assert f"{file_checksum(bin_tables[0])}  {bin_tables[0]}" in out
    assert "rows x columns: 3 x 4" in out


def test_cli_json_is_the_stored_provenance(bin_tables, capsys):
    assert _cli(bin_tables[1], "--json") == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == {**read_provenance(bin_tables[1]), "rows": 3, "columns": 4}


def test_cli_prints_a_run_summary(bin_tables, tmp_path, capsys):
    failures = tmp_path / "results" / "13_13.5" / "failures.parquet"
    write_bin_failures(bin_tables, failures, mag_bin="13_13.5")
    out_json = tmp_path / "results" / "run_summary.json"
    write_run_summary(bin_tables, [failures], tmp_path / "none", out_json, config={})
    assert _cli(out_json) == 0
    out = capsys.readouterr().out
    assert "bin 13_13.5:" in out
    assert "failures: 3 (source, stage) rows" in out
    assert "missing_file 1, missing_status 1" in out
    assert "throughput: 3 light curves in 0.0 s wall" in out  # no benchmarks: no rates


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"not parquet", "not a readable Parquet file"),
        ("plain", "no lcpipe provenance"),
        ("json", "not an lcpipe run summary"),
    ],
)
def test_cli_explains_files_it_cannot_describe(tmp_path, capsys, content, message):
    if content == "plain":
        path = tmp_path / "plain.parquet"
        pd.DataFrame({"a": [1]}).to_parquet(path)
    elif content == "json":
        path = tmp_path / "other.json"
        path.write_text('{"a": 1}')
    else:
        path = tmp_path / "x.parquet"
        if content is not None:
            path.write_bytes(content)
    assert _cli(path) == 1
    err = capsys.readouterr().err
    assert message in err
    assert str(path) in err


@pytest.mark.workflow
def test_cli_describes_every_output_of_the_demo_run(demo_run, capsys):
    for path in [*demo_run.tables().values(), demo_run.results / "run_summary.json"]:
        assert _cli(path) == 0, path
    out = capsys.readouterr().out
    assert out.count("lcpipe version:") == len(demo_run.tables()) + 1


def _benchmark(bench, rule, name, wall, cpu, rss, end, sources=None):
    path = bench / rule / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(BENCHMARK_HEADER + f"{wall}\t0:00:00\t{rss}\t1\t1\t1\t0\t0\t50\t{cpu}\n")
    os.utime(path, (end, end))
    if sources is not None:
        rows = "".join(f"s{i}\t{t}\n" for i, t in enumerate(sources))
        path.with_name(path.stem + ".sources.tsv").write_text("source_id\telapsed_s\n" + rows)
    return path


def test_throughput_spans_the_jobs_and_costs_every_stage_per_light_curve(tmp_path):
    bench = tmp_path / "benchmarks"
    _benchmark(bench, "simulate_demo", "demo.tsv", 50.0, 49.0, 300.0, end=1000.0)  # not counted
    _benchmark(bench, "tag", "13_13.5/0.tsv", 4.0, 3.0, 150.0, end=1010.0, sources=[1.0, 1.5])
    _benchmark(bench, "tag", "13_13.5/1.tsv", 6.0, 5.0, 250.0, end=1012.0, sources=[2.0, 2.5])
    _benchmark(bench, "run_summary", "run.tsv", 2.0, 1.0, 100.0, end=1026.0)
    out = run_throughput(job_times(bench), 40)
    assert out["light_curves"] == 40
    assert out["wall_s"] == pytest.approx(20.0)  # tag 0 starts at 1006, run_summary ends at 1026
    assert out["job_wall_s"] == pytest.approx(12.0)
    assert out["cpu_s"] == pytest.approx(9.0)
    assert out["light_curves_per_s"] == pytest.approx(2.0)
    assert out["light_curves_per_core_s"] == pytest.approx(40 / 12)
    assert out["light_curves_per_cpu_s"] == pytest.approx(40 / 9)
    assert out["busy_cores"] == pytest.approx(0.6)
    assert set(out["stages"]) == {"tag", "run_summary"}
    tag = out["stages"]["tag"]
    assert tag["jobs"] == 2
    assert tag["wall_ms_per_light_curve"] == pytest.approx(250.0)
    assert tag["cpu_ms_per_light_curve"] == pytest.approx(200.0)
    assert tag["cpu_share"] == pytest.approx(8 / 9)
    assert tag["max_rss_mb"] == 250.0
    assert tag["source_ms_per_light_curve"] == pytest.approx(175.0)
    assert tag["overhead_s_per_job"] == pytest.approx(1.5)  # (10 s wall - 7 s on sources) / 2 jobs
    assert "source_ms_per_light_curve" not in out["stages"]["run_summary"]


def test_throughput_of_no_jobs_is_undefined_not_infinite(tmp_path):
    out = run_throughput(job_times(tmp_path / "absent"), 10)
    assert out["light_curves_per_s"] is None
    assert out["light_curves_per_cpu_s"] is None
    assert out["stages"] == {}


def test_run_summary_throughput_counts_the_manifest_rows(bin_tables, tmp_path):
    bench = tmp_path / "benchmarks"
    _benchmark(bench, "tag", "13_13.5/0.tsv", 3.0, 2.0, 150.0, end=1003.0)
    summary = build_run_summary(bin_tables, [], bench, config={})
    assert summary["throughput"]["light_curves"] == 3  # manifest.parquet of the bin has 3 rows
    assert summary["throughput"]["light_curves_per_s"] == pytest.approx(1.0)
    assert json.loads(json.dumps(summary, default=str))["throughput"]["stages"]["tag"]["jobs"] == 1


@pytest.mark.workflow
def test_demo_run_reports_its_throughput(demo_run):
    summary = json.loads((demo_run.results / "run_summary.json").read_text())
    throughput = summary["throughput"]
    n_bins, stars = len(demo_run.config["bins"]), demo_run.config["demo"]["stars_per_bin"]
    assert throughput["light_curves"] == n_bins * stars
    assert throughput["light_curves_per_s"] > 0
    assert 0 < throughput["cpu_s"] <= throughput["job_wall_s"] * 2  # a job may use a little more than a core
    assert {"tag", "pspl_fit", "dip_events", "anomaly_scan", "plots"} <= set(throughput["stages"])
    assert "simulate_demo" not in throughput["stages"]
    assert throughput["stages"]["tag"]["jobs"] == n_bins * demo_run.config["shards"]
    page = (demo_run.results / "report" / "run_info.html").read_text()
    assert "<h2>Throughput</h2>" in page
    assert f"{throughput['light_curves']} light curves in" in page
