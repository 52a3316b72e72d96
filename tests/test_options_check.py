"""The workflow config is checked before the first job: option sections against their dataclasses, the
reader options, the survey layout on disk and the bins; every mistake names its key."""

import copy
import re
from pathlib import Path

import pytest
import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from lcpipe.microlensing.grid import ScanOptions
from lcpipe.options_check import ConfigError, check_config, check_options, effective_config


def test_valid_sections_pass():
    check_options(
        {
            "pspl": {"n_starts": 3, "coarse": {"teff_min": 0.2}},
            "anomaly": {"clusters_min_dchi2": 30, "criteria": {}, "rescale_errors": False},
            "dips": {"require_passed_tags": False, "baseline": {"method": "gp_masked"}},
            "cleaning": {"max_err": 0.5},
        }
    )


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"pspl": {"nstarts": 3}}, r"config key 'pspl\.nstarts' is not an option; allowed: .*n_starts"),
        ({"dips": {"baseline": {"mthod": "gp"}}}, r"'dips\.baseline\.mthod' is not an option"),
        ({"pspl": {"coarse": {"teffmin": 1}}}, r"'pspl\.coarse\.teffmin'"),
        ({"cleaning": {"photometry": "counts"}}, r"config section 'cleaning': .*photometry"),
        ({"pspl": {"n_starts": 0}}, r"config section 'pspl': .*n_starts"),
        ({"anomaly": {"pspl": {"n_starts": 2}}}, r"'anomaly\.pspl' is set by section 'pspl'"),
    ],
)
def test_unknown_keys_and_bad_values_name_the_key(config, message):
    with pytest.raises(ConfigError, match=message):
        check_options(config)


def test_effective_config_spells_out_every_option():
    config = {"bins": ["12_12.5"], "pspl": {"n_starts": 3}, "anomaly": {"clusters_min_dchi2": 30}, "dips": {}}
    full = effective_config(config)
    assert full["bins"] == ["12_12.5"]
    assert full["pspl"]["n_starts"] == 3  # the run's value
    assert full["anomaly"]["scan"]["teff_min"] == ScanOptions().teff_min  # a default, filled in
    assert full["anomaly"]["clusters_min_dchi2"] == 30  # a workflow key kept
    assert "pspl" not in full["anomaly"]  # shown under its own section
    assert full["dips"]["mag_range"] == [-5.0, 30.0]  # plain lists, safe for YAML
    assert config["pspl"] == {"n_starts": 3}  # the input is not changed


# ---- the whole workflow config, as rules/common.smk checks it before the first job ----

REPO = Path(__file__).resolve().parents[1]


def _merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _workflow_check(override: dict) -> None:
    """What rules/common.smk does: schema validation with defaults, then :func:`check_config`."""
    config = _merge(yaml.safe_load((REPO / "config" / "config.yaml").read_text()), override)
    validate(config, schema=str(REPO / "workflow" / "schemas" / "config.schema.yaml"), set_default=True)
    check_config(config)


@pytest.fixture
def survey_tree(tmp_path):
    """A minimal ASAS-SN tree with one bin (13_13.5) and a folder of light curves."""
    (tmp_path / "index" / "13_13.5").mkdir(parents=True)
    (tmp_path / "lc" / "13_13.5").mkdir(parents=True)
    (tmp_path / "lcs").mkdir()
    return tmp_path


def _real(tree, **survey) -> dict:
    base = {"layout": "asassn", "lc_root": str(tree / "lc"), "index_root": str(tree / "index")}
    return {"survey": {**base, **survey}, "demo": {"generate": False}, "bins": ["13_13.5"]}


def test_the_default_config_and_a_real_survey_pass(survey_tree):
    _workflow_check({})
    _workflow_check(_real(survey_tree))
    _workflow_check(_merge(_real(survey_tree, layout="folder", folder=str(survey_tree / "lcs")), {}))


