"""Option sections of the workflow config are checked against the option dataclasses up front."""

import pytest

from lcpipe.microlensing.grid import ScanOptions
from lcpipe.options_check import ConfigError, check_options, effective_config


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
