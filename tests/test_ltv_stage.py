"""The LTV stage: one row per source of the shard with a status, crashes included; the config section."""

import numpy as np
import pandas as pd
import pytest

from lcpipe.options import ConfigError
from lcpipe.simulate.long_term import LongTermSignal, long_term_light_curve, quiet_star
from lcpipe.simulate.survey_options import SurveySimOptions
from lcpipe.stages.ltv import LTV_SECTION, ltv_shard
from lcpipe.tables import read_table, write_table


def _csv(path, lc):
    pd.DataFrame({"jd": lc.time, "mag": lc.mag, "mag_err": lc.mag_err, "camera": lc.camera}).to_csv(
        path, index=False
    )


def test_every_source_gets_a_row_and_a_status(tmp_path):
    survey = SurveySimOptions()
    rng = np.random.default_rng(4)
    mid = survey.jd_start + 0.5 * survey.span_days
    fading = long_term_light_curve(
        rng, survey, quiet_star(rng, survey, 12.3, 1), LongTermSignal("linear", {"slope": 0.05, "t_ref": mid})
    )
    quiet = long_term_light_curve(rng, survey, quiet_star(rng, survey, 12.3, 2), LongTermSignal("quiet"))
    _csv(tmp_path / "fading.csv", fading)
    _csv(tmp_path / "quiet.csv", quiet)
    (tmp_path / "broken.csv").write_text("jd,mag,mag_err\n1,2\nnot,a,table\n")
    rows = [
        {"source_id": "fading", "path": str(tmp_path / "fading.csv"), "status": "ok", "passed_tags": True},
        {"source_id": "quiet", "path": str(tmp_path / "quiet.csv"), "status": "ok", "passed_tags": True},
        {"source_id": "broken", "path": str(tmp_path / "broken.csv"), "status": "ok", "passed_tags": True},
        {"source_id": "cut", "path": str(tmp_path / "quiet.csv"), "status": "ok", "passed_tags": False},
        {"source_id": "unread", "path": "missing.csv", "status": "read_error", "passed_tags": False},
    ]
    tags = tmp_path / "tags.parquet"
    write_table(pd.DataFrame(rows).assign(shard=0, mag_bin="12_12.5"), tags)
    out = tmp_path / "ltv_0.parquet"
    ltv_shard(tags, 0, out, ltv={}, read={"camera_col": "camera"}, cleaning={}, timings=tmp_path / "t.tsv")
    table = read_table(out).set_index("source_id")
    assert list(table.index) == ["fading", "quiet", "broken", "cut", "unread"]
    assert table.loc["fading", "status"] == "ok"
    assert table.loc["fading", "pass_slope"]
    assert table.loc["fading", "slope"] == pytest.approx(0.05, abs=0.005)
    assert table.loc["quiet", "status"] == "ok"
    assert not table.loc["quiet", "ltv_candidate"]
    assert table.loc["broken", "status"] not in ("ok", "")
    assert table.loc["cut", "status"] == "skipped_tags"
    assert table.loc["unread", "status"] == "read_error"
    assert not table.loc[["broken", "cut", "unread"], "ltv_candidate"].any()
    assert (tmp_path / "t.tsv").exists()


def test_the_section_names_unknown_keys():
    with pytest.raises(ConfigError, match="ltv"):
        LTV_SECTION.build({"slope_min": 0.1})
    with pytest.raises(ConfigError, match="selection"):
        LTV_SECTION.build({"selection": {"min_slope": 0.1}})
    assert LTV_SECTION.build({"selection": {"min_abs_slope": 0.02}}).selection.min_abs_slope == 0.02


def test_the_ltv_plot_is_written(tmp_path):
    from lcpipe.ltv.features import LTVOptions, ltv_features
    from lcpipe.plots.ltv import save_ltv_plot

    survey = SurveySimOptions()
    rng = np.random.default_rng(8)
    mid = survey.jd_start + 0.5 * survey.span_days
    signal = LongTermSignal("step", {"step": 0.2, "t_step": mid, "duration": 20.0})
    lc = long_term_light_curve(rng, survey, quiet_star(rng, survey, 12.3, 1), signal)
    row = ltv_features(lc, LTVOptions())
    path = save_ltv_plot(lc, row, LTVOptions(), "step", tmp_path / "ltv.png")
    assert path.stat().st_size > 10_000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
