"""Awkward real-archive inputs: compression, encodings, decimal commas, sentinels, time bases, OGLE."""

from __future__ import annotations

import bz2
import gzip
import lzma
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lcpipe import read_lightcurve
from lcpipe.io import LightCurveReadError, detect_format
from lcpipe.io.encoding import BinaryContentError, decode_text
from lcpipe.io.load import load_clean_with_reason
from lcpipe.io.sentinels import mask_sentinels
from lcpipe.io.time_base import time_flag

DATA = Path(__file__).parent / "data"
DAT2 = DATA / "asassn" / "12345.dat2"
SKYPATROL = DATA / "asassn" / "60130040391-light-curves.csv"
OGLE = DATA / "ogle" / "phot_ob08092_O4.dat"
COMPRESS = {".gz": lambda raw: gzip.compress(raw, mtime=0), ".bz2": bz2.compress, ".xz": lzma.compress}


@pytest.mark.parametrize("suffix", sorted(COMPRESS))
@pytest.mark.parametrize("source", [DAT2, SKYPATROL, OGLE], ids=["dat2", "skypatrol", "ogle"])
def test_compressed_text_reads_like_the_plain_file(tmp_path, source, suffix):
    packed = tmp_path / (source.name + suffix)
    packed.write_bytes(COMPRESS[suffix](source.read_bytes()))
    plain, inner = read_lightcurve(source), read_lightcurve(packed)
    assert detect_format(packed) == detect_format(source)
    assert inner.source_id == plain.source_id
    np.testing.assert_array_equal(inner.time, plain.time)
    np.testing.assert_array_equal(inner.mag, plain.mag)
    assert list(inner.camera) == list(plain.camera)


@pytest.mark.parametrize("suffix", [".parquet", ".npy"])
def test_compressed_binary_tables(tmp_path, suffix):
    frame = pd.DataFrame({"time": [2457000.5, 2457001.5], "flux": [1.0, 2.0], "flux_err": [0.1, 0.1]})
    plain = tmp_path / f"x{suffix}"
    frame.to_parquet(plain) if suffix == ".parquet" else np.save(plain, frame.to_numpy())
    packed = tmp_path / f"y{suffix}.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes(), mtime=0))
    lc = read_lightcurve(packed)
    assert lc.source_id == "y"
    np.testing.assert_array_equal(lc.flux, [1.0, 2.0])


def test_truncated_gzip_is_unreadable_with_the_reason(tmp_path):
    path = tmp_path / "x.dat2.gz"
    path.write_bytes(gzip.compress(DAT2.read_bytes(), mtime=0)[:40])
    with pytest.raises(
        LightCurveReadError, match=r"x\.dat2\.gz: unreadable: corrupt or truncated \.gz"
    ) as info:
        read_lightcurve(path)
    assert info.value.status == "unreadable"


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (b"time,mag\n", "utf-8"),
        (b"\xef\xbb\xbftime,mag\n", "utf-8-sig"),
        ("time,mag\n".encode("utf-16"), "utf-16"),
        ("time,mag\n".encode("utf-16-le"), "utf-16-le"),
        ("time,mag\n".encode("utf-16-be"), "utf-16-be"),
        ("# José ±\ntime,mag\n".encode("latin-1"), "latin-1"),
    ],
)
def test_decode_text(encoded, encoding):
    text, found = decode_text(encoded)
    assert found == encoding
    assert text.endswith("time,mag\n")
    assert not text.startswith("\ufeff")


def test_decode_refuses_binary():
    with pytest.raises(BinaryContentError):
        decode_text(b"abc\x00\x01\x02def")
    with pytest.raises(BinaryContentError):
        decode_text(bytes(range(128, 256)) * 2)


