"""Determinism and provenance of the demo run: a second run with the same config gives byte-identical
tables (per-source timings live in results/benchmarks, not in the tables or their checksums), and every
Parquet output records the lcpipe version, its config hash and its input checksums."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from lcpipe import __version__
from lcpipe.stages.provenance import file_checksum
from lcpipe.tables import read_provenance


@pytest.mark.workflow
def test_two_runs_with_the_same_config_give_identical_tables(
    demo_run, workspace_factory, assert_tables_equal
):
    second = workspace_factory("second")
    second.run("--cores", "2")
    first_tables, second_tables = demo_run.tables(), second.tables()
    assert first_tables, "the demo run wrote no tables"
    assert second_tables.keys() == first_tables.keys()
    for name, path in first_tables.items():
        assert_tables_equal(path, second_tables[name])


@pytest.mark.workflow
def test_every_table_records_version_config_hash_and_input_checksums(demo_run):
    for name, path in demo_run.tables().items():
        provenance = read_provenance(path)
        assert provenance.get("lcpipe_version") == __version__, name
        assert provenance.get("stage"), name
        assert len(provenance.get("config_hash", "")) == 16, name
        assert isinstance(provenance.get("input_checksums"), dict), name


@pytest.mark.workflow
def test_recorded_input_checksums_match_the_files_they_name(demo_run):
    checked = 0
    for path in demo_run.tables().values():
        for source, checksum in read_provenance(path)["input_checksums"].items():
            source_path = demo_run.root / source
            if source_path.exists():
                assert file_checksum(source_path) == checksum, (path, source)
                checked += 1
    assert checked > 0, "no table names an input that exists"


@pytest.mark.workflow
def test_gathered_tables_hold_every_source_of_the_manifest(demo_run):
    from lcpipe.tables import read_table

    for mag_bin in demo_run.config["bins"]:
        manifest = read_table(demo_run.results / mag_bin / "manifest.parquet")
        tags = read_table(demo_run.results / mag_bin / "tags.parquet")
        assert sorted(tags["source_id"]) == sorted(manifest["source_id"])
        assert len(manifest) == demo_run.config["demo"]["stars_per_bin"]


@pytest.mark.workflow
def test_run_summary_counts_match_the_tables_and_list_the_failures(demo_run):
    from lcpipe.tables import read_table

    summary = json.loads((demo_run.results / "run_summary.json").read_text())
    assert summary["lcpipe_version"] == __version__
    assert set(summary["bins"]) == set(demo_run.config["bins"])
    for mag_bin, stages in summary["bins"].items():
        for entry in stages:
            table = read_table(demo_run.results / mag_bin / entry["table"])
            assert entry["rows"] == len(table)
            if "status" in table:
                assert entry["ok"] == int((table["status"] == "ok").sum())
    failures = [read_table(demo_run.results / b / "failures.parquet") for b in demo_run.config["bins"]]
    assert summary["failures"]["total"] == sum(len(f) for f in failures)
    assert summary["failures"]["total"] > 0, "the demo survey has broken files: they must be listed"
    assert {"tag", "manifest"} <= set(summary["rules"])
    assert all(rule["jobs"] >= 1 for rule in summary["rules"].values())


#: Names of measured seconds (``elapsed_s``, ``time_scan_s`` ...): they must stay out of science tables.
TIMING_COLUMN = re.compile(r"(?:^|_)(?:elapsed|time_\w+)_s$")


@pytest.mark.workflow
def test_science_tables_hold_no_timings_and_the_timings_are_kept_beside_the_benchmarks(demo_run):
    for name, path in demo_run.tables().items():
        timing = [c for c in pq.read_schema(path).names if TIMING_COLUMN.search(c)]
        assert timing == [], (name, timing)
        for source in read_provenance(path)["input_checksums"]:
            assert "benchmarks" not in Path(source).parts, (name, source)
    for rule in ("tag", "pspl_fit", "anomaly_scan", "dip_events"):
        files = sorted((demo_run.results / "benchmarks" / rule).rglob("*.sources.tsv"))
        assert len(files) == len(demo_run.config["bins"]) * demo_run.config["shards"], rule
        timings = pd.concat([pd.read_csv(p, sep="\t") for p in files])
        assert (timings["elapsed_s"] >= 0).all()
    scans = pd.concat(
        pd.read_csv(p, sep="\t")
        for p in (demo_run.results / "benchmarks" / "anomaly_scan").rglob("*.sources.tsv")
    )
    assert any(c.startswith("time_") for c in scans.columns)  # the scan's own timings moved here


@pytest.mark.workflow
def test_every_ledger_row_accounts_for_one_entry_and_the_summary_totals_add_up(demo_run):
    summary = json.loads((demo_run.results / "run_summary.json").read_text())
    total = 0
    for mag_bin in demo_run.config["bins"]:
        ledger = pq.read_table(demo_run.results / mag_bin / "ledger.parquet").to_pandas()
        entries = pq.read_table(demo_run.results / mag_bin / "entries.parquet").to_pandas()
        assert ledger["entry"].tolist() == entries["entry"].tolist()
        assert summary["ledger"]["bins"][mag_bin]["entries"] == len(ledger)
        index_rows = (ledger["kind"] == "index_row").sum()
        assert index_rows == demo_run.config["demo"]["stars_per_bin"]
        total += len(ledger)
    assert summary["ledger"]["run"]["entries"] == total
