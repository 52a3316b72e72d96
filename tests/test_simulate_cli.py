"""``lcpipe simulate`` command: parser, output tree, printed summary."""

from __future__ import annotations

import argparse

import pandas as pd

from lcpipe.cli import simulate


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="lcpipe")
    simulate.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def test_defaults_and_help_text():
    args = _parse(["simulate", "out"])
    assert args.seed == 20261122
    assert args.stars_per_bin == 80
    assert args.bins == ["12_12.5", "12.5_13", "13_13.5"]
    assert not args.roman
    assert args.func is simulate.run


def test_run_writes_the_tree_and_reports_it(tmp_path, capsys):
    out = tmp_path / "demo"
    args = _parse(
        ["simulate", str(out), "--seed", "5", "--stars-per-bin", "8", "--bins", "13_13.5", "--roman"]
    )
    assert args.func(args) == 0
    printed = capsys.readouterr().out
    truth = pd.read_parquet(out / "truth.parquet")
    assert len(truth) == 8
    assert set(truth["mag_bin"]) == {"13_13.5"}
    assert (out / "index" / "13_13.5" / "index0.csv").is_file()
    assert (out / "catalogs" / "gaia_like.csv").is_file()
    assert (out / "catalogs" / "vsx_like.csv").is_file()
    assert len(list((out / "roman").glob("roman_*.npy"))) == 6
    assert "8 index rows in 1 bins" in printed
    assert "roman: 6 events" in printed
