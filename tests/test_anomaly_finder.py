"""The anomaly finder on real plain events, simulated events with and without an anomaly, and bad data."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lcpipe.microlensing.criteria import CandidateCriteria
from lcpipe.microlensing.finder import FinderOptions, find_anomalies, scan_fit
from lcpipe.microlensing.photometry import mags_to_fit_flux
from lcpipe.microlensing.pspl import fit_pspl, pspl_magnification
from lcpipe.microlensing.result import CLUSTER_COLUMNS

OGLE = Path(__file__).parent / "data" / "ogle"


def _simulated_event(seed: int, bump: float = 0.0, bump_t: float = 104.0, bump_width: float = 0.25):
    """Ground-like PSPL event: ~6 points/night for 120 nights, 1% errors, optional Gaussian bump."""
    rng = np.random.default_rng(seed)
    nights = np.arange(40.0, 160.0)
    t = np.sort((nights[:, None] + rng.uniform(0.0, 0.35, (nights.size, 6))).ravel())
    model = 1.0 * pspl_magnification(t, 100.0, 20.0, 0.3) + 0.3
    err = 0.01 * model
    flux = model + bump * np.exp(-0.5 * ((t - bump_t) / bump_width) ** 2) + rng.normal(0, err)
    return t, flux, err


@pytest.mark.parametrize(
    ("name", "columns"), [("phot_ob08092_O4.dat", (0, 1, 2)), ("starBLG234.6.I.218982.dat", (0, 1, 2))]
)
def test_real_plain_events_have_no_candidate(name, columns):
    time, mag, mag_err = np.loadtxt(OGLE / name, usecols=columns, unpack=True)
    flux, flux_err = mags_to_fit_flux(mag, mag_err)
    result = find_anomalies(time, flux, flux_err)
    assert result.status == "ok"
    assert result.error_scale > 1.0  # ground-based errors are inflated to chi2/dof = 1
    assert len(result.clusters) > 10
    assert not result.has_candidate
    assert result.verdict.reason == "fap"
    assert result.summary_dict()["best_fap"] > 1e-2
    survey = find_anomalies(
        time, flux, flux_err, options=FinderOptions(criteria=CandidateCriteria.survey_defaults())
    )
    assert not survey.clusters["accepted"].any()  # the former fixed thresholds agree


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_simulated_plain_event_has_no_candidate(seed):
    result = find_anomalies(*_simulated_event(seed))
    assert result.status == "ok"
    assert result.fit.t0 == pytest.approx(100.0, abs=0.1)
    assert not result.has_candidate


@pytest.mark.parametrize(("seed", "bump"), [(1, 0.2), (2, -0.2), (3, 0.15)])
def test_injected_anomaly_is_found(seed, bump):
    result = find_anomalies(*_simulated_event(seed, bump=bump))
    assert result.has_candidate
    d = result.summary_dict()
    assert d["best_t0"] == pytest.approx(104.0, abs=0.3)
    assert d["best_dchi2"] > 60
    assert d["best_n_eff"] > 3
    assert d["best_score"] > 5


def test_templates_centred_in_gaps_score_zero_by_default():
    # Nightly data: centres between nights see points on one side only and must not score.
    t, flux, err = _simulated_event(4, bump=0.2)
    on = find_anomalies(t, flux, err)
    off = find_anomalies(t, flux, err, options=FinderOptions(scan={"min_points_each_side": 0}))
    assert on.has_candidate
    assert off.has_candidate
    for result, expect_one_sided in ((on, False), (off, True)):
        c = result.clusters
        one_sided = [
            not (
                np.any((result.time < t0) & (result.time > t0 - 3 * te))
                and np.any((result.time > t0) & (result.time < t0 + 3 * te))
            )
            for t0, te in zip(c["t0"], c["teff"], strict=True)
        ]
        assert any(one_sided) == expect_one_sided


def test_single_outlier_is_not_a_candidate():
    t, flux, err = _simulated_event(5)
    flux[np.argmin(np.abs(t - 120.0))] += 0.5  # one 50-sigma point
    result = find_anomalies(t, flux, err)
    assert not result.has_candidate
    top = result.clusters.iloc[result.top]
    assert top["t0"] == pytest.approx(120.0, abs=1.0)
    assert top["peak_frac"] > 0.5


@pytest.mark.parametrize(
    ("arrays", "status"),
    [
        ((np.arange(4.0), np.ones(4), np.ones(4)), "too_few_points"),
        ((np.arange(50.0), np.ones(50), np.full(50, 0.01)), "degenerate"),
        ((np.arange(50.0), np.ones(50), np.zeros(50)), "bad_errors"),
    ],
)
def test_bad_data_gives_a_status(arrays, status):
    result = find_anomalies(*arrays)
    assert result.status == status
    assert not result.has_candidate
    row = result.to_row()
    assert row["status"] == status
    assert np.isnan(row["best_dchi2"])
    assert row["n_clusters"] == 0
    assert list(result.clusters_frame().columns) == list(CLUSTER_COLUMNS)


def test_result_summaries_and_rows_agree():
    t, flux, err = _simulated_event(1, bump=0.2)
    fit = fit_pspl(t, flux, err)
    result = scan_fit(fit)
    row = result.to_row()
    assert set(row) == set(result.summary_dict())
    assert all(np.isscalar(v) or v is None for v in row.values())
    assert row["best_t0"] == result.summary_dict()["best_t0"]
    table = result.summary_table()
    assert isinstance(table, pd.DataFrame)
    assert len(table) == 1
    text = result.summary_text()
    assert "best candidate" in text
    assert f"{row['best_dchi2']:.3f}" in text
    frame = result.clusters_frame()
    assert frame["dchi2"].iloc[result.best] == row["best_dchi2"]
    assert frame.groupby("season")["dchi2"].apply(lambda d: d.is_monotonic_decreasing).all()


def test_options_from_plain_mappings():
    options = FinderOptions(scan={"n_teff": 10}, criteria={"min_dchi2": 10.0}, num_threads=2)
    assert options.scan.n_teff == 10
    assert options.criteria.min_dchi2 == 10.0
    with pytest.raises(TypeError, match="scan"):
        FinderOptions(scan=3)
    with pytest.raises(ValueError, match="method"):
        FinderOptions(method="quick")


def test_fast_and_slow_finder_agree():
    t, flux, err = _simulated_event(6, bump=0.2)
    keep = (t > 95) & (t < 110)
    options = FinderOptions(scan={"n_teff": 10})
    fast = find_anomalies(t[keep], flux[keep], err[keep], options=options)
    slow = find_anomalies(
        t[keep], flux[keep], err[keep], options=FinderOptions(scan={"n_teff": 10}, method="slow")
    )
    cols = ["season", "t0", "teff", "template", "n_window", "n_contrib", "longest_run"]
    pd.testing.assert_frame_equal(fast.clusters[cols], slow.clusters[cols])
    np.testing.assert_allclose(fast.clusters["dchi2"], slow.clusters["dchi2"], rtol=1e-8)
    assert fast.best == slow.best
