"""The simulated ASAS-SN-style survey: determinism, layout, index/file/truth consistency, catalogs."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lcpipe.io import LightCurveReadError, read_lightcurve
from lcpipe.simulate import Injection, SurveySimOptions, simulate_survey
from lcpipe.simulate.catalogs import GAIA_EPOCH, INDEX_EPOCH, propagate
from lcpipe.simulate.caustics import anomaly_delta_mag
from lcpipe.simulate.injections import PARAMETER_COLUMNS
from lcpipe.simulate.stars import assign_kinds
from lcpipe.simulate.survey_options import DEFAULT_KIND_FRACTIONS

SMALL = {"seed": 7, "mag_bins": ["12_12.5", "13_13.5"], "stars_per_bin": 24, "stars_per_index_file": 10}
DAT2_DTYPE = [
    ("t", "f8"),
    ("mag", "f8"),
    ("err", "f8"),
    ("good", "i4"),
    ("cam", "i4"),
    ("band", "i4"),
    ("sat", "i4"),
    ("field", "U32"),
]


@pytest.fixture(scope="module")
def survey(tmp_path_factory):
    return simulate_survey(tmp_path_factory.mktemp("survey_a"), options=SurveySimOptions(**SMALL))


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _load_dat2(path: Path) -> np.ndarray:
    return np.loadtxt(path, dtype=DAT2_DTYPE, ndmin=1)


def test_same_seed_gives_identical_files_other_seed_differs(survey, tmp_path):
    again = simulate_survey(tmp_path / "b", options=SurveySimOptions(**SMALL))
    first, second = _files(survey.root), _files(again.root)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    other = _files(simulate_survey(tmp_path / "c", options=SurveySimOptions(**{**SMALL, "seed": 8})).root)
    assert other["index/12_12.5/index0.csv"] != first["index/12_12.5/index0.csv"]


def test_tree_layout_and_index_columns(survey):
    for mag_bin in SMALL["mag_bins"]:
        index_files = sorted((survey.index_root / mag_bin).iterdir())
        assert [p.name for p in index_files] == ["index0.csv", "index1.csv", "index2.csv"]
        assert sorted(p.name for p in (survey.lc_root / mag_bin).iterdir()) == [
            "lc0_cal",
            "lc1_cal",
            "lc2_cal",
        ]
        for path in index_files:
            index = pd.read_csv(path)
            assert list(index.columns) == ["asas_sn_id", "ra_deg", "dec_deg", "pm_ra", "pm_dec", "mag"]
            assert index["asas_sn_id"].dtype == np.int64
            low, high = (float(x) for x in mag_bin.split("_"))
            assert index["mag"].between(low, high).all()
            num = re.fullmatch(r"index(\d+)\.csv", path.name).group(1)
            for source_id in index["asas_sn_id"]:
                assert (survey.lc_root / mag_bin / f"lc{num}_cal").is_dir()
                assert str(source_id) in set(
                    survey.truth.loc[survey.truth["mag_bin"] == mag_bin, "source_id"]
                )
    for path in survey.lc_root.rglob("*"):
        if path.is_file():
            assert re.fullmatch(r"lc/[^/]+/lc\d+_cal/\d+\.dat2", path.relative_to(survey.root).as_posix())


def test_index_rows_files_and_truth_agree(survey):
    truth = survey.truth
    index = pd.concat([pd.read_csv(p) for p in sorted(survey.index_root.rglob("index*.csv"))])
    assert sorted(index["asas_sn_id"].astype(str)) == sorted(truth["source_id"])
    on_disk = {p.relative_to(survey.root).as_posix() for p in survey.lc_root.rglob("*.dat2")}
    assert on_disk == set(truth.loc[truth["kind"] != "missing", "path"])
    assert (truth["kind"] == "missing").sum() == 1
    assert (truth["kind"] == "broken").sum() == 2
    for row in truth.itertuples():
        path = survey.root / row.path
        assert re.fullmatch(r"lc\d+_cal", path.parent.name)
        assert path.parent.parent.name == row.mag_bin
        if row.kind == "missing":
            assert not path.exists()
        elif row.kind == "broken":
            with pytest.raises(LightCurveReadError):
                read_lightcurve(path)
        else:
            data = _load_dat2(path)
            assert data.size == row.n_points > 100
            assert np.all(np.diff(data["t"]) >= 0)
            assert set(np.unique(data["band"])) <= {0, 1}
            assert set(np.unique(data["sat"])) <= {0, 1}
            assert (data["good"] == 0).sum() == row.n_bad
            assert data["sat"].sum() == row.n_saturated
            names = np.char.partition(data["field"], "/")[:, 0]
            assert set(names) == set(row.cameras.split(","))
            assert len({(c, n) for c, n in zip(data["cam"], names, strict=True)}) == row.n_cameras
            lc = read_lightcurve(path)
            assert len(lc) == row.n_points
            assert lc.source_id == row.source_id
            np.testing.assert_allclose(lc.time, data["t"] + 2450000.0)


def test_truth_columns_and_parameters(survey):
    truth = survey.truth
    assert set(PARAMETER_COLUMNS) <= set(truth.columns)
    assert set(truth["kind"]) <= {
        "none",
        "dip",
        "eclipsing_binary",
        "flare",
        "pspl",
        "pspl_planet",
        "broken",
        "missing",
    }
    dips = truth[truth["kind"] == "dip"]
    assert len(dips) > 0
    assert dips["depth_mag"].between(0.1, 0.6).all()
    for row in dips.itertuples():
        grid = np.linspace(row.t0 - 10 * row.width, row.t0 + 10 * row.width, 200_001)
        model = Injection("dip", {k: getattr(row, k) for k in ("t0", "depth_mag", "width", "dip_alpha")})
        assert -2.5 * np.log10(model.flux_factor(grid).min()) == pytest.approx(row.depth_mag, rel=1e-5)
    micro = truth[truth["kind"].isin(["pspl", "pspl_planet"])]
    assert micro["tE"].between(10, 60).all()
    assert micro["u0"].between(0.05, 0.5).all()
    assert (micro["n_followup"] > 0).all()
    planets = truth[truth["kind"] == "pspl_planet"]
    assert planets["q"].between(1e-3, 1e-2).all()
    assert planets["s"].between(0.8, 1.3).all()
    assert (planets["anomaly_t_start"] <= planets["anomaly_t"]).all()
    assert (planets["anomaly_t"] <= planets["anomaly_t_end"]).all()
    assert truth.loc[truth["kind"] == "none", "t0"].isna().all()


def _normalised_residuals(data: np.ndarray, model_mag: np.ndarray) -> np.ndarray:
    """(mag - model) / err after removing each camera's median offset, shape (N,)."""
    residual = data["mag"] - model_mag
    for cam in np.unique(data["cam"]):
        sel = data["cam"] == cam
        residual[sel] -= np.median(residual[sel])
    return residual / data["err"]


