"""Morphology: grid fits recover injected profiles and the BIC ladder picks the right model."""

import numpy as np
import pytest

from lcpipe.dips.morphology import classify_run, fit_profile


def _data(seed, profile, n=80, noise=0.005):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0, 40, n))
    sigma = np.full(n, noise)
    return t, profile(t) + rng.normal(0, noise, n), sigma


def test_gaussian_dip_parameters_recovered():
    t, y, s = _data(0, lambda t: 0.01 + 0.3 * np.exp(-0.5 * ((t - 17.3) / 2.0) ** 2))
    fit = fit_profile("gaussian", t, y, 1 / s**2, sign=1.0)
    assert fit.theta[0] == pytest.approx(17.3, abs=0.15)
    assert fit.theta[1] == pytest.approx(2.0, rel=0.05)
    assert fit.amplitude == pytest.approx(0.3, rel=0.03)
    assert fit.offset == pytest.approx(0.01, abs=0.003)
    m = classify_run(t, y, s, "dip")
    assert m.model == "gaussian"
    assert m.width == pytest.approx(2.3548 * 2.0, rel=0.05)
    assert m.t0 == pytest.approx(17.3, abs=0.1)
    assert m.symmetry == pytest.approx(1.0, abs=0.01)
    assert m.delta_bic > 100


def test_flat_run_is_constant():
    t, y, s = _data(1, lambda t: np.zeros_like(t))
    m = classify_run(t, y, s, "dip")
    assert m.model == "constant"
    assert m.delta_bic == 0
    assert np.isnan(m.width)


def test_amplitude_sign_follows_the_search():
    t, y, s = _data(2, lambda t: -0.3 * np.exp(-0.5 * ((t - 20) / 2.0) ** 2))
    as_dip, as_jump = classify_run(t, y, s, "dip"), classify_run(t, y, s, "jump")
    assert as_dip.amplitude >= 0  # a dip model can only explain it by its positive wings
    assert as_jump.model == "gaussian"
    assert as_jump.amplitude == pytest.approx(-0.3, rel=0.05)
    assert as_jump.delta_bic > 5 * as_dip.delta_bic


def test_skewed_dip_prefers_skew_gaussian_and_is_asymmetric():
    def skewed(t):
        return np.where(
            t < 20, 0.4 * np.exp(-0.5 * ((t - 20) / 0.7) ** 2), 0.4 * np.exp(-0.5 * ((t - 20) / 5.0) ** 2)
        )

    t, y, s = _data(3, skewed, n=150)
    m = classify_run(t, y, s, "dip")
    assert m.model == "skew_gaussian"
    assert m.symmetry < 0.8


def test_fred_jump():
    def fred(t):
        dt = t - 15.0
        return -0.5 * np.where(dt < 0, np.exp(dt / 0.4), np.exp(-dt / 6.0))

    t, y, s = _data(4, fred, n=150)
    m = classify_run(t, y, s, "jump")
    assert m.model == "fred"
    assert m.amplitude == pytest.approx(-0.5, rel=0.1)
    assert m.symmetry < 0.5


def test_paczynski_jump():
    def pacz(t):
        u2 = 0.1**2 + ((t - 20.0) / 4.0) ** 2
        a = (u2 + 2) / np.sqrt(u2 * (u2 + 4))
        return -2.5 * np.log10(a)

    t, y, s = _data(5, pacz, n=200, noise=0.003)
    m = classify_run(t, y, s, "jump")
    assert m.model == "paczynski"
    assert m.t0 == pytest.approx(20.0, abs=0.2)


def test_the_lowest_bic_wins_whatever_the_order_of_the_profiles():
    """A profile with one more parameter wins when it lowers chi2 by more than ln n, not by ln n + 10."""
    from lcpipe.dips.morphology import JUMP_MODELS

    for seed in range(6):
        rng = np.random.default_rng(seed)
        t = np.sort(rng.uniform(0, 60, 120))
        u2 = rng.uniform(0.1, 0.5) ** 2 + ((t - 30.0) / rng.uniform(3, 8)) ** 2
        y = -2.5 * np.log10(0.8 * ((u2 + 2) / np.sqrt(u2 * (u2 + 4)) - 1) + 1) + rng.normal(0, 0.03, t.size)
        s = np.full(t.size, 0.03)
        bic = {m: (f := fit_profile(m, t, y, 1 / s**2, sign=-1.0)).chi2 + f.n_params * np.log(t.size)
               for m in JUMP_MODELS}  # fmt: skip
        assert classify_run(t, y, s, "jump").model == min(bic, key=bic.get)


def test_event_extent_follows_the_wings_beyond_the_triggered_points():
    from lcpipe.dips.morphology import event_extent
    from lcpipe.dips.trigger import Run

    z = np.zeros(200)
    z[60:140] = 2.0  # the event's wings, 2 sigma
    z[95:105] = 10.0  # its triggered core
    run = Run(first=95, last=104, n_points=10, t_start=95.0, t_end=104.0, n_cameras=1,
              trigger_sum=10.0, trigger_max=1.0)  # fmt: skip
    time, group = np.arange(200.0), np.full(200, "a/V")
    first, last = event_extent(time, z, group, run)
    assert 55 <= first <= 65
    assert 135 <= last <= 145


def test_event_extent_is_not_stopped_by_a_follow_up_data_set():
    """A follow-up data set observing only during the event has its zero point on the event (residuals
    about 0 there); pooled in time order its dense points stopped the survey camera's growth at the run."""
    from lcpipe.dips.morphology import event_extent
    from lcpipe.dips.trigger import Run

    survey_t = np.arange(0.0, 400.0, 2.0)
    survey_z = np.where(np.abs(survey_t - 200) < 40, 3.0, 0.0)  # the wings, +-40 d
    follow_t = np.linspace(170.0, 230.0, 600)
    time = np.concatenate([survey_t, follow_t])
    order = np.argsort(time, kind="stable")
    time = time[order]
    z = np.concatenate([survey_z, np.zeros(follow_t.size)])[order]
    group = np.concatenate([np.full(survey_t.size, "survey"), np.full(follow_t.size, "followup")])[order]
    core = np.flatnonzero((group == "survey") & (np.abs(time - 200) <= 2))
    run = Run(first=int(core[0]), last=int(core[-1]), n_points=3, t_start=198.0, t_end=202.0, n_cameras=1,
              trigger_sum=3.0, trigger_max=1.0)  # fmt: skip
    first, last = event_extent(time, z, group, run)
    assert 155 <= time[first] <= 165
    assert 235 <= time[last] <= 245
