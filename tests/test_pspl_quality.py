"""Fit quality of the PSPL stage and ``lcpipe fit``: curvature errors, annual parallax, finite source."""

import json

import numpy as np
import pytest
from scipy.optimize import brentq, minimize

from lcpipe.cli import main
from lcpipe.microlensing.fit_input import fit_input, load_event
from lcpipe.microlensing.fspl import fspl_magnification
from lcpipe.microlensing.parallax import parallax_magnification
from lcpipe.microlensing.pspl import PSPLOptions, fit_pspl, pspl_magnification
from lcpipe.microlensing.pspl_quality import (
    QUALITY_COLUMNS,
    REDUCED_OFFSET,
    coordinates_of,
    fit_quality,
    parse_coordinates,
)
from lcpipe.microlensing.uncertainty import dataset_flux_errors, pspl_uncertainties
from lcpipe.options import ConfigError
from lcpipe.simulate.writers import write_dat2
from lcpipe.stages.microlensing import EVENTS_SECTION, PSPL_SECTION, fit_source

#: A bulge position (deg) and its sexagesimal form.
RA, DEC = 270.0, -30.0
COORDINATES = "18:00:00.00 -30:00:00.00"


def _flux_event(seed, magnification, t, err=0.01):
    rng = np.random.default_rng(seed)
    model = 2.0 * magnification + 1.0
    sigma = err * np.sqrt(model)
    return model + rng.normal(0.0, 1.0, t.size) * sigma, sigma


def _write_event(path, jd, magnification, seed, err=0.01):
    """A one-camera V-band .dat2 file of a source of baseline V = 14 with half its light blended."""
    rng = np.random.default_rng(seed)
    mag = 14.0 - 2.5 * np.log10(0.5 * magnification + 0.5) + rng.normal(0.0, err, jd.size)
    n = jd.size
    ones, zeros = np.ones(n, int), np.zeros(n, int)
    write_dat2(path, jd, mag, np.full(n, err), ones, zeros, ones, zeros, np.full(n, "ba/f1"))
    return path


@pytest.fixture(scope="module")
def parallax_event(tmp_path_factory):
    """A seeded tE = 100 d event with (pi_EN, pi_EE) = (0.2, 0.1) at (270, -30) deg over 500 days, 0.005
    mag errors."""
    rng = np.random.default_rng(5)
    t = np.sort(rng.uniform(7650.0, 8150.0, 800))  # HJD - 2450000
    magnification = parallax_magnification(t, 7900.0, 100.0, 0.4, 0.2, 0.1, COORDINATES)
    folder = tmp_path_factory.mktemp("parallax")
    return _write_event(folder / "777.dat2", t + REDUCED_OFFSET, magnification, 6, err=0.005)


def test_parallax_is_recovered_on_a_simulated_parallax_event(parallax_event):
    row = {"source_id": "777", "mag_bin": "14_14.5", "path": str(parallax_event), "status": "ok", "ra": RA,
           "dec": DEC}  # fmt: skip
    out = fit_source(row, options=PSPL_SECTION.build({}), selection=EVENTS_SECTION.build({}), read={},
                     cleaning={})  # fmt: skip
    assert out["is_event"]
    assert out["pspl_parallax"]
    assert out["pspl_dchi2_parallax"] > 50
    for name, truth in (("pi_EN", 0.2), ("pi_EE", 0.1)):
        assert 0 < out[f"pspl_{name}_err"] < 0.1
        assert abs(out[f"pspl_{name}"] - truth) < 4 * out[f"pspl_{name}_err"]
    assert out["pspl_u0_sign"] in (-1, 1)
    assert not out["pspl_finite_source"]
    assert np.isnan(out["pspl_rho"])


def test_parallax_needs_coordinates_and_is_off_on_request(parallax_event):
    row = {"source_id": "777", "mag_bin": "14_14.5", "path": str(parallax_event), "status": "ok"}
    sections = {"selection": EVENTS_SECTION.build({}), "read": {}, "cleaning": {}}
    out = fit_source(row, options=PSPL_SECTION.build({}), **sections)
    assert not out["pspl_parallax"]
    assert np.isnan(out["pspl_pi_EN"])
    off = fit_source(
        {**row, "ra": RA, "dec": DEC}, options=PSPL_SECTION.build({"parallax": False}), **sections
    )
    assert not off["pspl_parallax"]
    assert np.isnan(off["pspl_pi_EN"])


