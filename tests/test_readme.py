"""The README's console examples of the ``grammar`` command, run and compared line by line.

Each ``$ grammar ...`` line of a ``console`` block is run in-process; the lines
after it, up to the next prompt or the block's end, must be exactly its output.
(``neural`` examples train networks and are shown, not run, here.)
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from grammar.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"


def console_examples(text: str) -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for every ``$ grammar`` line of a console block."""
    examples: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, *output = chunk.rstrip("\n").split("\n")
            if command.startswith("grammar "):
                examples.append((command, output))
    return examples


EXAMPLES = console_examples(README.read_text(encoding="utf-8"))


def test_the_readme_has_grammar_examples():
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_console_example(command, expected, capsys):
    status = main(shlex.split(command)[1:])
    assert status == 0
    assert capsys.readouterr().out.splitlines() == expected
