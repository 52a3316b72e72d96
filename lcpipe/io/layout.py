"""Separator and decimal mark of a text table, sniffed from its first data lines.

European spreadsheets write ``12,345`` for 12.345 and separate columns with ``;`` or tabs; read as a
plain CSV such a file turns into nonsense numbers. :func:`sniff_layout` recognises a decimal comma
wherever it is unambiguous (``;``, tab or whitespace separators) and refuses the ambiguous case (commas
as both separator and decimal mark) with ``decimal_comma`` instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lcpipe.io.errors import LightCurveReadError

#: Data lines examined.
SNIFF_LINES = 20

#: A number written with a decimal comma: ``12,3``, ``-0,02``, ``2,5e-3``.
DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+([eE][+-]?\d+)?$")

#: A whole number (no decimal mark, no exponent).
INTEGER = re.compile(r"^[+-]?\d+$")

#: Whitespace separator as pandas spells it.
WHITESPACE = r"\s+"


@dataclass(frozen=True)
class TextLayout:
    """How a text table's fields and numbers are written.

    Attributes
    ----------
    sep : str
        Field separator: ``","``, ``";"``, ``"\\t"`` or ``r"\\s+"`` (whitespace).
    decimal : str
        Decimal mark, ``"."`` or ``","``.
    first_tokens : list of str
        Fields of the first data line.
    """

    sep: str
    decimal: str
    first_tokens: list[str]

    def split(self, line: str) -> list[str]:
        """Fields of one line."""
        parts = line.split() if self.sep == WHITESPACE else line.split(self.sep)
        return [part.strip() for part in parts]

    def is_number(self, token: str) -> bool:
        """True when ``token`` is a number in this layout's decimal mark."""
        if self.decimal == ",":
            token = token.replace(",", ".", 1) if DECIMAL_COMMA.match(token) else token
        try:
            float(token)
        except ValueError:
            return False
        return True


def _split(line: str, sep: str) -> list[str]:
    return [part.strip() for part in (line.split() if sep == WHITESPACE else line.split(sep))]


def _has_decimal_commas(tokens: list[str]) -> bool:
    return any(DECIMAL_COMMA.match(token) for token in tokens)


def sniff_layout(path: Path, lines: list[str], kind: str | None = None) -> TextLayout:
    """Separator and decimal mark of a text table.

    Parameters
    ----------
    path : Path
        The file (for error messages).
    lines : list of str
        Its non-blank, non-comment lines (a header line, if any, first).
    kind : {"csv", "tsv", "text"}, optional
        Forces the separator (comma, tab, whitespace); default sniffed: tab, ``;``, comma, else
        whitespace.

    Raises
    ------
    LightCurveReadError
        ``decimal_comma`` when commas are both the separator and (apparently) the decimal mark.
    """
    first = lines[0]
    if kind == "tsv" or (kind is None and "\t" in first):
        sep = "\t"
    elif kind in (None, "csv") and ";" in first:
        sep = ";"  # spreadsheet "CSV" of locales whose decimal mark is the comma
    elif kind == "csv" or (kind is None and "," in first):
        sep = ","
        whitespace_tokens = [tok for line in lines[:SNIFF_LINES] for tok in line.split()]
        if kind is None and all(DECIMAL_COMMA.match(tok) for tok in whitespace_tokens):
            sep = WHITESPACE  # "2459000,5 12,3 0,02": whitespace columns of decimal-comma numbers
    else:
        sep = WHITESPACE
    sample = [_split(line, sep) for line in lines[:SNIFF_LINES]]
    if sep == ",":
        _refuse_comma_decimals(path, sample)
        return TextLayout(sep, ".", sample[0])
    tokens = [tok for row in sample for tok in row]
    return TextLayout(sep, "," if _has_decimal_commas(tokens) else ".", sample[0])


def _refuse_comma_decimals(path: Path, sample: list[list[str]]) -> None:
    """Raise ``decimal_comma`` for a comma-separated table that looks written with decimal commas.

    Two signs: more fields in every data row than names in the header, or (headerless) numbers that are
    all whole, with some written with a leading zero (``"0,016"`` split into ``"0"`` and ``"016"``).
    """
    header = sample[0] if not any(is_float(tok) for tok in sample[0]) else None  # names, no numbers
    data = sample[1:] if header is not None else sample
    if not data:
        return
    if header is not None:
        width = min(len(row) for row in data)
        if width > len(header):
            raise LightCurveReadError(
                path,
                "decimal_comma",
                f"{len(header)} column names but {width}+ comma-separated fields in every row: decimal "
                "commas with a comma separator are ambiguous; re-export with '.' decimals or ';' separators",
            )
        return
    numbers = [tok for row in data for tok in row if is_float(tok)]
    whole = all(INTEGER.match(tok) for tok in numbers)
    leading_zero = any(len(tok) > 1 and tok.startswith("0") for tok in numbers)
    if numbers and whole and leading_zero:
        raise LightCurveReadError(
            path,
            "decimal_comma",
            "every comma-separated number is whole and some have leading zeros (decimal commas read as "
            "separators?); re-export with '.' decimals or ';' separators",
        )


def is_float(token: str) -> bool:
    """True when ``float(token)`` parses (a number with a decimal point, or none)."""
    try:
        float(token)
    except ValueError:
        return False
    return True
