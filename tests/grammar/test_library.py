"""The built-in grammars against hand-derived regexes, predicates and brute force."""

from __future__ import annotations

import re
from math import comb

import networkx as nx
import numpy as np
import pytest

from grammar import GrammarError, library


def _edits(word: str, alphabet: str) -> set[str]:
    """Every word at edit distance one from `word` (substitute, insert, delete, transpose)."""
    out = set()
    for i in range(len(word) + 1):
        out.update(word[:i] + a + word[i:] for a in alphabet)
        if i < len(word):
            out.add(word[:i] + word[i + 1 :])
            out.update(word[:i] + a + word[i + 1 :] for a in alphabet)
        if i + 1 < len(word):
            out.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    return out


# -- the oracles agree with each other first -------------------------------------------


@pytest.mark.parametrize("k", range(1, 8))
def test_tomita_regex_agrees_with_predicate(oracle, k):
    for symbols in oracle.words_upto("01", 12):
        word = "".join(symbols)
        assert bool(re.fullmatch(oracle.TOMITA_RE[k], word)) == oracle.TOMITA_PREDICATES[k](word), (
            word
        )


def test_reber_regex_agrees_with_transition_list(oracle, reber_graph):
    nfa = oracle.NaiveNFA(reber_graph)
    members = {"".join(w) for w in nfa.members(12)}
    assert all(re.fullmatch(oracle.REBER_RE, w) for w in members)
    for symbols in oracle.words_upto("BEPSTVX", 5):
        word = "".join(symbols)
        assert bool(re.fullmatch(oracle.REBER_RE, word)) == (word in members), word
    for word in {e for m in members if len(m) <= 10 for e in _edits(m, "BEPSTVX")}:
        assert bool(re.fullmatch(oracle.REBER_RE, word)) == nfa.accepts(word), word


# -- the built-ins against the oracles -------------------------------------------------


@pytest.mark.parametrize("k", range(1, 8))
def test_tomita_membership_exhaustive(oracle, k):
    g = library.tomita(k)
    words = ["".join(w) for w in oracle.words_upto("01", 12)]
    expected = [oracle.TOMITA_PREDICATES[k](w) for w in words]
    assert expected == [bool(re.fullmatch(oracle.TOMITA_RE[k], w)) for w in words]
    assert [g.accepts(w) for w in words] == expected
    assert g.accepts_many(words).tolist() == expected
    assert g.alphabet == ("0", "1")


def test_tomita_3_is_later_not_directly_followed():
    # The issue: no odd run of 1s followed LATER by an odd run of 0s. In "100110" the
    # odd run "1" is followed, after "00" and "11", by the odd run "0".
    g = library.tomita(3)
    assert not g.accepts("100110")
    assert g.accepts("1001")  # its only run of 0s, "00", is even
    assert g.accepts("1100") and g.accepts("100") and g.accepts("0110")


def test_parity_membership_exhaustive(oracle):
    g = library.parity()
    words = ["".join(w) for w in oracle.words_upto("01", 12)]
    assert g.accepts_many(words).tolist() == [
        bool(re.fullmatch(oracle.PARITY_RE, w)) for w in words
    ]


def test_reber_declaration_is_the_issue_table(oracle, reber, reber_graph):
    declared = reber.to_graph()
    assert nx.is_isomorphic(
        declared,
        reber_graph,
        node_match=lambda a, b: bool(a.get("accepting")) == bool(b.get("accepting")),
        edge_match=lambda a, b: (
            sorted(d["symbol"] for d in a.values()) == sorted(d["symbol"] for d in b.values())
        ),
    )
    # every branch has weight 1: random walks are the classic coin flips
    assert {e.weight for e in reber.declaration.edges} == {1.0}


def test_reber_membership(oracle, reber, reber_graph):
    nfa = oracle.NaiveNFA(reber_graph)
    members = ["".join(w) for w in nfa.members(12)]
    assert list(reber.strings(12)) == members
    assert reber.accepts_many(members).all()
    near = sorted({e for m in members for e in _edits(m, "BEPSTVX")})
    assert [reber.accepts(w) for w in near] == [
        bool(re.fullmatch(oracle.REBER_RE, w)) for w in near
    ]


@pytest.mark.parametrize("name", ["reber", "embedded-reber"])
def test_reber_exhaustive_up_to_7(oracle, name):
    regex = re.compile(oracle.REBER_RE if name == "reber" else oracle.EMBEDDED_REBER_RE)
    words = ["".join(w) for w in oracle.words_upto("BEPSTVX", 7)]
    assert library.get(name).accepts_many(words).tolist() == [
        bool(regex.fullmatch(w)) for w in words
    ]