def _robust_chi2(z: np.ndarray) -> float:
    """Median of z^2 scaled to the mean for Gaussian z (1 for pure noise of the stated errors)."""
    return float(np.median(z**2) / 0.455)


def test_light_curves_follow_their_truth_models(survey):
    """Residuals from the truth model are noise-like (errors are up to 1.2x optimistic by design), also
    where the signal is strong; there, dropping the model fits far worse."""
    truth = survey.truth
    signals = truth[truth["kind"].isin(["dip", "eclipsing_binary", "flare", "pspl", "pspl_planet"])]
    n_strong = 0
    for row in signals.itertuples():
        data = _load_dat2(survey.root / row.path)
        data = data[(data["good"] == 1) & (data["sat"] == 0)]
        params = {name: getattr(row, name) for name in PARAMETER_COLUMNS if np.isfinite(getattr(row, name))}
        model = -2.5 * np.log10(Injection(row.kind, params).flux_factor(data["t"] + 2450000.0))
        z = _normalised_residuals(data, model)
        assert _robust_chi2(z) < 2.0, (row.source_id, row.kind)
        strong = np.abs(model) > 5.0 * data["err"]
        if strong.sum() >= 10:
            n_strong += 1
            assert _robust_chi2(z[strong]) < 2.5, (row.source_id, row.kind)
            assert _robust_chi2((z + model / data["err"])[strong]) > 10.0, (row.source_id, row.kind)
    assert n_strong >= 0.5 * len(signals)


def test_planetary_anomalies_are_visible_in_the_written_points(survey):
    planets = survey.truth[survey.truth["kind"] == "pspl_planet"]
    assert len(planets) >= 2
    for row in planets.itertuples():
        data = _load_dat2(survey.root / row.path)
        data = data[data["good"] == 1]
        t = data["t"] + 2450000.0
        delta = anomaly_delta_mag(
            t, row.t0, row.tE, row.u0, row.q, row.s, row.alpha, row.rho, row.source_fraction
        )
        assert np.count_nonzero(np.abs(delta) / data["err"] >= 5.0) >= 3


