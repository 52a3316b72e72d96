"""Early checks of a workflow config: every option section, the reader options, the survey layout.

The JSON schema documents and validates the workflow's own keys (unknown keys, types, ranges). Here,
before the first job (:func:`check_config`, called by ``rules/common.smk``):

* every section that holds a module's options (``cleaning``, ``tag``, ``pspl``, ``events``, ``anomaly``,
  ``dips``, ``filter``, ``characterize``, ``vetting``) is built into its options dataclass: unknown keys
  (nested ones included), values of the wrong type (from the dataclass's annotations) and values the
  class rejects each fail naming the key;
* ``read`` is checked against the keyword options the readers take: a shared option some reader takes,
  or a section named after a format holding options of that format's reader
  (:mod:`lcpipe.io.reader_options`);
* the survey: the layout's folders and files exist (unless the demo generator writes them), a folder
  layout names its folder, bin names are unique, and for the folder layout parse as ``<lo>_<hi>``
  magnitudes and do not overlap; the evaluation's bin edges increase.

Each mistake is one :class:`ConfigError` line naming the key, not a job failure hours later.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from lcpipe.characterize.candidates import CharacterizeOptions
from lcpipe.filter.criteria import FilterOptions
from lcpipe.io.cleaning import CleaningOptions
from lcpipe.io.generic import TABLE_KINDS
from lcpipe.io.reader_options import ALL_OPTIONS, FORMAT_OPTIONS, SECTION_NAMES
from lcpipe.options import ConfigError, Section, is_number
from lcpipe.stages.dips import DIPS_SECTION
from lcpipe.stages.ltv import LTV_SECTION
from lcpipe.stages.microlensing import ANOMALY_SECTION, EVENTS_SECTION, PSPL_SECTION
from lcpipe.stages.tag import TAG_SECTION
from lcpipe.vetting.candidates import VettingOptions

__all__ = ["CHECKED_SECTIONS", "SECTIONS", "ConfigError", "check_config", "check_options", "effective_config"]

#: Config sections built into their options objects and spelled out by :func:`effective_config`.
SECTIONS: dict[str, Section] = {
    s.name: s for s in (Section("cleaning", CleaningOptions), PSPL_SECTION, ANOMALY_SECTION, DIPS_SECTION)
}

#: Further sections checked against their options classes when present (shown as configured).
CHECKED_SECTIONS: dict[str, Section] = {
    s.name: s
    for s in (
        TAG_SECTION,
        EVENTS_SECTION,
        LTV_SECTION,
        Section("filter", FilterOptions),
        Section("characterize", CharacterizeOptions),
        Section("vetting", VettingOptions),
    )
}

#: Reader parameters the workflow sets itself (not config options).
_READER_OWN = frozenset({"source_id"})


def check_options(config: Mapping[str, Any]) -> None:
    """Raise :class:`ConfigError` for the first unknown key or invalid value in the option sections."""
    for name, section in {**SECTIONS, **CHECKED_SECTIONS}.items():
        if name in SECTIONS or name in config:
            section.build(config.get(name))
    _check_read(config.get("read") or {})
    events = config.get("events") or {}
    if "min_tE" in events and "max_tE" in events and not events["min_tE"] < events["max_tE"]:
        raise ConfigError(
            f"config key 'events.max_tE' ({events['max_tE']}) must exceed events.min_tE ({events['min_tE']})"
        )
    periodicity = (config.get("filter") or {}).get("periodicity") or {}
    low, high = periodicity.get("min_period_days"), periodicity.get("max_period_days")
    if low is not None and high is not None and not low < high:
        raise ConfigError(
            f"config key 'filter.periodicity.max_period_days' ({high}) must exceed min_period_days ({low})"
        )


def check_config(config: Mapping[str, Any]) -> None:
    """Every check of the module docstring; raise :class:`ConfigError` for the first mistake.

    Parameters
    ----------
    config : mapping
        The workflow configuration after schema validation (defaults filled in).
    """
    check_options(config)
    check_survey(config)
    _check_evaluation_edges(config.get("evaluation") or {})


def _check_read(read: Mapping[str, Any]) -> None:
    """Unknown reader options, misplaced ones and impossible values of the ``read`` section."""
    if not isinstance(read, Mapping):
        raise ConfigError(f"config section 'read' must be a mapping of reader options, got {read!r}")
    shared = sorted(ALL_OPTIONS - _READER_OWN)
    for key, value in read.items():
        if key in SECTION_NAMES:
            _check_format_section(key, value)
        elif key not in ALL_OPTIONS or key in _READER_OWN:
            raise ConfigError(
                f"config key 'read.{key}' is not a reader option or a format; options: "
                f"{', '.join(shared)}; formats (a section of options for that format's files): "
                f"{', '.join(sorted(SECTION_NAMES))}"
            )
    _check_read_values("read", read)


def _check_format_section(name: str, section: Any) -> None:
    """One per-format section of ``read``: a mapping of options its format's reader takes."""
    if section is None:
        return
    if not isinstance(section, Mapping):
        raise ConfigError(
            f"config key 'read.{name}' must be a mapping of {name} reader options, got {section!r}"
        )
    allowed = sorted(FORMAT_OPTIONS[name] - _READER_OWN)
    for key in section:
        if key not in allowed:
            raise ConfigError(
                f"config key 'read.{name}.{key}' is not an option of the {name} reader; allowed: "
                f"{', '.join(allowed)}"
            )
    _check_read_values(f"read.{name}", section)


