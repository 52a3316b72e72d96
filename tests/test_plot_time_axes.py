"""Time axes of the candidate plots: full Julian dates shifted by 2450000, the PSPL summary's peak column."""

import numpy as np
import pytest

from lcpipe.microlensing.figures import PEAK_FRACTION, PEAK_MARGIN, summary_figure, zoom_figure
from lcpipe.microlensing.finder import find_anomalies
from lcpipe.plots.time_axis import JD_OFFSET, time_label, time_offset


@pytest.mark.parametrize(
    ("times", "offset"),
    [(np.array([2457000.5, 2458000.5]), JD_OFFSET), (np.array([9826.0, 9830.0]), 0.0), (np.array([]), 0.0)],
)
def test_offset_only_for_full_julian_dates(times, offset):
    assert time_offset(times) == offset


def test_labels_name_the_offset():
    assert time_label(JD_OFFSET) == "JD − 2450000 (days)"
    assert time_label(0.0) == "time (days)"


@pytest.fixture(scope="module")
def event_in_jd():
    """A PSPL event (t0 = JD 2458030, tE = 10 d) with a short bump, on a 600-day baseline."""
    rng = np.random.default_rng(3)
    t = np.sort(rng.uniform(2457700.0, 2458300.0, 3000))
    u = np.hypot(0.2, (t - 2458030.0) / 10.0)
    flux = 100 * (u**2 + 2) / (u * np.sqrt(u**2 + 4)) + 50 + 60 * np.exp(-0.5 * ((t - 2458033.0) / 0.3) ** 2)
    err = np.full(t.size, 2.0)
    return find_anomalies(t, flux + rng.normal(0, err), err)


def test_summary_has_whole_curve_and_peak_columns(event_in_jd):
    fit = event_in_jd.fit
    axes = summary_figure(event_in_jd).axes
    assert len(axes) == 6  # three rows, two columns (row-major)
    whole, peak = axes[4], axes[5]
    assert whole.get_xlabel() == peak.get_xlabel() == "JD − 2450000 (days)"
    low, high = (x + JD_OFFSET for x in peak.get_xlim())
    assert (low + high) / 2 == pytest.approx(fit.t0)
    edge = fit.t0 + (high - fit.t0) / PEAK_MARGIN  # magnification excess there is PEAK_FRACTION of the peak's
    excess = fit.magnification(np.array([edge, fit.t0])) - 1.0
    assert excess[0] == pytest.approx(PEAK_FRACTION * excess[1], rel=1e-9)
    assert whole.get_xlim()[0] < 7750.0  # the whole light curve starts at JD 2457700
    assert whole.get_xlim()[1] > 8250.0


def test_zoom_axis_is_shifted_like_the_summary(event_in_jd):
    ax = zoom_figure(event_in_jd).axes[0]
    assert ax.get_xlabel() == "JD − 2450000 (days)"
    low, high = ax.get_xlim()
    assert low < 8033.0 < high


def test_failed_fit_has_one_column():
    result = find_anomalies(np.arange(4.0), np.ones(4), np.ones(4))
    assert len(summary_figure(result).axes) == 3
