"""The verdict: residual realisations, false-alarm probabilities, degenerate fits, the hook in the finder."""

import numpy as np
import pytest

from lcpipe.microlensing.calibration import OGLE2
from lcpipe.microlensing.criteria import CandidateCriteria
from lcpipe.microlensing.degenerate import degeneracy_flags, refit_if_degenerate
from lcpipe.microlensing.finder import FinderOptions, find_anomalies
from lcpipe.microlensing.grid import ScanOptions, build_grid
from lcpipe.microlensing.null import (
    NullOptions,
    gumbel_log10_sf,
    null_test,
    season_dataset_blocks,
    shifted_residuals,
)
from lcpipe.microlensing.pspl import PSPLOptions, fit_pspl, pspl_magnification


def _event(seed: int, bump: float = 0.0, ar: float = 0.0):
    """Ground-like event, 6 points a night over 120 nights, optional bump at 104 and AR(1) noise."""
    rng = np.random.default_rng(seed)
    nights = np.arange(40.0, 160.0)
    t = np.sort((nights[:, None] + rng.uniform(0.0, 0.35, (nights.size, 6))).ravel())
    model = pspl_magnification(t, 100.0, 20.0, 0.3) + 0.3
    err = 0.01 * model
    noise = rng.normal(0, 1, t.size)
    for i in range(1, t.size):
        noise[i] = ar * noise[i - 1] + np.sqrt(1 - ar * ar) * noise[i]
    flux = model + bump * np.exp(-0.5 * ((t - 104.0) / 0.25) ** 2) + noise * err
    return t, flux, err


def test_shifted_residuals_keep_each_block_values_and_order():
    t = np.concatenate([np.arange(10.0), 300 + np.arange(6.0)])
    group = np.array([0, 1] * 5 + [0] * 6)
    grid = build_grid(t, ScanOptions())
    blocks = season_dataset_blocks(t, group, grid)
    assert sorted(len(b) for b in blocks) == [5, 5, 6]
    z = np.arange(t.size, dtype=float)
    keep = np.ones(t.size, bool)
    out = shifted_residuals(z, np.full(t.size, 2.0), blocks, ~keep, np.random.default_rng(0), 1e9)
    for b in blocks:
        # a cyclic shift of the block's own values, errors applied
        values = out[b] / 2.0
        assert sorted(values) == sorted(z[b])
        start = int(np.flatnonzero(z[b] == values[0])[0])
        np.testing.assert_array_equal(values, np.roll(z[b], -start))


def test_window_points_enter_only_as_single_points():
    t = np.arange(40.0)
    grid = build_grid(t, ScanOptions())
    blocks = season_dataset_blocks(t, np.zeros(40, int), grid)
    z = np.arange(40.0)
    window = (t >= 10) & (t < 15)
    kept = z[~window]
    rng = np.random.default_rng(1)
    seen_window = False
    for _ in range(60):
        # runs never end by chance: the kept values in their (cyclic) order, at most one window value first
        out = shifted_residuals(z, np.ones(40), blocks, window, rng, block_length=1e9)
        rest = out[1:] if window[int(out[0])] else out
        seen_window |= bool(window[int(out[0])])
        start = int(np.flatnonzero(kept == rest[0])[0])
        np.testing.assert_array_equal(rest, np.resize(np.roll(kept, -start), rest.size))
        assert not np.any(window[rest.astype(int)])
    assert seen_window  # window values are part of the pool


def test_gumbel_tail_matches_its_law():
    rng = np.random.default_rng(2)
    sample = rng.gumbel(10.0, 2.0, 20000)
    x = 30.0
    exact = np.log10(-np.expm1(-np.exp(-(x - 10.0) / 2.0)))
    assert gumbel_log10_sf(x, sample) == pytest.approx(exact, abs=0.1)
    assert np.isnan(gumbel_log10_sf(x, sample[:5]))
    assert gumbel_log10_sf(1e4, sample) < -1000  # stable far in the tail


