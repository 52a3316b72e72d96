"""Calibration of the event null's FAP: the map, its fit, and the shipped OGLE-II table against its data."""

from importlib.resources import files

import numpy as np
import pandas as pd
import pytest

from lcpipe.evaluation.fap_calibration import fit_calibration, realised_rates
from lcpipe.microlensing.calibration import CALIBRATIONS, NONE, OGLE2, FapCalibration
from lcpipe.microlensing.finder import FinderOptions

SHIPPED = files("lcpipe.evaluation") / "data" / "ogle2_null_fap.csv"


def test_identity_and_the_map_and_its_inverse():
    assert NONE.log10_fap(-4.2) == pytest.approx(-4.2)
    table = FapCalibration("t", (0.0, -1.0, -2.0, -3.0), (0.0, -0.5, -0.5, -1.0), 0.25, "test")
    assert table.log10_fap(0.3) == 0.0
    assert table.log10_fap(-1.5) == pytest.approx(-0.5)
    assert table.log10_fap(-2.5) == pytest.approx(-0.75)
    assert table.log10_fap(-7.0) == pytest.approx(-1.0 - 0.25 * 4.0)  # the power-law tail
    assert np.isnan(table.log10_fap(float("nan")))
    for rate in (-0.2, -0.75, -1.0, -2.0):
        assert table.log10_fap(table.nominal_threshold(rate)) == pytest.approx(rate)
    assert table.nominal_threshold(-0.5) == pytest.approx(-1.0)  # the largest value on the flat step
    with pytest.raises(ValueError, match="decreasing"):
        FapCalibration("bad", (0.0, -1.0), (-1.0, 0.0), 1.0, "")


def test_fit_recovers_a_known_law():
    """Nominal values with P(nominal <= x) = 10**(x / 2) give a table with that law and slope 1/2."""
    rng = np.random.default_rng(3)
    nominal = 2.0 * np.log10(rng.uniform(size=20000))
    table = fit_calibration(nominal)
    for x, y in zip(table.nominal, table.realised, strict=True):
        if x >= -6.0:  # at least ~20 values below (the deepest grid values hold 5)
            assert y == pytest.approx(x / 2.0, abs=0.1)
    assert table.tail_slope == pytest.approx(0.5, abs=0.1)
    assert table.log10_fap(-10.0) == pytest.approx(-5.0, abs=0.5)


def test_realised_rates_count_at_or_below_the_threshold():
    rates = realised_rates(np.array([-3.0, -2.5, -1.0, np.nan]), (1e-3, 1e-2))
    assert list(rates["n_flagged"]) == [1, 2]
    assert (rates["n_curves"] == 4).all()
    assert (rates["lo"] <= rates["rate"]).all()
    assert (rates["rate"] <= rates["hi"]).all()


def test_shipped_table_is_the_fit_to_its_shipped_null_events():
    """OGLE2 is what fit_calibration gives on the even-index half of the shipped null events."""
    nulls = pd.read_csv(str(SHIPPED), comment="#", dtype={"curve": str})
    fit_half = nulls[nulls["half"] == "fit"]
    again = fit_calibration(fit_half["log10_fap_event"].to_numpy())
    np.testing.assert_allclose(again.nominal, OGLE2.nominal)
    np.testing.assert_allclose(again.realised, OGLE2.realised, atol=1e-4)
    assert again.tail_slope == pytest.approx(OGLE2.tail_slope, abs=1e-4)
    assert CALIBRATIONS["ogle2"] is OGLE2
    assert FinderOptions().verdict.fap_calibration is OGLE2


def test_calibrated_rate_on_the_check_half_matches_the_threshold():
    """On the odd-index curves, which the table was not fitted to, the calibrated 1e-2 and the default
    threshold flag as many null events as they say (inside the Wilson 95% interval)."""
    nulls = pd.read_csv(str(SHIPPED), comment="#", dtype={"curve": str})
    check = nulls[nulls["half"] == "check"]
    assert len(check) >= 450
    calibrated = np.array([OGLE2.log10_fap(v) for v in check["log10_fap_event"]])
    threshold = FinderOptions().verdict.fap_threshold
    rates = realised_rates(calibrated, (1e-2, threshold))
    assert (rates["lo"] <= rates["threshold"]).all()
    assert (rates["threshold"] <= rates["hi"]).all()
    nominal = realised_rates(check["log10_fap_event"].to_numpy(), (1e-2,))
    assert nominal["lo"].iloc[0] > 1e-2  # uncalibrated, the event's own null is anti-conservative
