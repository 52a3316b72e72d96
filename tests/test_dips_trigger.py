"""Triggers and runs of triggered points."""

import numpy as np
import pytest

from lcpipe.dips.trigger import TriggerOptions, find_runs, max_time_gap, trigger_statistic


def _runs(triggered, time=None, group=None, **kw):
    triggered = np.asarray(triggered, dtype=bool)
    time = np.arange(triggered.size, dtype=float) if time is None else np.asarray(time, float)
    group = np.full(triggered.size, "a") if group is None else np.asarray(group)
    stat = np.arange(triggered.size, dtype=float)
    return find_runs(time, triggered, stat, group, TriggerOptions(**kw))


def test_one_point_gap_joins_two_splits():
    runs = _runs([0, 1, 0, 1, 1, 0, 0, 1, 1, 0])
    assert [(r.first, r.last, r.n_points) for r in runs] == [(1, 4, 3), (7, 8, 2)]
    assert runs[0].trigger_sum == 1 + 3 + 4
    assert runs[0].trigger_max == 4
    assert runs[0].duration == 3.0


def test_single_points_are_dropped_and_min_points_applies():
    assert _runs([1, 0, 0, 1, 0, 0, 1]) == []
    assert len(_runs([1, 1, 0, 0, 1, 1, 1], min_run_points=3)) == 1


def test_time_gap_splits_runs():
    time = np.concatenate((np.arange(100.0), [100.0, 101.0, 150.0, 151.0]))
    triggered = np.zeros(time.size, bool)
    triggered[100:] = True
    runs = _runs(triggered, time)
    assert [(r.t_start, r.t_end) for r in runs] == [(100.0, 101.0), (150.0, 151.0)]


def test_max_gap_is_percentile_with_one_day_floor():
    dense = np.arange(0, 100, 0.1)
    assert max_time_gap(dense, TriggerOptions()) == 1.0
    sparse = np.arange(0, 1000, 3.0)
    assert max_time_gap(sparse, TriggerOptions()) == pytest.approx(3.0)
    assert max_time_gap(np.array([1.0]), TriggerOptions()) == 1.0


def test_cameras_counted_per_run():
    runs = _runs([1, 1, 1], group=["a", "b", "a"])
    assert runs[0].n_cameras == 2


def test_trigger_modes():
    log_bf = np.array([4.0, 5.0, 9.0])
    prob = np.array([0.9999998, 0.5, 0.9999996])
    trig, stat = trigger_statistic(log_bf, prob, TriggerOptions(mode="posterior_prob"))
    assert trig.tolist() == [True, False, False]
    assert stat is prob
    assert TriggerOptions().mode == "logbf"
    trig, stat = trigger_statistic(log_bf, prob, TriggerOptions())
    assert trig.tolist() == [False, True, True]
    assert stat is log_bf
    with pytest.raises(ValueError, match="mode"):
        TriggerOptions(mode="vibes")
