"""Paczyński point-source point-lens magnification ``A(u)`` and its excess ``A - 1``."""

from __future__ import annotations

import numpy as np

from lcpipe.kernels.pspl import U2_FLOOR


def pspl_magnification(time: np.ndarray, t0: float, tE: float, u0: float) -> np.ndarray:
    """Paczyński point-source point-lens magnification.

    Parameters
    ----------
    time : ndarray, shape (N,)
        Times (days, same frame as ``t0``).
    t0 : float
        Time of closest approach (days).
    tE : float
        Einstein timescale (days, > 0).
    u0 : float
        Impact parameter (Einstein radii; its sign does not matter).

    Returns
    -------
    ndarray, shape (N,)
        Magnification ``A >= 1``.
    """
    tau = (np.asarray(time, dtype=float) - t0) / tE
    u2 = np.maximum(u0 * u0 + tau * tau, U2_FLOOR)
    return 1.0 + _excess(u2)


def _excess(u2: np.ndarray) -> np.ndarray:
    """``A - 1`` as a function of ``u**2``, written without cancellation at large u."""
    q = np.sqrt(u2 * (u2 + 4.0))
    return 4.0 / (q * (u2 + 2.0 + q))
