"""The filter stage of one bin: events.parquet → candidates.parquet + rejected.parquet."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from lcpipe.filter.criteria import FilterOptions, FilterResult, apply_filter
from lcpipe.filter.periodicity import periodicity_table
from lcpipe.stages.provenance import stage_provenance
from lcpipe.tables import read_table, write_table

logger = logging.getLogger(__name__)


def filter_events(
    events: pd.DataFrame,
    options: FilterOptions,
    read: Mapping[str, Any] | None = None,
    cleaning: Mapping[str, Any] | None = None,
    light_curves: Sequence[str | Path] | None = None,
) -> FilterResult:
    """Apply the filter to a joined events table, loading light curves only for the periodicity test.

    Parameters
    ----------
    events : DataFrame
        One row per source (:func:`lcpipe.stages.join.join_stage_tables`).
    options : FilterOptions
    read, cleaning : mapping, optional
        Reader and cleaning options for the periodicity test's light curves.
    light_curves : sequence of path-like, optional
        The bin's packed light curves (``shards/lightcurves_<k>.parquet``); each row's file is read when
        None.

    Returns
    -------
    FilterResult
    """
    periodicity = partial(
        periodicity_table,
        options=options.periodicity,
        read=read,
        cleaning=cleaning,
        light_curves=light_curves,
    )
    return apply_filter(events, options, periodicity if options.periodicity.enabled else None)


def family_counts(result: FilterResult) -> str:
    """One log line: candidates per family and the most common rejection reasons."""
    table = result.table
    families = ", ".join(
        f"{f.removeprefix('family_')} {int(table[f].sum())}" for f in table if f.startswith("family_")
    )
    top = result.rejected["reject_reason"].value_counts().head(3)
    reasons = "; ".join(f"{reason or '-'}: {n}" for reason, n in top.items())
    return (
        f"{int(table['is_candidate'].sum())}/{len(table)} candidates ({families}); top rejections: {reasons}"
    )


def write_filtered(
    events_path: str | Path,
    candidates_path: str | Path,
    rejected_path: str | Path,
    *,
    options: Mapping[str, Any] | FilterOptions,
    read: Mapping[str, Any] | None = None,
    cleaning: Mapping[str, Any] | None = None,
    light_curves: Sequence[str | Path] | None = None,
) -> FilterResult:
    """Filter one bin's events table and write the candidates and rejected tables atomically.

    Parameters
    ----------
    events_path : path-like
        ``results/<bin>/events.parquet``.
    candidates_path, rejected_path : path-like
        Outputs: survivors, and the rest with ``reject_reason``; both keep every ``pass_*`` column.
    options : mapping or FilterOptions
        The ``filter`` config section.
    read, cleaning : mapping, optional
        Reader and cleaning options (periodicity test only).
    light_curves : sequence of path-like, optional
        The bin's packed light curves (periodicity test only).

    Returns
    -------
    FilterResult
    """
    opts = options if isinstance(options, FilterOptions) else FilterOptions(**options)
    result = filter_events(read_table(events_path), opts, read, cleaning, light_curves)
    provenance = stage_provenance("filter", opts.to_dict(), [events_path])
    write_table(result.candidates, candidates_path, provenance)
    write_table(result.rejected, rejected_path, provenance)
    logger.info("filter: %s", family_counts(result))
    return result
