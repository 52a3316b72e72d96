"""Options dataclasses from plain mappings (config sections, JSON, YAML): one way in, errors naming the key.

* :func:`convert_nested`, called by an options dataclass's ``__post_init__``: a field whose type is
  itself an options dataclass accepts a mapping of that class's fields.
* :class:`Section`: how one config section becomes its options object — unknown keys (nested ones
  included) and values of the wrong simple type (from the annotations) fail naming ``section.key``;
  workflow-only keys of the section are declared (with their defaults) and kept apart; fields filled from
  another section cannot be set here.

This module imports nothing of lcpipe, so every layer may use it.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any


class ConfigError(ValueError):
    """A config section has an unknown key or a value its options class rejects."""


@functools.cache
def nested_fields(cls: type) -> dict[str, type]:
    """Fields of dataclass ``cls`` whose type is a dataclass (``X`` or ``X | None``): name -> type.

    Annotations that cannot be resolved fall back to the field's ``default_factory`` when it is a
    dataclass.
    """
    try:
        hints = typing.get_type_hints(cls)
    except (NameError, TypeError):
        hints = {}
    out = {}
    for f in dataclasses.fields(cls):
        kind = _dataclass_in(hints.get(f.name))
        factory = f.default_factory
        if kind is None and isinstance(factory, type) and dataclasses.is_dataclass(factory):
            kind = factory
        if kind is not None:
            out[f.name] = kind
    return out


def _dataclass_in(hint: Any) -> type | None:
    """The dataclass of annotation ``X`` or ``X | None`` (None for anything else)."""
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        kinds = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        hint = kinds[0] if len(kinds) == 1 else None
    return hint if isinstance(hint, type) and dataclasses.is_dataclass(hint) else None


def convert_nested(options: Any) -> None:
    """Turn every mapping held by a nested-options field of ``options`` into that options class.

    For the ``__post_init__`` of a (frozen) options dataclass. None stays None when the annotation
    allows it.

    Raises
    ------
    TypeError
        A nested field holds neither its class nor a mapping.
    """
    cls = type(options)
    for name, kind in nested_fields(cls).items():
        value = getattr(options, name)
        if isinstance(value, Mapping):
            object.__setattr__(options, name, kind(**value))
        elif not isinstance(value, kind) and not (value is None and _optional(cls, name)):
            raise TypeError(
                f"{cls.__name__}.{name} must be a {kind.__name__} or a mapping, got {type(value).__name__}"
            )


def _optional(cls: type, name: str) -> bool:
    """Whether the annotation of field ``name`` allows None."""
    try:
        hint = typing.get_type_hints(cls).get(name)
    except (NameError, TypeError):
        return False
    return typing.get_origin(hint) in (types.UnionType, typing.Union) and type(None) in typing.get_args(hint)


def options_dict(options: Any) -> dict[str, Any]:
    """Plain nested dict of every setting of an options dataclass that is not None (for provenance)."""
    return {
        f.name: dataclasses.asdict(v) if dataclasses.is_dataclass(v) else v
        for f in dataclasses.fields(options)
        if (v := getattr(options, f.name)) is not None
    }


@dataclasses.dataclass(frozen=True)
class Section:
    """How one config section maps onto its options dataclass.

    Attributes
    ----------
    name : str
        The config section.
    options : type
        The options dataclass the section's values build.
    workflow_keys : Mapping of str to Any
        Keys of the section the workflow itself consumes (not fields of ``options``), with their defaults.
    from_sections : Mapping of str to str
        Fields the workflow fills from another config section (field -> section); setting them in this
        section is an error.
    replaced_keys : Mapping of str to str
        Keys that were removed from the section, each with the key that now holds its rule (setting one
        is an error that names its replacement).
    """

    name: str
    options: type
    workflow_keys: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    from_sections: Mapping[str, str] = dataclasses.field(default_factory=dict)
    replaced_keys: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def option_values(self, values: Mapping[str, Any] | None, **sections: Mapping[str, Any]) -> dict:
        """The section's option fields (workflow keys left out), with the fields of ``from_sections``
        taken from the other sections given by name (e.g. ``pspl=config["pspl"]``)."""
        values = dict(values or {})
        for key in values.keys() & self.replaced_keys.keys():
            raise ConfigError(
                f"config key '{self.name}.{key}' was removed; its rule is {self.replaced_keys[key]}"
            )
        for key, source in self.from_sections.items():
            if key in values:
                raise ConfigError(
                    f"config key '{self.name}.{key}' is set by section '{source}'; set it there instead"
                )
            if source in sections:
                values[key] = dict(sections[source] or {})
        return {k: v for k, v in values.items() if k not in self.workflow_keys}

    def workflow(self, values: Mapping[str, Any] | None) -> dict[str, Any]:
        """The section's workflow keys, defaults filled in."""
        values = values or {}
        return {key: values.get(key, default) for key, default in self.workflow_keys.items()}

    def build(self, values: Mapping[str, Any] | None, **sections: Mapping[str, Any]) -> Any:
        """The options object of the section (see :meth:`option_values`).

        Raises
        ------
        ConfigError
            For an unknown key, a value of the wrong type or a value the options class rejects, naming
            the section and key.
        """
        values = self.option_values(values, **sections)
        check_values(self.name, self.options, values)
        try:
            return self.options(**values)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"config section '{self.name}': {exc}") from exc


def check_values(path: str, cls: type, values: Mapping[str, Any]) -> None:
    """Unknown keys and values of the wrong simple type for dataclass ``cls``, recursively.

    Raises
    ------
    ConfigError
        Naming the key as ``path.key`` (``path.nested.key`` for nested options).
    """
    fields = {f.name for f in dataclasses.fields(cls)}
    nested = nested_fields(cls)
    try:
        hints = typing.get_type_hints(cls)
    except (NameError, TypeError):  # an annotation that cannot be resolved here: leave it to the class
        hints = {}
    for key, value in values.items():
        if key not in fields:
            raise ConfigError(
                f"config key '{path}.{key}' is not an option; allowed: {', '.join(sorted(fields))}"
            )
        if isinstance(value, Mapping) and key in nested:
            check_values(f"{path}.{key}", nested[key], value)
        elif key in hints and _accepts(hints[key], value) is False:
            raise ConfigError(
                f"config key '{path}.{key}' has the wrong type: {value!r} is not {_name(hints[key])}"
            )


def is_number(value: Any) -> bool:
    """An int or float that is not a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _accepts(hint: Any, value: Any) -> bool | None:
    """Whether ``value`` fits the annotation ``hint`` (None: not a simple type, not checked)."""
    if hint is float:
        return is_number(value)
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


def _name(hint: Any) -> str:
    """A readable name of an annotation (``float``, ``str or None`` ...)."""
    if typing.get_origin(hint) in (types.UnionType, typing.Union):
        return " or ".join("None" if a is type(None) else _name(a) for a in typing.get_args(hint))
    return getattr(hint, "__name__", str(hint))
