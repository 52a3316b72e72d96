"""Roman-style simulation: cadence and seasons, noise level, files vs memory, visible anomalies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lcpipe.simulate import Injection
from lcpipe.simulate.caustics import anomaly_delta_mag
from lcpipe.simulate.roman import ROMAN_SEASON_STARTS, RomanSimOptions, roman_lightcurve, simulate_roman

OPTIONS = RomanSimOptions(seed=3, n_pspl=1, n_planet=2)


@pytest.fixture(scope="module")
def in_memory():
    return simulate_roman(None, options=OPTIONS)


def test_cadence_and_seasons(in_memory):
    time = in_memory.events[0].time
    step = np.diff(time)
    assert np.allclose(step[step < 1.0], 15.0 / 1440.0)
    starts = np.concatenate([[time[0]], time[1:][step > 1.0]])
    ends = np.concatenate([time[:-1][step > 1.0], [time[-1]]])
    np.testing.assert_allclose(starts, ROMAN_SEASON_STARTS)
    assert np.all(ends - starts <= 72.0)
    assert np.all(ends - starts > 71.9)


def test_noise_matches_errors_and_truth_model(in_memory):
    for event, row in zip(in_memory.events, in_memory.truth.itertuples(), strict=True):
        assert row.source_id == event.event_id
        assert row.kind == event.injection.kind
        model = 10.0 ** (-0.4 * row.baseline_mag) * event.injection.flux_factor(event.time)
        pull = (event.flux - model) / event.flux_err
        assert abs(np.std(pull) - 1.0) < 0.02
        assert abs(np.mean(pull)) < 0.02
        baseline = np.median(event.flux_err / event.flux)
        assert 0.002 < baseline < 0.05


def test_planetary_anomalies_deviate_from_pspl(in_memory):
    planets = [e for e in in_memory.events if e.injection.kind == "pspl_planet"]
    assert len(planets) == 2
    for event in planets:
        p = event.injection.params
        delta = anomaly_delta_mag(
            event.time, p["t0"], p["tE"], p["u0"], p["q"], p["s"], p["alpha"], p["rho"], p["source_fraction"]
        )
        sigma_mag = 2.5 / np.log(10.0) * event.flux_err / event.flux
        assert np.count_nonzero(np.abs(delta) / sigma_mag >= 5.0) >= 3
        assert p["anomaly_t_start"] <= p["anomaly_t"] <= p["anomaly_t_end"]


def test_files_match_memory_and_repeat(in_memory, tmp_path):
    written = simulate_roman(tmp_path, options=OPTIONS)
    truth = pd.read_parquet(tmp_path / "truth.parquet")
    pd.testing.assert_frame_equal(truth, in_memory.truth)
    for event, row in zip(in_memory.events, truth.itertuples(), strict=True):
        array = np.load(tmp_path / row.path)
        assert array.shape == (event.time.size, 3)
        assert array.dtype == np.float64
        np.testing.assert_array_equal(array, event.as_array())
    assert written.root == tmp_path


def test_roman_lightcurve_of_any_injection():
    rng = np.random.default_rng(0)
    dip = Injection("dip", {"t0": 8380.0, "depth_mag": 0.3, "width": 2.0, "dip_alpha": 0.0})
    time, flux, flux_err = roman_lightcurve(dip, 20.0, rng, OPTIONS)
    deepest = np.argmin(np.abs(time - 8380.0))
    assert flux[deepest] / 10.0 ** (-0.4 * 20.0) == pytest.approx(
        10.0 ** (-0.4 * 0.3), abs=5 * flux_err[deepest] / flux[deepest]
    )
    with pytest.raises(ValueError, match="overlap"):
        RomanSimOptions(season_starts=[0.0, 10.0])
