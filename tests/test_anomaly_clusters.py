"""Clustering, quality and score: compiled paths against literal references, and the score rules."""

import numpy as np
import pytest

from lcpipe.kernels.anomaly_scan import scan_grid
from lcpipe.kernels.clusters import find_clusters
from lcpipe.kernels.window_quality import window_quality
from lcpipe.microlensing.criteria import CandidateCriteria
from lcpipe.microlensing.grid import ScanOptions, build_grid
from lcpipe.microlensing.score import ScoreOptions, reference_clusters, robust_scale, score_cluster


def _scan(seed: int, sparse: bool):
    rng = np.random.default_rng(seed)
    if sparse:  # many windows short of points: implicit zeros take part in the stopping rule
        t = np.sort(
            np.concatenate([rng.uniform(0, 40, 60), rng.uniform(200, 201, 3), rng.uniform(400, 405, 30)])
        )
    else:
        t = np.sort(np.concatenate([rng.uniform(0, 15, 250), rng.uniform(130, 136, 80)]))
    r = rng.normal(0, 1, t.size)
    w = rng.uniform(0.5, 2.0, t.size)
    grid = build_grid(t, ScanOptions(n_teff=12))
    return t, r, w, grid


@pytest.mark.parametrize(("seed", "sparse"), [(0, False), (1, False), (2, True), (3, True)])
def test_fast_clusters_match_literal_reference(seed, sparse):
    t, r, w, grid = _scan(seed, sparse)
    fast_scan = scan_grid(t, r, w, grid)
    slow_scan = scan_grid(t, r, w, grid, method="slow")
    reference = slow_scan.flat_index(grid)[find_clusters(slow_scan, grid, method="slow")]
    assert reference.size > 5
    # Skipped (unlisted) points must behave exactly like listed zeros.
    np.testing.assert_array_equal(fast_scan.flat_index(grid)[find_clusters(fast_scan, grid)], reference)
    np.testing.assert_array_equal(slow_scan.flat_index(grid)[find_clusters(slow_scan, grid)], reference)


def test_clusters_stop_when_fewer_than_three_points_remain():
    # One season whose whole grid lies within one removal radius: exactly one cluster.
    t = np.linspace(0, 0.5, 40)
    r = np.random.default_rng(4).normal(size=t.size)
    grid = build_grid(t, ScanOptions(n_teff=3, teff_min=1.0))
    scan = scan_grid(t, r, np.ones(t.size), grid, method="slow")
    assert find_clusters(scan, grid).size == 1 == find_clusters(scan, grid, method="slow").size


@pytest.mark.parametrize("seed", [0, 5])
def test_quality_fast_matches_reference(seed):
    t, r, w, grid = _scan(seed, False)
    r = r + 6.0 * np.exp(-0.5 * ((t - 7.0) / 0.2) ** 2)
    scan = scan_grid(t, r, w, grid)
    reps = find_clusters(scan, grid)
    args = (
        t,
        r,
        w,
        scan.lo[reps],
        scan.hi[reps],
        scan.t0[reps],
        grid.teff[scan.level[reps]],
        scan.template[reps],
    )
    fast, slow = window_quality(*args), window_quality(*args, method="slow")
    np.testing.assert_allclose(fast["dchi2_window"], scan.dchi2[reps], rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(fast.to_numpy(), slow.to_numpy(), rtol=1e-8, atol=1e-9, equal_nan=True)
    assert fast["n_contrib"].max() > 0
    assert fast["longest_run"].max() > 0


def test_quality_of_a_single_outlier():
    t = np.linspace(-1, 1, 21)
    r = np.zeros(t.size)
    r[10] = 50.0
    q = window_quality(t, r, np.ones(t.size), [0], [21], [0.0], [0.1], [0])
    assert q["n_contrib"][0] == 1
    assert q["longest_run"][0] == 1
    assert q["peak_frac"][0] > 0.8
    assert q["n_eff"][0] < 1.5
    assert not CandidateCriteria.survey_defaults().accept(q.assign(dchi2=q["dchi2_window"]))[0][0]


def test_robust_scale_fallbacks():
    assert robust_scale(np.array([1.0, 2.0, 3.0, 4.0, 100.0])) == (1.4826, "mad")
    scale, method = robust_scale(np.array([0.0, 0.0, 0.0, 5.0, 5.0, 5.0, 5.0]))  # MAD 0, IQR 5
    assert method == "iqr"
    assert scale == pytest.approx(5.0 / 1.349)
    scale, method = robust_scale(np.array([1.0] * 9 + [3.0]))
    assert method == "std"
    assert scale == pytest.approx(0.6)
    assert robust_scale(np.array([2.0, 2.0])) == (0.0, "std")


def test_score_references_and_clipping():
    season = np.zeros(12, int)
    teff = np.array([1.0, 1.0, 1.2, 0.6, 1.9, 1.0, 1.0, 1.0, 1.0, 1.0, 5.0, 0.1])
    dchi2 = np.array([100.0, 60.0, 8.0, 7.0, 6.0, 5.0, 5.5, 6.5, 7.5, 4.0, 9.0, 9.5])
    refs = reference_clusters(season, teff, 0, ScoreOptions())
    np.testing.assert_array_equal(refs, [1, 2, 3, 4, 5, 6, 7, 8, 9])
    result = score_cluster(season, teff, dchi2, 0)
    # 60 is clipped (far above median + 5 scale); the rest has median 6.25
    kept = np.array([8.0, 7.0, 6.0, 5.0, 5.5, 6.5, 7.5, 4.0])
    mad = 1.4826 * np.median(np.abs(kept - np.median(kept)))
    assert (result.n_reference, result.n_used, result.scale_method) == (9, 8, "mad")
    assert result.score == pytest.approx((100 - np.median(kept)) / mad)
    # Fewer than 8 within a factor 2 in teff: the 8 nearest in |ln teff| instead.
    refs = reference_clusters(season, teff, 10, ScoreOptions())
    assert refs.size == 8
    assert 11 not in refs
    assert np.isnan(score_cluster(np.array([0, 1]), np.ones(2), np.array([3.0, 1.0]), 0).score)
