"""The compiled DFA: language preserved, minimal, complete, canonical, exact counts."""

from __future__ import annotations

import itertools
from collections import deque

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grammar import Grammar, library
from grammar.random_grammars import random_graph

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SMALL_BUILTINS = ["reber", "embedded-reber", "parity", *(f"tomita-{k}" for k in range(1, 8))]


def _run(dfa, word: tuple[str, ...], state: int | None = None) -> int:
    """Follow the table by hand (no DFA.run)."""
    column = {s: j for j, s in enumerate(dfa.alphabet)}
    state = dfa.start if state is None else state
    for symbol in word:
        state = int(dfa.table[state, column[symbol]])
    return state


def _distinguishable_pairs(dfa) -> set[tuple[int, int]]:
    """Pairs of states told apart by some word: backwards search from mismatched pairs."""
    n, k = dfa.table.shape
    predecessors: dict = {}
    for p, q in itertools.product(range(n), repeat=2):
        for j in range(k):
            key = (int(dfa.table[p, j]), int(dfa.table[q, j]))
            predecessors.setdefault(key, []).append((p, q))
    marked = {
        (p, q)
        for p, q in itertools.product(range(n), repeat=2)
        if dfa.accepting[p] != dfa.accepting[q]
    }
    queue = deque(marked)
    while queue:
        for pair in predecessors.get(queue.popleft(), ()):
            if pair not in marked:
                marked.add(pair)
                queue.append(pair)
    return marked


def _assert_complete_canonical(dfa) -> None:
    n, k = dfa.table.shape
    assert n == dfa.n_states >= 1 and k == len(dfa.alphabet)
    assert dfa.table.dtype == np.int32 and dfa.accepting.dtype == bool
    assert ((dfa.table >= 0) & (dfa.table < n)).all(), "complete: every entry is a state"
    assert dfa.start == 0
    assert list(dfa.alphabet) == sorted(dfa.alphabet)
    # canonical numbering: breadth-first from 0 in alphabet order meets 0, 1, 2, ...
    order, seen = [0], {0}
    for state in order:
        for target in dfa.table[state].tolist():
            if target not in seen:
                seen.add(target)
                order.append(target)
    assert order == list(range(n)), "every state reachable, numbered breadth-first"


def _assert_minimal_complete_canonical(dfa) -> None:
    _assert_complete_canonical(dfa)
    n = dfa.n_states
    # minimal: every pair of distinct states is distinguishable
    marked = _distinguishable_pairs(dfa)
    assert all((p, q) in marked for p, q in itertools.combinations(range(n), 2))


def _live_by_bfs(dfa) -> list[bool]:
    graph = nx.DiGraph()
    graph.add_nodes_from(range(dfa.n_states))
    graph.add_edges_from((s, int(t)) for s in range(dfa.n_states) for t in dfa.table[s])
    return [
        any(dfa.accepting[r] for r in nx.descendants(graph, s) | {s}) for s in range(dfa.n_states)
    ]


# -- structure -------------------------------------------------------------------------


@pytest.mark.parametrize("name", SMALL_BUILTINS)
def test_builtin_dfas_are_minimal_complete_canonical(name):
    _assert_minimal_complete_canonical(library.get(name).dfa)


def test_fixture_dfas_are_minimal(
    even_as, ends_in_ab, a_star_b_star, only_empty_word, empty_language, protocol
):
    for g in [even_as, ends_in_ab, a_star_b_star, only_empty_word, empty_language, protocol]:
        _assert_minimal_complete_canonical(g.dfa)
    assert even_as.dfa.n_states == 2
    assert ends_in_ab.dfa.n_states == 3
    assert a_star_b_star.dfa.n_states == 3  # a-loop, b-loop, dead
    assert only_empty_word.dfa.n_states == 2
    assert empty_language.dfa.n_states == 1 and not empty_language.dfa.accepting.any()


@given(data=st.data())
@FAST
def test_random_dfas_are_minimal_complete_canonical(oracle, data):
    G = data.draw(oracle.random_graphs())
    _assert_minimal_complete_canonical(Grammar(G).dfa)


@given(data=st.data())
@FAST
def test_states_have_distinct_word_signatures(oracle, data):
    # brute force: in a minimal n-state DFA, words up to length n - 1 tell every two states apart
    dfa = Grammar(data.draw(oracle.random_graphs(max_states=7))).dfa
    words = list(oracle.words_upto(dfa.alphabet, dfa.n_states - 1))
    signatures = {
        tuple(bool(dfa.accepting[_run(dfa, w, state)]) for w in words)
        for state in range(dfa.n_states)
    }
    assert len(signatures) == dfa.n_states


