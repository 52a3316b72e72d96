"""Transparent ``.gz``/``.bz2``/``.xz`` input: the data's own name, and its bytes decompressed.

Every reader takes the format from the *inner* name (``X.csv.gz`` is a CSV, ``X.dat2.xz`` a ``.dat2``)
and reads the decompressed bytes, so a compressed file behaves exactly like the file it holds.

Inside :func:`reading_once` every file is opened once: the readers look at a file's head (to detect its
format, header and layout) and then parse all of it, and :func:`read_raw` serves both from the bytes of
the first open. On a cluster file system an open costs more than reading a light curve's bytes.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import IO, Any

from lcpipe.io.errors import LightCurveReadError

#: Compression suffixes read transparently, and how to open each.
COMPRESSIONS: dict[str, Any] = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


def compression_of(path: str | Path) -> str | None:
    """The compression suffix of ``path`` (``".gz"``, ``".bz2"``, ``".xz"``) or None."""
    suffix = Path(path).suffix.lower()
    return suffix if suffix in COMPRESSIONS else None


def inner_name(path: str | Path) -> str:
    """File name without a compression suffix: ``"X.csv.gz"`` -> ``"X.csv"``."""
    name = Path(path).name
    return name[: -len(compression_of(path))] if compression_of(path) else name


def data_suffix(path: str | Path) -> str:
    """Lower-case suffix of the inner name (``".csv"`` for ``X.csv.gz``; ``""`` when it has none)."""
    return Path(inner_name(path)).suffix.lower()


def data_stem(path: str | Path) -> str:
    """Stem of the inner name (``"X"`` for ``X.csv.gz``), the default source id of a file."""
    return Path(inner_name(path)).stem


def open_data(path: Path) -> IO[bytes]:
    """Open ``path`` for binary reading, decompressing on the fly when its suffix says so."""
    compression = compression_of(path)
    return COMPRESSIONS[compression](path, "rb") if compression else path.open("rb")


#: The bytes of the files read inside the current :func:`reading_once` block (None outside one).
_READ_ONCE: ContextVar[dict[Path, bytes] | None] = ContextVar("lcpipe_read_once", default=None)


@contextmanager
def reading_once() -> Iterator[None]:
    """Within the block, :func:`read_raw` opens each file once and serves every later read from its bytes
    (kept until the block ends: use it around the reading of one light curve)."""
    token = _READ_ONCE.set({})
    try:
        yield
    finally:
        _READ_ONCE.reset(token)


def read_raw(path: Path, limit: int | None = None) -> bytes:
    """The (decompressed) bytes of ``path``: all of them, or the first ``limit``.

    Inside :func:`reading_once` the whole file is read at its first use and kept for the later ones.

    Raises
    ------
    LightCurveReadError
        ``unreadable`` when the file cannot be opened or its compressed stream is corrupt or truncated.
    """
    seen = _READ_ONCE.get()
    if seen is None:
        return _read_raw(path, limit)
    key = Path(path)
    if key not in seen:
        seen[key] = _read_raw(key, None)
    return seen[key] if limit is None else seen[key][:limit]


def _read_raw(path: Path, limit: int | None) -> bytes:
    """:func:`read_raw` without the :func:`reading_once` cache."""
    try:
        with open_data(path) as handle:
            return handle.read() if limit is None else handle.read(limit)
    except (EOFError, lzma.LZMAError, zlib.error, gzip.BadGzipFile) as exc:
        raise LightCurveReadError(
            path, "unreadable", f"corrupt or truncated {compression_of(path)} data ({exc})"
        ) from None
    except OSError as exc:
        if compression_of(path):  # bz2 reports a bad stream as a bare OSError
            raise LightCurveReadError(
                path, "unreadable", f"corrupt or truncated {compression_of(path)} data ({exc})"
            ) from None
        raise LightCurveReadError(path, "unreadable", f"cannot open: {exc.strerror or exc}") from None
