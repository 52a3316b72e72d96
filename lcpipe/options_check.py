"""Early checks of the option sections of a workflow config against the option dataclasses.

The JSON schema documents and validates the workflow's own keys; the sections that hold a science
module's options (``pspl``, ``anomaly``, ``dips``, ``cleaning``) are checked here against the dataclasses
that define them, so a typo fails when the workflow starts, naming the key, not hours later in a job.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from lcpipe.dips.events import DipOptions
from lcpipe.io.cleaning import CleaningOptions
from lcpipe.microlensing.finder import FinderOptions
from lcpipe.microlensing.pspl import PSPLOptions


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


def _build(name: str, section: OptionSection, config: Mapping[str, Any]) -> Any:
    """The options object of one section (its workflow keys left out), or :class:`ConfigError`."""
    values = dict(config.get(name) or {})
    for key, source in section.from_sections.items():
        if key in values:
            raise ConfigError(f"config key '{name}.{key}' is set by section '{source}'; set it there instead")
    values = {k: v for k, v in values.items() if k not in section.workflow_keys}
    _check_keys(name, section.options, values)
    try:
        return section.options(**values)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"config section '{name}': {exc}") from exc


def check_options(config: Mapping[str, Any]) -> None:
    """Raise :class:`ConfigError` for the first unknown key or invalid value in the option sections."""
    for name, section in SECTIONS.items():
        _build(name, section, config)


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
        if key not in fields:
            raise ConfigError(
                f"config key '{path}.{key}' is not an option; allowed: {', '.join(sorted(fields))}"
            )
        nested = fields[key].default_factory
        if isinstance(value, Mapping) and dataclasses.is_dataclass(nested):
            _check_keys(f"{path}.{key}", nested, value)
