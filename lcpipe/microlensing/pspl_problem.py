"""The data of one PSPL fit: cleaned points, normalised fluxes, per-group sums and parameter bounds."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from lcpipe.kernels.pspl import Projection, project, projected_sums
from lcpipe.microlensing.coarse import bin_in_time

if TYPE_CHECKING:
    from lcpipe.microlensing.pspl import PSPLOptions


def clean_points(
    time: np.ndarray,
    flux: np.ndarray,
    flux_err: np.ndarray,
    group: np.ndarray | None = None,
    labels: bool = False,
) -> tuple:
    """Keep finite points with positive errors, time-sorted, and code their groups.

    Parameters
    ----------
    time, flux, flux_err : array_like, shape (N,)
    group : array_like, shape (N,), optional
        Group (camera) label of each point, any hashable values; one group when omitted.
    labels : bool
        Also return the label of each group code (a seventh item, ndarray of shape (K,), as str).

    Returns
    -------
    time, flux, flux_err : ndarray, shape (M,)
        Kept points in time order.
    group : ndarray, shape (M,), int64
        Group codes ``0 .. K-1`` of the kept points, 0 the group with the most points (ties: the first
        label in sorted order), then by decreasing size.
    n_rejected : int
        ``N - M``.
    n_bad_errors : int
        Points with finite time and flux rejected only for their error.

    Raises
    ------
    ValueError
        If the inputs are not 1-D arrays of equal length.
    """
    t = np.asarray(time, dtype=float)
    f = np.asarray(flux, dtype=float)
    e = np.asarray(flux_err, dtype=float)
    g = np.zeros(t.shape, np.int64) if group is None else np.asarray(group)
    if t.ndim != 1 or t.shape != f.shape or t.shape != e.shape or g.shape != t.shape:
        raise ValueError(
            "time, flux, flux_err (and group) must be 1-D of equal length, got "
            f"{t.shape}, {f.shape}, {e.shape}, {g.shape}"
        )
    finite_tf = np.isfinite(t) & np.isfinite(f)
    good_err = np.isfinite(e) & (e > 0)
    keep = finite_tf & good_err
    order = np.argsort(t[keep], kind="stable")
    n_bad_errors = int(np.count_nonzero(finite_tf & ~good_err))
    labels_found, codes, counts = np.unique(g[keep][order], return_inverse=True, return_counts=True)
    rank = np.empty(labels_found.size, np.int64)
    rank[np.argsort(-counts, kind="stable")] = np.arange(labels_found.size)
    out = (
        t[keep][order],
        f[keep][order],
        e[keep][order],
        rank[codes.reshape(-1)].astype(np.int64),
        int(t.size - order.size),
        n_bad_errors,
    )
    if not labels:
        return out
    by_code = np.empty(labels_found.size, dtype=object)
    by_code[rank] = labels_found
    return (*out, by_code.astype(str))


def weighted_means(f: np.ndarray, e: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Inverse-variance weighted mean of each group, shape (n_groups,); weights relative to the smallest
    error (no overflow)."""
    w = (np.min(e) / e) ** 2
    return np.bincount(group, w * f, n_groups) / np.bincount(group, w, n_groups)


class Problem:
    """Normalised data and parameter bounds of one fit; evaluates the projected problem at ``theta``.

    Fluxes are centred on their group's weighted mean and divided by one robust scale (weights scaled to
    match), which keeps the sums well conditioned whatever the flux unit; chi-square is unchanged.
    """

    def __init__(
        self,
        t: np.ndarray,
        f: np.ndarray,
        w: np.ndarray,
        group: np.ndarray,
        n_groups: int,
        lower: np.ndarray,
        upper: np.ndarray,
    ):
        self.t, self.f, self.w, self.group, self.n_groups = t, f, w, group, n_groups
        self.lower, self.upper = lower, upper
        self.own_fs = np.zeros(n_groups, bool)
        self.sw = np.bincount(group, w, n_groups)
        self.sf = np.bincount(group, w * f, n_groups)
        self.sff = np.bincount(group, w * f * f, n_groups)

    @classmethod
    def from_data(
        cls,
        t: np.ndarray,
        f: np.ndarray,
        e: np.ndarray,
        group: np.ndarray,
        options: PSPLOptions,
        per_group_scale: bool = False,
    ) -> Problem:
        n_groups = int(group.max()) + 1
        means = weighted_means(f, e, group, n_groups)
        centred = f - means[group]
        if per_group_scale:  # independent flux units: each group on its own robust scale
            scale = np.array([robust_scale(centred[group == k]) for k in range(n_groups)])
        else:
            scale = np.full(n_groups, robust_scale(centred))
        margin = options.t0_margin * float(t[-1] - t[0])
        lower = np.array([t[0] - margin, np.log(options.tE_min), -options.u0_max])
        upper = np.array([t[-1] + margin, np.log(options.tE_max), options.u0_max])
        problem = cls(t, centred / scale[group], (scale[group] / e) ** 2, group, n_groups, lower, upper)
        problem.means, problem.scale = means, scale
        return problem

    def binned(self, width: float) -> Problem:
        """The same problem on weighted means in time bins of ``width`` days, within each group."""
        parts = []
        # One group: a view, not three copies of the light curve per start.
        selections = [slice(None)] if self.n_groups == 1 else [self.group == k for k in range(self.n_groups)]
        for k, sel in enumerate(selections):
            tb, fb, wb = bin_in_time(self.t[sel], self.f[sel], self.w[sel], width)
            parts.append((tb, fb, wb, np.full(tb.size, k, np.int64)))
        tb, fb, wb, gb = (np.concatenate(column) for column in zip(*parts, strict=True))
        binned = Problem(tb, fb, wb, gb, self.n_groups, self.lower, self.upper)
        binned.own_fs = self.own_fs
        return binned

    def survey_groups(self) -> np.ndarray:
        """Points of the groups that span at least half the time range (survey cameras, not follow-up
        of the event alone), shape (N,) bool; the coarse search runs on these."""
        span = float(self.t[-1] - self.t[0])
        first = np.full(self.n_groups, np.inf)
        last = np.full(self.n_groups, -np.inf)
        np.minimum.at(first, self.group, self.t)
        np.maximum.at(last, self.group, self.t)
        wide = (last - first) >= 0.5 * span
        wide[0] = True  # the reference group always
        return wide[self.group]

    def evaluate(self, theta: np.ndarray) -> Projection | None:
        """The projected problem at ``theta = (t0, ln tE, u0)`` (None where it is degenerate)."""
        sums = projected_sums(self.t, self.f, self.w, theta, self.group)
        return project(sums, self.sw, self.sf, self.sff, self.own_fs)

    def clip(self, theta: np.ndarray) -> np.ndarray:
        return np.clip(theta, self.lower, self.upper)


def robust_scale(centred: np.ndarray) -> float:
    """Median absolute value of centred fluxes (their maximum when that is 0; 1 for constant data)."""
    scale = float(np.median(np.abs(centred))) if centred.size else 0.0
    scale = scale if scale > 0 else float(np.max(np.abs(centred), initial=0.0))
    return scale if scale > 0 else 1.0
