"""Tests for grammar.strategies: Hypothesis strategies that never lie and shrink well.

Oracles: hand-derived regexes and Tomita predicates for membership; single
edits enumerated by hand for "distance exactly 1"; the lengths that have
members are read from the pruned brute-force enumeration of conftest.NaiveNFA.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from grammar import Grammar, library
from grammar.strategies import members, near_misses, non_members

QUIET = settings(database=None, max_examples=200)


def one_edit(word: str, alphabet) -> set[str]:
    out = {word[:i] + a + word[i:] for i in range(len(word) + 1) for a in alphabet}
    out |= {word[:i] + word[i + 1 :] for i in range(len(word))}
    out |= {word[:i] + a + word[i + 1 :] for i in range(len(word)) for a in alphabet}
    return out - {word}


def membership(oracle) -> dict:
    found = {
        "reber": re.compile(oracle.REBER_RE).fullmatch,
        "embedded-reber": re.compile(oracle.EMBEDDED_REBER_RE).fullmatch,
        "parity": re.compile(oracle.PARITY_RE).fullmatch,
    }
    for k, predicate in oracle.TOMITA_PREDICATES.items():
        found[f"tomita-{k}"] = predicate
    return {name: (lambda w, f=f: bool(f(w))) for name, f in found.items()}


NAMES = ["reber", "embedded-reber", "parity", *(f"tomita-{k}" for k in range(1, 8))]


@pytest.mark.parametrize("name", NAMES)
def test_members_are_members(oracle, name):
    accepts = membership(oracle)[name]

    @settings(max_examples=150)  # health checks stay on: none may fail
    @given(members(library.get(name)))
    def check(word):
        assert accepts(word)

    check()


@pytest.mark.parametrize("name", NAMES)
def test_near_misses_are_rejected_one_edit_away(oracle, name):
    g = library.get(name)
    accepts = membership(oracle)[name]

    @settings(max_examples=100)
    @given(near_misses(g))
    def check(word):
        assert not accepts(word)
        assert any(accepts(e) for e in one_edit(word, g.alphabet))

    check()


@pytest.mark.parametrize("name", NAMES)
def test_non_members_are_rejected(oracle, name):
    accepts = membership(oracle)[name]

    @settings(max_examples=100)
    @given(non_members(library.get(name), max_size=20))
    def check(word):
        assert not accepts(word) and len(word) <= 20

    check()


def test_sizes_are_respected():
    g = library.embedded_reber()

    @settings(max_examples=100)
    @given(members(g, min_size=15, max_size=18), near_misses(g, min_size=12, max_size=12))
    def check(member, miss):
        assert 15 <= len(member) <= 18 and len(miss) == 12

    check()


def test_token_grammar_words_are_tuples(protocol):
    @settings(max_examples=50)
    @given(members(protocol, max_size=6), near_misses(protocol, max_size=6))
    def check(member, miss):
        assert isinstance(member, tuple) and protocol.accepts(member)
        assert isinstance(miss, tuple) and not protocol.accepts(miss)

    check()


# -- shrinking -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["embedded-reber", "reber", "tomita-2", "tomita-5"])
@pytest.mark.parametrize("k", [0, 1, 10, 13, 25])
def test_find_shrinks_to_the_shortest_length(oracle, name, k):
    g = library.get(name)
    # Lengths with members, by counting paths on a deterministic declaration; an embedded
    # Reber word is a Reber word plus four letters.
    inner = library.reber() if name == "embedded-reber" else g
    G = inner.to_graph()
    edges = [(u, v, s) for u, v, s in G.edges(data="symbol")]
    accepting = {q for q, flag in G.nodes(data="accepting") if flag}
    extra = 4 if name == "embedded-reber" else 0
    shortest = next(size for size in range(k, k + 40)
                    if size >= extra
                    and oracle.path_count(edges, G.graph["start"], accepting, size - extra))
    found = find(members(g), lambda w: len(w) >= k, settings=QUIET)
    assert len(found) == shortest
    # and within that length, the lexicographically first member: greedily the smallest
    # letter from which the rest can still be completed
    state, first = G.graph["start"], ""
    for left in range(shortest - extra - 1, -1, -1):
        state, letter = min(
            ((v, s) for u, v, s in edges
             if u == state and oracle.path_count(edges, v, accepting, left)),
            key=lambda pair: pair[1],
        )
        first += letter
    if name == "embedded-reber":
        first = "BP" + first + "PE"
    assert found == first


def test_find_shrinks_near_misses_and_non_members():
    g = library.reber()
    assert find(near_misses(g), lambda w: True, settings=QUIET) == "BPVE"
    assert find(non_members(library.tomita(4)), lambda w: True, settings=QUIET) == "000"
    found = find(members(library.embedded_reber()), lambda w: "X" in w, settings=QUIET)
    assert found == "BPBTXSEPE"


# -- argument checks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: members("reber"), "must be a grammar.Grammar"),
        (lambda: members(library.reber(), min_size=-1), "min_size=-1 must be >= 0"),
        (lambda: members(library.reber(), min_size=1.5), "must be an int"),
        (lambda: members(library.reber(), min_size=9, max_size=3), "larger than max_size"),
        (lambda: members(library.tomita(2), min_size=3, max_size=3), "no members"),
        (lambda: members(library.reber(), max_size=4), "no members of reber"),
        (lambda: near_misses(library.reber(), kinds=["swap"]), "unknown kind"),
        (lambda: near_misses(library.parity(), kinds=["transpose"]), "no near misses"),
        (lambda: non_members(library.tomita(4), max_size=2), "no non-members"),
    ],
)
def test_bad_arguments_raise_at_once(make, message):
    with pytest.raises(InvalidArgument, match=message):
        make()


def test_universal_language_has_no_near_misses():
    universal = Grammar.from_edges([(0, 0, "a")], start=0, accepting=[0])
    with pytest.raises(InvalidArgument, match="no near misses"):
        near_misses(universal)
    with pytest.raises(InvalidArgument, match="no non-members"):
        non_members(universal)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_grammars(oracle, data):
    G = data.draw(oracle.random_graphs(max_states=5))
    nfa = oracle.NaiveNFA(G)
    g = Grammar(G)
    try:
        strategy = members(g, max_size=8)
    except InvalidArgument:
        assert not any(len(w) <= 8 for w in nfa.members(8))
        return
    word = data.draw(strategy)
    assert nfa.accepts(list(word))
