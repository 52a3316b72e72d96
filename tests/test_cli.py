"""Every registered subcommand builds and has help text."""

import pytest

from lcpipe.cli import SUBCOMMANDS, build_parser, main


def command(module: str) -> str:
    """The subcommand a module registers: its name with hyphens (``fit_shard`` registers ``fit-shard``)."""
    return module.replace("_", "-")


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_subcommand_has_help(name, capsys):
    with pytest.raises(SystemExit) as stop:
        main([command(name), "--help"])
    assert stop.value.code == 0
    assert len(capsys.readouterr().out) > 100


def test_every_subcommand_is_listed_with_a_summary():
    help_text = build_parser().format_help()
    for name in SUBCOMMANDS:
        assert command(name) in help_text


def test_no_command_prints_help_and_fails(capsys):
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out
