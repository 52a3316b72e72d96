"""Bad files: each gives the right status and a message naming the file, never a raw traceback."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lcpipe import read_lightcurve
from lcpipe.io import LightCurveReadError, load_clean

BAD = Path(__file__).parent / "data" / "bad"
GENERIC = Path(__file__).parent / "data" / "generic"


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("garbage.dat2", "unreadable"),
        ("empty.csv", "empty"),
        ("header_only.csv", "header_only"),
        ("skypatrol_header_only-light-curves.csv", "header_only"),
        ("nan_only.dat2", "no_valid_points"),
        ("comments_only.txt", "empty"),
        ("ragged.csv", "unreadable"),
        ("does_not_exist.dat2", "missing_file"),
    ],
)
def test_bad_file_status_and_message(name, status):
    path = BAD / name
    with pytest.raises(LightCurveReadError) as info:
        read_lightcurve(path)
    assert info.value.status == status
    assert info.value.path == str(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, ValueError)
    lc, got, report = load_clean(path)
    assert (lc, got, report) == (None, status, None)


def test_binary_garbage_without_nul_bytes(tmp_path):
    path = tmp_path / "lc.csv"
    path.write_bytes(bytes(range(128, 256)) * 4)  # not UTF-8, no NUL
    with pytest.raises(LightCurveReadError, match=r"lc\.csv") as info:
        read_lightcurve(path)
    assert info.value.status == "unreadable"


def test_garbage_npy_and_parquet(tmp_path):
    for name in ("x.npy", "x.parquet"):
        path = tmp_path / name
        path.write_bytes(b"this is not a binary table at all\n" * 4)
        with pytest.raises(LightCurveReadError) as info:
            read_lightcurve(path)
        assert info.value.status == "unreadable", name


def test_npy_wrong_shape(tmp_path):
    path = tmp_path / "one_d.npy"
    np.save(path, np.arange(5.0))
    with pytest.raises(LightCurveReadError, match="2-D") as info:
        read_lightcurve(path)
    assert info.value.status == "unreadable"


def test_missing_column_named_in_message(tmp_path):
    path = tmp_path / "lc.csv"
    path.write_text("t,m,e\n1,2,3\n")
    with pytest.raises(LightCurveReadError, match="mag") as info:
        read_lightcurve(path, mag_col="mag")
    assert info.value.status == "missing_column"
    path.write_text("when,brightness\n1,2\n")
    with pytest.raises(LightCurveReadError) as info:
        read_lightcurve(path)
    assert info.value.status == "missing_column"


def test_prose_reads_as_a_table_without_time_column(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello world\nthis is prose\n")
    with pytest.raises(LightCurveReadError) as info:
        read_lightcurve(path)
    assert info.value.status == "missing_column"


def test_unsupported_extension_is_unknown_format(tmp_path):
    path = tmp_path / "lc.fits"
    path.write_bytes(b"SIMPLE  =                    T" + b"\x00" * 50)
    with pytest.raises(LightCurveReadError, match=r"lc\.fits") as info:
        read_lightcurve(path)
    assert info.value.status == "unknown_format"


def test_bad_options_raise_not_status(tmp_path):
    with pytest.raises(ValueError, match="unknown light-curve format"):
        read_lightcurve(BAD / "empty.csv", format="fits")
    with pytest.raises(TypeError):
        load_clean(BAD.parent / "asassn" / "12345.dat2", read_options={"time_colum": "x"})
    with pytest.raises(TypeError):
        load_clean(BAD.parent / "asassn" / "12345.dat2", cleaning={"max_error": 1.0})


def test_nothing_left_after_cleaning(tmp_path):
    path = tmp_path / "all_bad.dat2"
    path.write_text("7000.1 12.0 0.01 0 3 1 0 bd/x\n7000.2 12.0 0.01 0 3 1 0 bd/x\n")
    lc, status, report = load_clean(path)
    assert status == "no_points_after_cleaning"
    assert len(lc) == 0
    assert report.dropped["quality"] == 2


def test_flagged_but_loadable():
    lc, status, report = load_clean(
        GENERIC / "unsorted_duplicates.csv", read_options={"camera_col": "camera"}
    )
    assert status == "ok"
    assert report.was_unsorted
    assert report.n_duplicates == 1  # (3.0, a) repeated
    assert report.n_duplicate_times == 2  # 3.0 appears three times
    assert report.dropped["duplicate"] == 1
    assert lc.time.tolist() == [1.0, 3.0, 3.0, 4.0, 5.0]
    assert lc.mag[lc.time == 3.0].tolist() == [12.1, 12.2]  # the first (3.0, a) row is kept
    lc, status, report = load_clean(GENERIC / "one_camera_flux.tsv", cleaning={"photometry": "flux"})
    assert status == "ok"
    assert report.single_camera
    assert report.n_kept == 3
