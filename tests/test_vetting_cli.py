"""``lcpipe vet`` subcommand, called through its own parser."""

import argparse

import pandas as pd

from lcpipe.cli import vet as cli
from lcpipe.tables import read_provenance, read_table, write_table


def _parse(argv):
    parser = argparse.ArgumentParser(prog="lcpipe")
    cli.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["vet", *argv])


def test_cli_writes_vetted_table(tmp_path, capsys):
    candidates = write_table(
        pd.DataFrame({"source_id": ["a", "b"], "ra": [10.0, 20.0], "dec": [5.0, 5.0]}),
        tmp_path / "in.parquet",
    )
    vsx = tmp_path / "vsx_like.csv"
    pd.DataFrame({"name": ["V1"], "ra": [20.0], "dec": [5.0], "class": ["RRAB"], "period": [0.6]}).to_csv(
        vsx, index=False
    )
    out = tmp_path / "out.parquet"
    args = _parse([str(candidates), "--vsx", str(vsx), "--out", str(out)])
    assert args.func(args) == 0
    table = read_table(out)
    assert table["known_variable"].tolist() == [False, True]
    assert table["vsx_class"].tolist()[1] == "RRAB"
    assert read_provenance(out)["stage"] == "vetting"
    assert "1 known variables" in capsys.readouterr().out


def test_cli_reports_missing_input_in_one_line(tmp_path, capsys):
    args = _parse([str(tmp_path / "missing.parquet"), "--out", str(tmp_path / "out.parquet")])
    assert args.func(args) == 1
    assert capsys.readouterr().err.startswith("lcpipe vet: ")


def test_every_option_has_help():
    parser = argparse.ArgumentParser(prog="lcpipe")
    sub = parser.add_subparsers(dest="command")
    cli.register(sub)
    assert all(action.help for action in sub.choices["vet"]._actions)
