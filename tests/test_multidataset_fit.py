"""One event as several data sets: fit input, joint PSPL fit, per-dataset error scales, CLI = pipeline."""

import argparse
import json
from pathlib import Path

import numpy as np
import pytest

from lcpipe.cli import fit as fit_cli
from lcpipe.io import load_clean
from lcpipe.lightcurve import make_lightcurve
from lcpipe.manifest import folder_sources
from lcpipe.microlensing.fit_input import fit_input, load_event
from lcpipe.microlensing.photometry import rescale_errors_by_group
from lcpipe.microlensing.pspl import PSPLOptions, fit_pspl, pspl_magnification
from lcpipe.stages.microlensing import _fit

DATA = Path(__file__).parent / "data" / "microlensing"
OB05390 = sorted((DATA / "OB05390").glob("*.dat"))
MB09319 = [DATA / "MB09319" / f"lcMB09319ao.{s}" for s in ("moa61I", "ftni", "dani", "broni")]


def _run_cli(argv):
    parser = argparse.ArgumentParser(prog="lcpipe")
    fit_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["fit", *argv])
    return args.func(args)


def _two_sites(seed=0):
    """One event seen by two sites with unrelated flux units, the second sign-inverted."""
    rng = np.random.default_rng(seed)
    t1 = np.sort(rng.uniform(0, 200, 600))
    t2 = np.sort(rng.uniform(90, 110, 150))
    a1, a2 = pspl_magnification(t1, 100.0, 12.0, 0.2), pspl_magnification(t2, 100.0, 12.0, 0.2)
    f1 = 1000.0 * a1 + 300.0 + rng.normal(0, 5.0, t1.size)
    f2 = -40.0 * a2 + 7.0 + rng.normal(0, 0.5, t2.size)
    return (t1, f1, np.full(t1.size, 5.0)), (t2, f2, np.full(t2.size, 0.5))


def test_joint_fit_of_unrelated_flux_units_and_inverted_sign():
    (t1, f1, e1), (t2, f2, e2) = _two_sites()
    curves = [
        make_lightcurve(t1, flux=f1, flux_err=e1, dataset="survey", meta={"data_kind": "flux"}),
        make_lightcurve(t2, flux=f2, flux_err=e2, dataset="followup", meta={"data_kind": "flux"}),
    ]
    data = fit_input(curves)
    assert data.independent_scales
    assert data.data_kind == "flux"
    fit = data.fit()
    assert fit.ok
    assert fit.t0 == pytest.approx(100.0, abs=0.05)
    assert fit.tE == pytest.approx(12.0, rel=0.05)
    assert fit.u0 == pytest.approx(0.2, rel=0.05)
    labels = list(fit.group_labels)
    fs = dict(zip(labels, fit.fs_groups, strict=True))
    assert fs["survey"] == pytest.approx(1000.0, rel=0.05)
    assert fs["followup"] == pytest.approx(-40.0, rel=0.05)  # the inverted sign is a negative fs
    assert fit.chi2_dof == pytest.approx(1.0, abs=0.15)
    shared = fit_pspl(data.time, data.flux, data.flux_err, group=data.dataset)  # one shared source flux
    assert not shared.ok or shared.chi2 > 10 * fit.chi2


def test_error_scale_per_dataset():
    (t1, f1, e1), (t2, f2, e2) = _two_sites(seed=3)
    group = np.r_[np.zeros(t1.size, int), np.ones(t2.size, int)].astype(str)
    fit = fit_pspl(
        np.r_[t1, t2], np.r_[f1, f2], np.r_[e1 / 2.0, e2], group=group, independent_scales=True
    )  # the survey's errors are too small by 2
    factors, _scaled, joint = rescale_errors_by_group(fit)
    by_label = dict(zip(fit.group_labels, factors, strict=True))
    assert by_label["0"] == pytest.approx(2.0, rel=0.1)
    assert by_label["1"] == pytest.approx(1.0, abs=0.12)
    assert 1.0 < joint < 2.0


def test_a_misfit_does_not_inflate_its_data_set_errors():
    """A data set taken during a smooth deviation the model lacks keeps its noise's scale (its
    point-to-point scatter), not its chi2/dof; plain white noise keeps the chi2/dof factor."""
    rng = np.random.default_rng(5)
    t = np.sort(rng.uniform(0.0, 40.0, 4000))
    group = np.repeat([0, 1], 2000)[rng.permutation(4000)]
    z = rng.normal(0.0, 1.0, 4000) * np.where(group == 0, 2.0, 1.0)
    z = z + np.where(group == 1, 5.0 * np.sin(t / 3.0), 0.0)  # a smooth misfit of data set 1
    from types import SimpleNamespace

    fit = SimpleNamespace(
        status="ok", chi2_dof=float(np.mean(z**2)), flux_err=np.ones(4000), time=t, residuals=z,
        group=group, n_groups=2,
    )  # fmt: skip
    factors, scaled, _joint = rescale_errors_by_group(fit)
    assert factors[0] == pytest.approx(2.0, rel=0.1)
    assert np.sqrt(np.mean(z[group == 1] ** 2)) > 3.0  # what the chi2/dof factor would be
    assert factors[1] == pytest.approx(1.0, abs=0.15)
    np.testing.assert_allclose(scaled, factors[group])


