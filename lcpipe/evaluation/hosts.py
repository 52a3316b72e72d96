"""Host light curves for injection-recovery: real or simulated curves whose cadence and noise are kept."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lcpipe.io.load import load_clean
from lcpipe.lightcurve import LightCurve


@dataclass(frozen=True)
class Host:
    """One host light curve, cleaned, with the numbers the trial plan needs.

    Attributes
    ----------
    source_id : str
    lc : LightCurve
        Cleaned light curve (as the pipeline reads it).
    mag : float
        Median magnitude of its good points (mag).
    t_first, t_last : float
        First and last good time (days).
    """

    source_id: str
    lc: LightCurve
    mag: float
    t_first: float
    t_last: float

    @property
    def span(self) -> float:
        """Time span of the good points (days)."""
        return self.t_last - self.t_first

    def good_times(self) -> np.ndarray:
        """Sorted times of the usable points, shape (M,)."""
        keep = np.asarray(self.lc.good, dtype=bool) & np.isfinite(self.lc.mag) & np.isfinite(self.lc.time)
        return np.sort(np.asarray(self.lc.time, dtype=float)[keep])


def host_from_lightcurve(lc: LightCurve, source_id: str | None = None) -> Host | None:
    """A :class:`Host` of ``lc``, or None when it has fewer than two usable points."""
    keep = np.asarray(lc.good, dtype=bool) & np.isfinite(lc.mag) & np.isfinite(lc.time)
    if np.count_nonzero(keep) < 2:
        return None
    time = np.asarray(lc.time, dtype=float)[keep]
    return Host(
        source_id=str(source_id if source_id is not None else lc.source_id),
        lc=lc,
        mag=float(np.median(np.asarray(lc.mag)[keep])),
        t_first=float(time.min()),
        t_last=float(time.max()),
    )


def load_hosts(
    paths: Iterable[str | Path],
    *,
    read: Mapping[str, Any] | None = None,
    cleaning: Mapping[str, Any] | None = None,
) -> tuple[list[Host], pd.DataFrame]:
    """Read and clean host light curves, keeping those that load.

    Parameters
    ----------
    paths : iterable of path-like
        Light-curve files (any format :func:`lcpipe.read_lightcurve` reads).
    read, cleaning : mapping, optional
        Reader and cleaning options (the pipeline's config sections).

    Returns
    -------
    hosts : list of Host
        In the order given; the source id is the reader's, else the file name's leading digits/stem.
    skipped : DataFrame
        ``path`` and ``status`` of every file that did not give a host.
    """
    hosts, skipped = [], []
    for path in paths:
        lc, status, _ = load_clean(path, read_options=read, cleaning=cleaning)
        host = host_from_lightcurve(lc, lc.source_id or _id_from_name(Path(path))) if lc is not None else None
        if host is None or status != "ok":
            skipped.append({"path": str(path), "status": status if status != "ok" else "too_few_points"})
        else:
            hosts.append(host)
    return hosts, pd.DataFrame(skipped, columns=["path", "status"])


def _id_from_name(path: Path) -> str:
    stem = path.name.split(".")[0]
    digits = stem.split("-")[0]
    return digits if digits.isdigit() else stem


def hosts_table(hosts: list[Host]) -> pd.DataFrame:
    """One row per host: ``host`` (its index), ``source_id``, ``mag``, ``t_first``, ``t_last``, ``span``,
    ``n_points``."""
    return pd.DataFrame(
        {
            "host": np.arange(len(hosts), dtype=np.int64),
            "source_id": [h.source_id for h in hosts],
            "mag": [h.mag for h in hosts],
            "t_first": [h.t_first for h in hosts],
            "t_last": [h.t_last for h in hosts],
            "span": [h.span for h in hosts],
            "n_points": [len(h.lc) for h in hosts],
        }
    )