def test_embedded_reber_membership(oracle, embedded_reber, reber_graph):
    inner = ["".join(w) for w in oracle.NaiveNFA(reber_graph).members(10)]
    members = sorted((f"B{c}{w}{c}E" for w in inner for c in "PT"), key=lambda w: (len(w), w))
    assert list(embedded_reber.strings(14)) == members
    assert all(re.fullmatch(oracle.EMBEDDED_REBER_RE, w) for w in members)
    near = sorted({e for m in members for e in _edits(m, "BEPSTVX")})
    assert embedded_reber.accepts_many(near).tolist() == [
        bool(re.fullmatch(oracle.EMBEDDED_REBER_RE, w)) for w in near
    ]
    # the long-range dependency: the second letter must come back second to last
    assert embedded_reber.accepts("BTBTXSETE")
    assert not embedded_reber.accepts("BTBTXSEPE")
    assert not embedded_reber.accepts("BTXSE")  # plain Reber is not embedded Reber


# -- counting against closed forms and an independent big-int DP -----------------------


def _tomita_count(k: int, n: int) -> int:
    if k == 1:
        return 1
    if k == 2:
        return int(n % 2 == 0)
    if k == 5:
        return 1 if n == 0 else (2 ** (n - 1) if n % 2 == 0 else 0)
    if k == 6:  # choose which j symbols are 1s; need (n - j) - j = 0 mod 3
        return sum(comb(n, j) for j in range(n + 1) if (n - 2 * j) % 3 == 0)
    if k == 7:  # at most 3 changes starting with 0, at most 2 starting with 1
        if n == 0:
            return 1
        return sum(comb(n - 1, j) for j in range(4)) + sum(comb(n - 1, j) for j in range(3))
    raise ValueError(k)


@pytest.mark.parametrize("k", [1, 2, 5, 6, 7])
@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 12, 500])
def test_tomita_counts_closed_form(k, n):
    assert library.tomita(k).count(n) == _tomita_count(k, n)


@pytest.mark.parametrize("k", range(1, 8))
def test_tomita_counts_brute_force(oracle, k):
    g = library.tomita(k)
    predicate = oracle.TOMITA_PREDICATES[k]
    for n in range(11):
        assert g.count(n) == sum(
            predicate("".join(w)) for w in oracle.words_upto("01", n) if len(w) == n
        )


def test_tomita_4_count_500_recurrence():
    # words with no 000, by the length of the trailing run of 0s (0, 1 or 2)
    ends = (1, 0, 0)
    for _ in range(500):
        ends = (sum(ends), ends[0], ends[1])
    count = library.tomita(4).count(500)
    assert count == sum(ends)
    assert isinstance(count, int) and count > 2**300


def test_parity_count_500():
    count = library.parity().count(500)
    assert count == 2**499 and type(count) is int


def test_reber_counts_against_path_dp(oracle, reber):
    for n in [0, 5, 9, 12, 40, 500]:
        expected = oracle.path_count(
            oracle.REBER_EDGES, oracle.REBER_START, {oracle.REBER_ACCEPT}, n
        )
        assert reber.count(n) == expected
    assert reber.count(500) > 2**64  # really beyond int64


def test_embedded_reber_count_is_twice_reber(oracle, embedded_reber):
    for n in [4, 9, 13, 500]:
        inner = oracle.path_count(
            oracle.REBER_EDGES, oracle.REBER_START, {oracle.REBER_ACCEPT}, n - 4
        )
        assert embedded_reber.count(n) == 2 * inner


# -- names, get, descriptions ----------------------------------------------------------


def test_names_cover_the_issue():
    names = library.names()
    expected = {"reber", "embedded-reber", "parity", *(f"tomita-{k}" for k in range(1, 8))}
    assert expected <= set(names)
    assert len(names) == len(set(names))


@pytest.mark.parametrize("name", library.names())
def test_get_builds_each_named_grammar(name):
    g = library.get(name)
    assert g.name == name
    assert g.description and "\n" not in g.description
    assert g.count(0) >= 0
    assert g == library.get(name)  # a fresh, equal grammar each time


def test_get_matches_the_functions():
    assert library.get("reber") == library.reber()
    assert library.get("embedded-reber") == library.embedded_reber()
    assert library.get("parity") == library.parity()
    for k in range(1, 8):
        assert library.get(f"tomita-{k}") == library.tomita(k)


def test_get_unknown_name():
    with pytest.raises(GrammarError, match="no-such-grammar"):
        library.get("no-such-grammar")


@pytest.mark.parametrize("k", [0, 8, -1])
def test_tomita_out_of_range(k):
    with pytest.raises(GrammarError):
        library.tomita(k)


def test_builtins_are_distinct_languages():
    fingerprints = [library.get(name).fingerprint for name in library.names()]
    assert len(set(fingerprints)) == len(fingerprints)


def test_builtin_dfas_are_complete_tables():
    for name in library.names():
        dfa = library.get(name).dfa
        assert dfa.table.dtype == np.int32
        assert dfa.table.shape == (dfa.n_states, len(dfa.alphabet))
        assert ((dfa.table >= 0) & (dfa.table < dfa.n_states)).all()
