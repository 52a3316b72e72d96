"""Online Gaia path, run offline against recorded answers; retries, timeouts and the query cache."""

import logging
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from astropy.table import Table

from lcpipe.characterize import CharacterizeOptions, OnlineCatalogError, characterize
from lcpipe.characterize.cache import QueryCache, query_key
from lcpipe.characterize.crossmatch import propagate_linear
from lcpipe.characterize.remote import RetryPolicy, call_online

ONLINE = Path(__file__).parent / "data" / "online"
BARNARD_ID = 4472832130942575872


class _Job:
    """Stand-in for astroquery's GaiaJob: ``get_results`` returns the recorded table."""

    def __init__(self, table: Table) -> None:
        self._table = table

    def get_results(self) -> Table:
        return self._table


@pytest.fixture
def gaia_archive(monkeypatch):
    """Replace the network call of ``astroquery.gaia.GaiaClass`` by the recorded Barnard answer."""
    from astroquery.gaia import GaiaClass

    sent: list[str] = []

    def launch_job(self, query, **kwargs):
        sent.append(query)
        return _Job(Table.read(ONLINE / "gaia_cone_barnard.vot", format="votable"))

    monkeypatch.setattr(GaiaClass, "launch_job", launch_job)
    return sent


def _barnard_at_j2000() -> tuple[float, float]:
    ra, dec = propagate_linear(
        np.array([269.44850252543836]), np.array([4.739420051112412]), -801.551, 10362.394, -16.0
    )
    return float(ra[0]), float(dec[0])


@pytest.fixture
def candidates():
    ra, dec = _barnard_at_j2000()
    return pd.DataFrame({"source_id": ["barnard", "nan"], "ra": [ra, np.nan], "dec": [dec, 3.0]})


def _online_options(tmp_path, **kwargs) -> CharacterizeOptions:
    # Barnard's star moved 166 arcsec since 2000: the cone must reach its 2016.0 position.
    defaults = {"online": True, "cache_dir": str(tmp_path / "cache"), "online_pm_margin_arcsec": 200.0}
    return CharacterizeOptions(**{**defaults, **kwargs})


def test_online_gaia_match_from_recorded_answer(tmp_path, gaia_archive, candidates):
    out = characterize(candidates, _online_options(tmp_path)).set_index("source_id")
    assert out.loc["barnard", "gaia_status"] == "ok"
    assert out.loc["barnard", "gaia_source_id"] == BARNARD_ID
    assert out.loc["barnard", "gaia_sep_arcsec"] < 1e-3
    assert out.loc["barnard", "gaia_n_within_radius"] == 1
    assert out.loc["barnard", "distance_pc"] == pytest.approx(1000.0 / 546.976)
    assert out.loc["nan", "gaia_status"] == "bad_coordinates"
    assert len(gaia_archive) == 1
    query = gaia_archive[0]
    assert "FROM gaiadr3.gaia_source" in query
    assert f"{203.0 / 3600.0:.8f}" in query


def test_cached_query_never_touches_the_network(tmp_path, gaia_archive, candidates, monkeypatch):
    first = characterize(candidates, _online_options(tmp_path))
    assert len(list((tmp_path / "cache" / "gaia").glob("*.parquet"))) == 1
    from astroquery.gaia import GaiaClass

    def no_network(self, query, **kwargs):
        raise AssertionError("the network was touched although the answer is cached")

    monkeypatch.setattr(GaiaClass, "launch_job", no_network)
    second = characterize(candidates, _online_options(tmp_path))
    pd.testing.assert_frame_equal(first, second)


