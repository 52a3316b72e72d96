"""Packed light curves (lcpipe.io.packed): a shard's cleaned light curves round-trip exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lcpipe.io.packed import (
    PackedEntry,
    PackedFormatError,
    load_packed_entry,
    read_packed,
    read_packed_light_curves,
    write_packed,
)
from lcpipe.lightcurve import POINT_ARRAYS, make_lightcurve

DATA = Path(__file__).parent / "data" / "asassn"


def _assert_same_curve(a, b):
    for name in POINT_ARRAYS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype, name
        np.testing.assert_array_equal(x, y, err_msg=name)
    assert a.meta.keys() == b.meta.keys()
    for key, value in a.meta.items():
        both_nan = isinstance(value, float) and np.isnan(value) and np.isnan(b.meta[key])
        assert both_nan or value == b.meta[key], key


def _flux_curve():
    rng = np.random.default_rng(3)
    n = 7
    return make_lightcurve(
        np.sort(rng.uniform(0, 100, n)) + 2460000.0,
        flux=rng.normal(10, 2, n),
        flux_err=np.full(n, 0.5),
        camera=np.array(["ogle", "moa", "ogle", "kmt_a", "ogle", "moa", "moa"]),
        band="I",
        meta={"source_id": "ev1", "ra": 268.1, "dec": -29.5, "time_frame": "HJD", "time_offset": 0.0,
              "columns_used": {"time": "HJD"}},
    )  # fmt: skip


@pytest.mark.parametrize("name", ["12345.dat2", "231929175915-light-curves.csv"])
def test_real_files_round_trip_exactly(tmp_path, name):
    entry = load_packed_entry(DATA / name, "a", read_options={}, cleaning={})
    assert entry.status == "ok"
    flux = PackedEntry("b", _flux_curve(), "ok")
    write_packed(tmp_path / "p.parquet", [entry, flux])
    back = read_packed(tmp_path / "p.parquet")
    assert list(back) == ["a", "b"]
    _assert_same_curve(back["a"].lc, entry.lc)
    _assert_same_curve(back["b"].lc, flux.lc)
    assert back["a"].report.as_row() == entry.report.as_row()
    assert back["b"].lc.meta["data_kind"] == "flux"
    assert back["a"].lc.meta["data_kind"] == entry.lc.meta["data_kind"]


def test_unreadable_and_empty_sources_keep_their_status(tmp_path):
    bad = tmp_path / "bad.dat2"
    bad.write_text("not a light curve\n")
    unreadable = load_packed_entry(bad, "bad", read_options={}, cleaning={})
    assert unreadable.lc is None
    assert unreadable.status != "ok"
    none_kept = _flux_curve().select(np.zeros(7, bool))
    empty = PackedEntry("empty", none_kept, "no_points_after_cleaning", "0 of 7 kept")
    write_packed(tmp_path / "p.parquet", [unreadable, empty])
    back = read_packed(tmp_path / "p.parquet")
    assert back["bad"].lc is None
    assert back["bad"].report is None
    assert (back["bad"].status, back["bad"].reason) == (unreadable.status, unreadable.reason)
    assert len(back["empty"].lc) == 0
    assert (back["empty"].status, back["empty"].reason) == ("no_points_after_cleaning", "0 of 7 kept")
    assert read_packed_light_curves([tmp_path / "p.parquet"]).keys() == {"empty"}


def test_selected_sources_and_a_table_that_opens_in_pandas(tmp_path):
    entries = [PackedEntry(f"s{i}", _flux_curve(), "ok") for i in range(4)]
    write_packed(tmp_path / "p.parquet", entries)
    assert list(read_packed(tmp_path / "p.parquet", ["s2", "s0"])) == ["s0", "s2"]
    table = pd.read_parquet(tmp_path / "p.parquet")
    assert table["source_id"].tolist() == ["s0", "s1", "s2", "s3"]
    assert len(table["time"].iloc[0]) == 7


def test_a_plain_table_is_not_taken_for_a_packed_file(tmp_path):
    pd.DataFrame({"source_id": ["a"]}).to_parquet(tmp_path / "t.parquet")
    with pytest.raises(PackedFormatError, match=r"t\.parquet: not a packed light-curve file"):
        read_packed(tmp_path / "t.parquet")
