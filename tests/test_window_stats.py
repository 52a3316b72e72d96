"""Parity of the compiled window-statistics kernel with its NumPy reference."""

import numpy as np
import pytest

from lcpipe.kernels.window_stats import flat_window_stats


def _random_case(seed: int, n: int, m: int):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0, 100, n))
    if n > 4:
        t[3] = t[2]  # duplicate time
    r = rng.normal(0, 1, n)
    w = rng.uniform(0.5, 2.0, n)
    centers = rng.uniform(-10, 110, m)
    return t, r, w, centers


@pytest.mark.parametrize(
    ("seed", "n", "m", "half_width"),
    [(0, 500, 300, 2.0), (1, 50, 100, 0.3), (2, 1, 5, 1.0), (3, 0, 4, 1.0), (4, 2000, 50, 40.0)],
)
def test_fast_matches_slow(seed, n, m, half_width):
    t, r, w, centers = _random_case(seed, n, m)
    fast = flat_window_stats(t, r, w, centers, half_width)
    slow = flat_window_stats(t, r, w, centers, half_width, method="slow")
    np.testing.assert_array_equal(fast.hi - fast.lo, slow.hi - slow.lo)
    nonempty = slow.hi > slow.lo
    np.testing.assert_array_equal(fast.lo[nonempty], slow.lo[nonempty])
    np.testing.assert_allclose(fast.mean, slow.mean, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(fast.chi2, slow.chi2, rtol=1e-9, atol=1e-9)


def test_window_edges_are_open():
    t = np.array([0.0, 1.0, 2.0, 3.0])
    stats = flat_window_stats(t, np.ones(4), np.ones(4), np.array([1.5]), 1.5)
    assert (stats.lo[0], stats.hi[0]) == (1, 3)  # t=0 and t=3 sit exactly on the edges: excluded


def test_unsorted_time_is_rejected():
    with pytest.raises(ValueError, match="sorted"):
        flat_window_stats(np.array([1.0, 0.0]), np.ones(2), np.ones(2), np.array([0.5]), 1.0)
