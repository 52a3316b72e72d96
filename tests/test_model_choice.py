"""FSPL is chosen when the source size is significant, PSPL otherwise."""

import numpy as np
import pytest

from lcpipe.microlensing.fspl import fspl_magnification
from lcpipe.microlensing.model_choice import ModelChoiceOptions, fit_single_lens
from lcpipe.microlensing.pspl import pspl_magnification


def _event(seed, u0, rho=None, n=1500):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0.0, 40.0, n))
    mag = pspl_magnification(t, 20.0, 5.0, u0) if rho is None else fspl_magnification(t, 20.0, 5.0, u0, rho)
    model = 2.0 * mag + 1.0
    err = 0.01 * np.sqrt(model)
    return t, model + rng.normal(0, 1, n) * err, err


def test_finite_source_event_gets_fspl():
    choice = fit_single_lens(*_event(1, 0.005, rho=0.02))
    assert choice.model == "fspl"
    assert choice.fit.rho == pytest.approx(0.02, rel=0.05)
    assert choice.dchi2 > 1e3


def test_point_source_event_keeps_pspl():
    choice = fit_single_lens(*_event(2, 0.05))
    assert choice.fspl is not None  # tried: u0 is small
    assert choice.model == "pspl"
    assert choice.dchi2 < 25


def test_large_u0_does_not_try_fspl():
    choice = fit_single_lens(*_event(3, 0.6))
    assert choice.model == "pspl"
    assert choice.fspl is None
    assert np.isnan(choice.dchi2)
    assert fit_single_lens(*_event(3, 0.6), ModelChoiceOptions(max_u0=1.0)).fspl is not None
