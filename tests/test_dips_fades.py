"""Long fades and real ground data: Kadane segment against brute force, synthetic fades, the real
ASASSN-V J060000 fade, V658 Ori A's deepest dips, and PDS 110 (33 AAVSO observers) left alone."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lcpipe.dips.events import DipOptions, detect_events
from lcpipe.dips.fades import FadeOptions, _best_segment, find_fade
from lcpipe.filter.criteria import FilterOptions, apply_filter
from lcpipe.io import load_clean

DATA = Path(__file__).parent / "data" / "ground_variables"
SKYPATROL_V1 = {"time_col": "HJD", "mag_col": "mag", "err_col": "mag_err", "camera_col": "Camera",
                "band_col": "Filter"}  # fmt: skip
AAVSO = {"time_col": "JD", "mag_col": "Magnitude", "err_col": "Uncertainty", "band_col": "Band",
         "dataset_col": "Observer Code"}  # fmt: skip


def test_best_segment_matches_brute_force():
    rng = np.random.default_rng(0)
    for _ in range(50):
        score = rng.normal(-0.5, 1.0, rng.integers(1, 30))
        sums = {(i, j): score[i : j + 1].sum() for i in range(score.size) for j in range(i, score.size)}
        first, last, total = _best_segment(score)
        assert total == pytest.approx(max(sums.values()), abs=1e-12)
        assert sums[(first, last)] == pytest.approx(total, abs=1e-12)


def _curve(seed, fade=None, n=1500, span=2000.0):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0, span, n))
    y = rng.normal(0, 0.02, n)
    if fade is not None:
        start, depth = fade
        y += np.where(t > start, depth * np.minimum((t - start) / 20.0, 1.0), 0.0)
    return t, y, np.full(n, 0.02), np.full(n, "g")


def test_fade_at_the_end_is_found_with_its_start_and_depth():
    t, y, err, band = _curve(1, fade=(1940.0, 0.3))
    fade = find_fade(t, y, err, band, FadeOptions())
    assert fade.significant
    assert fade.at_end
    assert fade.t_start == pytest.approx(1940.0, abs=10.0)
    assert fade.depth == pytest.approx(0.3, abs=0.08)
    assert fade.band == "g"


def test_no_fade_in_white_noise():
    for seed in range(5):
        assert not find_fade(*_curve(seed), FadeOptions()).significant


def test_asassn_j060000_fade_found_at_the_end_of_2019_in_g():
    """The ATel 13346 fade: from about HJD 2458785 to the end of the data, g band, four cameras."""
    path = DATA / "asassn-J060000" / "light_curve_bb61d0ed-b07f-4e87-8881-769866dd896e.csv"
    lc, status, _ = load_clean(path, format="csv", read_options=SKYPATROL_V1)
    assert status == "ok"
    row = detect_events(lc, DipOptions())
    assert row["fade_significant"]
    assert row["fade_band"] == "g"
    assert row["fade_at_end"]
    assert 2458770 <= row["fade_t_start"] <= 2458800
    assert 0.1 <= row["fade_depth"] <= 0.7  # 14.21 -> 14.47 by 2458822, ~14.9 at 2458828
    assert row["dip_significant"]
    assert row["dip_run_t_start"] > 2458780  # the dip search's strongest run is in the fade too
    assert not row["periodic"]


def test_v658_ori_a_deep_dip_episode_is_a_fade():
    """Dips to V = 17.1 against a median of 14.95; the deepest episode (early 2017) found as a fade."""
    lc, status, _ = load_clean(
        DATA / "V658OriA" / "3016935867962755968_skypatrol.csv", format="csv", read_options=SKYPATROL_V1
    )
    assert status == "ok"
    row = detect_events(lc, DipOptions())
    assert row["fade_significant"]
    assert row["fade_depth"] > 1.0
    assert row["fade_t_start"] <= 2457777 <= row["fade_t_start"] + row["fade_duration"]
    assert row["dip_log_bf"] > 100
    assert not row["periodic"]
    assert row["dip_significant"]  # the default per-point log-BF trigger finds its dips
    assert row["dip_n_runs"] >= 5
    table = apply_filter(pd.DataFrame([row]), FilterOptions(require_passed_tags=False)).table
    assert table["family_dip"].iloc[0]
    posterior = detect_events(lc, DipOptions(trigger={"mode": "posterior_prob"}))
    assert not posterior["dip_significant"]  # no point reaches P = 0.9999997 against 0.3-mag scatter


def test_pds110_quiet_with_an_offset_per_observer():
    lc, status, _ = load_clean(DATA / "PDS110" / "aavsodata.txt", format="csv", read_options=AAVSO)
    assert status == "ok"
    assert len(lc.datasets) == 31  # 33 observers, two of them without a usable error
    row = detect_events(lc, DipOptions())
    assert not row["fade_significant"]
    assert not row["periodic"]
    table = apply_filter(pd.DataFrame([row]), FilterOptions(require_passed_tags=False)).table
    assert not table["is_candidate"].any(), table["reject_reason"].iloc[0]


def test_a_follow_up_data_set_does_not_fake_a_fade():
    """A data set that observed only during a brightening has the brightening as its median."""
    t, y, _, _ = _curve(5)
    follow = np.linspace(990.0, 1050.0, 300)
    bright = -1.5 * np.exp(-0.5 * ((follow - 1000.0) / 12.0) ** 2)
    t2 = np.concatenate((t, follow))
    y2 = np.concatenate((y, bright - np.median(bright)))  # its own median removed, as the search does
    group = np.concatenate((np.full(t.size, "survey/g"), np.full(follow.size, "followup/g")))
    order = np.argsort(t2)
    args = (t2[order], y2[order], np.full(t2.size, 0.02), np.full(t2.size, "g"))
    assert find_fade(*args, FadeOptions(min_dataset_span=0.0), group=group[order]).significant
    assert not find_fade(*args, FadeOptions(), group=group[order]).significant
