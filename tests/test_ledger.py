"""The ledger of a bin from small stage tables: dispositions, reasons, consistency, totals and the CLI."""

from __future__ import annotations

import pandas as pd
import pytest

from lcpipe.cli import main
from lcpipe.manifest import ENTRY_COLUMNS
from lcpipe.stages.ledger import (
    LEDGER_COLUMNS,
    LedgerError,
    entry_ledger,
    ledger_totals,
    read_ledgers,
    source_dispositions,
    write_bin_ledger,
    write_unbinned_ledger,
)
from lcpipe.tables import write_table

IDS = ["cand", "rej", "cut", "gone", "bad", "fit"]


def _write(folder, name, **columns):
    path = folder / f"{name}.parquet"
    write_table(pd.DataFrame(columns), path)
    return str(path)


@pytest.fixture
def bin_tables(tmp_path):
    """Six sources: a candidate, a rejected one, one failing the tag cuts, one missing file, one unreadable
    file, one whose PSPL fit failed; plus the entries (one index file, the six rows, one duplicate)."""
    tables = {
        "manifest": _write(
            tmp_path, "manifest", source_id=IDS, status=["ok", "ok", "ok", "missing_file", "ok", "ok"]
        ),
        "tags": _write(
            tmp_path,
            "tags",
            source_id=IDS,
            status=["ok", "ok", "ok", "missing_file", "unreadable", "ok"],
            error=["", "", "", "", "", ""],
            passed_tags=[True, True, False, False, False, True],
            failed_span=[False, False, True, False, False, False],
            failed_cameras=[False, False, True, False, False, False],
        ),
        "pspl": _write(
            tmp_path,
            "pspl",
            source_id=IDS,
            status=["ok", "ok", "ok", "missing_file", "unreadable", "fit_failed"],
        ),
        "anomaly": _write(tmp_path, "anomaly", source_id=IDS, status=["not_event"] * 6),
        "dips": _write(
            tmp_path,
            "dips",
            source_id=IDS,
            status=["ok", "ok", "skipped_tags", "missing_file", "unreadable", "ok"],
        ),
        "candidates": _write(tmp_path, "candidates", source_id=["cand"], candidate_type=["dip"]),
        "rejected": _write(
            tmp_path,
            "rejected",
            source_id=IDS[1:],
            reject_reason=["dip_runs", "tags", "tags", "tags", "pspl_event"],
        ),
    }
    rows = [{"entry": "index0.csv", "kind": "index_file", "status": "index_file", "reason": "7 rows"}]
    rows += [
        {"entry": f"index0.csv:{i + 2}", "kind": "index_row", "source_id": s, "status": "ok"}
        for i, s in enumerate(IDS)
    ]
    rows.append(
        {
            "entry": "index0.csv:8",
            "kind": "index_row",
            "source_id": "cand",
            "status": "duplicate_id",
            "reason": "an earlier entry has the same id",
            "duplicate_of": "index0.csv:2",
        }
    )
    entries = pd.DataFrame(rows, columns=list(ENTRY_COLUMNS)).astype(object).fillna("").astype(str)
    tables["entries"] = str(tmp_path / "entries.parquet")
    write_table(entries, tables["entries"])
    return tables


def test_each_source_gets_its_final_disposition_and_reason(bin_tables):
    out = source_dispositions(bin_tables).set_index("source_id")
    assert out.loc["cand", ["disposition", "families"]].tolist() == ["candidate", "dip"]
    assert out.loc["rej", ["disposition", "reason"]].tolist() == ["rejected", "dip_runs"]
    assert out.loc["cut", ["disposition", "status", "reason"]].tolist() == [
        "skipped",
        "tag_cuts",
        "failed the tag cuts: span, cameras",
    ]
    assert out.loc["gone", ["disposition", "stage", "status"]].tolist() == [
        "failed",
        "manifest",
        "missing_file",
    ]
    assert out.loc["bad", ["disposition", "stage", "status"]].tolist() == ["failed", "tag", "unreadable"]
    assert out.loc["fit", ["disposition", "stage", "status"]].tolist() == ["failed", "pspl_fit", "fit_failed"]
    assert all(out.loc[out["disposition"] != "candidate", "reason"] != "")


def test_bin_ledger_has_one_row_per_entry_and_totals_add_up(bin_tables, tmp_path):
    ledger = write_bin_ledger(
        bin_tables, tmp_path / "results" / "13_13.5" / "ledger.parquet", mag_bin="13_13.5"
    )
    assert tuple(ledger.columns) == LEDGER_COLUMNS
    assert len(ledger) == 8
    assert ledger.set_index("entry").loc["index0.csv:8", "duplicate_of"] == "index0.csv:2"
    totals = ledger_totals(ledger)
    assert totals["dispositions"] == {
        "candidate": 1,
        "rejected": 1,
        "skipped": 1,
        "failed": 3,
        "excluded": 1,
        "index": 1,
        "member": 0,
    }
    assert sum(totals["dispositions"].values()) == totals["entries"] == 8


def test_entries_and_sources_that_disagree_are_an_error(bin_tables):
    sources = source_dispositions(bin_tables)
    entries = pd.DataFrame([{"entry": "x", "kind": "file", "source_id": "other", "status": "ok"}])
    with pytest.raises(LedgerError, match="different sources"):
        entry_ledger(entries.reindex(columns=list(ENTRY_COLUMNS)), sources)


def test_ledger_command_prints_totals_and_the_rows_of_one_status(bin_tables, tmp_path, capsys):
    results = tmp_path / "results"
    write_bin_ledger(bin_tables, results / "13_13.5" / "ledger.parquet", mag_bin="13_13.5")
    write_unbinned_ledger(results / "ledger_unbinned.parquet", collection=None, bins=["13_13.5"])
    assert main(["ledger", str(results), "--status", "duplicate_id"]) == 0
    out = capsys.readouterr().out
    run = next(line for line in out.splitlines() if line.startswith("run "))
    assert run.split()[1:] == ["8", "1", "1", "1", "3", "1", "1", "0"]
    assert "1 entries with status duplicate_id:" in out
    assert "index0.csv:2" in out  # duplicate_of
    assert len(read_ledgers(results)) == 8


def test_ledger_command_without_a_ledger_says_so(tmp_path, capsys):
    assert main(["ledger", str(tmp_path)]) == 1
    assert "no ledger in" in capsys.readouterr().err