def test_gumbel_scale_floor_keeps_a_chi_square_tail():
    """Twenty nearly equal maxima suggest a scale near 0; the floor keeps at least exp(-x / 2)."""
    sample = 5.0 + np.random.default_rng(4).normal(0.0, 0.01, 20)
    assert gumbel_log10_sf(7.0, sample) < -30  # the moment fit alone: absurdly rare
    floored = gumbel_log10_sf(7.0, sample, min_scale=2.0)
    mu = np.mean(sample) - 0.5772156649015329 * 2.0
    assert floored == pytest.approx(np.log10(-np.expm1(-np.exp(-(7.0 - mu) / 2.0))))
    assert floored > -1.5
    assert gumbel_log10_sf(7.0, np.full(20, 5.0), min_scale=2.0) == pytest.approx(floored, abs=0.01)
    assert np.isnan(gumbel_log10_sf(7.0, np.full(20, 5.0)))


def _test_of(t, flux, err, **null):
    fit = fit_pspl(t, flux, err)
    r = flux - fit.model_flux(t)
    e = err * np.sqrt(fit.chi2_dof)
    grid = build_grid(t, ScanOptions())
    return lambda statistic, t0, teff: null_test(
        t, r, e, np.zeros(t.size, int), grid, statistic, t0, teff, options=NullOptions(**null)
    )


def test_fap_is_the_monte_carlo_p_value():
    t, flux, err = _event(3)
    test = _test_of(t, flux, err, n_null=40, stop_after=0)
    weak = test(0.0, 100.0, 0.1)
    assert weak.n_exceed == weak.n_null == 40
    assert weak.fap == pytest.approx(41 / 41)
    strong = test(1e9, 100.0, 0.1)
    assert strong.n_exceed == 0
    assert strong.fap_is_bound
    assert strong.fap == pytest.approx(1 / 41)
    assert strong.log10_fap < np.log10(1 / 41)  # the tail ranks beyond the bound
    middle = np.median(weak.null_max)
    mid = test(middle, 100.0, 0.1)
    assert 0.3 < mid.fap < 0.7


def test_sequential_stop_after_exceedances():
    t, flux, err = _event(3)
    test = _test_of(t, flux, err, n_null=100, stop_after=5)(0.0, 100.0, 0.1)
    assert test.n_null == 5
    assert test.n_exceed == 5
    assert test.fap == 1.0  # Besag-Clifford h / k


def test_verdict_flags_a_bump_not_noise_and_not_correlated_noise():
    found = find_anomalies(*_event(1, bump=0.2))
    assert found.has_candidate
    d = found.summary_dict()
    assert d["best_t0"] == pytest.approx(104.0, abs=0.3)
    assert d["best_fap_is_bound"]
    assert d["best_log10_fap"] < -3
    assert d["best_significance"] == -d["best_log10_fap"]
    assert 0 < d["best_dchi2_clipped"] <= d["best_dchi2"]
    for seed in (1, 2):
        for ar in (0.0, 0.8):
            result = find_anomalies(*_event(seed, ar=ar))
            assert not result.has_candidate, (seed, ar)
            assert result.verdict.reason == "fap"
            assert result.summary_dict()["best_fap"] > 1e-2


def test_four_outliers_in_a_row_can_be_a_candidate_one_cannot():
    """Clipped to 5 sigma, one point adds at most 25 to the statistic: a lone outlier is common in the
    null, a run of four is not (with the OGLE-II calibration two or three are not enough)."""
    t, flux, err = _event(5)
    i = int(np.argmin(np.abs(t - 120.0)))
    one = flux.copy()
    one[i] += 0.5
    assert not find_anomalies(t, one, err).has_candidate
    four = one.copy()
    four[i + 1 : i + 4] += 0.5
    assert find_anomalies(t, four, err).has_candidate


