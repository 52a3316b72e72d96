"""The anomaly search of one candidate as the scan stage stored it, ready for the microlensing figures.

No refit and no rescan: the PSPL solution comes from the candidate's ``pspl_*`` columns (``t0``, ``tE``,
``u0``, the reference data set's ``fs`` and ``fb``), the points from
:func:`lcpipe.microlensing.fit_input.fit_input` of its light curve, and the clusters from the bin's
``anomaly_clusters`` side table (sources whose best cluster reached ``anomaly.clusters_min_dchi2``) or,
for the others, from the row's ``best_*`` / ``top_*`` columns with the template's amplitude and offset
solved linearly in its window (the analytic template of :func:`lcpipe.kernels.anomaly_scan.template_values`).

Data sets other than the reference one get the source and blend fluxes of the fit's linear step at the
stored solution (:func:`stored_fit`); errors are scaled by the factors in ``error_scales``
(``label=factor,...``), else by ``error_scale``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from lcpipe.kernels.anomaly_scan import template_values
from lcpipe.lightcurve import LightCurve
from lcpipe.microlensing.fit_input import fit_input
from lcpipe.microlensing.magnification import pspl_magnification
from lcpipe.microlensing.pspl_problem import clean_points
from lcpipe.microlensing.pspl_result import PSPLFit, failed_fit
from lcpipe.microlensing.result import CLUSTER_COLUMNS

#: Columns of a row a stored search needs.
PSPL_COLUMNS = ("pspl_t0", "pspl_tE", "pspl_u0", "pspl_fs", "pspl_fb")


@dataclass(frozen=True)
class StoredSearch:
    """What the microlensing figures draw (the attributes of :class:`~lcpipe.microlensing.result.
    AnomalyResult` they read), rebuilt from stored results.

    Attributes
    ----------
    status : str
        The scan stage's status.
    fit : PSPLFit
        The stored solution (arrays: the points on the reference data set's flux scale).
    time, flux, flux_err, residuals : ndarray, shape (N,)
        Time-sorted points, errors after the stored error factors, and flux minus model.
    clusters : DataFrame
        Cluster table (:data:`~lcpipe.microlensing.result.CLUSTER_COLUMNS`).
    best, top : int or None
        Rows of ``clusters`` of the best candidate and of the largest cluster.
    has_candidate : bool
        The stored verdict.
    """

    status: str
    fit: PSPLFit
    time: np.ndarray = field(repr=False)
    flux: np.ndarray = field(repr=False)
    flux_err: np.ndarray = field(repr=False)
    residuals: np.ndarray = field(repr=False)
    clusters: pd.DataFrame = field(repr=False)
    best: int | None
    top: int | None
    has_candidate: bool


def _number(row: Mapping[str, Any], name: str) -> float:
    try:
        return float(row.get(name, np.nan))
    except (TypeError, ValueError):
        return np.nan


def _group_factors(row: Mapping[str, Any], labels: np.ndarray) -> np.ndarray:
    """Error factor of each data set (K,): from ``error_scales`` when it names them, else ``error_scale``."""
    overall = _number(row, "error_scale")
    factors = np.full(labels.size, overall if np.isfinite(overall) and overall > 0 else 1.0)
    named = {}
    for part in str(row.get("error_scales") or "").split(","):
        name, _, value = part.rpartition("=")
        if name:
            named[name] = float(value)
    for k, label in enumerate(labels):
        if str(label) in named and np.isfinite(named[str(label)]) and named[str(label)] > 0:
            factors[k] = named[str(label)]
    return factors


def _own_flux_groups(
    t: np.ndarray,
    g: np.ndarray,
    n_groups: int,
    values: Mapping[str, float],
    row: Mapping[str, Any],
    min_points: int,
) -> np.ndarray:
    """Which data sets have their own source flux (K,) bool, the reference one (0) always: those with at
    least ``min_points`` magnified points (``u < 1``), the fit's rule; when that disagrees with the row's
    ``pspl_n_own_flux``, that many groups with the most magnified points."""
    u = np.hypot(values["pspl_u0"], (t - values["pspl_t0"]) / values["pspl_tE"])
    magnified = np.bincount(g, u < 1.0, n_groups)
    own = magnified >= max(min_points, 1)
    own[0] = True
    n_own = _number(row, "pspl_n_own_flux")
    if np.isfinite(n_own) and int(n_own) != int(own.sum()):
        ranked = 1 + np.argsort(-magnified[1:], kind="stable")
        own[:] = False
        own[0] = True
        own[ranked[: max(int(n_own) - 1, 0)]] = True
    return own


def _linear_fluxes(a: np.ndarray, f: np.ndarray, w: np.ndarray, fs: float | None) -> tuple[float, float]:
    """Weighted least-squares ``(fs, fb)`` of ``f = fs * a + fb`` (``fs`` given: ``fb`` alone)."""
    if fs is not None:
        return fs, float(np.sum(w * (f - fs * a)) / np.sum(w))
    sw, sa, sf = np.sum(w), np.sum(w * a), np.sum(w * f)
    saa, saf = np.sum(w * a * a), np.sum(w * a * f)
    det = sw * saa - sa * sa
    return float((sw * saf - sa * sf) / det), float((saa * sf - sa * saf) / det)


def stored_fit(
    lc: LightCurve, row: Mapping[str, Any], own_flux_min_points: int
) -> tuple[PSPLFit, np.ndarray]:
    """The stored PSPL solution of ``row`` with ``lc``'s points, and the error factor of each point.

    The reference data set's source and blend flux are the stored ones; every other data set's are the
    weighted least-squares solution at the stored ``(t0, tE, u0)`` (what the fit's linear step gives),
    with its own source flux when it had one (:func:`_own_flux_groups`, ``own_flux_min_points`` the
    PSPL option), else the shared one. Fluxes and errors are brought onto the reference flux scale as
    the fit does.

    Raises
    ------
    ValueError
        When a ``pspl_*`` column is missing or not finite (names them).
    """
    values = {name: _number(row, name) for name in PSPL_COLUMNS}
    bad = [name for name, value in values.items() if not np.isfinite(value)]
    if bad:
        raise ValueError(f"no stored PSPL solution: {', '.join(bad)} missing or not finite")
    data = fit_input(lc)
    t, f, e, g, n_rejected, _, labels = clean_points(
        data.time, data.flux, data.flux_err, data.dataset, labels=True
    )
    t0, te, u0, fs, fb = values.values()
    a = pspl_magnification(t, t0, te, u0)
    w = 1.0 / e**2
    n_groups = max(labels.size, 1)
    own = _own_flux_groups(t, g, n_groups, values, row, own_flux_min_points)
    fs_groups, fb_groups = np.full(n_groups, fs), np.full(n_groups, fb)
    for k in range(1, n_groups):
        mine = g == k
        fs_groups[k], fb_groups[k] = _linear_fluxes(a[mine], f[mine], w[mine], None if own[k] else fs)
    ratio = fs / fs_groups[g]
    fit = replace(
        failed_fit("ok", t, (f - fb_groups[g]) * ratio + fb, e * np.abs(ratio), n_rejected, group=g),
        t0=t0, tE=te, u0=u0, fs=fs, fb=fb, status="ok", fs_groups=fs_groups, fb_groups=fb_groups,
        group_labels=labels, n_own_flux=int(own.sum()), own_flux=own,
    )  # fmt: skip
    return fit, _group_factors(row, labels)[g]


def _template_fit(tau: np.ndarray, y: np.ndarray, w: np.ndarray, template: int) -> tuple[float, float, float]:
    """Weighted least squares of ``y = amplitude * A_template(tau) + offset``: (amplitude, offset, chi2)."""
    shape = template_values(template, tau)
    design = np.stack([shape, np.ones_like(shape)], axis=1) * np.sqrt(w)[:, None]
    (amplitude, offset), *_ = np.linalg.lstsq(design, y * np.sqrt(w), rcond=None)
    return float(amplitude), float(offset), float(np.sum(w * (y - amplitude * shape - offset) ** 2))


def _window_cluster(
    fit: PSPLFit,
    err: np.ndarray,
    residuals: np.ndarray,
    row: Mapping[str, Any],
    prefix: str,
    half_width: float,
) -> dict[str, Any] | None:
    """A cluster row from the row's ``<prefix>t0``, ``teff``, ``dchi2`` (and ``template`` when stored,
    else the template that fits better): the template's amplitude and offset and the flat level solved
    by weighted least squares in its window ``|t - t0| < half_width * teff``."""
    t0, teff = _number(row, f"{prefix}t0"), _number(row, f"{prefix}teff")
    inside = np.abs(fit.time - t0) < half_width * teff
    if not (np.isfinite(t0) and np.isfinite(teff) and teff > 0 and inside.sum() >= 2):
        return None
    w, y, tau = 1.0 / err[inside] ** 2, residuals[inside], (fit.time[inside] - t0) / teff
    stored = _number(row, f"{prefix}template")
    choices = [int(stored)] if stored in (0.0, 1.0) else [0, 1]
    fits = {template: _template_fit(tau, y, w, template) for template in choices}
    template = min(fits, key=lambda k: fits[k][2])
    cluster = dict.fromkeys(CLUSTER_COLUMNS, np.nan)
    cluster.update(
        season=-1, t0=t0, teff=teff, dchi2=_number(row, f"{prefix}dchi2"), template=template,
        amplitude=fits[template][0], offset=fits[template][1], flat_level=float(np.sum(w * y) / np.sum(w)),
        accepted=prefix == "best_", reject_reason="" if prefix == "best_" else "stored row",
    )  # fmt: skip
    return cluster


def _find(clusters: pd.DataFrame, t0: float, teff: float) -> int | None:
    if not (len(clusters) and np.isfinite(t0) and np.isfinite(teff)):
        return None
    hit = np.flatnonzero(
        np.isclose(clusters["t0"], t0, rtol=0, atol=1e-9) & np.isclose(clusters["teff"], teff)
    )
    return int(hit[0]) if hit.size else None


def stored_search(
    lc: LightCurve,
    row: Mapping[str, Any],
    clusters: pd.DataFrame | None,
    half_width: float,
    own_flux_min_points: int,
) -> StoredSearch:
    """The candidate's search from stored results.

    Parameters
    ----------
    lc : LightCurve
        Its light curve, cleaned as the PSPL stage read it.
    row : mapping
        Its vetted-table row (``pspl_*``, ``best_*``, ``top_*``, ``error_scale(s)``, ``has_candidate``).
    clusters : DataFrame or None
        Its rows of the bin's ``anomaly_clusters`` table (None or empty when none were stored).
    half_width : float
        The scan's window half width in units of ``teff`` (``anomaly.scan.window_half_width``).
    own_flux_min_points : int
        The PSPL option of that name (which data sets had their own source flux).

    Raises
    ------
    ValueError
        When the row holds no PSPL solution.
    """
    fit, factor = stored_fit(lc, row, own_flux_min_points)
    err = fit.flux_err * factor
    residuals = fit.flux - fit.model_flux(fit.time)
    if clusters is not None and len(clusters):
        table = clusters.reset_index(drop=True)
    else:
        made = [_window_cluster(fit, err, residuals, row, p, half_width) for p in ("best_", "top_")]
        unique = {(c["t0"], c["teff"]): c for c in made if c is not None}
        table = pd.DataFrame(list(unique.values()), columns=list(CLUSTER_COLUMNS))
    best = _find(table, _number(row, "best_t0"), _number(row, "best_teff"))
    top = _find(table, _number(row, "top_t0"), _number(row, "top_teff"))
    verdict = row.get("has_candidate", False)
    return StoredSearch(
        str(row.get("status", "ok")), fit, fit.time, fit.flux, err, residuals, table, best, top,
        isinstance(verdict, bool | np.bool_) and bool(verdict),
    )  # fmt: skip
