"""Characterize and vetting stages on bad input: the bin's files are always written with defined statuses."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from lcpipe.stages.catalogs import CATALOG_ERROR, write_characterized, write_vetted
from lcpipe.tables import read_table, write_table


@pytest.fixture
def candidates(tmp_path):
    table = pd.DataFrame(
        {
            "source_id": ["near", "far", "nan", "twin"],
            "ra": [10.0, 50.0, np.nan, 20.0],
            "dec": [-5.0, 40.0, 1.0, 3.0],
            "candidate_type": ["dip", "jump", "dip", "microlensing"],
        }
    )
    path = tmp_path / "candidates.parquet"
    write_table(table, path)
    return path


@pytest.fixture
def gaia_csv(tmp_path):
    arcsec = 1.0 / 3600.0
    table = pd.DataFrame(
        {
            "source_id": [1, 2, 3],
            "ra": [10.0 + arcsec, 20.0 + arcsec, 20.0 - 1.5 * arcsec],  # two entries near "twin"
            "dec": [-5.0, 3.0, 3.0],
            "ref_epoch": [2000.0, 2000.0, 2000.0],
            "parallax": [10.0, 1.0, 1.0],
            "parallax_error": [0.1, 0.1, 0.1],
            "phot_g_mean_mag": [12.0, 13.0, 15.0],
        }
    )
    path = tmp_path / "gaia.csv"
    table.to_csv(path, index=False)
    return path


def test_characterize_statuses_for_match_nan_no_match_and_duplicates(tmp_path, candidates, gaia_csv):
    out = tmp_path / "characterized.parquet"
    write_characterized(candidates, out, options={"catalog": str(gaia_csv)})
    table = read_table(out).set_index("source_id")
    assert table["gaia_status"].to_dict() == {
        "near": "ok",
        "far": "no_match",
        "nan": "bad_coordinates",
        "twin": "ok",
    }
    assert table.loc["twin", "gaia_n_within_radius"] == 2
    assert table.loc["twin", "gaia_source_id"] == 2  # the nearer of the two
    assert table.loc["near", "distance_pc"] == pytest.approx(100.0)
    assert np.isnan(table.loc["far", "distance_pc"])


def test_catalog_missing_columns_gives_catalog_error_not_a_crash(tmp_path, candidates, caplog):
    broken = tmp_path / "broken.csv"
    pd.DataFrame({"source_id": [1], "ra": [10.0]}).to_csv(broken, index=False)  # no dec
    out = tmp_path / "characterized.parquet"
    with caplog.at_level(logging.ERROR, logger="lcpipe.stages.catalogs"):
        write_characterized(candidates, out, options={"catalog": str(broken)})
    table = read_table(out).set_index("source_id")
    assert table.loc["near", "gaia_status"] == CATALOG_ERROR
    assert table.loc["nan", "gaia_status"] == "bad_coordinates"
    assert "lacks required column(s) dec" in caplog.text
    assert np.isfinite(table.loc["near", "gal_l"])  # what does not need the catalog is still there


def test_missing_vsx_file_and_duplicates_in_vetting(tmp_path, candidates, caplog):
    characterized = tmp_path / "characterized.parquet"
    write_characterized(candidates, characterized, options={})
    out = tmp_path / "vetted.parquet"
    with caplog.at_level(logging.ERROR, logger="lcpipe.stages.catalogs"):
        write_vetted(characterized, out, options={"vsx": str(tmp_path / "absent.csv")})
    table = read_table(out).set_index("source_id")
    assert set(table["vsx_status"]) == {CATALOG_ERROR}
    assert not table["known_variable"].any()
    assert "does not exist" in caplog.text

    arcsec = 1.0 / 3600.0
    vsx = tmp_path / "vsx.csv"
    pd.DataFrame(
        {"name": ["A", "B"], "ra": [20.0, 20.0 + 2 * arcsec], "dec": [3.0, 3.0], "class": ["EA", "RRAB"]}
    ).to_csv(vsx, index=False)
    write_vetted(characterized, out, options={"vsx": str(vsx)})
    table = read_table(out).set_index("source_id")
    assert table.loc["twin", "vsx_name"] == "A"
    assert table.loc["twin", "vsx_n_within_radius"] == 2
    assert table.loc["nan", "vsx_status"] == "bad_coordinates"
    assert table["known_variable"].tolist() == [False, False, False, True]


def test_online_mode_on_an_offline_machine(tmp_path, candidates, monkeypatch):
    from astroquery.gaia import GaiaClass
    from astroquery.simbad import SimbadClass

    def unreachable(*args, **kwargs):
        raise OSError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(GaiaClass, "launch_job", unreachable)
    monkeypatch.setattr(SimbadClass, "query_tap", unreachable)
    settings = {"cache_dir": str(tmp_path / "cache"), "retries": 0, "backoff_s": 0.0, "timeout_s": 5.0}
    characterized = tmp_path / "characterized.parquet"
    write_characterized(candidates, characterized, options={"online": True, **settings})
    table = read_table(characterized).set_index("source_id")
    assert table.loc["near", "gaia_status"] == "offline"
    assert table.loc["nan", "gaia_status"] == "bad_coordinates"
    out = tmp_path / "vetted.parquet"
    write_vetted(characterized, out, options={"simbad": True, **settings})
    vetted = read_table(out).set_index("source_id")
    assert vetted.loc["near", "simbad_status"] == "offline"
    assert not vetted["known_variable"].any()


def test_empty_candidates_table(tmp_path, gaia_csv):
    empty = tmp_path / "empty.parquet"
    write_table(pd.DataFrame({"source_id": pd.Series(dtype=str), "ra": [], "dec": []}), empty)
    write_characterized(empty, tmp_path / "c.parquet", options={"catalog": str(gaia_csv)})
    write_vetted(tmp_path / "c.parquet", tmp_path / "v.parquet", options={})
    assert read_table(tmp_path / "v.parquet").empty