def test_degenerate_flux_fit_is_detected_and_refitted():
    t, flux, err = _event(6)
    tight = PSPLOptions(u0_max=5.0)
    fit = fit_pspl(t, flux, err, options=tight)
    assert not degeneracy_flags(fit, tight).degenerate
    bad = fit_pspl(t, flux, err, options=tight, p0=(100.0, 20.0, 5.0))
    # force the degenerate corner: starting at the u0 bound with a flat model far from the data
    object.__setattr__(bad, "u0", 5.0)
    object.__setattr__(bad, "fs", 1e6)
    object.__setattr__(bad, "fb", -1e6)
    flags = degeneracy_flags(bad, tight)
    assert flags.u0_at_bound
    assert flags.flux_degenerate
    assert flags.degenerate
    assert flags.reason() == "u0_at_bound,flux_degenerate"
    refit, after = refit_if_degenerate(bad, pspl=tight)
    assert after.refitted
    assert not after.degenerate
    assert refit.u0 == pytest.approx(0.3, abs=0.05)


def test_a_fit_that_stays_degenerate_is_flagged_not_a_candidate():
    rng = np.random.default_rng(7)
    t = np.sort(rng.uniform(0, 300, 600))
    err = np.full(t.size, 0.01)
    flux = 1.0 + 0.002 * (t - 150) / 150 + rng.normal(0, 0.01, t.size)  # a slow trend, no event
    flux[(t > 200) & (t < 200.6)] += 0.3  # and a bump the scan would love
    options = FinderOptions(pspl={"u0_max": 5.0})
    result = find_anomalies(t, flux, err, options=options)
    d = result.summary_dict()
    if d["fit_degenerate"]:
        assert not result.has_candidate
        assert d["verdict_reason"] == "degenerate_fit"
    else:
        assert d["fit_refitted"] or d["fit_degenerate_reason"] == ""


def test_verdict_options_from_mappings_and_bad_values():
    options = FinderOptions(verdict={"fap_threshold": 0.01, "null": {"n_null": 20}})
    assert options.verdict.null.n_null == 20
    with pytest.raises(ValueError, match="fap_threshold"):
        FinderOptions(verdict={"fap_threshold": 2.0})
    with pytest.raises(ValueError, match="NullOptions"):
        NullOptions(n_null=0)
    with pytest.raises(ValueError, match="scan_mode"):
        FinderOptions(scan_mode="wavelet")


def test_verdict_decides_on_the_calibrated_fap():
    t, flux, err = _event(1, bump=0.2)
    calibrated = find_anomalies(t, flux, err).summary_dict()
    nominal = find_anomalies(t, flux, err, options=FinderOptions(verdict={"calibration": "none"}))
    nominal = nominal.summary_dict()
    assert nominal["best_log10_fap"] == nominal["best_log10_fap_event"]
    assert calibrated["best_log10_fap"] == pytest.approx(OGLE2.log10_fap(calibrated["best_log10_fap_event"]))
    assert calibrated["best_log10_fap"] > calibrated["best_log10_fap_event"]  # the correction is conservative
    assert calibrated["best_fap"] == pytest.approx(10 ** calibrated["best_log10_fap"])
    assert calibrated["has_candidate"] == (calibrated["best_log10_fap"] <= -3)
    with pytest.raises(ValueError, match="calibration"):
        FinderOptions(verdict={"calibration": "roman"})


def test_criteria_method_is_the_former_behaviour_without_null():
    t, flux, err = _event(1, bump=0.2)
    options = FinderOptions(criteria=CandidateCriteria.survey_defaults(), verdict={"method": "criteria"})
    result = find_anomalies(t, flux, err, options=options)
    assert result.has_candidate
    assert result.summary_dict()["n_null"] == 0
    assert result.best is not None
    assert bool(result.clusters["accepted"].iloc[result.best])
    plain = find_anomalies(*_event(2), options=options)
    assert plain.has_candidate == (plain.best is not None)
