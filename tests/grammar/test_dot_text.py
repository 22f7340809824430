"""DOT keeps any text: symbols, node names, names and descriptions survive a round trip.

A backslash before a line break used to come back without the line break ('x\\\\\\ny' read
back as 'x\\\\y'), because DOT readers take backslash-newline for a line continuation.
"""

from __future__ import annotations

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from grammar import Grammar, from_dot, to_dot

BACKSLASH_NEWLINE = "x\\\ny"  # x, backslash, newline, y


def round_trip(g: Grammar) -> Grammar:
    return from_dot(to_dot(g))


def test_backslash_before_newline_survives_in_node_names_and_texts(tmp_path):
    g = Grammar.from_edges(
        [(BACKSLASH_NEWLINE, "x\\\r\nz", "a"), ("x\\\r\nz", "x\\\r\nz", "b")],
        start=BACKSLASH_NEWLINE,
        accepting=["x\\\r\nz"],
        name=BACKSLASH_NEWLINE,
        description="ends with a backslash\\",
    )
    back = round_trip(g)
    assert back.declaration.nodes == (BACKSLASH_NEWLINE, "x\\\r\nz")
    assert (back.name, back.description) == (g.name, g.description)
    path = tmp_path / "g.dot"
    with open(path, "w", encoding="utf-8", newline="") as stream:
        stream.write(to_dot(g))
    assert from_dot(path).declaration.nodes == g.declaration.nodes


def test_backslash_then_newline_symbols_in_a_character_grammar():
    g = Grammar.from_edges([(0, 1, "\\"), (1, 2, "\n"), (2, 0, "\r")], start=0, accepting=[2])
    back = round_trip(g)
    assert back.alphabet == g.alphabet and back == g
    assert back.accepts("\\\n\r\\\n") and not back.accepts("\\")


_ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8)
_TRICKY = st.sampled_from(["\\", "\n", "\r", '"', "\\\n", "\\\r\n", '\\"', "+", "ε", "{"])
_PIECES = st.lists(st.one_of(_TRICKY, _ANY_TEXT), min_size=1, max_size=4).map("".join)
_TOKENS = _PIECES.map(lambda text: "".join(ch for ch in text if not ch.isspace()) or "t")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    node=_PIECES,
    name=_PIECES,
    description=_PIECES,
    token=_TOKENS,
    char=st.characters(blacklist_categories=("Cs",)),
)
def test_any_text_round_trips_through_dot(node, name, description, token, char):
    assume(node != "__start__")  # the start marker's name: such states are numbered instead
    other = node + "'"  # a second node whose name differs from the first
    for symbol in (token, char):
        g = Grammar.from_edges(
            [(node, other, symbol), (other, node, symbol)],
            start=node,
            accepting=[other],
            name=name,
            description=description,
        )
        back = round_trip(g)
        assert back.alphabet == (symbol,)
        assert back.declaration.nodes == (node, other)
        assert (back.name, back.description) == (name, description)
        assert back == g
