"""Workflow CI as tests: `snakemake --lint`, `snakefmt --check`, ruff (check and format) over the Python
code, and cython-lint over ext/. Each runs the tool of the active environment on the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

#: Python folders ruff checks (those that exist).
RUFF_PATHS = ("lcpipe", "scripts", "tests", "benchmarks")


def _tool(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed (pip install -e '.[test]')")
    return found


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", "")])}
    return subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _existing(paths: tuple[str, ...]) -> list[str]:
    return [p for p in paths if (REPO / p).exists()]


@pytest.mark.workflow
def test_snakemake_lint_is_clean(fresh_workspace):
    proc = fresh_workspace.run("--lint", check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_snakefmt_check_is_clean():
    targets = ["Snakefile", *sorted(str(p.relative_to(REPO)) for p in (REPO / "rules").glob("*.smk"))]
    proc = _run([_tool("snakefmt"), "--check", *targets])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_check_is_clean():
    proc = _run([_tool("ruff"), "check", *_existing(RUFF_PATHS)])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format_is_clean():
    proc = _run([_tool("ruff"), "format", "--check", *_existing(RUFF_PATHS)])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_cython_lint_is_clean():
    sources = sorted(str(p.relative_to(REPO)) for p in (REPO / "ext").glob("*.p[yx]*"))
    assert sources, "no Cython sources in ext/"
    proc = _run([_tool("cython-lint"), "--max-line-length", "110", *sources])
    assert proc.returncode == 0, proc.stdout + proc.stderr