@given(data=st.data())
@FAST
def test_minimal_even_when_every_signature_hash_collides(oracle, data):
    # Every signature hashed to 0: collisions everywhere, so the refinement must notice
    # them and fall back to exact numbering.
    import grammar.minimize

    G = data.draw(oracle.random_graphs())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(grammar.minimize, "signature_hash",
                      lambda signature: np.zeros(len(signature), dtype=np.uint64))
        dfa = Grammar(G).dfa
    _assert_minimal_complete_canonical(dfa)
    real = Grammar(G).dfa  # the same canonical DFA as with the real hash
    assert (dfa.table == real.table).all() and (dfa.accepting == real.accepting).all()


def test_reber_minimal_size(reber):
    # 8 declared states, all distinguishable, plus the dead state
    assert reber.dfa.n_states == 9
    assert reber.dfa.dead >= 0


def test_arrays_are_read_only(reber):
    with pytest.raises(ValueError):
        reber.dfa.table[0, 0] = 1
    with pytest.raises(ValueError):
        reber.dfa.accepting[0] = True


@pytest.mark.parametrize("name", SMALL_BUILTINS)
def test_live_and_dead(name):
    dfa = library.get(name).dfa
    live = _live_by_bfs(dfa)
    assert dfa.live.tolist() == live
    # a minimal complete DFA has at most one dead state
    assert live.count(False) <= 1
    assert dfa.dead == (live.index(False) if False in live else -1)


def test_dead_is_minus_one_when_all_live():
    # parity: both states can reach acceptance
    assert library.parity().dfa.dead == -1


# -- the language is preserved ---------------------------------------------------------


@given(data=st.data())
@FAST
def test_compiled_language_equals_naive_simulation(oracle, data):
    G = data.draw(oracle.random_graphs(max_states=10))
    g = Grammar(G)
    nfa = oracle.NaiveNFA(G)
    for word in oracle.words_upto("ab", 7):
        assert g.accepts(word) == nfa.accepts(word), word


@given(data=st.data())
@FAST
def test_epsilon_nfas_agree_with_naive_simulation(oracle, data):
    G = random_graph(
        data.draw(st.integers(1, 12)),
        "abc",
        seed=data.draw(st.integers(0, 2**32 - 1)),
        kind="nfa",
        epsilon=data.draw(st.sampled_from([0.3, 0.7, 1.0])),
        density=data.draw(st.sampled_from([0.4, 0.8])),
    )
    g = Grammar(G)
    nfa = oracle.NaiveNFA(G)
    for word in oracle.words_upto("abc", 5):
        assert g.accepts(word) == nfa.accepts(word), word


def test_dfa_run_follows_the_table(reber):
    dfa = reber.dfa
    word = tuple("BTSSXXTVVE")
    ids = [dfa.alphabet.index(s) for s in word]
    assert dfa.run(ids) == _run(dfa, word)
    assert dfa.accepting[dfa.run(ids)]
    middle = dfa.run(ids[:4])
    assert dfa.run(ids[4:], state=middle) == _run(dfa, word)


# -- canonical form --------------------------------------------------------------------


def _disguise(
    G: nx.MultiDiGraph, rng: np.random.Generator, ghosts: int = 2, dead: int = 1
) -> nx.MultiDiGraph:
    """Same language: states renamed and shuffled, unreachable and dead states added.

    Unreachable states get one edge per symbol, so a DFA declaration stays a
    DFA; dead states are entered from real states, which may make it an NFA.
    """
    nodes = list(G.nodes)
    names = {q: f"s{i}" for q, i in zip(nodes, rng.permutation(len(nodes)), strict=True)}
    H = nx.MultiDiGraph(start=names[G.graph["start"]])
    for i in rng.permutation(len(nodes)):  # a new insertion order: the start moves too
        H.add_node(names[nodes[i]], **G.nodes[nodes[i]])
    edges = list(G.edges(data="symbol"))
    for i in rng.permutation(len(edges)):
        u, v, s = edges[i]
        H.add_edge(names[u], names[v], symbol=s)
    symbols = sorted({s for _, _, s in edges if s is not None})
    renamed = sorted(names.values())
    for i in range(ghosts):  # unreachable states, some accepting
        ghost = f"unreachable{i}"
        H.add_node(ghost, accepting=bool(rng.integers(0, 2)))
        for s in symbols:
            H.add_edge(ghost, str(rng.choice([*renamed, ghost])), symbol=s)
    for i in range(dead):  # dead states, entered from real ones
        sink = f"dead{i}"
        H.add_node(sink)
        for s in symbols:
            H.add_edge(sink, sink, symbol=s)
            H.add_edge(str(rng.choice(renamed)), sink, symbol=s)
    return H


@given(data=st.data())
@FAST
def test_canonical_form_invariant_under_disguise(oracle, data):
    G = data.draw(oracle.random_graphs(max_states=10))
    H = _disguise(
        G,
        np.random.default_rng(data.draw(st.integers(0, 2**32 - 1))),
        ghosts=data.draw(st.integers(0, 3)),
        dead=data.draw(st.integers(0, 2)),
    )
    g, h = Grammar(G), Grammar(H)
    assert g.alphabet == h.alphabet
    assert np.array_equal(g.dfa.table, h.dfa.table)
    assert np.array_equal(g.dfa.accepting, h.dfa.accepting)
    assert g == h and hash(g) == hash(h)
    assert g.fingerprint == h.fingerprint
    assert g.counterexample(h) is None


