"""Combinators: concat, union and star against regexes and brute-force language algebra."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grammar import Grammar, GrammarError, concat, library, star, union

FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _binary_words(oracle, max_length: int = 9) -> list[str]:
    return ["".join(w) for w in oracle.words_upto("01", max_length)]


@pytest.mark.parametrize(
    ("build", "regex"),
    [
        (lambda: concat(library.tomita(1), library.tomita(2)), "1*(?:10)*"),
        (lambda: union(library.tomita(1), library.tomita(2)), "1*|(?:10)*"),
        (lambda: star(concat("0", library.tomita(1))), "(?:01*)*"),
        (lambda: star(union("0", concat("1", "1"))), "(?:0|11)*"),
        (lambda: concat(library.parity(), "1", library.parity()), "0*(?:10*10*)*10*(?:10*10*)*"),
        (lambda: union("0", "1", concat("1", "0")), "0|1|10"),
        (lambda: concat("1", star("0"), "1"), "10*1"),
        (lambda: star(library.tomita(2)), "(?:10)*"),
        (lambda: concat(*"0110"), "0110"),
    ],
)
def test_ops_against_regexes(oracle, build, regex):
    g = build()
    words = _binary_words(oracle)
    assert [g.accepts(w) for w in words] == [bool(re.fullmatch(regex, w)) for w in words]


def test_plain_symbols():
    assert list(concat("a", "b").strings(5)) == ["ab"]
    assert list(union("a", "b").strings(5)) == ["a", "b"]
    assert list(star("a").strings(3)) == ["", "a", "aa", "aaa"]


def test_embedded_reber_is_reber_composed(embedded_reber):
    r = library.reber()
    composed = concat("B", union(concat("T", r, "T"), concat("P", r, "P")), "E")
    assert composed == embedded_reber
    assert np.array_equal(composed.dfa.table, embedded_reber.dfa.table)
    assert np.array_equal(composed.dfa.accepting, embedded_reber.dfa.accepting)
    assert composed.counterexample(embedded_reber) is None


def test_token_composition(protocol):
    built = concat("open", star(union("read", "write")), "close")
    assert not built.single_char
    assert built == protocol
    assert built.accepts(("open", "read", "close"))


def test_mixing_chars_and_tokens_gives_token_words():
    g = concat("a", "open")
    assert not g.single_char
    assert list(g.strings(2)) == [("a", "open")]


# -- algebra with the empty language and the empty word --------------------------------


def test_identities(empty_language, only_empty_word):
    x = library.tomita(4)
    assert star(empty_language) == Grammar.from_edges([], start=0, accepting=[0])
    assert union(x, empty_language) == x
    assert concat(x, empty_language).count(5) == 0
    assert list(concat(x, empty_language).strings(6)) == []
    assert concat(only_empty_word, x) == x
    assert star(star(x)) == star(x)
    assert union(x, x) == x


def test_operands_are_untouched(reber):
    before = (reber.fingerprint, reber.to_graph().number_of_edges())
    concat(reber, reber)
    star(union(reber, "B"))
    assert (reber.fingerprint, reber.to_graph().number_of_edges()) == before
    assert reber == library.reber()


def test_bad_parts():
    with pytest.raises(TypeError):
        concat("a", 5)
    with pytest.raises(TypeError):
        union(None)
    with pytest.raises(TypeError):
        star(3.0)
    with pytest.raises(TypeError):
        concat()
    with pytest.raises(TypeError):
        union()
    with pytest.raises(GrammarError):
        concat("a", "")


# -- language algebra against brute force on random declarations -----------------------


def _splits(word: tuple[str, ...]):
    return ((word[:i], word[i:]) for i in range(len(word) + 1))


def _in_star(word: tuple[str, ...], member) -> bool:
    # reachable[i]: word[:i] is a concatenation of members
    reachable = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        reachable[end] = any(reachable[i] and member(word[i:end]) for i in range(end))
    return reachable[-1]


@given(data=st.data())
@FAST
def test_concat_union_star_brute_force(oracle, data):
    G = data.draw(oracle.random_graphs(max_states=6))
    H = data.draw(oracle.random_graphs(max_states=6))
    in_g, in_h = oracle.NaiveNFA(G).accepts, oracle.NaiveNFA(H).accepts
    g, h = Grammar(G), Grammar(H)
    both, either, repeated = concat(g, h), union(g, h), star(g)
    for word in oracle.words_upto("ab", 6):
        assert both.accepts(word) == any(in_g(u) and in_h(v) for u, v in _splits(word)), word
        assert either.accepts(word) == (in_g(word) or in_h(word)), word
        assert repeated.accepts(word) == _in_star(word, in_g), word


@given(data=st.data())
@FAST
def test_concat_is_associative(oracle, data):
    a, b, c = (Grammar(data.draw(oracle.random_graphs(max_states=4))) for _ in range(3))
    assert concat(concat(a, b), c) == concat(a, concat(b, c)) == concat(a, b, c)
    assert union(union(a, b), c) == union(a, union(b, c)) == union(c, b, a)
