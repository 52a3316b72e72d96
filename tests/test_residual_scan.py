"""Parity of the compiled template-free residual scan with its NumPy reference, and what it scores."""

import numpy as np
import pytest

from lcpipe.kernels.residual_scan import residual_scan
from lcpipe.microlensing.finder import FinderOptions, find_anomalies
from lcpipe.microlensing.grid import ScanOptions, build_grid
from lcpipe.microlensing.pspl import pspl_magnification

RTOL = 1e-9  # relative, of the largest excess: prefix sums of season-centred residuals
CASES = ("random", "duplicates", "seasons")


def _case(name: str, seed: int = 3):
    rng = np.random.default_rng(seed)
    if name == "random":
        t = np.sort(np.concatenate([rng.uniform(0, 30, 300), rng.uniform(150, 160, 120)]))
    elif name == "duplicates":
        t = np.sort(np.concatenate([np.repeat(rng.uniform(0, 10, 40), 3), [20.0] * 6, [20.5]]))
    else:  # short seasons, some with 1-3 points
        t = np.sort(np.concatenate([s * 150 + rng.uniform(0, 6, rng.integers(1, 40)) for s in range(8)]))
    r = rng.normal(0, 1, t.size) + 25.0 + 5.0 * np.exp(-0.5 * ((t - t[t.size // 2]) / 0.3) ** 2)
    return t, r, rng.uniform(0.3, 3.0, t.size)


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("each_side", [0, 2])
def test_fast_matches_numpy_reference(name, each_side):
    t, r, w = _case(name)
    grid = build_grid(t, ScanOptions(n_teff=12))
    fast = residual_scan(t, r, w, grid, min_points_each_side=each_side)
    slow = residual_scan(t, r, w, grid, min_points_each_side=each_side, method="slow")
    assert slow.dchi2.size == grid.size
    dense_fast = fast.dense_dchi2(grid)
    scale = max(float(slow.dchi2.max()), 1.0)
    np.testing.assert_allclose(dense_fast, slow.dchi2, rtol=0, atol=RTOL * scale)
    listed = fast.flat_index(grid)
    np.testing.assert_array_equal(fast.lo, slow.lo[listed])
    np.testing.assert_array_equal(fast.hi, slow.hi[listed])
    assert slow.dchi2.max() > 10  # the bump scores
    assert np.all(fast.template == -1)


def test_threads_do_not_change_the_result():
    t, r, w = _case("random")
    grid = build_grid(t, ScanOptions())
    one = residual_scan(t, r, w, grid, num_threads=1)
    two = residual_scan(t, r, w, grid, num_threads=2)
    np.testing.assert_array_equal(one.dchi2, two.dchi2)


def test_pure_noise_scores_near_its_expectation():
    rng = np.random.default_rng(1)
    t = np.sort(rng.uniform(0, 50, 2000))
    r = rng.normal(0, 1, t.size)
    grid = build_grid(t, ScanOptions(n_teff=8))
    scan = residual_scan(t, r, np.ones(t.size), grid)
    # chi2 - (n - 1) is centred on 0: about half the windows score 0
    assert 0.3 < np.mean(scan.dchi2 == 0) < 0.7


def test_residual_mode_finds_a_dip_the_finder_reports():
    rng = np.random.default_rng(4)
    nights = np.arange(40.0, 160.0)
    t = np.sort((nights[:, None] + rng.uniform(0.0, 0.35, (nights.size, 6))).ravel())
    model = pspl_magnification(t, 100.0, 20.0, 0.3) + 0.3
    err = 0.01 * model
    flux = model - 0.2 * np.exp(-0.5 * ((t - 104.0) / 0.25) ** 2) + rng.normal(0, err)
    result = find_anomalies(t, flux, err, options=FinderOptions(scan_mode="residual"))
    assert result.has_candidate
    d = result.summary_dict()
    assert abs(d["best_t0"] - 104.0) < 3.0 * d["best_teff"]  # the dip lies in the best window
    assert d["best_template"] == -1


def test_bad_input_is_rejected():
    t, r, w = _case("random")
    grid = build_grid(t, ScanOptions())
    with pytest.raises(ValueError, match="sorted"):
        residual_scan(t[::-1].copy(), r, w, grid)
    with pytest.raises(ValueError, match="method"):
        residual_scan(t, r, w, grid, method="quick")
