"""Calibration of the event null's false-alarm probability on real survey noise.

The event's own null (:mod:`lcpipe.microlensing.null`) gives a nominal false-alarm probability that
is anti-conservative on real photometry: a light curve of a few hundred points holds too few
independent stretches for its own bootstrap to reproduce its largest correlated excursions, and the
Gumbel tail that ranks events beyond the Monte Carlo resolution is extrapolated from 20-100
realisations. A :class:`FapCalibration` maps the nominal log10 FAP to the false-alarm rate that
nominal value has on real-cadence null events: ``realised(x) = P(nominal <= x)`` over null events
with nothing injected, a step table where enough null events lie below ``x`` and a power law
(straight line in log10-log10) fitted to the tail beyond it.

:data:`OGLE2` was measured with :mod:`lcpipe.evaluation.fap_calibration` on the real-cadence null
trials of :mod:`lcpipe.evaluation.real_cadence` (new single-lens events on the epochs, error bars
and bootstrapped fit residuals of the 214 OGLE-II light curves shipped with lcpipe, default finder
options): fitted on the trials of the curves of even index in the shipped file and checked on those
of odd index (docs/evaluation.md gives both). Those curves have 116-280 points, one data set and
1-3-night cadence. On other cadences (null trials of :mod:`lcpipe.evaluation.event_cadence` on real
multi-site events and on a simulated 15-minute space cadence, ``benchmarks/null_families.py``) the
same table is conservative: docs/evaluation.md gives the rates per cadence family.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FapCalibration:
    """A monotone map from the event null's nominal log10 FAP to a realised log10 false-alarm rate.

    Attributes
    ----------
    name : str
        Name of the calibration (a key of :data:`CALIBRATIONS`).
    nominal : tuple of float
        Nominal log10 FAP grid, decreasing from 0.
    realised : tuple of float
        Realised log10 rate at each grid value (non-increasing, <= 0).
    tail_slope : float
        ``d realised / d nominal`` below the last grid value (> 0).
    provenance : str
        What the table was measured on.
    """

    name: str
    nominal: tuple[float, ...]
    realised: tuple[float, ...]
    tail_slope: float
    provenance: str

    def __post_init__(self) -> None:
        x, y = np.asarray(self.nominal, float), np.asarray(self.realised, float)
        if (
            x.size < 2
            or x.shape != y.shape
            or np.any(np.diff(x) >= 0)
            or np.any(np.diff(y) > 0)
            or np.any(y > 0)
            or not self.tail_slope > 0
        ):
            raise ValueError(
                f"FapCalibration {self.name!r} needs a decreasing nominal grid, a non-increasing "
                f"realised table <= 0 of the same length and tail_slope > 0"
            )

    def log10_fap(self, nominal: float) -> float:
        """Calibrated log10 FAP of a nominal log10 FAP (NaN stays NaN; values above 0 give 0)."""
        if not np.isfinite(nominal):
            return float(nominal) if np.isnan(nominal) else float(self.realised[-1] - np.inf)
        x, y = np.asarray(self.nominal[::-1]), np.asarray(self.realised[::-1])
        if nominal < x[0]:
            return float(y[0] + self.tail_slope * (nominal - x[0]))
        return float(min(np.interp(nominal, x, y), 0.0))

    def nominal_threshold(self, log10_rate: float) -> float:
        """The nominal log10 FAP whose calibrated value is ``log10_rate`` (the inverse map; the
        largest such value on a flat step)."""
        x, y = np.asarray(self.nominal), np.asarray(self.realised)
        if log10_rate < y[-1]:
            return float(x[-1] + (log10_rate - y[-1]) / self.tail_slope)
        if log10_rate >= y[0]:
            return float(x[0])
        below = int(np.flatnonzero(y <= log10_rate)[0])  # first grid value at or below the rate
        x0, x1, y0, y1 = x[below - 1], x[below], y[below - 1], y[below]
        return float(x1 if y0 == y1 else x0 + (log10_rate - y0) * (x1 - x0) / (y1 - y0))


#: No calibration: the nominal value is used as it is.
NONE = FapCalibration("none", (0.0, -1.0), (0.0, -1.0), 1.0, "identity")

#: Measured on real OGLE-II cadences and noise (see the module docstring): ``fit_calibration`` of the
#: 551 null events of the even-index curves in ``lcpipe/evaluation/data/ogle2_null_fap.csv``.
OGLE2 = FapCalibration(
    "ogle2",
    (0.0, -0.5, -1.0, -1.5, -2.0, -2.5, -3.0, -3.5),
    (0.0, -0.2428, -0.4956, -0.7412, -1.0691, -1.3609, -1.6272, -1.963),
    0.5896,
    "real-cadence null events on the 214 OGLE-II curves of lcpipe/evaluation/data/ogle2_events.npz, "
    "even-index half (lcpipe.evaluation.fap_calibration)",
)

#: The calibrations :class:`lcpipe.microlensing.verdict.VerdictOptions` can name.
CALIBRATIONS = {"none": NONE, "ogle2": OGLE2}
