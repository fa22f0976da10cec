"""Every command explains itself: --help works and shows an example (sqlite-utils' habit)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from newsdedup.cli import cli

COMMANDS = sorted(cli.commands)


def test_the_workflow_commands_exist():
    """check, explain and dedup are commands of the group."""
    assert {"scan", "check", "explain", "dedup"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name):
    """`newsdedup NAME --help` exits 0, says what it does, and shows `newsdedup NAME` used."""
    result = CliRunner().invoke(cli, [name, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    assert cli.commands[name].help, f"{name} has no help text"
    assert "Example" in result.stdout
    assert f"newsdedup {name} " in result.stdout


def test_group_help_lists_commands_and_exit_codes():
    """`newsdedup --help` lists every command and the exit codes."""
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.stdout
    assert "4 internal error" in result.stdout
    assert "130 interrupted · 143 terminated" in result.stdout
