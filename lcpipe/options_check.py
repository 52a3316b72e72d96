"""Early checks of a workflow config: every option section, the reader options, the survey layout.

The JSON schema documents and validates the workflow's own keys (unknown keys, types, ranges). Here,
before the first job (:func:`check_config`, called by ``rules/common.smk``):

* every section that holds a module's options (``cleaning``, ``tag``, ``pspl``, ``events``, ``anomaly``,
  ``dips``, ``filter``, ``characterize``, ``vetting``) is built into its options dataclass: unknown keys
  (nested ones included), values of the wrong type (from the dataclass's annotations) and values the
  class rejects each fail naming the key;
* ``read`` is checked against the keyword options the readers take;
* the survey: the layout's folders and files exist (unless the demo generator writes them), a folder
  layout names its folder, bin names are unique, and for the folder layout parse as ``<lo>_<hi>``
  magnitudes and do not overlap; the evaluation's bin edges increase.

Each mistake is one :class:`ConfigError` line naming the key, not a job failure hours later.
"""

from __future__ import annotations

import dataclasses
import inspect
import itertools
import types
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from lcpipe.characterize.stage import CharacterizeOptions
from lcpipe.dips.events import DipOptions
from lcpipe.filter.tests import FilterOptions
from lcpipe.io.cleaning import CleaningOptions
from lcpipe.io.dat2 import read_dat2
from lcpipe.io.generic import TABLE_KINDS, read_table_lightcurve
from lcpipe.io.skypatrol import read_skypatrol
from lcpipe.microlensing.finder import FinderOptions
from lcpipe.microlensing.pspl import PSPLOptions
from lcpipe.stages.microlensing import EventSelection
from lcpipe.stages.tag import TagOptions
from lcpipe.vetting.stage import VettingOptions


class ConfigError(ValueError):
    """A config section has an unknown key or a value its options class rejects."""


@dataclasses.dataclass(frozen=True)
class OptionSection:
    """How one config section maps onto its options dataclass.

    Attributes
    ----------
    options : type
        The options dataclass the section's values build.
    workflow_keys : frozenset of str
        Keys the workflow itself consumes before building the class.
    from_sections : Mapping of str to str
        Fields the workflow fills from another config section (field -> section); setting them here
        would be silently overridden, so it is an error.
    """

    options: type
    workflow_keys: frozenset[str] = frozenset()
    from_sections: Mapping[str, str] = dataclasses.field(default_factory=dict)


#: Config section -> how it maps onto its options dataclass.
SECTIONS: dict[str, OptionSection] = {
    "cleaning": OptionSection(CleaningOptions),
    "pspl": OptionSection(PSPLOptions),
    "anomaly": OptionSection(FinderOptions, frozenset({"clusters_min_dchi2"}), {"pspl": "pspl"}),
    "dips": OptionSection(DipOptions, frozenset({"require_passed_tags"})),
}

#: Further sections checked against their options classes (their values are shown as configured).
CHECKED_SECTIONS: dict[str, OptionSection] = {
    "tag": OptionSection(TagOptions),
    "events": OptionSection(EventSelection),
    "filter": OptionSection(FilterOptions),
    "characterize": OptionSection(CharacterizeOptions),
    "vetting": OptionSection(VettingOptions),
}

#: Keys that were removed, and the one key each rule now has (one cleaning policy for every stage).
REPLACED_KEYS: dict[str, str] = {
    "dips.max_mag_err": "cleaning.max_err (drops err >= max_err)",
    "dips.use_good_flag": "cleaning.require_good",
    "dips.drop_saturated": "cleaning.drop_saturated",
}

#: The readers every ``read`` option is passed to (:func:`lcpipe.io.read.read_lightcurve`).
READERS = (read_dat2, read_skypatrol, read_table_lightcurve)

#: Reader parameters the workflow sets itself (not config options).
_READER_OWN = frozenset({"path", "source_id"})


def _build(name: str, section: OptionSection, config: Mapping[str, Any]) -> Any:
    """The options object of one section (its workflow keys left out), or :class:`ConfigError`."""
    values = dict(config.get(name) or {})
    for key, source in section.from_sections.items():
        if key in values:
            raise ConfigError(f"config key '{name}.{key}' is set by section '{source}'; set it there instead")
    values = {k: v for k, v in values.items() if k not in section.workflow_keys}
    _check_keys(name, section.options, values)
    _check_types(name, section.options, values)
    try:
        return section.options(**values)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"config section '{name}': {exc}") from exc


def check_options(config: Mapping[str, Any]) -> None:
    """Raise :class:`ConfigError` for the first unknown key or invalid value in the option sections."""
    for name, section in {**SECTIONS, **CHECKED_SECTIONS}.items():
        if name in SECTIONS or name in config:
            _build(name, section, config)
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


