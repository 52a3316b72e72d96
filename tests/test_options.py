"""Options dataclasses from mappings: the generic nested conversion and the config-section path."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from lcpipe.microlensing.finder import FinderOptions
from lcpipe.options import ConfigError, Section, convert_nested, nested_fields, options_dict
from lcpipe.stages.dips import DIPS_SECTION
from lcpipe.stages.microlensing import ANOMALY_SECTION


@dataclass(frozen=True)
class Inner:
    size: float = 1.0
    name: str = "a"


@dataclass(frozen=True)
class Outer:
    inner: Inner = field(default_factory=Inner)
    maybe: Inner | None = None
    count: int = 2

    def __post_init__(self) -> None:
        convert_nested(self)


def test_nested_fields_come_from_the_annotations():
    assert nested_fields(Outer) == {"inner": Inner, "maybe": Inner}


def test_a_mapping_becomes_the_nested_class():
    outer = Outer(inner={"size": 3.0}, maybe={"name": "b"})
    assert outer.inner == Inner(size=3.0)
    assert outer.maybe == Inner(name="b")
    assert Outer().maybe is None  # None stays None where the annotation allows it


def test_a_wrong_nested_value_names_the_field():
    with pytest.raises(TypeError, match=r"Outer\.inner must be a Inner or a mapping, got int"):
        Outer(inner=3)
    with pytest.raises(TypeError, match="unexpected keyword argument 'sise'"):
        Outer(inner={"sise": 3.0})


def test_options_dict_is_plain_and_drops_none():
    assert options_dict(Outer(inner={"size": 2.0})) == {"inner": {"size": 2.0, "name": "a"}, "count": 2}


def test_section_errors_name_section_and_key():
    section = Section("outer", Outer)
    assert section.build({"inner": {"size": 5}}).inner.size == 5
    with pytest.raises(ConfigError, match=r"config key 'outer\.inner\.sise' is not an option"):
        section.build({"inner": {"sise": 5}})
    with pytest.raises(ConfigError, match=r"config key 'outer\.count' has the wrong type: 'x' is not int"):
        section.build({"count": "x"})


def test_workflow_keys_are_kept_apart_with_their_defaults():
    anomaly = {"clusters_min_dchi2": 30.0, "method": "slow"}
    options = ANOMALY_SECTION.build(anomaly, pspl={"n_starts": 2})
    assert options == FinderOptions(method="slow", pspl={"n_starts": 2})
    assert ANOMALY_SECTION.workflow(anomaly) == {"clusters_min_dchi2": 30.0}
    assert ANOMALY_SECTION.workflow({}) == {"clusters_min_dchi2": 25.0}
    assert DIPS_SECTION.workflow(None) == {"require_passed_tags": True}
    assert "require_passed_tags" not in DIPS_SECTION.option_values({"require_passed_tags": False})


def test_a_field_of_another_section_cannot_be_set_here():
    with pytest.raises(ConfigError, match=r"'anomaly\.pspl' is set by section 'pspl'"):
        ANOMALY_SECTION.build({"pspl": {"n_starts": 2}})
