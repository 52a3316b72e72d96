"""Periodicity test of the dip search: Baluev FAP calibration, leave-one-out fold, real periodic variables."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from astropy.timeseries import LombScargle

from lcpipe.dips.events import DipOptions, detect_events
from lcpipe.dips.periodic import (
    PeriodicOptions,
    fold_prediction,
    frequency_grid,
    periodic_test,
    periodogram,
    refine_peak,
)
from lcpipe.io import load_clean

DATA = Path(__file__).parent / "data" / "ground_variables"
VXMEN = {"time_col": "jd", "mag_col": "mag", "err_col": "mag_err", "camera_col": "cam",
         "band": "g"}  # fmt: skip
RR_LYRAE = {"time_col": "time", "mag_col": "mag", "err_col": "magerr", "band_col": "band"}


def _times(rng, n, span=1000.0):
    return np.sort(rng.uniform(0, span, n))


def test_fold_prediction_matches_a_loop_over_points():
    rng = np.random.default_rng(0)
    t = np.round(_times(rng, 60), 0)  # whole days: some points share a night, as cameras do
    y = rng.normal(0, 1, 60)
    band = np.where(rng.uniform(size=60) < 0.5, "g", "V")
    got = fold_prediction(t, y, band, 3.7, 2, exclusion_days=5.0)
    for i in range(60):  # reference: the 2 nearest in phase on each side, circularly, in the same band,
        idx = np.flatnonzero(band == band[i])  # those at least max(P/2, 5 d) away in time
        order = idx[np.argsort(np.mod(t[idx] / 3.7, 1.0), kind="stable")]
        pos = int(np.flatnonzero(order == i)[0])
        ring = [order[(pos + d) % order.size] for d in (-2, -1, 1, 2)]
        far = [j for j in ring if abs(t[j] - t[i]) >= 5.0]
        if far:
            assert got[i] == pytest.approx(np.median(y[far]), abs=1e-12)
        else:
            assert np.isnan(got[i])


def test_simultaneous_points_do_not_fold_a_single_event_into_a_period():
    """Three cameras on the same nights: without the other-cycles rule they predict each other."""
    rng = np.random.default_rng(4)
    nights = np.sort(rng.choice(np.arange(2000.0), 600, replace=False))
    t = np.repeat(nights, 3) + np.tile([0.0, 0.01, 0.02], nights.size)
    y = 0.4 * np.exp(-0.5 * ((t - 1000.0) / 30.0) ** 2) + rng.normal(0, 0.02, t.size)
    result = periodic_test(t, y, np.full(t.size, 0.02), np.full(t.size, "V"), np.zeros(t.size, bool),
                           PeriodicOptions())  # fmt: skip
    assert result.fap < 1e-10  # the event has power at long periods ...
    assert not result.periodic  # ... but other cycles do not repeat it


def test_fast_periodogram_matches_exact_sums():
    rng = np.random.default_rng(3)
    t = 2457000.0 + _times(rng, 800, 3000.0)  # absolute times: the periodogram takes them from t[0]
    y = 0.05 * np.sin(2 * np.pi * t / 0.37) + rng.normal(0, 0.02, t.size)
    err = np.full(t.size, 0.02)
    _, frequency, fast = periodogram(t, y, err, PeriodicOptions())
    np.testing.assert_allclose(frequency, frequency_grid(np.ptp(t), PeriodicOptions()), rtol=0, atol=0)
    step = np.diff(frequency)
    assert frequency[0] >= 1 / 100.0
    assert frequency[-1] <= 1 / 0.1
    assert np.allclose(step, step[0])
    pick = np.concatenate((np.arange(0, frequency.size, 97), [int(np.argmax(fast))]))
    exact = LombScargle(t, y, err).power(frequency[pick], method="cython")
    assert np.max(np.abs(fast[pick] - exact)) < 0.01  # power is in [0, 1]; the peak here is 0.64
    assert abs(fast[pick[-1]] / exact[-1] - 1) < 0.02  # at the highest peak
    result = periodic_test(t, y, err, np.full(t.size, "V"), y > 0.05, PeriodicOptions())
    assert result.period == pytest.approx(0.37, rel=1e-5)


def test_refined_peak_is_the_exact_maximum_near_the_coarse_peak():
    rng = np.random.default_rng(6)
    t = _times(rng, 500, 2000.0)
    y = 0.05 * np.sin(2 * np.pi * t / 1.2345) + rng.normal(0, 0.02, t.size)
    ls = LombScargle(t, y, 0.02)
    step = 1 / (2 * np.ptp(t))
    frequency, power = refine_peak(ls, 1 / 1.2345 + 0.6 * step, step)
    fine = np.linspace(1 / 1.2345 - step, 1 / 1.2345 + step, 4001)  # reference: a dense exact grid
    fine_power = ls.power(fine, method="cython")
    assert frequency == pytest.approx(fine[np.argmax(fine_power)], abs=step / 50)
    assert power == pytest.approx(fine_power.max(), rel=1e-4)


def test_a_long_dip_does_not_predict_itself_through_the_fold():
    """A dense campaign during a 40-day dip and a 3.3-day sinusoid: folded at 3.3 d, other cycles of
    the same dip (more than P/2 apart) predict each dip point, unless the dip's duration is excluded."""
    rng = np.random.default_rng(5)
    t = np.sort(np.concatenate((rng.uniform(1000.0, 1040.0, 800), rng.uniform(0.0, 2000.0, 300))))
    dip = np.where((t > 1000.0) & (t < 1040.0), 0.5, 0.0)
    y = dip + 0.1 * np.sin(2 * np.pi * t / 3.3) + rng.normal(0, 0.02, t.size)
    y -= np.median(y)
    err, band = np.full(t.size, 0.02), np.full(t.size, "V")
    options = PeriodicOptions(min_period_days=1.0, max_period_days=10.0)
    same_dip = periodic_test(t, y, err, band, dip > 0, options, exclusion_days=0.0)
    assert same_dip.period == pytest.approx(3.3, rel=1e-3)
    assert same_dip.fap < 1e-10
    assert same_dip.periodic  # the dip folds onto itself
    assert same_dip.fold_fraction > 0.5
    excluded = periodic_test(t, y, err, band, dip > 0, options, exclusion_days=40.0)
    assert excluded.period == same_dip.period
    assert not excluded.periodic
    assert excluded.fold_fraction < 0