@pytest.mark.parametrize(("ghosts", "dead"), [(0, 0), (2, 0), (0, 2), (3, 1)])
def test_reber_disguised_has_identical_tables(reber, reber_graph, ghosts, dead):
    h = Grammar(_disguise(reber_graph, np.random.default_rng(7), ghosts, dead))
    assert np.array_equal(reber.dfa.table, h.dfa.table)
    assert np.array_equal(reber.dfa.accepting, h.dfa.accepting)
    assert reber == h and reber.fingerprint == h.fingerprint


def test_same_language_different_declarations(
    oracle, even_as, even_as_redundant, a_star_b_star, ends_in_ab
):
    pairs = [
        (even_as, even_as_redundant),
        # a*b* as a DFA with no epsilon moves
        (
            a_star_b_star,
            Grammar(oracle.graph_from_edges([(0, 0, "a"), (0, 1, "b"), (1, 1, "b")], 0, [0, 1])),
        ),
        # (a|b)*ab as the textbook 3-state DFA
        (
            ends_in_ab,
            Grammar(
                oracle.graph_from_edges(
                    [(0, 1, "a"), (0, 0, "b"), (1, 1, "a"), (1, 2, "b"), (2, 1, "a"), (2, 0, "b")],
                    0,
                    [2],
                )
            ),
        ),
        # Tomita 1 re-declared with a chain of equivalent states
        (
            library.tomita(1),
            Grammar(
                oracle.graph_from_edges(
                    [(0, 1, "1"), (1, 2, "1"), (2, 0, "1"), (0, 3, "0"), (3, 3, "0"), (3, 3, "1")],
                    0,
                    [0, 1, 2],
                )
            ),
        ),
    ]
    for g, h in pairs:
        assert np.array_equal(g.dfa.table, h.dfa.table)
        assert np.array_equal(g.dfa.accepting, h.dfa.accepting)
        assert g == h and hash(g) == hash(h) and g.fingerprint == h.fingerprint


def test_different_languages_differ(even_as, ends_in_ab, a_star_b_star):
    grammars = [even_as, ends_in_ab, a_star_b_star, library.parity(), library.tomita(5)]
    for g, h in itertools.combinations(grammars, 2):
        assert g != h and g.fingerprint != h.fingerprint


# -- counting --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["parity", "tomita-3", "tomita-4", "tomita-7"])
def test_suffix_counts_by_brute_force(oracle, name):
    dfa = library.get(name).dfa
    counts = dfa.suffix_counts(8)
    assert len(counts) == 9
    for length, row in enumerate(counts):
        for state in range(dfa.n_states):
            expected = sum(
                bool(dfa.accepting[_run(dfa, w, state)])
                for w in itertools.product(dfa.alphabet, repeat=length)
            )
            assert row[state] == expected


def test_counts_are_exact_big_ints():
    dfa = library.parity().dfa
    big = dfa.suffix_counts(500)[500]
    assert [int(x) for x in big] == [2**499, 2**499]
    assert dfa.count(500) == 2**499 and type(dfa.count(500)) is int
    # asking for less after more still answers exactly
    assert dfa.count(3) == 4 and dfa.count(64) == 2**63


@given(data=st.data())
@FAST
def test_counts_of_random_dfas_against_path_dp(oracle, data):
    # A deterministic declaration: accepting paths and accepted words are the same thing.
    G = data.draw(oracle.random_graphs(max_states=10, kinds=("dfa",)))
    g = Grammar(G)
    final = {q for q, flag in G.nodes(data="accepting") if flag}
    edges = list(G.edges(data="symbol"))
    for n in [0, 1, 2, 5, 9, 70]:
        assert g.count(n) == oracle.path_count(edges, G.graph["start"], final, n)


@pytest.mark.parametrize("seed", range(3))
def test_counts_past_int64_with_many_symbols(oracle, seed):
    # 16 symbols: counts cross 2**63 within 16 steps, so the switch to exact ints is exercised
    G = random_graph(30, "0123456789abcdef", seed=seed, accepting=0.5)
    final = {q for q, flag in G.nodes(data="accepting") if flag}
    edges = list(G.edges(data="symbol"))
    g = Grammar(G)
    for n in [15, 16, 17, 40, 90]:
        assert g.count(n) == oracle.path_count(edges, 0, final, n)


@pytest.mark.slow
def test_large_random_dfa_compiles():
    g = Grammar(random_graph(20_000, "0123456789abcdef", seed=0))
    assert g.dfa.table.shape[1] == 16
    _assert_complete_canonical(g.dfa)
