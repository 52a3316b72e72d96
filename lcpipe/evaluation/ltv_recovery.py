"""LTV recovery and false alarms on demo-survey photometry with per-camera zero-point offsets.

Trials (:func:`ltv_trials`): linear trends over slope x magnitude, state changes over step size x
magnitude, and quiet stars (the nulls), each a fresh demo-survey light curve
(:func:`lcpipe.simulate.long_term.long_term_light_curve`: its cameras, offsets, error scales, bad points)
measured by :func:`lcpipe.ltv.features.ltv_features` and flagged by :func:`lcpipe.ltv.selection.select`.
Every trial seeds its own generator from ``(seed, trial number)``, so a table is reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from lcpipe.ltv.features import LTVOptions, ltv_features
from lcpipe.ltv.selection import select
from lcpipe.simulate.long_term import LongTermSignal, long_term_light_curve, quiet_star
from lcpipe.simulate.survey_options import SurveySimOptions


@dataclass(frozen=True)
class LTVInjectionOptions:
    """The LTV injection grid.

    Attributes
    ----------
    mags : tuple of float
        Mean magnitudes of the hosts (V).
    slopes : tuple of float
        ``|slope|`` of the linear trends (mag/yr); the sign is drawn (fade or brightening).
    steps : tuple of float
        ``|step|`` of the state changes (mag), at a time drawn in the middle 60 % of the span.
    trials_per_cell : int
        Trials per (value, magnitude).
    n_null : int
        Quiet stars (magnitudes drawn uniformly between the extremes of ``mags``).
    seed : int
        Base seed.
    """

    mags: tuple[float, ...] = (12.25, 12.75, 13.25)
    slopes: tuple[float, ...] = (0.005, 0.01, 0.02, 0.05, 0.1)
    steps: tuple[float, ...] = (0.02, 0.05, 0.1, 0.2, 0.5)
    trials_per_cell: int = 20
    n_null: int = 1000
    seed: int = 20261201


def _signal(rng: np.random.Generator, kind: str, value: float, survey: SurveySimOptions) -> LongTermSignal:
    """The injected signal of one trial (``value``: |slope| or |step|)."""
    sign = float(rng.choice([-1.0, 1.0]))
    middle = survey.jd_start + 0.5 * survey.span_days
    if kind == "linear":
        return LongTermSignal("linear", {"slope": sign * value, "t_ref": middle})
    if kind == "step":
        t_step = survey.jd_start + rng.uniform(0.2, 0.8) * survey.span_days
        return LongTermSignal("step", {"step": sign * value, "t_step": t_step, "duration": 20.0})
    return LongTermSignal("quiet")


def _grid(options: LTVInjectionOptions) -> list[tuple[str, float, float | None]]:
    """(kind, value, magnitude or None for the nulls) of every trial, in trial order."""
    cells = [("linear", s, m) for s in options.slopes for m in options.mags]
    cells += [("step", s, m) for s in options.steps for m in options.mags]
    trials: list[tuple[str, float, float | None]] = [c for c in cells for _ in range(options.trials_per_cell)]
    return trials + [("quiet", 0.0, None)] * options.n_null


def ltv_trials(
    options: LTVInjectionOptions, ltv: LTVOptions, survey: SurveySimOptions | None = None
) -> pd.DataFrame:
    """Run every trial of the grid.

    Parameters
    ----------
    options : LTVInjectionOptions
    ltv : LTVOptions
        The LTV stage's options (features and selection).
    survey : SurveySimOptions, optional
        The demo survey (default: the demo's defaults).

    Returns
    -------
    DataFrame
        One row per trial: ``trial``, ``kind`` (linear, step, quiet), ``value`` (|slope| mag/yr or |step|
        mag), ``injected`` (signed), ``mag``, ``status``, ``slope``, ``slope_significance``, ``step``,
        ``season_diff``, ``n_groups``, ``offset_range`` and the selection flags.
    """
    survey = survey or SurveySimOptions()
    rows: list[dict[str, Any]] = []
    low, high = min(options.mags), max(options.mags)
    for trial, (kind, value, mag) in enumerate(_grid(options)):
        rng = np.random.default_rng([options.seed, trial])
        host_mag = float(rng.uniform(low, high)) if mag is None else mag
        signal = _signal(rng, kind, value, survey)
        lc = long_term_light_curve(rng, survey, quiet_star(rng, survey, host_mag, trial), signal)
        features = ltv_features(lc, ltv)
        injected = signal.params.get("slope", signal.params.get("step", 0.0))
        keep = ("status", "slope", "slope_significance", "step", "season_diff", "n_groups", "offset_range")
        rows.append({
            "trial": trial, "kind": kind, "value": value, "injected": injected, "mag": host_mag,
            **{k: features.get(k, np.nan) for k in keep}, **select(features, ltv.selection),
        })  # fmt: skip
    return pd.DataFrame(rows)


def recovery_table(trials: pd.DataFrame) -> pd.DataFrame:
    """Recovered fraction per (kind, value, magnitude) of the injected trials.

    Returns
    -------
    DataFrame
        ``kind``, ``value``, ``mag``, ``n``, ``recovered`` (fraction flagged as an LTV candidate) and
        ``by_own_criterion`` (fraction passing the criterion of the kind: pass_slope for linear,
        pass_state_change for step).
    """
    injected = trials[trials["kind"] != "quiet"].copy()
    own = np.where(injected["kind"] == "linear", injected["pass_slope"], injected["pass_state_change"])
    injected["own"] = own.astype(float)
    injected["candidate"] = injected["ltv_candidate"].astype(float)
    grouped = injected.groupby(["kind", "value", "mag"], sort=True)
    table = grouped.agg(
        n=("trial", "size"), recovered=("candidate", "mean"), by_own_criterion=("own", "mean")
    )
    return table.reset_index()


def false_alarm_table(trials: pd.DataFrame) -> pd.DataFrame:
    """False alarms among the quiet stars: ``n``, ``false_alarms`` and ``rate`` overall and per criterion."""
    quiet = trials[trials["kind"] == "quiet"]
    out = [{"criterion": "any", "n": len(quiet), "false_alarms": int(quiet["ltv_candidate"].sum())}]
    for name in ("pass_slope", "pass_season_diff", "pass_state_change"):
        out.append({"criterion": name, "n": len(quiet), "false_alarms": int(quiet[name].sum())})
    table = pd.DataFrame(out)
    table["rate"] = table["false_alarms"] / table["n"].clip(lower=1)
    return table