def test_catalogs_hold_every_star_with_consistent_positions(survey):
    truth = survey.truth
    gaia = pd.read_csv(survey.gaia_path)
    assert list(gaia.columns)[:7] == ["source_id", "ra", "dec", "ref_epoch", "pmra", "pmdec", "parallax"]
    for column in ("phot_g_mean_mag", "bp_rp", "ruwe", "j_m", "h_m", "ks_m", "w1mpro", "w4mpro"):
        assert gaia[column].notna().all()
    assert gaia["source_id"].is_unique
    assert gaia["source_id"].dtype == np.int64
    assert len(gaia) > len(truth)
    assert (gaia["ref_epoch"] == 2016.0).all()
    index = pd.concat([pd.read_csv(p) for p in sorted(survey.index_root.rglob("index*.csv"))])
    stars = truth.merge(gaia, left_on="gaia_source_id", right_on="source_id", suffixes=("", "_gaia"))
    stars = stars.merge(index.assign(source_id=index["asas_sn_id"].astype(str)), on="source_id")
    assert len(stars) == len(truth)
    np.testing.assert_allclose(stars["pmra"], stars["pm_ra"], atol=1e-3)
    ra0, dec0 = propagate(
        stars["ra_gaia"], stars["dec_gaia"], stars["pmra"], stars["pmdec"], INDEX_EPOCH - GAIA_EPOCH
    )
    separation_mas = (
        np.hypot((ra0 - stars["ra_deg"]) * np.cos(np.radians(stars["dec_deg"])), dec0 - stars["dec_deg"])
        * 3.6e6
    )
    assert separation_mas.max() < 5.0
    vsx = pd.read_csv(survey.vsx_path)
    assert list(vsx.columns) == ["name", "ra", "dec", "class", "period"]
    ebs = truth[truth["kind"] == "eclipsing_binary"].sort_values("period")
    listed = vsx[vsx["class"] == "EA"].sort_values("period")
    np.testing.assert_allclose(listed["period"], ebs["period"], rtol=1e-6)
    np.testing.assert_allclose(listed["ra"], ebs["ra"], atol=1e-6)
    assert (vsx["class"] == "UV").sum() <= (truth["kind"] == "flare").sum()
    assert vsx["name"].str.match(r"VSX J\d{6}\.\d[+-]\d{6}$").all()


def test_default_kind_mix_has_enough_microlensing():
    kinds = [k for per_bin in assign_kinds(SurveySimOptions()) for k in per_bin]
    counts = pd.Series(kinds).value_counts()
    assert len(kinds) == 240
    assert counts["pspl"] >= 6
    assert counts["pspl_planet"] >= 6
    assert 0.3 <= counts["none"] / len(kinds) <= 0.45
    assert counts["broken"] == 2
    assert counts["missing"] == 1


def test_signal_fraction_keeps_the_signal_mix_and_fills_the_rest_with_quiet_stars():
    options = SurveySimOptions(stars_per_bin=1000, signal_fraction=0.05)
    counts = pd.Series([k for per_bin in assign_kinds(options) for k in per_bin]).value_counts()
    signals = counts.drop(["none", "broken", "missing"])
    assert signals.sum() == 3 * 50  # 5 % of each bin's 1000 stars
    default = dict(DEFAULT_KIND_FRACTIONS)
    for kind, count in signals.items():  # each kind keeps its share of the signals (10 of 50 pspl stars)
        assert count == pytest.approx(3 * 50 * default[kind] / (1 - default["none"]), abs=3)
    assert SurveySimOptions(signal_fraction=None).kind_fractions == DEFAULT_KIND_FRACTIONS
    assert dict(SurveySimOptions(signal_fraction=0.0).kind_fractions)["dip"] == 0.0
    with pytest.raises(ValueError, match="signal_fraction"):
        SurveySimOptions(signal_fraction=1.5)
    with pytest.raises(ValueError, match="signal_fraction"):
        SurveySimOptions(kind_fractions={"none": 1.0}, signal_fraction=0.1)


def test_options_from_plain_values_and_bad_options():
    options = SurveySimOptions(
        noise={"floor": 0.01},
        injections={"q": [1e-4, 1e-3]},
        cameras_per_star=[2, 3],
        kind_fractions={"none": 1.0, "dip": 1.0},
    )
    assert options.noise.floor == 0.01
    assert options.injections.q == (1e-4, 1e-3)
    assert options.kind_fractions == (("none", 1.0), ("dip", 1.0))
    with pytest.raises(ValueError, match="bin"):
        SurveySimOptions(mag_bins=["12-13"])
    with pytest.raises(ValueError, match="kind_fractions"):
        SurveySimOptions(kind_fractions={"supernova": 1.0})
    with pytest.raises(ValueError, match="cadence_days"):
        SurveySimOptions(cadence_days=[0.5, 1.0])