def reader_options() -> dict[str, inspect.Parameter]:
    """Keyword options of the readers (name → parameter of the first reader that takes it)."""
    out: dict[str, inspect.Parameter] = {}
    for reader in READERS:
        for name, parameter in inspect.signature(reader).parameters.items():
            optional = parameter.default is not inspect.Parameter.empty
            if name not in _READER_OWN and (parameter.kind is inspect.Parameter.KEYWORD_ONLY or optional):
                out.setdefault(name, parameter)
    return out


def _check_read(read: Mapping[str, Any]) -> None:
    """Unknown reader options and impossible values of the ``read`` section."""
    if not isinstance(read, Mapping):
        raise ConfigError(f"config section 'read' must be a mapping of reader options, got {read!r}")
    allowed = reader_options()
    for key in read:
        if key not in allowed:
            raise ConfigError(
                f"config key 'read.{key}' is not a reader option; allowed: {', '.join(sorted(allowed))}"
            )
    if read.get("kind") is not None and read["kind"] not in TABLE_KINDS:
        raise ConfigError(f"config key 'read.kind' must be one of {list(TABLE_KINDS)}, got {read['kind']!r}")
    columns = read.get("columns")
    if columns is not None and (isinstance(columns, str) or not all(isinstance(c, str) for c in columns)):
        raise ConfigError(f"config key 'read.columns' must be a list of column names, got {columns!r}")
    for key in ("time_offset", "zero_point"):
        if key in read and not _is_number(read[key]):
            raise ConfigError(f"config key 'read.{key}' must be a number, got {read[key]!r}")


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
            if all(_is_number(e) for e in edges) and any(b <= a for a, b in itertools.pairwise(edges)):
                raise ConfigError(
                    f"config key 'evaluation.{section}.{key}': bin edges must increase, got {edges}"
                )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _accepts(hint: Any, value: Any) -> bool | None:
    """Whether ``value`` fits the annotation ``hint`` (None: not a simple type, not checked)."""
    if hint is float:
        return _is_number(value)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint in (bool, str):
        return isinstance(value, hint)
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        answers = [
            True if arg is type(None) and value is None else _accepts(arg, value)
            for arg in typing.get_args(hint)
        ]
        if any(a is True for a in answers):
            return True
        return None if any(a is None for a in answers) else False
    if origin in (tuple, list, Sequence) or hint in (tuple, list):
        return isinstance(value, list | tuple)
    return None


def _check_types(path: str, cls: type, values: Mapping[str, Any]) -> None:
    """Values of the wrong simple type for dataclass ``cls`` (from its annotations), recursively."""
    try:
        hints = typing.get_type_hints(cls)
    except (NameError, TypeError):  # an annotation that cannot be resolved here: leave it to the class
        return
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for key, value in values.items():
        nested = fields[key].default_factory if key in fields else None
        if isinstance(value, Mapping) and dataclasses.is_dataclass(nested):
            _check_types(f"{path}.{key}", nested, value)
            continue
        if key in hints and _accepts(hints[key], value) is False:
            raise ConfigError(
                f"config key '{path}.{key}' has the wrong type: {value!r} is not {_name(hints[key])}"
            )


def _name(hint: Any) -> str:
    """A readable name of an annotation (``float``, ``str or None`` ...)."""
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        return " or ".join("None" if a is type(None) else _name(a) for a in typing.get_args(hint))
    return getattr(hint, "__name__", str(hint))


def effective_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """``config`` with every option section spelled out: each option at its value in this run, defaults
    included (the JSON schema fills the workflow's own keys; the dataclasses fill these).

    Fields filled from another section are left out (they are shown there); tuples become lists so the
    result dumps as plain YAML or JSON.
    """
    out = dict(config)
    for name, section in SECTIONS.items():
        values = _plain(dataclasses.asdict(_build(name, section, config)))
        workflow = {k: v for k, v in dict(config.get(name) or {}).items() if k in section.workflow_keys}
        out[name] = {k: v for k, v in values.items() if k not in section.from_sections} | workflow
    return out


def _plain(value: Any) -> Any:
    """Tuples to lists, recursively (YAML's safe dumper has no tuples)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _check_keys(path: str, cls: type, values: Mapping[str, Any]) -> None:
    """Unknown keys of ``values`` for dataclass ``cls``, recursing into nested option dataclasses."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for key, value in values.items():
        if f"{path}.{key}" in REPLACED_KEYS:
            raise ConfigError(
                f"config key '{path}.{key}' was removed; its rule is {REPLACED_KEYS[f'{path}.{key}']}"
            )
        if key not in fields:
            raise ConfigError(
                f"config key '{path}.{key}' is not an option; allowed: {', '.join(sorted(fields))}"
            )
        nested = fields[key].default_factory
        if isinstance(value, Mapping) and dataclasses.is_dataclass(nested):
            _check_keys(f"{path}.{key}", nested, value)
