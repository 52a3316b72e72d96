"""Null trials on the cadence of a multi-dataset event (lcpipe.evaluation.event_cadence)."""

import numpy as np
import pytest

from lcpipe.evaluation.event_cadence import event_cadence, null_trial, run_null_trials
from lcpipe.lightcurve import make_lightcurve
from lcpipe.microlensing.finder import FinderOptions
from lcpipe.microlensing.fit_input import fit_input
from lcpipe.microlensing.pspl import pspl_magnification


@pytest.fixture(scope="module")
def two_site_event():
    """A survey data set over two seasons and a follow-up data set of the peak in other flux units, with
    a bump at t = 105 and noise twice the error bars on the follow-up."""
    rng = np.random.default_rng(21)
    survey = np.sort(np.concatenate([rng.uniform(0, 60, 150), rng.uniform(90, 150, 150)]))
    follow = np.sort(rng.uniform(95, 115, 120))
    t = np.concatenate([survey, follow])
    mag = pspl_magnification(t, 105.0, 15.0, 0.2) + 0.3 * np.exp(-0.5 * ((t - 108.0) / 0.3) ** 2)
    follow_up = np.arange(t.size) >= survey.size
    err = np.where(follow_up, 0.5, 0.02)
    flux = np.where(follow_up, 30.0 * mag + 10.0, 1.0 * mag + 0.5)
    flux = flux + rng.normal(0.0, 1.0, t.size) * err * np.where(follow_up, 2.0, 1.0)
    lc = make_lightcurve(t, flux=flux, flux_err=err, dataset=np.where(follow_up, "follow", "survey"))
    return fit_input(lc)


def test_cadence_drops_the_window_and_normalises_the_residuals(two_site_event):
    cadence = event_cadence(two_site_event, "toy", "multi-site", drop=((107.0, 109.0),))
    assert cadence.time.size == len(two_site_event) - np.count_nonzero(
        (two_site_event.time >= 107.0) & (two_site_event.time <= 109.0)
    )
    assert np.all(np.diff(cadence.time) >= 0)
    assert set(np.unique(cadence.group)) == {0, 1}
    assert cadence.tE == pytest.approx(15.0, rel=0.1)
    for code in (0, 1):  # each data set's errors rescaled: unit scatter, the follow-up's factor 2 included
        assert np.std(cadence.z[cadence.group == code]) == pytest.approx(1.0, abs=0.15)


def test_null_trials_are_seeded_and_searched_jointly(two_site_event):
    cadence = event_cadence(two_site_event, "toy", "multi-site", drop=((107.0, 109.0),))
    options = FinderOptions()
    first = null_trial(cadence, np.random.default_rng([3, 0]), options)
    again = run_null_trials([cadence], 1, seed=3, options=options).iloc[0]
    assert first["status"] == "ok"
    assert first["n_points"] == cadence.time.size
    assert abs(first["t0"] - cadence.t0) <= 0.2 * cadence.tE
    for key in ("best_log10_fap", "best_dchi2", "t0", "tE", "u0"):
        assert again[key] == pytest.approx(first[key], nan_ok=True)


def test_a_failed_fit_is_a_clear_error():
    lc = make_lightcurve(np.arange(4.0), flux=np.ones(4), flux_err=np.ones(4))
    with pytest.raises(ValueError, match="toy: the single-lens fit failed"):
        event_cadence(fit_input(lc), "toy", "multi-site")
