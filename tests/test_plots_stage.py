"""Candidate plots from stored results: files per family, non-empty PNGs, no open figures, no refit or
rescan, strongest first within the budget, bad light curves and bad stored data as statuses."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from lcpipe.dips.events import DipOptions
from lcpipe.io import load_clean
from lcpipe.microlensing.event_selection import EventSelection
from lcpipe.microlensing.finder import FinderOptions
from lcpipe.microlensing.pspl import PSPLOptions
from lcpipe.plots.dips import dip_figure, dip_plot_data
from lcpipe.stages.dip_curves import write_dip_curves
from lcpipe.stages.dips import dip_source
from lcpipe.stages.microlensing import fit_source, scan_source
from lcpipe.stages.plots import strength, write_bin_plots
from lcpipe.tables import read_table, write_table

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def write_dat2(path: Path, time: np.ndarray, mag: np.ndarray, err: float = 0.02) -> Path:
    """A three-camera ASAS-SN .dat2 file (``time`` in JD - 2450000)."""
    cameras = np.array(["bb", "bc", "bd"])[np.arange(time.size) % 3]
    lines = [
        f"{t:.5f} {m:.4f} {err:.4f} 1 {k} 1 0 {c}/F1"
        for t, m, c, k in zip(time, mag, cameras, np.arange(time.size) % 3 + 1, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def _dipper(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    t = np.sort(rng.uniform(7000.0, 7600.0, 600))
    mag = 12.0 + rng.normal(0, 0.02, t.size) + 0.6 * np.exp(-0.5 * ((t - 7300.0) / 4.0) ** 2)
    return t, mag


def _lens(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    t = np.sort(rng.uniform(7000.0, 7600.0, 600))
    u = np.sqrt(0.2**2 + ((t - 7300.0) / 20.0) ** 2)
    amp = (u**2 + 2) / (u * np.sqrt(u**2 + 4))
    return t, 12.0 - 2.5 * np.log10(amp) + rng.normal(0, 0.02, t.size)


FAMILIES = ("family_dip", "family_jump", "family_microlensing")


def _stage_row(source_id: str, path: Path, family: str, curves: list, clusters: list) -> dict:
    """A vetted-table row as the stages make it: tag identity, dip search (its curves into ``curves``),
    PSPL fit and anomaly scan (its clusters into ``clusters``), and the one family flag."""
    row = {
        "source_id": source_id,
        "mag_bin": "12_12.5",
        "path": str(path),
        "status": "ok",
        "passed_tags": True,
    }
    dips = dip_source(
        row, options=DipOptions(), require_passed_tags=True, read={}, cleaning={}, curves=curves
    )
    pspl = fit_source(row, options=PSPLOptions(), selection=EventSelection(), read={}, cleaning={})
    scan = {}
    if family == "family_microlensing":
        scan = scan_source(
            {"source_id": source_id, **pspl},
            options=FinderOptions(),
            read={},
            cleaning={},
            clusters=clusters,
            min_dchi2_clusters=25.0,
        )
    anomaly = {f"anomaly_{k}": v for k, v in scan.items() if k not in ("mag_bin", "path")}  # as joined
    flags = {name: name == family for name in FAMILIES}
    return {**dips, **pspl, **anomaly, **flags, "source_id": source_id, "candidate_type": family[7:]}


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> dict:
    """A bin with a dipper (d1), a lens (m1) and an unreadable file (x1): its vetted table, the dip
    curves of its one shard and its anomaly clusters, as the detection stages write them."""
    folder = tmp_path_factory.mktemp("bin")
    rng = np.random.default_rng(11)
    curves: list = []
    clusters: list = []
    rows = [
        _stage_row("d1", write_dat2(folder / "dip.dat2", *_dipper(rng)), "family_dip", curves, clusters),
        _stage_row(
            "m1", write_dat2(folder / "lens.dat2", *_lens(rng)), "family_microlensing", curves, clusters
        ),
        {
            "source_id": "x1",
            "mag_bin": "12_12.5",
            "path": str(folder / "missing.dat2"),
            "candidate_type": "dip",
            **{name: name == "family_dip" for name in FAMILIES},
            "dip_log_bf": 20.0,
        },
    ]
    table = folder / "vetted.parquet"
    write_table(pd.DataFrame(rows), table)
    curves_path = write_dip_curves(curves, folder / "shards" / "dip_curves_0.parquet", {})
    side = pd.concat(clusters) if clusters else pd.DataFrame({"source_id": pd.Series(dtype=str)})
    clusters_path = write_table(side, folder / "anomaly_clusters.parquet")
    return {
        "table": table,
        "curves": [curves_path],
        "clusters": clusters_path,
        "rows": rows,
        "records": curves,
    }


@pytest.fixture
def bin_table(stored) -> Path:
    return stored["table"]


def _run(table: Path, out: Path, stored: dict | None = None, **plots) -> pd.DataFrame:
    return write_bin_plots(
        table,
        out / "plots",
        out / "plots.parquet",
        plots=plots,
        read={},
        cleaning={},
        dips={"require_passed_tags": True},
        pspl={},
        anomaly={},
        dip_curves=[] if stored is None else stored["curves"],
        clusters=None if stored is None else stored["clusters"],
    )


def test_files_per_family_are_nonempty_pngs_and_no_figure_left_open(stored, bin_table, tmp_path):
    before = plt.get_fignums()
    index = _run(bin_table, tmp_path, stored).set_index("source_id")
    assert plt.get_fignums() == before
    files = sorted(p.name for p in (tmp_path / "plots").iterdir())
    assert "d1_lightcurve.png" in files
    assert "m1_pspl-summary.png" in files
    assert not any(name.startswith("m1_lightcurve") for name in files)
    for name in files:
        data = (tmp_path / "plots" / name).read_bytes()
        assert data.startswith(PNG_MAGIC)
        assert len(data) > 5000
    assert index.loc["d1", "files"] == "d1_lightcurve.png"
    assert index.loc["m1", "files"].split(",")[0] == "m1_pspl-summary.png"
    assert index.loc["d1", "status"] == "ok"


def test_unreadable_light_curve_is_a_status_not_a_crash(stored, bin_table, tmp_path):
    index = _run(bin_table, tmp_path, stored).set_index("source_id")
    assert index.loc["x1", "status"] not in ("ok", "error")
    assert index.loc["x1", "n_plots"] == 0
    assert not list((tmp_path / "plots").glob("x1_*"))
    assert read_table(tmp_path / "plots.parquet")["source_id"].tolist() == list(index.index)


def test_max_candidates_keeps_the_strongest(stored, bin_table, tmp_path):
    rows = {row["source_id"]: row for row in stored["rows"]}
    assert 0.5 * rows["m1"]["pspl_dchi2_const"] > rows["d1"]["dip_log_bf"] > rows["x1"]["dip_log_bf"]
    index = _run(bin_table, tmp_path, stored, max_candidates=1)
    assert index["source_id"].tolist() == ["m1"]
    assert sorted(p.name.split("_")[0] for p in (tmp_path / "plots").iterdir()) == ["m1", "m1"]


def test_candidates_are_plotted_strongest_first_each_with_its_png(stored, bin_table, tmp_path):
    index = _run(bin_table, tmp_path, stored, max_candidates=2)
    assert index["source_id"].tolist() == ["m1", "d1"]
    for row in index.itertuples():
        assert row.status == "ok"
        assert row.n_plots >= 1
        assert all((tmp_path / "plots" / name).stat().st_size > 5000 for name in row.files.split(","))


def test_empty_table_gives_empty_folder_and_index(tmp_path):
    path = tmp_path / "vetted.parquet"
    write_table(pd.DataFrame({"source_id": pd.Series(dtype=str), "path": pd.Series(dtype=str)}), path)
    index = _run(path, tmp_path)
    assert index.empty
    assert (tmp_path / "plots").is_dir()
    assert not list((tmp_path / "plots").iterdir())
    assert {"files", "n_plots", "status"} <= set(read_table(tmp_path / "plots.parquet").columns)


def test_strength_ranks_on_the_log_likelihood_scale():
    table = pd.DataFrame({"dip_log_bf": [5.0, np.nan, 1.0], "pspl_dchi2_const": [np.nan, 30.0, np.nan]})
    assert strength(table).tolist() == [5.0, 15.0, 1.0]


def test_dip_plot_data_finds_the_injected_dip(tmp_path):
    t, mag = _dipper(np.random.default_rng(2))
    lc, status, _ = load_clean(write_dat2(tmp_path / "d.dat2", t, mag))
    assert status == "ok"
    data = dip_plot_data(lc, {"dip_morph_model": "gaussian"}, DipOptions())
    assert data.status == "ok"
    top = data.runs["dip"][0]
    assert top.t_start - 2450000.0 <= 7300.0 <= top.t_end - 2450000.0
    _, profile = data.profiles["dip"]
    assert profile.max() == pytest.approx(0.6, abs=0.1)  # profile peak ~ injected depth
    figure = dip_figure(data, "d")
    assert len(figure.axes) == 3  # one panel per camera


def _refusing(name: str):
    def refuse(*args, **kwargs):
        raise AssertionError(f"the plots stage called {name}")

    return refuse


def test_the_plots_stage_refits_and_rescans_nothing(stored, bin_table, tmp_path, monkeypatch):
    import lcpipe.dips.events
    import lcpipe.microlensing.finder
    import lcpipe.microlensing.fit_input
    import lcpipe.plots.dip_curves
    import lcpipe.stages.microlensing_plots

    for module, name in (
        (lcpipe.plots.dip_curves, "fit_baseline"),
        (lcpipe.plots.dip_curves, "band_evidence"),
        (lcpipe.plots.dip_curves, "fit_profile"),
        (lcpipe.dips.events, "fit_baseline"),
        (lcpipe.microlensing.fit_input, "fit_pspl"),
        (lcpipe.microlensing.finder, "scan_fit"),
        (lcpipe.microlensing.finder, "scan_grid"),
        (lcpipe.stages.microlensing_plots, "scan_fit"),
    ):
        monkeypatch.setattr(module, name, _refusing(name))
    index = _run(bin_table, tmp_path, stored).set_index("source_id")
    assert index.loc[["d1", "m1"], "status"].tolist() == ["ok", "ok"], index["error"].tolist()
    assert index.loc["m1", "files"] == "m1_pspl-summary.png,m1_anomaly-zoom.png"


def test_stored_dip_curves_are_what_the_dip_search_computed(stored):
    from lcpipe.dips.baseline import fit_baseline
    from lcpipe.dips.events import clean_points

    row = next(r for r in stored["rows"] if r["source_id"] == "d1")
    curves = next(c for c in stored["records"] if c["source_id"] == "d1")
    for kind in ("dip", "jump"):
        assert int(curves[f"{kind}_triggered"].sum()) == row[f"{kind}_n_triggered"]
        assert curves[f"{kind}_run_start"].size == row[f"{kind}_n_runs"]
    assert row["dip_n_runs"] >= 1
    assert curves["dip_run_start"][0] == row["dip_run_t_start"]
    assert np.median(curves["baseline"]) == pytest.approx(row["baseline_mag"], abs=1e-12)
    lc, _, _ = load_clean(row["path"])
    c = clean_points(lc, DipOptions())
    np.testing.assert_array_equal(curves["time"], c.time)
    expected = fit_baseline(c.time, c.mag, c.err, c.group, DipOptions().baseline).mag
    np.testing.assert_allclose(curves["baseline"], expected, atol=1e-12)
    # the profile reaches the fitted morphology amplitude at the stored morphology t0
    peak = np.argmax(np.abs(curves["dip_profile_offset"]))
    assert curves["dip_profile_time"][peak] == pytest.approx(row["dip_morph_t0"], abs=2.0)
    read = read_table(stored["curves"][0]).set_index("source_id")
    np.testing.assert_array_equal(np.asarray(read.loc["d1", "baseline"]), curves["baseline"])


def _two_band_dipper() -> object:
    """A dip 0.08 mag deep in g and absent in V, with V holding four fifths of the points."""
    from lcpipe.lightcurve import make_lightcurve

    rng = np.random.default_rng(5)
    t = np.sort(rng.uniform(2457000.0, 2457800.0, 1500))
    band = np.where(rng.uniform(size=t.size) < 0.2, "g", "V")
    mag = 12.0 + rng.normal(0, 0.02, t.size)
    mag[band == "g"] += 0.08 * np.exp(-0.5 * ((t[band == "g"] - 2457400.0) / 20.0) ** 2)
    return make_lightcurve(t, mag=mag, mag_err=np.full(t.size, 0.02), camera="bb", band=band)


@pytest.mark.parametrize("per_band", [True, False])
def test_plotted_triggers_are_those_of_the_search_per_band_or_joint(per_band):
    from lcpipe.dips.events import detect_events
    from lcpipe.plots.dip_curves import dip_curves

    lc = _two_band_dipper()
    options = DipOptions(mixture_per_band=per_band)
    row = detect_events(lc, options)
    curves = dip_curves(lc, row, options)
    for kind in ("dip", "jump"):
        assert int(curves[f"{kind}_triggered"].sum()) == row[f"{kind}_n_triggered"]
        assert curves[f"{kind}_run_start"].size == row[f"{kind}_n_runs"]
    other = detect_events(lc, DipOptions(mixture_per_band=not per_band))
    assert other["dip_log_bf"] != pytest.approx(row["dip_log_bf"], abs=5.0)  # the two searches differ
    data = dip_plot_data(lc, row, options)
    assert int(data.triggered["dip"].sum()) == row["dip_n_triggered"]


def test_missing_or_mismatched_stored_data_is_a_status_not_a_crash(stored, tmp_path):
    rows = [dict(r) for r in stored["rows"][:2]]
    rows[1]["pspl_t0"] = np.nan  # m1: no PSPL solution stored
    table = tmp_path / "vetted.parquet"
    write_table(pd.DataFrame(rows), table)
    index = _run(table, tmp_path, None).set_index("source_id")  # no dip curves, no clusters
    assert index.loc["d1", "status"] == "no_dip_curves"
    assert index.loc["m1", "status"] == "bad_stored_data"
    assert "pspl_t0" in index.loc["m1", "error"]
    assert index["n_plots"].tolist() == [0, 0]
    other = dict(stored["records"][0], source_id="m1", time=stored["records"][0]["time"][:-1])
    bad = write_dip_curves([other], tmp_path / "dip_curves_0.parquet", {})
    rows[1].update(family_dip=True, pspl_t0=stored["rows"][1]["pspl_t0"])
    write_table(pd.DataFrame(rows), table)
    index = _run(table, tmp_path, {"curves": [bad], "clusters": None}).set_index("source_id")
    assert index.loc["m1", "status"] == "bad_stored_data"
    assert "dip curves" in index.loc["m1", "error"]
    assert (
        index.loc["m1", "files"] == "m1_pspl-summary.png,m1_anomaly-zoom.png"
    )  # the other family still drawn


def test_a_file_that_is_not_a_dip_curves_table_is_named(stored, bin_table, tmp_path):
    wrong = write_table(pd.DataFrame({"source_id": ["d1"]}), tmp_path / "dip_curves_0.parquet")
    with pytest.raises(ValueError, match=r"dip_curves_0\.parquet.*columns missing"):
        _run(bin_table, tmp_path, {"curves": [wrong], "clusters": stored["clusters"]})


def test_the_stored_search_is_the_scan_stage_search(stored):
    from lcpipe.plots.microlensing import stored_search
    from lcpipe.stages.microlensing_plots import rescan
    from lcpipe.stages.plots import scan_row

    row = scan_row(next(r for r in stored["rows"] if r["source_id"] == "m1"))
    assert "best_t0" in row
    lc, _, _ = load_clean(row["path"])
    options = FinderOptions()
    scanned = rescan(lc, row, options)
    side = read_table(stored["clusters"])
    mine = side[side["source_id"] == "m1"]
    half = options.scan.window_half_width
    for clusters in (mine, None):  # from the side table, and rebuilt from the row alone
        search = stored_search(lc, row, clusters, half, PSPLOptions().own_flux_min_points)
        np.testing.assert_allclose(search.time, scanned.time)
        scale = np.median(scanned.flux_err)
        np.testing.assert_allclose(search.residuals, scanned.residuals, atol=1e-4 * scale)
        # error factors are stored to 4 significant digits (``error_scales``)
        np.testing.assert_allclose(search.flux_err, scanned.flux_err, rtol=1e-3)
        focus = scanned.clusters.iloc[scanned.best if scanned.best is not None else scanned.top]
        mine_focus = search.clusters.iloc[search.best if search.best is not None else search.top]
        for name in ("t0", "teff", "template"):
            assert mine_focus[name] == pytest.approx(focus[name])
        assert mine_focus["amplitude"] == pytest.approx(focus["amplitude"], rel=1e-3, abs=1e-3 * scale)
    assert search.has_candidate == scanned.has_candidate


def _pixels(figure) -> np.ndarray:
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba()).copy()


def test_a_reused_figure_draws_what_a_new_one_draws(tmp_path):
    from lcpipe.plots.canvas import FigureCache

    rng = np.random.default_rng(3)
    curves = [
        load_clean(write_dat2(tmp_path / f"{k}.dat2", *make(rng)))[0]
        for k, make in enumerate((_lens, _dipper))
    ]
    data = [dip_plot_data(lc, {"dip_morph_model": "gaussian"}, DipOptions()) for lc in curves]
    cache = FigureCache()
    first = _pixels(dip_figure(data[0], "a", cache))
    reused = _pixels(dip_figure(data[1], "b", cache))
    assert not np.array_equal(first, reused)
    np.testing.assert_array_equal(reused, _pixels(dip_figure(data[1], "b")))
