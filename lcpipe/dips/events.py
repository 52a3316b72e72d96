"""Per-light-curve dip/jump detection: clean, baseline, evidence, triggers, runs, morphology, score.

`detect_events` turns one `LightCurve` into one flat result row (a dict of scalars) and never raises
for bad data: the row's ``status`` says what happened (``ok``, ``no_points``, ``too_few_points``,
``bad_errors``, ``constant_magnitudes``, ``fit_failed``) and every number is defined (NaN only where
it has no meaning, e.g. the morphology of a run that does not exist).

Which points count: the quality policy (error ceiling ``max_err``, the reader's ``good`` flag,
saturation, duplicates) is the cleaning step's, :class:`lcpipe.io.cleaning.CleaningOptions` (config
section ``cleaning``, one key per rule), applied by :func:`lcpipe.io.load_clean` before the search, as
every stage does; pass a light curve through it (or :func:`lcpipe.io.cleaning.clean_lightcurve`) first.
The search itself only drops points it cannot use (:mod:`lcpipe.dips.points`): a non-finite time,
magnitude or error, ``err <= 0``, a magnitude outside ``mag_range`` (sentinels such as 99.99). The
SkyPatrol reader marks quality G and U good and B bad, and ``cleaning.require_good: false`` keeps B as
well (the reference pipeline's policy). On the 28 real curves of the validation set, with the reference's
posterior trigger G alone flags 24, G+U 26, G+U+B 26; with the default log-BF trigger G+U flags 28
(docs/dips_validation.md).

Baseline groups are the pair (data set, band): a camera that changed filter has a different zero point in
each band, and the data set is the camera unless the reader named a survey or observer column.

Beyond the Bayesian dip and jump searches a row carries the periodicity test of every curve with dip
evidence (dip log Bayes factor at least ``min_log_bf``, whether or not a run was kept; folded on the
triggered dip points, or on every point without any: :mod:`lcpipe.dips.periodic`, columns
``periodic``, ``period``, ``period_fap`` ...) and the strongest long fade
(:mod:`lcpipe.dips.fades`: ``fade_*``), and each search's strongest run says how many camera groups
observed while it lasted (``*_run_cameras_observing``), so the filter can ask for several cameras only
when several were looking.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

import numpy as np

from lcpipe.dips.baseline import BaselineOptions, fit_baseline, robust_sigma
from lcpipe.dips.dipper_score import DipperScoreOptions, dipper_score
from lcpipe.dips.fades import FadeOptions, find_fade
from lcpipe.dips.mixture import band_evidence
from lcpipe.dips.morphology import classify_run, morphology_window
from lcpipe.dips.periodic import PeriodicOptions, PeriodicResult, periodic_test
from lcpipe.dips.points import UsablePoints, usable_points, zero_point_offsets
from lcpipe.dips.trigger import Run, TriggerOptions, cameras_observing, find_runs, trigger_statistic
from lcpipe.lightcurve import LightCurve
from lcpipe.options import convert_nested

#: Statuses a row can carry and what they mean.
DIP_STATUSES: dict[str, str] = {
    "ok": "detection ran",
    "no_points": "the light curve has no points at all",
    "bad_errors": "too few points left because the magnitude errors are zero, negative or non-finite",
    "too_few_points": "fewer than min_points usable points after cleaning",
    "constant_magnitudes": "every usable magnitude is identical (no information; detection skipped)",
    "fit_failed": "a numerical step failed (linear algebra); values are NaN",
}

_NESTED = {
    "baseline": BaselineOptions,
    "trigger": TriggerOptions,
    "score": DipperScoreOptions,
    "periodic": PeriodicOptions,
    "fade": FadeOptions,
}


@dataclass(frozen=True)
class DipOptions:
    """All settings of the dip branch (reference defaults); nested options may be given as dicts.

    Attributes
    ----------
    baseline : BaselineOptions
    trigger : TriggerOptions
    score : DipperScoreOptions
    periodic : PeriodicOptions
        Periodicity test of light curves with dip evidence (columns ``periodic``, ``period``, ...).
    fade : FadeOptions
        Long-fade search (columns ``fade_*``).
    mag_range : tuple of float
        Usable magnitudes (drops sentinels such as 99.99). The error ceiling is ``cleaning.max_err``.
    group_by_band : bool
        Baseline groups are (data set, band) pairs when True, data set labels alone when False. The data
        set is ``LightCurve.dataset``: the camera unless the reader was given a data-set column (survey,
        observer, telescope), so each camera, survey or observer gets its own zero point.
    mixture_per_band : bool
        Fit the mixture model of each search in each band on its own (own grid, offset and weight;
        :func:`lcpipe.dips.mixture.band_evidence`); False fits every band together.
    min_points : int
        Fewer usable points gives status ``too_few_points``.
    min_log_bf : float
        ``*_significant`` needs a natural-log Bayes factor of at least this and at least one kept run.
    morphology_pad : int
        Points added on each side of a run for its morphology fit ...
    morphology_pad_durations : float
        ... or, for the strongest run (the one reported), its extent along the wings widened by this
        many durations on each side when that reaches farther: the wings of an event (a Paczynski
        curve's, a flare's decay) lie outside the run of triggered points.
    min_delta_bic : float
        A morphology model must beat the running best BIC by more than this.
    max_morphology_runs : int
        Morphology is fitted for at most this many runs (strongest first) per search.
    """

    baseline: BaselineOptions = field(default_factory=BaselineOptions)
    trigger: TriggerOptions = field(default_factory=TriggerOptions)
    score: DipperScoreOptions = field(default_factory=DipperScoreOptions)
    periodic: PeriodicOptions = field(default_factory=PeriodicOptions)
    fade: FadeOptions = field(default_factory=FadeOptions)
    mag_range: tuple[float, float] = (-5.0, 30.0)
    group_by_band: bool = True
    mixture_per_band: bool = True
    min_points: int = 10
    min_log_bf: float = float(np.log(10.0))
    morphology_pad: int = 5
    morphology_pad_durations: float = 2.0
    min_delta_bic: float = 10.0
    max_morphology_runs: int = 20

    def __post_init__(self) -> None:
        convert_nested(self)
        object.__setattr__(self, "mag_range", tuple(float(v) for v in self.mag_range))
        if self.min_points < 3 or min(self.morphology_pad, self.morphology_pad_durations) < 0:
            raise ValueError("min_points must be >= 3, morphology_pad and morphology_pad_durations >= 0")

    def to_dict(self) -> dict[str, Any]:
        """Plain nested dict of every setting (for provenance)."""
        return {
            f.name: asdict(v) if f.name in _NESTED else v
            for f in fields(self)
            if (v := getattr(self, f.name)) is not None
        }


def clean_points(lc: LightCurve, options: DipOptions) -> UsablePoints:
    """The usable points of ``lc`` under ``options`` (:func:`lcpipe.dips.points.usable_points`)."""
    return usable_points(lc, options.mag_range, options.group_by_band, options.min_points)


#: Columns of one search (``dip_*`` or ``jump_*``) in table order, with their value when not measured.
SEARCH_COLUMNS: dict[str, Any] = {
    "significant": False,
    **dict.fromkeys(("log_bf", "best_p", "best_offset", "best_mag", "max_point_log_bf"), np.nan),
    **dict.fromkeys(("n_triggered", "n_runs", "run_points", "run_cameras", "run_cameras_observing"), 0),
    **dict.fromkeys(("run_duration", "run_t_start", "run_sum", "run_max"), np.nan),
    "morph_model": "",
    **dict.fromkeys(
        ("morph_delta_bic", "morph_width", "morph_amplitude", "morph_t0", "morph_symmetry"), np.nan
    ),
    "n_shaped_runs": 0,
}
#: Periodicity and long-fade columns in table order, with their value when not measured.
EXTRA_COLUMNS: dict[str, Any] = {
    "periodic": False,
    **dict.fromkeys(("period", "period_fap", "period_power", "period_fold_fraction"), np.nan),
    "fade_significant": False,
    **dict.fromkeys(("fade_depth", "fade_t_start", "fade_duration", "fade_sigma"), np.nan),
    "fade_n_bins": 0,
    "fade_at_end": False,
    "fade_band": "",
}


def _prefixed(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    return {f"{kind}_{name}": value for name, value in values.items()}


def _search(
    kind: Literal["dip", "jump"],
    c: UsablePoints,
    resid: np.ndarray,
    sigma: np.ndarray,
    base_mag: float,
    opt: DipOptions,
) -> tuple[dict[str, Any], np.ndarray]:
    """Evidence, runs and morphology of one search, and its triggered points (shape (N,), bool)."""
    row = dict(SEARCH_COLUMNS)
    mix = band_evidence(resid, sigma, c.band if opt.mixture_per_band else np.zeros(resid.size), kind)
    triggered, stat = trigger_statistic(mix.point_log_bf, mix.event_prob, opt.trigger)
    runs = find_runs(c.time, triggered, stat, c.group, opt.trigger)
    row.update(
        significant=bool(runs) and mix.log_bf >= opt.min_log_bf,
        log_bf=mix.log_bf,
        best_p=mix.best_p,
        best_offset=mix.best_offset,
        best_mag=base_mag + mix.best_offset,
        max_point_log_bf=float(np.max(mix.point_log_bf)),
        n_triggered=int(triggered.sum()),
        n_runs=len(runs),
    )
    if not runs:
        return _prefixed(kind, row), triggered
    ranked = sorted(runs, key=lambda r: r.trigger_sum, reverse=True)
    shapes = [
        _run_morphology(run, kind, c, resid, sigma, opt, wide=k == 0)
        for k, run in enumerate(ranked[: opt.max_morphology_runs])
    ]
    top, shape = ranked[0], shapes[0]
    row.update(
        run_points=top.n_points,
        run_cameras=top.n_cameras,
        run_cameras_observing=cameras_observing(c.time, c.group, top, opt.trigger.min_gap_days),
        run_duration=top.duration,
        run_t_start=top.t_start,
        run_sum=top.trigger_sum,
        run_max=top.trigger_max,
        morph_model=shape.model,
        morph_delta_bic=shape.delta_bic,
        morph_width=shape.width,
        morph_amplitude=shape.amplitude,
        morph_t0=shape.t0,
        morph_symmetry=shape.symmetry,
        n_shaped_runs=sum(s.model != "constant" for s in shapes),
    )
    return _prefixed(kind, row), triggered


def _extras(
    c: UsablePoints, dip_log_bf: float, triggered: np.ndarray, dip_duration: float, opt: DipOptions
) -> dict[str, Any]:
    """Periodicity (curves with dip evidence, log BF >= min_log_bf) and long-fade columns."""
    out = dict(EXTRA_COLUMNS)
    y = zero_point_offsets(c.mag, c.group)
    if opt.periodic.enabled and (opt.periodic.test_all or dip_log_bf >= opt.min_log_bf):
        p: PeriodicResult = periodic_test(
            c.time, y, c.err, c.band, triggered, opt.periodic, exclusion_days=dip_duration
        )
        out.update(
            periodic=p.periodic,
            period=p.period,
            period_fap=p.fap,
            period_power=p.power,
            period_fold_fraction=p.fold_fraction,
        )
    if opt.fade.enabled:
        fade = find_fade(c.time, y, c.err, c.band, opt.fade, group=c.group)
        out.update(_prefixed("fade", asdict(fade)))
    return out


def _run_morphology(run: Run, kind, c: UsablePoints, resid, sigma, opt: DipOptions, wide: bool):
    """Morphology of one run: the strongest (``wide``) in its full window, the others +- the pad points."""
    if wide:
        z = (resid / sigma) * (1.0 if kind == "dip" else -1.0)
        lo, hi = morphology_window(c.time, z, c.group, run, opt.morphology_pad, opt.morphology_pad_durations)
    else:
        lo, hi = max(run.first - opt.morphology_pad, 0), min(run.last + opt.morphology_pad + 1, c.time.size)
    return classify_run(c.time[lo:hi], resid[lo:hi], sigma[lo:hi], kind, opt.min_delta_bic)


def detect_events(lc: LightCurve, options: DipOptions) -> dict[str, Any]:
    """Run the dip branch on one light curve.

    Parameters
    ----------
    lc : LightCurve
        A cleaned light curve (:func:`lcpipe.io.load_clean`; see the module docstring).
    options : DipOptions

    Returns
    -------
    dict
        One flat row: ``source_id``, ``status``, counts (``n_points`` used, ``n_dropped``,
        ``n_cameras``, ``n_fallback_cameras``), ``time_span`` and ``cadence`` (median Delta t, days),
        ``baseline_mag`` (median baseline), ``baseline_method``, ``robust_sigma``; for ``dip`` and ``jump``:
        ``*_significant``, ``*_log_bf`` (natural log), ``*_best_p``, ``*_best_offset`` (mag, event minus
        baseline), ``*_best_mag``, ``*_max_point_log_bf``, ``*_n_triggered``, ``*_n_runs`` and the
        strongest run's ``*_run_points``, ``*_run_cameras``, ``*_run_duration``, ``*_run_t_start``,
        ``*_run_sum``, ``*_run_max`` and morphology ``*_morph_model``, ``*_morph_delta_bic``,
        ``*_morph_width`` (FWHM, days), ``*_morph_amplitude``, ``*_morph_t0``, ``*_morph_symmetry``,
        ``*_n_shaped_runs``, ``*_run_cameras_observing``; ``periodic``, ``period`` (days),
        ``period_fap``, ``period_power``, ``period_fold_fraction`` (:mod:`lcpipe.dips.periodic`);
        ``fade_significant``, ``fade_depth`` (mag), ``fade_t_start``, ``fade_duration`` (days),
        ``fade_sigma``, ``fade_n_bins``, ``fade_at_end``, ``fade_band`` (:mod:`lcpipe.dips.fades`); and
        ``dipper_score``, ``dipper_log10_score``, ``dipper_n_events``, ``dipper_n_valid``.
    """
    c = clean_points(lc, options)
    n = c.time.size
    row: dict[str, Any] = {
        "source_id": lc.source_id,
        "status": c.status,
        "n_points": n,
        "n_dropped": c.n_dropped,
        "n_cameras": int(np.unique(c.group).size),
        "n_fallback_cameras": 0,
        "time_span": float(c.time[-1] - c.time[0]) if n else np.nan,
        "cadence": float(np.median(np.diff(c.time))) if n > 1 else np.nan,
        "baseline_mag": float(np.median(c.mag)) if n else np.nan,
        "baseline_method": options.baseline.method,
        "robust_sigma": np.nan,
        **_prefixed("dip", SEARCH_COLUMNS),
        **_prefixed("jump", SEARCH_COLUMNS),
        **EXTRA_COLUMNS,
        "dipper_score": np.nan,
        "dipper_log10_score": np.nan,
        "dipper_n_events": 0,
        "dipper_n_valid": 0,
    }
    if c.status != "ok":
        return row
    try:
        base = fit_baseline(c.time, c.mag, c.err, c.group, options.baseline)
    except np.linalg.LinAlgError:
        row["status"] = "fit_failed"
        return row
    resid = c.mag - base.mag
    base_mag = float(np.median(base.mag))
    row.update(
        {
            "n_fallback_cameras": base.n_fallback_groups,
            "baseline_mag": base_mag,
            "robust_sigma": robust_sigma(resid),
        }
    )
    dip_row, dip_points = _search("dip", c, resid, base.sigma_eff, base_mag, options)
    row.update(dip_row)
    row.update(_search("jump", c, resid, base.sigma_eff, base_mag, options)[0])
    duration = float(np.nan_to_num(dip_row["dip_run_duration"]))
    row.update(_extras(c, float(dip_row["dip_log_bf"]), dip_points, duration, options))
    score = dipper_score(c.time, resid, base.sigma_eff, options.score)
    row.update(
        {
            "dipper_score": score.score,
            "dipper_log10_score": score.log10_score,
            "dipper_n_events": score.n_events,
            "dipper_n_valid": score.n_valid,
        }
    )
    return row
