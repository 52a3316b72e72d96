"""lcpipe ships what it needs: nothing refers to a library beside the repository, and the injection
target plans in a copy of the workflow that has nothing beside it."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: What the product must not name (spelled in pieces so that this file does not name them either).
FOREIGN = ("../" + "shared", "/work/" + "shared", "DESIGN" + ".md")

#: The product: code, config, schema, workflow, scripts and tests (benchmarks may take outside data).
PRODUCT = ("lcpipe", "config", "workflow", "rules", "scripts", "tests", "ext", "Snakefile", "pyproject.toml")


def test_no_code_config_schema_docstring_or_test_refers_to_the_library_beside_the_repository():
    named = []
    for top in PRODUCT:
        root = REPO / top
        files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
        for path in files:
            if "__pycache__" in path.parts or path.suffix in (".so", ".pyc", ".c", ".gz", ".parquet", ".npy"):
                continue
            text = path.read_bytes().decode("utf-8", errors="replace")
            named += [f"{path.relative_to(REPO)}: {word}" for word in FOREIGN if word in text]
    assert named == []


def test_injection_target_plans_in_a_copy_with_nothing_beside_it(workspace_factory):
    workspace = workspace_factory("injection")
    assert not (workspace.root.parent / "shared").exists()
    rules = {job.rule for job in workspace.planned_jobs("injection")}
    assert {"evaluate_dip_injection", "evaluate_anomaly_injection", "injection"} <= rules
