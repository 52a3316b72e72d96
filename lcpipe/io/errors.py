"""The one exception readers raise for a file they cannot turn into a light curve."""

from __future__ import annotations

from pathlib import Path

#: Status strings a read can end with, and what each means.
READ_STATUSES: dict[str, str] = {
    "missing_file": "the path does not exist or is not a file",
    "unreadable": "the file could not be parsed (binary garbage, bad encoding, ragged rows, ...)",
    "empty": "the file holds no data at all",
    "header_only": "the file has a header but no data rows",
    "no_valid_points": "no row has a finite time and a finite magnitude or flux",
    "unknown_format": "the format could not be recognised or the requested format does not exist",
    "missing_column": "a required column (time, magnitude or flux, or its error) is not in the file",
    "decimal_comma": "decimal commas that cannot be told from comma separators (re-export the table)",
}


class LightCurveReadError(ValueError):
    """A light-curve file could not be read.

    Parameters
    ----------
    path : str or Path
        The file that failed.
    status : str
        Short snake_case reason, one of :data:`READ_STATUSES`.
    detail : str
        What exactly went wrong (appended to the message).

    Attributes
    ----------
    path : str
    status : str
    detail : str
        The specific reason, e.g. ``"mag_err: no mag_err column ..."`` (what tables record as ``reason``).
    """

    def __init__(self, path: str | Path, status: str, detail: str) -> None:
        if status not in READ_STATUSES:
            raise ValueError(f"unknown read status {status!r}; expected one of {sorted(READ_STATUSES)}")
        self.path = str(path)
        self.status = status
        self.detail = detail
        super().__init__(f"{self.path}: {status}: {detail}")
