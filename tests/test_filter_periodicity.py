"""Bootstrap Lomb-Scargle periodicity test: periodic vs noise curves, event masking, bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lcpipe.filter.periodicity import (
    PeriodicityOptions,
    bootstrap_periodogram,
    event_windows,
    periodicity_table,
    source_periodicity,
    source_rng,
)

FAST = PeriodicityOptions(
    enabled=True, n_bootstrap=30, max_fap=0.05, min_period_days=0.5, max_period_days=50.0
)


def _times(rng: np.random.Generator, n: int = 400, span: float = 600.0) -> np.ndarray:
    return np.sort(rng.uniform(0.0, span, n))


def write_dat2(path: Path, time: np.ndarray, mag: np.ndarray, err: float = 0.02) -> Path:
    """A two-camera ASAS-SN .dat2 file (times in days, written as JD - 2450000 after 8000)."""
    cameras = np.where(np.arange(time.size) % 2 == 0, "bb", "bc")
    lines = [
        f"{8000.0 + t:.5f} {m:.4f} {err:.4f} 1 {1 + (c == 'bc')} 1 0 {c}/F1"
        for t, m, c in zip(time, mag, cameras, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_sinusoid_is_periodic_and_noise_is_not():
    rng = np.random.default_rng(1)
    t = _times(rng)
    err = np.full(t.size, 0.02)
    sine = 0.1 * np.sin(2 * np.pi * t / 3.7) + rng.normal(0, 0.02, t.size)
    periodic = bootstrap_periodogram(t, sine, err, FAST, np.random.default_rng(2))
    assert periodic.status == "ok"
    assert periodic.period == pytest.approx(3.7, rel=0.01)
    assert periodic.fap == pytest.approx(1.0 / 31.0)  # the floor: no bootstrap reaches the peak
    noise = bootstrap_periodogram(t, rng.normal(0, 0.02, t.size), err, FAST, np.random.default_rng(2))
    assert noise.fap > 0.05


def test_same_seed_same_answer_and_source_rngs_differ():
    rng = np.random.default_rng(4)
    t = _times(rng)
    y = rng.normal(0, 0.02, t.size)
    err = np.full(t.size, 0.02)
    a = bootstrap_periodogram(t, y, err, FAST, source_rng(0, "s1"))
    b = bootstrap_periodogram(t, y, err, FAST, source_rng(0, "s1"))
    assert a == b
    assert source_rng(0, "s1").integers(1 << 30) != source_rng(0, "s2").integers(1 << 30)


def test_too_few_points_and_bad_options():
    t = np.arange(10.0)
    result = bootstrap_periodogram(t, np.sin(t), np.full(10, 0.01), FAST, np.random.default_rng(0))
    assert result.status == "too_few_points"
    assert np.isnan(result.fap)
    with pytest.raises(ValueError, match="min_period_days"):
        PeriodicityOptions(min_period_days=10.0, max_period_days=5.0)
    with pytest.raises(ValueError, match="cannot resolve"):
        PeriodicityOptions(n_bootstrap=50, max_fap=0.01)


def test_event_windows_from_runs_and_pspl():
    row = {
        "dip_run_t_start": 100.0,
        "dip_run_duration": 10.0,
        "jump_run_t_start": np.nan,
        "pspl_is_event": True,
        "pspl_t0": 500.0,
        "pspl_tE": 20.0,
    }
    assert event_windows(row, pad=1.0) == [(90.0, 120.0), (460.0, 540.0)]
    assert event_windows({**row, "pspl_is_event": False}, pad=0.0) == [(100.0, 110.0)]


def test_single_dip_is_masked_not_called_periodic(tmp_path):
    rng = np.random.default_rng(5)
    t = _times(rng, n=500)
    mag = 12.0 + rng.normal(0, 0.02, t.size)
    in_dip = (t > 300) & (t < 330)
    mag[in_dip] += 0.8  # one deep 30-day dip: strong long-period Lomb-Scargle power
    path = write_dat2(tmp_path / "dip.dat2", t, mag)
    row = {
        "source_id": "d1",
        "path": str(path),
        "dip_run_t_start": 8300.0 + 2450000.0,
        "dip_run_duration": 30.0,
    }
    options = PeriodicityOptions(
        enabled=True, n_bootstrap=30, max_fap=0.05, min_period_days=0.5, max_period_days=200.0
    )
    masked = source_periodicity(row, options)
    unmasked = source_periodicity({"source_id": "d1", "path": str(path)}, options)
    assert masked.status == unmasked.status == "ok"
    assert unmasked.fap < options.max_fap
    assert masked.fap > options.max_fap


def test_table_reports_read_failures_as_status(tmp_path):
    import pandas as pd

    rng = np.random.default_rng(6)
    t = _times(rng)
    good = write_dat2(
        tmp_path / "ok.dat2", t, 12.0 + 0.1 * np.sin(2 * np.pi * t / 2.3) + rng.normal(0, 0.02, t.size)
    )
    rows = pd.DataFrame(
        {"source_id": ["a", "b"], "path": [str(good), str(tmp_path / "missing.dat2")]}, index=[5, 9]
    )
    table = periodicity_table(rows, FAST)
    assert list(table.index) == [5, 9]
    assert table.loc[5, "periodicity_status"] == "ok"
    assert table.loc[5, "periodicity_period"] == pytest.approx(2.3, rel=0.01)
    assert table.loc[9, "periodicity_status"] != "ok"
    assert np.isnan(table.loc[9, "periodicity_fap"])