def test_a_few_stray_control_bytes_are_text_but_many_are_binary():
    plain = b"2457845.47505,10.428,0.006,V,HMB,\n" * 49
    stray = b"2457845.47543,10.438,0.020,V,JM,NA\x1a\n"  # some AAVSO comments end in a DOS EOF byte
    text, encoding = decode_text(b"JD,Magnitude,Uncertainty,Band,Observer,Comment\n" + (plain + stray) * 40)
    assert (encoding, text.count("\x1a")) == ("utf-8", 40)
    with pytest.raises(BinaryContentError):
        decode_text(b"\x1a\x02\x03abc" * 100)


def test_partial_decode_drops_a_cut_character():
    raw = "é".encode() * 10
    assert decode_text(raw[:-1], partial=True)[0] == "é" * 9


@pytest.mark.parametrize(
    ("text", "decimal"),
    [
        ("time;mag;mag_err\n2457000,5;13,25;0,02\n2457001,5;13,5;0,03\n", ","),
        ("time\tmag\tmag_err\n2457000,5\t13,25\t0,02\n2457001,5\t13,5\t0,03\n", ","),
        ("2457000,5 13,25 0,02\n2457001,5 13,5 0,03\n", ","),
        ("time,mag,mag_err\n2457000.5,13.25,0.02\n2457001.5,13.5,0.03\n", "."),
    ],
)
def test_decimal_commas_read_correctly(tmp_path, text, decimal):
    path = tmp_path / "x.txt"
    path.write_text(text)
    lc = read_lightcurve(path)
    np.testing.assert_array_equal(lc.time, [2457000.5, 2457001.5])
    np.testing.assert_array_equal(lc.mag, [13.25, 13.5])
    np.testing.assert_array_equal(lc.mag_err, [0.02, 0.03])
    assert lc.meta["decimal"] == decimal


@pytest.mark.parametrize(
    "text",
    [
        "time,mag,mag_err\n2457000,5,13,25,0,02\n2457001,5,13,5,0,03\n",
        "2457000,5,13,25,0,02\n2457001,5,13,5,0,03\n",
        'time,mag,mag_err\n"2457000,5","13,25","0,02"\n"2457001,5","13,5","0,03"\n',
    ],
)
def test_ambiguous_decimal_commas_are_refused(tmp_path, text):
    path = tmp_path / "x.csv"
    path.write_text(text)
    with pytest.raises(LightCurveReadError, match="decimal") as info:
        read_lightcurve(path)
    assert info.value.status == "decimal_comma"


def test_dat2_with_decimal_commas(tmp_path):
    path = tmp_path / "x.dat2"
    path.write_text(DAT2.read_text().replace(".", ","))
    lc, plain = read_lightcurve(path), read_lightcurve(DAT2)
    np.testing.assert_array_equal(lc.mag, plain.mag)
    np.testing.assert_array_equal(lc.time, plain.time)


def test_sentinels_alike_in_every_reader(tmp_path):
    dat2 = tmp_path / "s.dat2"
    dat2.write_text(
        "7000.1 13.0 0.02 1 0 1 0 ba/1\n7001.1 99.99 99.99 1 0 1 0 ba/1\n7002.1 16.5 99.99 1 0 1 0 ba/1\n"
    )
    csv = tmp_path / "s.csv"
    csv.write_text("time,mag,mag_err\n2457000.1,13.0,0.02\n2457001.1,99.99,0.5\n2457002.1,16.5,99.99\n")
    parquet = tmp_path / "s.parquet"
    pd.read_csv(csv).to_parquet(parquet)
    for path in (dat2, csv, parquet):
        lc = read_lightcurve(path)
        assert np.isfinite(lc.mag).tolist() == [True, False, False], path.name
        assert (lc.meta["n_upper_limits"], lc.meta["n_no_photometry"]) == (1, 1), path.name
    kept = read_lightcurve(csv, sentinels=())
    assert kept.mag[1] == 99.99
    custom = read_lightcurve(csv, sentinels=(13.0,))
    assert np.isnan(custom.mag[0])
    assert np.isfinite(custom.mag[1])


