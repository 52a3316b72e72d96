"""Shared fixtures of the workflow tests: a small copy of the repository's workflow, run once per session.

The workflow tests run Snakemake as a subprocess (the ``snakemake`` of the active interpreter) in a
temporary copy of the workflow files (Snakefile, rules, scripts, config, workflow, envs) with a small
config: few stars per bin and 2 shards. Everything the run writes (demo survey, results, .snakemake)
stays in that temporary folder. lcpipe itself is the installed package.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]

#: Files and folders of the repository that make up the workflow (copied into each workspace).
WORKFLOW_PATHS = ("Snakefile", "rules", "scripts", "config", "workflow", "envs")

#: The small demo every workflow test runs: two bins, 8 stars per bin, 2 shards.
SMALL_CONFIG: dict[str, Any] = {
    "bins": ["12_12.5", "13_13.5"],
    "shards": 2,
    "results_dir": "results",
    "survey": {"layout": "asassn", "lc_root": "demo/lc", "index_root": "demo/index"},
    "demo": {"generate": True, "out_dir": "demo", "seed": 20261122, "stars_per_bin": 8},
}

#: Seconds any single Snakemake invocation may take before the test fails.
SNAKEMAKE_TIMEOUT_S = 600


def snakemake_command() -> list[str]:
    """The Snakemake of the interpreter running the tests."""
    return [sys.executable, "-m", "snakemake"]


def tool_env(extra: Mapping[str, str] | None = None, path_prefix: Path | None = None) -> dict[str, str]:
    """Environment of a Snakemake subprocess: the interpreter's bin folder first on PATH."""
    env = dict(os.environ)
    folders = [str(Path(sys.executable).parent), env.get("PATH", "")]
    if path_prefix is not None:
        folders.insert(0, str(path_prefix))
    env["PATH"] = os.pathsep.join(folders)
    env.update(extra or {})
    return env


