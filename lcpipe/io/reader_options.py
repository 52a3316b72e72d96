"""Which reader options reach which reader: options shared by every reader, and one section per format.

The ``read`` options of a run (and the keyword options of :func:`lcpipe.io.read.read_lightcurve`) hold

* options for every reader that takes them: ``read: {sentinels: [99.99], time_col: jd}`` gives
  ``sentinels`` to every reader and ``time_col`` to the table readers only, so a folder mixing ``.dat2``
  files (fixed columns) with CSV tables that name their time column ``jd`` reads both;
* sections named after a format (a key of :data:`lcpipe.io.read.FORMATS`: ``dat2``, ``skypatrol``,
  ``csv``, ``ogle``, ``dia`` ...), whose options reach the files read with that format only and override
  the shared ones: ``read: {csv: {time_col: jd}, dia: {time_offset: 2450000}}``.

A shared option that no reader takes is passed on, so that the reader rejects it (``TypeError``) instead
of it being ignored; the workflow's config check (:mod:`lcpipe.options_check`) rejects it first.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from lcpipe.io.dat2 import read_dat2
from lcpipe.io.generic import read_table_lightcurve
from lcpipe.io.microlensing_tables import READERS as MICROLENSING_READERS
from lcpipe.io.skypatrol import read_skypatrol

#: Formats read by :func:`lcpipe.io.generic.read_table_lightcurve` (``ogle`` is a preset of it).
TABLE_FORMATS = ("generic", "csv", "tsv", "text", "parquet", "npy", "ogle")

#: The format whose reader reads other files (an event folder): it gets every option and section, and
#: reads each of its files with that file's format's options (it has no section of its own).
EVENT_FORMAT = "event"


def keyword_options(reader: Callable[..., Any]) -> frozenset[str]:
    """Names of the options ``reader`` takes (keyword-only or with a default; not ``path``)."""
    return frozenset(
        name
        for name, parameter in inspect.signature(reader).parameters.items()
        if name != "path"
        and parameter.kind is not inspect.Parameter.VAR_KEYWORD
        and (parameter.kind is inspect.Parameter.KEYWORD_ONLY or parameter.default is not parameter.empty)
    )


_TABLE_OPTIONS = keyword_options(read_table_lightcurve)

#: Options each format's reader takes. The microlensing readers pass theirs on to the table reader,
#: which they call with their own ``kind``; the column-layout ones also take ``data_kind``.
FORMAT_OPTIONS: dict[str, frozenset[str]] = {
    "dat2": keyword_options(read_dat2),
    "skypatrol": keyword_options(read_skypatrol),
    **dict.fromkeys(TABLE_FORMATS, _TABLE_OPTIONS),
    **dict.fromkeys(MICROLENSING_READERS, (_TABLE_OPTIONS - {"kind"}) | {"data_kind"}),
    "ipac": _TABLE_OPTIONS - {"kind"},
}

#: Every option some reader takes.
ALL_OPTIONS: frozenset[str] = frozenset().union(*FORMAT_OPTIONS.values())

#: Names of the per-format sections: every format but ``event``.
SECTION_NAMES: frozenset[str] = frozenset(FORMAT_OPTIONS)


def options_for(format: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """The options that reach the reader of ``format``.

    Parameters
    ----------
    format : str
        The format the file is read with (a key of :data:`lcpipe.io.read.FORMATS`).
    options : mapping
        Shared options and per-format sections (module docstring).

    Returns
    -------
    dict
        The shared options the reader takes (and those no reader takes, for it to reject), then the
        options of the ``format`` section. For ``event`` every option and section, unchanged: each
        file of the event is read with its own format's options.

    Raises
    ------
    TypeError
        If a format section is not a mapping.
    """
    for name in SECTION_NAMES & set(options):
        if options[name] is not None and not isinstance(options[name], Mapping):
            raise TypeError(f"reader options for format {name!r} must be a mapping, got {options[name]!r}")
    if format == EVENT_FORMAT:
        return dict(options)
    accepted = FORMAT_OPTIONS[format]
    shared = {
        key: value
        for key, value in options.items()
        if key not in SECTION_NAMES and (key in accepted or key not in ALL_OPTIONS)
    }
    return {**shared, **dict(options.get(format) or {})}
