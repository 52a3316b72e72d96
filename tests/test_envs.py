"""The conda environments of envs/: pinned, consistent with pyproject.toml, able to build and install
lcpipe, and complete for the rules that use them (static import scan of each rule's script)."""

from __future__ import annotations

import ast
import importlib.metadata
import itertools
import re
import sys
import tomllib
from functools import cache
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[1]
ENVS = sorted((REPO / "envs").glob("*.yaml"))

#: Packages an environment needs to build and install lcpipe (not runtime dependencies).
BUILD_PACKAGES = frozenset({"python", "pip", "c-compiler", "cython", "setuptools"})


def _pins(env: Path) -> dict[str, str]:
    """Package → pinned version, conda (``name=version``) and pip (``name==version``) entries."""
    pins: dict[str, str] = {}
    for entry in yaml.safe_load(env.read_text())["dependencies"]:
        if isinstance(entry, dict):
            for requirement in entry.get("pip", []):
                name, _, version = requirement.partition("==")
                pins[canonicalize_name(name)] = version
        else:
            name, _, version = str(entry).partition("=")
            pins[canonicalize_name(name)] = version
    return pins


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def _runtime_requirements() -> dict[str, Requirement]:
    return {canonicalize_name(r.name): r for r in map(Requirement, _pyproject()["project"]["dependencies"])}


def _build_requirements() -> dict[str, Requirement]:
    return {canonicalize_name(r.name): r for r in map(Requirement, _pyproject()["build-system"]["requires"])}


@cache
def _requirements_of(distribution: str) -> frozenset[str]:
    """Names a distribution installed here requires (to accept e.g. requests as astroquery's)."""
    try:
        requires = importlib.metadata.requires(distribution) or []
    except importlib.metadata.PackageNotFoundError:
        return frozenset()
    return frozenset(canonicalize_name(Requirement(r).name) for r in requires if "extra ==" not in r)


def test_there_are_environments():
    assert len(ENVS) >= 2


@pytest.mark.parametrize("env", ENVS, ids=lambda p: p.stem)
def test_environment_pins_every_package_from_conda_forge(env):
    spec = yaml.safe_load(env.read_text())
    assert spec["channels"][0] == "conda-forge"
    for name, version in _pins(env).items():
        assert version, f"{env.name}: {name} is not pinned"


@pytest.mark.parametrize("env", ENVS, ids=lambda p: p.stem)
def test_pins_satisfy_pyproject_and_name_only_its_dependencies(env):
    runtime, build = _runtime_requirements(), _build_requirements()
    python = _pyproject()["project"]["requires-python"]
    for name, version in _pins(env).items():
        if name == "python":
            assert Version(version) in Requirement(f"python{python}").specifier, (env.name, version)
        elif name in runtime or name in build:
            requirement = runtime.get(name) or build[name]
            assert requirement.specifier.contains(version), f"{env.name}: {name}={version} vs {requirement}"
        else:
            providers = [dep for dep in runtime if name in _requirements_of(dep)]
            assert name in BUILD_PACKAGES or providers, f"{env.name}: {name} is not a dependency of lcpipe"


@pytest.mark.parametrize("env", ENVS, ids=lambda p: p.stem)
def test_environment_can_build_lcpipe_and_has_a_post_deploy_install(env):
    assert set(_pins(env)) >= BUILD_PACKAGES
    deploy = env.with_name(f"{env.stem}.post-deploy.sh")
    assert deploy.exists(), f"{deploy.name} missing"
    text = deploy.read_text()
    assert text.startswith("#!")
    assert re.search(r"pip install --no-deps .*LCPIPE_SOURCE", text)


def test_the_same_package_has_the_same_pin_everywhere():
    seen: dict[str, tuple[str, str]] = {}
    for env in ENVS:
        for name, version in _pins(env).items():
            other = seen.setdefault(name, (version, env.name))
            assert other[0] == version, f"{name}: {version} in {env.name}, {other[0]} in {other[1]}"


def _module_file(name: str) -> Path | None:
    path = REPO.joinpath(*name.split("."))
    for candidate in (path / "__init__.py", path.with_suffix(".py")):
        if candidate.exists():
            return candidate
    return None


