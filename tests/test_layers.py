"""The import graph keeps the layers: each module imports only its own layer and the layers below.

Layers, bottom first (``lightcurve`` sits below ``io`` because the readers build light curves):

    lightcurve → io → kernels → science → stages → apps (cli, review, scripts/)

Only ``lcpipe/kernels/*`` import the compiled extension ``lcpipe._ext`` (or numba), and the Snakemake
scripts call nothing but ``lcpipe.stages``. Every import statement counts, also one inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lcpipe"

#: Every top-level module or package of lcpipe, by layer (bottom first). A new one must be placed here.
LAYERS: dict[str, tuple[str, ...]] = {
    "lightcurve": ("_lazy", "_version", "lightcurve", "sharding", "options"),
    "io": ("io", "tables", "__init__"),
    "kernels": ("kernels", "_ext"),
    "science": (
        "microlensing",
        "dips",
        "ltv",
        "filter",
        "characterize",
        "vetting",
        "classify",
        "evaluation",
        "simulate",
        "manifest",
        "ml",
        "plots",
        "report",
    ),
    "stages": ("stages", "options_check"),
    "apps": ("cli", "review"),
}
RANK = {name: rank for rank, names in enumerate(LAYERS.values()) for name in names}


def module_name(path: Path) -> str:
    """Dotted name of a source file (``lcpipe/io/read.py`` → ``lcpipe.io.read``, a package's ``__init__``
    → the package)."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, source: str | None = None) -> set[str]:
    """Dotted names of everything a file imports (``from a import b`` gives ``a.b``), relative imports
    resolved against its package."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text() if source is None else source, filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def rank_of(name: str) -> int | None:
    """Layer rank of a dotted module name (``lcpipe.io.read`` → rank of ``io``); None outside lcpipe.
    ``from lcpipe import x`` gives ``lcpipe.x``: the package itself unless ``x`` is a module."""
    parts = name.split(".")
    if parts[0] != "lcpipe":
        return None
    return RANK[parts[1] if len(parts) > 1 and parts[1] in RANK else "__init__"]


def lcpipe_sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def within(name: str, module: str) -> bool:
    """Whether ``name`` is ``module`` or inside it."""
    return name == module or name.startswith(f"{module}.")


def compiled(name: str) -> bool:
    """Whether an import is compiled code: numba or the extension ``lcpipe._ext``."""
    return within(name, "numba") or within(name, "lcpipe._ext")


def upward_imports(source: str, targets: set[str]) -> list[str]:
    """Imports of ``source`` from a higher layer than its own."""
    own = rank_of(source)
    return sorted(
        f"{source} imports {target}"
        for target in targets
        if rank_of(target) is not None and rank_of(target) > own
    )


def compiled_imports(source: str, targets: set[str]) -> list[str]:
    """Imports of numba or ``lcpipe._ext`` outside ``lcpipe.kernels`` (and the extension itself)."""
    if source.startswith(("lcpipe.kernels", "lcpipe._ext")):
        return []
    return sorted(f"{source} imports {target}" for target in targets if compiled(target))


def test_every_top_level_module_has_a_layer():
    tops = {p.stem for p in PACKAGE.glob("*.py")} | {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert tops - set(RANK) == set(), "place these modules in LAYERS"


def test_imports_go_only_downward():
    found = [line for p in lcpipe_sources() for line in upward_imports(module_name(p), imported(p))]
    assert found == []


def test_only_kernels_import_compiled_code():
    found = [line for p in lcpipe_sources() for line in compiled_imports(module_name(p), imported(p))]
    assert found == []


@pytest.mark.parametrize("path", sorted((ROOT / "scripts").glob("*.py")), ids=lambda p: p.name)
def test_scripts_call_only_the_stages(path):
    outside = {n for n in imported(path) if n.startswith("lcpipe") and not n.startswith("lcpipe.stages.")}
    assert outside == set()


def test_the_checks_see_violations():
    """A science module importing a stage (plainly, relatively, inside a function) and numba is caught."""
    probe = PACKAGE / "dips" / "probe.py"
    source = (
        "import lcpipe.stages.runner\nfrom ..stages import tag\nfrom . import events\n\n\n"
        "def f():\n    from numba import njit\n"
    )
    targets = imported(probe, source)
    assert targets == {"lcpipe.stages.runner", "lcpipe.stages.tag", "lcpipe.dips.events", "numba.njit"}
    assert upward_imports("lcpipe.dips.probe", targets) == [
        "lcpipe.dips.probe imports lcpipe.stages.runner",
        "lcpipe.dips.probe imports lcpipe.stages.tag",
    ]
    assert compiled_imports("lcpipe.dips.probe", targets) == ["lcpipe.dips.probe imports numba.njit"]
    assert compiled_imports("lcpipe.kernels.probe", targets) == []
