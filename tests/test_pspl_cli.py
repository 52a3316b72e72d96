"""``lcpipe fit`` subcommand: parser, text and JSON output, exit codes."""

import argparse
import json
from pathlib import Path

import pytest

from lcpipe.cli import fit as fit_cli

DATA = Path(__file__).parent / "data"


def _run(argv):
    parser = argparse.ArgumentParser(prog="lcpipe")
    fit_cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["fit", *argv])
    return args.func(args)


def test_json_output_on_ogle_file(capsys):
    code = _run([str(DATA / "ogle" / "phot_ob08092_O4.dat"), "--format", "ogle", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["status"] == "ok"
    assert out["model"] == "pspl"
    assert out["chi2"] == pytest.approx(427.204, abs=0.01)
    assert out["t0"] > 2450000  # the OGLE reader adds its time offset
    assert out["error_scale"] == pytest.approx(out["chi2_dof"] ** 0.5)


def test_text_output_fspl(capsys):
    code = _run([str(DATA / "ogle" / "starBLG234.6.I.218982.dat"), "--format", "ogle", "--fspl"])
    out = capsys.readouterr().out
    assert code == 0
    assert "FSPL  status=ok" in out
    assert "rho" in out
    assert "dchi2_pspl" in out


def test_unreadable_file_returns_1(tmp_path, capsys):
    code = _run([str(tmp_path / "missing.dat")])
    assert code == 1
    assert "missing_file" in capsys.readouterr().err


def test_failed_fit_returns_1(tmp_path, capsys):
    path = tmp_path / "short.csv"
    path.write_text("time,mag,mag_err\n1,15,0.01\n2,15.1,0.01\n3,15.0,0.01\n")
    assert _run([str(path), "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["status"] == "too_few_points"
