"""Reading local catalog files (CSV or Parquet) with named required and optional columns."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

#: Columns of a Gaia-like catalog that a crossmatch cannot do without.
GAIA_REQUIRED: tuple[str, ...] = ("source_id", "ra", "dec")

#: Optional Gaia-like columns and the value a missing column is filled with. A missing
#: ``ref_epoch`` means Gaia DR3's 2016.0; missing proper motions mean "do not propagate".
GAIA_OPTIONAL: Mapping[str, float] = {
    "ref_epoch": 2016.0,
    "pmra": np.nan,
    "pmdec": np.nan,
    "parallax": np.nan,
    "parallax_error": np.nan,
    "phot_g_mean_mag": np.nan,
    "bp_rp": np.nan,
    "ruwe": np.nan,
    "j_m": np.nan,
    "h_m": np.nan,
    "ks_m": np.nan,
    "w1mpro": np.nan,
    "w2mpro": np.nan,
    "w3mpro": np.nan,
    "w4mpro": np.nan,
}


class CatalogFileError(ValueError):
    """A catalog file cannot be used: unreadable format or required columns missing."""


def read_catalog_file(
    path: str | os.PathLike,
    required: Sequence[str],
    optional: Mapping[str, object],
    numeric: Sequence[str] = (),
) -> pd.DataFrame:
    """Read a CSV or Parquet catalog and check its columns.

    Parameters
    ----------
    path : path-like
        ``.csv`` / ``.csv.gz`` / ``.txt`` (comma separated, header row) or ``.parquet`` / ``.pq``.
    required : sequence of str
        Columns that must exist; their absence raises :class:`CatalogFileError` naming the file
        and every missing column.
    optional : mapping
        Columns that may be absent, with the fill value used when they are (degraded output:
        whatever depends on them becomes NaN). A column present in the file keeps its values;
        NaN cells inside it stay NaN (the fill applies only to absent columns), except
        ``ref_epoch``-like columns whose fill value is finite: their NaN cells get the default.
    numeric : sequence of str
        Columns coerced to float64 (unparseable cells become NaN).

    Returns
    -------
    DataFrame
        Every required and optional column, plus any extra columns of the file.
    """
    path = Path(path)
    if not path.exists():
        raise CatalogFileError(f"catalog file {path} does not exist")
    name = path.name.lower()
    if name.endswith((".parquet", ".pq")):
        table = pd.read_parquet(path)
    elif name.endswith((".csv", ".csv.gz", ".txt")):
        table = pd.read_csv(path)
    else:
        raise CatalogFileError(f"catalog file {path}: unknown format (expected .csv or .parquet)")
    table.columns = [str(c).strip() for c in table.columns]
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise CatalogFileError(
            f"catalog file {path} lacks required column(s) {', '.join(missing)}; "
            f"it has: {', '.join(table.columns) or '(none)'}"
        )
    for column, fill in optional.items():
        if column not in table.columns:
            table[column] = fill
        elif isinstance(fill, float) and np.isfinite(fill):
            table[column] = pd.to_numeric(table[column], errors="coerce").fillna(fill)
    for column in numeric:
        table[column] = pd.to_numeric(table[column], errors="coerce").astype(np.float64)
    return table.reset_index(drop=True)


def read_gaia_like_catalog(path: str | os.PathLike) -> pd.DataFrame:
    """Read a Gaia-like catalog (the columns of :data:`GAIA_REQUIRED` and :data:`GAIA_OPTIONAL`).

    Positions are ICRS degrees at ``ref_epoch`` (Julian year, default 2016.0), proper motions
    mas/yr (``pmra`` includes cos dec), parallax mas, magnitudes Vega/AB as the survey gives them.
    """
    numeric = ["ra", "dec", *GAIA_OPTIONAL]
    return read_catalog_file(path, GAIA_REQUIRED, GAIA_OPTIONAL, numeric=numeric)
