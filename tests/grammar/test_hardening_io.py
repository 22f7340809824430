"""Loaders and file checks held to their word: malformed input is named, never misread.

Each test states the answer by construction (the line a marker was written on, the
language a file was meant to hold, a Python predicate over the words), never by asking
the code under test.
"""

from __future__ import annotations

import re

import pytest

from grammar import GrammarError
from grammar.io import from_dot

# -- DOT: an attribute without a value -------------------------------------------------------

VALUELESS = {  # DOT text, with the valueless attribute "foo" on the line holding "<-"
    "edge": 'digraph {{\n __start__ -> 0\n 0 -> 1 [label=a, {foo}] // <-\n'
            ' 1 [shape=doublecircle]\n}}',
    "node": 'digraph {{\n __start__ -> 0; 0 -> 1 [label=a]\n'
            ' 1 [shape=doublecircle\n  {foo}] // <-\n}}',
    "graph": 'digraph {{\n graph [{foo}] // <-\n __start__ -> 0; 0 [accepting=true]\n}}',
    "defaults": 'digraph {{\n __start__ -> 0\n node [{foo}, shape=circle]; // <-\n'
                ' 0 [accepting=true]\n}}',
    "after quoted commas": 'digraph {{\n // [foo] in a comment is no attribute\n'
                           ' __start__ -> 0; 0 -> 0 [label="x,foo" + "]", {foo}] // <-\n'
                           ' 0 [accepting=true]\n}}',
}


@pytest.mark.parametrize("case", sorted(VALUELESS))
@pytest.mark.parametrize("spelling", ["foo", '"foo"'])
def test_a_dot_attribute_without_a_value_names_file_line_and_attribute(case, spelling, tmp_path):
    # Hardening 17: [label=a, foo] raised TypeError "object of type 'NoneType' has no len()".
    text = VALUELESS[case].format(foo=spelling)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "<-" in row)
    path = tmp_path / "g.dot"
    path.write_text(text, encoding="utf-8")
    expected = re.escape(f"{path}: line {line}: attribute 'foo' has no value")
    with pytest.raises(GrammarError, match=expected):
        from_dot(path)
    with pytest.raises(GrammarError, match=f"<DOT text>: line {line}: attribute 'foo'"):
        from_dot(text)
    # with the value given, the same text loads: "a" is a member where an arc reads it
    member = "a" if "label=a" in text else ""
    assert from_dot(VALUELESS[case].format(foo="foo=1")).accepts(member)
