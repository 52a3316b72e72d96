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


#: Config section -> (options class, keys the workflow itself consumes before building the class).
SECTIONS: dict[str, tuple[type, frozenset[str]]] = {
    "cleaning": (CleaningOptions, frozenset()),
    "pspl": (PSPLOptions, frozenset()),
    "anomaly": (FinderOptions, frozenset({"clusters_min_dchi2"})),
    "dips": (DipOptions, frozenset({"require_passed_tags"})),
}


def check_options(config: Mapping[str, Any]) -> None:
    """Raise :class:`ConfigError` for the first unknown key or invalid value in the option sections."""
    for section, (cls, workflow_keys) in SECTIONS.items():
        values = {k: v for k, v in dict(config.get(section) or {}).items() if k not in workflow_keys}
        _check_keys(section, cls, values)
        try:
            cls(**values)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"config section '{section}': {exc}") from exc


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
