"""Online Gaia cone searches through astroquery, cached on disk."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from lcpipe.characterize.cache import QueryCache
from lcpipe.characterize.catalog import GAIA_OPTIONAL, GAIA_REQUIRED
from lcpipe.characterize.remote import RetryPolicy, cached_adql, cone_condition, table_to_frame

#: Columns asked of the Gaia archive; 2MASS and WISE photometry are not fetched online.
GAIA_ONLINE_COLUMNS: tuple[str, ...] = (
    "source_id",
    "ra",
    "dec",
    "ref_epoch",
    "pmra",
    "pmdec",
    "parallax",
    "parallax_error",
    "phot_g_mean_mag",
    "bp_rp",
    "ruwe",
)


def gaia_cone_adql(ra_deg: float, dec_deg: float, radius_arcsec: float, table: str) -> str:
    """ADQL of a cone search returning :data:`GAIA_ONLINE_COLUMNS` within ``radius_arcsec``."""
    columns = ", ".join(GAIA_ONLINE_COLUMNS)
    return f"SELECT {columns} FROM {table} WHERE 1 = {cone_condition(ra_deg, dec_deg, radius_arcsec)}"


def _run_adql_astroquery(query: str) -> pd.DataFrame:
    """Send one synchronous ADQL job to the Gaia archive and return its table (lower-case names)."""
    from astroquery.gaia import GaiaClass

    gaia = GaiaClass(show_server_messages=False)
    table = gaia.launch_job(query).get_results()
    return table_to_frame(table)


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Give an archive answer the Gaia-like catalog layout (missing optional columns filled)."""
    frame = frame.copy()
    for column in GAIA_REQUIRED:
        if column not in frame.columns:
            raise ValueError(f"Gaia answer lacks column {column!r}; it has {list(frame.columns)}")
    for column, fill in GAIA_OPTIONAL.items():
        if column not in frame.columns:
            frame[column] = fill
    numeric = ["ra", "dec", *GAIA_OPTIONAL]
    frame[numeric] = frame[numeric].apply(pd.to_numeric, errors="coerce").astype(np.float64)
    frame["ref_epoch"] = frame["ref_epoch"].fillna(GAIA_OPTIONAL["ref_epoch"])
    return frame


def gaia_cone(
    ra_deg: float,
    dec_deg: float,
    radius_arcsec: float,
    *,
    cache: QueryCache,
    policy: RetryPolicy,
    table: str = "gaiadr3.gaia_source",
    run_adql: Callable[[str], pd.DataFrame] = _run_adql_astroquery,
    sleep: Callable[[float], None] | None = None,
) -> pd.DataFrame:
    """Gaia sources within a radius of a position, from the cache or the Gaia archive.

    Parameters
    ----------
    ra_deg, dec_deg : float
        Cone centre (ICRS degrees, finite).
    radius_arcsec : float
        Cone radius (arcsec). Make it the match radius plus a proper-motion margin: the archive
        positions are at the catalog epoch (2016.0 for DR3), not the candidate's.
    cache : QueryCache
        Answers are stored per query (keyed by the ADQL text) and reused without any network.
    policy : RetryPolicy
        Timeout per attempt, retries and backoff.
    table : str
        Archive table, ``gaiadr3.gaia_source`` by default.
    run_adql : callable
        Sends ADQL and returns a DataFrame; the default uses ``astroquery.gaia.GaiaClass.launch_job``.
    sleep : callable, optional
        Wait between retries (default ``time.sleep``).

    Returns
    -------
    DataFrame
        Gaia-like catalog rows (see :mod:`lcpipe.characterize.catalog`), possibly empty.

    Raises
    ------
    OnlineCatalogError
        The archive could not be reached after all retries.
    """
    query = gaia_cone_adql(ra_deg, dec_deg, radius_arcsec, table)
    return cached_adql(
        cache,
        "gaia",
        query,
        run_adql,
        _normalise,
        service="Gaia archive",
        config_key="characterize.online",
        policy=policy,
        sleep=sleep,
    )