def test_static_event_keeps_no_parallax():
    rng = np.random.default_rng(8)
    t = np.sort(rng.uniform(7700.0, 8100.0, 500))
    flux, err = _flux_event(9, pspl_magnification(t, 7900.0, 60.0, 0.5), t)
    fit = fit_pspl(t + REDUCED_OFFSET, flux, err)
    quality = fit_quality(fit, PSPLOptions(finite_source="off"), significant=True, coordinates=COORDINATES)
    assert np.isfinite(quality["pi_EN"])
    assert np.isfinite(quality["dchi2_parallax"])
    assert quality["dchi2_parallax"] < 25
    assert not quality["parallax"]
    on = fit_quality(fit, PSPLOptions(parallax="on", finite_source="off"), significant=True,
                     coordinates=COORDINATES)  # fmt: skip
    assert on["parallax"]
    days = fit_quality(fit_pspl(t, flux, err), PSPLOptions(finite_source="off"), significant=True,
                       coordinates=COORDINATES)  # fmt: skip
    assert np.isnan(days["pi_EN"])  # a day count, not a full date


def _small_u0_event(seed, rho):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(0.0, 40.0, 1500))
    mag = (
        pspl_magnification(t, 20.0, 5.0, 0.005)
        if rho is None
        else fspl_magnification(t, 20.0, 5.0, 0.005, rho)
    )
    return t, *_flux_event(seed + 1, mag, t)


def test_finite_source_is_chosen_on_a_finite_source_event_only():
    t, flux, err = _small_u0_event(1, 0.02)
    finite = fit_quality(fit_pspl(t, flux, err), PSPLOptions(), significant=True)
    assert finite["finite_source"]
    assert finite["rho"] == pytest.approx(0.02, rel=0.05)
    assert 0 < finite["rho_err"] < 0.002
    assert abs(finite["rho"] - 0.02) < 4 * finite["rho_err"]
    assert finite["dchi2_fspl"] > 1e3
    assert np.isnan(finite["pi_EN"])  # no coordinates
    t, flux, err = _small_u0_event(2, None)
    point = fit_quality(fit_pspl(t, flux, err), PSPLOptions(), significant=True)
    assert not point["finite_source"]
    assert point["dchi2_fspl"] < 25
    assert not fit_quality(fit_pspl(t, flux, err), PSPLOptions(), significant=False)["finite_source"]


def _two_dataset_event():
    """Two data sets of unrelated flux units (the second inverted, as some difference fluxes are)."""
    rng = np.random.default_rng(11)
    t = np.sort(rng.uniform(0.0, 100.0, 500))
    group = np.where(rng.uniform(size=t.size) < 0.6, "A", "B")
    mag = pspl_magnification(t, 50.0, 12.0, 0.3)
    model = np.where(group == "A", 3.0 * mag + 1.0, -40.0 * mag + 5.0)
    err = np.where(group == "A", 0.02, 0.5)
    flux = model + rng.normal(0.0, 1.0, t.size) * err
    return t, flux, err, group


def _profile_chi2(t, flux, err, group, te):
    """Chi-square at fixed tE minimised over (t0, u0), each data set's source and blend flux solved."""

    def chi2(x):
        mag = pspl_magnification(t, x[0], te, abs(x[1]))
        total = 0.0
        for name in np.unique(group):
            sel = group == name
            design = np.column_stack([mag[sel], np.ones(sel.sum())]) / err[sel, None]
            coef = np.linalg.lstsq(design, flux[sel] / err[sel], rcond=None)[0]
            total += float(np.sum((flux[sel] / err[sel] - design @ coef) ** 2))
        return total

    return minimize(chi2, [50.0, 0.3], method="Nelder-Mead", options={"xatol": 1e-9, "fatol": 1e-7}).fun


def test_tE_error_of_a_joint_fit_with_own_fluxes_matches_the_profile():
    t, flux, err, group = _two_dataset_event()
    fit = fit_pspl(t, flux, err, group=group, independent_scales=True)
    assert fit.ok
    assert fit.n_own_flux == 2
    sigma = pspl_uncertainties(fit, rescale=False).sigma["tE"]
    floor = _profile_chi2(t, flux, err, group, fit.tE)
    assert floor == pytest.approx(fit.chi2, rel=1e-6)
    upper = brentq(lambda v: _profile_chi2(t, flux, err, group, v) - floor - 1.0, fit.tE, fit.tE + 5 * sigma,
                   xtol=1e-3 * sigma)  # fmt: skip
    lower = brentq(lambda v: _profile_chi2(t, flux, err, group, v) - floor - 1.0, fit.tE - 5 * sigma, fit.tE,
                   xtol=1e-3 * sigma)  # fmt: skip
    assert 0.5 * (upper - lower) == pytest.approx(sigma, rel=0.1)


