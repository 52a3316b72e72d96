"""The characterize stage end to end on a small constructed catalog, including bad inputs."""

import numpy as np
import pandas as pd
import pytest

from lcpipe.characterize import CharacterizeOptions, characterize
from lcpipe.characterize.catalog import CatalogFileError

ARCSEC = 1.0 / 3600.0


@pytest.fixture
def catalog_csv(tmp_path):
    """Catalog at 2016.0: an isolated star, a close pair, a fast mover and a Class II-coloured star."""
    cat = pd.DataFrame(
        {
            "source_id": [101, 102, 103, 104, 105],
            "ra": [30.0, 60.0, 60.0 + 1.2 * ARCSEC, 90.0, 120.0],
            "dec": [10.0, -20.0, -20.0, 45.0, 5.0],
            "ref_epoch": [2016.0] * 5,
            "pmra": [0.0, 0.0, 0.0, 0.0, 0.0],
            "pmdec": [0.0, 0.0, 0.0, 2000.0, 0.0],
            "parallax": [5.0, 1.0, 1.0, 100.0, 2.0],
            "parallax_error": [0.05, 0.5, 0.5, 0.1, 0.02],
            "phot_g_mean_mag": [11.0, 14.0, 15.0, 9.0, 13.0],
            "bp_rp": [0.8, 1.0, 1.2, 2.5, 1.5],
            "ruwe": [1.0, 1.1, 1.2, 1.0, 0.9],
            "j_m": [10.0, np.nan, np.nan, 7.0, 11.0],
            "h_m": [9.7, np.nan, np.nan, 6.5, 10.2],
            "ks_m": [9.6, np.nan, np.nan, 6.3, 9.7],
            "w1mpro": [9.5, np.nan, np.nan, 6.2, 9.0],
            "w2mpro": [9.5, np.nan, np.nan, 6.1, 8.4],
            "w3mpro": [9.4, np.nan, np.nan, 6.0, 6.9],
        }
    )
    path = tmp_path / "gaia_like.csv"
    cat.to_csv(path, index=False)
    return path


@pytest.fixture
def candidates():
    return pd.DataFrame(
        {
            "source_id": ["iso", "pair", "fast", "yso", "nan", "far"],
            # the fast mover is seen at J2000: 32 arcsec south of its 2016.0 catalog place
            "ra": [30.0, 60.0 + 0.2 * ARCSEC, 90.0, 120.0, np.nan, 200.0],
            "dec": [10.0, -20.0, 45.0 - 32.0 * ARCSEC, 5.0, 1.0, 0.0],
            "mag": [11.0, 14.0, 9.0, 13.0, 12.0, 12.0],
        },
        index=[10, 11, 12, 13, 14, 15],
    )


def test_stage_columns_and_values(catalog_csv, candidates):
    out = characterize(candidates, CharacterizeOptions(catalog=str(catalog_csv)))
    assert out.index.tolist() == candidates.index.tolist()
    assert out["mag"].tolist() == candidates["mag"].tolist()
    by_id = out.set_index("source_id")
    assert by_id["gaia_status"].tolist() == ["ok", "ok", "ok", "ok", "bad_coordinates", "no_match"]
    assert by_id["gaia_source_id"].tolist()[:4] == [101, 102, 104, 105]
    assert by_id["gaia_source_id"].isna().tolist() == [False] * 4 + [True] * 2
    # duplicate matches: nearest wins, count recorded
    assert by_id.loc["pair", "gaia_n_within_radius"] == 2
    assert by_id.loc["pair", "gaia_sep_arcsec"] == pytest.approx(0.2 * np.cos(np.radians(20.0)), abs=1e-6)
    # fast mover matched only thanks to propagation to J2000
    assert by_id.loc["fast", "gaia_sep_arcsec"] < 1e-3
    assert by_id.loc["iso", "distance_pc"] == pytest.approx(200.0)
    assert by_id.loc["iso", "abs_g"] == pytest.approx(11.0 - 5 * np.log10(20.0))
    assert by_id.loc["pair", "distance_status"] == "low_parallax_snr"  # 1.0 +- 0.5 mas
    assert by_id.loc["iso", "j_h"] == pytest.approx(0.3)
    assert by_id.loc["yso", "w1_w2"] == pytest.approx(0.6)
    assert by_id.loc["yso", "w2_w3"] == pytest.approx(1.5)
    assert by_id.loc["yso", "ir_class"] == "Class II"
    assert by_id.loc["iso", "ir_class"] == "main sequence"
    assert by_id.loc["pair", "ir_class"] == "unknown"
    # rows without a counterpart: defined values, never errors
    for row in ("nan", "far"):
        assert np.isnan(
            by_id.loc[row, ["gaia_sep_arcsec", "distance_pc", "abs_g", "w1_w2"]].astype(float)
        ).all()
        assert by_id.loc[row, "gaia_n_within_radius"] == 0
        assert by_id.loc[row, "distance_status"] == "no_counterpart"
        assert by_id.loc[row, "ir_class"] == "unknown"
    assert np.isnan(by_id.loc["nan", "gal_l"])
    assert np.isfinite(by_id.loc["far", "gal_l"])


