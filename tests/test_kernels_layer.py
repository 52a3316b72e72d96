"""Compiled code sits behind lcpipe.kernels: the microlensing science never imports it, and the kernels
never import the science."""

import ast
from pathlib import Path

import pytest

import lcpipe

PACKAGE = Path(lcpipe.__file__).parent


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted((PACKAGE / "microlensing").glob("*.py")), ids=lambda p: p.name)
def test_microlensing_imports_no_compiled_code(path):
    compiled = {n for n in _imports(path) if n == "numba" or n.startswith(("numba.", "lcpipe._ext"))}
    assert not compiled, f"{path.name} imports {sorted(compiled)}: go through lcpipe.kernels"


@pytest.mark.parametrize("path", sorted((PACKAGE / "kernels").glob("*.py")), ids=lambda p: p.name)
def test_kernels_import_only_downwards(path):
    allowed = ("lcpipe._ext", "lcpipe.kernels", "lcpipe.io", "lcpipe.lightcurve")
    upward = {n for n in _imports(path) if n.startswith("lcpipe") and not n.startswith(allowed)}
    assert not upward, f"{path.name} imports {sorted(upward)}, a layer above the kernels"


def test_a_module_that_breaks_the_rule_is_caught(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from lcpipe._ext import pspl\nimport numba\n")
    assert {"lcpipe._ext", "numba"} <= _imports(bad)
