"""Candidate plots: files per family, non-empty PNGs, no open figures, bad light curves as statuses."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from lcpipe.dips.events import DipOptions
from lcpipe.io import load_clean
from lcpipe.plots.dips import dip_figure, dip_plot_data
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


@pytest.fixture
def bin_table(tmp_path: Path) -> Path:
    rng = np.random.default_rng(11)
    dip_path = write_dat2(tmp_path / "dip.dat2", *_dipper(rng))
    lens_path = write_dat2(tmp_path / "lens.dat2", *_lens(rng))
    rows = [
        {
            "source_id": "d1",
            "mag_bin": "12_12.5",
            "path": str(dip_path),
            "candidate_type": "dip",
            "family_dip": True,
            "family_jump": False,
            "family_microlensing": False,
            "dip_morph_model": "gaussian",
            "dip_log_bf": 80.0,
            "pspl_dchi2_const": np.nan,
        },
        {
            "source_id": "m1",
            "mag_bin": "12_12.5",
            "path": str(lens_path),
            "candidate_type": "microlensing",
            "family_dip": False,
            "family_jump": False,
            "family_microlensing": True,
            "dip_morph_model": "",
            "dip_log_bf": -1.0,
            "pspl_dchi2_const": 4000.0,
        },
        {
            "source_id": "x1",
            "mag_bin": "12_12.5",
            "path": str(tmp_path / "missing.dat2"),
            "candidate_type": "dip",
            "family_dip": True,
            "family_jump": False,
            "family_microlensing": False,
            "dip_morph_model": "gaussian",
            "dip_log_bf": 20.0,
            "pspl_dchi2_const": np.nan,
        },
    ]
    path = tmp_path / "vetted.parquet"
    write_table(pd.DataFrame(rows), path)
    return path


def _run(table: Path, out: Path, **plots) -> pd.DataFrame:
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
    )


def test_files_per_family_are_nonempty_pngs_and_no_figure_left_open(bin_table, tmp_path):
    before = plt.get_fignums()
    index = _run(bin_table, tmp_path).set_index("source_id")
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


def test_unreadable_light_curve_is_a_status_not_a_crash(bin_table, tmp_path):
    index = _run(bin_table, tmp_path).set_index("source_id")
    assert index.loc["x1", "status"] not in ("ok", "error")
    assert index.loc["x1", "n_plots"] == 0
    assert not list((tmp_path / "plots").glob("x1_*"))
    assert read_table(tmp_path / "plots.parquet")["source_id"].tolist() == list(index.index)


def test_max_candidates_keeps_the_strongest(bin_table, tmp_path):
    index = _run(bin_table, tmp_path, max_candidates=1)
    assert index["source_id"].tolist() == ["m1"]  # PSPL delta chi2 / 2 = 2000 beats log BF 80


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
