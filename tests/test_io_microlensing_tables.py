"""Readers of microlensing tables (pySIS, DIA, time-last, IPAC .tbl), time frames and flux-native cleaning."""

from pathlib import Path

import numpy as np
import pytest

from lcpipe.io import CleaningOptions, clean_lightcurve, load_clean, read_lightcurve
from lcpipe.io.read import FORMATS, detect_format
from lcpipe.io.time_frame import frame_from_text, infer_offset, offset_from_text

DATA = Path(__file__).parent / "data" / "microlensing"


def test_time_frame_words_and_offsets():
    assert frame_from_text("HJD-2450000") == "HJD"
    assert frame_from_text("BJD_TDB") == "BJD"
    assert frame_from_text("mjd") == "MJD"
    assert frame_from_text("JD") == "JD"
    assert frame_from_text("Magnitude") == "unknown"
    assert offset_from_text("HJD-2450000") == 2450000.0
    assert offset_from_text("HJD") is None
    assert infer_offset(np.array([2453592.6, 2453593.0])) == 0.0
    assert infer_offset(np.array([3592.6, 5007.3])) == 2450000.0
    assert infer_offset(np.array([55000.0])) == 2400000.5


def test_formats_registered():
    for name in ("pysis", "dia", "time_last", "ipac"):
        assert name in FORMATS


def test_pysis_keeps_negative_difference_flux(tmp_path):
    rng = np.random.default_rng(1)
    t = np.linspace(8000.0, 8100.0, 60)
    dflux = rng.normal(0.0, 50.0, t.size) - 80.0  # below the reference image: negative
    with np.errstate(invalid="ignore"):
        mag = np.where(dflux > 0, 25 - 2.5 * np.log10(np.abs(dflux)), np.nan)
    path = tmp_path / "KMTC42_I.pysis"
    rows = np.column_stack([t + 2450000.0, dflux, np.full(t.size, 50.0), mag, np.full(t.size, 0.1)])
    np.savetxt(path, rows, fmt="%.6f")
    lc = read_lightcurve(path, format="pysis")
    assert lc.meta["data_kind"] == "flux"
    assert lc.meta["time_frame"] == "HJD"
    assert lc.meta["time_offset"] == 0.0
    np.testing.assert_allclose(lc.flux, dflux, rtol=1e-6)
    _cleaned, report = clean_lightcurve(lc)
    assert report.n_kept == t.size  # every point, though no magnitude is defined for most of them


def test_dia_file_with_trailer_and_negative_flux():
    path = DATA / "MB09319" / "lcMB09319ao.moa61I"
    lc = read_lightcurve(path, format="dia")
    raw = np.loadtxt(path, comments="#", usecols=(0, 1, 2))
    assert len(lc) == raw.shape[0] == 143
    assert lc.meta["data_kind"] == "flux"
    assert lc.meta["time_offset"] == 2450000.0  # the file holds HJD - 2450000
    np.testing.assert_allclose(lc.time, raw[:, 0] + 2450000.0)
    n_negative = int(np.count_nonzero(raw[:, 1] <= 0))
    assert n_negative > 10
    _flux_clean, flux_report = clean_lightcurve(lc)
    assert flux_report.n_kept == 143  # cleaned in flux: baseline and negative points stay
    _, mag_report = clean_lightcurve(lc, CleaningOptions(photometry="mag"))
    assert mag_report.n_input - mag_report.n_kept >= n_negative  # what cleaning in magnitudes did


def test_sign_inverted_dia_file_reads_as_is():
    lc = read_lightcurve(DATA / "MB09319" / "lcMB09319ao.ftni", format="dia")
    assert len(lc) == 73
    assert lc.meta["data_kind"] == "flux"


def test_time_last_rtmodel_file():
    path = DATA / "OB190033" / "LCOGTSAAO.dat"
    lc = read_lightcurve(path, format="time_last")
    raw = np.loadtxt(path, comments="#")
    assert len(lc) == raw.shape[0] == 30
    assert lc.meta["time_frame"] == "HJD"
    assert lc.meta["time_offset"] == 2450000.0  # from the header "HJD-2450000"
    np.testing.assert_allclose(lc.time, raw[:, 2] + 2450000.0)
    np.testing.assert_allclose(lc.mag, raw[:, 0])
    assert lc.meta["data_kind"] == "mag"


def test_headerless_tbl_reads_as_time_mag_err():
    path = DATA / "MB07192" / "UID_0300077_PLC_001.tbl"
    assert detect_format(path) == "ipac"
    lc, status, report = load_clean(path)
    assert status == "ok"
    assert report.n_input == 718
    assert lc.meta["time_offset"] == 0.0
    assert 2454206 < lc.time.min() < 2454207


def test_ipac_header_gives_frame_telescope_band(tmp_path):
    path = tmp_path / "export.tbl"
    lines = [
        "\\TIME_REFERENCE_FRAME = 'BJD_TDB'",
        "\\TELESCOPE = 'KMTC'",
        "\\BAND = 'I'",
        "|     bjd     |   mag   | mag_err |",
        "|    double   |  double |  double |",
    ]
    lines += [f"  {8000.0 + i:11.5f}   {17.0 + 0.01 * i:7.3f}   {0.02:7.3f}" for i in range(5)]
    path.write_text("\n".join(lines) + "\n")
    lc = read_lightcurve(path)
    assert lc.meta["time_frame"] == "BJD"
    assert lc.meta["time_offset"] == 2450000.0
    assert set(lc.camera) == {"KMTC"}
    assert set(lc.band) == {"I"}
    np.testing.assert_allclose(lc.time, 2458000.0 + np.arange(5))


def test_generic_table_frame_from_column_name(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("hjd,mag,mag_err\n2453592.1,15,0.01\n2453592.2,15.1,0.01\n")
    assert read_lightcurve(path).meta["time_frame"] == "HJD"


def test_unknown_offset_option_rejected(tmp_path):
    path = tmp_path / "x.dat"
    path.write_text("1 2 3\n4 5 6\n")
    with pytest.raises(TypeError, match="time_offset"):
        read_lightcurve(path, format="dia", time_offset="later")


def test_text_frame_id_column_is_data_not_a_header(tmp_path):
    """MOA/µFUN difference-flux files carry a frame ID after the error: the first row is data."""
    path = tmp_path / "lc.moa2r"
    path.write_text(
        "4135.17224000    7381.8515     710.8644 B4752-gb14-R-10  -9.6704  0.1046\n"
        "4136.16240000    7736.8785     448.5091 B4759-gb14-R-10  -9.7214  0.0629\n"
        "#5032.91390000   5957.1437     213.8199 B20733-gb14-R-10 -9.4376  0.0390\n"
    )
    lc = read_lightcurve(path, format="dia")
    assert len(lc) == 2
    np.testing.assert_allclose(lc.flux, [7381.8515, 7736.8785])