def test_baluev_fap_is_calibrated_on_white_noise():
    rng = np.random.default_rng(1)
    options = PeriodicOptions(max_period_days=50.0, min_period_days=0.5)
    faps = []
    for _ in range(60):
        t = _times(rng, 200)
        faps.append(periodic_test(t, rng.normal(0, 0.02, 200), np.full(200, 0.02), np.full(200, "V"),
                                  np.zeros(200, bool), options).fap)  # fmt: skip
    faps = np.array(faps)
    # an upper bound: at most about x of pure-noise curves have FAP < x (binomial 3-sigma margins)
    assert np.mean(faps < 0.1) <= 0.1 + 3 * np.sqrt(0.1 * 0.9 / 60)
    assert np.mean(faps < 0.5) <= 0.5 + 3 * np.sqrt(0.25 / 60)
    assert np.mean(faps < 0.5) > 0.1  # not so conservative that it says nothing


def test_eclipsing_binary_is_periodic_at_its_period_and_an_isolated_dip_is_not():
    rng = np.random.default_rng(2)
    t = _times(rng, 1500, 2000.0)
    period = 2.345
    phase = np.mod(t / period, 1.0)
    eb = 0.5 * np.exp(-0.5 * (phase / 0.02) ** 2) + 0.5 * np.exp(-0.5 * ((phase - 1) / 0.02) ** 2)
    eb += 0.3 * np.exp(-0.5 * ((phase - 0.5) / 0.02) ** 2)  # unequal secondary eclipse
    err = np.full(t.size, 0.02)
    y = eb + rng.normal(0, 0.02, t.size)
    result = periodic_test(t, y, err, np.full(t.size, "V"), y > 0.2, PeriodicOptions())
    assert result.periodic
    assert result.period == pytest.approx(period, rel=1e-3)
    assert result.fold_fraction > 0.8

    dip = 0.6 * np.exp(-0.5 * ((t - 1200.0) / 8.0) ** 2)
    red = np.cumsum(rng.normal(0, 0.004, t.size))  # red noise gives periodogram peaks of tiny white FAP
    y = dip + red - np.median(red) + rng.normal(0, 0.02, t.size)
    result = periodic_test(t, y, err, np.full(t.size, "V"), dip > 0.2, PeriodicOptions())
    assert not result.periodic
    assert result.fold_fraction < 0.3


def test_vx_men_is_periodic_not_a_dipper():
    lc, status, _ = load_clean(DATA / "VXMen" / "vxmen.csv", format="csv", read_options=VXMEN)
    assert status == "ok"
    row = detect_events(lc, DipOptions())
    assert row["periodic"]
    assert not row["dip_significant"]
    # published Lomb-Scargle period of this file: 0.18669 d (the fold may keep twice it)
    assert min(abs(row["period"] - 0.18669), abs(row["period"] - 2 * 0.18669)) < 1e-4
    assert row["period_fap"] < 1e-10


def test_stripe82_rr_lyrae_are_not_dippers_and_their_periods_are_found():
    """30 of the 483 Sesar et al. (2010) RR Lyrae: none dip-significant; tested whatever their dip
    evidence (test_all), most are periodic, and most of those at the catalogue period (or P/2, 2P)."""
    periods = pd.read_csv(DATA / "RRLyrae_Stripe82" / "periods.csv").set_index("Num")["Per"]
    default, every = DipOptions(), DipOptions(periodic={"test_all": True})
    rows = []
    for path in sorted((DATA / "RRLyrae_Stripe82" / "light-curves").glob("*.csv")):
        lc, status, _ = load_clean(path, format="csv", read_options=RR_LYRAE)
        assert status == "ok", path
        assert not detect_events(lc, default)["dip_significant"], path
        rows.append(detect_events(lc, every) | {"catalog_period": periods.loc[int(path.stem)]})
    table = pd.DataFrame(rows)
    assert len(table) == 30
    periodic = table[table["periodic"]]
    assert len(periodic) >= 20  # 23 of 30 when written
    ratio = periodic["period"] / periodic["catalog_period"]
    found = np.any([np.abs(ratio - r) < 0.01 * r for r in (0.5, 1.0, 2.0)], axis=0)
    assert found.sum() >= 15  # 17 of the 23 (the others: aliases of SDSS's sparse sampling)


def test_row_medians_match_nanmedian():
    from lcpipe.dips.periodic import _row_medians

    rng = np.random.default_rng(0)
    values, keep = rng.normal(size=(400, 17)), rng.random((400, 17)) > 0.5
    keep[:3] = False
    expected = np.array([np.median(v[k]) if k.any() else np.nan for v, k in zip(values, keep, strict=True)])
    np.testing.assert_array_equal(_row_medians(values, keep), expected)
