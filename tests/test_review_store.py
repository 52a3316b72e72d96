"""The review store: history and current view, merge with conflicts, concurrent writers, reruns, export."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from lcpipe.review.identity import fingerprint
from lcpipe.review.store import (
    Review,
    ReviewStoreError,
    connect,
    current_reviews,
    history,
    merge_stores,
    record,
    with_change_flags,
)

LCPIPE = str(Path(sys.executable).with_name("lcpipe"))


def _review(
    source_id: str, reviewer: str, score: int | None = 3, label: str | None = "dipper", **kw
) -> Review:
    fields = {"mag_bin": "12_12.5", "candidate_type": "dip", "fingerprint": "f0", "notes": "", **kw}
    return Review(source_id, fields["mag_bin"], fields["candidate_type"], fields["fingerprint"], score, label,
                  fields["notes"], reviewer)  # fmt: skip


def test_history_is_appended_and_the_view_is_the_latest(tmp_path):
    connection = connect(tmp_path / "r.sqlite")
    first = record(connection, _review("1", "alice", 2, "dipper"))
    second = record(connection, _review("1", "bob", 4, "eclipsing_binary", notes="two eclipses"))
    record(connection, _review("2", "alice", 1, "instrumental"))
    assert first < second
    now = current_reviews(connection).set_index("source_id")
    assert now.loc["1", ["score", "label", "reviewer", "notes"]].tolist() == [
        4,
        "eclipsing_binary",
        "bob",
        "two eclipses",
    ]
    assert now.loc["2", "label"] == "instrumental"
    assert len(history(connection)) == 3
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize(
    ("score", "label", "reviewer"), [(5, "dipper", "a"), (0, None, "a"), (3, "nova", "a"), (3, "dipper", " ")]
)
def test_bad_reviews_are_rejected(tmp_path, score, label, reviewer):
    connection = connect(tmp_path / "r.sqlite")
    with pytest.raises(ReviewStoreError):
        record(connection, _review("1", reviewer, score, label))
    assert history(connection).empty


def test_a_file_that_is_not_a_store_is_named(tmp_path):
    bad = tmp_path / "notes.sqlite"
    bad.write_text("not a database at all, just text" * 20)
    with pytest.raises(ReviewStoreError, match=r"notes\.sqlite"):
        connect(bad)


def test_merge_keeps_the_union_and_lists_conflicts(tmp_path):
    a, b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    ca = connect(a)
    record(ca, _review("shared", "alice", 3, "dipper"), changed_at="2026-01-01T00:00:00+00:00")
    ca.close()
    b.write_bytes(a.read_bytes())  # b starts as a copy of a: the shared change must be kept once
    ca, cb = connect(a), connect(b)
    record(ca, _review("x", "alice", 3, "dipper"), changed_at="2026-01-02T00:00:00+00:00")
    record(cb, _review("x", "bob", 1, "instrumental"), changed_at="2026-01-03T00:00:00+00:00")
    record(cb, _review("only_b", "bob", 2, "other"), changed_at="2026-01-04T00:00:00+00:00")
    record(ca, _review("same", "alice", 4, "flare"), changed_at="2026-01-05T00:00:00+00:00")
    record(cb, _review("same", "bob", 4, "flare"), changed_at="2026-01-06T00:00:00+00:00")
    ca.close()
    cb.close()
    conflicts = merge_stores([a, b], tmp_path / "c.sqlite")
    assert [c.source_id for c in conflicts] == ["x"]
    assert {s[1] for s in conflicts[0].states} == {"alice", "bob"}
    merged = connect(tmp_path / "c.sqlite")
    rows = history(merged)
    assert len(rows) == 6  # shared once, x twice, only_b, same twice
    assert set(rows["origin"]) == {"a.sqlite", "b.sqlite"}
    now = current_reviews(merged).set_index("source_id")
    assert now.loc["x", "reviewer"] == "bob"  # the latest change wins the current state
    with pytest.raises(ReviewStoreError, match="already exists"):
        merge_stores([a, b], tmp_path / "c.sqlite")
    proc = subprocess.run(
        [LCPIPE, "review", "--merge", str(a), str(b), "--out", str(tmp_path / "d.sqlite")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "1 conflict(s)" in proc.stdout
    assert "conflict 12_12.5/x: a.sqlite: alice score=3 class=dipper" in proc.stdout


_WRITER = """
import sys
from lcpipe.review.store import Review, connect, record
connection = connect(sys.argv[1], timeout_s=60)
for k in range(int(sys.argv[3])):
    record(connection, Review(f"{sys.argv[2]}-{k}", "b", "dip", "f", 1 + k % 4, "other", "", sys.argv[2]))
