"""Option sections of the workflow config are checked against the option dataclasses up front."""

import pytest

from lcpipe.options_check import ConfigError, check_options


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
    ],
)
def test_unknown_keys_and_bad_values_name_the_key(config, message):
    with pytest.raises(ConfigError, match=message):
        check_options(config)
