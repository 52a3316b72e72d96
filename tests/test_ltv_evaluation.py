"""The LTV injection set: trends and steps on demo-survey photometry are recovered, quiet stars are not
flagged, and the tables have one row per cell / criterion."""

from lcpipe.evaluation.ltv_recovery import LTVInjectionOptions, false_alarm_table, ltv_trials, recovery_table
from lcpipe.ltv.features import LTVOptions


def test_a_small_grid_recovers_clear_signals_and_flags_no_quiet_star():
    grid = LTVInjectionOptions(mags=(12.25,), slopes=(0.05,), steps=(0.3,), trials_per_cell=2, n_null=4)
    trials = ltv_trials(grid, LTVOptions())
    assert len(trials) == 8
    assert (trials["status"] == "ok").all()
    assert (trials["n_groups"] >= 2).all()  # several cameras, each its own zero point
    recovery = recovery_table(trials).set_index("kind")
    assert recovery.loc["linear", "by_own_criterion"] == 1.0
    assert recovery.loc["step", "by_own_criterion"] == 1.0
    alarms = false_alarm_table(trials).set_index("criterion")
    assert alarms.loc["any", "n"] == 4
    assert alarms.loc["any", "false_alarms"] == 0
    again = ltv_trials(grid, LTVOptions())
    assert again["slope"].equals(trials["slope"])  # seeded per trial
