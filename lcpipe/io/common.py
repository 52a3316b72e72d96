"""File checks and table parsing shared by the readers, turning every failure into LightCurveReadError."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from lcpipe.io.compression import read_raw
from lcpipe.io.encoding import BinaryContentError, decode_text
from lcpipe.io.errors import LightCurveReadError

#: Bytes read from the start of a file to sniff its format and reject binary garbage.
HEAD_BYTES = 8192


def check_file(path: str | Path) -> Path:
    """Return ``path`` as a Path after checking it is an existing, non-empty file.

    Raises
    ------
    LightCurveReadError
        ``missing_file`` or ``empty``.
    """
    path = Path(path)
    if not path.is_file():
        raise LightCurveReadError(path, "missing_file", "no such file")
    if path.stat().st_size == 0:
        raise LightCurveReadError(path, "empty", "file has zero bytes")
    return path


def read_head_text(path: Path, nbytes: int = HEAD_BYTES) -> str:
    """Return the first ``nbytes`` (decompressed) of a text file, decoded; ``unreadable`` for binary content.

    UTF-8 with or without a byte-order mark, UTF-16 and latin-1 are accepted (see
    :func:`lcpipe.io.encoding.decode_text`).
    """
    raw = read_raw(path, nbytes)
    try:
        return decode_text(raw, partial=True)[0]
    except BinaryContentError as exc:
        raise LightCurveReadError(path, "unreadable", str(exc)) from None


def read_text(path: Path) -> tuple[str, str]:
    """The whole (decompressed) text of a file and its encoding (see :func:`read_head_text`)."""
    raw = read_raw(path)
    try:
        return decode_text(raw)
    except BinaryContentError as exc:
        raise LightCurveReadError(path, "unreadable", str(exc)) from None


def data_lines(text: str, comment: str = "#") -> list[str]:
    """Return the non-blank lines of ``text`` that do not start with ``comment``."""
    stripped = (line.strip() for line in text.splitlines())
    return [line for line in stripped if line and not line.startswith(comment)]


def parse_text_table(
    path: Path,
    *,
    sep: str,
    header: bool,
    names: Sequence[str] | None = None,
    comment: str | None = "#",
    skiprows: int = 0,
    dtypes: Mapping[str | int, Any] | None = None,
    decimal: str = ".",
) -> pd.DataFrame:
    """Parse a delimited text table with pandas, mapping parser failures to :class:`LightCurveReadError`.

    Parameters
    ----------
    path : Path
        File to read (already checked by :func:`check_file`).
    sep : str
        Column separator; ``r"\\s+"`` for whitespace.
    header : bool
        Whether the first non-comment line names the columns.
    names : sequence of str, optional
        Column names for a headerless file (rows may have fewer fields; missing ones become NaN).
    comment : str or None
        Lines starting with this character are skipped.
    skiprows : int
        Lines to skip at the top before parsing.
    dtypes : mapping, optional
        Column dtypes to force (e.g. ``str`` for label columns); others are inferred (fast C path).
    decimal : str
        Decimal mark of the numbers (``","`` for tables written with decimal commas).

    Returns
    -------
    DataFrame
        Cells as pandas infers them (read them through :func:`numeric` and :func:`text`);
        ``frame.attrs["encoding"]`` names the file's text encoding.

    Raises
    ------
    LightCurveReadError
        ``unreadable``, ``header_only`` (header but no rows) or ``empty`` (nothing but comments/blanks).
    """
    raw = read_raw(path)
    try:
        decoded, encoding = decode_text(raw)
    except BinaryContentError as exc:
        raise LightCurveReadError(path, "unreadable", str(exc)) from None
    data = raw if encoding == "utf-8" else decoded.encode("utf-8")  # pandas parses UTF-8 bytes fastest
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            sep=sep,
            header=0 if header else None,
            names=list(names) if names is not None else None,
            comment=comment,
            skiprows=skiprows,
            dtype=dtypes,
            skip_blank_lines=True,
            decimal=decimal,
            engine="c",
        )
    except pd.errors.EmptyDataError:
        raise LightCurveReadError(path, "empty", "no data lines (only blanks or comments)") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise LightCurveReadError(path, "unreadable", f"cannot parse as a table ({first})") from None
    if frame.empty:
        raise LightCurveReadError(path, "header_only", "header line(s) but no data rows")
    frame.attrs["encoding"] = encoding
    frame.attrs["decimal"] = decimal
    return frame


def numeric(frame: pd.DataFrame, column: str | int) -> np.ndarray:
    """Return a column as a new float64 array, shape (N,); cells that are not numbers become NaN."""
    values = frame[column]
    if not (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)):
        values = pd.to_numeric(values, errors="coerce")
    return values.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)


def text(frame: pd.DataFrame, column: str | int) -> np.ndarray:
    """Return a column as stripped text labels, shape (N,); missing cells become ``""``.

    Whole numbers in a numeric column become ``"3"``, not ``"3.0"``.
    """
    values = frame[column]
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = values.to_numpy(dtype=np.float64, na_value=np.nan).tolist()
        labels = ["" if x != x else str(int(x)) if float(x).is_integer() else repr(x) for x in numbers]
        return np.array(labels, dtype=str).reshape(len(numbers))
    codes, uniques = pd.factorize(values, use_na_sentinel=True)  # labels repeat: convert each once
    names = np.array([str(name).strip() for name in uniques] + [""], dtype=str)
    return names[codes]  # code -1 (missing) picks the trailing ""


def require_valid_points(path: Path, time: np.ndarray, *values: np.ndarray) -> None:
    """Raise ``no_valid_points`` unless some row has a finite time and a finite value in any of ``values``."""
    finite_value = np.zeros(time.shape, dtype=bool)
    for value in values:
        finite_value |= np.isfinite(value)
    if not np.any(np.isfinite(time) & finite_value):
        raise LightCurveReadError(
            path, "no_valid_points", f"{time.size} rows but none with a finite time and magnitude/flux"
        )
