"""Byte-stable text writers: the same values always give the same file."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd


def write_fixed_csv(path: Path, table: pd.DataFrame, formats: Mapping[str, str]) -> None:
    """Write ``table`` as CSV with a header and one ``%``-format per column (NaN written as empty).

    Parameters
    ----------
    path : Path
        Destination; parent folders are created.
    table : DataFrame
        Columns to write, in ``formats`` order.
    formats : mapping of column name to printf format (``"%.6f"``, ``"%d"``, ``"%s"``)
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = list(formats)
    cells = []
    for name in columns:
        values = table[name].to_numpy()
        fmt = formats[name]
        cells.append(["" if isinstance(v, float) and np.isnan(v) else fmt % v for v in values])
    lines = [",".join(columns)] + [",".join(row) for row in zip(*cells, strict=True)]
    path.write_text("\n".join(lines) + "\n")


def write_dat2(
    path: Path,
    jd: np.ndarray,
    mag: np.ndarray,
    mag_err: np.ndarray,
    good: np.ndarray,
    camera_number: np.ndarray,
    band: np.ndarray,
    saturated: np.ndarray,
    camera_field: np.ndarray,
) -> None:
    """Write an ASAS-SN ``.dat2`` light curve: whitespace columns, no header.

    Parameters
    ----------
    path : Path
        Destination; parent folders are created.
    jd : ndarray, shape (N,)
        Full Julian dates; written as JD - 2450000 with 5 decimals.
    mag, mag_err : ndarray, shape (N,)
        Magnitude and error, 4 decimals.
    good, camera_number, band, saturated : ndarray of int, shape (N,)
        Quality (1 good, 0 bad), camera number, band (0 g, 1 V), saturation flag (0/1).
    camera_field : ndarray of str, shape (N,)
        ``camera_name/field`` token.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = zip(
        (np.asarray(jd) - 2450000.0).tolist(),
        np.asarray(mag).tolist(),
        np.asarray(mag_err).tolist(),
        np.asarray(good, dtype=int).tolist(),
        np.asarray(camera_number, dtype=int).tolist(),
        np.asarray(band, dtype=int).tolist(),
        np.asarray(saturated, dtype=int).tolist(),
        np.asarray(camera_field).tolist(),
        strict=True,
    )
    path.write_text(
        "".join(f"{t:.5f} {m:.4f} {e:.4f} {g} {c} {b} {s} {f}\n" for t, m, e, g, c, b, s, f in rows)
    )
