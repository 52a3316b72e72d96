"""Grid axes, efficiency tables, threshold crossings, Wilson intervals and resumable chunked trials."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lcpipe.evaluation.axes import Axis, check_range
from lcpipe.evaluation.chunks import chunk_path, run_trials
from lcpipe.evaluation.efficiency import efficiency_table, threshold_crossing, value_at_efficiency
from lcpipe.evaluation.false_alarms import rates_per_bin, wilson_interval


@pytest.mark.parametrize(
    ("edges", "message"),
    [
        ([0.5, 0.1], "inverted"),
        ([0.1, 0.1, 0.2], "empty range"),
        ([0.1], "at least two"),
        ([0.0, 1.0], "> 0"),
    ],
)
def test_axis_rejects_bad_edges(edges, message):
    with pytest.raises(ValueError, match=message):
        Axis("depth_mag", edges, log=True)


def test_check_range_rejects_inverted_and_empty():
    with pytest.raises(ValueError, match="inverted"):
        check_range("skew_alpha", (3.0, -3.0))
    with pytest.raises(ValueError, match="empty"):
        check_range("x", (1.0, 1.0), allow_equal=False)


def test_axis_bins_and_draws():
    axis = Axis("d", (1.0, 10.0, 100.0), log=True)
    np.testing.assert_allclose(axis.centres, [np.sqrt(10.0), np.sqrt(1000.0)])
    np.testing.assert_array_equal(
        axis.bin_of(np.array([0.5, 1.0, 9.99, 10.0, 100.0, 101.0])), [-1, 0, 0, 1, 1, -1]
    )
    rng = np.random.default_rng(1)
    draws = [axis.draw(rng, 1) for _ in range(200)]
    assert min(draws) >= 10.0
    assert max(draws) <= 100.0


def _trials(rows):
    return pd.DataFrame(rows, columns=["a_bin", "b_bin", "status", "recovered_after", "recovered_before"])


def test_efficiency_table_counts_and_net():
    a, b = Axis("a", (0.0, 1.0, 2.0)), Axis("b", (0.0, 1.0))
    trials = _trials(
        [
            (0, 0, "ok", True, False),
            (0, 0, "ok", True, True),
            (0, 0, "ok", False, False),
            (0, 0, "error", False, False),
            (1, 0, "ok", True, False),
        ]
    )
    table = efficiency_table(trials, [a, b])
    first, second = table.iloc[0], table.iloc[1]
    assert (first["n_trials"], first["n_failed"], first["n_after"], first["n_before"]) == (3, 1, 2, 1)
    assert first["efficiency"] == pytest.approx(2 / 3)
    assert first["net_efficiency"] == pytest.approx(1 / 3)
    assert first["efficiency_err"] == pytest.approx(np.sqrt(2 / 3 * 1 / 3 / 3))
    assert second["efficiency"] == 1.0
    assert second["a_lo"] == 1.0
    marginal = efficiency_table(trials, [b])
    assert marginal["n_trials"].tolist() == [4]


def test_efficiency_table_empty_cell_is_nan():
    a = Axis("a", (0.0, 1.0, 2.0))
    table = efficiency_table(_trials([(0, 0, "ok", True, False)]).drop(columns="b_bin"), [a])
    assert table["n_trials"].tolist() == [1, 0]
    assert np.isnan(table["efficiency"].iloc[1])


def test_threshold_crossing_cases():
    x = np.array([1.0, 10.0, 100.0])
    value, status = threshold_crossing(x, np.array([0.0, 0.25, 0.75]), 0.5, log=True)
    assert status == "ok"
    assert value == pytest.approx(10.0**1.5)  # halfway between 10 and 100 in log
    value, status = threshold_crossing(x, np.array([0.0, 0.25, 0.75]), 0.5, log=False)
    assert value == pytest.approx(55.0)
    assert threshold_crossing(x, np.array([0.6, 0.7, 0.9]), 0.5, log=True) == (1.0, "below_grid")
    assert threshold_crossing(x, np.array([0.1, 0.2, 0.3]), 0.5, log=True) == (100.0, "above_grid")
    assert threshold_crossing(x, np.full(3, np.nan), 0.5, log=True)[1] == "no_trials"


def test_value_at_efficiency_per_group():
    depth, dur = Axis("depth", (0.1, 1.0, 10.0), log=True), Axis("dur", (1.0, 2.0, 3.0))
    rows = []
    for dur_bin, effs in ((0, (0, 1)), (1, (1, 1))):
        for depth_bin, recovered in enumerate(effs):
            rows.append({"depth_bin": depth_bin, "dur_bin": dur_bin, "status": "ok",
                         "recovered_after": bool(recovered), "recovered_before": False})  # fmt: skip
    table = value_at_efficiency(pd.DataFrame(rows), depth, [dur])
    assert table["crossing"].tolist() == ["ok", "below_grid"]
    assert table["depth_at_efficiency"].iloc[0] == pytest.approx(
        np.sqrt(0.1 * 1.0) ** 0.5 * np.sqrt(10.0) ** 0.5
    )
    with pytest.raises(ValueError, match="level"):
        value_at_efficiency(pd.DataFrame(rows), depth, [dur], level=1.5)


def test_wilson_interval_known_values():
    lo, hi = wilson_interval(np.array([5, 0, 10]), np.array([10, 10, 10]))
    np.testing.assert_allclose([lo[0], hi[0]], [0.2365931, 0.7634069], atol=1e-6)
    assert lo[1] == 0.0
    assert hi[1] == pytest.approx(0.2775328, abs=1e-6)
    assert hi[2] == 1.0
    lo, hi = wilson_interval(np.array([0]), np.array([0]))
    assert np.isnan(lo[0])
    assert np.isnan(hi[0])


def test_rates_per_bin():
    table = pd.DataFrame(
        {
            "mag": [12.1, 12.2, 12.3, 12.7, 13.9],
            "status": ["ok", "ok", "fit_failed", "ok", "ok"],
            "flag": [True, False, True, False, True],
        }
    )
    rates = rates_per_bin(table, Axis("mag", (12.0, 12.5, 13.0)), ["flag"], value="mag")
    assert rates["n_curves"].tolist() == [2, 1]
    assert rates["n_failed"].tolist() == [1, 0]
    assert rates["flag_rate"].tolist() == [0.5, 0.0]


def _plan(n):
    return pd.DataFrame({"trial": np.arange(n), "x": np.arange(n) * 2.0})


def test_run_trials_resumes_missing_chunks(tmp_path):
    calls = []

    def func(row):
        calls.append(row["trial"])
        return {"status": "ok", "y": row["x"] + 1}

    first = run_trials(_plan(7), func, tmp_path, chunk_size=3, stage="t", settings={"a": 1})
    assert len(calls) == 7
    assert first["y"].tolist() == [1.0 + 2 * k for k in range(7)]
    chunk_path(tmp_path, 1).unlink()
    calls.clear()
    seen = []
    second = run_trials(_plan(7), func, tmp_path, chunk_size=3, stage="t", settings={"a": 1},
                        progress=lambda done, total, msg: seen.append((done, total)))  # fmt: skip
    assert calls == [3, 4, 5]
    assert seen == [(3, 7), (6, 7), (7, 7)]
    pd.testing.assert_frame_equal(first, second)


def test_run_trials_recomputes_chunks_of_another_plan(tmp_path):
    calls = []

    def func(row):
        calls.append(row["trial"])
        return {"status": "ok"}

    run_trials(_plan(4), func, tmp_path, chunk_size=2, stage="t", settings={"a": 1})
    calls.clear()
    run_trials(_plan(4), func, tmp_path, chunk_size=2, stage="t", settings={"a": 2})
    assert calls == [0, 1, 2, 3]


def test_run_trials_records_crashing_trial(tmp_path):
    def func(row):
        if row["trial"] == 1:
            raise RuntimeError("boom")
        return {"status": "ok"}

    table = run_trials(_plan(3), func, tmp_path, chunk_size=5, stage="t", settings={})
    assert table["status"].tolist() == ["ok", "error", "ok"]
    assert "boom" in table["error"].iloc[1]
    with pytest.raises(ValueError, match="chunk_size"):
        run_trials(_plan(3), func, tmp_path, chunk_size=0, stage="t", settings={})