def test_mask_sentinels_with_a_limit_column():
    mag, err, counts = mask_sentinels(
        np.array([13.0, 17.5, 13.4]), np.array([0.02, 99.99, 99.99]), limit=np.array([17.0, 17.5, np.nan])
    )
    assert np.isnan(mag[1:]).all()
    assert np.isnan(err[1:]).all()
    assert counts == {"n_upper_limits": 1, "n_no_photometry": 1}


@pytest.mark.parametrize(
    ("time", "flag"),
    [
        ([2457000.5, 2458000.5], ""),
        ([57000.5, 58000.5], ""),
        ([7000.5, 8000.5], ""),
        ([-3.0, 10.0], "negative_time"),
        ([2457000.5, 57000.5], "implausible_time"),
        ([1e9, 1e9 + 1], "implausible_time"),
        ([np.nan, np.nan], "no_time"),
    ],
)
def test_time_flag(time, flag):
    assert time_flag(np.array(time)) == flag


def test_time_frame_and_flag_in_meta(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("mjd,mag,mag_err\n-57000.5,13.0,0.02\n-57001.5,13.1,0.02\n")
    lc = read_lightcurve(path)
    assert (lc.meta["time_frame"], lc.meta["time_flag"]) == ("MJD", "negative_time")
    assert read_lightcurve(DAT2).meta["time_frame"] == "JD"


def test_ogle_is_detected_with_its_time_offset(tmp_path):
    assert detect_format(OGLE) == "ogle"
    lc = read_lightcurve(OGLE)
    forced = read_lightcurve(OGLE, format="ogle")
    np.testing.assert_array_equal(lc.time, forced.time)
    assert (lc.meta["format"], lc.meta["time_frame"], lc.meta["time_offset"]) == ("ogle", "HJD", 2450000.0)
    full = tmp_path / "phot.dat"  # EWS phot.dat: full HJD, I, err, seeing, sky
    full.write_text("".join(f"{2455260.5 + i:.5f} 17.1{i} 0.02{i} 1.2 900.0\n" for i in range(5)))
    ews = read_lightcurve(full)
    assert ews.meta["format"] == "ogle"
    assert ews.time[0] == 2455260.5
    generic = tmp_path / "lc.txt"
    generic.write_text("1.0 0.5 13.1 0.02\n2.0 0.6 13.2 0.03\n")
    assert detect_format(generic) == "text"


def test_missing_error_column_is_named(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("time,mag\n2457000.5,13.0\n2457001.5,13.1\n")
    lc, status, report, reason = load_clean_with_reason(path)
    assert (lc, status, report) == (None, "missing_column", None)
    assert reason.startswith("mag_err: no mag_err column")


def test_cleaning_reason_gives_the_counts(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("time,mag,mag_err\n2457000.5,13.0,0\n2457001.5,13.1,0\n2457002.5,nan,0.1\n")
    _, status, _, reason = load_clean_with_reason(path)
    assert status == "no_points_after_cleaning"
    assert reason == "0 of 3 kept; dropped non_finite 1, bad_error 2"


def test_ipac_time_frame_from_the_column(tmp_path):
    path = tmp_path / "x.tbl"
    path.write_text(
        "\\ observer = 'Núñez'\n|   mjd    |  mag  | mag_err |\n| double   | double| double  |\n"
        " 57000.5    13.0    0.02\n 57001.5    13.1    0.02\n"
    )
    packed = tmp_path / "y.tbl.gz"
    packed.write_bytes(gzip.compress(path.read_text().encode("latin-1"), mtime=0))
    for file in (path, packed):
        lc = read_lightcurve(file)
        assert (lc.meta["format"], lc.meta["time_frame"]) == ("ipac", "MJD")
        assert lc.meta["time_offset"] == 2400000.5  # MJD read onto JD, the offset recorded
        np.testing.assert_array_equal(lc.time, [2457001.0, 2457002.0])