def test_offline_marks_rows_instead_of_crashing(tmp_path, monkeypatch, caplog, candidates):
    from astroquery.gaia import GaiaClass

    calls = []

    def unreachable(self, query, **kwargs):
        calls.append(query)
        raise OSError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(GaiaClass, "launch_job", unreachable)
    catalog = tmp_path / "local.csv"
    pd.DataFrame({"source_id": [1], "ra": [10.0], "dec": [10.0]}).to_csv(catalog, index=False)
    many = pd.concat(
        [candidates, pd.DataFrame({"source_id": ["local", "other"], "ra": [10.0, 50.0], "dec": [10.0, 50.0]})]
    )
    options = _online_options(tmp_path, catalog=str(catalog), retries=1, backoff_s=0.0)
    with caplog.at_level(logging.WARNING, logger="lcpipe.characterize.candidates"):
        out = characterize(many, options).set_index("source_id")
    assert out["gaia_status"].to_dict() == {
        "barnard": "offline",
        "nan": "bad_coordinates",
        "local": "ok",
        "other": "offline",
    }
    assert len(calls) == 2  # first row: 1 + retries attempts; the other rows are not tried again
    assert "cannot reach Gaia archive" in caplog.text
    assert "set characterize.online: false or check the network" in caplog.text
    assert not (tmp_path / "cache" / "gaia").exists()  # failures are not cached


def test_retries_back_off_exponentially_then_succeed():
    waits: list[float] = []
    attempts = iter([OSError("down"), ConnectionResetError("reset"), "answer"])

    def flaky():
        value = next(attempts)
        if isinstance(value, Exception):
            raise value
        return value

    policy = RetryPolicy(timeout_s=5.0, retries=3, backoff_s=1.5)
    assert (
        call_online(flaky, service="X", config_key="x.online", policy=policy, sleep=waits.append) == "answer"
    )
    assert waits == [1.5, 3.0]


def test_error_after_all_retries_names_service_and_switch():
    waits: list[float] = []

    def down():
        raise TimeoutError("timed out")

    policy = RetryPolicy(timeout_s=5.0, retries=2, backoff_s=1.0)
    with pytest.raises(OnlineCatalogError) as info:
        call_online(
            down, service="Gaia archive", config_key="characterize.online", policy=policy, sleep=waits.append
        )
    assert str(info.value).startswith("cannot reach Gaia archive: TimeoutError: timed out (after 3 attempts)")
    assert str(info.value).endswith("set characterize.online: false or check the network")
    assert waits == [1.0, 2.0]


def test_a_hung_call_times_out():
    release = threading.Event()
    policy = RetryPolicy(timeout_s=0.05, retries=0, backoff_s=0.0)
    try:
        with pytest.raises(OnlineCatalogError, match=r"no answer within 0\.05 s"):
            call_online(lambda: release.wait(10.0), service="X", config_key="x.online", policy=policy)
    finally:
        release.set()


def test_bugs_are_not_disguised_as_network_errors():
    calls = []

    def buggy():
        calls.append(1)
        raise TypeError("bad argument")

    with pytest.raises(TypeError, match="bad argument"):
        call_online(buggy, service="X", config_key="x.online", policy=RetryPolicy(retries=3))
    assert calls == [1]


def test_query_cache_round_trip(tmp_path):
    cache = QueryCache(tmp_path)
    params = {"adql": "SELECT 1", "radius": 3.0}
    assert cache.get("gaia", params) is None
    table = pd.DataFrame({"source_id": [1, 2], "ra": [1.0, 2.0]})
    path = cache.put("gaia", params, table)
    assert path.parent == tmp_path / "gaia"
    pd.testing.assert_frame_equal(cache.get("gaia", params), table)
    assert cache.params_of(path) == {"service": "gaia", "params": params}
    empty = pd.DataFrame({"source_id": pd.Series([], dtype="int64")})
    assert len(cache.get_or_fetch("gaia", {"adql": "nothing"}, lambda: empty)) == 0
    assert len(cache.get_or_fetch("gaia", {"adql": "nothing"}, lambda: pytest.fail("refetched"))) == 0


def test_query_keys_are_stable_and_distinct():
    assert query_key("gaia", {"a": 1, "b": 2}) == query_key("gaia", {"b": 2, "a": 1})
    assert query_key("gaia", {"a": 1}) != query_key("simbad", {"a": 1})
    assert query_key("gaia", {"a": 1}) != query_key("gaia", {"a": 2})
