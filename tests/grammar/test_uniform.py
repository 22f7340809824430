"""Tests for grammar.uniform: uniformly random words of given lengths, by every route.

Oracles: members enumerated by brute force (conftest.NaiveNFA) and Python
predicates, exact path counts in Python ints (conftest.path_count), and
chi-square tests from scipy. The float-guided and rejection routes are forced
on small grammars through ``RANK_LIMIT`` and ``REJECTION_SHARE``, so that
their distributions can be checked against every word of a length.
"""

from __future__ import annotations

import re
from collections import Counter
from fractions import Fraction
from itertools import product

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import chisquare

import grammar.uniform as uniform
from grammar import Grammar, library
from grammar.codes import Codec
from grammar.ranking import counts_of
from grammar.uniform import uniform_codes_of


def chi_square_p(observed: Counter, expected: dict) -> float:
    keys = sorted(expected)
    total = sum(observed.values())
    assert set(observed) <= set(keys), set(observed) - set(keys)
    return chisquare([observed.get(k, 0) for k in keys],
                     [float(expected[k]) * total for k in keys]).pvalue


@pytest.fixture
def guided(monkeypatch):
    """Every draw takes the float-guided route, however small its counts."""
    monkeypatch.setattr(uniform, "RANK_LIMIT", 0)
    monkeypatch.setattr(uniform, "REJECTION_SHARE", np.inf)


@pytest.fixture(params=["guided", "rejection"])
def route(request, monkeypatch):
    """Every draw takes the route named, however small its counts."""
    monkeypatch.setattr(uniform, "RANK_LIMIT", 0)
    monkeypatch.setattr(uniform, "REJECTION_SHARE", np.inf if request.param == "guided" else 0)
    return request.param


def test_guided_members_are_uniform_at_each_length(oracle, guided, reber_graph):
    g = Grammar(reber_graph)
    nfa = oracle.NaiveNFA(reber_graph)
    lengths = np.repeat([8, 9, 11], 4000)
    codes = uniform_codes_of(g.dfa, lengths, np.random.default_rng(1))
    words = Codec.of(g.dfa).decode(codes)
    assert all(re.fullmatch(oracle.REBER_RE, w) for w in words)
    enumerated = nfa.members(11)
    for length in (8, 9, 11):
        got = Counter(w for w in words if len(w) == length)
        assert sum(got.values()) == 4000
        members = ["".join(w) for w in enumerated if len(w) == length]
        assert chi_square_p(got, {w: Fraction(1, len(members)) for w in members}) > 1e-4


def test_non_members_are_uniform(oracle, route):
    g = library.tomita(5)  # even numbers of 0s and of 1s
    rejected = ["".join(w) for w in product("01", repeat=6)
                if not oracle.TOMITA_PREDICATES[5]("".join(w))]
    codes = uniform_codes_of(g.dfa, np.full(6000, 6), np.random.default_rng(2), members=False)
    got = Counter(Codec.of(g.dfa).decode(codes))
    assert chi_square_p(got, {w: Fraction(1, len(rejected)) for w in rejected}) > 1e-4


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.data())
def test_words_have_the_lengths_and_the_side_asked(oracle, route, data):
    G = data.draw(oracle.random_graphs(max_states=6))
    g = Grammar(G)
    nfa = oracle.NaiveNFA(G)
    members = data.draw(st.booleans())
    table = counts_of(g.dfa, 7, members).counts
    possible = [r for r in range(8) if table[r, g.dfa.start] > 0]
    if not possible:
        return
    lengths = np.array(data.draw(st.lists(st.sampled_from(possible), min_size=1, max_size=20)))
    codes = uniform_codes_of(g.dfa, lengths, np.random.default_rng(data.draw(st.integers(0, 99))),
                             members)
    assert np.count_nonzero(codes, axis=1).tolist() == lengths.tolist()
    alphabet = g.alphabet
    for row in codes.tolist():
        word = [alphabet[c - 1] for c in row if c]
        assert nfa.accepts(word) == members


def test_rejection_members_are_uniform_at_each_length(oracle, monkeypatch):
    monkeypatch.setattr(uniform, "RANK_LIMIT", 0)
    monkeypatch.setattr(uniform, "REJECTION_SHARE", 0)
    g = library.tomita(3)
    lengths = np.repeat([5, 8], 6000)
    words = Codec.of(g.dfa).decode(uniform_codes_of(g.dfa, lengths, np.random.default_rng(7)))
    for length in (5, 8):
        members = ["".join(w) for w in product("01", repeat=length)
                   if oracle.TOMITA_PREDICATES[3]("".join(w))]
        got = Counter(w for w in words if len(w) == length)
        assert sum(got.values()) == 6000
        assert chi_square_p(got, {w: Fraction(1, len(members)) for w in members}) > 1e-4


