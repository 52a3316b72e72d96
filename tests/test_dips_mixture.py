"""Mixture-model evidence: compiled kernels against the NumPy reference, grids, and behaviour."""

import numpy as np
import pytest

from lcpipe.dips.mixture import N_GRID, make_grid, mixture_evidence


def _case(seed: int, n: int, dip: float = 0.0, flare: float = 0.0):
    rng = np.random.default_rng(seed)
    sigma = rng.uniform(0.01, 0.05, n)
    resid = rng.normal(0, sigma)
    resid[n // 4 : n // 4 + 8] += dip
    resid[n // 2] -= flare
    return resid, sigma


@pytest.mark.parametrize("kind", ["dip", "jump"])
@pytest.mark.parametrize(
    ("seed", "n", "dip", "flare"),
    [(0, 400, 0.3, 0.5), (1, 50, 0.0, 0.0), (2, 1000, 1.5, 3.0), (3, 3, 0.0, 0.0)],
)
def test_fast_matches_slow(kind, seed, n, dip, flare):
    resid, sigma = _case(seed, n, dip, flare)
    resid[-1] += 40.0  # huge outlier: terms of ~1e6 in log space must stay finite and agree
    grid = make_grid(resid, kind)
    fast = mixture_evidence(resid, sigma, grid)
    slow = mixture_evidence(resid, sigma, grid, method="slow")
    scale = max(1.0, np.max(np.abs(slow.log_like)))
    np.testing.assert_allclose(fast.log_like, slow.log_like, rtol=0, atol=1e-10 * scale)
    assert fast.log_bf == pytest.approx(slow.log_bf, rel=1e-10, abs=1e-9)
    np.testing.assert_allclose(fast.point_log_bf, slow.point_log_bf, rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(fast.event_prob, slow.event_prob, rtol=1e-9, atol=1e-12)
    assert (fast.best_offset, fast.best_p) == (slow.best_offset, slow.best_p)
    assert np.isfinite(fast.point_log_bf).all()
    assert np.isfinite(fast.event_prob).all()


def test_grids_follow_the_spec():
    resid = np.linspace(-0.1, 0.3, 101)
    p5, p95 = np.percentile(resid, [5, 95])
    dip = make_grid(resid, "dip")
    assert dip.offsets.size == dip.p.size == N_GRID
    assert dip.offsets[0] == 0.02
    assert dip.offsets[-1] == pytest.approx(p95 + 0.5 * (p95 - p5))
    assert dip.p[0] == 0.5
    assert dip.p[-1] == 1 - 1e-4
    np.testing.assert_array_equal(dip.base_weight, dip.p)
    jump = make_grid(resid, "jump")
    assert jump.offsets[0] == -0.02
    assert jump.offsets[-1] == pytest.approx(p5 - 0.5 * (p95 - p5))
    assert jump.p[0] == 1e-4
    assert jump.p[-1] == 0.5
    np.testing.assert_allclose(jump.base_weight, 1 - jump.p)
    flat = make_grid(np.zeros(10), "dip")  # no spread: upper end max(b + 0.02, p95 + 0.025) = 0.025
    assert flat.offsets[-1] == pytest.approx(0.025)
    with pytest.raises(ValueError, match="kind"):
        make_grid(resid, "flare")


def test_dip_is_found_and_noise_is_not():
    resid, sigma = _case(5, 600, dip=0.4)
    res = mixture_evidence(resid, sigma, make_grid(resid, "dip"))
    assert res.log_bf > 50
    assert np.all(res.event_prob[150:158] > 0.999)
    assert np.median(res.event_prob) < 1e-3
    assert np.all(res.point_log_bf[150:158] > 5)
    noise, s = _case(6, 600)
    quiet = mixture_evidence(noise, s, make_grid(noise, "dip"))
    assert quiet.log_bf < 0  # Occam penalty of the grid when nothing is there
    assert quiet.event_prob.max() < 0.9999997


def test_jump_mirrors_dip():
    resid, sigma = _case(7, 500, dip=0.4)
    dip = mixture_evidence(resid, sigma, make_grid(resid, "dip"))
    jump = mixture_evidence(-resid, sigma, make_grid(-resid, "jump"))
    assert jump.log_bf == pytest.approx(dip.log_bf, rel=1e-12)
    assert jump.best_offset == pytest.approx(-dip.best_offset)
    assert jump.best_p == pytest.approx(1 - dip.best_p)
    np.testing.assert_allclose(jump.event_prob, dip.event_prob, rtol=1e-12, atol=1e-15)


def test_bad_arguments_raise():
    grid = make_grid(np.zeros(3), "dip")
    with pytest.raises(ValueError, match="equal length"):
        mixture_evidence(np.zeros(3), np.ones(2), grid)
    with pytest.raises(ValueError, match="method"):
        mixture_evidence(np.zeros(3), np.ones(3), grid, method="turbo")


def test_band_evidence_models_each_band_of_a_real_two_band_curve():
    """ASAS-SN V + g dipper J042214+152530: each band gets its own grid and offset, the log BF is the sum
    of the bands' ones, and a one-band curve gives exactly the joint mixture."""
    from pathlib import Path

    from lcpipe.dips.baseline import BaselineOptions, fit_baseline
    from lcpipe.dips.events import DipOptions, clean_points
    from lcpipe.dips.mixture import band_evidence
    from lcpipe.io import load_clean

    path = Path(__file__).parent / "data" / "asassn_dips" / "377957522430-light-curves.csv"
    lc, status, _ = load_clean(path)
    assert status == "ok"
    c = clean_points(lc, DipOptions())
    assert set(c.band) == {"V", "g"}
    base = fit_baseline(c.time, c.mag, c.err, c.group, BaselineOptions())
    resid, sigma = c.mag - base.mag, base.sigma_eff
    both = band_evidence(resid, sigma, c.band, "dip")
    per_band = {}
    for b in ("V", "g"):
        m = c.band == b
        per_band[b] = mixture_evidence(resid[m], sigma[m], make_grid(resid[m], "dip"))
    assert both.log_bf == pytest.approx(per_band["V"].log_bf + per_band["g"].log_bf, rel=1e-12)
    np.testing.assert_array_equal(both.point_log_bf[c.band == "g"], per_band["g"].point_log_bf)
    strongest = max(per_band.values(), key=lambda r: r.log_bf)
    assert both.best_offset == strongest.best_offset
    assert per_band["V"].best_offset != per_band["g"].best_offset  # one offset would fit neither band
    assert min(r.log_bf for r in per_band.values()) > np.log(10)  # the dips are seen in both bands
    one = band_evidence(resid, sigma, np.full(resid.size, "V"), "dip")
    joint = mixture_evidence(resid, sigma, make_grid(resid, "dip"))
    assert one.log_bf == joint.log_bf
