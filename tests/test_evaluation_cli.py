"""``lcpipe evaluate``: parser, clear errors, a small run; the workflow's injection target (dry run)."""

from __future__ import annotations

import argparse

import pandas as pd
import pytest

from lcpipe.cli import evaluate


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="lcpipe")
    evaluate.register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["evaluate", *argv])


def test_every_action_has_help(capsys):
    for action in ("dips", "anomaly", "false-alarms", "validate"):
        with pytest.raises(SystemExit):
            parse(action, "--help")
        assert "--out" in capsys.readouterr().out


def test_inverted_edges_give_one_clear_error(tmp_path, capsys):
    args = parse("anomaly", "--out", str(tmp_path), "--teff", "3,1", "--quiet")
    assert args.func(args) == 2
    assert "teff_days: inverted range" in capsys.readouterr().err


def test_validate_with_unknown_ids(tmp_path, capsys):
    run = tmp_path / "run.csv"
    known = tmp_path / "known.csv"
    pd.DataFrame({"source_id": ["1", "2"], "dip_significant": [True, False]}).to_csv(run, index=False)
    pd.DataFrame({"source_id": ["1", "3"], "class": ["Dippers", "Dippers"]}).to_csv(known, index=False)
    args = parse("validate", "--out", str(tmp_path / "v"), "--run", str(run), "--known", str(known))
    assert args.func(args) == 2
    assert "not in the run table: 3" in capsys.readouterr().err
    args = parse(
        "validate", "--out", str(tmp_path / "v"), "--run", str(run), "--known", str(known), "--ignore-unknown"
    )
    assert args.func(args) == 0
    metrics = pd.read_parquet(tmp_path / "v" / "metrics.parquet").set_index("class")
    assert metrics.loc["Dippers", "recall"] == 1.0


def test_bump_run_shows_progress(tmp_path, capsys):
    args = parse("anomaly", "--out", str(tmp_path), "--model", "bump", "--amplitude", "0.05,0.1", "--teff",
                 "0.5,1", "--trials-per-cell", "1")  # fmt: skip
    assert args.func(args) == 0
    err = capsys.readouterr().err
    assert "[1/1] anomaly_injection_bump: chunk 1/1" in err
    assert (tmp_path / "efficiency_maps.png").stat().st_size > 0


@pytest.mark.workflow
def test_injection_target_plans_every_evaluation_rule(workspace_factory):
    workspace = workspace_factory("evaluation")
    snakefile = workspace.root / "Snakefile"
    text = snakefile.read_text()
    if "rules/evaluation.smk" not in text:
        snakefile.write_text(text + '\ninclude: "rules/evaluation.smk"\n')
    rules = {job.rule for job in workspace.planned_jobs("injection")}
    assert {"evaluate_dip_injection", "evaluate_anomaly_injection", "evaluate_false_alarms",
            "evaluate_validation", "injection", "simulate_demo"} <= rules  # fmt: skip