def test_real_multi_observatory_event_ob05390():
    """OGLE-2005-BLG-390, six observatories: Beaulieu et al. (2006) give t0 = 3582.73, tE = 11.03 d,
    u0 = 0.359 (the single-lens part of their planetary model). With the planet's days (3590.5-3594.5)
    masked, the joint PSPL fit reproduces them; with them, t0 still holds."""
    curves, status, _ = load_event(OB05390)
    assert status == "ok"
    data = fit_input(curves)
    assert sorted(data.datasets) == sorted(p.stem for p in OB05390)
    assert data.independent_scales
    everything = data.fit()
    assert everything.ok
    assert everything.n_groups == 6
    assert everything.own_flux.all()
    assert everything.t0 - 2450000 == pytest.approx(3582.73, abs=0.1)
    keep = ~((data.time > 2453590.5) & (data.time < 2453594.5))
    fit = fit_pspl(
        data.time[keep], data.flux[keep], data.flux_err[keep], group=data.dataset[keep],
        independent_scales=True,
    )  # fmt: skip
    assert fit.t0 - 2450000 == pytest.approx(3582.73, abs=0.02)
    assert fit.tE == pytest.approx(11.03, rel=0.03)
    assert fit.u0 == pytest.approx(0.359, rel=0.03)


def test_real_difference_flux_event_mb09319_with_inverted_site():
    """MOA-2009-BLG-319 from four difference-flux files, FTN sign-inverted; run_1.in seeds t0 = 5006.995,
    u0 = 0.0061, tE = 16.8 d."""
    curves, status, _ = load_event(MB09319, format="dia")
    assert status == "ok"
    fit = fit_input(curves).fit()
    assert fit.ok
    assert sorted(fit.group_labels) == sorted(p.name for p in MB09319)  # stems collide: file names
    fs = dict(zip(fit.group_labels, fit.fs_groups, strict=True))
    assert fs["lcMB09319ao.ftni"] < 0 < fs["lcMB09319ao.moa61I"]
    assert fs["lcMB09319ao.dani"] > 0
    assert fit.t0 - 2450000 == pytest.approx(5006.995, abs=0.1)


