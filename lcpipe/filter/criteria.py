"""Filter criteria on the joined events table: one boolean ``pass_<name>`` column per criterion.

A source is a candidate when it passes at least one of four families (each family also needs the
common tests: the tag cuts and, when enabled, the bootstrap periodicity test):

- **dip** (dimming): ``dip_bayes_factor`` (Bayes factor above ``min_bayes_factor`` and finite
  per-point evidence), ``dip_runs`` (at least ``min_runs`` kept runs, the strongest with at least
  ``min_run_points`` points from ``min_run_cameras`` cameras -- or from every camera that observed
  during the run when fewer did, see :func:`required_run_cameras`), ``dip_amplitude`` (|event -
  baseline| > ``min_amplitude_mag``, written as ``dip_amplitude_mag``), ``dipper_score`` (dipper
  score above ``min_dipper_score``) and, optionally, ``dip_morphology`` (a non-constant profile beating
  the constant by ``min_morph_delta_bic``) and, with ``periodic_family``, ``not_periodic`` (the dip
  search's own periodicity test, column ``periodic``, see :mod:`lcpipe.dips.periodic`);
- **periodic** (with ``periodic_family``, the default): the dip family's tests except ``not_periodic``,
  plus ``periodic``: a periodic variable whose minima passed the dip tests is reported as its own
  family, not as a dipper;
- **jump** (brightening): the same tests on the ``jump_*`` columns, without the dipper score;
- **microlensing**: ``pspl_event`` (the PSPL stage's event selection and Δχ² ≥ ``min_pspl_dchi2``)
  and the anomaly tests ``anomaly_candidate``, ``anomaly_dchi2``, ``anomaly_score``,
  ``anomaly_n_eff``. By default a significant PSPL event is a candidate and the anomaly tests only
  decide its type (``microlensing_anomaly`` instead of ``microlensing``); with
  ``require_anomaly`` only anomalous events pass.

``candidate_type`` joins the families a candidate passes with ``+`` in the fixed order
``microlensing_anomaly``/``microlensing``, ``dip``, ``periodic``, ``jump`` (a PSPL event is also a
brightening, so ``microlensing+jump`` is common and says that the jump is explained by a lens).
``reject_reason`` lists, for a rejected source, every failed test that a family requires (comma
separated, column order; the ``periodic`` type test is never a reason); it is ``""`` for candidates.
A test whose input column is missing (its stage did not run) fails for every row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from lcpipe.filter.periodicity import PeriodicityOptions
from lcpipe.options import convert_nested, options_dict
from lcpipe.tables import flag_column


@dataclass(frozen=True)
class RunEventTests:
    """Tests of one Bayesian search (dips or jumps) of the dip branch.

    Attributes
    ----------
    enabled : bool
        Whether this family can make a candidate at all.
    min_bayes_factor : float
        The search's Bayes factor (linear, not log) must exceed this (> 0).
    require_finite_point_evidence : bool
        Also require a finite largest per-point log Bayes factor (an infinite one means a point
        the baseline model gives zero probability: a bad point, not an event).
    min_runs : int
        Minimum number of kept runs of triggered points.
    min_run_points : int
        Minimum triggered points in the strongest run.
    min_run_cameras : int
        Minimum distinct cameras in the strongest run ...
    run_cameras_follow_coverage : bool
        ... but only as many as observed during the run when fewer did (column
        ``<kind>_run_cameras_observing``): a run on a night only one camera looked is judged on that
        camera. False: always ``min_run_cameras``.
    min_amplitude_mag : float
        The event amplitude ``|event - baseline|`` must exceed this (mag); see
        :func:`event_amplitude` for which estimate is used.
    morphology : bool
        Apply the morphology test (off by default).
    min_morph_delta_bic : float
        Morphology test: the strongest run's profile must beat the constant by more than this BIC.
    """

    enabled: bool = True
    min_bayes_factor: float = 10.0
    require_finite_point_evidence: bool = True
    min_runs: int = 1
    min_run_points: int = 2
    min_run_cameras: int = 2
    run_cameras_follow_coverage: bool = True
    min_amplitude_mag: float = 0.1
    morphology: bool = False
    min_morph_delta_bic: float = 10.0

    def __post_init__(self) -> None:
        if not self.min_bayes_factor > 0:
            raise ValueError(
                f"min_bayes_factor must be > 0 (a linear Bayes factor), got {self.min_bayes_factor}"
            )
        if min(self.min_runs, self.min_run_points, self.min_run_cameras) < 0 or self.min_amplitude_mag < 0:
            raise ValueError("run thresholds and min_amplitude_mag must be >= 0")


@dataclass(frozen=True)
class DipTests(RunEventTests):
    """Tests of the dip search: :class:`RunEventTests` plus the dipper score.

    Attributes
    ----------
    min_dipper_score : float or None
        The dipper score S must exceed this (None switches the test off). The default 0 asks for
        at least one valid (wide and deep) dip; S is 0 without one. On the demo survey S spans
        several decades for noise and real dips alike, so a higher threshold mostly costs recall.
    """

    min_dipper_score: float | None = 0.0


@dataclass(frozen=True)
class MicrolensingTests:
    """Tests of the microlensing branch.

    Attributes
    ----------
    enabled : bool
        Whether this family can make a candidate at all.
    min_pspl_dchi2 : float
        Minimum PSPL chi-square improvement over a constant (on top of the PSPL stage's own
        event selection, ``pspl_is_event``).
    require_anomaly : bool
        Only events whose anomaly tests pass are candidates (default: every PSPL event is, typed
        ``microlensing_anomaly`` when the anomaly tests pass).
    min_anomaly_dchi2 : float
        Minimum Δχ² of the best accepted anomaly cluster.
    min_anomaly_score : float
        Minimum score of that cluster (robust sigmas above its season's reference clusters).
    min_anomaly_n_eff : float
        Minimum effective number of points contributing to it.
    """

    enabled: bool = True
    min_pspl_dchi2: float = 300.0
    require_anomaly: bool = False
    min_anomaly_dchi2: float = 60.0
    min_anomaly_score: float = 5.0
    min_anomaly_n_eff: float = 3.0


@dataclass(frozen=True)
class FilterOptions:
    """Every setting of the filter (config section ``filter``); nested sections may be dicts.

    Attributes
    ----------
    require_passed_tags : bool
        Common test ``tags``: the source passed the tag cuts (span, cadence, cameras).
    dips : DipTests
    jumps : RunEventTests
    microlensing : MicrolensingTests
    periodicity : PeriodicityOptions
        Common test ``periodicity`` (off by default): reject sources whose light curve is
        significantly periodic (bootstrap Lomb-Scargle false-alarm probability).
    periodic_family : bool
        Report dip candidates that the dip search found periodic (column ``periodic``) as the
        ``periodic`` family instead of the dip family. False: ignore the column.
    ltv_family : bool
        The ``ltv`` family: sources the LTV search flagged (``ltv_candidate``: a slope, season
        difference or state change, see ``ltv_pass_*`` and ``ltv_reason``), when the events table has
        the LTV stage's columns.
    """

    require_passed_tags: bool = True
    periodic_family: bool = True
    ltv_family: bool = True
    dips: DipTests = field(default_factory=DipTests)
    jumps: RunEventTests = field(default_factory=RunEventTests)
    microlensing: MicrolensingTests = field(default_factory=MicrolensingTests)
    periodicity: PeriodicityOptions = field(default_factory=PeriodicityOptions)

    def __post_init__(self) -> None:
        convert_nested(self)

    def to_dict(self) -> dict[str, Any]:
        """Plain nested dict of every setting (for provenance)."""
        return options_dict(self)


def _column(events: pd.DataFrame, name: str) -> pd.Series:
    """Numeric column as float (missing column: all NaN)."""
    if name not in events:
        return pd.Series(np.nan, index=events.index, dtype=float)
    return pd.to_numeric(events[name], errors="coerce").astype(float)


def event_amplitude(events: pd.DataFrame, kind: str) -> pd.Series:
    """Amplitude |event - baseline| (mag) of the strongest run of a dip-branch search.

    The peak of the run's morphology profile (``<kind>_morph_amplitude``) when a profile was
    accepted, else the mixture model's best event offset (``<kind>_best_offset``). The profile is
    preferred because the mixture grid of event magnitudes ends near the residuals' 95th
    percentile plus half their 5-95 range, so for a short event (a few per cent of the points) the
    best offset is capped well below the event's depth.
    """
    model = events[f"{kind}_morph_model"].astype(object) if f"{kind}_morph_model" in events else None
    shaped = (
        model.notna() & ~model.isin(["", "constant"])
        if model is not None
        else pd.Series(False, index=events.index)
    )
    return (
        _column(events, f"{kind}_morph_amplitude").where(shaped, _column(events, f"{kind}_best_offset")).abs()
    )


def run_event_tests(events: pd.DataFrame, kind: str, tests: RunEventTests) -> dict[str, pd.Series]:
    """The ``pass_*`` columns of one dip-branch search (``kind`` is ``dip`` or ``jump``).

    Parameters
    ----------
    events : DataFrame
        Joined events table (columns ``<kind>_log_bf``, ``<kind>_max_point_log_bf``, ...).
    kind : {"dip", "jump"}
    tests : RunEventTests or DipTests

    Returns
    -------
    dict of str to Series of bool
        Test name (without ``pass_``) → result per row, in evaluation order.
    """
    log_bf = _column(events, f"{kind}_log_bf")
    evidence = log_bf > np.log(tests.min_bayes_factor)
    if tests.require_finite_point_evidence:
        evidence &= np.isfinite(_column(events, f"{kind}_max_point_log_bf"))
    out = {
        f"{kind}_bayes_factor": evidence,
        f"{kind}_runs": (_column(events, f"{kind}_n_runs") >= tests.min_runs)
        & (_column(events, f"{kind}_run_points") >= tests.min_run_points)
        & (_column(events, f"{kind}_run_cameras") >= required_run_cameras(events, kind, tests)),
        f"{kind}_amplitude": event_amplitude(events, kind) > tests.min_amplitude_mag,
    }
    if isinstance(tests, DipTests) and tests.min_dipper_score is not None:
        out["dipper_score"] = _column(events, "dipper_score") > tests.min_dipper_score
    if tests.morphology:
        model = events.get(f"{kind}_morph_model", pd.Series("", index=events.index)).fillna("")
        out[f"{kind}_morphology"] = (
            (model.astype(str) != "constant")
            & (model.astype(str) != "")
            & (_column(events, f"{kind}_morph_delta_bic") > tests.min_morph_delta_bic)
        )
    return out


def required_run_cameras(events: pd.DataFrame, kind: str, tests: RunEventTests) -> pd.Series:
    """Cameras the strongest run needs: ``min_run_cameras``, or with ``run_cameras_follow_coverage``
    the number that observed during the run (``<kind>_run_cameras_observing``) when that is smaller,
    and at least 1. A table without that column (an older dip stage) gets ``min_run_cameras``."""
    strict = pd.Series(float(tests.min_run_cameras), index=events.index)
    column = f"{kind}_run_cameras_observing"
    if not tests.run_cameras_follow_coverage or column not in events:
        return strict
    observing = _column(events, column).fillna(tests.min_run_cameras)
    return np.minimum(strict, observing.clip(lower=1.0))


def microlensing_tests(events: pd.DataFrame, tests: MicrolensingTests) -> dict[str, pd.Series]:
    """The ``pass_*`` columns of the microlensing branch (``pspl_event`` and the anomaly tests)."""
    return {
        "pspl_event": flag_column(events, "pspl_is_event")
        & (_column(events, "pspl_dchi2_const") >= tests.min_pspl_dchi2),
        "anomaly_candidate": flag_column(events, "anomaly_has_candidate"),
        "anomaly_dchi2": _column(events, "anomaly_best_dchi2") >= tests.min_anomaly_dchi2,
        "anomaly_score": _column(events, "anomaly_best_score") >= tests.min_anomaly_score,
        "anomaly_n_eff": _column(events, "anomaly_best_n_eff") >= tests.min_anomaly_n_eff,
    }


#: Tests that the microlensing family needs only when ``require_anomaly`` is set.
ANOMALY_TESTS: tuple[str, ...] = ("anomaly_candidate", "anomaly_dchi2", "anomaly_score", "anomaly_n_eff")

#: Type labels of the families, in the order they appear in ``candidate_type``.
FAMILY_ORDER: tuple[str, ...] = ("microlensing", "dip", "periodic", "jump", "ltv")

#: Tests that only type a candidate and are never given as a reject reason.
TYPE_TESTS: tuple[str, ...] = ("periodic",)


@dataclass(frozen=True)
class FilterResult:
    """Outcome of :func:`apply_filter`.

    Attributes
    ----------
    table : DataFrame
        The events table with every ``pass_*`` column, ``family_dip``, ``family_periodic``,
        ``family_jump``, ``family_microlensing``, ``family_ltv``, ``is_candidate``, ``candidate_type``
        and ``reject_reason``.
    family_tests : dict of str to tuple of str
        The tests (names without ``pass_``) each family requires, common tests included.
    """

    table: pd.DataFrame
    family_tests: dict[str, tuple[str, ...]]

    @property
    def candidates(self) -> pd.DataFrame:
        """Rows passing at least one family."""
        return self.table.loc[self.table["is_candidate"]].reset_index(drop=True)

    @property
    def rejected(self) -> pd.DataFrame:
        """Rows passing no family (with ``reject_reason``)."""
        return self.table.loc[~self.table["is_candidate"]].reset_index(drop=True)


PeriodicityFunc = Callable[[pd.DataFrame], pd.DataFrame]


def apply_filter(
    events: pd.DataFrame, options: FilterOptions, periodicity: PeriodicityFunc | None = None
) -> FilterResult:
    """Run every configured test on a joined events table.

    Parameters
    ----------
    events : DataFrame
        One row per source (see :mod:`lcpipe.stages.join`); may be empty.
    options : FilterOptions
    periodicity : callable, optional
        Needed when ``options.periodicity.enabled``: maps the rows that pass some family on every
        other test to a DataFrame with the same index and columns ``periodicity_status``,
        ``periodicity_period``, ``periodicity_power`` and ``periodicity_fap`` (see
        :func:`lcpipe.filter.periodicity.periodicity_table`). Rows it is not asked about pass.

    Returns
    -------
    FilterResult

    Raises
    ------
    ValueError
        Periodicity enabled without a ``periodicity`` function.
    """
    table = events.copy()
    for kind in ("dip", "jump"):
        table[f"{kind}_amplitude_mag"] = event_amplitude(table, kind)
    tests: dict[str, pd.Series] = {}
    common = ["tags"] if options.require_passed_tags else []
    if options.require_passed_tags:
        tests["tags"] = flag_column(table, "tag_passed_tags")
    families: dict[str, list[str]] = {}
    for kind, section in (("dip", options.dips), ("jump", options.jumps)):
        results = run_event_tests(table, kind, section)
        tests.update(results)
        if section.enabled:
            families[kind] = [*common, *results]
    if options.periodic_family and options.dips.enabled:
        tests["periodic"] = flag_column(table, "periodic")
        tests["not_periodic"] = ~tests["periodic"]
        families["periodic"] = [*families["dip"], "periodic"]
        families["dip"].append("not_periodic")
    if options.ltv_family and "ltv_candidate" in table:
        tests["ltv"] = flag_column(table, "ltv_candidate")
        families["ltv"] = [*common, "ltv"]
    ml = microlensing_tests(table, options.microlensing)
    tests.update(ml)
    if options.microlensing.enabled:
        required = [name for name in ml if options.microlensing.require_anomaly or name not in ANOMALY_TESTS]
        families["microlensing"] = [*common, *required]
    if options.periodicity.enabled:
        if periodicity is None:
            raise ValueError("periodicity test enabled but no periodicity function given")
        before = _families_pass(tests, families, table.index)
        asked = table.loc[np.logical_or.reduce([before[f] for f in families] or [np.zeros(len(table), bool)])]
        found = periodicity(asked)
        for column in found.columns:
            table[column] = found[column].reindex(table.index)
        is_periodic = pd.Series(False, index=table.index)
        is_periodic.loc[found.index] = _column(found, "periodicity_fap") < options.periodicity.max_fap
        tests["periodicity"] = ~is_periodic
        families = {name: [*required_tests, "periodicity"] for name, required_tests in families.items()}
    for name, result in tests.items():
        table[f"pass_{name}"] = result.to_numpy(dtype=bool)
    passed = _families_pass(tests, families, table.index)
    for family in FAMILY_ORDER:
        table[f"family_{family}"] = passed.get(family, pd.Series(False, index=table.index)).to_numpy(
            dtype=bool
        )
    table["is_candidate"] = table[[f"family_{f}" for f in FAMILY_ORDER]].any(axis=1)
    table["candidate_type"] = _candidate_types(table, tests)
    table["reject_reason"] = _reject_reasons(table, tests, families)
    return FilterResult(table, {name: tuple(names) for name, names in families.items()})


def _families_pass(
    tests: Mapping[str, pd.Series], families: Mapping[str, list[str]], index: pd.Index
) -> dict[str, pd.Series]:
    out = {}
    for family, names in families.items():
        ok = pd.Series(True, index=index)
        for name in names:
            ok &= tests[name]
        out[family] = ok
    return out


def _candidate_types(table: pd.DataFrame, tests: Mapping[str, pd.Series]) -> pd.Series:
    anomalous = np.logical_and.reduce([tests[name].to_numpy(bool) for name in ANOMALY_TESTS])
    ml_label = np.where(anomalous, "microlensing_anomaly", "microlensing")
    parts = [
        np.where(table["family_microlensing"], ml_label, ""),
        np.where(table["family_dip"], "dip", ""),
        np.where(table["family_periodic"], "periodic", ""),
        np.where(table["family_jump"], "jump", ""),
        np.where(table["family_ltv"], "ltv", ""),
    ]
    return pd.Series(
        ["+".join(p for p in row if p) for row in zip(*parts, strict=True)], index=table.index, dtype=object
    )


def _reject_reasons(
    table: pd.DataFrame, tests: Mapping[str, pd.Series], families: Mapping[str, list[str]]
) -> pd.Series:
    required = [
        name for name in tests if name not in TYPE_TESTS and any(name in names for names in families.values())
    ]
    failed = pd.DataFrame({name: ~tests[name].to_numpy(bool) for name in required}, index=table.index)
    reasons = [
        ",".join(name for name, bad in zip(required, row, strict=True) if bad)
        for row in failed.itertuples(index=False)
    ]
    out = pd.Series(reasons if required else [""] * len(table), index=table.index, dtype=object)
    if not families:
        out[:] = "no_family_enabled"
    return out.where(~table["is_candidate"], "")
