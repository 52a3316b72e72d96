"""CLI details of bad input: the reason on one line for every command, quiet closed pipes, simulate args."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lcpipe.cli import build_parser, main
from lcpipe.cli.simulate import _split_out_dir
from lcpipe.manifest import asassn_manifest
from lcpipe.stages.tag import tag_shard
from lcpipe.tables import read_table, write_table

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("command", ["info", "fit", "anomaly"])
def test_every_command_prints_the_reason(command, tmp_path, capsys):
    path = tmp_path / "x.csv"
    path.write_text("time,mag\n2457000.5,13.0\n2457001.5,13.1\n")
    assert main([command, str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"lcpipe {command}: {path}: missing_column: mag_err: no mag_err column (tried ['mag_err', 'magerr', "
        "'e_mag', 'mag_error', 'err', 'error', 'sigma']) in ['time', 'mag']; name it with the err_col option"
    ]


def test_closed_pipe_is_quiet():
    lcpipe = Path(sys.executable).parent / "lcpipe"
    file = DATA / "asassn" / "231929175915-light-curves.csv"
    result = subprocess.run(
        f"'{lcpipe}' info '{file}' | head -c 1", shell=True, capture_output=True, text=True, timeout=300
    )
    assert result.stdout == "s"
    assert "Traceback" not in result.stderr
    assert "BrokenPipeError" not in result.stderr


@pytest.mark.parametrize(
    ("argv", "out_dir", "bins"),
    [
        (["simulate", "--bins", "12_12.5", "13_13.5", "OUT"], "OUT", ["12_12.5", "13_13.5"]),
        (["simulate", "OUT", "--bins", "12_12.5", "13_13.5"], "OUT", ["12_12.5", "13_13.5"]),
        (["simulate", "--bins", "12_12.5", "--seed", "3", "OUT"], "OUT", ["12_12.5"]),
    ],
)
def test_simulate_out_dir_after_bins(argv, out_dir, bins):
    args = build_parser().parse_args(argv)
    assert _split_out_dir(args) == (Path(out_dir), bins)


@pytest.mark.parametrize(
    "argv", [["simulate", "--bins", "12_12.5"], ["simulate", "--bins", "12_12.5", "x", "OUT"]]
)
def test_simulate_bad_bins_or_no_out_dir_is_a_usage_error(argv, capsys):
    args = build_parser().parse_args(argv)
    with pytest.raises(SystemExit) as info:
        _split_out_dir(args)
    assert info.value.code == 2
    assert "OUT_DIR" in capsys.readouterr().err or "bin name" in capsys.readouterr().err


def test_tag_table_has_reason_and_time_flag(tmp_path):
    index_dir, lc_dir = tmp_path / "index" / "13_13.5", tmp_path / "lc" / "13_13.5" / "lc0_cal"
    index_dir.mkdir(parents=True)
    lc_dir.mkdir(parents=True)
    (index_dir / "index0.csv").write_text("asas_sn_id,ra_deg,dec_deg\nneg,1,2\nzero,1,2\ncomma,1,2\n")
    rows = "".join(f"{-2450100 + k:.5f} 13.0 0.02 1 {k % 2} 1 0 b{k % 2}/1\n" for k in range(50))
    (lc_dir / "neg.dat2").write_text(rows)
    (lc_dir / "zero.dat2").write_text(rows.replace(" 0.02 ", " 0.00 "))
    (lc_dir / "comma.dat2").write_text("7000.1,13.0,0.02\n")
    manifest = asassn_manifest(tmp_path / "index", tmp_path / "lc", "13_13.5", n_shards=1)
    write_table(manifest, tmp_path / "manifest.parquet")
    tag_shard(tmp_path / "manifest.parquet", 0, tmp_path / "tags.parquet", tag={}, read={}, cleaning={})
    tags = read_table(tmp_path / "tags.parquet").set_index("source_id")
    assert (tags.loc["neg", "status"], tags.loc["neg", "time_flag"], tags.loc["neg", "reason"]) == (
        "ok",
        "negative_time",
        "",
    )
    assert tags.loc["zero", "status"] == "no_points_after_cleaning"
    assert tags.loc["zero", "reason"] == "0 of 50 kept; dropped bad_error 50"
    assert tags.loc["zero", "dropped_bad_error"] == 50
    assert tags.loc["comma", "status"] != "ok"
    assert tags.loc["comma", "reason"]
