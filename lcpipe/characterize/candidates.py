"""Characterize a candidates table: Galactic coordinates, Gaia-like crossmatch, derived quantities per row."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lcpipe.characterize.cache import QueryCache
from lcpipe.characterize.catalog import GAIA_OPTIONAL, read_gaia_like_catalog
from lcpipe.characterize.coords import galactic_coordinates
from lcpipe.characterize.crossmatch import MatchResult, match_with_proper_motion
from lcpipe.characterize.derived import (
    absolute_magnitude,
    color,
    distance_from_parallax,
    ir_class_koenig_leisawitz,
)
from lcpipe.characterize.gaia_online import gaia_cone
from lcpipe.characterize.remote import OnlineCatalogError, RetryPolicy

logger = logging.getLogger(__name__)

#: Columns every candidates table must have.
CANDIDATE_COLUMNS: tuple[str, ...] = ("source_id", "ra", "dec")

#: Catalog columns copied to the output with the ``gaia_`` prefix.
CATALOG_OUTPUT_COLUMNS: tuple[str, ...] = ("ra", "dec", *GAIA_OPTIONAL)


@dataclass(frozen=True)
class CharacterizeOptions:
    """Settings of :func:`characterize` (config section ``characterize``).

    Attributes
    ----------
    catalog : str or None
        Local Gaia-like catalog (CSV or Parquet, see :mod:`lcpipe.characterize.catalog`); None
        for none.
    match_radius_arcsec : float
        Crossmatch radius after proper-motion propagation (arcsec).
    candidate_epoch : float
        Epoch (Julian year) of candidate positions when the table has no per-row epoch; ASAS-SN
        index positions are J2000.0.
    epoch_column : str
        Candidates column holding a per-row epoch, used when present (NaN cells fall back to
        ``candidate_epoch``).
    min_parallax_snr : float
        ``parallax / parallax_error`` needed for ``distance_pc`` (else NaN).
    online : bool
        Query the Gaia archive (astroquery) for candidates without a local match. Off by default.
    gaia_table : str
        Archive table for online queries.
    online_pm_margin_arcsec : float
        Added to the match radius of online cone searches so that fast movers, whose archive
        position is at 2016.0, are still returned (20 arcsec covers 1.25 arcsec/yr over 16 yr).
    cache_dir : str
        Folder of the on-disk query cache (shared with vetting).
    timeout_s, retries, backoff_s : float, int, float
        Per-attempt timeout (s), further attempts, and base of the exponential backoff (s).
    """

    catalog: str | None = None
    match_radius_arcsec: float = 3.0
    candidate_epoch: float = 2000.0
    epoch_column: str = "epoch"
    min_parallax_snr: float = 5.0
    online: bool = False
    gaia_table: str = "gaiadr3.gaia_source"
    online_pm_margin_arcsec: float = 20.0
    cache_dir: str = "cache/queries"
    timeout_s: float = 30.0
    retries: int = 2
    backoff_s: float = 2.0

    def __post_init__(self) -> None:
        if not self.match_radius_arcsec > 0:
            raise ValueError(f"match_radius_arcsec must be > 0, got {self.match_radius_arcsec}")
        if not np.isfinite(self.candidate_epoch):
            raise ValueError(f"candidate_epoch must be finite, got {self.candidate_epoch}")
        if not self.min_parallax_snr >= 0:
            raise ValueError(f"min_parallax_snr must be >= 0, got {self.min_parallax_snr}")
        if not self.online_pm_margin_arcsec >= 0:
            raise ValueError(f"online_pm_margin_arcsec must be >= 0, got {self.online_pm_margin_arcsec}")
        self.retry_policy()  # validates timeout_s, retries, backoff_s

    def retry_policy(self) -> RetryPolicy:
        """Timeout and retry settings of the online queries."""
        return RetryPolicy(timeout_s=self.timeout_s, retries=self.retries, backoff_s=self.backoff_s)


def check_candidates(candidates: pd.DataFrame) -> None:
    """Raise ValueError naming the missing columns when ``candidates`` lacks source_id, ra or dec."""
    missing = [c for c in CANDIDATE_COLUMNS if c not in candidates.columns]
    if missing:
        raise ValueError(f"candidates table lacks column(s) {', '.join(missing)}")


def candidate_epochs(candidates: pd.DataFrame, default: float, column: str) -> np.ndarray:
    """Epoch of each candidate position (Julian year), shape (N,): the column if present, else default."""
    if column in candidates.columns:
        epochs = pd.to_numeric(candidates[column], errors="coerce").to_numpy(np.float64)
        return np.where(np.isfinite(epochs), epochs, default)
    return np.full(len(candidates), default, dtype=np.float64)


class _GaiaColumns:
    """Output columns of the Gaia-like crossmatch being filled row by row."""

    def __init__(self, n: int, initial_status: np.ndarray) -> None:
        self.source_id = np.full(n, None, dtype=object)
        self.sep = np.full(n, np.nan)
        self.count = np.zeros(n, dtype=np.int64)
        self.status = initial_status.astype(object)
        self.values = {c: np.full(n, np.nan) for c in CATALOG_OUTPUT_COLUMNS}

    def fill(self, rows: np.ndarray, catalog: pd.DataFrame, match: MatchResult) -> None:
        """Copy the matched catalog rows for candidate rows ``rows`` (shape (K,), match of shape (K,))."""
        hit = match.index >= 0
        self.count[rows] = match.n_within
        self.sep[rows] = match.sep_arcsec
        self.status[rows] = np.where(hit, "ok", "no_match")
        took = rows[hit]
        src = match.index[hit]
        self.source_id[took] = catalog["source_id"].to_numpy(dtype=object)[src]
        for column in CATALOG_OUTPUT_COLUMNS:
            self.values[column][took] = catalog[column].to_numpy(np.float64)[src]

    def source_id_array(self) -> pd.api.extensions.ExtensionArray | np.ndarray:
        """Matched source ids: nullable Int64 when they are integers, else strings (None = no match)."""
        present = [v for v in self.source_id if v is not None]
        if all(isinstance(v, int | np.integer) for v in present):
            return pd.array(list(self.source_id), dtype="Int64")
        return pd.array([None if v is None else str(v) for v in self.source_id], dtype="string")


def _match_catalog(
    ra: np.ndarray, dec: np.ndarray, epochs: np.ndarray, catalog: pd.DataFrame, radius: float
) -> MatchResult:
    return match_with_proper_motion(
        ra,
        dec,
        epochs,
        catalog["ra"].to_numpy(np.float64),
        catalog["dec"].to_numpy(np.float64),
        catalog["pmra"].to_numpy(np.float64),
        catalog["pmdec"].to_numpy(np.float64),
        catalog["ref_epoch"].to_numpy(np.float64),
        radius,
    )


def _fill_online(
    columns: _GaiaColumns,
    ra: np.ndarray,
    dec: np.ndarray,
    epochs: np.ndarray,
    options: CharacterizeOptions,
) -> None:
    """Query the Gaia archive for the rows still unmatched; mark them "offline" when it is unreachable."""
    todo = np.flatnonzero(np.isin(columns.status, ["no_catalog", "no_match"]))
    cache = QueryCache(Path(options.cache_dir))
    policy = options.retry_policy()
    radius = options.match_radius_arcsec + options.online_pm_margin_arcsec
    for k, row in enumerate(todo):
        try:
            cone = gaia_cone(
                float(ra[row]), float(dec[row]), radius, cache=cache, policy=policy, table=options.gaia_table
            )
        except OnlineCatalogError as exc:
            logger.warning("%s; %d candidate(s) marked gaia_status=offline", exc, todo.size - k)
            columns.status[todo[k:]] = "offline"
            return
        rows = np.array([row])
        match = _match_catalog(ra[rows], dec[rows], epochs[rows], cone, options.match_radius_arcsec)
        columns.fill(rows, cone, match)


def characterize(candidates: pd.DataFrame, options: CharacterizeOptions) -> pd.DataFrame:
    """Add Galactic coordinates, the nearest Gaia-like counterpart and derived quantities.

    Parameters
    ----------
    candidates : DataFrame
        One row per source with at least ``source_id``, ``ra``, ``dec`` (ICRS degrees at the
        candidate epoch, NaN allowed) and optionally a per-row epoch column.
    options : CharacterizeOptions

    Returns
    -------
    DataFrame
        A copy of ``candidates`` (same rows and order) with the columns

        - ``gal_l``, ``gal_b`` (degrees; NaN for bad coordinates);
        - ``gaia_status``: ``ok``, ``no_match`` (nothing within the radius), ``bad_coordinates``
          (non-finite ra/dec), ``no_catalog`` (neither a catalog nor online mode), ``offline``
          (online mode on but the archive unreachable);
        - ``gaia_source_id`` (nullable), ``gaia_sep_arcsec`` (after propagating the catalog to
          the candidate epoch), ``gaia_n_within_radius`` (catalog entries inside the radius; the
          nearest wins), and ``gaia_<column>`` for the catalog's position, astrometry and
          photometry (NaN when unmatched or the column is absent);
        - ``distance_pc`` and ``distance_status`` (see
          :func:`~lcpipe.characterize.derived.distance_from_parallax`), ``abs_g`` (G, no
          extinction), colours ``j_h``, ``h_k``, ``w1_w2``, ``w2_w3`` and ``ir_class``
          (:func:`~lcpipe.characterize.derived.ir_class_koenig_leisawitz`).

    Raises
    ------
    ValueError
        The candidates table lacks a required column.
    CatalogFileError
        The catalog file is unreadable or lacks a required column.
    """
    check_candidates(candidates)
    out = candidates.copy()
    n = len(out)
    ra = pd.to_numeric(out["ra"], errors="coerce").to_numpy(np.float64)
    dec = pd.to_numeric(out["dec"], errors="coerce").to_numpy(np.float64)
    coords_ok = np.isfinite(ra) & np.isfinite(dec) & (np.abs(dec) <= 90.0)
    epochs = candidate_epochs(out, options.candidate_epoch, options.epoch_column)

    out["gal_l"], out["gal_b"] = galactic_coordinates(ra, dec)

    columns = _GaiaColumns(n, np.where(coords_ok, "no_catalog", "bad_coordinates"))
    good = np.flatnonzero(coords_ok)
    if options.catalog is not None:
        catalog = read_gaia_like_catalog(options.catalog)
        if good.size:
            match = _match_catalog(ra[good], dec[good], epochs[good], catalog, options.match_radius_arcsec)
            columns.fill(good, catalog, match)
    if options.online:
        _fill_online(columns, ra, dec, epochs, options)

    out["gaia_status"] = columns.status.astype(str)
    out["gaia_source_id"] = columns.source_id_array()
    out["gaia_sep_arcsec"] = columns.sep
    out["gaia_n_within_radius"] = columns.count
    for column in CATALOG_OUTPUT_COLUMNS:
        out[f"gaia_{column}"] = columns.values[column]

    v = columns.values
    out["distance_pc"], out["distance_status"] = distance_from_parallax(
        v["parallax"], v["parallax_error"], options.min_parallax_snr
    )
    out.loc[columns.status != "ok", "distance_status"] = "no_counterpart"
    out["abs_g"] = absolute_magnitude(v["phot_g_mean_mag"], out["distance_pc"].to_numpy())
    out["j_h"] = color(v["j_m"], v["h_m"])
    out["h_k"] = color(v["h_m"], v["ks_m"])
    out["w1_w2"] = color(v["w1mpro"], v["w2mpro"])
    out["w2_w3"] = color(v["w2mpro"], v["w3mpro"])
    out["ir_class"] = ir_class_koenig_leisawitz(out["w1_w2"].to_numpy(), out["w2_w3"].to_numpy())
    return out
