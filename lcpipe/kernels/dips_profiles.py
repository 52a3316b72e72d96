"""Event templates of the dip branch's morphology fit and their weighted sums: compiled kernel and NumPy
reference.

Every template is a unit-peak shape ``g(t; t0, width, shape)``: Gaussian (no shape parameter), skewed
Gaussian (shape = skewness alpha), Paczynski (shape = impact parameter u0; 2.5 log10 A(u) of a point
lens) and FRED (shape = rise time / decay time). A fit of ``y ~ c + A g`` by weighted least squares
needs, for each template, ``sum w g``, ``sum w g^2``, ``sum w g y`` and the largest ``g`` at the data
(:func:`template_sums`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
from scipy.special import erf

from lcpipe._ext import dips_profiles as _kernel


def _gaussian(t: np.ndarray, t0: np.ndarray, w: np.ndarray, _shape: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * ((t[None, :] - t0[:, None]) / w[:, None]) ** 2)


def _skew_shape(z: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * z**2) * (1.0 + erf(alpha * z / np.sqrt(2.0)))


def _skew_peak_table(alpha: np.ndarray) -> np.ndarray:
    """Peak value of exp(-z^2/2)(1 + erf(alpha z / sqrt 2)) for each alpha, from a fine z grid."""
    z = np.linspace(-4.0, 4.0, 4001)
    return np.max(_skew_shape(z[None, :], alpha[:, None]), axis=1)


#: Tabulated peak of the skew-normal shape (unit-peak normalisation), |alpha| <= 10.
SKEW_ALPHA = np.linspace(-10.0, 10.0, 401)
SKEW_PEAK = _skew_peak_table(SKEW_ALPHA)


def _skew_gaussian(t: np.ndarray, t0: np.ndarray, w: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    g = _skew_shape((t[None, :] - t0[:, None]) / w[:, None], alpha[:, None])
    return g / np.interp(alpha, SKEW_ALPHA, SKEW_PEAK)[:, None]


def _paczynski_peak(u0: np.ndarray) -> np.ndarray:
    return np.log((u0**2 + 2.0) / np.sqrt(u0**2 * (u0**2 + 4.0)))


def _paczynski(t: np.ndarray, t0: np.ndarray, te: np.ndarray, u0: np.ndarray) -> np.ndarray:
    """Unblended point-lens brightening in magnitudes, 2.5 log10 A(u), scaled to unit peak."""
    u2 = u0[:, None] ** 2 + ((t[None, :] - t0[:, None]) / te[:, None]) ** 2
    log_mag = np.log((u2 + 2.0) / np.sqrt(u2 * (u2 + 4.0)))
    return log_mag / _paczynski_peak(u0)[:, None]


def _fred(t: np.ndarray, t0: np.ndarray, tau_d: np.ndarray, rise_ratio: np.ndarray) -> np.ndarray:
    dt = t[None, :] - t0[:, None]
    tau_r = (tau_d * rise_ratio)[:, None]
    return np.where(
        dt < 0, np.exp(np.minimum(dt, 0.0) / tau_r), np.exp(-np.maximum(dt, 0.0) / tau_d[:, None])
    )


#: NumPy templates ``f(t (n,), t0 (M,), width (M,), shape (M,)) -> (M, n)`` and kernel codes.
TEMPLATES: dict[str, tuple[Callable[..., np.ndarray], int]] = {
    "gaussian": (_gaussian, 0),
    "skew_gaussian": (_skew_gaussian, 1),
    "paczynski": (_paczynski, 2),
    "fred": (_fred, 3),
}


def template_values(
    model: str, t: np.ndarray, t0: np.ndarray, width: np.ndarray, shape: np.ndarray
) -> np.ndarray:
    """Unit-peak template values, shape (M, n), at times ``t`` (n,) for M parameter sets (days; the
    shape parameter is ignored by the Gaussian)."""
    return TEMPLATES[model][0](t, t0, width, shape)


def _divisor(model: str, shape: np.ndarray) -> np.ndarray:
    """The kernel's unit-peak divisor of each template (the NumPy templates apply it themselves)."""
    if model == "skew_gaussian":
        return np.interp(shape, SKEW_ALPHA, SKEW_PEAK)
    if model == "paczynski":
        return _paczynski_peak(shape)
    return np.ones(shape.size)


def template_sums(
    model: str,
    t: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    t0: np.ndarray,
    width: np.ndarray,
    shape: np.ndarray,
    method: Literal["fast", "slow"] = "fast",
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Weighted sums of M templates at n data points.

    Parameters
    ----------
    model : {"gaussian", "skew_gaussian", "paczynski", "fred"}
    t, y, w : ndarray, shape (n,)
        Times (days), residuals (mag) and weights (1/mag^2).
    t0, width, shape : ndarray, shape (M,)
        Peak time (days), width (days: Gaussian sigma, Paczynski tE, FRED decay time) and shape
        parameter of each template (any value for the Gaussian).
    method : {"fast", "slow"}
        Compiled kernel (O(M n) time, O(M) memory) or the NumPy reference on the (M, n) array.

    Returns
    -------
    swg, swgg, swgy, gmax : ndarray, shape (M,)
        ``sum w g``, ``sum w g^2``, ``sum w g y`` and ``max g`` of each template.
    """
    if model not in TEMPLATES:
        raise ValueError(f"unknown template {model!r}; expected one of {sorted(TEMPLATES)}")
    t, y, w, t0, width, shape = (
        np.ascontiguousarray(a, dtype=np.float64) for a in (t, y, w, t0, width, shape)
    )
    if method == "slow":
        g = template_values(model, t, t0, width, shape)
        return g @ w, (g * g) @ w, g @ (w * y), g.max(axis=1)
    if method != "fast":
        raise ValueError(f"method must be 'fast' or 'slow', got {method!r}")
    out = tuple(np.empty(t0.size) for _ in range(4))
    norm = np.ascontiguousarray(_divisor(model, shape))
    _kernel.template_sums(TEMPLATES[model][1], t, y, w, t0, width, shape, norm, *out)
    return out