def test_cli_and_pipeline_give_identical_fits(capsys):
    path = DATA / "OB05390" / "OGLE_I.dat"
    assert _run_cli([str(path), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    stage, status, _ = _fit({"path": str(path), "status": "ok"}, PSPLOptions(), {}, {})
    assert status == "ok"
    for key in ("t0", "tE", "u0", "fs", "fb", "chi2", "dof", "n_points"):
        assert cli[key] == stage.as_dict()[key], key


def test_cli_several_files_is_one_joint_fit(capsys):
    assert _run_cli([*map(str, OB05390), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    curves, _, _ = load_event(OB05390)
    fit = fit_input(curves).fit()
    assert cli["n_datasets"] == 6
    assert cli["t0"] == fit.t0
    assert cli["chi2"] == fit.chi2
    assert set(cli["datasets"].split(",")) == {p.stem for p in OB05390}


def test_unreadable_file_among_several_names_it(tmp_path, capsys):
    assert _run_cli([str(OB05390[0]), str(tmp_path / "gone.dat")]) == 1
    assert "gone.dat" in capsys.readouterr().err


def _event_folder(tmp_path, files, formats=None):
    folder = tmp_path / "MB09319"
    folder.mkdir()
    for path in files:
        (folder / path.name).write_bytes(path.read_bytes())
    if formats is not None:
        rows = "".join(f"{p.name},{fmt}\n" for p, fmt in zip(files, formats, strict=True))
        (folder / "event.csv").write_text("file,format\n" + rows)
    return folder


def test_event_folder_is_one_source_with_its_files_as_datasets(tmp_path):
    files = [*MB09319[:2], DATA / "OB05390" / "OGLE_I.dat"]  # two difference-flux files, one in mag
    folder = _event_folder(tmp_path, files, ["dia", "dia", "phot"])
    lc, status, report = load_clean(folder)
    assert status == "ok"
    assert lc.meta["data_kind"] == "mixed"
    assert lc.meta["event_id"] == "MB09319"
    assert report.n_kept == report.n_input  # flux sets cleaned in flux, the mag set in mag
    assert set(lc.datasets) == {p.name for p in files}
    from_folder = fit_input(lc)
    curves, _, _ = load_event(files, format=["dia", "dia", "phot"])
    from_files = fit_input(curves)
    order_a, order_b = np.argsort(from_folder.time, kind="stable"), np.argsort(from_files.time, kind="stable")
    np.testing.assert_array_equal(from_folder.flux[order_a], from_files.flux[order_b])
    assert from_folder.independent_scales


def test_folder_collection_lists_event_subfolders(tmp_path):
    _event_folder(tmp_path, MB09319[:2], ["dia", "dia"])
    (tmp_path / "single.csv").write_text("time,mag,mag_err\n1,15,0.01\n2,15.1,0.01\n")
    sources = folder_sources(tmp_path)
    rows = sources.loc[sources["status"] == "ok"].set_index("source_id")
    assert rows.loc["MB09319", "format"] == "event"
    assert rows.loc["single", "format"] == "csv"


def test_pipeline_fit_of_an_event_folder_equals_the_cli(tmp_path, capsys):
    folder = _event_folder(tmp_path, MB09319, ["dia"] * len(MB09319))
    stage, status, _ = _fit({"path": str(folder), "status": "ok"}, PSPLOptions(), {}, {})
    assert status == "ok"
    assert stage.ok
    assert _run_cli([str(folder), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    for key in ("t0", "tE", "u0", "chi2", "n_points"):
        assert cli[key] == stage.as_dict()[key], key
    assert cli["n_datasets"] == len(MB09319)


def test_independent_fit_is_the_least_squares_optimum():
    """Brute force: scipy's least squares over (t0, tE, u0, fs_k, fb_k) of every data set, started at
    the truth, reaches the same chi-square as the variable-projection fit."""
    from scipy.optimize import least_squares

    (t1, f1, e1), (t2, f2, e2) = _two_sites(seed=5)
    t, f, e = np.r_[t1, t2], np.r_[f1, f2], np.r_[e1, e2]
    g = np.r_[np.zeros(t1.size, int), np.ones(t2.size, int)]
    fit = fit_pspl(t, f, e, group=g.astype(str), independent_scales=True)

    def pulls(p):
        a = pspl_magnification(t, p[0], p[1], p[2])
        return (f - (p[3 + g] * a + p[5 + g])) / e

    brute = least_squares(pulls, [100.0, 12.0, 0.2, 1000.0, -40.0, 300.0, 7.0], x_scale="jac", xtol=1e-12)
    assert fit.chi2 == pytest.approx(2 * brute.cost, rel=1e-6)
    assert fit.t0 == pytest.approx(brute.x[0], abs=1e-4)


def test_candidate_plot_rescan_equals_the_scan_stage(tmp_path):
    from lcpipe.microlensing.finder import FinderOptions, scan_fit
    from lcpipe.stages.microlensing_plots import rescan

    folder = _event_folder(tmp_path, MB09319, ["dia"] * len(MB09319))
    row = {"path": str(folder), "status": "ok"}
    fit, _, _ = _fit(row, PSPLOptions(), {}, {})
    stored = {"pspl_t0": fit.t0, "pspl_tE": fit.tE, "pspl_u0": fit.u0}
    stage, _, _ = _fit(row, PSPLOptions(), {}, {}, p0=(fit.t0, fit.tE, fit.u0))
    lc, _, _ = load_clean(folder)
    plotted = rescan(lc, stored, FinderOptions()).summary_dict()
    expected = scan_fit(stage, options=FinderOptions()).summary_dict()
    untimed = [{k: v for k, v in d.items() if not k.startswith("time_")} for d in (plotted, expected)]
    assert json.dumps(untimed[0], sort_keys=True) == json.dumps(untimed[1], sort_keys=True)


def test_catalog_event_id_groups_files_into_one_event(tmp_path):
    folder = tmp_path / "collection"
    folder.mkdir()
    for path in OB05390:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "other.csv").write_text("time,mag,mag_err\n1,15,0.01\n2,15.1,0.01\n")
    rows = [f"{p.stem},270.0,-30.0,OB05390" for p in OB05390] + ["other,10.0,5.0,"]
    catalog = tmp_path / "catalog.csv"
    catalog.write_text("source_id,ra,dec,event_id\n" + "\n".join(rows) + "\n")
    sources = folder_sources(folder, catalog)
    sources = sources.loc[sources["status"] == "ok"].set_index("source_id")
    assert sorted(sources.index) == ["OB05390", "other"]
    assert sources.loc["OB05390", "format"] == "event"
    lc, status, _ = load_clean(sources.loc["OB05390", "path"])
    assert status == "ok"
    assert sorted(lc.datasets) == sorted(p.stem for p in OB05390)
    fit, _, _ = _fit({"path": sources.loc["OB05390", "path"], "status": "ok"}, PSPLOptions(), {}, {})
    curves, _, _ = load_event(OB05390)
    assert fit.chi2 == pytest.approx(fit_input(curves).fit().chi2, rel=1e-9)