#: (override of the default config, text the error must contain: the key). Each one line.
MISTAKES = [
    ({"tag": {"min_span_day": 50.0}}, "min_span_day"),
    ({"unknown_section": {}}, "unknown_section"),
    ({"shards": "two"}, "shards"),
    ({"shards": 0}, "shards"),
    ({"bins": "13_13.5"}, "bins"),
    ({"bins": ["13_13.5", "13_13.5"]}, "'bins' lists 13_13.5 more than once"),
    ({"read": {"time_column": "jd"}}, "read.time_column"),
    ({"read": {"format": "fits"}}, "read.format"),
    ({"read": {"kind": "fits"}}, "read.kind"),
    ({"read": {"columns": "time,mag"}}, "read.columns"),
    ({"read": {"time_offset": "2450000"}}, "read.time_offset"),
    ({"cleaning": {"max_err": -1.0}}, "cleaning"),
    ({"cleaning": {"max_error": 1.0}}, "cleaning.max_error"),
    ({"cleaning": {"drop_saturated": "yes"}}, "cleaning.drop_saturated"),
    ({"pspl": {"n_starts": "3"}}, "pspl.n_starts"),
    ({"pspl": {"coarse": {"teffmin": 1}}}, "pspl.coarse.teffmin"),
    ({"anomaly": {"pspl": {"n_starts": 2}}}, "anomaly.pspl"),
    ({"anomaly": {"scan": {"teff_min": "small"}}}, "anomaly.scan.teff_min"),
    ({"dips": {"baseline": {"mthod": "gp"}}}, "dips.baseline.mthod"),
    ({"dips": {"max_mag_err": 0.5}}, r"'dips.max_mag_err' was removed; its rule is cleaning.max_err"),
    (
        {"dips": {"use_good_flag": False}},
        r"'dips.use_good_flag' was removed; its rule is cleaning.require_good",
    ),
    ({"dips": {"drop_saturated": True}}, r"its rule is cleaning.drop_saturated"),
    ({"events": {"min_tE": 50.0, "max_tE": 10.0}}, "events.max_tE"),
    ({"events": {"max_u0": 0}}, "max_u0"),
    ({"filter": {"dips": {"min_bayes_factr": 3}}}, "min_bayes_factr"),
    ({"filter": {"periodicity": {"min_period_days": 10.0, "max_period_days": 1.0}}}, "max_period_days"),
    ({"characterize": {"match_radius_arcsec": -3}}, "match_radius_arcsec"),
    ({"vetting": {"simbad": "no"}}, "simbad"),
    ({"plots": {"dpi": 5}}, "dpi"),
    ({"report": {"max_rows": 10}}, "max_rows"),
    ({"evaluation": {"dips": {"depth_mag": [0.5, 0.1, 0.8]}}}, "evaluation.dips.depth_mag"),
    ({"survey": {"layout": "tree"}}, "layout"),
    ({"survey": {"layout": "folder", "folder": None}, "bins": ["12_13"]}, "survey.folder"),
]


@pytest.mark.parametrize(("override", "named"), MISTAKES, ids=[m[1] for m in MISTAKES])
def test_config_mistakes_are_rejected_naming_the_key(override, named):
    with pytest.raises((ConfigError, WorkflowError)) as caught:
        _workflow_check(override)
    assert named in str(caught.value), str(caught.value)


#: Mistakes about the survey on disk (need a real tree): (survey override, other override, key).
SURVEY_MISTAKES = [
    ({"index_root": "missing/index"}, {}, "survey.index_root"),
    ({"lc_root": "missing/lc"}, {}, "survey.lc_root"),
    ({}, {"bins": ["13_13.5", "14_14.5"]}, "bins (14_14.5)"),
    ({"catalog": "missing.csv"}, {}, "survey.catalog"),
    ({"layout": "folder", "folder": "missing/folder"}, {}, "survey.folder"),
    ({"layout": "folder", "folder": "{lcs}"}, {"bins": ["11_13", "12_14"]}, "overlap"),
    ({"layout": "folder", "folder": "{lcs}"}, {"bins": ["bright", "faint"]}, "'bright' is not '<lo>_<hi>'"),
    ({"layout": "folder", "folder": "{lcs}"}, {"bins": ["13_12"]}, "lower limit is not below"),
    ({}, {"tag": {"known_variables": "missing_vsx.csv"}}, "tag.known_variables"),
]


@pytest.mark.parametrize(("survey", "other", "named"), SURVEY_MISTAKES, ids=[m[2] for m in SURVEY_MISTAKES])
def test_survey_mistakes_are_rejected_naming_the_key(survey_tree, survey, other, named):
    survey = {k: v.format(lcs=survey_tree / "lcs") if isinstance(v, str) else v for k, v in survey.items()}
    config = _merge(_real(survey_tree, **survey), other)
    config["survey"] = {
        k: str(survey_tree / v) if k.endswith(("root", "catalog")) and v.startswith("missing") else v
        for k, v in config["survey"].items()
    }
    with pytest.raises(ConfigError, match=re.escape(named)) as caught:
        _workflow_check(config)
    assert "\n" not in str(caught.value)


def test_demo_folders_need_not_exist_before_the_demo_is_written():
    _workflow_check(
        {
            "demo": {"generate": True, "out_dir": "not_yet_written"},
            "survey": {"lc_root": "not_yet_written/lc", "index_root": "not_yet_written/index"},
        }
    )
