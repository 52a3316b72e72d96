"""Sentinel magnitudes ("no measurement" codes such as 99.99) and upper limits, the same in every reader.

Surveys write a placeholder number where a measurement is missing: ASAS-SN a magnitude error of 99.99
(Sky Patrol: 99.999 for a limit row), many tools 99.99 or -99 as the magnitude itself. Kept as
numbers they are real-looking points 80 magnitudes off. :func:`mask_sentinels` turns them into NaN and
counts them: a row with a finite magnitude but a sentinel error is an *upper limit* (the magnitude is
the limit, as in ``.dat2``; Sky Patrol rows need a finite Limit), any other masked row is *no
photometry*.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Default sentinel values of magnitudes and magnitude errors (reader option ``sentinels``).
DEFAULT_SENTINELS: tuple[float, ...] = (99.99, 99.999, -99.0)

#: Two numbers closer than this are the same sentinel (the files print 2-4 decimals).
SENTINEL_TOLERANCE = 5e-4


def is_sentinel(values: np.ndarray, sentinels: Sequence[float] = DEFAULT_SENTINELS) -> np.ndarray:
    """Boolean mask, shape of ``values``, of the entries equal to one of ``sentinels``."""
    values = np.asarray(values, dtype=float)
    mask = np.zeros(values.shape, dtype=bool)
    for sentinel in sentinels:
        mask |= np.abs(values - float(sentinel)) < SENTINEL_TOLERANCE
    return mask


def mask_sentinels(
    mag: np.ndarray,
    mag_err: np.ndarray | None,
    sentinels: Sequence[float] = DEFAULT_SENTINELS,
    limit: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray | None, dict[str, int]]:
    """Replace sentinel magnitudes and errors by NaN and count them.

    Parameters
    ----------
    mag : ndarray, shape (N,)
        Magnitudes as read.
    mag_err : ndarray, shape (N,), or None
        Their errors (None when the file has none).
    sentinels : sequence of float
        Values meaning "no measurement" (default :data:`DEFAULT_SENTINELS`; empty disables masking).
    limit : ndarray, shape (N,), optional
        The file's limiting magnitudes (sentinels already NaN), when it has a limit column: a row with
        a sentinel error is then an upper limit only where its limit is finite.

    Returns
    -------
    mag, mag_err : ndarray, shape (N,)
        New arrays: NaN (both) where the magnitude or its error is a sentinel.
    counts : dict
        ``n_upper_limits`` (sentinel error, finite magnitude or limit) and ``n_no_photometry`` (the
        other masked rows), the keys every reader records in ``meta``.
    """
    mag = np.array(mag, dtype=float)
    bad_mag = is_sentinel(mag, sentinels)
    bad_err = is_sentinel(mag_err, sentinels) if mag_err is not None else np.zeros(mag.shape, dtype=bool)
    upper_limit = bad_err & ~bad_mag & np.isfinite(mag if limit is None else limit)
    masked = bad_mag | bad_err
    mag[masked] = np.nan
    if mag_err is not None:
        mag_err = np.array(mag_err, dtype=float)
        mag_err[masked] = np.nan
    counts = {"n_upper_limits": int(upper_limit.sum()), "n_no_photometry": int((masked & ~upper_limit).sum())}
    return mag, mag_err, counts
