"""The ``lcpipe dips`` subcommand: one row per file, bad files included."""

import argparse
from pathlib import Path

import pytest

from lcpipe.cli import dips as dips_cli
from lcpipe.tables import read_table


def _parser():
    parser = argparse.ArgumentParser()
    dips_cli.register(parser.add_subparsers())
    return parser


def test_one_row_per_file_with_statuses(tmp_path, capsys):
    data = Path(__file__).parent / "data"
    good = data / "asassn_dips" / "377957522430-light-curves.csv"
    files = [str(good), str(data / "bad" / "empty.csv"), str(tmp_path / "missing.dat2")]
    out = tmp_path / "dips.parquet"
    args = _parser().parse_args(["dips", *files, "--out", str(out), "--trigger-mode", "logbf"])
    assert args.func(args) == 0
    table = read_table(out)
    assert list(table["path"]) == files
    assert table["status"].tolist() == ["ok", "empty", "missing_file"]
    assert table["source_id"].tolist() == ["377957522430", "empty", "missing"]
    assert bool(table["dip_significant"].iloc[0])
    assert not table["dip_significant"].iloc[1:].any()
    assert "[3/3]" in capsys.readouterr().err


def test_options_reach_detection(tmp_path):
    with pytest.raises(SystemExit):
        _parser().parse_args(["dips", "x", "--out", "y", "--baseline", "spline"])
    args = _parser().parse_args(
        ["dips", "x", "--out", "y", "--baseline", "global_median", "--min-log-bf", "7"]
    )
    assert (args.baseline, args.min_log_bf) == ("global_median", 7.0)
