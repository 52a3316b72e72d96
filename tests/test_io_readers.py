"""Readers on real files: counts computed independently with the csv module / plain text parsing."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from lcpipe import read_lightcurve
from lcpipe.io import detect_format

DATA = Path(__file__).parent / "data"
SKYPATROL = sorted((DATA / "asassn").glob("*-light-curves.csv"))


def _skypatrol_rows(path: Path) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Header cross-IDs and data rows of a SkyPatrol CSV, read with the csv module only."""
    lines = path.read_text().splitlines()
    header = {
        line[1:].split(":", 1)[0].strip(): line.split(":", 1)[1].strip()
        for line in lines
        if line.startswith("#")
    }
    body = [line for line in lines if line.strip() and not line.startswith("#")]
    return header, list(csv.DictReader(body))


@pytest.mark.parametrize("path", SKYPATROL, ids=lambda p: p.name.split("-")[0])
def test_skypatrol_matches_plain_csv_count(path):
    header, rows = _skypatrol_rows(path)
    lc = read_lightcurve(path)
    assert lc.meta["format"] == "skypatrol"
    assert len(lc) == len(rows)
    assert lc.source_id == header["ASAS-SN SkyPatrol ID"] == path.name.split("-")[0]
    assert lc.meta["cross_ids"] == header
    assert Counter(lc.camera.tolist()) == Counter(r["Camera"] for r in rows)
    assert Counter(lc.band.tolist()) == Counter(r["Filter"] for r in rows)
    np.testing.assert_array_equal(lc.time, [float(r["JD"]) for r in rows])
    assert lc.meta["time_offset"] == 0.0
    quality = Counter(r["Quality"] for r in rows)
    assert lc.meta["quality_counts"] == dict(quality)
    assert lc.good.sum() == quality["G"] + quality["U"]
    assert not lc.saturated.any()
    sentinel = [float(r["Mag Error"]) >= 99 for r in rows]
    assert np.isnan(lc.mag).sum() == sum(sentinel)
    assert lc.meta["n_upper_limits"] + lc.meta["n_no_photometry"] == sum(sentinel)
    np.testing.assert_array_equal(lc.flux, [float(r["Flux"]) for r in rows])


def test_skypatrol_known_values():
    """Facts checked by eye in the files: camera count, V/g split, upper limits."""
    lc = read_lightcurve(DATA / "asassn" / "231929175915-light-curves.csv")
    assert len(lc.cameras) == 7
    assert set(lc.band) == {"V", "g"}
    assert lc.meta["n_upper_limits"] == 3
    assert "TESS Input Catalog (TIC)" not in lc.meta["cross_ids"]
    many = read_lightcurve(DATA / "asassn" / "360777377116-light-curves.csv")
    assert len(many.cameras) == 14
    assert np.isnan(many.mag[many.flux <= 0]).all()  # the negative forced flux is an upper limit
    assert many.meta["zero_point_by_band"]["g"] == pytest.approx(16.40, abs=0.01)
    assert many.meta["zero_point_by_band"]["V"] == pytest.approx(16.46, abs=0.01)


def test_skypatrol_quality_policy_configurable():
    path = SKYPATROL[0]
    _, rows = _skypatrol_rows(path)
    strict = read_lightcurve(path, good_quality=("G",))
    assert strict.good.sum() == sum(r["Quality"] == "G" for r in rows)


def test_skypatrol_source_id_falls_back_to_file_name(tmp_path):
    _, rows = _skypatrol_rows(SKYPATROL[0])
    text = SKYPATROL[0].read_text().splitlines()
    copy = tmp_path / "987654-light-curves.csv"
    copy.write_text("\n".join(line for line in text if not line.startswith("#")) + "\n")
    lc = read_lightcurve(copy)
    assert lc.source_id == "987654"
    assert len(lc) == len(rows)


def test_dat2_fixture():
    path = DATA / "asassn" / "12345.dat2"
    fields = [line.split() for line in path.read_text().splitlines()]
    lc = read_lightcurve(path)
    assert detect_format(path) == "dat2"
    assert lc.source_id == "12345"
    assert lc.meta["time_offset"] == 2450000
    np.testing.assert_allclose(lc.time, [float(f[0]) + 2450000 for f in fields], rtol=0, atol=1e-9)
    np.testing.assert_array_equal(lc.mag, [float(f[1]) for f in fields])
    assert lc.cameras == ["bd", "bc"]  # the last row has no name column: named from camera number 7
    assert lc.band.tolist() == ["V" if f[5] == "1" else "g" for f in fields]
    assert lc.good.tolist() == [f[3] == "1" for f in fields]
    assert lc.saturated.tolist() == [f[6] == "1" for f in fields]
    flux_ratio = lc.flux[0] / lc.flux[1]
    assert flux_ratio == pytest.approx(10 ** (-0.4 * (lc.mag[0] - lc.mag[1])), rel=1e-12)


def test_dat2_content_sniffed_without_extension(tmp_path):
    copy = tmp_path / "lc.txt"
    copy.write_text((DATA / "asassn" / "12345.dat2").read_text())
    assert detect_format(copy) == "dat2"
    assert read_lightcurve(copy).source_id == "lc"
