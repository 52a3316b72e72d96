"""The vetting stage: known_variable flags from VSX-style and (recorded) SIMBAD answers, bad inputs."""

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from astropy.table import Table
from astroquery.simbad import SimbadClass

from lcpipe.characterize.catalog import CatalogFileError
from lcpipe.vetting import VettingOptions, vet

ONLINE = Path(__file__).parent / "data" / "online"
RR_LYR = (291.36606, 42.78436)


@pytest.fixture
def vsx_csv(tmp_path):
    path = tmp_path / "vsx_like.csv"
    pd.DataFrame({"name": ["V1"], "ra": [15.0], "dec": [0.0], "class": ["EA"], "period": [2.5]}).to_csv(
        path, index=False
    )
    return path


@pytest.fixture
def simbad_service(monkeypatch):
    """SIMBAD TAP replaced by recorded answers: RR Lyr's field near RR Lyr, an empty answer elsewhere."""
    sent: list[str] = []

    def query_tap(self, query, **kwargs):
        sent.append(query)
        near_rr_lyr = "CIRCLE('ICRS', 291.36" in query
        name = "simbad_cone_rr_lyr.vot" if near_rr_lyr else "simbad_cone_empty.vot"
        return Table.read(ONLINE / name, format="votable")

    monkeypatch.setattr(SimbadClass, "query_tap", query_tap)
    return sent


@pytest.fixture
def candidates():
    return pd.DataFrame(
        {
            "source_id": ["eb", "rrlyr", "quiet", "nan"],
            "ra": [15.0, RR_LYR[0], 100.0, np.nan],
            "dec": [0.0, RR_LYR[1], -30.0, 0.0],
        }
    )


def test_vsx_only(vsx_csv, candidates):
    out = vet(candidates, VettingOptions(vsx=str(vsx_csv))).set_index("source_id")
    assert out["known_variable"].tolist() == [True, False, False, False]
    assert out["known_variable_source"].tolist() == ["vsx", "", "", ""]
    assert out.loc["eb", "vsx_class"] == "EA"
    assert out.loc["eb", "vsx_period"] == pytest.approx(2.5)
    assert out["simbad_status"].tolist() == ["disabled", "disabled", "disabled", "bad_coordinates"]
    assert out["known_variable"].dtype == bool


def test_simbad_from_recorded_answers(tmp_path, vsx_csv, candidates, simbad_service):
    options = VettingOptions(vsx=str(vsx_csv), simbad=True, cache_dir=str(tmp_path / "cache"))
    out = vet(candidates, options).set_index("source_id")
    assert out.loc["rrlyr", "simbad_main_id"] == "* RR Lyr"
    assert out.loc["rrlyr", "simbad_otype"] == "RR*"
    assert out.loc["rrlyr", "simbad_sep_arcsec"] < 1e-3
    assert out.loc["rrlyr", "simbad_n_within_radius"] == 2  # the field star 4 arcsec away is inside 5 arcsec
    assert out.loc["rrlyr", "known_variable_source"] == "simbad"
    assert out["simbad_status"].tolist() == ["no_match", "ok", "no_match", "bad_coordinates"]
    assert out["known_variable"].tolist() == [True, True, False, False]
    assert len(simbad_service) == 3
    assert all("FROM basic" in q and "otype" in q for q in simbad_service)
    # a second run is answered from the cache alone
    simbad_service.clear()
    again = vet(candidates, options)
    assert simbad_service == []
    pd.testing.assert_frame_equal(again.set_index("source_id"), out)


def test_field_star_is_not_a_known_variable(tmp_path, simbad_service):
    near = pd.DataFrame({"source_id": ["field"], "ra": [291.36750], "dec": [42.78350]})
    options = VettingOptions(simbad=True, simbad_radius_arcsec=1.0, cache_dir=str(tmp_path))
    out = vet(near, options)
    assert out["simbad_otype"].tolist() == ["*"]
    assert out["known_variable"].tolist() == [False]


def test_simbad_offline_gives_status_and_message(tmp_path, monkeypatch, caplog, candidates):
    def unreachable(self, query, **kwargs):
        raise ConnectionRefusedError("[Errno 111] Connection refused")

    monkeypatch.setattr(SimbadClass, "query_tap", unreachable)
    options = VettingOptions(simbad=True, cache_dir=str(tmp_path), retries=0)
    with caplog.at_level(logging.WARNING, logger="lcpipe.vetting.candidates"):
        out = vet(candidates, options)
    assert out["simbad_status"].tolist() == ["offline", "offline", "offline", "bad_coordinates"]
    assert not out["known_variable"].any()
    assert "cannot reach SIMBAD" in caplog.text
    assert "set vetting.simbad: false" in caplog.text


def test_bad_inputs(tmp_path, candidates):
    with pytest.raises(ValueError, match="source_id"):
        vet(candidates.drop(columns="source_id"), VettingOptions())
    bad = tmp_path / "vsx.csv"
    pd.DataFrame({"name": ["x"]}).to_csv(bad, index=False)
    with pytest.raises(CatalogFileError, match="ra, dec"):
        vet(candidates, VettingOptions(vsx=str(bad)))
    with pytest.raises(ValueError, match="vsx_radius_arcsec"):
        VettingOptions(vsx_radius_arcsec=0.0)


def test_options_accept_plain_lists():
    options = VettingOptions(simbad_variable_otypes=["RR*", "EB*"])
    assert options.simbad_variable_otypes == ("RR*", "EB*")
