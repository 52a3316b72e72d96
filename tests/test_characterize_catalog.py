"""Reading Gaia-like catalog files: required columns, optional columns, formats."""

import numpy as np
import pandas as pd
import pytest

from lcpipe.characterize.catalog import GAIA_OPTIONAL, CatalogFileError, read_gaia_like_catalog

# The columns the demo generator writes to <demo>/catalogs/gaia_like.csv.
DEMO_COLUMNS = [
    "source_id", "ra", "dec", "ref_epoch", "pmra", "pmdec", "parallax", "phot_g_mean_mag", "bp_rp", "ruwe",
    "j_m", "h_m", "ks_m", "w1mpro", "w2mpro", "w3mpro", "w4mpro",
]  # fmt: skip


def test_demo_layout_reads_with_all_optional_columns(tmp_path):
    path = tmp_path / "gaia_like.csv"
    row = [
        123456789012345678,
        10.0,
        20.0,
        2016.0,
        5.0,
        -3.0,
        2.5,
        12.0,
        0.9,
        1.1,
        11,
        10.6,
        10.5,
        10.4,
        10.4,
        10.3,
        9.9,
    ]
    pd.DataFrame([row], columns=DEMO_COLUMNS).to_csv(path, index=False)
    cat = read_gaia_like_catalog(path)
    assert set(GAIA_OPTIONAL) <= set(cat.columns)
    assert cat["source_id"].iloc[0] == 123456789012345678
    assert np.isnan(cat["parallax_error"].iloc[0])  # absent in the demo layout: degraded, not an error


def test_missing_required_columns_name_the_file_and_columns(tmp_path):
    path = tmp_path / "broken.csv"
    pd.DataFrame({"source_id": [1], "RA": [1.0]}).to_csv(path, index=False)
    with pytest.raises(CatalogFileError) as info:
        read_gaia_like_catalog(path)
    message = str(info.value)
    assert str(path) in message
    assert "ra, dec" in message


def test_missing_optional_columns_get_defaults(tmp_path):
    path = tmp_path / "minimal.parquet"
    pd.DataFrame(
        {"source_id": [1, 2], "ra": [1.0, 2.0], "dec": [0.0, 0.0], "ref_epoch": [2015.5, np.nan]}
    ).to_parquet(path)
    cat = read_gaia_like_catalog(path)
    assert cat["ref_epoch"].tolist() == [2015.5, 2016.0]
    assert cat["pmra"].isna().all()
    assert cat["w3mpro"].isna().all()


def test_unknown_format_and_missing_file(tmp_path):
    bad = tmp_path / "cat.fits"
    bad.write_text("x")
    with pytest.raises(CatalogFileError, match="unknown format"):
        read_gaia_like_catalog(bad)
    with pytest.raises(CatalogFileError, match="does not exist"):
        read_gaia_like_catalog(tmp_path / "nope.csv")