@dataclass
class Workspace:
    """A temporary copy of the workflow with a small config.

    Attributes
    ----------
    root : Path
        The working directory of every Snakemake run (``--directory``).
    config : dict
        The small config written to ``root/config/test.yaml``.
    """

    root: Path
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def configfile(self) -> Path:
        return self.root / "config" / "test.yaml"

    @property
    def results(self) -> Path:
        return self.root / self.config["results_dir"]

    def write_config(self) -> None:
        self.configfile.write_text(yaml.safe_dump(self.config, sort_keys=False))

    def command(self, *args: str) -> list[str]:
        """A Snakemake command line in this workspace (``--configfile`` the small config)."""
        return [
            *snakemake_command(),
            "--directory",
            str(self.root),
            "--snakefile",
            str(self.root / "Snakefile"),
            "--configfile",
            str(self.configfile),
            *args,
        ]

    def run(
        self,
        *args: str,
        check: bool = True,
        env: Mapping[str, str] | None = None,
        timeout: float = SNAKEMAKE_TIMEOUT_S,
    ) -> subprocess.CompletedProcess[str]:
        """Run Snakemake here; with ``check`` a non-zero exit fails the test showing Snakemake's output."""
        proc = subprocess.run(
            self.command(*args),
            cwd=self.root,
            capture_output=True,
            text=True,
            env=dict(env) if env is not None else tool_env(),
            timeout=timeout,
            check=False,
        )
        if check and proc.returncode != 0:
            pytest.fail(f"snakemake {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
        return proc

    def planned_jobs(self, *args: str, env: Mapping[str, str] | None = None) -> list[PlannedJob]:
        """Jobs a dry run (``-n``) would run, with the extra arguments ``args`` (targets, --config ...)."""
        proc = self.run("--dry-run", "--cores", "1", *args, env=env)
        return parse_dry_run(proc.stdout + proc.stderr)

    def tables(self) -> dict[str, Path]:
        """Every Parquet output under ``results`` keyed by its path relative to ``results``; the per-job
        timing tables under ``results/benchmarks`` (measurements, not results) are left out."""
        return {
            str(p.relative_to(self.results)): p
            for p in sorted(self.results.rglob("*.parquet"))
            if p.relative_to(self.results).parts[0] != "benchmarks" and not p.name.startswith(".")
        }


@dataclass(frozen=True)
class PlannedJob:
    """One job of a dry run: its rule, wildcards, outputs, resources and the reason Snakemake gives."""

    rule: str
    wildcards: dict[str, str]
    outputs: tuple[str, ...]
    resources: dict[str, str]
    reason: str


_RULE_LINE = re.compile(r"^(?:local)?(?:rule|checkpoint) (?P<rule>\w+):\s*$")
_FIELD_LINE = re.compile(r"^\s+(?P<key>\w+): (?P<value>.*)$")


def parse_dry_run(text: str) -> list[PlannedJob]:
    """Jobs listed by ``snakemake --dry-run`` (blocks ``rule X:`` with indented fields)."""
    jobs: list[PlannedJob] = []
    current: dict[str, str] | None = None
    rule = ""

    def pairs(text: str) -> dict[str, str]:
        return dict(item.split("=", 1) for item in text.split(", ") if "=" in item)

    def close() -> None:
        if current is not None:
            outputs = tuple(o for o in current.get("output", "").split(", ") if o)
            jobs.append(
                PlannedJob(
                    rule,
                    pairs(current.get("wildcards", "")),
                    outputs,
                    pairs(current.get("resources", "")),
                    current.get("reason", ""),
                )
            )

    for line in text.splitlines():
        if match := _RULE_LINE.match(line):
            close()
            rule, current = match["rule"], {}
        elif current is not None and (match := _FIELD_LINE.match(line)):
            current[match["key"]] = match["value"]
        elif current is not None and not line.strip():
            close()
            current = None
    close()
    return jobs


def make_workspace(root: Path, **overrides: Any) -> Workspace:
    """Copy the repository's workflow into ``root`` and write the small config (with ``overrides``)."""
    root.mkdir(parents=True, exist_ok=True)
    for name in WORKFLOW_PATHS:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__", "test.yaml"))
        elif source.exists():
            shutil.copy2(source, root / name)
    config = {**SMALL_CONFIG, **overrides}
    workspace = Workspace(root, config)
    workspace.write_config()
    return workspace


def read_tables_equal(left: Path, right: Path) -> None:
    """Assert two Parquet files are byte-identical; when they are not, show how their values differ."""
    import pandas as pd

    from lcpipe.tables import read_provenance, read_table

    if left.read_bytes() == right.read_bytes():
        return
    pd.testing.assert_frame_equal(read_table(left), read_table(right), obj=str(left.name))
    assert read_provenance(left) == read_provenance(right), f"{left.name}: provenance differs"
    pytest.fail(f"{left} and {right} hold the same values and provenance but differ in their bytes")


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The small demo run once to completion (``rule all``) in a session-wide workspace."""
    workspace = make_workspace(tmp_path_factory.mktemp("demo_run"))
    workspace.run("--cores", "2")
    return workspace


@pytest.fixture
def fresh_workspace(tmp_path: Path) -> Workspace:
    """A new small workspace with nothing run yet."""
    return make_workspace(tmp_path / "ws")


@pytest.fixture
def workspace_factory(tmp_path: Path):
    """``factory(name, **config_overrides)`` → a new small workspace under the test's tmp folder."""

    def factory(name: str, **overrides: Any) -> Workspace:
        return make_workspace(tmp_path / name, **overrides)

    return factory


@pytest.fixture(scope="module")
def module_workspace_factory(tmp_path_factory: pytest.TempPathFactory):
    """``factory(name, **config_overrides)`` → a new small workspace shared by the tests of one module."""
    root = tmp_path_factory.mktemp("module_ws")

    def factory(name: str, **overrides: Any) -> Workspace:
        return make_workspace(root / name, **overrides)

    return factory


@pytest.fixture(scope="session")
def workspace_maker(tmp_path_factory: pytest.TempPathFactory):
    """``maker(name, **config_overrides)`` → a new small workspace in a session-wide temporary folder
    (for module- or session-scoped fixtures that run Snakemake once for several tests)."""

    def maker(name: str, **overrides: Any) -> Workspace:
        return make_workspace(tmp_path_factory.mktemp(name), **overrides)

    return maker


@pytest.fixture(name="tool_env", scope="session")
def tool_env_fixture():
    """``tool_env(extra=None, path_prefix=None)``: environment for a Snakemake subprocess."""
    return tool_env


@pytest.fixture(scope="session")
def assert_tables_equal():
    """``check(left, right)``: two Parquet tables are byte-identical (with a readable diff when not)."""
    return read_tables_equal


def _mount_tmpfs(folder: Path, options: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({proc.stderr.strip() or 'mount failed'})")


@pytest.fixture
def mounted(tmp_path):
    """``mount(folder, options)``: a tmpfs at ``folder`` (skipped if mount is refused); unmounted after."""
    folders: list[Path] = []

    def mount(folder: Path, options: str) -> Path:
        _mount_tmpfs(folder, options)
        folders.append(folder)
        return folder

    yield mount
    for folder in reversed(folders):
        subprocess.run(["umount", "-l", str(folder)], check=False)
