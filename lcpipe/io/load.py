"""``load_clean``: read and clean one light curve for a pipeline stage, never raising for a bad file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from lcpipe.io.cleaning import (
    CLEANING_RULES,
    CleaningOptions,
    CleaningReport,
    clean_lightcurve,
    cleaning_options_from,
)
from lcpipe.io.compression import reading_once
from lcpipe.io.errors import LightCurveReadError
from lcpipe.io.read import read_lightcurve
from lcpipe.lightcurve import LightCurve

#: Status when the file reads but cleaning leaves no point.
NO_POINTS_AFTER_CLEANING = "no_points_after_cleaning"


def load_clean(
    path: str | Path,
    *,
    format: str | None = None,
    read_options: Mapping[str, Any] | None = None,
    cleaning: CleaningOptions | Mapping[str, Any] | None = None,
) -> tuple[LightCurve | None, str, CleaningReport | None]:
    """Read and clean a light curve, reporting failure as a status instead of raising.

    Parameters
    ----------
    path : str or Path
        Light-curve file.
    format : str, optional
        Reader to force (see :data:`lcpipe.io.read.FORMATS`); default detected.
    read_options : mapping, optional
        Keyword options of the reader.
    cleaning : CleaningOptions or mapping, optional
        Cleaning rules (a dict such as the YAML config section is accepted); default ``CleaningOptions()``.

    Returns
    -------
    lc : LightCurve or None
        The cleaned light curve, None when the file could not be read.
    status : str
        ``"ok"``, a read status of :data:`lcpipe.io.errors.READ_STATUSES`, or
        ``"no_points_after_cleaning"`` (then ``lc`` is the empty cleaned curve).
    report : CleaningReport or None
        Cleaning counts, None when the file could not be read.

    Raises
    ------
    TypeError, ValueError
        Bad options (unknown reader option or cleaning field): programming/configuration errors.
    """
    loaded = load_clean_with_reason(path, format=format, read_options=read_options, cleaning=cleaning)
    return loaded[:3]


def load_clean_with_reason(
    path: str | Path,
    *,
    format: str | None = None,
    read_options: Mapping[str, Any] | None = None,
    cleaning: CleaningOptions | Mapping[str, Any] | None = None,
) -> tuple[LightCurve | None, str, CleaningReport | None, str]:
    """:func:`load_clean` plus the specific reason of a status that is not ``ok``.

    Returns
    -------
    lc, status, report
        As :func:`load_clean`.
    reason : str
        ``""`` for ``ok``; the reader's detail for a read failure (``"mag_err: no mag_err column
        ..."``); the points each cleaning rule dropped for ``no_points_after_cleaning``
        (:func:`cleaning_reason`).
    """
    options = cleaning_options_from(cleaning)
    try:
        with reading_once():  # the reader's look at the head and its parse share one open of the file
            lc = read_lightcurve(path, format=format, **dict(read_options or {}))
    except LightCurveReadError as exc:
        return None, exc.status, None, exc.detail
    cleaned, report = clean_lightcurve(lc, options)
    if report.n_kept > 0:
        return cleaned, "ok", report, ""
    return cleaned, NO_POINTS_AFTER_CLEANING, report, cleaning_reason(report)


def first_failure(
    paths: str | Path | Sequence[str | Path],
    *,
    format: str | Sequence[str | None] | None = None,
    read_options: Mapping[str, Any] | None = None,
) -> str:
    """``"<path>: <status>: <reason>"`` of the first of ``paths`` that cannot be read or keeps no point.

    Parameters
    ----------
    paths : path or sequence of paths
        The files of one source or event.
    format : str or sequence of (str or None), optional
        Reader of every file, or one per file.
    read_options : mapping, optional
        Reader options applied to every file.

    Returns
    -------
    str
        The line, or ``""`` when every file loads.
    """
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    formats = list(format) if isinstance(format, (list, tuple)) else [format] * len(paths)
    for path, fmt in zip(paths, formats, strict=True):
        _, status, _, reason = load_clean_with_reason(path, format=fmt, read_options=read_options)
        if status != "ok":
            return f"{path}: {status}: {reason}"
    return ""


def cleaning_reason(report: CleaningReport) -> str:
    """What cleaning dropped, e.g. ``"0 of 120 kept; dropped non_finite 100, quality 20"``."""
    dropped = ", ".join(
        f"{rule} {report.dropped[rule]}" for rule in CLEANING_RULES if report.dropped.get(rule)
    )
    return f"{report.n_kept} of {report.n_input} kept" + (f"; dropped {dropped}" if dropped else "")
