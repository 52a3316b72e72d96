"""Filter tests: every test flips exactly the rows it should; families, types, reasons, stage files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lcpipe.filter.criteria import FilterOptions, apply_filter, event_amplitude
from lcpipe.stages.filter import write_filtered
from lcpipe.tables import read_table, write_table

#: A dimming source that passes every dip test and nothing else.
DIPPER = {
    "tag_passed_tags": True,
    "dip_log_bf": 50.0,
    "dip_max_point_log_bf": 12.0,
    "dip_n_runs": 1,
    "dip_run_points": 5,
    "dip_run_cameras": 2,
    "dip_best_offset": 0.05,
    "dip_morph_model": "gaussian",
    "dip_morph_amplitude": 0.4,
    "dip_morph_delta_bic": 40.0,
    "dipper_score": 3.0,
    "jump_log_bf": -1.0,
    "jump_max_point_log_bf": 0.5,
    "jump_n_runs": 0,
    "jump_run_points": 0,
    "jump_run_cameras": 0,
    "jump_best_offset": -0.01,
    "jump_morph_model": "",
    "jump_morph_amplitude": np.nan,
    "jump_morph_delta_bic": np.nan,
    "pspl_is_event": False,
    "pspl_dchi2_const": 20.0,
    "anomaly_has_candidate": False,
    "anomaly_best_dchi2": np.nan,
    "anomaly_best_score": np.nan,
    "anomaly_best_n_eff": np.nan,
}

#: A PSPL event with an anomaly that passes every microlensing test (its brightening fails the jump tests).
LENS = {
    **DIPPER,
    "dip_log_bf": -3.0,
    "dip_n_runs": 0,
    "dip_run_points": 0,
    "dip_run_cameras": 0,
    "dip_morph_model": "",
    "dip_morph_amplitude": np.nan,
    "dip_best_offset": 0.02,
    "dipper_score": 0.0,
    "pspl_is_event": True,
    "pspl_dchi2_const": 5000.0,
    "anomaly_has_candidate": True,
    "anomaly_best_dchi2": 200.0,
    "anomaly_best_score": 20.0,
    "anomaly_best_n_eff": 8.0,
}

#: Column changes that make one test fail, for a row that passed it.
FLIPS = {
    "tags": {"tag_passed_tags": False},
    "dip_bayes_factor": {"dip_log_bf": np.log(10.0) - 0.01},
    "dip_runs": {"dip_run_cameras": 1},
    "dip_amplitude": {"dip_morph_amplitude": 0.09},
    "dipper_score": {"dipper_score": 0.0},
    "pspl_event": {"pspl_dchi2_const": 299.0},
    "anomaly_score": {"anomaly_best_score": 4.9},
    "anomaly_n_eff": {"anomaly_best_n_eff": 2.0},
    "anomaly_dchi2": {"anomaly_best_dchi2": 59.0},
    "anomaly_candidate": {"anomaly_has_candidate": False},
}


def _events(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{"source_id": f"s{k}", **row} for k, row in enumerate(rows)])


def _pass_columns(table: pd.DataFrame) -> pd.DataFrame:
    return table[[c for c in table.columns if c.startswith("pass_")]]


def test_baseline_rows_are_typed():
    table = apply_filter(_events([DIPPER, LENS]), FilterOptions()).table
    assert table["candidate_type"].tolist() == ["dip", "microlensing_anomaly"]
    assert table["reject_reason"].tolist() == ["", ""]
    assert table["pass_dip_bayes_factor"].dtype == bool


@pytest.mark.parametrize("test", sorted(FLIPS))
def test_each_test_flips_only_its_own_column(test):
    base = LENS if test.startswith(("pspl", "anomaly")) else DIPPER
    rows = [base, {**base, **FLIPS[test]}, base]
    passes = _pass_columns(apply_filter(_events(rows), FilterOptions()).table)
    changed = passes.columns[(passes.iloc[1] != passes.iloc[0]).to_numpy()]
    assert list(changed) == [f"pass_{test}"]
    assert passes.iloc[0].equals(passes.iloc[2])


def test_bayes_factor_needs_finite_point_evidence():
    rows = [DIPPER, {**DIPPER, "dip_max_point_log_bf": np.inf}, {**DIPPER, "dip_max_point_log_bf": np.nan}]
    table = apply_filter(_events(rows), FilterOptions()).table
    assert table["pass_dip_bayes_factor"].tolist() == [True, False, False]
    relaxed = FilterOptions(dips={"require_finite_point_evidence": False})
    assert apply_filter(_events(rows), relaxed).table["pass_dip_bayes_factor"].tolist() == [True, True, True]


def test_run_robustness_thresholds():
    rows = [
        {**DIPPER, "dip_n_runs": 0},
        {**DIPPER, "dip_run_points": 1},
        {**DIPPER, "dip_run_cameras": 1},
        DIPPER,
    ]
    table = apply_filter(_events(rows), FilterOptions()).table
    assert table["pass_dip_runs"].tolist() == [False, False, False, True]
    one_camera = FilterOptions(dips={"min_run_cameras": 1})
    assert apply_filter(_events(rows), one_camera).table["pass_dip_runs"].tolist() == [
        False,
        False,
        True,
        True,
    ]


def test_amplitude_uses_profile_peak_else_mixture_offset():
    rows = [
        DIPPER,  # profile 0.4 mag
        {**DIPPER, "dip_morph_model": "constant", "dip_morph_amplitude": 0.0, "dip_best_offset": 0.15},
        {**DIPPER, "dip_morph_model": "constant", "dip_morph_amplitude": 0.0, "dip_best_offset": 0.05},
    ]
    events = _events(rows)
    assert event_amplitude(events, "dip").tolist() == pytest.approx([0.4, 0.15, 0.05])
    assert apply_filter(events, FilterOptions()).table["pass_dip_amplitude"].tolist() == [True, True, False]


def test_jump_family_mirrors_dips_without_the_dipper_score():
    jumper = {
        **DIPPER,
        **{k.replace("dip_", "jump_"): v for k, v in DIPPER.items() if k.startswith("dip_")},
        "jump_morph_amplitude": -0.3,
        "dip_log_bf": -2.0,
        "dipper_score": 0.0,
    }
    table = apply_filter(_events([jumper]), FilterOptions()).table
    assert table["candidate_type"].tolist() == ["jump"]
    assert "pass_jump_score" not in table


def test_families_combine_and_optional_anomaly_requirement():
    plain_event = {**LENS, "anomaly_has_candidate": False, "anomaly_best_dchi2": np.nan}
    both = {**LENS, **{k: v for k, v in DIPPER.items() if k.startswith(("dip", "dipper"))}}
    rows = [plain_event, LENS, both]
    table = apply_filter(_events(rows), FilterOptions()).table
    assert table["candidate_type"].tolist() == [
        "microlensing",
        "microlensing_anomaly",
        "microlensing_anomaly+dip",
    ]
    strict = apply_filter(_events(rows), FilterOptions(microlensing={"require_anomaly": True})).table
    assert strict["is_candidate"].tolist() == [False, True, True]
    assert "anomaly_candidate" in strict.loc[0, "reject_reason"].split(",")


def test_disabled_family_makes_no_candidates():
    table = apply_filter(_events([DIPPER, LENS]), FilterOptions(dips={"enabled": False})).table
    assert table["is_candidate"].tolist() == [False, True]
    assert table["pass_dip_runs"].tolist() == [True, False]  # still reported


def test_reject_reason_lists_the_required_failed_tests():
    nothing = {**LENS, "pspl_is_event": False, "anomaly_has_candidate": False, "tag_passed_tags": False}
    table = apply_filter(_events([nothing]), FilterOptions()).table
    reasons = table.loc[0, "reject_reason"].split(",")
    assert reasons[0] == "tags"
    assert {"dip_bayes_factor", "dip_runs", "jump_runs", "pspl_event"} <= set(reasons)
    assert not any(r.startswith("anomaly") for r in reasons)  # not required by default


def test_morphology_test_is_optional():
    rows = [DIPPER, {**DIPPER, "dip_morph_model": "constant", "dip_best_offset": 0.2}]
    assert "pass_dip_morphology" not in apply_filter(_events(rows), FilterOptions()).table
    table = apply_filter(_events(rows), FilterOptions(dips={"morphology": True})).table
    assert table["pass_dip_morphology"].tolist() == [True, False]
    assert table["is_candidate"].tolist() == [True, False]


def test_missing_stage_columns_fail_their_tests_only():
    events = _events([DIPPER]).drop(columns=[c for c in DIPPER if c.startswith(("anomaly", "pspl"))])
    table = apply_filter(events, FilterOptions()).table
    assert table["candidate_type"].tolist() == ["dip"]
    assert not table["pass_pspl_event"].any()


def test_missing_values_fail_and_empty_table_is_fine():
    row = {k: (np.nan if isinstance(v, int | float) else v) for k, v in DIPPER.items()}
    events = _events([row]).astype({"tag_passed_tags": "boolean", "pspl_is_event": "boolean"})
    events[["tag_passed_tags", "pspl_is_event"]] = pd.NA
    table = apply_filter(events, FilterOptions()).table
    # not_periodic is a veto: a source nobody found periodic is not vetoed (but fails everything else)
    assert not _pass_columns(table).drop(columns="pass_not_periodic").to_numpy().any()
    assert table["pass_not_periodic"].all()
    assert not table["pass_periodic"].any()
    empty = apply_filter(_events([DIPPER]).iloc[:0], FilterOptions())
    assert empty.candidates.empty
    assert empty.rejected.empty
    assert "reject_reason" in empty.table


def test_periodicity_rejects_only_flagged_survivors():
    calls = []

    def fake_periodicity(rows: pd.DataFrame) -> pd.DataFrame:
        calls.append(list(rows["source_id"]))
        return pd.DataFrame(
            {
                "periodicity_status": "ok",
                "periodicity_fap": [0.001 if s == "s0" else 0.5 for s in rows["source_id"]],
            },
            index=rows.index,
        )

    rows = [DIPPER, DIPPER, {**DIPPER, "tag_passed_tags": False}]
    options = FilterOptions(periodicity={"enabled": True})
    table = apply_filter(_events(rows), options, fake_periodicity).table
    assert calls == [["s0", "s1"]]  # the rejected row is not read
    assert table["pass_periodicity"].tolist() == [False, True, True]
    assert table["is_candidate"].tolist() == [False, True, False]
    reasons = table.loc[0, "reject_reason"].split(",")
    assert "periodicity" in reasons
    assert not any(r.startswith("dip") for r in reasons)
    with pytest.raises(ValueError, match="periodicity"):
        apply_filter(_events(rows), options)


def test_bad_options_raise():
    with pytest.raises(ValueError, match="min_bayes_factor"):
        FilterOptions(dips={"min_bayes_factor": 0.0})
    with pytest.raises(TypeError, match="unexpected keyword"):
        FilterOptions(dips={"min_bayes": 3.0})


def test_write_filtered_splits_rows(tmp_path):
    events = _events([DIPPER, LENS, {**DIPPER, "tag_passed_tags": False}])
    write_table(events, tmp_path / "events.parquet")
    write_filtered(
        tmp_path / "events.parquet",
        tmp_path / "c.parquet",
        tmp_path / "r.parquet",
        options={"jumps": {"enabled": False}},
    )
    candidates, rejected = read_table(tmp_path / "c.parquet"), read_table(tmp_path / "r.parquet")
    assert candidates["source_id"].tolist() == ["s0", "s1"]
    assert rejected["source_id"].tolist() == ["s2"]
    assert rejected.loc[0, "reject_reason"].startswith("tags")
    assert set(candidates.columns) == set(rejected.columns)
