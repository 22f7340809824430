"""automata-lib interop: ``Grammar.from_automata`` and ``g.to_automata()``.

The oracles are automata-lib's own: its ``accepts_input`` on words, its
subset construction (``DFA.from_nfa``) and its language equality of DFAs,
against random automata from :mod:`grammar.random_grammars`, both ways.
"""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grammar import Grammar, GrammarError, from_automata, library, to_automata
from grammar.random_grammars import random_graph

pytest.importorskip("automata")
from automata.fa.dfa import DFA  # noqa: E402
from automata.fa.gnfa import GNFA  # noqa: E402
from automata.fa.nfa import NFA  # noqa: E402

SETTINGS = settings(max_examples=60, deadline=None)
WORDS = st.lists(st.text("ab", max_size=10), max_size=30)


def nfa_from_graph(G) -> NFA:
    """The declaration as automata-lib's NFA, read straight from the networkx graph."""
    transitions: dict = {node: {} for node in G.nodes}
    for u, v, symbol in G.edges(data="symbol"):
        transitions[u].setdefault("" if symbol is None else symbol, set()).add(v)
    return NFA(
        states=set(G.nodes),
        input_symbols={s for _, _, s in G.edges(data="symbol") if s is not None},
        transitions=transitions,
        initial_state=G.graph["start"],
        final_states={n for n, flag in G.nodes(data="accepting") if flag},
    )


random_nfas = st.builds(
    random_graph,
    st.integers(1, 12),
    st.just("ab"),
    seed=st.integers(0, 2**32 - 1),
    kind=st.just("nfa"),
    epsilon=st.sampled_from([0.0, 0.2, 0.5]),
    density=st.sampled_from([0.5, 1.0, 1.5]),
)
random_dfas = st.builds(
    random_graph,
    st.integers(1, 12),
    st.just("ab"),
    seed=st.integers(0, 2**32 - 1),
    density=st.sampled_from([0.6, 1.0]),
)


# -- from automata-lib ---------------------------------------------------------------------

@SETTINGS
@given(random_nfas, WORDS)
def test_random_nfas_with_epsilon_moves_read_the_same(G, words):
    nfa = nfa_from_graph(G)
    g = Grammar.from_automata(nfa)
    assert g == Grammar(G)
    for word in words:
        assert g.accepts(word) == nfa.accepts_input(word), word


@SETTINGS
@given(random_nfas)
def test_automata_libs_own_subset_construction_reads_the_same(G):
    nfa = nfa_from_graph(G)
    dfa = DFA.from_nfa(nfa)
    assert Grammar.from_automata(dfa) == Grammar.from_automata(nfa) == Grammar(G)
    assert Grammar.from_automata(dfa.minify()) == Grammar(G)


@SETTINGS
@given(random_dfas, WORDS)
def test_partial_dfas_reject_missing_moves(G, words):
    moves: dict = {node: {} for node in G.nodes}
    for u, v, symbol in G.edges(data="symbol"):
        moves[u][symbol] = v
    dfa = DFA(states=set(G.nodes), input_symbols={"a", "b"}, transitions=moves,
              initial_state=0, final_states={n for n, f in G.nodes(data="accepting") if f},
              allow_partial=True)  # fmt: skip
    g = from_automata(dfa)
    assert g == Grammar(G) and g.alphabet == ("a", "b")
    for word in words:
        assert g.accepts(word) == dfa.accepts_input(word), word


# -- to automata-lib -----------------------------------------------------------------------

@SETTINGS
@given(random_nfas, WORDS)
def test_to_automata_accepts_what_the_grammar_accepts(G, words):
    g = Grammar(G)
    dfa, nfa = g.to_automata(), g.to_automata(kind="nfa")
    assert dfa.states == set(range(g.dfa.n_states)) and dfa.initial_state == 0
    assert dfa == DFA.from_nfa(nfa_from_graph(G))  # automata-lib's language equality
    for word in words:
        assert dfa.accepts_input(word) == nfa.accepts_input(word) == g.accepts(word), word


@SETTINGS
@given(random_nfas)
def test_round_trips(G):
    g = Grammar(G)
    assert Grammar.from_automata(g.to_automata()) == g
    assert Grammar.from_automata(g.to_automata(kind="nfa")) == g
    again = Grammar.from_automata(g.to_automata())
    assert again.to_automata() == g.to_automata()