def _imports(path: Path, module: str) -> set[str]:
    """Absolute names imported anywhere in a file (including inside functions)."""
    names: set[str] = set()
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            root = ".".join([*base, node.module] if node.module else base)
            names.add(root)
            names.update(f"{root}.{alias.name}" for alias in node.names)
    return names


def third_party_imports(script: Path) -> set[str]:
    """Top-level third-party modules a script needs, following its lcpipe imports transitively."""
    seen: set[str] = set()
    found: set[str] = set()
    todo = [("scripts." + script.stem, script)]
    while todo:
        module, path = todo.pop()
        for name in _imports(path, module):
            top = name.split(".")[0]
            if top == "lcpipe":
                parts = name.split(".")
                for end in range(1, len(parts) + 1):
                    prefix = ".".join(parts[:end])
                    target = _module_file(prefix)
                    if target is not None and prefix not in seen:
                        seen.add(prefix)
                        todo.append((prefix, target))
            elif top not in sys.stdlib_module_names and top != "__future__":
                found.add(top)
    return found


@cache
def _distributions() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


def _distribution_of(module: str) -> str:
    distributions = _distributions().get(module, [module])
    return canonicalize_name(distributions[0])


_RULE = re.compile(r"^(?:rule|checkpoint) (\w+):", re.MULTILINE)


def rule_scripts_and_envs() -> dict[str, tuple[str | None, str | None]]:
    """Rule → (script path, conda env path) as written in rules/*.smk (relative to rules/)."""
    found = {}
    for smk in sorted((REPO / "rules").glob("*.smk")):
        text = smk.read_text()
        starts = [m.start() for m in _RULE.finditer(text)] + [len(text)]
        for start, end in itertools.pairwise(starts):
            block = text[start:end]
            name = _RULE.match(block)[1]
            script = re.search(r"^\s+script:\s*\n\s+\"([^\"]+)\"", block, re.MULTILINE)
            conda = re.search(r"^\s+conda:\s*\n\s+\"([^\"]+)\"", block, re.MULTILINE)
            found[name] = (script and script[1], conda and conda[1])
    return found


def env_rules(env: Path) -> list[str]:
    """Rules an environment file declares it serves (its ``# Rules: a, b,`` comment, maybe wrapped)."""
    text = re.search(r"^# Rules: (.*?)\n(?!#   )", env.read_text(), re.MULTILINE | re.DOTALL)
    assert text, f"{env.name} has no '# Rules:' line"
    return [name.strip() for name in text[1].replace("#", " ").split(",") if name.strip()]


def test_every_rule_with_a_script_belongs_to_exactly_one_environment():
    rules = rule_scripts_and_envs()
    declared = [(name, env) for env in ENVS for name in env_rules(env)]
    unknown = sorted(name for name, _ in declared if name not in rules)
    assert not unknown, f"envs/ name rules the workflow does not have: {unknown}"
    for name, (script, _) in rules.items():
        homes = [env.name for rule, env in declared if rule == name]
        assert len(homes) == (1 if script else 0), f"rule {name} is listed in {homes}"


def test_rules_use_the_environment_of_their_family():
    rules = rule_scripts_and_envs()
    missing = sorted(name for name, (script, conda) in rules.items() if script and not conda)
    assert not missing, (
        f"rules without a conda: directive (see the '# Rules:' line of envs/*.yaml): {missing}"
    )
    for env in ENVS:
        for name in env_rules(env):
            conda = rules[name][1]
            assert (REPO / "rules" / conda).resolve() == env, f"rule {name}: conda {conda}, family {env.name}"


def test_each_environment_holds_what_its_rules_scripts_import():
    rules = rule_scripts_and_envs()
    problems = []
    for env in ENVS:
        pins = _pins(env)
        for name in env_rules(env):
            script = (REPO / "rules" / rules[name][0]).resolve()
            for module in sorted(third_party_imports(script)):
                if _distribution_of(module) not in pins:
                    problems.append(f"{env.name} lacks {module} (rule {name})")
    assert not problems, problems
