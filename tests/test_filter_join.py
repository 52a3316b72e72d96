"""Join of the per-bin stage tables into events.parquet: naming, missing sources, shard order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lcpipe.stages.join import MISSING_STATUS, join_stage_tables, write_events
from lcpipe.tables import read_provenance, read_table, write_table


def _identity(ids: list[str]) -> dict[str, object]:
    return {
        "source_id": ids,
        "mag_bin": ["12_12.5"] * len(ids),
        "shard": [int(i[-1]) % 2 for i in ids],
        "ra": [10.0 + k for k in range(len(ids))],
        "dec": [-5.0 - k for k in range(len(ids))],
        "path": [f"lc/{i}.dat2" for i in ids],
    }


@pytest.fixture
def stage_tables() -> dict[str, pd.DataFrame]:
    ids = ["s1", "s2", "s3", "s4"]
    tags = pd.DataFrame(
        {**_identity(ids), "status": "ok", "passed_tags": [True, True, False, True], "n_points": 100}
    )
    pspl = pd.DataFrame(
        {
            **_identity(ids[:3]),
            "status": ["ok", "ok", "too_few_points"],
            "pspl_status": ["ok", "ok", "too_few_points"],
            "pspl_dchi2_const": [500.0, 10.0, np.nan],
            "is_event": [True, False, False],
        }
    )
    dips = pd.DataFrame(
        {
            **_identity(["s4", "s2", "s1"]),
            "status": "ok",
            "n_points": [90, 91, 92],
            "dip_log_bf": [1.0, 2.0, 3.0],
            "jump_log_bf": [0.5, 0.6, 0.7],
            "dipper_score": [0.0, 1.0, 2.0],
        }
    )
    return {"tag": tags, "pspl": pspl, "dips": dips}


def test_columns_are_prefixed_by_stage_and_identity_kept_once(stage_tables):
    events = join_stage_tables(stage_tables)
    assert list(events.columns[:6]) == ["source_id", "mag_bin", "shard", "ra", "dec", "path"]
    for name in ("tag_status", "tag_passed_tags", "tag_n_points", "pspl_status", "pspl_fit_status"):
        assert name in events.columns
    for name in (
        "pspl_is_event",
        "pspl_dchi2_const",
        "dip_status",
        "dip_n_points",
        "dip_log_bf",
        "jump_log_bf",
    ):
        assert name in events.columns
    assert "dipper_score" in events.columns
    assert "status" not in events.columns
    assert "n_points" not in events.columns
    assert events.columns.is_unique


def test_values_follow_their_source_not_row_position(stage_tables):
    events = join_stage_tables(stage_tables).set_index("source_id")
    assert events.loc["s1", "dip_log_bf"] == 3.0  # s1 is the last dips row
    assert events.loc["s4", "dip_n_points"] == 90
    assert events.loc["s1", "tag_n_points"] == 100
    assert events.loc["s1", "pspl_dchi2_const"] == 500.0


def test_sources_missing_from_a_stage_keep_their_row(stage_tables):
    events = join_stage_tables(stage_tables).set_index("source_id")
    assert list(events.index) == ["s1", "s2", "s3", "s4"]
    assert events.loc["s4", "pspl_status"] == MISSING_STATUS
    assert np.isnan(events.loc["s4", "pspl_dchi2_const"])
    assert events.loc["s3", "dip_status"] == MISSING_STATUS
    assert events.loc["s3", "tag_status"] == "ok"
    assert events.loc["s4", "ra"] == 13.0


def test_source_only_in_a_later_stage_gets_its_identity_from_it(stage_tables):
    dips = stage_tables["dips"]
    extra = pd.DataFrame({**_identity(["s9"]), "status": "ok", "n_points": [5]})
    stage_tables["dips"] = pd.concat([dips, extra], ignore_index=True)
    events = join_stage_tables(stage_tables).set_index("source_id")
    assert events.loc["s9", "tag_status"] == MISSING_STATUS
    assert events.loc["s9", "path"] == "lc/s9.dat2"


def test_row_order_of_the_stage_tables_is_irrelevant(stage_tables):
    first = join_stage_tables(stage_tables)
    rng = np.random.default_rng(3)
    shuffled = {k: v.iloc[rng.permutation(len(v))].reset_index(drop=True) for k, v in stage_tables.items()}
    pd.testing.assert_frame_equal(first, join_stage_tables(shuffled))


def test_missing_stage_contributes_no_columns(stage_tables):
    del stage_tables["pspl"]
    events = join_stage_tables(stage_tables)
    assert not any(c.startswith("pspl_") for c in events.columns)
    assert len(events) == 4


def test_repeated_source_and_unknown_stage_raise(stage_tables):
    with pytest.raises(ValueError, match="unknown stage"):
        join_stage_tables({**stage_tables, "foo": stage_tables["tag"]})
    doubled = pd.concat([stage_tables["tag"], stage_tables["tag"].iloc[:1]], ignore_index=True)
    with pytest.raises(ValueError, match="more than once"):
        join_stage_tables({**stage_tables, "tag": doubled})


def test_write_events_shard_order_and_absent_anomaly_table(tmp_path, stage_tables):
    paths = {}
    for name, table in stage_tables.items():
        write_table(table, tmp_path / f"{name}.parquet", {"stage": name})
        paths[name] = tmp_path / f"{name}.parquet"
    paths["anomaly"] = tmp_path / "anomaly.parquet"  # not written: the stage did not run
    out = tmp_path / "events.parquet"
    written = write_events(paths, out)
    back = read_table(out)
    pd.testing.assert_frame_equal(written, back, check_dtype=False)
    assert read_provenance(out)["stage"] == "join_events"
    assert not any(c.startswith("anomaly_") for c in back.columns)
