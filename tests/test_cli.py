"""Every registered subcommand builds and has help text; start-up imports nothing heavy."""

import importlib
import json
import subprocess
import sys

import pytest

from lcpipe.cli import SUBCOMMANDS, build_parser, main, subcommand_module

#: Modules the command line's start-up (``--help``, ``--version``) must not import.
HEAVY = (
    "numpy",
    "pandas",
    "pyarrow",
    "astropy",
    "astroquery",
    "celerite2",
    "matplotlib",
    "snakemake",
    "scipy",
)


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_subcommand_has_help(name, capsys):
    with pytest.raises(SystemExit) as stop:
        main([name, "--help"])
    assert stop.value.code == 0
    assert len(capsys.readouterr().out) > 100


def test_every_subcommand_is_listed_with_a_summary():
    help_text = build_parser(commands=()).format_help()
    for name, summary in SUBCOMMANDS.items():
        assert name in help_text
        assert summary.split()[0] in help_text


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_listed_summary_is_the_modules_own(name):
    """The one-line help listed without importing a module is the help its module registers."""
    parser = build_parser(commands=(name,))
    actions = parser._subparsers._group_actions[0]._choices_actions  # argparse keeps the help there
    registered = {action.dest: action.help for action in actions}
    assert registered[name] == SUBCOMMANDS[name]
    assert importlib.import_module(subcommand_module(name)).register


def test_no_command_prints_help_and_fails(capsys):
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def _modules_after(argv: list[str]) -> set[str]:
    """Top-level packages imported by ``lcpipe <argv>`` in a fresh interpreter."""
    code = (
        "import json, sys\n"
        "from lcpipe.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        "sys.__stdout__.write('\\n' + json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(proc.stdout.splitlines()[-1]))


@pytest.mark.parametrize("argv", [["--help"], ["--version"], []])
def test_startup_imports_nothing_heavy(argv):
    assert not _modules_after(argv) & set(HEAVY)


def test_a_subcommand_imports_only_what_it_needs():
    loaded = _modules_after(["provenance", "--help"])
    assert "pyarrow" in loaded  # the command's own dependency is there ...
    assert not loaded & {"matplotlib", "astropy", "celerite2", "snakemake"}  # ... other commands' are not


def test_import_lcpipe_is_light_and_still_offers_the_light_curve():
    code = (
        "import sys, lcpipe; heavy = 'numpy' in sys.modules; lcpipe.LightCurve; "
        "print(heavy, 'numpy' in sys.modules)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.split() == ["False", "True"]