def test_radius_and_epoch_options(catalog_csv, candidates):
    tight = characterize(candidates, CharacterizeOptions(catalog=str(catalog_csv), match_radius_arcsec=0.1))
    assert tight.set_index("source_id").loc["pair", "gaia_status"] == "no_match"
    at_2016 = characterize(candidates, CharacterizeOptions(catalog=str(catalog_csv), candidate_epoch=2016.0))
    assert at_2016.set_index("source_id").loc["fast", "gaia_status"] == "no_match"
    per_row = candidates.assign(epoch=[2016.0, 2016.0, np.nan, 2016.0, 2016.0, 2016.0])
    out = characterize(per_row, CharacterizeOptions(catalog=str(catalog_csv), candidate_epoch=2016.0))
    # NaN epoch falls back to candidate_epoch=2016.0, so the fast mover is not found
    assert out.set_index("source_id").loc["fast", "gaia_status"] == "no_match"
    per_row["epoch"] = 2000.0
    out = characterize(per_row, CharacterizeOptions(catalog=str(catalog_csv), candidate_epoch=2016.0))
    assert out.set_index("source_id").loc["fast", "gaia_status"] == "ok"


def test_without_catalog_every_row_is_flagged(candidates):
    out = characterize(candidates, CharacterizeOptions())
    assert out["gaia_status"].tolist() == ["no_catalog"] * 4 + ["bad_coordinates", "no_catalog"]
    assert out["gaia_source_id"].isna().all()


def test_demo_layout_without_parallax_error_degrades(tmp_path, candidates):
    path = tmp_path / "gaia_like.csv"
    pd.DataFrame(
        {"source_id": [7], "ra": [30.0], "dec": [10.0], "parallax": [5.0], "phot_g_mean_mag": [11.0]}
    ).to_csv(path, index=False)
    out = characterize(candidates, CharacterizeOptions(catalog=str(path))).set_index("source_id")
    assert out.loc["iso", "gaia_status"] == "ok"
    assert out.loc["iso", "distance_status"] == "no_parallax_error"
    assert np.isnan(out.loc["iso", "distance_pc"])
    assert out.loc["iso", "ir_class"] == "unknown"


def test_string_source_ids_are_kept(tmp_path, candidates):
    path = tmp_path / "cat.csv"
    pd.DataFrame({"source_id": ["Gaia DR3 1"], "ra": [30.0], "dec": [10.0]}).to_csv(path, index=False)
    out = characterize(candidates, CharacterizeOptions(catalog=str(path)))
    assert out["gaia_source_id"].iloc[0] == "Gaia DR3 1"
    assert out["gaia_source_id"].isna().sum() == 5


def test_bad_inputs_raise_with_names(tmp_path, candidates):
    with pytest.raises(ValueError, match="ra, dec"):
        characterize(candidates.drop(columns=["ra", "dec"]), CharacterizeOptions())
    broken = tmp_path / "broken.csv"
    pd.DataFrame({"id": [1], "ra": [1.0], "dec": [1.0]}).to_csv(broken, index=False)
    with pytest.raises(CatalogFileError, match=r"broken\.csv lacks required column"):
        characterize(candidates, CharacterizeOptions(catalog=str(broken)))
    with pytest.raises(ValueError, match="match_radius_arcsec"):
        CharacterizeOptions(match_radius_arcsec=-1.0)
    with pytest.raises(ValueError, match="retries"):
        CharacterizeOptions(retries=-1)


def test_empty_candidates_table(catalog_csv):
    empty = pd.DataFrame({"source_id": pd.Series([], dtype=str), "ra": [], "dec": []})
    out = characterize(empty, CharacterizeOptions(catalog=str(catalog_csv)))
    assert len(out) == 0
    assert {"gaia_status", "distance_pc", "ir_class", "gal_l"} <= set(out.columns)
