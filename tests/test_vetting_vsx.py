"""Local VSX-style crossmatch: reader, nearest match, bad inputs."""

import numpy as np
import pandas as pd
import pytest

from lcpipe.characterize.catalog import CatalogFileError
from lcpipe.vetting.vsx import match_vsx, read_vsx_catalog

ARCSEC = 1.0 / 3600.0


@pytest.fixture
def vsx_csv(tmp_path):
    """The layout the demo generator writes to <demo>/catalogs/vsx_like.csv."""
    path = tmp_path / "vsx_like.csv"
    pd.DataFrame(
        {
            "name": ["ASASSN-V J1", "ASASSN-V J2", "V0001 Dra", "NSV 9"],
            "ra": [15.0, 15.0 + 2.0 * ARCSEC, 250.0, 300.0],
            "dec": [0.0, 0.0, 60.0, -10.0],
            "class": ["EA", "RRAB", "SR", np.nan],
            "period": [2.5, 0.55, np.nan, np.nan],
        }
    ).to_csv(path, index=False)
    return path


def test_nearest_vsx_entry_and_counts(vsx_csv):
    cat = read_vsx_catalog(vsx_csv)
    ra = np.array([15.0 + 1.5 * ARCSEC, 250.0, 300.0, 100.0, np.nan])
    dec = np.array([0.0, 60.0, -10.0, 0.0, 0.0])
    out = match_vsx(ra, dec, cat, radius_arcsec=3.0)
    assert out["vsx_status"].tolist() == ["ok", "ok", "ok", "no_match", "bad_coordinates"]
    assert out["vsx_name"].tolist()[:3] == ["ASASSN-V J2", "V0001 Dra", "NSV 9"]
    assert out["vsx_n_within_radius"].tolist() == [2, 1, 1, 0, 0]
    assert out["vsx_sep_arcsec"][0] == pytest.approx(0.5, abs=1e-6)
    assert out["vsx_period"][0] == pytest.approx(0.55)
    assert np.isnan(out["vsx_period"][1])
    assert out["vsx_class"].isna().tolist() == [False, False, True, True, True]
    assert out["vsx_name"].isna().tolist() == [False, False, False, True, True]
    assert out["vsx_sep_arcsec"][3:].isna().all()


def test_class_and_period_are_optional(tmp_path):
    path = tmp_path / "names_only.parquet"
    pd.DataFrame({"name": ["X"], "ra": [1.0], "dec": [2.0]}).to_parquet(path)
    cat = read_vsx_catalog(path)
    out = match_vsx(np.array([1.0]), np.array([2.0]), cat, 3.0)
    assert out["vsx_name"].tolist() == ["X"]
    assert out["vsx_class"].isna().all()
    assert out["vsx_period"].isna().all()


def test_missing_columns_name_file_and_columns(tmp_path):
    path = tmp_path / "vsx_bad.csv"
    pd.DataFrame({"Name": ["X"], "ra": [1.0]}).to_csv(path, index=False)
    with pytest.raises(CatalogFileError) as info:
        read_vsx_catalog(path)
    assert str(path) in str(info.value)
    assert "name, dec" in str(info.value)


def test_empty_catalog_matches_nothing(tmp_path):
    path = tmp_path / "empty.csv"
    pd.DataFrame({"name": pd.Series([], dtype=str), "ra": [], "dec": []}).to_csv(path, index=False)
    out = match_vsx(np.array([1.0]), np.array([2.0]), read_vsx_catalog(path), 3.0)
    assert out["vsx_status"].tolist() == ["no_match"]
    assert out["vsx_name"].isna().all()
