"""Polynomial pieces of the anomaly templates for the scan's cell sums (``ext/anomaly_scan.pyx``).

A level of the scan grid has centres ``t0_j = first + j * step``. Cutting the season into *cells*
``[first + c * step, first + (c + 1) * step)`` puts every point of cell ``c`` at
``tau = (t - t0_j) / teff = (c - j + u) * delta`` from centre ``j``, with ``u`` in [0, 1) its place in
the cell and ``delta = step / teff`` the grid's ``t0_step``, the same for every centre and level. On
cell offset ``d = c - j`` a template is then one fixed function of ``u``, replaced here by a
polynomial of degree :data:`CELL_DEGREE`; a window's template sums become dot products of these
coefficients with the cell's moments ``sum w u**k`` and ``sum w r u**k`` (k <= degree), O(degree) per
cell instead of O(points). The templates are analytic with their nearest singularity at
``tau = +-i``; on a cell of width ``delta = 0.17`` Chebyshev interpolation of degree 8 is accurate to
about 1e-13 (:func:`max_cell_error` measures it).
"""

from __future__ import annotations

import numpy as np

#: Degree of the cell polynomials; ``ext/anomaly_scan.pyx`` holds the same value.
CELL_DEGREE = 8

#: Templates the cell tables hold, in the kernel's order, each shifted by 1 so that the variance over a
#: window is not a difference of large numbers: A0 - 1, (A0 - 1)**2, A1 - 1, (A1 - 1)**2.
CELL_FUNCTIONS = ("A0 - 1", "(A0 - 1)^2", "A1 - 1", "(A1 - 1)^2")


def shifted_templates(tau: np.ndarray) -> np.ndarray:
    """The four functions of :data:`CELL_FUNCTIONS` at ``tau``, shape (4,) + tau.shape."""
    q = 1.0 + np.asarray(tau, dtype=float) ** 2
    a0 = 1.0 / np.sqrt(q) - 1.0
    a1 = (q + 2.0) / np.sqrt(q * (q + 4.0)) - 1.0
    return np.stack([a0, a0 * a0, a1, a1 * a1])


def cell_offsets(delta: float, half_width: float) -> int:
    """Largest cell offset ``D`` a window ``|tau| < half_width`` can reach (tables cover ``-D..D``)."""
    return int(np.ceil(half_width / delta)) + 1


def cell_tables(delta: float, half_width: float, degree: int = CELL_DEGREE) -> np.ndarray:
    """Monomial coefficients in ``u`` of the four shifted templates on every cell offset.

    Parameters
    ----------
    delta : float
        Cell width in units of teff (the grid's ``t0_step``).
    half_width : float
        Window half-width in units of teff.
    degree : int

    Returns
    -------
    ndarray, shape (4, 2 D + 1, degree + 1)
        ``[f, d + D, k]``: coefficient of ``u**k`` of function ``f`` on offset ``d``
        (``D = cell_offsets(delta, half_width)``).
    """
    n_off = cell_offsets(delta, half_width)
    # Chebyshev interpolation at the first-kind nodes of [0, 1], then the same polynomials in powers of u.
    x = np.cos(np.pi * (np.arange(degree + 1) + 0.5) / (degree + 1))
    u = 0.5 * (x + 1.0)
    offsets = np.arange(-n_off, n_off + 1)
    values = shifted_templates((offsets[:, None] + u[None, :]) * delta)  # (4, 2D+1, degree+1)
    cheb = np.linalg.solve(np.polynomial.chebyshev.chebvander(x, degree), values.reshape(-1, degree + 1).T)
    to_powers = np.zeros((degree + 1, degree + 1))  # column k: T_k(2u - 1) in powers of u
    to_powers[0, 0] = 1.0
    if degree >= 1:
        to_powers[:2, 1] = [-1.0, 2.0]
    for k in range(2, degree + 1):  # T_k = 2 (2u - 1) T_{k-1} - T_{k-2}
        prev = to_powers[:, k - 1]
        to_powers[:, k] = -2.0 * prev - to_powers[:, k - 2]
        to_powers[1:, k] += 4.0 * prev[:-1]
    return (to_powers @ cheb).T.reshape(4, offsets.size, degree + 1)


def max_cell_error(delta: float, half_width: float, degree: int = CELL_DEGREE, samples: int = 257) -> float:
    """Largest absolute error of :func:`cell_tables` over every cell offset (``u`` in [0, 1])."""
    tables = cell_tables(delta, half_width, degree)
    n_off = (tables.shape[1] - 1) // 2
    u = np.linspace(0.0, 1.0, samples)
    powers = u[:, None] ** np.arange(degree + 1)
    worst = 0.0
    for i, d in enumerate(range(-n_off, n_off + 1)):
        exact = shifted_templates((d + u) * delta)
        approx = tables[:, i] @ powers.T
        worst = max(worst, float(np.max(np.abs(approx - exact))))
    return worst
