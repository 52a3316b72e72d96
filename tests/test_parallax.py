"""Annual-parallax fit through VBMicrolensing: static limit, and recovery of a parallax event."""

import numpy as np
import pytest

from lcpipe.microlensing.parallax import fit_parallax, parallax_magnification
from lcpipe.microlensing.pspl import pspl_magnification

COORDS = "17:51:40.19 -29:53:26.3"  # a bulge field


def test_zero_parallax_is_the_static_model():
    t = np.linspace(7000.0, 7300.0, 50)
    np.testing.assert_allclose(
        parallax_magnification(t, 7150.0, 60.0, 0.3, 0.0, 0.0, COORDS),
        pspl_magnification(t, 7150.0, 60.0, 0.3),
        rtol=1e-10,
    )


@pytest.mark.parametrize("u0", [0.3, -0.3])
def test_recovers_the_parallax_of_a_long_event(u0):
    rng = np.random.default_rng(5)
    season = lambda y: 7060.0 + 365.25 * y + rng.uniform(0, 240, 300)  # noqa: E731
    t = np.sort(np.concatenate([season(0), season(1)]))
    truth = (7200.0, 90.0, u0, 0.25, -0.1)
    model = 1.5 * parallax_magnification(t, *truth, COORDS) + 0.5
    err = np.full(t.size, 0.005)
    flux = model + rng.normal(0, 1, t.size) * err
    fit = fit_parallax(t, flux, err, COORDS)
    assert fit.status == "ok"
    assert fit.chi2_static - fit.chi2 > 100  # parallax is detected
    assert fit.chi2 / (t.size - 7) == pytest.approx(1.0, abs=0.15)
    assert fit.pi_EN == pytest.approx(0.25, abs=0.03)
    assert fit.pi_EE == pytest.approx(-0.1, abs=0.03)
    assert fit.tE == pytest.approx(90.0, rel=0.05)
    assert np.sign(fit.u0) == np.sign(u0)
    assert fit.chi2_other_sign >= fit.chi2
