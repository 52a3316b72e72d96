"""Which light curves are LTV candidates: a significant slope, season-to-season difference or state change."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class LTVSelection:
    """Thresholds of the three LTV criteria (each needs both its size and its significance).

    Attributes
    ----------
    min_seasons : int
        Fewest seasons with a median; below it no criterion passes.
    min_abs_slope : float
        Smallest ``|slope|`` (mag/yr).
    min_slope_significance : float
        Smallest ``|slope| / slope_err`` (scaled errors).
    min_season_diff : float
        Smallest largest-season difference (mag).
    min_season_diff_significance : float
        Smallest significance of that difference.
    min_abs_step : float
        Smallest ``|step|`` beyond the linear trend (mag).
    min_step_significance : float
        Smallest ``|step| / step_err`` (scaled errors).
    """

    min_seasons: int = 3
    min_abs_slope: float = 0.01
    min_slope_significance: float = 5.0
    min_season_diff: float = 0.1
    min_season_diff_significance: float = 5.0
    min_abs_step: float = 0.05
    min_step_significance: float = 5.0


def _passes(value: Any, threshold: float) -> bool:
    """``value >= threshold`` for a finite value (False for NaN or missing)."""
    return value is not None and bool(np.isfinite(value)) and float(value) >= threshold


def select(features: Mapping[str, Any], selection: LTVSelection) -> dict[str, Any]:
    """``pass_slope``, ``pass_season_diff``, ``pass_state_change``, ``ltv_candidate`` and ``ltv_reason``.

    Parameters
    ----------
    features : mapping
        Output of :func:`lcpipe.ltv.features.ltv_features` (a row that is not ``ok`` passes nothing).
    selection : LTVSelection

    Returns
    -------
    dict
        The pass flags, whether any passed, and ``ltv_reason``: the criteria passed joined by ``;``, or
        why none did (``status:<status>``, ``few_seasons``, ``quiet``).
    """
    ok = features.get("status") == "ok"
    enough = ok and _passes(features.get("n_seasons"), selection.min_seasons)
    slope = (
        enough
        and _passes(abs(features.get("slope", np.nan)), selection.min_abs_slope)
        and _passes(features.get("slope_significance"), selection.min_slope_significance)
    )
    season = (
        enough
        and _passes(features.get("season_diff"), selection.min_season_diff)
        and _passes(features.get("season_diff_significance"), selection.min_season_diff_significance)
    )
    step = (
        enough
        and _passes(abs(features.get("step", np.nan)), selection.min_abs_step)
        and _passes(features.get("step_significance"), selection.min_step_significance)
    )
    passed = [
        name for name, flag in (("slope", slope), ("season_diff", season), ("state_change", step)) if flag
    ]
    if passed:
        reason = ";".join(passed)
    elif not ok:
        reason = f"status:{features.get('status')}"
    else:
        reason = "quiet" if enough else "few_seasons"
    return {
        "pass_slope": bool(slope),
        "pass_season_diff": bool(season),
        "pass_state_change": bool(step),
        "ltv_candidate": bool(passed),
        "ltv_reason": reason,
    }
