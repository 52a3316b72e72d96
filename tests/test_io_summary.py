"""summarize_lightcurve and ``lcpipe info``: numbers checked against plain-csv computations."""

from __future__ import annotations

import argparse
import csv
import json
import statistics
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from lcpipe import read_lightcurve
from lcpipe.cli import info
from lcpipe.io import summarize_lightcurve
from lcpipe.lightcurve import make_lightcurve

DATA = Path(__file__).parent / "data"
SKYPATROL = DATA / "asassn" / "60130040391-light-curves.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(line for line in path.read_text().splitlines() if line and line[0] != "#"))


def test_summary_of_real_skypatrol():
    rows = _rows(SKYPATROL)
    summary = summarize_lightcurve(read_lightcurve(SKYPATROL))
    jd = [float(r["JD"]) for r in rows]
    mags = [float(r["Mag"]) for r in rows if float(r["Mag Error"]) < 99]
    median = statistics.median(mags)
    assert summary["n_points"] == len(rows) == 851
    assert summary["span_days"] == pytest.approx(max(jd) - min(jd), abs=1e-9)
    assert summary["points_per_day"] == pytest.approx(len(rows) / (max(jd) - min(jd)))
    assert summary["cameras"] == dict(Counter(r["Camera"] for r in rows))
    assert summary["n_cameras"] == 3
    assert summary["bands"] == dict(Counter(r["Filter"] for r in rows))
    assert summary["n_good"] == sum(r["Quality"] in "GU" for r in rows)
    assert summary["median_mag"] == pytest.approx(median)
    assert summary["robust_scatter_mag"] == pytest.approx(
        1.4826 * statistics.median(abs(m - median) for m in mags)
    )


def test_summary_of_degenerate_curves():
    empty = summarize_lightcurve(make_lightcurve(np.array([]), mag=np.array([]), mag_err=np.array([])))
    assert empty["n_points"] == 0
    assert np.isnan(empty["span_days"])
    assert np.isnan(empty["median_mag"])
    single = summarize_lightcurve(make_lightcurve(np.array([5.0]), mag=np.array([12.0])))
    assert single["span_days"] == 0
    assert np.isnan(single["points_per_day"])


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    info.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return args.func(args)


def test_info_text_and_json(capsys):
    assert _run(["info", str(SKYPATROL)]) == 0
    text = capsys.readouterr().out
    assert "60130040391" in text
    assert "851 points" in text
    assert _run(["info", str(SKYPATROL), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["n_points"] == 851
    assert summary["cleaning"]["n_input"] == 851


def test_info_reader_flags(capsys):
    path = DATA / "ogle" / "phot_ob08092_O4.dat"
    assert (
        _run(["info", str(path), "--json", "--columns", "time,mag,mag_err", "--time-offset", "2450000"]) == 0
    )
    summary = json.loads(capsys.readouterr().out)
    first = float(path.read_text().split()[0])
    assert summary["t_min"] == pytest.approx(first + 2450000)
    assert _run(["info", str(SKYPATROL), "--json", "--good-quality", "G"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["n_good"] == sum(r["Quality"] == "G" for r in _rows(SKYPATROL))


def test_info_bad_file_one_line_exit_1(capsys):
    path = DATA / "bad" / "garbage.dat2"
    assert _run(["info", str(path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert str(path) in err
    assert "unreadable" in err
