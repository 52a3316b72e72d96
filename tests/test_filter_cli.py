"""``lcpipe filter`` and ``lcpipe plot`` command lines (parsers built from the modules' register)."""

from __future__ import annotations

import argparse

import pandas as pd

from lcpipe.cli import filter as filter_cli
from lcpipe.cli import plot as plot_cli
from lcpipe.tables import read_table, write_table


def _parse(module, argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="lcpipe")
    module.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def _events() -> pd.DataFrame:
    dip = {
        "tag_passed_tags": True,
        "dip_log_bf": 50.0,
        "dip_max_point_log_bf": 9.0,
        "dip_n_runs": 1,
        "dip_run_points": 4,
        "dip_run_cameras": 1,
        "dip_best_offset": 0.3,
        "dipper_score": 2.0,
    }
    return pd.DataFrame([{"source_id": "a", **dip}, {"source_id": "b", **dip, "dip_log_bf": 1.0}])


def test_filter_thresholds_from_flags(tmp_path, capsys):
    write_table(_events(), tmp_path / "events.parquet")
    out_c, out_r = tmp_path / "c.parquet", tmp_path / "r.parquet"
    argv = [
        "filter",
        str(tmp_path / "events.parquet"),
        "--out-candidates",
        str(out_c),
        "--out-rejected",
        str(out_r),
    ]
    assert filter_cli.run(_parse(filter_cli, argv)) == 0
    assert read_table(out_c).empty  # one camera fails the default run robustness
    assert filter_cli.run(_parse(filter_cli, [*argv, "--min-run-cameras", "1"])) == 0
    assert read_table(out_c)["source_id"].tolist() == ["a"]
    assert "dip_bayes_factor" in read_table(out_r).loc[0, "reject_reason"]
    assert "1/2 candidates" in capsys.readouterr().out


def test_filter_bad_input_is_one_error_line(tmp_path, capsys):
    argv = ["filter", str(tmp_path / "absent.parquet"), "--out-candidates", "c", "--out-rejected", "r"]
    assert filter_cli.run(_parse(filter_cli, argv)) == 1
    assert capsys.readouterr().err.startswith("lcpipe filter:")


def test_plot_empty_table_writes_folder_and_index(tmp_path, capsys):
    table = tmp_path / "c.parquet"
    write_table(pd.DataFrame({"source_id": pd.Series(dtype=str), "path": pd.Series(dtype=str)}), table)
    args = _parse(plot_cli, ["plot", str(table), "--out-dir", str(tmp_path / "plots")])
    assert plot_cli.run(args) == 0
    assert (tmp_path / "plots").is_dir()
    assert (tmp_path / "plots.parquet").exists()
    assert "wrote 0 PNG files" in capsys.readouterr().out
