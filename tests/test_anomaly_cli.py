"""``lcpipe anomaly`` subcommand and the PNG figures."""

import argparse
import json
from pathlib import Path

import numpy as np

from lcpipe.cli import anomaly
from lcpipe.microlensing.figures import save_summary_plot, save_zoom_plot
from lcpipe.microlensing.finder import find_anomalies

DATA = Path(__file__).parent / "data"


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    anomaly.register(parser.add_subparsers())
    args = parser.parse_args(["anomaly", *argv])
    return args.func(args)


def test_csv_in_magnitudes_json_out(tmp_path, capsys):
    t, m, e = np.loadtxt(DATA / "ogle" / "phot_ob08092_O4.dat", unpack=True)
    path = tmp_path / "event.csv"
    np.savetxt(path, np.column_stack([t, m, e]), delimiter=",", header="time,mag,mag_err", comments="")
    assert _run([str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "ok"
    assert out["has_candidate"] is False
    assert out["pspl_chi2"] == np.float64(out["pspl_chi2"])
    assert out["n_points"] == t.size


def test_flux_csv_with_plots(tmp_path, capsys):
    rng = np.random.default_rng(0)
    t = np.sort(rng.uniform(0, 60, 1500))
    u = np.hypot(0.2, (t - 30) / 10)
    flux = 100 * (u**2 + 2) / (u * np.sqrt(u**2 + 4)) + 50 + 60 * np.exp(-0.5 * ((t - 33) / 0.2) ** 2)
    err = np.full(t.size, 2.0)
    path = tmp_path / "flux.csv"
    np.savetxt(
        path,
        np.column_stack([t, flux + rng.normal(0, err), err]),
        delimiter=",",
        header="time,flux,flux_err",
        comments="",
    )
    plot, zoom = tmp_path / "s.png", tmp_path / "z.png"
    assert _run([str(path), "--plot", str(plot), "--zoom-plot", str(zoom)]) == 0
    text = capsys.readouterr().out
    assert "best candidate    t0=33.0" in text
    for png in (plot, zoom):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_unreadable_file_returns_1(tmp_path, capsys):
    assert _run([str(tmp_path / "missing.csv")]) == 1
    assert "missing.csv" in capsys.readouterr().err


def test_plots_of_a_failed_search(tmp_path):
    result = find_anomalies(np.arange(4.0), np.ones(4), np.ones(4))
    assert save_summary_plot(result, tmp_path / "a.png").stat().st_size > 0
    assert save_zoom_plot(result, tmp_path / "b.png").stat().st_size > 0
