"""Online SIMBAD cone searches through astroquery, cached on disk."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from lcpipe.characterize.cache import QueryCache
from lcpipe.characterize.remote import RetryPolicy, cached_adql, cone_condition, table_to_frame

#: Columns of a SIMBAD answer (table ``basic``): main identifier, ICRS J2000 position, object type.
SIMBAD_COLUMNS: tuple[str, ...] = ("main_id", "ra", "dec", "otype")


def simbad_cone_adql(ra_deg: float, dec_deg: float, radius_arcsec: float) -> str:
    """ADQL of a SIMBAD cone search on table ``basic`` returning :data:`SIMBAD_COLUMNS`."""
    columns = ", ".join(SIMBAD_COLUMNS)
    return f"SELECT {columns} FROM basic WHERE {cone_condition(ra_deg, dec_deg, radius_arcsec)} = 1"


def _run_simbad_tap(query: str) -> pd.DataFrame:
    """Run ADQL on SIMBAD's TAP service with ``astroquery.simbad.SimbadClass.query_tap``.

    ``query_tap`` rather than ``query_region``: the object type needs
    ``add_votable_fields("otype")``, which itself asks the server for the field list, so one
    ADQL query is one round trip fewer. No ``timeout`` is given to ``SimbadClass``: setting it
    asks the server for its limits; :func:`~lcpipe.characterize.remote.call_online` enforces
    the timeout instead.
    """
    from astroquery.simbad import SimbadClass

    return table_to_frame(SimbadClass().query_tap(query))


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    missing = [c for c in SIMBAD_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"SIMBAD answer lacks column(s) {missing}; it has {list(frame.columns)}")
    frame = frame[list(SIMBAD_COLUMNS)]
    frame["ra"] = pd.to_numeric(frame["ra"], errors="coerce").astype(np.float64)
    frame["dec"] = pd.to_numeric(frame["dec"], errors="coerce").astype(np.float64)
    for column in ("main_id", "otype"):
        frame[column] = frame[column].astype("string").str.strip()
    return frame


def simbad_cone(
    ra_deg: float,
    dec_deg: float,
    radius_arcsec: float,
    *,
    cache: QueryCache,
    policy: RetryPolicy,
    run_query: Callable[[str], pd.DataFrame] = _run_simbad_tap,
    sleep: Callable[[float], None] | None = None,
) -> pd.DataFrame:
    """SIMBAD objects within a radius of a position, from the cache or the SIMBAD TAP service.

    The parameters are those of :func:`lcpipe.characterize.gaia_online.gaia_cone` (cone in ICRS degrees
    and arcsec, cache, retry policy, sleep between retries), with ``run_query(adql) -> DataFrame`` in place
    of ``run_adql`` (default astroquery's ``SimbadClass.query_tap``) and no table to choose.

    Returns
    -------
    DataFrame
        Columns :data:`SIMBAD_COLUMNS`, possibly no rows.

    Raises
    ------
    OnlineCatalogError
        SIMBAD could not be reached after all retries.
    """
    query = simbad_cone_adql(ra_deg, dec_deg, radius_arcsec)
    return cached_adql(
        cache,
        "simbad",
        query,
        run_query,
        _normalise,
        service="SIMBAD",
        config_key="vetting.simbad",
        policy=policy,
        sleep=sleep,
    )