def _big_alphabet_grammar() -> tuple[Grammar, list[tuple[int, int, str]]]:
    """Over 64 token symbols: the number of s0 is even and s1 is never followed by s2."""
    symbols = [f"s{i}" for i in range(64)]
    edges = []
    for parity in (0, 1):
        for last_s1 in (0, 1):
            here = 2 * parity + last_s1
            for symbol in symbols:
                if last_s1 and symbol == "s2":
                    edges.append((here, 4, symbol))
                    continue
                target = 2 * (parity ^ (symbol == "s0")) + (symbol == "s1")
                edges.append((here, target, symbol))
    edges += [(4, 4, symbol) for symbol in symbols]
    return Grammar.from_edges(edges, start=0, accepting=[0, 1]), edges


@pytest.mark.parametrize("share", [np.inf, 0.0])  # the guided route, then rejection
def test_past_int64_the_first_symbol_follows_the_exact_counts(oracle, monkeypatch, share):
    monkeypatch.setattr(uniform, "REJECTION_SHARE", share)
    g, edges = _big_alphabet_grammar()
    length = 30
    total = oracle.path_count(edges, 0, {0, 1}, length)
    assert total >= 2**62  # past int64: not the rank route
    codes = uniform_codes_of(g.dfa, np.full(8000, length), np.random.default_rng(3))
    words = Codec.of(g.dfa).decode(codes)
    assert g.accepts_many(words).all()
    # P(first symbol = a) = (members of length 29 from the state after a) / total.
    after = {symbol: target for source, target, symbol in edges if source == 0}
    expected = {a: Fraction(oracle.path_count(edges, after[a], {0, 1}, length - 1), total)
                for a in after}
    assert sum(expected.values()) == 1
    firsts = Counter(w[0] for w in words)
    # s0 and s1 lead elsewhere than the other 62 symbols; pool the 62 for a fair test.
    pooled = {"s0": expected["s0"], "s1": expected["s1"],
              "other": 1 - expected["s0"] - expected["s1"]}
    observed = Counter({"s0": firsts["s0"], "s1": firsts["s1"],
                        "other": sum(firsts.values()) - firsts["s0"] - firsts["s1"]})
    assert chi_square_p(observed, pooled) > 1e-4


def test_the_words_depend_on_the_call_not_on_what_was_counted_before():
    g, _ = _big_alphabet_grammar()
    first = uniform_codes_of(g.dfa, np.array([5, 40, 12]), np.random.default_rng(4))
    fresh, _ = _big_alphabet_grammar()
    counts_of(fresh.dfa, 90)  # counts (now Python ints) already cached far past the request
    again = uniform_codes_of(fresh.dfa, np.array([5, 40, 12]), np.random.default_rng(4))
    assert (first == again).all()
    small = uniform_codes_of(fresh.dfa, np.array([5, 6]), np.random.default_rng(5))
    other, _ = _big_alphabet_grammar()
    assert (small == uniform_codes_of(other.dfa, np.array([5, 6]), np.random.default_rng(5))).all()


def test_counts_near_float64s_largest_take_the_exact_rank_route(oracle):
    g = library.parity()  # 2**(L-1) members of length L: past 2**1000 at L = 1002
    codes = uniform_codes_of(g.dfa, np.full(20, 1100), np.random.default_rng(6))
    words = Codec.of(g.dfa).decode(codes)
    assert all(len(w) == 1100 and re.fullmatch(oracle.PARITY_RE, w) for w in words)
    assert counts_of(g.dfa, 1100).floats(1100) is None


def test_rejection_in_small_batches_is_still_uniform(oracle, monkeypatch):
    monkeypatch.setattr(uniform, "RANK_LIMIT", 0)
    monkeypatch.setattr(uniform, "REJECTION_SHARE", 0)
    monkeypatch.setattr(uniform, "REJECTION_CODES", 40)  # five strings of 8 symbols a batch
    g = library.tomita(3)
    words = Codec.of(g.dfa).decode(uniform_codes_of(g.dfa, np.full(3000, 8),
                                                    np.random.default_rng(8)))
    members = ["".join(w) for w in product("01", repeat=8)
               if oracle.TOMITA_PREDICATES[3]("".join(w))]
    assert chi_square_p(Counter(words), {w: Fraction(1, len(members)) for w in members}) > 1e-4


@pytest.mark.parametrize("route", ["rank", "guided", "rejection"])
def test_a_length_without_words_is_refused_on_every_route(monkeypatch, route):
    if route != "rank":
        monkeypatch.setattr(uniform, "RANK_LIMIT", 0)
        monkeypatch.setattr(uniform, "REJECTION_SHARE", np.inf if route == "guided" else 0)
    dfa = library.tomita(2).dfa  # (10)*: no member of odd length
    with pytest.raises(ValueError, match="no member has length 3"):
        uniform_codes_of(dfa, np.array([2, 3]), np.random.default_rng(0))
    with pytest.raises(ValueError, match="lengths must be >= 0"):
        uniform_codes_of(dfa, np.array([-1]), np.random.default_rng(0))
