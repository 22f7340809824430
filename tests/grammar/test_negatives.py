"""Tests for grammar.negatives: edit distance, near misses, non-members.

Oracles: breadth-first search over single edits (insert, delete, substitute)
with membership from hand-derived regexes, Tomita predicates or the naive
set-of-states simulation in conftest; enumeration of all words of a length;
and chi-square tests from scipy.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import chisquare

from grammar import EmptyLanguageError, Grammar, GrammarError, library
from grammar.negatives import (
    KINDS,
    distance,
    distances,
    near_miss_dfa,
    near_misses,
    non_members,
)

# -- oracles ---------------------------------------------------------------------------


def edits(word: tuple, alphabet) -> set[tuple]:
    """Every word one insertion, deletion or substitution away from `word`."""
    out = set()
    for i in range(len(word) + 1):
        for a in alphabet:
            out.add(word[:i] + (a,) + word[i:])
    for i in range(len(word)):
        out.add(word[:i] + word[i + 1 :])
        for a in alphabet:
            out.add(word[:i] + (a,) + word[i + 1 :])
    out.discard(word)
    return out


def bfs_distance(word, accepts: Callable[[tuple], bool], alphabet, limit: int) -> int | None:
    """Fewest edits to a member, by breadth-first search; None if more than `limit`."""
    frontier = {tuple(word)}
    seen = set(frontier)
    for depth in range(limit + 1):
        if any(accepts(w) for w in frontier):
            return depth
        frontier = {e for w in frontier for e in edits(w, alphabet)} - seen
        seen |= frontier
    return None


def one_edit_kinds(source: tuple, word: tuple) -> set[str]:
    """The kinds of single edit (transposition included) that turn source into word."""
    kinds = set()
    if len(source) == len(word):
        diff = [i for i, (a, b) in enumerate(zip(source, word, strict=True)) if a != b]
        if len(diff) == 1:
            kinds.add("substitute")
        if len(diff) == 2 and diff[1] == diff[0] + 1:
            i = diff[0]
            if source[i] == word[i + 1] and source[i + 1] == word[i]:
                kinds.add("transpose")
    if len(word) == len(source) + 1 and any(
        word[:i] + word[i + 1 :] == source for i in range(len(word))
    ):
        kinds.add("insert")
    if len(word) == len(source) - 1 and any(
        source[:i] + source[i + 1 :] == word for i in range(len(source))
    ):
        kinds.add("delete")
    return kinds


def apply_edit(source: tuple, kind: str, position: int, word: tuple) -> tuple:
    """Redo the recorded edit on the source (taking the new symbol from the word)."""
    p = position
    if kind == "substitute":
        return source[:p] + (word[p],) + source[p + 1 :]
    if kind == "insert":
        return source[:p] + (word[p],) + source[p:]
    if kind == "delete":
        return source[:p] + source[p + 1 :]
    return source[:p] + (source[p + 1], source[p]) + source[p + 2 :]


def regex_member(pattern: str) -> Callable[[tuple], bool]:
    compiled = re.compile(pattern)
    return lambda w: compiled.fullmatch("".join(w)) is not None


def oracles(oracle) -> dict[str, Callable[[tuple], bool]]:
    found = {
        "reber": regex_member(oracle.REBER_RE),
        "embedded-reber": regex_member(oracle.EMBEDDED_REBER_RE),
        "parity": regex_member(oracle.PARITY_RE),
    }
    for k, predicate in oracle.TOMITA_PREDICATES.items():
        found[f"tomita-{k}"] = lambda w, p=predicate: p("".join(w))
    return found


NAMES = ["reber", "embedded-reber", "parity", *(f"tomita-{k}" for k in range(1, 8))]


# -- distance ------------------------------------------------------------------------------


def test_distance_examples():
    g = library.reber()
    assert distance(g, "BTXSE") == 0
    assert distance(g, "BTXXE") == 1
    assert distance(g, "") == 5  # the shortest members have five letters
    assert distance(g, "BTXSEZ") == 1  # an unknown symbol is deleted
    assert distance(g, list("BTXSE")) == 0
    assert g.distance("BTSE") == 1
    assert distances(g, []).tolist() == []
    with pytest.raises(TypeError):
        distance(g, 42)


def test_distance_of_the_empty_language_raises(empty_language):
    with pytest.raises(EmptyLanguageError):
        distance(empty_language, "a")


def test_distance_token_grammar(protocol):
    assert distance(protocol, ("open", "close")) == 0
    assert distance(protocol, ("open", "read")) == 1
    assert distance(protocol, "close open") == 2


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(["parity", *(f"tomita-{k}" for k in range(1, 8))]),
       st.text("01", max_size=7))
def test_distance_matches_bfs_on_binary_languages(oracle, name, word):
    g = library.get(name)
    expected = bfs_distance(word, oracles(oracle)[name], "01", limit=4)
    got = distance(g, word)
    assert got == expected if expected is not None else got > 4


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_distance_matches_bfs_near_reber(oracle, data):
    # Reber members with up to two random edits: BFS over a 7-letter alphabet stays small.
    g = library.reber()
    word = list(data.draw(st.sampled_from(list(g.strings(8)))))
    for _ in range(data.draw(st.integers(0, 2))):
        i = data.draw(st.integers(0, len(word)))
        op = data.draw(st.sampled_from(["insert", "delete", "substitute"]))
        letter = data.draw(st.sampled_from(g.alphabet))
        if op == "insert":
            word.insert(i, letter)
        elif word and i < len(word):
            word[i : i + 1] = [letter] if op == "substitute" else []
    expected = bfs_distance(word, oracles(oracle)["reber"], g.alphabet, limit=2)
    assert distance(g, word) == expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_distance_matches_bfs_on_random_grammars(oracle, data):
    G = data.draw(oracle.random_graphs(max_states=5))
    nfa = oracle.NaiveNFA(G)
    g = Grammar(G)
    word = data.draw(st.text("ab", max_size=5))
    expected = bfs_distance(word, nfa.accepts, "ab", limit=3)
    if not nfa.members(len(G) + 1):
        with pytest.raises(EmptyLanguageError):
            distance(g, word)
        return
    got = distance(g, word)
    assert got == expected if expected is not None else got > 3


# -- near misses ------------------------------------------------------------------------------


def check_near_misses(misses, g, accepts, alphabet):
    assert len(misses.words) == len(misses.kinds) == len(misses.positions) == len(misses.sources)
    for word, kind, position, source in zip(misses.words, misses.kinds.tolist(),
                                            misses.positions.tolist(), misses.sources,
                                            strict=True):
        w, s = tuple(word), tuple(source)
        assert not accepts(w), word
        assert accepts(s), source
        assert apply_edit(s, kind, position, w) == w, (source, kind, position, word)
        assert kind in one_edit_kinds(s, w)
        # distance exactly 1: some single insert/delete/substitute repairs it
        assert any(accepts(e) for e in edits(w, alphabet)), word


@pytest.mark.parametrize("name", NAMES)
def test_near_misses_are_rejected_at_distance_one(oracle, name):
    g = library.get(name)
    misses = near_misses(g, 400, seed=1)
    assert len(misses) == 400
    check_near_misses(misses, g, oracles(oracle)[name], g.alphabet)
    assert set(distances(g, misses.words).tolist()) == {1}


def test_near_misses_share_n_among_kinds():
    misses = near_misses(library.reber(), 1000, seed=0)
    assert Counter(misses.kinds.tolist()) == {kind: 250 for kind in KINDS}


def test_kinds_that_cannot_happen_pass_their_share_on():
    # swapping two letters keeps the number of 1s: parity has no transposition near misses
    misses = near_misses(library.parity(), 300, seed=0, kinds=["transpose", "substitute"])
    assert len(misses) == 300 and set(misses.kinds.tolist()) == {"substitute"}
    with pytest.raises(EmptyLanguageError, match="transpose"):
        near_misses(library.parity(), 10, kinds=["transpose"])


@pytest.mark.parametrize("k", range(1, 8))
def test_tomita_languages_deliver_n(oracle, k):
    g = library.tomita(k)
    misses = near_misses(g, 300, seed=k)
    assert len(misses) == 300
    check_near_misses(misses, g, oracles(oracle)[f"tomita-{k}"], "01")


def test_universal_and_empty_languages_raise(empty_language):
    universal = Grammar.from_edges([(0, 0, "a"), (0, 0, "b")], start=0, accepting=[0])
    with pytest.raises(EmptyLanguageError, match="every word"):
        near_misses(universal, 5)
    with pytest.raises(EmptyLanguageError, match="no members"):
        near_misses(empty_language, 5)


def test_positions_spread_over_the_word():
    misses = near_misses(library.embedded_reber(), 20000, seed=2, kinds=["substitute"])
    relative = misses.positions / np.array([len(s) for s in misses.sources])
    quarters = np.bincount(np.minimum((relative * 4).astype(int), 3), minlength=4)
    assert (quarters > 0.15 * len(misses)).all(), quarters


def test_long_range_near_misses_are_locally_plausible(oracle):
    g = library.embedded_reber()
    # every window of three letters (with boundaries) that occurs in some member
    windows = set()
    for word in g.strings(22):
        framed = "^" + word + "$"
        windows |= {framed[i : i + 3] for i in range(len(framed) - 2)}
    misses = near_misses(g, 2000, seed=3, long_range=0.5)
    assert misses.long_range.mean() >= 0.5
    accepts = oracles(oracle)["embedded-reber"]
    for word, local in zip(misses.words, misses.long_range.tolist(), strict=True):
        framed = "^" + word + "$"
        plausible = all(framed[i : i + 3] in windows for i in range(len(framed) - 2))
        assert plausible == local, word
        assert not accepts(tuple(word))
    # in embedded Reber they are the wrapper letters: second or second to last
    wrapper = [p in (1, len(s) - 2) for p, s, local in zip(misses.positions, misses.sources,
                                                           misses.long_range, strict=True)
               if local]
    assert all(wrapper)


def test_long_range_falls_back_to_ordinary_near_misses():
    # Tomita 1 (1*): a 0 anywhere makes windows "10"/"01" that no member has
    misses = near_misses(library.tomita(1), 50, seed=0, long_range=1.0)
    assert len(misses) == 50 and not misses.long_range.any()


def test_near_miss_lengths():
    g = library.embedded_reber()
    misses = near_misses(g, 300, seed=0, length=14)
    assert {len(w) for w in misses} == {14}
    spread = near_misses(g, 1100, seed=0, length=(10, 20))
    assert Counter(map(len, spread)) == {L: 100 for L in range(10, 21)}
    t2 = near_misses(library.tomita(2), 40, seed=0, length=3)
    assert set(t2.kinds.tolist()) <= {"insert", "delete"}
    with pytest.raises(EmptyLanguageError, match="length 0"):
        near_misses(library.tomita(2), 5, length=0, kinds=["substitute", "transpose"])


def test_near_misses_reproduce_and_validate():
    g = library.reber()
    a, b = near_misses(g, 200, seed=5), near_misses(g, 200, seed=5)
    assert a.words == b.words and a.sources == b.sources
    assert (a.positions == b.positions).all() and (a.kinds == b.kinds).all()
    assert g.near_misses(10, seed=1).words == near_misses(g, 10, seed=1).words
    assert len(near_misses(g, 0)) == 0
    with pytest.raises(GrammarError, match="unknown kind"):
        near_misses(g, 5, kinds=["swap"])
    with pytest.raises(GrammarError, match="long_range"):
        near_misses(g, 5, long_range=1.5)
    misses = near_misses(g, 3, seed=0)
    assert list(misses) == misses.words and misses[0] == misses.words[0]


def test_near_misses_token_grammar(protocol):
    misses = near_misses(protocol, 100, seed=0)
    assert all(isinstance(w, tuple) for w in misses)
    assert not protocol.accepts_many(misses.words).any()
    assert set(distances(protocol, misses.words).tolist()) == {1}


def test_rare_near_misses_come_from_the_automaton(oracle):
    # a^40 (a|b)*, where walks rarely write a 'b': a transposition near miss needs the
    # first 'b' right after the forty a's, and the random position right there too.
    G = nx.MultiDiGraph(start=0)
    for i in range(40):
        G.add_edge(i, i + 1, symbol="a")
    G.add_edge(40, 40, symbol="a", weight=50)
    G.add_edge(40, 40, symbol="b", weight=1)
    G.add_node(40, accepting=True, stop_weight=1)
    g = Grammar(G)
    misses = near_misses(g, 50, seed=0, kinds=["transpose"])
    assert misses.exact.any(), "the exact draw was not used"
    check_near_misses(misses, g, oracle.NaiveNFA(G).accepts, "ab")
    assert all(w.startswith("a" * 39 + "ba") for w in misses)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_near_misses_on_random_grammars(oracle, data):
    G = data.draw(oracle.random_graphs(max_states=5))
    nfa = oracle.NaiveNFA(G)
    g = Grammar(G)
    try:
        misses = near_misses(g, 40, seed=data.draw(st.integers(0, 100)))
    except EmptyLanguageError:
        # only when there are no members, or every word is one
        words = list(oracle.words_upto(g.alphabet, 4))
        assert all(nfa.accepts(w) for w in words) or not nfa.members(len(G) + 1)
        return
    assert len(misses) == 40
    check_near_misses(misses, g, nfa.accepts, g.alphabet)


# -- the near-miss automaton ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["tomita-2", "tomita-3", "tomita-5", "parity", "tomita-7"])
@pytest.mark.parametrize("kinds", [KINDS, ("transpose",), ("insert", "delete")])
def test_near_miss_dfa_matches_brute_force(oracle, name, kinds):
    accepts = oracles(oracle)[name]
    nm = near_miss_dfa(library.get(name), kinds)
    for length in range(7):
        expected = []
        for word in itertools.product("01", repeat=length):
            if accepts(word) or not any(accepts(e) for e in edits(word, "01")):
                continue
            # some member becomes `word` by one edit of the kinds
            sources = {s for s in edits(word, "01") | {
                word[:i] + (word[i + 1], word[i]) + word[i + 2 :] for i in range(length - 1)
            } if accepts(s)}
            if any(set(kinds) & one_edit_kinds(s, word) for s in sources):
                expected.append(word)
        assert nm.count(length) == len(expected), length


# -- random non-members -----------------------------------------------------------------------


def test_non_members_are_uniform_and_rejected(oracle):
    g = library.tomita(4)
    rejected = ["".join(w) for w in itertools.product("01", repeat=6) if "000" in "".join(w)]
    found = non_members(g, 80 * len(rejected), length=6, seed=0)
    assert set(found.words) <= set(rejected)
    counts = Counter(found.words)
    assert chisquare([counts[w] for w in rejected]).pvalue > 1e-4
    assert found.distances.tolist() == distances(g, found.words).tolist()


def test_non_members_distances_and_errors(oracle):
    g = library.embedded_reber()
    found = non_members(g, 200, length=(5, 12), seed=1)
    assert not g.accepts_many(found.words).any()
    assert {len(w) for w in found} <= set(range(5, 13))
    assert (found.distances >= 1).all()
    for word, d in list(zip(found.words, found.distances.tolist(), strict=True))[:20]:
        assert distance(g, word) == d
    with pytest.raises(EmptyLanguageError, match="no non-member of length 2"):
        non_members(library.tomita(4), 1, length=2)
    assert g.non_members(5, length=7, seed=2).words == non_members(g, 5, length=7, seed=2).words


def test_non_members_of_an_empty_language(empty_language):
    found = non_members(empty_language, 4, length=3, seed=0)
    assert found.words == ["aaa"] * 4 and found.distances.tolist() == [-1] * 4


def test_non_members_token_grammar():
    g = library.file_protocol()
    found = non_members(g, 30, length=3, seed=0)
    assert all(isinstance(w, tuple) and len(w) == 3 for w in found)
    assert not g.accepts_many(found.words).any()
