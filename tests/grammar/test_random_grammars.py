"""random_graph / random_grammar: shape of the declarations, seeds, argument checks."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grammar import Grammar, GrammarError, random_grammar
from grammar.random_grammars import random_graph


def _labelled(G: nx.MultiDiGraph) -> Counter:
    return Counter((u, s) for u, _, s in G.edges(data="symbol") if s is not None)


def _edges(G: nx.MultiDiGraph) -> list:
    return sorted((u, v, str(s)) for u, v, s in G.edges(data="symbol"))


@given(n=st.integers(1, 30), seed=st.integers(0, 2**32 - 1))
@settings(max_examples=30, deadline=None)
def test_default_is_a_complete_dfa(n, seed):
    G = random_graph(n, "abc", seed=seed)
    assert G.graph["start"] == 0
    assert sorted(G.nodes) == list(range(n))
    counts = _labelled(G)
    assert set(counts) == {(q, s) for q in range(n) for s in "abc"}  # complete
    assert set(counts.values()) == {1}  # deterministic
    assert all(s is not None for _, _, s in G.edges(data="symbol"))
    accepting = [q for q, flag in G.nodes(data="accepting") if flag]
    assert len(accepting) == max(1, round(0.3 * n))


def test_partial_dfa():
    G = random_graph(400, "ab", seed=1, density=0.5)
    counts = _labelled(G)
    assert set(counts.values()) == {1}
    assert 0.4 < len(counts) / 800 < 0.6


def test_nfa_has_choices_and_epsilon_moves():
    G = random_graph(200, "ab", seed=2, kind="nfa", epsilon=0.5, density=2.0)
    counts = _labelled(G)
    assert max(counts.values()) > 1
    epsilon = [u for u, _, s in G.edges(data="symbol") if s is None]
    assert 60 < len(epsilon) < 140 and len(set(epsilon)) == len(epsilon)
    # no transition is drawn twice
    assert len(set(_edges(G))) == G.number_of_edges()


def test_complete_nfa_never_blocks():
    G = random_graph(100, "ab", seed=3, kind="nfa", density=0.3, complete=True)
    assert set(_labelled(G)) == {(q, s) for q in range(100) for s in "ab"}


def test_token_alphabet():
    g = random_grammar(10, ["open", "read", "close"], seed=0)
    assert g.alphabet == ("close", "open", "read")
    assert not g.single_char


def test_accepting_fraction():
    for fraction, expected in [(0.0, 1), (0.5, 10), (1.0, 20)]:
        G = random_graph(20, seed=0, accepting=fraction)
        assert sum(flag for _, flag in G.nodes(data="accepting")) == expected


def test_seeds_reproduce():
    assert _edges(random_graph(30, seed=5, kind="nfa", epsilon=0.3)) == _edges(
        random_graph(30, seed=5, kind="nfa", epsilon=0.3)
    )
    assert _edges(random_graph(30, seed=5)) != _edges(random_graph(30, seed=6))
    # a Generator is used as is, and advances
    rng = np.random.default_rng(5)
    first, second = random_graph(30, seed=rng), random_graph(30, seed=rng)
    assert _edges(first) == _edges(random_graph(30, seed=5))
    assert _edges(first) != _edges(second)
    assert random_grammar(25, seed=9) == random_grammar(25, seed=9)


def test_random_grammar_compiles_the_graph():
    g = random_grammar(12, "ab", seed=4, kind="nfa", epsilon=0.2)
    assert isinstance(g, Grammar)
    assert g == Grammar(random_graph(12, "ab", seed=4, kind="nfa", epsilon=0.2))
    assert g.name == "random-nfa-12"
    assert "seed 4" in g.description


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"n_states": 0}, GrammarError),
        ({"n_states": 2.5}, TypeError),
        ({"n_states": True}, TypeError),
        ({"alphabet": ""}, GrammarError),
        ({"alphabet": "aa"}, GrammarError),
        ({"alphabet": ["a", ""]}, GrammarError),
        ({"alphabet": 3}, TypeError),
        ({"alphabet": ["a", 1]}, TypeError),
        ({"kind": "pda"}, GrammarError),
        ({"epsilon": 0.5}, GrammarError),  # epsilon moves need kind="nfa"
        ({"kind": "nfa", "epsilon": 1.5}, GrammarError),
        ({"kind": "nfa", "epsilon": "x"}, TypeError),
        ({"accepting": -0.1}, GrammarError),
        ({"density": 0}, GrammarError),
        ({"density": 1.5}, GrammarError),  # a DFA's density is a probability
        ({"density": 0.5, "complete": True}, GrammarError),
        ({"density": "dense"}, TypeError),
    ],
)
def test_argument_errors(kwargs, error):
    # GrammarError, not a bare ValueError: the package's promise for bad values
    with pytest.raises(error) as caught:
        random_graph(**kwargs)
    assert type(caught.value) is error


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_states": 0}, "n_states must be >= 1"),
        ({"alphabet": "aa"}, "repeats the symbol 'a'"),
        ({"kind": "nfa", "epsilon": 1.5}, "epsilon must be in"),
        ({"accepting": -0.1}, "accepting must be in"),
        ({"seed": -5}, "seed must be an int >= 0"),
    ],
)
def test_argument_errors_name_the_argument(kwargs, message):
    with pytest.raises(GrammarError, match=message):
        random_grammar(**kwargs)


def test_seed_accepts_a_generator_and_reproduces():
    a = random_graph(10, "ab", seed=np.random.default_rng(3))
    b = random_graph(10, "ab", seed=3)
    assert sorted(a.edges(data="symbol")) == sorted(b.edges(data="symbol"))
    with pytest.raises(TypeError, match="seed"):
        random_graph(10, "ab", seed=1.5)


@pytest.mark.slow
def test_large_graph_shape():
    G = random_graph(20_000, "0123456789abcdef", seed=0)
    assert G.number_of_nodes() == 20_000
    assert G.number_of_edges() == 20_000 * 16
