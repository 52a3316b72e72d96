"""Crossmatch with a local VSX-style catalog of known variable stars."""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np
import pandas as pd

from lcpipe.characterize.catalog import read_catalog_file
from lcpipe.characterize.crossmatch import nearest_within

#: Columns a VSX-style catalog must have (positions: ICRS degrees, J2000).
VSX_REQUIRED: tuple[str, ...] = ("name", "ra", "dec")

#: Optional columns and their fill when absent: variability class (VSX type string) and period (days).
VSX_OPTIONAL: Mapping[str, object] = {"class": None, "period": np.nan}


def read_vsx_catalog(path: str | os.PathLike) -> pd.DataFrame:
    """Read a VSX-style catalog (CSV or Parquet) with columns name, ra, dec and optionally class, period.

    Raises
    ------
    CatalogFileError
        The file is unreadable or lacks name, ra or dec (the message names the file and columns).
    """
    table = read_catalog_file(path, VSX_REQUIRED, VSX_OPTIONAL, numeric=("ra", "dec", "period"))
    table["name"] = table["name"].astype("string")
    table["class"] = table["class"].astype("string")
    return table


def match_vsx(
    ra_deg: np.ndarray, dec_deg: np.ndarray, catalog: pd.DataFrame, radius_arcsec: float
) -> pd.DataFrame:
    """Nearest VSX-style entry within a radius of each candidate position.

    VSX positions are J2000 without proper motions, so no propagation is done: compare with
    candidate positions at epoch 2000 (ASAS-SN index positions are).

    Parameters
    ----------
    ra_deg, dec_deg : ndarray, shape (N,)
        Candidate positions (ICRS degrees); NaN gives ``vsx_status="bad_coordinates"``.
    catalog : DataFrame
        As returned by :func:`read_vsx_catalog`.
    radius_arcsec : float
        Match radius (arcsec).

    Returns
    -------
    DataFrame, N rows (index 0..N-1)
        ``vsx_status`` (``ok`` / ``no_match`` / ``bad_coordinates``), ``vsx_name``, ``vsx_class``
        (missing when unmatched), ``vsx_period`` (days, NaN), ``vsx_sep_arcsec`` (NaN) and
        ``vsx_n_within_radius`` (entries within the radius; the nearest wins).
    """
    ra = np.asarray(ra_deg, dtype=np.float64)
    dec = np.asarray(dec_deg, dtype=np.float64)
    match = nearest_within(ra, dec, catalog["ra"].to_numpy(), catalog["dec"].to_numpy(), radius_arcsec)
    hit = match.index >= 0
    coords_ok = np.isfinite(ra) & np.isfinite(dec) & (np.abs(dec) <= 90.0)
    status = np.where(hit, "ok", np.where(coords_ok, "no_match", "bad_coordinates"))
    rows = np.where(hit, match.index, -1)  # -1 is no row: reindex leaves those cells missing

    def take(column: str) -> pd.Series:
        return catalog[column].reset_index(drop=True).reindex(rows).reset_index(drop=True)

    return pd.DataFrame(
        {
            "vsx_status": status,
            "vsx_name": take("name").astype("string"),
            "vsx_class": take("class").astype("string"),
            "vsx_period": take("period").astype(np.float64),
            "vsx_sep_arcsec": match.sep_arcsec,
            "vsx_n_within_radius": match.n_within,
        }
    )
