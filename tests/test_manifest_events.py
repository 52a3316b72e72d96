"""Events of a folder collection: every file of an event keeps its own entry and ledger row."""

from pathlib import Path

import numpy as np
import pandas as pd

from lcpipe.manifest import folder_layout, folder_sources, unbinned_entries
from lcpipe.stages.ledger import entry_ledger, ledger_totals
from lcpipe.stages.manifest import write_collection

BINS = ["12_13", "13_14"]


def _write_curve(path: Path, level: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0, 400, 40))
    rows = "".join(f"{ti:.4f},{level + rng.normal(0, 0.01):.4f},0.01\n" for ti in t)
    path.write_text("time,mag,mag_err\n" + rows)


def _collection(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    """A folder with a catalog event of 3 files, an event sub-folder of 2, a single source, one file
    outside the bins and a catalog event whose id cannot be a file name."""
    folder = tmp_path / "lcs"
    (folder / "sub").mkdir(parents=True)
    for k, name in enumerate(("ogle", "moa", "kmt")):
        _write_curve(folder / f"{name}.csv", 12.4, k)
    _write_curve(folder / "sub" / "site1.csv", 13.5, 10)
    _write_curve(folder / "sub" / "site2.csv", 13.6, 11)
    _write_curve(folder / "single.csv", 13.2, 12)
    _write_curve(folder / "faint_a.csv", 16.0, 13)
    _write_curve(folder / "faint_b.csv", 16.1, 14)
    _write_curve(folder / "evil.csv", 12.2, 15)
    catalog = tmp_path / "catalog.csv"
    catalog.write_text(
        "source_id,ra,dec,event_id\n"
        "ogle,270.1,-30.2,EVT1\nmoa,270.1,-30.2,EVT1\nkmt,270.1,-30.2,EVT1\n"
        "single,10.0,5.0,\nfaint_a,11.0,6.0,FAINT\nfaint_b,11.0,6.0,FAINT\nevil,1.0,1.0,../evil\n"
    )
    table = write_collection(
        tmp_path / "collection.parquet",
        survey={"folder": str(folder), "catalog": str(catalog)},
        read={},
        cleaning={},
    )
    return folder, table


def test_every_file_of_a_grouped_event_appears_exactly_once(tmp_path):
    folder, collection = _collection(tmp_path)
    layouts = {b: folder_layout(collection, b, BINS, 2) for b in BINS}
    unbinned = unbinned_entries(collection, BINS)
    entries = pd.concat([*(layout.entries for layout in layouts.values()), unbinned], ignore_index=True)
    files = sorted(str(p) for p in folder.rglob("*"))
    catalog_events = [f"{tmp_path / 'catalog.csv'}:event_id={e}" for e in ("../evil", "EVT1", "FAINT")]
    assert sorted(entries["entry"]) == sorted(files + catalog_events)  # each once, nothing dropped
    by_entry = entries.set_index("entry")
    for name in ("ogle.csv", "moa.csv", "kmt.csv"):
        row = by_entry.loc[str(folder / name)]
        assert (row["status"], row["source_id"], row["mag_bin"]) == ("event_member", "EVT1", "12_13")
        assert "EVT1" in row["reason"]
        assert name.removesuffix(".csv") in row["reason"]
    for name in ("site1.csv", "site2.csv"):
        row = by_entry.loc[str(folder / "sub" / name)]
        assert (row["status"], row["source_id"], row["mag_bin"]) == ("event_member", "sub", "13_14")
    assert by_entry.loc[str(folder / "sub"), "status"] == "ok"
    assert by_entry.loc[catalog_events[1], ["status", "mag_bin"]].tolist() == ["ok", "12_13"]
    assert by_entry.loc[catalog_events[2], "status"] == "outside_bins"  # and its files with it
    assert set(by_entry.loc[[str(folder / "faint_a.csv"), str(folder / "faint_b.csv")], "mag_bin"]) == {""}
    assert by_entry.loc[catalog_events[0], "status"] == "bad_id"
    # The manifests list each event once, never its files.
    assert sorted(layouts["12_13"].manifest["source_id"]) == ["EVT1"]
    assert sorted(layouts["13_14"].manifest["source_id"]) == ["single", "sub"]
    events = layouts["12_13"].manifest.set_index("source_id")
    assert events.loc["EVT1", "path"].count(str(folder)) == 3
    assert events.loc["EVT1", "ra"] == 270.1


def test_ledger_rows_of_event_files_point_at_the_event_and_totals_add_up(tmp_path):
    _folder, collection = _collection(tmp_path)
    layout = folder_layout(collection, "12_13", BINS, 2)
    sources = pd.DataFrame(
        {
            "source_id": ["EVT1"],
            "disposition": ["rejected"],
            "status": ["rejected"],
            "stage": ["filter"],
            "reason": ["failed: dchi2"],
            "families": [""],
        }
    )
    ledger = entry_ledger(layout.entries, sources)
    members = ledger.loc[ledger["disposition"] == "member"]
    assert sorted(Path(e).name for e in members["entry"]) == ["kmt.csv", "moa.csv", "ogle.csv"]
    assert set(members["source_id"]) == {"EVT1"}
    event = ledger.loc[(ledger["source_id"] == "EVT1") & (ledger["disposition"] != "member")]
    assert event[["disposition", "status"]].values.tolist() == [["rejected", "rejected"]]
    totals = ledger_totals(ledger)
    assert totals["entries"] == len(ledger) == 4
    assert totals["dispositions"]["member"] == 3
    assert totals["dispositions"]["rejected"] == 1
    assert sum(totals["dispositions"].values()) == totals["entries"]
    unbinned = entry_ledger(unbinned_entries(collection, BINS))
    members = unbinned.loc[unbinned["disposition"] == "member", "source_id"]
    assert sorted(members) == ["../evil", "FAINT", "FAINT"]  # the files of an event that is no source


def test_a_folder_without_events_lists_no_member_rows(tmp_path):
    _write_curve(tmp_path / "a.csv", 12.5, 1)
    assert "event_member" not in set(folder_sources(tmp_path)["status"])


def test_an_event_id_repeating_a_file_id_is_a_duplicate_and_its_files_name_its_entry(tmp_path):
    for name in ("X", "a", "b"):
        _write_curve(tmp_path / f"{name}.csv", 12.5, 1)
    catalog = tmp_path.parent / f"{tmp_path.name}_catalog.csv"
    catalog.write_text("source_id,ra,dec,event_id\nX,1.0,1.0,\na,2.0,2.0,X\nb,2.0,2.0,X\n")
    entries = folder_sources(tmp_path, catalog).set_index("entry")
    event = f"{catalog}:event_id=X"
    kept = str(tmp_path / "X.csv")
    assert entries.loc[event, ["status", "duplicate_of"]].tolist() == ["duplicate_id", kept]
    assert entries.loc[str(tmp_path / "X.csv"), "status"] == "ok"
    for name in ("a.csv", "b.csv"):
        assert entries.loc[str(tmp_path / name), "status"] == "event_member"
        assert event in entries.loc[str(tmp_path / name), "reason"]
