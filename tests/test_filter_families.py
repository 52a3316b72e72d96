"""Filter: the periodic family and the run-camera rule that follows the cameras observing during a run."""

from __future__ import annotations

import pandas as pd

from lcpipe.filter.criteria import FilterOptions, apply_filter
from tests.test_filter_criteria import DIPPER


def _table(rows: list[dict], **options) -> pd.DataFrame:
    events = pd.DataFrame([{"source_id": f"s{k}", **row} for k, row in enumerate(rows)])
    return apply_filter(events, FilterOptions(**options)).table


def test_one_camera_run_passes_only_when_one_camera_was_observing():
    rows = [
        {**DIPPER, "dip_run_cameras": 1, "dip_run_cameras_observing": 1},
        {**DIPPER, "dip_run_cameras": 1, "dip_run_cameras_observing": 3},
        {**DIPPER, "dip_run_cameras": 2, "dip_run_cameras_observing": 5},
    ]
    assert _table(rows)["pass_dip_runs"].tolist() == [True, False, True]
    strict = _table(rows, dips={"run_cameras_follow_coverage": False})
    assert strict["pass_dip_runs"].tolist() == [False, False, True]
    three = _table(rows, dips={"min_run_cameras": 3})
    assert three["pass_dip_runs"].tolist() == [True, False, False]


def test_a_table_without_coverage_keeps_the_strict_rule():
    table = _table([{**DIPPER, "dip_run_cameras": 1}])
    assert not table["pass_dip_runs"].any()


def test_periodic_dip_candidates_are_their_own_family():
    rows = [DIPPER, {**DIPPER, "periodic": True}, {**DIPPER, "periodic": True, "dip_morph_amplitude": 0.05}]
    table = _table(rows)
    assert table["candidate_type"].tolist() == ["dip", "periodic", ""]
    assert table["family_dip"].tolist() == [True, False, False]
    assert table["family_periodic"].tolist() == [False, True, False]
    assert table["reject_reason"].tolist()[:2] == ["", ""]
    reasons = table["reject_reason"].iloc[2].split(",")
    assert "dip_amplitude" in reasons
    assert "not_periodic" in reasons
    assert "periodic" not in reasons  # a type test, never a reason
    merged = _table(rows, periodic_family=False)
    assert merged["candidate_type"].tolist() == ["dip", "dip", ""]
    assert not merged["family_periodic"].any()
    assert "pass_periodic" not in merged
