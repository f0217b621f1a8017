"""Shell completion: file arguments complete as file names, through click's own completion protocol."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from advisor.cli import cli


def complete(shell: str, line: str) -> list[str]:
    """What the shell's completion function receives for `line` (the cursor after its last word)."""
    words = line.split(" ")
    env = {
        "_ADVISOR_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(words) - 1),
    }
    result = CliRunner().invoke(cli, [], prog_name="advisor", env=env)
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


@pytest.mark.parametrize(
    "line",
    ["advisor recommend ", "advisor recommend ex", "advisor memo exam", "advisor batch a.yaml ex"],
)
def test_file_arguments_complete_as_file_names(line):
    # "file" tells bash (compopt -o default) and zsh (_path_files) to complete names from disk.
    incomplete = line.rsplit(" ", 1)[1]
    assert complete("bash", line) == [f"file,{incomplete}"]
    assert complete("zsh", line)[:2] == ["file", incomplete]


def test_a_choice_option_still_completes_its_values():
    assert complete("bash", "advisor memo x.yaml --format ") == ["plain,markdown", "plain,html", "plain,adr"]


def test_ask_output_completes_as_a_file_name():
    assert complete("bash", "advisor ask -o ") == ["file,"]
    assert complete("bash", "advisor ask --from ") == ["file,"]
