"""The published scan-anomaly result on the simulated Roman event (the simulation set's published fit)."""

from pathlib import Path

import numpy as np
import pytest

from lcpipe.kernels.anomaly_scan import scan_grid
from lcpipe.kernels.clusters import find_clusters
from lcpipe.microlensing.finder import FinderOptions, find_anomalies
from lcpipe.microlensing.grid import ScanOptions, build_grid
from lcpipe.microlensing.pspl import pspl_magnification
from lcpipe.microlensing.score import score_cluster

DATA = Path(__file__).parent / "data" / "roman" / "example_data.npy"
# Published reference (RGES PIT example, scan-anomaly tool with default settings).
PSPL = {"t0": 9826.5607, "tE": 8.6161, "u0": 0.35328}
BEST = {"t0": 9826.0007, "teff": 0.299662, "dchi2": 111.242, "score": 44.41}
SCORE_REFS = {"median": 7.580, "scale": 2.334, "n_reference": 8}
GRID_SIZE, N_SEASONS, N_CLUSTERS = 338_514, 6, 1_274


@pytest.fixture(scope="module")
def roman():
    return np.load(DATA).T


def _published_residuals(time, flux, flux_err):
    """Residuals of the published PSPL fit, fs and fb by weighted linear least squares."""
    mag = pspl_magnification(time, PSPL["t0"], PSPL["tE"], PSPL["u0"])
    sw = 1.0 / flux_err
    fs, fb = np.linalg.lstsq(np.column_stack([mag, np.ones_like(mag)]) * sw[:, None], flux * sw, rcond=None)[
        0
    ]
    return flux - fs * mag - fb


def test_scan_of_published_fit_residuals(roman):
    time, flux, flux_err = roman
    grid = build_grid(time, ScanOptions(min_points_each_side=0))
    assert (grid.size, grid.n_seasons) == (GRID_SIZE, N_SEASONS)
    scan = scan_grid(time, _published_residuals(time, flux, flux_err), flux_err**-2.0, grid)
    reps = find_clusters(scan, grid)
    assert reps.size == N_CLUSTERS
    best = reps[np.argmax(scan.dchi2[reps])]
    assert scan.t0[best] == pytest.approx(BEST["t0"], abs=5e-4)
    assert grid.teff[scan.level[best]] == pytest.approx(BEST["teff"], rel=1e-5)
    assert scan.dchi2[best] == pytest.approx(BEST["dchi2"], rel=5e-3)
    season, teff, dchi2 = scan.season[reps], grid.teff[scan.level[reps]], scan.dchi2[reps]
    score = score_cluster(season, teff, dchi2, int(np.argmax(dchi2)))
    assert score.score == pytest.approx(BEST["score"], rel=1e-2)
    assert score.median == pytest.approx(SCORE_REFS["median"], abs=5e-3)
    assert score.scale == pytest.approx(SCORE_REFS["scale"], abs=5e-3)
    assert score.n_reference == SCORE_REFS["n_reference"]


def test_finder_reproduces_published_result(roman):
    result = find_anomalies(*roman, options=FinderOptions.reference())
    assert result.status == "ok"
    assert result.fit.t0 == pytest.approx(PSPL["t0"], abs=2e-3)
    row = result.to_row()
    assert (row["grid_size"], row["n_seasons"], row["n_clusters"]) == (GRID_SIZE, N_SEASONS, N_CLUSTERS)
    assert row["top_t0"] == pytest.approx(BEST["t0"], abs=5e-4)
    assert row["top_teff"] == pytest.approx(BEST["teff"], rel=1e-5)
    assert row["top_dchi2"] == pytest.approx(BEST["dchi2"], rel=5e-3)
    assert row["top_score"] == pytest.approx(BEST["score"], rel=1e-2)


def test_default_finder_flags_the_anomaly(roman):
    result = find_anomalies(*roman)
    assert result.has_candidate
    d = result.summary_dict()
    assert d["best_t0"] == pytest.approx(BEST["t0"], abs=5e-4)
    assert d["best_dchi2"] == pytest.approx(BEST["dchi2"], rel=5e-3)
    assert d["best_score"] == pytest.approx(BEST["score"], rel=1e-2)
    assert d["best_n_eff"] > 10
    assert d["best_peak_frac"] < 0.2
    assert 0.99 <= d["error_scale"] <= 1.01
