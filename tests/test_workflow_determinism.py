"""Determinism and provenance of the demo run: a second run with the same config gives identical tables,
and every Parquet output records the lcpipe version, its config hash and its input checksums."""

from __future__ import annotations

import json

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
