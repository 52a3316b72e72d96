"""Characterize and vetting stages (after_detection.smk): candidates → characterized → vetted, never failing.

The libraries (:func:`lcpipe.characterize.characterize`, :func:`lcpipe.vetting.vet`) already turn bad
rows into statuses (NaN coordinates, no match, duplicates, an unreachable archive). What remains is a
catalog file that cannot be used at all (missing, unreadable, required columns absent): here that is
logged with the library's message, the bin is processed as if no catalog were configured, and the
status column says ``catalog_error`` instead of ``no_catalog`` so that nobody mistakes it for a choice.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from lcpipe.characterize.candidates import CharacterizeOptions, characterize
from lcpipe.characterize.catalog import CatalogFileError
from lcpipe.stages.provenance import stage_provenance
from lcpipe.tables import read_table, write_table
from lcpipe.vetting.candidates import VettingOptions, vet

logger = logging.getLogger(__name__)

#: Status written when the configured catalog file could not be used.
CATALOG_ERROR = "catalog_error"


def characterize_candidates(candidates: pd.DataFrame, options: CharacterizeOptions) -> pd.DataFrame:
    """:func:`~lcpipe.characterize.characterize`, with an unusable catalog file as ``gaia_status``.

    Returns
    -------
    DataFrame
        The library's output; when the catalog file is unusable, ``gaia_status`` is
        ``catalog_error`` wherever it would have been ``no_catalog`` and the error is logged.
    """
    return _without_unusable_catalog(
        characterize, candidates, options, "catalog", "gaia_status", "characterize"
    )


def vet_candidates(candidates: pd.DataFrame, options: VettingOptions) -> pd.DataFrame:
    """:func:`~lcpipe.vetting.vet`, with an unusable VSX-style file as ``vsx_status`` ``catalog_error``."""
    return _without_unusable_catalog(vet, candidates, options, "vsx", "vsx_status", "vetting")


def _without_unusable_catalog(
    run: Callable[[pd.DataFrame, Any], pd.DataFrame],
    candidates: pd.DataFrame,
    options: Any,
    catalog_field: str,
    status_column: str,
    stage: str,
) -> pd.DataFrame:
    """``run(candidates, options)``; when the file in ``options.<catalog_field>`` is unusable, the error
    is logged and the run repeated without it, ``no_catalog`` statuses becoming ``catalog_error``."""
    try:
        return run(candidates, options)
    except CatalogFileError as exc:
        logger.error("%s: %s; candidates get %s=%s", stage, exc, status_column, CATALOG_ERROR)
        out = run(candidates, dataclasses.replace(options, **{catalog_field: None}))
        out.loc[out[status_column] == "no_catalog", status_column] = CATALOG_ERROR
        return out


def _counts(table: pd.DataFrame, column: str) -> str:
    if table.empty:
        return "no candidates"
    return ", ".join(f"{k} {v}" for k, v in table[column].value_counts().items())


def write_characterized(
    candidates_path: str | Path, output: str | Path, *, options: Mapping[str, Any]
) -> pd.DataFrame:
    """Characterize one bin's candidates table and write ``characterized.parquet``.

    Parameters
    ----------
    candidates_path : path-like
        The filter's ``candidates.parquet``.
    output : path-like
        Destination Parquet file.
    options : mapping
        The ``characterize`` config section (:class:`CharacterizeOptions` fields).
    """
    opts = CharacterizeOptions(**options)
    return _write_stage("characterize", characterize_candidates, opts, candidates_path, output, "gaia_status")


def write_vetted(
    characterized_path: str | Path, output: str | Path, *, options: Mapping[str, Any]
) -> pd.DataFrame:
    """Vet one bin's characterized candidates and write ``vetted.parquet``.

    Parameters
    ----------
    characterized_path : path-like
        ``characterized.parquet``.
    output : path-like
        Destination Parquet file.
    options : mapping
        The ``vetting`` config section (:class:`VettingOptions` fields).
    """
    opts = VettingOptions(**options)
    return _write_stage("vetting", vet_candidates, opts, characterized_path, output, "vsx_status")


def _write_stage(
    stage: str,
    run: Callable[[pd.DataFrame, Any], pd.DataFrame],
    options: Any,
    input_path: str | Path,
    output: str | Path,
    status_column: str,
) -> pd.DataFrame:
    """Read the input table, ``run`` it, write the output with the stage's provenance, log the statuses."""
    table = run(read_table(input_path), options)
    write_table(table, output, stage_provenance(stage, dataclasses.asdict(options), [input_path]))
    logger.info("%s: %d candidates; %s: %s", stage, len(table), status_column, _counts(table, status_column))
    return table
