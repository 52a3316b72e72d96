"""Generic tables: OGLE text, Roman npy, CSV/TSV/Parquet/IPAC round trips, column options."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lcpipe import read_lightcurve
from lcpipe.io import detect_format
from lcpipe.lightcurve import flux_to_mag, mag_to_flux, make_lightcurve

DATA = Path(__file__).parent / "data"
OGLE = [DATA / "ogle" / "phot_ob08092_O4.dat", DATA / "ogle" / "starBLG234.6.I.218982.dat"]


def _plain_columns(path: Path) -> np.ndarray:
    """The file's numbers, parsed with str.split only (independent of the reader)."""
    return np.array(
        [[float(tok) for tok in line.split()] for line in path.read_text().splitlines() if line.strip()]
    )


@pytest.mark.parametrize("path", OGLE, ids=lambda p: p.stem)
def test_ogle_generic_and_preset(path):
    table = _plain_columns(path)
    generic = read_lightcurve(path, format="generic", columns=("time", "mag", "mag_err"))
    preset = read_lightcurve(path, format="ogle")
    assert len(generic) == len(preset) == table.shape[0]
    np.testing.assert_array_equal(generic.time, table[:, 0])
    np.testing.assert_array_equal(preset.time, table[:, 0] + 2450000)
    assert preset.meta["time_offset"] == 2450000
    assert preset.meta["format"] == "ogle"
    np.testing.assert_array_equal(preset.mag, table[:, 1])
    np.testing.assert_array_equal(preset.mag_err, table[:, 2])
    assert set(preset.band) == {"I"}
    assert preset.cameras == ["OGLE"]
    # flux on zero point 22, as the reference fits use: F = 10**(-0.4 (m - 22))
    np.testing.assert_allclose(preset.flux, 10 ** (-0.4 * (table[:, 1] - 22.0)), rtol=1e-12)
    np.testing.assert_allclose(preset.flux_err, 0.4 * np.log(10) * preset.flux * table[:, 2], rtol=1e-12)


def test_ogle_point_counts_match_readme():
    assert [len(read_lightcurve(p, format="ogle")) for p in OGLE] == [383, 640]


def test_roman_npy_default_columns():
    path = DATA / "roman" / "example_data.npy"
    array = np.load(path)
    lc = read_lightcurve(path, format="npy")
    assert detect_format(path) == "npy"
    assert len(lc) == array.shape[0] == 40540
    np.testing.assert_array_equal(lc.time, array[:, 0])
    np.testing.assert_array_equal(lc.flux, array[:, 1])
    np.testing.assert_array_equal(lc.flux_err, array[:, 2])
    assert lc.meta["zero_point"] == 22.0
    np.testing.assert_allclose(lc.mag, 22.0 - 2.5 * np.log10(array[:, 1]), rtol=1e-12)


def test_mag_flux_round_trip():
    rng = np.random.default_rng(1)
    mag = rng.uniform(10, 20, 50)
    err = rng.uniform(0.001, 0.2, 50)
    flux, flux_err = mag_to_flux(mag, err, 25.0)
    back, back_err = flux_to_mag(flux, flux_err, 25.0)
    np.testing.assert_allclose(back, mag, rtol=0, atol=1e-12)
    np.testing.assert_allclose(back_err, err, rtol=1e-12)
    assert np.isnan(flux_to_mag(np.array([-1.0, 0.0]), np.array([1.0, 1.0]), 22.0)[0]).all()


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "MJD": [59000.5, 59001.5, 59002.5],
            "Flux": [100.0, 50.0, 200.0],
            "FluxErr": [1.0, 2.0, 3.0],
            "cam": ["x", "y", "x"],
            "filt": ["r", "r", "i"],
            "ok": [1, 0, 1],
        }
    )


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".parquet", ".txt", ".tbl"])
def test_named_columns_all_table_kinds(tmp_path, suffix):
    frame = _frame()
    path = tmp_path / f"src42{suffix}"
    if suffix == ".parquet":
        frame.to_parquet(path)
    elif suffix == ".tbl":
        from astropy.table import Table

        Table.from_pandas(frame).write(path, format="ipac")
    else:
        frame.to_csv(path, sep={".csv": ",", ".tsv": "\t", ".txt": " "}[suffix], index=False)
    lc = read_lightcurve(
        path, flux_err_col="FluxErr", camera_col="cam", band_col="filt", good_col="ok",
        time_offset=2400000.5, zero_point=25.0,
    )  # fmt: skip
    assert lc.source_id == "src42"
    np.testing.assert_array_equal(lc.time, frame["MJD"] + 2400000.5)
    np.testing.assert_array_equal(lc.flux, frame["Flux"])
    np.testing.assert_allclose(lc.mag, 25.0 - 2.5 * np.log10(frame["Flux"]), rtol=1e-12)
    assert lc.camera.tolist() == ["x", "y", "x"]
    assert lc.band.tolist() == ["r", "r", "i"]
    assert lc.good.tolist() == [True, False, True]
    assert lc.meta["columns_used"]["time"] == "MJD"  # found by the default names, case-insensitively
    assert lc.meta["zero_point"] == 25.0


