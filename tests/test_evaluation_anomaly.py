"""Anomaly injection-recovery and the anomaly finder on null curves."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lcpipe.evaluation.anomaly_injection import (
    AnomalyInjectionOptions,
    anomaly_signal,
    plan_anomaly_trials,
    run_anomaly_injection,
)
from lcpipe.evaluation.false_alarms import (
    AnomalyFalseAlarmOptions,
    anomaly_false_alarms_simulated,
    null_curve,
)

#: One high-magnification binary-lens cell: the source passes near the central caustic of a q ~ 1e-2 planet.
BINARY = {"model": "binary", "q": (0.01, 0.02), "s": (0.95, 1.05), "u0": (0.005, 0.01), "trials_per_cell": 1,
          "baseline_mag": (19.5, 19.5)}  # fmt: skip
BUMP = {"model": "bump", "amplitude": (0.1, 0.2), "teff_days": (0.5, 1.0), "trials_per_cell": 1,
        "baseline_mag": (20.0, 20.0)}  # fmt: skip


def test_binary_signal_window_holds_the_largest_deviation():
    options = AnomalyInjectionOptions(**BINARY)
    trial = plan_anomaly_trials(options).iloc[0].to_dict()
    time = options.times()
    signal = anomaly_signal(trial, time, options)
    delta = np.abs(2.5 * np.log10(signal.with_anomaly / signal.without))
    t_peak = time[np.argmax(delta)]
    assert signal.window[0] <= t_peak <= signal.window[1]
    assert signal.max_delta_mag == pytest.approx(delta.max())


def test_binary_anomaly_recovered_and_absent_before(tmp_path):
    trials = run_anomaly_injection(AnomalyInjectionOptions(**BINARY), tmp_path)
    row = trials.iloc[0]
    assert row["status"] == "ok"
    assert row["visible"]
    assert row["recovered_after"]
    assert not row["recovered_before"]
    assert row["window_start"] <= row["best_t0_after"] <= row["window_end"]


def test_bump_recovered_and_tiny_bump_invisible(tmp_path):
    found = run_anomaly_injection(AnomalyInjectionOptions(**BUMP), tmp_path / "a").iloc[0]
    assert found["recovered_after"]
    assert abs(found["best_t0_after"] - found["t_bump"]) < 2 * found["teff_days"]
    tiny = AnomalyInjectionOptions(**{**BUMP, "amplitude": (1e-4, 2e-4)})
    missed = run_anomaly_injection(tiny, tmp_path / "b").iloc[0]
    assert not missed["visible"]
    assert not missed["recovered_after"]


def test_plan_is_seeded():
    options = AnomalyInjectionOptions(**{**BINARY, "trials_per_cell": 3})
    pd.testing.assert_frame_equal(plan_anomaly_trials(options), plan_anomaly_trials(options))
    other = plan_anomaly_trials(AnomalyInjectionOptions(**{**BINARY, "trials_per_cell": 3, "seed": 5}))
    assert not np.allclose(other["alpha"], plan_anomaly_trials(options)["alpha"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"q": (1e-2, 1e-3)}, "q: inverted"),
        ({"q": (0.5, 2.0)}, "mass ratios must be <= 1"),
        ({"teff_days": (1.0, 1.0)}, "teff_days: empty"),
        ({"tE_days": (40.0, 10.0)}, "tE_days: inverted"),
        ({"model": "triple"}, "model must be one of"),
    ],
)
def test_bad_options(change, message):
    with pytest.raises(ValueError, match=message):
        AnomalyInjectionOptions(**{**BINARY, **change})


def test_null_curves_seeded_and_unflagged(tmp_path):
    options = AnomalyFalseAlarmOptions(baseline_mag=(20.0, 21.0), curves_per_bin=1)
    row = {"kind": "constant", "baseline_mag": 20.5, "noise_seed": 3}
    first, second = null_curve(row, options.sampling), null_curve(row, options.sampling)
    np.testing.assert_array_equal(first[1], second[1])
    table = anomaly_false_alarms_simulated(options, tmp_path)
    assert table["kind"].tolist() == ["constant", "pspl"]
    assert (table["status"] == "ok").all()
    assert not table["has_candidate"].any()
    assert table.loc[1, "pspl_dchi2_const"] > 300  # the pspl null is a real event
