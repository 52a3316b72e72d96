"""File-level stages after the filter: characterize and vet a bin's candidates without ever crashing the bin.

The libraries (:func:`lcpipe.characterize.characterize`, :func:`lcpipe.vetting.vet`) already turn bad
rows into statuses (NaN coordinates, no match, duplicates, an unreachable archive). What remains is a
catalog file that cannot be used at all (missing, unreadable, required columns absent): here that is
logged with the library's message, the bin is processed as if no catalog were configured, and the
status column says ``catalog_error`` instead of ``no_catalog`` so that nobody mistakes it for a choice.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from lcpipe.characterize.catalog import CatalogFileError
from lcpipe.characterize.candidates import CharacterizeOptions, characterize
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
    try:
        return characterize(candidates, options)
    except CatalogFileError as exc:
        logger.error("characterize: %s; candidates get gaia_status=%s", exc, CATALOG_ERROR)
        out = characterize(candidates, dataclasses.replace(options, catalog=None))
        out.loc[out["gaia_status"] == "no_catalog", "gaia_status"] = CATALOG_ERROR
        return out


def vet_candidates(candidates: pd.DataFrame, options: VettingOptions) -> pd.DataFrame:
    """:func:`~lcpipe.vetting.vet`, with an unusable VSX-style file as ``vsx_status`` ``catalog_error``."""
    try:
        return vet(candidates, options)
    except CatalogFileError as exc:
        logger.error("vetting: %s; candidates get vsx_status=%s", exc, CATALOG_ERROR)
        out = vet(candidates, dataclasses.replace(options, vsx=None))
        out.loc[out["vsx_status"] == "no_catalog", "vsx_status"] = CATALOG_ERROR
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
    table = characterize_candidates(read_table(candidates_path), opts)
    write_table(table, output, stage_provenance("characterize", dataclasses.asdict(opts), [candidates_path]))
    logger.info("characterize: %d candidates; gaia_status: %s", len(table), _counts(table, "gaia_status"))
    return table


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
    table = vet_candidates(read_table(characterized_path), opts)
    write_table(table, output, stage_provenance("vetting", dataclasses.asdict(opts), [characterized_path]))
    logger.info("vetting: %d candidates; vsx_status: %s", len(table), _counts(table, "vsx_status"))
    return table