@pytest.mark.parametrize("name", ["reber", "embedded-reber", "parity", "tomita-3", "tomita-5"])
def test_library_round_trips(name):
    g = library.get(name)
    for kind in ("dfa", "nfa"):
        back = to_automata(from_automata(to_automata(g, kind=kind)), kind=kind)
        assert Grammar.from_automata(back) == g


def test_the_nfa_keeps_states_and_epsilon_moves():
    g = Grammar.from_edges([("s", "t", "a"), ("t", "s", None), ("t", "u", "b")],
                           start="s", accepting=["u"])  # fmt: skip
    nfa = g.to_automata(kind="nfa")
    assert nfa.states == {"s", "t", "u"} and nfa.initial_state == "s"
    assert nfa.transitions["t"][""] == {"s"} and nfa.final_states == {"u"}
    assert nfa.accepts_input("aab") and not nfa.accepts_input("ab" + "b")


# -- the empty language, alphabets and symbols ----------------------------------------------

def test_the_empty_language_both_ways():
    empty = Grammar.from_edges([(0, 1, "a"), (1, 0, "b")], start=0, accepting=[], empty=True)
    dfa = empty.to_automata()
    assert dfa.final_states == set() and dfa.input_symbols == {"a", "b"}
    back = Grammar.from_automata(dfa)
    assert back == empty and back.count(2) == 0
    assert back.declaration.graph_attrs["empty"] is True
    nfa = NFA(states={0}, input_symbols={"a"}, transitions={0: {"a": {0}}}, initial_state=0,
              final_states=set())
    assert Grammar.from_automata(nfa).declaration.graph_attrs["empty"] is True
    assert Grammar.from_automata(empty.to_automata(kind="nfa")) == empty


def test_unread_input_symbols_stay_in_the_alphabet():
    nfa = NFA(states={"q", "__sink__"}, input_symbols={"a", "b", "c"},
              transitions={"q": {"a": {"q"}}}, initial_state="q", final_states={"q"})  # fmt: skip
    g = Grammar.from_automata(nfa)
    assert g.alphabet == ("a", "b", "c") and list(g.strings(2)) == ["", "a", "aa"]
    assert "__sink___" in g.declaration.nodes  # a fresh name beside the automaton's own


def test_states_without_moves_are_kept():
    dfa = DFA(states={0, 1, 2}, input_symbols={"a"}, transitions={0: {"a": 1}, 1: {}, 2: {}},
              initial_state=0, final_states={1}, allow_partial=True)  # fmt: skip
    assert set(Grammar.from_automata(dfa).declaration.nodes) == {0, 1, 2}


def test_tokens_and_non_str_symbols():
    dfa = DFA(states={0, 1}, input_symbols={"ab", "c"}, initial_state=0, final_states={1},
              transitions={0: {"ab": 1, "c": 0}, 1: {"ab": 1, "c": 0}})  # fmt: skip
    g = Grammar.from_automata(dfa)
    assert g.accepts(("c", "ab")) and not g.accepts(("ab", "c"))
    assert g.to_automata().accepts_input(["c", "ab"])
    ints = DFA(states={0}, input_symbols={0, 1}, transitions={0: {0: 0, 1: 0}},
               initial_state=0, final_states={0})  # fmt: skip
    assert Grammar.from_automata(ints).alphabet == ("0", "1")
    clash = DFA(states={0}, input_symbols={1, "1"}, transitions={0: {1: 0, "1": 0}},
                initial_state=0, final_states={0})  # fmt: skip
    with pytest.raises(GrammarError, match="are both '1' as text"):
        Grammar.from_automata(clash)


def test_wrong_objects_and_kinds():
    with pytest.raises(TypeError, match="an automata-lib DFA or NFA is needed, not str"):
        Grammar.from_automata("ab")
    gnfa = GNFA.from_nfa(NFA(states={0}, input_symbols={"a"}, transitions={0: {"a": {0}}},
                             initial_state=0, final_states={0}))
    with pytest.raises(TypeError, match="not GNFA"):
        Grammar.from_automata(gnfa)
    with pytest.raises(GrammarError, match="kind='gnfa'; use 'dfa' or 'nfa'"):
        library.parity().to_automata(kind="gnfa")


def test_missing_automata_lib_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "automata.fa.dfa", None)  # makes the import fail
    with pytest.raises(ImportError, match=r"pip install grammarlab\[automata\]"):
        library.parity().to_automata()
