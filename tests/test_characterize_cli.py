"""``lcpipe characterize`` subcommand, called through its own parser."""

import argparse

import pandas as pd

from lcpipe.cli import characterize as cli
from lcpipe.tables import read_provenance, read_table, write_table


def _parse(argv):
    parser = argparse.ArgumentParser(prog="lcpipe")
    cli.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["characterize", *argv])


def test_cli_writes_characterized_table(tmp_path, capsys):
    candidates = write_table(
        pd.DataFrame({"source_id": ["a", "b"], "ra": [10.0, 20.0], "dec": [5.0, 5.0]}),
        tmp_path / "in.parquet",
    )
    catalog = tmp_path / "gaia_like.csv"
    pd.DataFrame({"source_id": [9], "ra": [10.0], "dec": [5.0], "parallax": [4.0]}).to_csv(
        catalog, index=False
    )
    out = tmp_path / "out.parquet"
    args = _parse([str(candidates), "--catalog", str(catalog), "--out", str(out), "--radius", "2"])
    assert args.func(args) == 0
    table = read_table(out)
    assert table["gaia_status"].tolist() == ["ok", "no_match"]
    assert table["gaia_source_id"].iloc[0] == 9
    provenance = read_provenance(out)
    assert provenance["stage"] == "characterize"
    assert provenance["options"]["match_radius_arcsec"] == 2.0
    assert "wrote" in capsys.readouterr().out


def test_cli_reports_a_broken_catalog_in_one_line(tmp_path, capsys):
    candidates = write_table(
        pd.DataFrame({"source_id": ["a"], "ra": [10.0], "dec": [5.0]}), tmp_path / "in.parquet"
    )
    catalog = tmp_path / "gaia_like.csv"
    pd.DataFrame({"source_id": [9], "ra": [10.0]}).to_csv(catalog, index=False)
    args = _parse([str(candidates), "--catalog", str(catalog), "--out", str(tmp_path / "out.parquet")])
    assert args.func(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("lcpipe characterize: catalog file")
    assert "dec" in err
    assert not (tmp_path / "out.parquet").exists()


def test_every_option_has_help():
    parser = argparse.ArgumentParser(prog="lcpipe")
    sub = parser.add_subparsers(dest="command")
    cli.register(sub)
    sub_parser = sub.choices["characterize"]
    assert all(action.help for action in sub_parser._actions)
