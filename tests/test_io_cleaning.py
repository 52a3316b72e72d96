"""Cleaning rules, each checked on a hand-built light curve, plus counts on a real SkyPatrol file."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import numpy as np
import pytest

from lcpipe import read_lightcurve
from lcpipe.io import CLEANING_RULES, CleaningOptions, clean_lightcurve
from lcpipe.lightcurve import make_lightcurve

DATA = Path(__file__).parent / "data"


def _lc(**overrides):
    """Eight points, one per rule to trigger, everything else clean."""
    n = 8
    values = {
        "time": np.arange(n, dtype=float)[::-1].copy(),  # reversed: unsorted
        "mag": np.full(n, 13.0),
        "mag_err": np.full(n, 0.01) + np.arange(n) * 1e-4,
        "camera": np.array(["a", "a", "a", "b", "b", "b", "b", "b"]),
        "band": np.array(["V"] * 7 + ["g"]),
        "good": np.ones(n, bool),
        "saturated": np.zeros(n, bool),
    }
    values.update(overrides)
    return make_lightcurve(**values)


def test_each_rule_counts_its_point():
    mag = np.full(8, 13.0)
    mag[0] = np.nan
    err = np.full(8, 0.01) + np.arange(8) * 1e-4
    err[1] = 0.0
    err[2] = 1.5
    sat = np.zeros(8, bool)
    sat[3] = True
    good = np.ones(8, bool)
    good[4] = False
    lc = _lc(mag=mag, mag_err=err, saturated=sat, good=good)
    cleaned, report = clean_lightcurve(lc, CleaningOptions(bands=("V",)))
    assert report.dropped == {
        "non_finite": 1, "bad_error": 2, "saturated": 1, "quality": 1, "band": 1,
        "error_outlier": 0, "duplicate": 0,
    }  # fmt: skip
    assert report.n_kept == 2 == len(cleaned)
    assert sum(report.dropped.values()) == report.n_input - report.n_kept
    assert report.was_unsorted
    assert np.all(np.diff(cleaned.time) > 0)


def test_rules_can_be_switched_off():
    sat = np.zeros(8, bool)
    sat[3] = True
    good = np.ones(8, bool)
    good[4] = False
    err = np.full(8, 0.01)
    err[2] = 1.5
    lc = _lc(saturated=sat, good=good, mag_err=err)
    options = CleaningOptions(max_err=None, drop_saturated=False, require_good=False, sort=False)
    cleaned, report = clean_lightcurve(lc, options)
    assert report.n_kept == 8
    np.testing.assert_array_equal(cleaned.time, lc.time)  # order kept


def test_error_outlier_clip():
    err = np.full(8, 0.010)
    err[[0, 2, 4, 6]] = 0.012
    err[5] = 0.5
    lc = _lc(mag_err=err)
    _, off = clean_lightcurve(lc)
    assert off.dropped["error_outlier"] == 0  # off by default
    cleaned, report = clean_lightcurve(lc, CleaningOptions(error_clip_k=5.0))
    # median 0.012, 1.4826 MAD 0.0014826: threshold 0.0194 drops only the 0.5 point
    assert report.dropped["error_outlier"] == 1
    assert 0.5 not in cleaned.mag_err


def test_duplicates_dropped_per_camera():
    time = np.array([1.0, 2.0, 2.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    camera = np.array(["a", "a", "b", "a", "a", "a", "a", "a"])
    mag = np.arange(8, dtype=float) + 10
    cleaned, report = clean_lightcurve(_lc(time=time, camera=camera, mag=mag))
    assert report.n_duplicates == 1
    assert report.n_duplicate_times == 2
    assert report.dropped["duplicate"] == 1
    assert 13.0 not in cleaned.mag  # the later (2.0, "a") row goes, the first stays
    assert not report.was_unsorted
    _, kept = clean_lightcurve(_lc(time=time, camera=camera), CleaningOptions(drop_duplicates=False))
    assert kept.n_kept == 8
    assert kept.n_duplicates == 1


def test_flux_photometry_keeps_negative_flux():
    flux = np.array([100.0, -3.0, 98.0, 101.0])
    lc = make_lightcurve(np.arange(4.0), flux=flux, flux_err=np.full(4, 2.0))
    _, mag_report = clean_lightcurve(lc, CleaningOptions(photometry="mag"))
    assert mag_report.dropped["non_finite"] == 1
    cleaned, flux_report = clean_lightcurve(lc, CleaningOptions(photometry="flux"))
    assert flux_report.n_kept == 4
    assert -3.0 in cleaned.flux
    _, auto_report = clean_lightcurve(lc)  # the default tests what the file measured: flux here
    assert lc.meta["data_kind"] == "flux"
    assert auto_report.n_kept == 4


def test_report_row_is_flat():
    _, report = clean_lightcurve(_lc(camera=np.array(["a"] * 8)))
    row = report.as_row()
    assert {f"dropped_{rule}" for rule in CLEANING_RULES} <= set(row)
    assert all(isinstance(v, int | bool) for v in row.values())
    assert row["single_camera"] is True


@pytest.mark.parametrize(
    "bad", [{"photometry": "adu"}, {"max_err": 0.0}, {"error_clip_k": -1.0}, {"bands": "V"}]
)
def test_bad_options_raise(bad):
    with pytest.raises(ValueError, match="CleaningOptions"):
        CleaningOptions(**bad)


def test_options_are_frozen_and_from_kwargs():
    options = CleaningOptions(bands=["V", "g"])
    assert options.bands == ("V", "g")
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.max_err = 2.0  # type: ignore[misc]


def test_real_skypatrol_counts():
    path = DATA / "asassn" / "231929175915-light-curves.csv"
    rows = list(csv.DictReader(line for line in path.read_text().splitlines() if line and line[0] != "#"))
    no_mag = [float(r["Mag Error"]) >= 99 for r in rows]
    zero_err = [float(r["Mag Error"]) == 0 for r in rows]
    bad_quality = [r["Quality"] == "B" for r in rows]
    kept_expected = sum(not (a or b or c) for a, b, c in zip(no_mag, zero_err, bad_quality, strict=True))
    cleaned, report = clean_lightcurve(read_lightcurve(path))
    assert report.n_kept == kept_expected
    assert report.dropped["non_finite"] == sum(no_mag)
    assert report.n_duplicate_times > 0  # simultaneous cameras share a JD
    assert report.n_duplicates == 0
    assert not report.was_unsorted
    assert np.all(np.diff(cleaned.time) >= 0)
