"""Vet a candidates table: flag the known variables (local VSX-style catalog, optional SIMBAD)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lcpipe.characterize.cache import QueryCache
from lcpipe.characterize.candidates import check_candidates
from lcpipe.characterize.crossmatch import nearest_within
from lcpipe.characterize.remote import OnlineCatalogError, RetryPolicy
from lcpipe.vetting.simbad_online import simbad_cone
from lcpipe.vetting.vsx import match_vsx, read_vsx_catalog

logger = logging.getLogger(__name__)

#: SIMBAD object types (condensed codes of table ``basic``, column ``otype``) counted as known
#: variables: generic, irregular/eruptive/rotating, pulsating, eclipsing/ellipsoidal,
#: cataclysmic and young variable classes.
SIMBAD_VARIABLE_OTYPES: tuple[str, ...] = (
    "V*", "Ir*", "Er*", "Ro*", "BY*", "RS*", "Fl*", "Pu*", "RR*", "Ce*", "cC*", "dS*", "RV*", "WV*",
    "bC*", "gD*", "SX*", "LP*", "Mi*", "EB*", "El*", "CV*", "No*", "Or*", "TT*", "FU*", "Ae*",
)  # fmt: skip


@dataclass(frozen=True)
class VettingOptions:
    """Settings of :func:`vet` (config section ``vetting``).

    Attributes
    ----------
    vsx : str or None
        Local VSX-style catalog (CSV or Parquet: name, ra, dec, class, period); None for none.
    vsx_radius_arcsec : float
        Match radius for the VSX-style catalog (arcsec).
    simbad : bool
        Query SIMBAD online (astroquery, cached). Off by default.
    simbad_radius_arcsec : float
        SIMBAD cone radius (arcsec); the nearest object inside it is reported.
    simbad_variable_otypes : tuple of str
        SIMBAD object types that make ``known_variable`` true.
    cache_dir : str
        Folder of the on-disk query cache (shared with characterize).
    timeout_s, retries, backoff_s : float, int, float
        Per-attempt timeout (s), further attempts, base of the exponential backoff (s).
    """

    vsx: str | None = None
    vsx_radius_arcsec: float = 3.0
    simbad: bool = False
    simbad_radius_arcsec: float = 5.0
    simbad_variable_otypes: tuple[str, ...] = SIMBAD_VARIABLE_OTYPES
    cache_dir: str = "cache/queries"
    timeout_s: float = 30.0
    retries: int = 2
    backoff_s: float = 2.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "simbad_variable_otypes", tuple(self.simbad_variable_otypes))
        for name in ("vsx_radius_arcsec", "simbad_radius_arcsec"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)}")
        self.retry_policy()

    def retry_policy(self) -> RetryPolicy:
        """Timeout and retry settings of the online queries."""
        return RetryPolicy(timeout_s=self.timeout_s, retries=self.retries, backoff_s=self.backoff_s)


def _vsx_columns(ra: np.ndarray, dec: np.ndarray, options: VettingOptions) -> pd.DataFrame:
    if options.vsx is None:
        n = ra.size
        return pd.DataFrame(
            {
                "vsx_status": np.full(n, "no_catalog"),
                "vsx_name": pd.array([pd.NA] * n, dtype="string"),
                "vsx_class": pd.array([pd.NA] * n, dtype="string"),
                "vsx_period": np.full(n, np.nan),
                "vsx_sep_arcsec": np.full(n, np.nan),
                "vsx_n_within_radius": np.zeros(n, dtype=np.int64),
            }
        )
    return match_vsx(ra, dec, read_vsx_catalog(options.vsx), options.vsx_radius_arcsec)


def _simbad_columns(ra: np.ndarray, dec: np.ndarray, options: VettingOptions) -> pd.DataFrame:
    n = ra.size
    coords_ok = np.isfinite(ra) & np.isfinite(dec) & (np.abs(dec) <= 90.0)
    status = np.where(coords_ok, "disabled" if not options.simbad else "no_match", "bad_coordinates")
    status = status.astype(object)
    main_id = np.full(n, None, dtype=object)
    otype = np.full(n, None, dtype=object)
    sep = np.full(n, np.nan)
    count = np.zeros(n, dtype=np.int64)
    if options.simbad:
        cache = QueryCache(Path(options.cache_dir))
        policy = options.retry_policy()
        todo = np.flatnonzero(coords_ok)
        for k, row in enumerate(todo):
            try:
                cone = simbad_cone(
                    float(ra[row]), float(dec[row]), options.simbad_radius_arcsec, cache=cache, policy=policy
                )
            except OnlineCatalogError as exc:
                logger.warning("%s; %d candidate(s) marked simbad_status=offline", exc, todo.size - k)
                status[todo[k:]] = "offline"
                break
            match = nearest_within(
                ra[row : row + 1],
                dec[row : row + 1],
                cone["ra"].to_numpy(),
                cone["dec"].to_numpy(),
                options.simbad_radius_arcsec,
            )
            count[row] = match.n_within[0]
            if match.index[0] >= 0:
                status[row] = "ok"
                main_id[row] = cone["main_id"].iloc[match.index[0]]
                otype[row] = cone["otype"].iloc[match.index[0]]
                sep[row] = match.sep_arcsec[0]
    return pd.DataFrame(
        {
            "simbad_status": status.astype(str),
            "simbad_main_id": pd.array(main_id, dtype="string"),
            "simbad_otype": pd.array(otype, dtype="string"),
            "simbad_sep_arcsec": sep,
            "simbad_n_within_radius": count,
        }
    )


def vet(candidates: pd.DataFrame, options: VettingOptions) -> pd.DataFrame:
    """Flag candidates that match a known variable star.

    Parameters
    ----------
    candidates : DataFrame
        One row per source with at least ``source_id``, ``ra``, ``dec`` (ICRS degrees, J2000;
        NaN allowed).
    options : VettingOptions

    Returns
    -------
    DataFrame
        A copy of ``candidates`` (same rows and order) with

        - ``known_variable`` (bool): matched in the VSX-style catalog, or the nearest SIMBAD
          object within its radius has a variable-star type; ``known_variable_source``
          (``"vsx"``, ``"simbad"``, ``"vsx+simbad"`` or ``""``);
        - ``vsx_status`` (``ok`` / ``no_match`` / ``bad_coordinates`` / ``no_catalog``),
          ``vsx_name``, ``vsx_class``, ``vsx_period`` (days), ``vsx_sep_arcsec``,
          ``vsx_n_within_radius``;
        - ``simbad_status`` (``ok`` / ``no_match`` / ``bad_coordinates`` / ``disabled`` /
          ``offline``), ``simbad_main_id``, ``simbad_otype``, ``simbad_sep_arcsec``,
          ``simbad_n_within_radius``.

    Raises
    ------
    ValueError
        The candidates table lacks a required column.
    CatalogFileError
        The VSX-style file is unreadable or lacks name, ra or dec.
    """
    check_candidates(candidates)
    ra = pd.to_numeric(candidates["ra"], errors="coerce").to_numpy(np.float64)
    dec = pd.to_numeric(candidates["dec"], errors="coerce").to_numpy(np.float64)
    vsx = _vsx_columns(ra, dec, options)
    simbad = _simbad_columns(ra, dec, options)
    in_vsx = (vsx["vsx_status"] == "ok").to_numpy()
    in_simbad = (simbad["simbad_status"] == "ok").to_numpy() & simbad["simbad_otype"].isin(
        options.simbad_variable_otypes
    ).fillna(False).to_numpy(dtype=bool)
    source = np.select([in_vsx & in_simbad, in_vsx, in_simbad], ["vsx+simbad", "vsx", "simbad"], default="")
    out = candidates.copy()
    out["known_variable"] = in_vsx | in_simbad
    out["known_variable_source"] = source
    for frame in (vsx, simbad):
        frame.index = out.index
        for column in frame.columns:
            out[column] = frame[column]
    return out
