"""A change-point test for a step to a new level, after the group offsets and a linear trend.

For every split time between two consecutive points the model ``offsets + a x + s H(t - t_split)`` is
fitted by weighted least squares; the step ``s`` and its error follow from projecting the step regressor
``H`` on the complement of the offsets-and-trend columns. With the fit of the model without a step
(residuals ``r``, normal matrix ``N = X^T W X``), for the split after point ``j``:

``s = h^T W r / q`` and ``var(s) = 1 / q`` with ``q = h^T W h - (X^T W h)^T N^-1 (X^T W h)``,

where every ``h^T W ...`` is a suffix sum, so all N - 1 splits cost O(N G).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class StepFit:
    """The best step to a new level.

    Attributes
    ----------
    step : float
        Level after minus level before (mag; > 0 is a fade); NaN when no split is allowed.
    step_error : float
        Its 1-sigma error from the point errors (mag).
    delta_chi2 : float
        chi2 improvement over the model without a step.
    time : float
        Split time, midway between the two points around it (days).
    """

    step: float
    step_error: float
    delta_chi2: float
    time: float


def best_step(
    time: np.ndarray,
    design: np.ndarray,
    residuals: np.ndarray,
    err: np.ndarray,
    min_points: int,
) -> StepFit:
    """The split that most improves chi2, with at least ``min_points`` points on each side.

    Parameters
    ----------
    time : ndarray, shape (N,)
        Times sorted ascending (days).
    design : ndarray, shape (N, P)
        Columns of the model without a step (group indicators and trend powers).
    residuals : ndarray, shape (N,)
        Data minus the weighted least-squares fit of ``design`` (mag).
    err : ndarray, shape (N,)
        1-sigma errors (mag).
    min_points : int
        Fewest points before and after the split.

    Returns
    -------
    StepFit
    """
    n = time.size
    nan = float("nan")
    if n < 2 * min_points or min_points < 1:
        return StepFit(nan, nan, nan, nan)
    w = 1.0 / err**2

    # Suffix sums from point j + 1 on, for splits after points j = 0 .. N - 2.
    def suffix(values: np.ndarray) -> np.ndarray:
        return np.cumsum(values[::-1], axis=0)[::-1][1:]

    hwr = suffix(w * residuals)
    hwh = suffix(w)
    xwh = suffix(design * w[:, None])
    normal_inv = np.linalg.pinv(design.T @ (design * w[:, None]))
    q = hwh - np.einsum("ij,jk,ik->i", xwh, normal_inv, xwh)
    split = np.arange(n - 1)
    allowed = (split + 1 >= min_points) & (n - split - 1 >= min_points) & (q > 1e-12 * hwh)
    allowed &= time[1:] > time[:-1]
    if not allowed.any():
        return StepFit(nan, nan, nan, nan)
    dchi2 = np.where(allowed, hwr**2 / np.where(allowed, q, 1.0), -np.inf)
    j = int(np.argmax(dchi2))
    return StepFit(
        step=float(hwr[j] / q[j]),
        step_error=float(1.0 / np.sqrt(q[j])),
        delta_chi2=float(dchi2[j]),
        time=float(0.5 * (time[j] + time[j + 1])),
    )
