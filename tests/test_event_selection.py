"""Which PSPL fits are events worth an anomaly scan: lensing brightenings, not dimmings or camera steps."""

import numpy as np
import pytest

from lcpipe.microlensing.event_selection import EventSelection
from lcpipe.microlensing.pspl import fit_pspl, pspl_magnification


def _curve(seed, signal, n=1500, sigma=0.01):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(1000.0, 2000.0, n))
    err = np.full(n, sigma)
    return t, 3.0 + signal(t) + rng.normal(0, 1, n) * err, err


def test_a_lensing_event_is_selected():
    t, flux, err = _curve(0, lambda t: 2.0 * (pspl_magnification(t, 1500.0, 20.0, 0.3) - 1.0))
    fit = fit_pspl(t, flux, err)
    selected, near = EventSelection().is_event(fit)
    assert selected
    assert near >= 10


def test_a_dimming_fits_with_negative_source_flux_and_is_not_selected():
    # a symmetric dimming shaped like an upside-down event (an eclipse-like dip): fs < 0 fits it
    t, flux, err = _curve(1, lambda t: -0.5 * (pspl_magnification(t, 1500.0, 10.0, 0.3) - 1.0))
    fit = fit_pspl(t, flux, err)
    assert fit.ok
    assert not fit.at_bound
    assert fit.fs < 0
    assert fit.dchi2_const > 300
    assert not EventSelection().is_event(fit)[0]
    assert EventSelection(positive_source=False).is_event(fit)[0]


def test_a_variable_baseline_is_not_an_event():
    lensing = lambda t: 2.0 * (pspl_magnification(t, 1500.0, 20.0, 0.3) - 1.0)  # noqa: E731
    t, flux, err = _curve(3, lensing)
    quiet = fit_pspl(t, flux, err)
    variable = np.where(np.abs(t - 1500.0) > 200.0, 0.3 * np.sin(t / 7.0), 0.0)  # 10% swings far away
    noisy = fit_pspl(t, flux + variable, err)
    selection = EventSelection()
    assert selection.baseline_chi2_dof(quiet) == pytest.approx(1.0, abs=0.15)
    assert selection.is_event(quiet)[0]
    assert selection.baseline_chi2_dof(noisy) > 100
    assert not selection.is_event(noisy)[0]
    assert EventSelection(max_baseline_chi2_dof=np.inf).is_event(noisy)[0]
