"""Reader for generic tables: CSV/TSV/whitespace text, Parquet, NumPy ``.npy`` and IPAC tables.

Columns are found by name (case-insensitive; a few common aliases for the defaults) or by position,
and every choice made is recorded in ``meta["columns_used"]``.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lcpipe.io.common import (
    check_file,
    data_lines,
    numeric,
    parse_text_table,
    read_head_text,
    read_text,
    require_valid_points,
    text,
)
from lcpipe.io.compression import compression_of, data_stem, data_suffix, read_raw
from lcpipe.io.errors import LightCurveReadError
from lcpipe.io.layout import DECIMAL_COMMA, TextLayout, is_float, sniff_layout
from lcpipe.io.sentinels import DEFAULT_SENTINELS, mask_sentinels
from lcpipe.io.time_base import time_flag, time_frame_of
from lcpipe.lightcurve import LightCurve, make_lightcurve

#: Table kinds this module parses.
TABLE_KINDS = ("csv", "tsv", "text", "parquet", "npy", "ipac")

#: Names tried, in order, for each quantity whose column was not given explicitly.
DEFAULT_NAMES: dict[str, tuple[str, ...]] = {
    "time": ("time", "jd", "hjd", "bjd", "mjd", "t"),
    "mag": ("mag", "magnitude"),
    "mag_err": ("mag_err", "magerr", "e_mag", "mag_error", "err", "error", "sigma"),
    "flux": ("flux",),
    "flux_err": ("flux_err", "fluxerr", "e_flux", "flux_error"),
}

#: Column names given to a headerless text table when ``columns`` is not passed.
HEADERLESS_TEXT_COLUMNS = ("time", "mag", "mag_err")

#: Column names given to a plain 2-D ``.npy`` array when ``columns`` is not passed (Roman-style).
NPY_COLUMNS = ("time", "flux", "flux_err")

#: Zero point of magnitudes derived from flux (and flux derived from magnitudes) unless given.
DEFAULT_ZERO_POINT = 22.0

#: Spellings of a true flag in text columns (compared lower-case).
TRUE_WORDS = frozenset({"1", "true", "t", "yes", "y", "g", "good"})

Column = str | int | None


def _text_layout(path: Path, kind: str | None, comment: str) -> TextLayout:
    """Separator, decimal mark and first data line's tokens of a text table."""
    lines = data_lines(read_head_text(path), comment)
    if not lines:
        raise LightCurveReadError(path, "empty", "no data lines (only blanks or comments)")
    return sniff_layout(path, lines, kind)


def _commented_header(path: Path, comment: str, n_columns: int) -> list[str] | None:
    """Names from a ``# name name ...`` line just above the data, when it has one name per column."""
    previous = None
    for line in read_head_text(path).splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith(comment):
            break
        previous = stripped
    if previous is None:
        return None
    names = previous.lstrip(comment).replace(",", " ").replace(";", " ").split()
    if len(names) == n_columns and not any(is_float(name) for name in names):
        return names
    return None


def _read_text(path: Path, kind: str | None, columns: Sequence[str] | None, comment: str) -> pd.DataFrame:
    layout = _text_layout(path, kind, comment)
    tokens = layout.first_tokens
    # With names by position, a header names those columns: later text columns (frame IDs) are data.
    named = tokens if columns is None else tokens[: len(columns)]
    has_header = not all(layout.is_number(tok) for tok in named)
    parse = {"sep": layout.sep, "comment": comment, "decimal": layout.decimal}
    if columns is not None:
        return _rename_positional(parse_text_table(path, header=has_header, **parse), columns)
    if has_header:
        return parse_text_table(path, header=True, **parse)
    names = _commented_header(path, comment, len(tokens))
    frame = parse_text_table(path, header=False, **parse)
    if names is None:
        names = list(HEADERLESS_TEXT_COLUMNS[: frame.shape[1]])
        names += [f"col{i}" for i in range(len(names), frame.shape[1])]
    frame.columns = names
    return frame