"""


def test_two_concurrent_writers(tmp_path):
    path = tmp_path / "shared.sqlite"
    connect(path).close()
    n = 60
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), name, str(n)], stderr=subprocess.PIPE, text=True
        )
        for name in ("alice", "bob")
    ]
    errors = [w.communicate(timeout=120)[1] for w in writers]
    assert [w.returncode for w in writers] == [0, 0], errors
    connection = connect(path)
    rows = history(connection)
    assert len(rows) == 2 * n
    assert rows.groupby("reviewer").size().to_dict() == {"alice": n, "bob": n}
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _candidates(changes: dict | None = None) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "source_id": ["1", "2", "3"],
            "mag_bin": ["12_12.5"] * 3,
            "candidate_type": ["microlensing", "dip", "jump"],
            "pspl_t0": [2458000.123, float("nan"), float("nan")],
            "pspl_tE": [40.02, float("nan"), float("nan")],
            "dip_log_bf": [float("nan"), 55.2, float("nan")],
            "jump_log_bf": [float("nan"), float("nan"), 31.1],
        }
    )
    for (source_id, column), value in (changes or {}).items():
        table.loc[table["source_id"] == source_id, column] = value
    table["fingerprint"] = fingerprint(table)
    return table


def test_a_rerun_that_changes_a_candidate_flags_its_review(tmp_path):
    before = _candidates()
    connection = connect(tmp_path / "r.sqlite")
    for row in before.itertuples():
        record(
            connection,
            Review(row.source_id, row.mag_bin, row.candidate_type, row.fingerprint, 3, "other", "", "a"),
        )
    unchanged = _candidates({("1", "pspl_t0"): 2458000.124})  # below the rounding of the fingerprint
    assert not with_change_flags(current_reviews(connection), unchanged)["changed_since_review"].any()
    rerun = _candidates({("1", "pspl_t0"): 2458012.5, ("2", "candidate_type"): "dip+jump"}).iloc[:2]
    flags = with_change_flags(current_reviews(connection), rerun).set_index("source_id")
    assert flags["changed_since_review"].to_dict() == {"1": True, "2": True, "3": False}
    assert flags["in_run"].to_dict() == {"1": True, "2": True, "3": False}
    assert flags.loc["1", "score"] == 3  # the review itself is kept


def test_export_parquet_and_csv(tmp_path):
    db = tmp_path / "r.sqlite"
    connection = connect(db)
    record(connection, _review("7", "alice", 4, "flare", notes="fast rise, slow decay"))
    connection.close()
    for name in ("labels.parquet", "labels.csv"):
        out = tmp_path / name
        proc = subprocess.run(
            [LCPIPE, "review", "--db", str(db), "--export", str(out)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        table = (
            pd.read_parquet(out) if name.endswith(".parquet") else pd.read_csv(out, dtype={"source_id": str})
        )
        assert table[["source_id", "score", "label", "notes", "reviewer"]].values.tolist() == [
            ["7", 4, "flare", "fast rise, slow decay", "alice"]
        ]
    proc = subprocess.run(
        [LCPIPE, "review", "--db", str(tmp_path / "missing.sqlite"), "--export", str(tmp_path / "x.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "missing.sqlite: no such review store" in proc.stderr
