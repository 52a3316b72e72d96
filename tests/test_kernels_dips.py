"""Compiled dip-branch kernels against their NumPy references (explicit tolerances)."""

import numpy as np
import pytest

from lcpipe.kernels.dips_mixture import mixture_terms
from lcpipe.kernels.dips_profiles import TEMPLATES, template_sums
from lcpipe.kernels.dips_score import score_sums
from lcpipe.kernels.dips_sho import sho_posterior


def _residuals(seed: int, n: int):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0, 1000, n))
    s = rng.uniform(0.01, 0.05, n)
    r = rng.normal(0, s)
    for lo, width, depth in ((n // 5, 12, 0.3), (n // 2, 2, 0.2), (3 * n // 4, 30, 0.08)):
        r[lo : lo + width] += depth * np.exp(-0.5 * np.linspace(-2, 2, width) ** 2)
    return t, r, s


@pytest.mark.parametrize(("seed", "n"), [(0, 500), (1, 150), (2, 3000)])
def test_score_sums_match_reference(seed, n):
    t, r, s = _residuals(seed, n)
    args = (t, r, s, (0.02, 0.01), (1.5, 0.05), 1e-3)
    fast, slow = score_sums(*args), score_sums(*args, method="slow")
    assert fast[1:] == slow[1:]
    assert fast[1] > 0
    assert fast[0] == pytest.approx(slow[0], rel=1e-9)


def test_score_sums_skip_short_and_convex_events():
    t = np.arange(10.0)
    r = np.array([0, 1, 1, 0, 1, 2, 3, 2, 1, 0], dtype=float)  # a 2-point event, then a clean 5-point bump
    s = np.full(10, 0.1)
    for method in ("fast", "slow"):
        total, n_events, n_valid = score_sums(t, r, s, (1.0, 0.5), (0.0, 0.0), 1e-3, method=method)
        assert (n_events, n_valid) == (2, 1)
        assert total > 0
    flat = np.array([0, 1, 1, 1, 1, 0], dtype=float)  # equal residuals: quadratic term 0, no width
    assert score_sums(t[:6], flat, s[:6], (1.0, 0.5), (0.0, 0.0), 1e-3)[1:] == (1, 0)


@pytest.mark.parametrize("offset_sign", [1.0, -1.0])
def test_mixture_terms_match_reference(offset_sign):
    _, r, s = _residuals(3, 700)
    r[10] += 30.0  # an outlier far in the tail: log terms of ~1e6 stay finite
    offsets = offset_sign * np.linspace(0.02, 0.4, 12)
    weights = np.linspace(0.5, 1 - 1e-4, 12)
    fast = mixture_terms(r, 1 / s, offsets, weights)
    slow = mixture_terms(r, 1 / s, offsets, weights, method="slow")
    np.testing.assert_allclose(fast[0], slow[0], rtol=0, atol=1e-10 * np.max(np.abs(slow[0])))
    np.testing.assert_allclose(fast[1], slow[1], rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(fast[2], slow[2], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("q", [0.3, 0.5, 3.0])
def test_sho_posterior_matches_dense(q):
    rng = np.random.default_rng(4)
    t = np.sort(rng.uniform(0, 500, 200))
    err = rng.uniform(0.005, 0.02, 200)
    y = 0.05 * np.sin(t / 40) + rng.normal(0, err)
    observed = rng.random(200) > 0.3
    args = (t, y, err**2, observed, 1e-3, 0.05, q)
    mean, var = sho_posterior(*args)
    mean_ref, var_ref = sho_posterior(*args, method="slow")
    np.testing.assert_allclose(mean, mean_ref, rtol=0, atol=1e-10)
    np.testing.assert_allclose(var, var_ref, rtol=1e-8)
    with pytest.raises(ValueError, match="method"):
        sho_posterior(*args, method="exact")


#: Shape parameters tried per template (the Gaussian has none).
_SHAPES = {
    "gaussian": [np.nan],
    "skew_gaussian": [-6.0, 0.0, 2.0],
    "paczynski": [0.05, 1.0],
    "fred": [0.05, 1.0],
}


@pytest.mark.parametrize("model", sorted(TEMPLATES))
def test_template_sums_match_reference(model):
    t, r, s = _residuals(5, 400)
    w = 1 / s**2
    # narrow templates cover a few points (the kernel skips those where it underflows to 0.0), some
    # peak outside the data (all skipped: the largest value is 0.0)
    axes = (np.linspace(t[0] - 400, t[-1] + 400, 11), np.geomspace(0.05, 300, 6), _SHAPES[model])
    t0, width, shape = (a.ravel() for a in np.meshgrid(*axes, indexing="ij"))
    fast = template_sums(model, t, r, w, t0, width, shape)
    slow = template_sums(model, t, r, w, t0, width, shape, method="slow")
    for got, expected in zip(fast, slow, strict=True):
        assert got.shape == (t0.size,)
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12 * np.max(np.abs(expected)))
    assert np.all(slow[3] <= 1.001)  # unit-peak templates (the skew peak is tabulated)
    assert np.max(slow[3]) > 0.9
    if model != "paczynski":  # power-law wings
        assert np.any(slow[3] == 0)
