"""Reader options reach only the readers they belong to: shared options and per-format sections."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from lcpipe.io.load import load_clean
from lcpipe.io.read import FORMATS, read_lightcurve
from lcpipe.io.reader_options import FORMAT_OPTIONS, SECTION_NAMES, options_for
from lcpipe.options_check import ConfigError, check_options
from lcpipe.stages.manifest import write_collection

ASASSN = Path(__file__).parent / "data" / "asassn"


def _mixed_folder(root: Path) -> Path:
    """A ``.dat2``, a Sky Patrol CSV and a CSV whose time column only ``time_col`` names."""
    folder = root / "mixed"
    folder.mkdir()
    shutil.copy(ASASSN / "12345.dat2", folder)
    shutil.copy(ASASSN / "231929175915-light-curves.csv", folder)
    t = np.linspace(0.0, 300.0, 30)
    rows = "".join(f"{2458000.0 + ti:.3f},{14.0 + 0.01 * np.sin(ti):.4f},0.01\n" for ti in t)
    (folder / "table.csv").write_text("obs_date,mag,mag_err\n" + rows)
    return folder


@pytest.mark.parametrize(
    "read",
    [{"time_col": "obs_date", "sentinels": [99.99]}, {"csv": {"time_col": "obs_date"}, "sentinels": [99.99]}],
    ids=["shared", "csv_section"],
)
def test_a_table_option_does_not_reach_dat2_or_sky_patrol_files(tmp_path, read):
    folder = _mixed_folder(tmp_path)
    for path in sorted(folder.iterdir()):
        _lc, status, _ = load_clean(path, read_options=read)
        assert status == "ok", path
    table = read_lightcurve(folder / "table.csv", **read)
    assert table.meta["columns_used"]["time"] == "obs_date"
    collection = write_collection(
        tmp_path / "collection.parquet", survey={"folder": str(folder)}, read=read, cleaning={}
    )
    assert collection["read_status"].tolist() == ["ok", "ok", "ok"]


def test_without_the_option_the_table_is_refused_so_the_option_matters(tmp_path):
    folder = _mixed_folder(tmp_path)
    assert load_clean(folder / "table.csv")[1] != "ok"


def test_a_format_section_overrides_the_shared_option_for_its_files_only():
    options = {"camera": "shared", "csv": {"camera": "csv-only"}, "dia": {"time_offset": 2450000.0}}
    assert options_for("csv", options) == {"camera": "csv-only"}
    assert options_for("tsv", options) == {"camera": "shared"}
    assert options_for("dia", options) == {"camera": "shared", "time_offset": 2450000.0}
    assert options_for("dat2", options) == {}
    assert options_for("event", options) == options  # each file of an event picks its own


def test_an_option_no_reader_takes_still_raises():
    assert options_for("dat2", {"time_colum": "jd"}) == {"time_colum": "jd"}
    with pytest.raises(TypeError):
        load_clean(ASASSN / "12345.dat2", read_options={"time_colum": "jd"})
    with pytest.raises(TypeError, match="mapping"):
        options_for("csv", {"csv": "jd"})


def test_every_format_has_a_section_except_the_event_folder():
    assert set(FORMAT_OPTIONS) == set(SECTION_NAMES) == set(FORMATS) - {"event"}


@pytest.mark.parametrize(
    ("read", "named"),
    [
        ({"dat2": {"time_col": "jd"}}, "'read.dat2.time_col' is not an option of the dat2 reader"),
        ({"csv": {"time_colum": "jd"}}, "'read.csv.time_colum'"),
        ({"csv": "jd"}, "'read.csv' must be a mapping"),
        ({"csv": {"kind": "fits"}}, "'read.csv.kind'"),
        ({"skypatrol": {"columns": "a,b"}}, "'read.skypatrol.columns'"),
        ({"ogle": {"time_offset": "big"}}, "'read.ogle.time_offset' must be a number"),
        ({"event": {"time_col": "jd"}}, "'read.event' is not a reader option or a format"),
        ({"time_colum": "jd"}, "'read.time_colum' is not a reader option"),
    ],
)
def test_config_check_names_the_misplaced_or_unknown_reader_key(read, named):
    with pytest.raises(ConfigError, match=named.replace(".", r"\.")) as caught:
        check_options({"read": read})
    assert "\n" not in str(caught.value)


def test_config_check_accepts_shared_options_and_format_sections():
    check_options(
        {"read": {"sentinels": [99.99], "time_col": "obs_date", "csv": {"mag_col": "V"}, "dat2": {}}}
    )