def test_columns_by_position_and_renaming(tmp_path):
    path = tmp_path / "lc.dat"
    path.write_text("1.0 0.5 13.1 0.02\n2.0 0.6 13.2 0.03\n")
    lc = read_lightcurve(path, columns=("time", "airmass", "mag", "mag_err"))
    assert lc.mag.tolist() == [13.1, 13.2]
    lc = read_lightcurve(path, time_col=0, mag_col=2, err_col=3)
    assert lc.mag_err.tolist() == [0.02, 0.03]
    assert lc.time.tolist() == [1.0, 2.0]


def test_headerless_default_is_time_mag_err(tmp_path):
    path = tmp_path / "lc.txt"
    path.write_text("1.0,13.1,0.02\n2.0,13.2,0.03\n")
    lc = read_lightcurve(path)
    assert lc.mag.tolist() == [13.1, 13.2]
    assert lc.meta["columns_used"] == {"time": "time", "mag": "mag", "mag_err": "mag_err"}


def test_commented_header_names_the_columns():
    lc = read_lightcurve(DATA / "generic" / "one_camera_flux.tsv")
    assert lc.meta["columns_used"] == {"time": "hjd", "flux": "flux", "flux_err": "flux_err"}
    assert lc.flux.tolist() == [1000.0, -5.0, 990.0]
    assert np.isnan(lc.mag[1])
    assert np.isfinite(lc.mag[[0, 2]]).all()


def test_structured_npy(tmp_path):
    path = tmp_path / "s.npy"
    array = np.zeros(3, dtype=[("time", "f8"), ("mag", "f8"), ("mag_err", "f8")])
    array["time"] = [1, 2, 3]
    array["mag"] = [15, 16, 17]
    np.save(path, array)
    lc = read_lightcurve(path)
    assert lc.mag.tolist() == [15, 16, 17]


def test_make_lightcurve_checks_shapes_and_needs_photometry():
    with pytest.raises(ValueError, match="mag_err has shape"):
        make_lightcurve(np.arange(3.0), mag=np.ones(3), mag_err=np.ones(2))
    with pytest.raises(ValueError, match="magnitudes or fluxes"):
        make_lightcurve(np.arange(3.0))


def test_numeric_camera_column_gives_integer_labels(tmp_path):
    path = tmp_path / "lc.csv"
    path.write_text("time,mag,mag_err,cam\n1,12,0.1,3\n2,12,0.1,4\n3,12,0.1,\n")
    lc = read_lightcurve(path, camera_col="cam")
    assert lc.camera.tolist() == ["3", "4", ""]


def test_dataset_column_labels_points_and_defaults_to_camera(tmp_path):
    path = tmp_path / "two_surveys.csv"
    path.write_text(
        "time,mag,mag_err,cam,survey\n1,12.0,0.01,a,ASAS\n2,12.1,0.01,a,KELT\n3,12.0,0.01,b,KELT\n"
    )
    lc = read_lightcurve(path, camera_col="cam", dataset_col="survey")
    assert lc.dataset.tolist() == ["ASAS", "KELT", "KELT"]
    assert lc.datasets == ["ASAS", "KELT"]
    assert lc.meta["data_kind"] == "mag"
    plain = read_lightcurve(path, camera_col="cam")
    assert plain.dataset.tolist() == plain.camera.tolist() == ["a", "a", "b"]