def _check_read_values(path: str, read: Mapping[str, Any]) -> None:
    """Impossible values of reader options (``path`` the config key of ``read``)."""
    if read.get("kind") is not None and read["kind"] not in TABLE_KINDS:
        raise ConfigError(
            f"config key '{path}.kind' must be one of {list(TABLE_KINDS)}, got {read['kind']!r}"
        )
    columns = read.get("columns")
    if columns is not None and (isinstance(columns, str) or not all(isinstance(c, str) for c in columns)):
        raise ConfigError(f"config key '{path}.columns' must be a list of column names, got {columns!r}")
    for key in ("time_offset", "zero_point"):
        if key in read and not is_number(read[key]):
            raise ConfigError(f"config key '{path}.{key}' must be a number, got {read[key]!r}")


def check_survey(config: Mapping[str, Any]) -> None:
    """The survey layout, its folders and the bins (see the module docstring)."""
    survey = config.get("survey") or {}
    bins = list(config.get("bins") or [])
    repeated = sorted({b for b in bins if bins.count(b) > 1})
    if repeated:
        raise ConfigError(f"config key 'bins' lists {', '.join(repeated)} more than once")
    layout = survey.get("layout", "asassn")
    demo = config.get("demo") or {}
    generated = Path(demo["out_dir"]) if demo.get("generate") and demo.get("out_dir") else None
    if layout == "folder":
        if not survey.get("folder"):
            raise ConfigError(
                "config key 'survey.folder' must name the folder of light curves (layout: folder)"
            )
        _check_bins_are_magnitudes(bins)
        _check_exists("survey.folder", survey["folder"], generated, folder=True)
    elif layout == "asassn":
        for key in ("lc_root", "index_root"):
            if not survey.get(key):
                raise ConfigError(f"config key 'survey.{key}' must name a folder (layout: asassn)")
        _check_exists("survey.index_root", survey["index_root"], generated, folder=True)
        _check_exists("survey.lc_root", survey["lc_root"], generated, folder=True)
        for name in bins:
            _check_exists(f"bins ({name})", Path(survey["index_root"], name), generated, folder=True)
    if survey.get("catalog"):
        _check_exists("survey.catalog", survey["catalog"], generated, folder=False)
    # characterize.catalog and vetting.vsx are not required: without them those stages mark every
    # candidate (gaia_status / vsx_status catalog_error) and the bin goes on.
    known_variables = (config.get("tag") or {}).get("known_variables")
    if known_variables:
        _check_exists("tag.known_variables", known_variables, generated, folder=False)
    if not str(config.get("results_dir", "results")).strip():
        raise ConfigError("config key 'results_dir' must not be empty")


def _check_bins_are_magnitudes(bins: Sequence[str]) -> None:
    """Folder-layout bins: ``<lo>_<hi>`` magnitudes with lo < hi, pairwise disjoint."""
    limits = []
    for name in bins:
        parts = str(name).split("_")
        try:
            lo, hi = (float(part) for part in parts)
        except ValueError:
            raise ConfigError(
                f"config key 'bins': {name!r} is not '<lo>_<hi>' in magnitudes (e.g. '12.5_13'), which the "
                "folder layout needs"
            ) from None
        if not lo < hi:
            raise ConfigError(f"config key 'bins': in {name!r} the lower limit is not below the upper one")
        limits.append((lo, hi, name))
    limits.sort()
    for (_, hi, name), (lo, _, other) in itertools.pairwise(limits):
        if lo < hi:
            raise ConfigError(
                f"config key 'bins': {name!r} and {other!r} overlap (a source would be processed twice)"
            )


def _check_exists(key: str, path: str | Path, generated: Path | None, *, folder: bool) -> None:
    """``path`` exists (a folder or a file), unless it lies in the folder the demo generator writes."""
    path = Path(path)
    if generated is not None and (path == generated or generated in path.parents):
        return
    if folder and not path.is_dir():
        raise ConfigError(f"config key '{key}': folder {path} does not exist")
    if not folder and not path.is_file():
        raise ConfigError(f"config key '{key}': file {path} does not exist")


def _check_evaluation_edges(evaluation: Mapping[str, Any]) -> None:
    """Bin edges of the evaluation grids increase strictly."""
    for section, values in evaluation.items():
        if not isinstance(values, Mapping):
            continue
        for key, edges in values.items():
            if key in ("models", "skew_alpha") or not isinstance(edges, list) or len(edges) < 2:
                continue
            if all(is_number(e) for e in edges) and any(b <= a for a, b in itertools.pairwise(edges)):
                raise ConfigError(
                    f"config key 'evaluation.{section}.{key}': bin edges must increase, got {edges}"
                )


def effective_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """``config`` with every option section spelled out: each option at its value in this run, defaults
    included (the JSON schema fills the workflow's own keys; the dataclasses fill these).

    Fields filled from another section are left out (they are shown there); tuples become lists so the
    result dumps as plain YAML or JSON.
    """
    out = dict(config)
    for name, section in SECTIONS.items():
        values = _plain(dataclasses.asdict(section.build(config.get(name))))
        shown = {k: v for k, v in values.items() if k not in section.from_sections}
        out[name] = shown | section.workflow(config.get(name))
    return out


def _plain(value: Any) -> Any:
    """Tuples to lists, recursively (YAML's safe dumper has no tuples)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
