"""``load_clean``: read and clean one light curve for a pipeline stage, never raising for a bad file."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lcpipe.io.cleaning import CleaningOptions, CleaningReport, clean_lightcurve, cleaning_options_from
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
    options = cleaning_options_from(cleaning)
    try:
        lc = read_lightcurve(path, format=format, **dict(read_options or {}))
    except LightCurveReadError as exc:
        return None, exc.status, None
    cleaned, report = clean_lightcurve(lc, options)
    return cleaned, ("ok" if report.n_kept > 0 else NO_POINTS_AFTER_CLEANING), report
