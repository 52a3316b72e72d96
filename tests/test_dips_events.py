"""detect_events: synthetic detections and a defined status for every kind of bad input."""

import math

import numpy as np
import pytest

from lcpipe.dips.dipper_score import DipperScoreOptions, dipper_score
from lcpipe.dips.events import DIP_STATUSES, DipOptions, detect_events
from lcpipe.io.cleaning import CleaningOptions, clean_lightcurve
from lcpipe.lightcurve import make_lightcurve


def _survey_lc(seed=0, n=1500, n_cam=4, dip_depth=0.0, jump_height=0.0, err=0.02, **kw):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(2458000.0, 2461000.0, n))
    cam = np.array([f"c{i}" for i in rng.integers(0, n_cam, n)])
    offsets = {f"c{i}": 0.03 * i for i in range(n_cam)}
    mag = 13.0 + np.array([offsets[c] for c in cam]) + rng.normal(0, err, n)
    if dip_depth:
        mag += dip_depth * np.exp(-0.5 * ((t - 2459500.0) / 8.0) ** 2)
    if jump_height:
        mag -= jump_height * np.exp(-0.5 * ((t - 2460300.0) / 6.0) ** 2)
    fields = {"mag": mag, "mag_err": np.full(n, err), "camera": cam, "band": "V", **kw}
    return make_lightcurve(t, meta={"source_id": f"src{seed}"}, **fields)


def _finite_or_nan_row(row):
    for key, value in row.items():
        assert value is not None, key
        if isinstance(value, float) and math.isnan(value):
            continue
        assert isinstance(value, str | bool | int | float | np.integer | np.floating), key


def test_injected_dip_is_significant_and_characterised():
    row = detect_events(_survey_lc(1, dip_depth=0.4), DipOptions())
    assert row["status"] == "ok"
    assert row["dip_significant"]
    assert not row["jump_significant"]
    assert row["dip_log_bf"] > 50
    assert row["dip_run_cameras"] >= 2
    assert abs(row["dip_morph_t0"] - 2459500.0) < 3
    assert row["dip_morph_model"] in ("gaussian", "skew_gaussian")
    assert 10 < row["dip_morph_width"] < 30  # FWHM of sigma = 8 d is 18.8 d
    assert row["dipper_n_valid"] >= 1
    assert row["n_cameras"] == 4
    _finite_or_nan_row(row)


def test_injected_jump_is_significant():
    row = detect_events(_survey_lc(2, jump_height=0.4), DipOptions())
    assert row["jump_significant"]
    assert not row["dip_significant"]
    assert row["jump_best_offset"] < 0


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_pure_noise_is_not_significant(seed):
    row = detect_events(_survey_lc(seed), DipOptions())
    assert row["status"] == "ok"
    assert not row["dip_significant"]
    assert not row["jump_significant"]


def test_logbf_mode_also_detects():
    opts = DipOptions(trigger={"mode": "logbf"})
    assert detect_events(_survey_lc(1, dip_depth=0.4), opts)["dip_significant"]


@pytest.mark.parametrize("method", ["gp_masked", "rolling_median", "global_median"])
def test_other_baselines_detect_the_dip(method):
    row = detect_events(_survey_lc(1, dip_depth=0.4), DipOptions(baseline={"method": method}))
    assert row["dip_significant"]
    assert row["baseline_method"] == method


def test_camera_with_few_points_uses_its_median():
    lc = _survey_lc(6, dip_depth=0.4)
    cam = lc.camera.copy()
    cam[:3] = "lonely"
    row = detect_events(
        make_lightcurve(lc.time, mag=lc.mag, mag_err=lc.mag_err, camera=cam, band="V"), DipOptions()
    )
    assert row["status"] == "ok"
    assert row["n_fallback_cameras"] == 1
    assert row["dip_significant"]
    _finite_or_nan_row(row)


def test_single_camera():
    row = detect_events(_survey_lc(7, n_cam=1, dip_depth=0.4), DipOptions())
    assert row["status"] == "ok"
    assert row["n_cameras"] == 1
    assert row["dip_run_cameras"] == 1
    assert row["dip_significant"]


def test_constant_magnitudes():
    lc = _survey_lc(8)
    row = detect_events(
        make_lightcurve(lc.time, mag=np.full(len(lc), 12.0), mag_err=lc.mag_err), DipOptions()
    )
    assert row["status"] == "constant_magnitudes"
    assert not row["dip_significant"]
    assert row["n_points"] == len(lc)
    _finite_or_nan_row(row)


def test_zero_errors():
    lc = _survey_lc(9)
    zero = make_lightcurve(lc.time, mag=lc.mag, mag_err=np.zeros(len(lc)), camera=lc.camera)
    assert detect_events(zero, DipOptions())["status"] == "bad_errors"
    some = lc.mag_err.copy()
    some[::10] = 0.0
    row = detect_events(make_lightcurve(lc.time, mag=lc.mag, mag_err=some, camera=lc.camera), DipOptions())
    assert row["status"] == "ok"
    assert row["n_dropped"] == len(lc) // 10


