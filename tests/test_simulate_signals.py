"""Signal models of lcpipe.simulate: closed-form values, limits and an independent PSPL code."""

from __future__ import annotations

import numpy as np
import pytest
import VBMicrolensing

from lcpipe.simulate.caustics import aim_at_caustic, anomaly_extent, caustic_points
from lcpipe.simulate.signals import (
    binary_lens_magnification,
    blended_flux_factor,
    eclipsing_binary,
    flare,
    primary_lens_magnification,
    pspl_magnification,
    skew_normal_dip,
    source_trajectory,
)


def test_pspl_matches_vbmicrolensing_and_closed_form():
    t = np.linspace(-50.0, 50.0, 401)
    t0, tE, u0 = 3.0, 17.0, 0.2
    ours = pspl_magnification(t, t0, tE, u0)
    vbm = VBMicrolensing.VBMicrolensing()
    u = np.hypot(u0, (t - t0) / tE)
    reference = np.array([vbm.PSPLMag(float(x)) for x in u])
    np.testing.assert_allclose(ours, reference, rtol=1e-12)
    assert pspl_magnification(np.array([0.0]), 0.0, 10.0, 1.0)[0] == pytest.approx(3.0 / np.sqrt(5.0))


@pytest.mark.parametrize(("s", "alpha"), [(1.5, 0.3), (1.0, 1.0), (0.7, 2.0)])
def test_binary_lens_tends_to_pspl_as_q_vanishes(s, alpha):
    """Tolerance: the planet's perturbation scales as q; at q = 1e-9 it is below 1e-5 relative."""
    t = np.linspace(-40.0, 40.0, 1201)
    single = pspl_magnification(t, 0.0, 20.0, 0.1)
    deviations = [
        np.max(np.abs(binary_lens_magnification(t, 0.0, 20.0, 0.1, q, s, alpha, 1e-3) / single - 1.0))
        for q in (1e-5, 1e-7, 1e-9)
    ]
    assert deviations[0] > deviations[1] > deviations[2]
    assert deviations[2] < 1e-5
    primary = primary_lens_magnification(t, 0.0, 20.0, 0.1, 1e-9, s, alpha)
    np.testing.assert_allclose(primary, single, rtol=1e-7)  # primary offset s q ~ 1e-9


def test_binary_lens_magnification_matches_point_calls_and_keeps_shape():
    t = np.linspace(-5.0, 5.0, 12).reshape(3, 4)
    params = (0.5, 10.0, 0.15, 5e-3, 1.1, 0.8, 3e-3)
    mags = binary_lens_magnification(t, *params)
    assert mags.shape == (3, 4)
    y1, y2 = source_trajectory(t, 0.5, 10.0, 0.15, 0.8)
    vbm = VBMicrolensing.VBMicrolensing()
    point = [vbm.BinaryMag2(1.1, 5e-3, a, b, 3e-3) for a, b in zip(y1.ravel(), y2.ravel(), strict=True)]
    np.testing.assert_allclose(mags.ravel(), point, rtol=1e-10)
    assert binary_lens_magnification(np.empty(0), *params).shape == (0,)


def test_caustic_aim_crosses_a_caustic_and_makes_an_anomaly():
    rng = np.random.default_rng(1)
    s, q, rho = 1.1, 3e-3, 2e-3
    aim = aim_at_caustic(rng, s, q, (0.05, 0.5), max_tau=0.6)
    assert aim is not None
    y = np.array(source_trajectory(np.array([aim.tau_caustic]), 0.0, 1.0, aim.u0, aim.alpha)).ravel()
    assert np.min(np.hypot(*(caustic_points(s, q) - y).T)) < 1e-9
    extent = anomaly_extent(100.0, 20.0, aim.u0, q, s, aim.alpha, rho, 1.0)
    assert extent.max_delta_mag > 0.05
    assert extent.t_start <= extent.t_peak <= extent.t_end
    assert abs(extent.t_peak - (100.0 + 20.0 * aim.tau_caustic)) < extent.duration + 0.1


def test_skew_normal_dip_depth_and_shape():
    t = np.linspace(-100.0, 100.0, 200_001)
    for alpha in (-4.0, 0.0, 3.0):
        factor = skew_normal_dip(t, 0.0, 0.4, 5.0, alpha)
        assert -2.5 * np.log10(factor.min()) == pytest.approx(0.4, rel=1e-6)
        assert factor.max() == pytest.approx(1.0, abs=1e-12)
    symmetric = -2.5 * np.log10(skew_normal_dip(np.array([0.0, 5.0, -5.0]), 0.0, 0.4, 5.0, 0.0))
    np.testing.assert_allclose(symmetric, [0.4, 0.4 * np.exp(-0.5), 0.4 * np.exp(-0.5)], rtol=1e-6)
    with pytest.raises(ValueError, match="width"):
        skew_normal_dip(t, 0.0, 0.4, 0.0, 0.0)


def test_eclipsing_binary_eclipses():
    t0, period, duration = 10.0, 4.0, 0.3
    times = np.array([t0, t0 + 3 * period, t0 + 0.5 * period, t0 + 0.25 * period, t0 + duration])
    dm = -2.5 * np.log10(eclipsing_binary(times, t0, period, duration, 0.5, 0.2))
    np.testing.assert_allclose(dm, [0.5, 0.5, 0.2, 0.0, 0.0], atol=1e-12)
    with pytest.raises(ValueError, match="duration"):
        eclipsing_binary(times, t0, period, 2.5, 0.5, 0.2)


def test_flare_peak_and_decay():
    amp = 10.0 ** (0.4 * 1.0) - 1.0
    factor = flare(np.array([5.0, 7.0, 5.0 - 0.1, -100.0]), 5.0, 1.0, 0.1, 2.0)
    np.testing.assert_allclose(factor, [1 + amp, 1 + amp / np.e, 1 + amp * np.exp(-0.5), 1.0], rtol=1e-12)


def test_blending_dilutes_magnification():
    magnification = np.array([1.0, 2.0, 11.0])
    np.testing.assert_allclose(blended_flux_factor(magnification, 1.0), magnification)
    np.testing.assert_allclose(blended_flux_factor(magnification, 0.5), [1.0, 1.5, 6.0])
