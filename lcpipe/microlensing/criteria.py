"""Which clusters count as anomaly candidates."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class CandidateCriteria:
    """Optional filters a cluster must pass before the verdict tests it; ``None`` switches one off.

    All are off by default: the verdict (:mod:`lcpipe.microlensing.verdict`) decides from the
    false-alarm probability of the best cluster in the event's own null, which adapts to each
    event's cadence and noise where fixed thresholds cannot (fixed values tuned on simulations
    rejected real anomalies: a nine-point bump with peak_frac 0.52, a six-point caustic crossing).
    The former defaults (``min_dchi2=60, min_n_eff=3, min_n_window=8, max_peak_frac=0.5``) remain
    available as :meth:`survey_defaults`.

    Attributes
    ----------
    min_dchi2 : float or None
        Minimum delta chi-square.
    min_n_eff : float or None
        Minimum effective number of contributing points ``(sum u)^2 / sum u^2``.
    min_n_contrib : int or None
        Minimum number of points improving by more than the contribution threshold.
    min_n_window : int or None
        Minimum number of points in the window.
    min_longest_run : int or None
        Minimum run of consecutive contributing points.
    max_peak_frac : float or None
        Maximum share of the improvement carried by the single best point.
    """

    min_dchi2: float | None = None
    min_n_eff: float | None = None
    min_n_contrib: int | None = None
    min_n_window: int | None = None
    min_longest_run: int | None = None
    max_peak_frac: float | None = None

    @classmethod
    def survey_defaults(cls) -> CandidateCriteria:
        """The fixed thresholds used as the verdict before false-alarm probabilities (lcpipe 0.2)."""
        return cls(min_dchi2=60.0, min_n_eff=3.0, min_n_window=8, max_peak_frac=0.5)

    def accept(self, clusters: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """Apply the criteria to a cluster table.

        Parameters
        ----------
        clusters : DataFrame, C rows
            Columns ``dchi2``, ``n_eff``, ``n_contrib``, ``n_window``, ``longest_run``, ``peak_frac``.

        Returns
        -------
        accepted : ndarray, shape (C,), bool
        reject_reason : ndarray, shape (C,), object
            The first failed test (e.g. ``"n_eff<3"``) or ``""``.
        """
        tests = {
            "min_dchi2": ("dchi2", np.greater_equal),
            "min_n_eff": ("n_eff", np.greater_equal),
            "min_n_contrib": ("n_contrib", np.greater_equal),
            "min_n_window": ("n_window", np.greater_equal),
            "min_longest_run": ("longest_run", np.greater_equal),
            "max_peak_frac": ("peak_frac", np.less_equal),
        }
        reason = np.full(len(clusters), "", dtype=object)
        for name in (f.name for f in fields(self)):
            threshold = getattr(self, name)
            if threshold is None:
                continue
            column, passes = tests[name]
            ok = passes(clusters[column].to_numpy(dtype=float), threshold)  # NaN fails
            symbol = ">=" if name.startswith("min") else "<="
            reason[(~ok) & (reason == "")] = f"{column}{'<' if symbol == '>=' else '>'}{threshold:g}"
        return reason == "", reason