def test_huge_outliers_and_non_finite_values():
    lc = _survey_lc(10, dip_depth=0.4)
    mag, err, t = lc.mag.copy(), lc.mag_err.copy(), lc.time.copy()
    mag[[5, 50, 500]] = [99.99, 1e6, -30.0]  # sentinels and garbage: outside mag_range
    mag[[6, 60]] = [25.0, 3.0]  # huge but plausible outliers: kept, single points
    mag[7], err[8], t[9] = np.nan, np.inf, np.nan
    row = detect_events(make_lightcurve(t, mag=mag, mag_err=err, camera=lc.camera), DipOptions())
    assert row["status"] == "ok"
    assert row["n_dropped"] == 6
    assert row["dip_significant"]
    assert np.isfinite(row["dip_log_bf"])
    assert np.isfinite(row["jump_log_bf"])
    _finite_or_nan_row(row)


def test_bad_quality_points_are_ignored():
    lc = _survey_lc(11)
    mag, good = lc.mag.copy(), np.ones(len(lc), bool)
    in_fake_dip = np.abs(lc.time - 2459000.0) < 10
    mag[in_fake_dip] += 1.0
    good[in_fake_dip] = False
    sat = np.zeros(len(lc), bool)
    sat[:5] = True
    fake = make_lightcurve(lc.time, mag=mag, mag_err=lc.mag_err, camera=lc.camera, good=good, saturated=sat)
    cleaned, report = clean_lightcurve(fake)
    assert report.dropped["quality"] + report.dropped["saturated"] == in_fake_dip.sum() + 5
    assert not detect_events(cleaned, DipOptions())["dip_significant"]
    keep_bad, _ = clean_lightcurve(fake, CleaningOptions(require_good=False))  # the one quality switch
    assert detect_events(keep_bad, DipOptions())["dip_significant"]


@pytest.mark.parametrize(("n", "status"), [(0, "no_points"), (5, "too_few_points")])
def test_too_few_points(n, status):
    lc = _survey_lc(12, n=max(n, 1))
    short = make_lightcurve(lc.time[:n], mag=lc.mag[:n], mag_err=lc.mag_err[:n])
    row = detect_events(short, DipOptions())
    assert row["status"] == status
    assert status in DIP_STATUSES
    assert not row["dip_significant"]
    _finite_or_nan_row(row)


def test_options_accept_plain_dicts_and_reject_nonsense():
    opts = DipOptions(baseline={"sho_q": 1.0}, trigger={"min_run_points": 3}, score={"min_depth_mag": 0.1})
    assert opts.baseline.sho_q == 1.0
    assert opts.to_dict()["trigger"]["min_run_points"] == 3
    with pytest.raises(TypeError, match="baseline"):
        DipOptions(baseline=3)
    with pytest.raises(TypeError):
        DipOptions(baseline={"no_such_key": 1})


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dipper_score_kernel_matches_reference(seed):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0, 2000, 3000))
    resid = rng.normal(0, 0.02, t.size)
    for centre, depth, width in ((300, 0.3, 5.0), (900, 0.1, 1.0), (1500, 0.5, 20.0)):
        resid += depth * np.exp(-0.5 * ((t - centre) / width) ** 2)
    sigma = np.full(t.size, 0.02)
    opts = DipperScoreOptions()
    fast, slow = dipper_score(t, resid, sigma, opts), dipper_score(t, resid, sigma, opts, method="slow")
    assert (fast.n_events, fast.n_valid) == (slow.n_events, slow.n_valid)
    assert fast.score == pytest.approx(slow.score, rel=1e-9)
    assert fast.n_valid >= 2


def test_dipper_score_single_wide_dip_by_hand():
    t = np.arange(0.0, 200.0, 0.5)
    resid = np.where(np.arange(t.size) % 2 == 0, 0.01, -0.01)
    sel = np.abs(t - 100) < 6
    resid[sel] = 0.2 * np.exp(-0.5 * ((t[sel] - 100) / 3.0) ** 2)
    res = dipper_score(t, resid, np.full(t.size, 0.01), DipperScoreOptions())
    assert res.n_events == 1
    assert res.n_valid == 1
    # exact Gaussian -> Caruana fit exact: depth 0.2, FWHM 2.3548 * 3; points >= 0.5 sigma_rob
    n_det = int(np.sum(resid >= 0.5 * res.robust_sigma))
    expected = 0.5 * 0.2 * (2.0 * np.sqrt(2 * np.log(2)) * 3.0) * n_det / 1e-3 / (1 * np.log(2))
    assert res.score == pytest.approx(expected, rel=1e-6)
    narrow_dip = np.where(sel, 0.0, resid) + 0.3 * np.exp(-0.5 * ((t - 100) / 0.4) ** 2)  # FWHM 0.94 d
    narrow = dipper_score(t, narrow_dip, np.full(t.size, 0.01), DipperScoreOptions())
    assert narrow.n_valid == 0
    assert np.isnan(narrow.log10_score)