@pytest.fixture(scope="module")
def static_file(tmp_path_factory):
    rng = np.random.default_rng(3)
    jd = np.sort(rng.uniform(2457700.0, 2458100.0, 400))
    return _write_event(tmp_path_factory.mktemp("static") / "4242.dat2", jd,
                        pspl_magnification(jd, 2457900.0, 30.0, 0.5), 4)  # fmt: skip


def test_stage_errors_are_the_curvature_errors(static_file):
    row = {"source_id": "4242", "mag_bin": "14_14.5", "path": str(static_file), "status": "ok"}
    out = fit_source(row, options=PSPL_SECTION.build({}), selection=EVENTS_SECTION.build({}), read={},
                     cleaning={})  # fmt: skip
    curves, status, _ = load_event(static_file)
    fit = fit_input(curves).fit()
    sigma = pspl_uncertainties(fit).sigma
    assert status == "ok"
    assert out["pspl_t0"] == fit.t0
    for name in ("t0", "tE", "u0", "fs", "fb"):
        assert out[f"pspl_{name}_err"] == sigma[name]
    assert 0 < out["pspl_tE_err"] < 0.2 * out["pspl_tE"]


def test_fit_json_has_the_quality_keys(capsys, static_file):
    code = main(["fit", str(static_file), "--json", "--coordinates", f"{RA} {DEC}"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    for key in ("t0", "tE", "u0", "fs", "fb", "chi2", "dchi2_const", "status", "is_event", *QUALITY_COLUMNS):
        assert key in result
    assert result["is_event"]
    assert np.isfinite(result["dchi2_parallax"])
    assert not result["parallax"]
    assert result["tE_err"] > 0
    main(["fit", str(static_file), "--json", "--parallax", "off"])
    assert json.loads(capsys.readouterr().out)["pi_EN"] is None


def test_coordinates_and_options():
    assert coordinates_of(RA, DEC) == COORDINATES
    assert coordinates_of(None, DEC) is None
    assert coordinates_of(float("nan"), DEC) is None
    assert parse_coordinates("270 -30") == COORDINATES
    assert parse_coordinates("18:00:00 -30:00:00") == COORDINATES
    with pytest.raises(ValueError, match="coordinates"):
        parse_coordinates("north")
    assert PSPLOptions(parallax=False).parallax == "off"
    assert PSPLOptions(parallax=True).parallax == "on"
    with pytest.raises(ConfigError, match="parallax"):
        PSPL_SECTION.build({"parallax": "sometimes"})


def test_dataset_flux_errors_do_not_depend_on_the_reference_data_set():
    """The same two data sets (250 points each) fitted with either as the reference: each data set's fs and
    fb errors in its own units are the same, whichever carries the shared parameters."""
    rng = np.random.default_rng(12)
    t = np.sort(rng.uniform(0.0, 100.0, 500))
    second = rng.permutation(t.size) < 250
    mag = pspl_magnification(t, 50.0, 12.0, 0.3)
    err = np.where(second, 0.5, 0.02)
    flux = np.where(second, 40.0 * mag + 5.0, 3.0 * mag + 1.0) + rng.normal(0.0, 1.0, t.size) * err
    errors = {}
    for first_label in ("A", "Z"):  # ties go to the first label in sorted order: A, then B
        group = np.where(second, "B", first_label)
        fit = fit_pspl(t, flux, err, group=group, independent_scales=True)
        fs_err, fb_err = dataset_flux_errors(fit, pspl_uncertainties(fit))
        errors[first_label] = {str(label): (fs_err[k], fb_err[k]) for k, label in enumerate(fit.group_labels)}
    assert errors["A"]["A"][0] == pytest.approx(errors["Z"]["Z"][0], rel=1e-3)
    assert errors["A"]["B"] == pytest.approx(errors["Z"]["B"], rel=1e-3)
    assert errors["A"]["A"][1] == pytest.approx(errors["Z"]["Z"][1], rel=1e-3)
