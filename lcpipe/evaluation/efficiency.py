"""Efficiency tables from trial tables: cubes over every axis, marginals, and the value at which a
given efficiency is reached (e.g. the dip depth at 50% efficiency per duration).

Every trial table carries, for each axis ``x``, the column ``x_bin`` (the cell index the plan drew it
in) and two booleans: recovered after the injection and recovered on the same light curve before it
(the host's own detection in the same window). The *net* efficiency, after minus before, is what the
injection added.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from lcpipe.evaluation.axes import Axis

#: Columns of every efficiency table besides the axis columns.
EFFICIENCY_COLUMNS = (
    "n_trials",
    "n_failed",
    "n_after",
    "n_before",
    "efficiency",
    "efficiency_before",
    "net_efficiency",
    "efficiency_err",
)


def _axis_columns(axis: Axis, index: np.ndarray) -> dict[str, np.ndarray]:
    edges = np.asarray(axis.edges)
    return {
        f"{axis.name}_bin": index,
        f"{axis.name}_lo": edges[index],
        f"{axis.name}_hi": edges[index + 1],
        f"{axis.name}_centre": axis.centres[index],
    }


def _axis_names(axis: Axis) -> tuple[str, ...]:
    return tuple(f"{axis.name}_{suffix}" for suffix in ("bin", "lo", "hi", "centre"))


def efficiency_table(
    trials: pd.DataFrame,
    axes: Sequence[Axis],
    *,
    after: str = "recovered_after",
    before: str = "recovered_before",
) -> pd.DataFrame:
    """Efficiency in every cell of the grid spanned by ``axes`` (all cells, empty ones with n = 0).

    Parameters
    ----------
    trials : DataFrame
        Trial table with ``<axis>_bin`` for each axis, ``status`` and the boolean columns ``after``
        and ``before``. Trials whose status is not ``ok`` count in ``n_failed`` only.
    axes : sequence of Axis
        The axes to keep (others are pooled): all of them give the cube, one gives a marginal.
    after, before : str
        Recovery columns after and before the injection.

    Returns
    -------
    DataFrame
        One row per cell, in C order of ``axes``: per axis ``<name>_bin``, ``_lo``, ``_hi``,
        ``_centre``; then :data:`EFFICIENCY_COLUMNS`. ``efficiency_err`` is the binomial standard
        error ``sqrt(p (1 - p) / n)`` of the after efficiency; fractions are NaN in empty cells.
    """
    if not axes:
        raise ValueError("efficiency_table: need at least one axis")
    dims = tuple(axis.n_bins for axis in axes)
    cells = np.array(np.unravel_index(np.arange(int(np.prod(dims))), dims)).T
    out = pd.DataFrame(
        {k: v for j, axis in enumerate(axes) for k, v in _axis_columns(axis, cells[:, j]).items()}
    )
    bins = np.stack([trials[f"{axis.name}_bin"].to_numpy(dtype=np.int64) for axis in axes])
    code = np.ravel_multi_index(bins, dims) if len(trials) else np.empty(0, dtype=np.int64)
    ok = trials["status"].to_numpy() == "ok"

    def count(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        w = None if weights is None else weights[mask].astype(float)
        return np.bincount(code[mask], weights=w, minlength=len(out)).astype(np.int64)

    out["n_trials"] = count(ok)
    out["n_failed"] = count(~ok)
    out["n_after"] = count(ok, trials[after].to_numpy(dtype=bool))
    out["n_before"] = count(ok, trials[before].to_numpy(dtype=bool))
    n = out["n_trials"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p_after = np.where(n > 0, out["n_after"] / n, np.nan)
        p_before = np.where(n > 0, out["n_before"] / n, np.nan)
        out["efficiency"] = p_after
        out["efficiency_before"] = p_before
        out["net_efficiency"] = p_after - p_before
        out["efficiency_err"] = np.where(n > 0, np.sqrt(p_after * (1.0 - p_after) / n), np.nan)
    return out[[c for c in out.columns if c not in EFFICIENCY_COLUMNS] + list(EFFICIENCY_COLUMNS)]


def threshold_crossing(
    x: np.ndarray, efficiency: np.ndarray, level: float, *, log: bool
) -> tuple[float, str]:
    """Where an efficiency curve first reaches ``level``, interpolated between bin centres.

    Parameters
    ----------
    x : ndarray, shape (K,)
        Increasing bin centres.
    efficiency : ndarray, shape (K,)
        Efficiency per bin (NaN bins are skipped).
    level : float
        Efficiency to reach, in (0, 1).
    log : bool
        Interpolate in log x.

    Returns
    -------
    value : float
        The interpolated x; for ``below_grid`` the smallest centre (an upper bound), for
        ``above_grid`` the largest (a lower bound), NaN for ``no_trials``.
    status : str
        ``ok``, ``below_grid`` (already reached at the smallest x), ``above_grid`` (never reached) or
        ``no_trials``.
    """
    keep = np.isfinite(efficiency)
    x, eff = np.asarray(x, dtype=float)[keep], np.asarray(efficiency, dtype=float)[keep]
    if x.size == 0:
        return float("nan"), "no_trials"
    if eff[0] >= level:
        return float(x[0]), "below_grid"
    reached = np.flatnonzero(eff >= level)
    if reached.size == 0:
        return float(x[-1]), "above_grid"
    k = int(reached[0])
    u = (np.log(x[k - 1 : k + 1]) if log else x[k - 1 : k + 1]).astype(float)
    frac = (level - eff[k - 1]) / (eff[k] - eff[k - 1])
    value = u[0] + frac * (u[1] - u[0])
    return float(np.exp(value) if log else value), "ok"


def value_at_efficiency(
    trials: pd.DataFrame,
    x_axis: Axis,
    group_axes: Sequence[Axis],
    *,
    level: float = 0.5,
    column: str = "net_efficiency",
    after: str = "recovered_after",
    before: str = "recovered_before",
) -> pd.DataFrame:
    """The ``x_axis`` value at which ``column`` first reaches ``level``, per cell of ``group_axes``.

    For dips: ``x_axis`` = depth and ``group_axes`` = (duration,) gives the depth at 50% efficiency
    versus duration (magnitudes pooled); adding the magnitude axis gives one curve per slice.

    Returns
    -------
    DataFrame
        Per group cell its axis columns, then ``<x>_at_efficiency`` (see :func:`threshold_crossing`),
        ``crossing`` (its status), ``level`` and ``n_trials``.
    """
    if not 0.0 < level < 1.0:
        raise ValueError(f"value_at_efficiency: level must be in (0, 1), got {level}")
    table = efficiency_table(trials, [*group_axes, x_axis], after=after, before=before)
    keys = [f"{axis.name}_bin" for axis in group_axes]
    rows = []
    for _, cell in table.groupby(keys, sort=True) if keys else [((), table)]:
        cell = cell.sort_values(f"{x_axis.name}_bin")
        value, status = threshold_crossing(
            cell[f"{x_axis.name}_centre"].to_numpy(), cell[column].to_numpy(), level, log=x_axis.log
        )
        row = {c: cell[c].iloc[0] for axis in group_axes for c in _axis_names(axis)}
        row.update(
            {
                f"{x_axis.name}_at_efficiency": value,
                "crossing": status,
                "level": level,
                "n_trials": int(cell["n_trials"].sum()),
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)