def _rename_positional(frame: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """Give the first ``len(names)`` columns of ``frame`` the names ``names`` (others keep theirs)."""
    frame = frame.copy()
    frame.columns = list(names)[: frame.shape[1]] + [str(c) for c in frame.columns[len(names) :]]
    return frame


def _binary_source(path: Path) -> Path | io.BytesIO:
    """What NumPy/pyarrow open: the path itself, or the decompressed bytes of a compressed file."""
    return io.BytesIO(read_raw(path)) if compression_of(path) else path


def _read_npy(path: Path, columns: Sequence[str] | None) -> pd.DataFrame:
    try:
        array = np.load(_binary_source(path), allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise LightCurveReadError(path, "unreadable", f"not a NumPy .npy array ({exc})") from None
    if array.dtype.names:
        frame = pd.DataFrame({name: array[name] for name in array.dtype.names})
        return _rename_positional(frame, columns) if columns is not None else frame
    if array.ndim != 2:
        raise LightCurveReadError(path, "unreadable", f"expected a 2-D array, got shape {array.shape}")
    if array.shape[0] == 0:
        raise LightCurveReadError(path, "header_only", f"array of shape {array.shape} has no rows")
    names = list(columns) if columns is not None else list(NPY_COLUMNS)
    names = names[: array.shape[1]] + [f"col{i}" for i in range(len(names), array.shape[1])]
    return pd.DataFrame(array, columns=names)


def _read_parquet(path: Path, columns: Sequence[str] | None) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(_binary_source(path))
    except Exception as exc:  # pyarrow raises several unrelated types for a corrupt file
        raise LightCurveReadError(path, "unreadable", f"not a Parquet file ({type(exc).__name__})") from None
    return _rename_positional(frame, columns) if columns is not None else frame


def _read_ipac(path: Path, columns: Sequence[str] | None) -> pd.DataFrame:
    from astropy.io import ascii as astropy_ascii

    content, encoding = read_text(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # astropy warns about IPAC keyword quirks, not data
            table = astropy_ascii.read(content.splitlines(), format="ipac", guess=False)
    except Exception as exc:  # astropy's parsers raise many types for malformed tables
        raise LightCurveReadError(path, "unreadable", f"not an IPAC table ({type(exc).__name__})") from None
    frame = table.to_pandas()
    frame.attrs["encoding"] = encoding
    return _rename_positional(frame, columns) if columns is not None else frame


def _find_column(
    path: Path, frame: pd.DataFrame, quantity: str, requested: Column, required: bool
) -> str | None:
    """Resolve a column given by name, position or (when ``requested`` is None) the default names."""
    names = [str(c) for c in frame.columns]
    lower = {name.lower(): name for name in reversed(names)}
    if isinstance(requested, int) and not isinstance(requested, bool):
        if not -len(names) <= requested < len(names):
            raise LightCurveReadError(
                path, "missing_column", f"{quantity} column position {requested} but table has {len(names)}"
            )
        return names[requested]
    if requested is not None:
        if str(requested).lower() in lower:
            return lower[str(requested).lower()]
        raise LightCurveReadError(
            path, "missing_column", f"{quantity} column {requested!r} not in the table's columns {names}"
        )
    for candidate in DEFAULT_NAMES.get(quantity, ()):
        if candidate in lower:
            return lower[candidate]
    if required:
        raise LightCurveReadError(
            path,
            "missing_column",
            f"no {quantity} column (tried {list(DEFAULT_NAMES[quantity])}) in {names}; "
            f"name it with the {quantity}_col option",
        )
    return None


def _require_errors(path: Path, frame: pd.DataFrame, used: dict[str, str | None]) -> None:
    """Raise ``missing_column`` when the photometry has no error column (mag_err, or flux_err for flux).

    Errors of one kind are derived from the other, so one of them suffices.
    """
    if used["mag_err"] is not None or used["flux_err"] is not None:
        return
    missing = "mag_err" if used["mag"] is not None else "flux_err"
    raise LightCurveReadError(
        path,
        "missing_column",
        f"{missing}: no {missing} column (tried {list(DEFAULT_NAMES[missing])}) in {list(frame.columns)}; "
        f"name it with the {'err_col' if missing == 'mag_err' else 'flux_err_col'} option",
    )


def _refuse_decimal_comma_text(path: Path, frame: pd.DataFrame, used: dict[str, str | None]) -> None:
    """Raise ``decimal_comma`` when a numeric column holds text such as ``"12,3"`` (quoted decimal commas)."""
    for quantity in ("time", "mag", "flux"):
        column = used.get(quantity)
        if column is None or pd.api.types.is_numeric_dtype(frame[column]):
            continue
        cells = frame[column].dropna().astype(str).str.strip()
        if len(cells) and cells.str.match(DECIMAL_COMMA.pattern).mean() > 0.5:
            raise LightCurveReadError(
                path,
                "decimal_comma",
                f"{quantity} column {column!r} holds decimal-comma text such as {cells.iloc[0]!r}; "
                "re-export with '.' decimals or ';' separators",
            )


def _flags(frame: pd.DataFrame, column: str) -> np.ndarray:
    values = frame[column]
    as_number = pd.to_numeric(values, errors="coerce")
    if as_number.notna().all():
        return as_number.to_numpy() != 0
    return np.isin(np.char.lower(text(frame, column)), list(TRUE_WORDS))


def _labels(frame: pd.DataFrame, column: str) -> np.ndarray:
    return text(frame, column)


def read_table_lightcurve(
    path: str | Path,
    *,
    kind: str | None = None,
    columns: Sequence[str] | None = None,
    time_col: Column = None,
    mag_col: Column = None,
    err_col: Column = None,
    flux_col: Column = None,
    flux_err_col: Column = None,
    camera_col: Column = None,
    band_col: Column = None,
    dataset_col: Column = None,
    good_col: Column = None,
    saturated_col: Column = None,
    camera: str = "0",
    band: str = "",
    time_offset: float = 0.0,
    zero_point: float = DEFAULT_ZERO_POINT,
    source_id: str | None = None,
    comment: str = "#",
    sentinels: Sequence[float] = DEFAULT_SENTINELS,
    time_frame: str | None = None,
    meta: Mapping[str, Any] | None = None,
) -> LightCurve:
    """Read a light curve from a generic table.

    Parameters
    ----------
    path : str or Path
        The table file.
    kind : {"csv", "tsv", "text", "parquet", "npy", "ipac"}, optional
        Table kind; default from the extension (``.csv``, ``.tsv``, ``.parquet``/``.pq``, ``.npy``,
        ``.tbl``/``.ipac``), anything else is text with the separator sniffed (comma, tab, whitespace).
    columns : sequence of str, optional
        Names for the columns by position (headerless text, plain ``.npy``; renames the first columns of
        tables that have names). Defaults: headerless text ``("time", "mag", "mag_err")`` unless a
        ``# name ...`` comment line right above the data names every column; plain ``.npy``
        ``("time", "flux", "flux_err")``.
    time_col, mag_col, err_col, flux_col, flux_err_col : str or int, optional
        Column name (case-insensitive) or position of time, magnitude, magnitude error, flux and flux
        error. Default: the first present of :data:`DEFAULT_NAMES`. Time and at least one of mag/flux
        are required; a column named explicitly must exist.
    camera_col, band_col, good_col, saturated_col : str or int, optional
        Columns of per-point camera label, band, good flag and saturation flag (numbers: non-zero is
        true; text: one of :data:`TRUE_WORDS`). Without them every point is good and unsaturated.
    dataset_col : str or int, optional
        Column of per-point data set labels (survey, telescope, observer); default: the camera labels.
    camera, band : str
        Labels used when there is no camera/band column.
    time_offset : float
        Added to the time column (e.g. 2450000 for HJD - 2450000); recorded in ``meta``.
    zero_point : float
        Zero point for the missing side of mag/flux (``F = 10**(-0.4 (m - zero_point))``), stored in
        ``meta["zero_point"]``.
    source_id : str, optional
        Default: the file stem.
    comment : str
        Comment character of text tables.
    sentinels : sequence of float
        Magnitude/error values meaning "no measurement" (default 99.99, 99.999, -99): NaN, counted in
        ``meta["n_upper_limits"]`` and ``meta["n_no_photometry"]``.
    time_frame : str, optional
        Time frame recorded in ``meta["time_frame"]`` (``"JD"``, ``"HJD"``, ``"BJD"``, ``"MJD"``);
        default from the time column's name (``mjd`` -> ``"MJD"``), else ``""`` (unknown).
    meta : mapping, optional
        Extra metadata (e.g. ``ra``, ``dec``, ``mag_bin``).

    Returns
    -------
    LightCurve
        ``meta`` records ``columns_used``, ``time_frame``, ``time_flag`` (negative or implausible
        times, see :mod:`lcpipe.io.time_base`), ``encoding`` and ``decimal`` of text tables.
        Compressed files (``.gz``, ``.bz2``, ``.xz``) are read as the table they hold.

    Raises
    ------
    LightCurveReadError
        Missing/empty/unreadable file, header without rows, missing columns (time; magnitude or flux;
        the error of the photometry given: ``missing_column`` naming ``mag_err``/``flux_err``), no
        valid point, decimal commas that cannot be told from separators (``decimal_comma``).
    ValueError
        Unknown ``kind``.
    """
    path = check_file(path)
    if kind is None:
        kind = {
            ".csv": "csv", ".tsv": "tsv", ".parquet": "parquet", ".pq": "parquet", ".npy": "npy",
            ".tbl": "ipac", ".ipac": "ipac",
        }.get(data_suffix(path), "text")  # fmt: skip
    if kind not in TABLE_KINDS:
        raise ValueError(f"unknown table kind {kind!r}; expected one of {TABLE_KINDS}")
    if kind == "npy":
        frame = _read_npy(path, columns)
    elif kind == "parquet":
        frame = _read_parquet(path, columns)
    elif kind == "ipac":
        frame = _read_ipac(path, columns)
    else:
        frame = _read_text(path, None if kind == "text" else kind, columns, comment)
    if frame.empty:
        raise LightCurveReadError(path, "header_only", "table has columns but no rows")
    frame.columns = [str(c).strip() for c in frame.columns]

    used = {"time": _find_column(path, frame, "time", time_col, required=True)}
    for quantity, requested in (("mag", mag_col), ("mag_err", err_col), ("flux", flux_col),
                                ("flux_err", flux_err_col)):  # fmt: skip
        used[quantity] = _find_column(path, frame, quantity, requested, required=False)
    if used["mag"] is None and used["flux"] is None:
        raise LightCurveReadError(
            path, "missing_column", f"neither a magnitude nor a flux column in {list(frame.columns)}"
        )
    _require_errors(path, frame, used)
    _refuse_decimal_comma_text(path, frame, used)
    for quantity, requested in (("camera", camera_col), ("band", band_col), ("good", good_col),
                                ("saturated", saturated_col), ("dataset", dataset_col)):  # fmt: skip
        if requested is not None:
            used[quantity] = _find_column(path, frame, quantity, requested, required=True)

    time = numeric(frame, used["time"]) + time_offset
    values = {
        q: numeric(frame, used[q]) if used[q] is not None else None for q in DEFAULT_NAMES if q != "time"
    }
    sentinel_counts = {"n_upper_limits": 0, "n_no_photometry": 0}
    if values["mag"] is not None:
        values["mag"], values["mag_err"], sentinel_counts = mask_sentinels(
            values["mag"], values["mag_err"], sentinels
        )
    require_valid_points(path, time, *(v for v in (values["mag"], values["flux"]) if v is not None))
    if values["mag"] is None:
        values["mag_err"] = None
    if values["flux"] is None:
        values["flux_err"] = None
    return make_lightcurve(
        time,
        mag=values["mag"],
        mag_err=values["mag_err"],
        flux=values["flux"],
        flux_err=values["flux_err"],
        camera=_labels(frame, used["camera"]) if "camera" in used else camera,
        band=_labels(frame, used["band"]) if "band" in used else band,
        dataset=_labels(frame, used["dataset"]) if "dataset" in used else None,
        good=_flags(frame, used["good"]) if "good" in used else None,
        saturated=_flags(frame, used["saturated"]) if "saturated" in used else None,
        zero_point=zero_point,
        meta={
            "source_id": source_id if source_id is not None else data_stem(path),
            "path": str(path),
            "format": kind,
            "time_offset": float(time_offset),
            "time_frame": time_frame if time_frame is not None else time_frame_of(used["time"]),
            "time_flag": time_flag(time),
            "encoding": frame.attrs.get("encoding", ""),
            "decimal": frame.attrs.get("decimal", "."),
            **sentinel_counts,
            "ra": np.nan,
            "dec": np.nan,
            **(meta or {}),
            "columns_used": {q: c for q, c in used.items() if c is not None},
        },
    )
