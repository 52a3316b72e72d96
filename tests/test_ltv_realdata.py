"""LTV on real ground data: the ASASSN-V J060000 fade is a state change, PDS 110 (31 AAVSO observers,
each with its own zero point) is quiet."""

from pathlib import Path

from lcpipe.io import load_clean
from lcpipe.ltv.features import LTVOptions, ltv_features
from lcpipe.ltv.selection import select

DATA = Path(__file__).parent / "data" / "ground_variables"
SKYPATROL_V1 = {"time_col": "HJD", "mag_col": "mag", "err_col": "mag_err", "camera_col": "Camera",
                "band_col": "Filter"}  # fmt: skip
AAVSO = {"time_col": "JD", "mag_col": "Magnitude", "err_col": "Uncertainty", "band_col": "Band",
         "dataset_col": "Observer Code"}  # fmt: skip


def test_asassn_j060000_end_of_2019_fade_is_an_ltv_state_change():
    """g ~ 14.21 until Oct 2019, fading from ~HJD 2458785 to ~14.5-14.9 by 2458828 (ATel 13346)."""
    path = DATA / "asassn-J060000" / "light_curve_bb61d0ed-b07f-4e87-8881-769866dd896e.csv"
    lc, status, _ = load_clean(path, format="csv", read_options=SKYPATROL_V1)
    assert status == "ok"
    features = ltv_features(lc, LTVOptions())
    flags = select(features, LTVOptions().selection)
    assert flags["ltv_candidate"], flags["ltv_reason"]
    assert flags["pass_state_change"]
    assert 0.1 <= features["step"] <= 0.7  # 14.21 -> 14.47 by 2458822, ~14.9 at 2458828
    assert 2458770 <= features["step_time"] <= 2458822  # within the decline (a ramp, not a jump)
    assert features["n_groups"] >= 8  # V and g cameras, each its own zero point


def test_pds110_quiet_aavso_campaign_is_not_an_ltv_candidate():
    """V rms 0.02 mag over one year (2017-04 to 2018-05); observer zero points differ by up to ~0.1 mag."""
    lc, status, _ = load_clean(DATA / "PDS110" / "aavsodata.txt", format="csv", read_options=AAVSO)
    assert status == "ok"
    features = ltv_features(lc, LTVOptions())
    assert features["status"] == "ok"
    flags = select(features, LTVOptions().selection)
    assert features["n_groups"] > 31  # observer x band zero points
    assert features["offset_range"] > 0.05  # fitted, not left as a trend
    # A one-year campaign is one season: no long-term criterion can pass (and none does).
    assert features["n_seasons"] == 1
    assert not flags["ltv_candidate"]
    assert flags["ltv_reason"] == "few_seasons"
