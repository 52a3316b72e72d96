"""Parameter axes of an injection grid: bin edges checked for the mistakes a config makes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Axis:
    """One axis of an injection grid, given by its bin edges.

    Trials of a cell draw the axis value uniformly between the cell's edges, or log-uniformly when
    ``log`` is set (durations, mass ratios: quantities spanning decades).

    Attributes
    ----------
    name : str
        Column name of the drawn value in the trial table (e.g. ``depth_mag``).
    edges : tuple of float
        Strictly increasing bin edges, at least two; positive when ``log``.
    log : bool
        Draw and take bin centres in log space.
    """

    name: str
    edges: tuple[float, ...]
    log: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "edges", check_edges(self.name, self.edges, positive=self.log))

    @property
    def n_bins(self) -> int:
        """Number of bins (``len(edges) - 1``)."""
        return len(self.edges) - 1

    @property
    def centres(self) -> np.ndarray:
        """Bin centres, shape (n_bins,): geometric means when ``log``, else midpoints."""
        e = np.asarray(self.edges)
        return np.sqrt(e[:-1] * e[1:]) if self.log else 0.5 * (e[:-1] + e[1:])

    def draw(self, rng: np.random.Generator, index: int) -> float:
        """A value inside bin ``index`` (uniform, or log-uniform when ``log``)."""
        lo, hi = self.edges[index], self.edges[index + 1]
        if self.log:
            return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
        return float(rng.uniform(lo, hi))

    def bin_of(self, values: np.ndarray) -> np.ndarray:
        """Bin index of each value, shape as ``values``; -1 outside ``[edges[0], edges[-1]]``."""
        values = np.asarray(values, dtype=float)
        index = np.searchsorted(self.edges, values, side="right") - 1
        index = np.where(values == self.edges[-1], self.n_bins - 1, index)
        inside = (values >= self.edges[0]) & (values <= self.edges[-1])
        return np.where(inside, index, -1)


def check_edges(name: str, edges: Sequence[float], *, positive: bool = False) -> tuple[float, ...]:
    """Validate bin edges and return them as a tuple of floats.

    Raises
    ------
    ValueError
        Fewer than two edges, non-finite edges, an empty range (equal edges), an inverted range
        (decreasing edges) or, with ``positive``, an edge <= 0; the message names the axis.
    """
    try:
        values = tuple(float(v) for v in edges)
    except TypeError:
        raise ValueError(f"{name}: bin edges must be a list of numbers, got {edges!r}") from None
    if len(values) < 2:
        raise ValueError(f"{name}: need at least two bin edges (one bin), got {list(values)}")
    if not all(np.isfinite(values)):
        raise ValueError(f"{name}: bin edges must be finite, got {list(values)}")
    steps = np.diff(values)
    if np.any(steps == 0):
        raise ValueError(f"{name}: empty range, repeated edge in {list(values)}")
    if np.any(steps < 0):
        raise ValueError(f"{name}: inverted range, edges must increase, got {list(values)}")
    if positive and values[0] <= 0:
        raise ValueError(f"{name}: a logarithmic axis needs edges > 0, got {list(values)}")
    return values


def check_range(name: str, bounds: Sequence[float], *, allow_equal: bool = True) -> tuple[float, float]:
    """Validate a (low, high) range; equal bounds mean a fixed value unless ``allow_equal`` is False."""
    try:
        low, high = (float(v) for v in bounds)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: need a (low, high) pair of numbers, got {bounds!r}") from None
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError(f"{name}: bounds must be finite, got {bounds!r}")
    if low > high:
        raise ValueError(f"{name}: inverted range, low {low} > high {high}")
    if low == high and not allow_equal:
        raise ValueError(f"{name}: empty range, low == high == {low}")
    return low, high
