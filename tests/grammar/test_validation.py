"""Declaring grammars: every validation error, names in the messages, round trips."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from grammar import EmptyLanguageError, Grammar, GrammarError


def _valid() -> nx.MultiDiGraph:
    # p -a-> q (accepting): the language {"a"}
    G = nx.MultiDiGraph(start="p")
    G.add_edge("p", "q", symbol="a")
    G.nodes["q"]["accepting"] = True
    return G


def _names_edge(message: str) -> bool:
    return "'p'" in message and "'q'" in message


def test_error_hierarchy():
    assert issubclass(GrammarError, ValueError)
    assert issubclass(EmptyLanguageError, GrammarError)


def test_valid_declaration_builds():
    g = Grammar(_valid())
    assert g.accepts("a") and not g.accepts("")
    assert list(g.strings(3)) == ["a"]


def test_digraph_is_accepted():
    G = nx.DiGraph(start=0)
    G.add_edge(0, 1, symbol="x")
    G.add_edge(1, 0, symbol="y")
    G.nodes[1]["accepting"] = True
    g = Grammar(G)
    assert g.accepts("xyx") and not g.accepts("xy")


# -- start -----------------------------------------------------------------------------


def test_missing_start():
    G = _valid()
    del G.graph["start"]
    with pytest.raises(GrammarError, match="start"):
        Grammar(G)


def test_unknown_start():
    G = _valid()
    G.graph["start"] = "nowhere"
    with pytest.raises(GrammarError, match="'nowhere'"):
        Grammar(G)


def test_unhashable_start():
    G = _valid()
    G.graph["start"] = ["p"]
    with pytest.raises(GrammarError, match="start"):
        Grammar(G)


# -- accepting -------------------------------------------------------------------------


def test_no_accepting_node():
    G = _valid()
    G.nodes["q"]["accepting"] = False
    with pytest.raises(GrammarError, match="accepting"):
        Grammar(G)


def test_empty_graph_is_an_error_not_a_crash():
    with pytest.raises(GrammarError):
        Grammar(nx.MultiDiGraph())


@pytest.mark.parametrize("bad", [0, -1.0, math.nan, math.inf, "x", None])
def test_bad_stop_weight_names_the_node(bad):
    G = _valid()
    G.nodes["q"]["stop_weight"] = bad
    with pytest.raises(GrammarError, match="'q'"):
        Grammar(G)


# -- edges -----------------------------------------------------------------------------


def test_edge_without_symbol_names_the_edge():
    G = _valid()
    G.add_edge("q", "p")
    with pytest.raises(GrammarError, match="symbol") as info:
        Grammar(G)
    assert _names_edge(str(info.value))


@pytest.mark.parametrize("bad", [7, 1.5, b"a", ["a"], ("a",), True])
def test_non_str_symbol_names_the_edge(bad):
    G = _valid()
    G.add_edge("q", "p", symbol=bad)
    with pytest.raises(GrammarError) as info:
        Grammar(G)
    assert _names_edge(str(info.value))


def test_empty_symbol_names_the_edge():
    G = _valid()
    G.add_edge("q", "p", symbol="")
    with pytest.raises(GrammarError) as info:
        Grammar(G)
    assert _names_edge(str(info.value))


@pytest.mark.parametrize(
    "bad", [0, 0.0, -1, math.nan, math.inf, -math.inf, "x", None, "1"], ids=repr
)
def test_bad_weight_names_the_edge(bad):
    G = _valid()
    G.add_edge("q", "p", symbol="b", weight=bad)
    with pytest.raises(GrammarError, match="weight") as info:
        Grammar(G)
    assert _names_edge(str(info.value))


@pytest.mark.parametrize(
    "good", [1, 2.5, 10**6, np.float64(0.25), np.int64(2), np.int32(3), np.float32(0.5)], ids=repr
)
def test_good_weights(good):
    G = _valid()
    G.add_edge("q", "p", symbol="b", weight=good)
    g = Grammar(G)
    weights = {(e.source, e.symbol): e.weight for e in g.declaration.edges}
    assert weights[("q", "b")] == float(good)
    assert weights[("p", "a")] == 1.0


def test_epsilon_edges_are_legal():
    G = _valid()
    G.add_edge("p", "q", symbol=None)
    g = Grammar(G)
    assert g.accepts("") and g.accepts("a")


# -- not a networkx graph --------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", [None, {"start": 0}, [(0, 1, "a")], "G", 3, nx.Graph(start=0), nx.MultiGraph(start=0)]
)
def test_not_a_directed_networkx_graph(bad):
    with pytest.raises(TypeError):
        Grammar(bad)


# -- empty languages are legal ---------------------------------------------------------


def test_empty_language_is_legal(empty_language):
    assert empty_language.count(3) == 0
    assert not empty_language.accepts("a")
    # an accepting island that the start cannot reach: another empty language over {a}
    G = nx.MultiDiGraph(start="s")
    G.add_edge("s", "s", symbol="a")
    G.add_node("island", accepting=True)
    island = Grammar(G)
    assert island == empty_language
    assert island.count(0) == 0 and list(island.strings(4)) == []


# -- constructors and round trips ------------------------------------------------------


def test_from_edges(oracle):
    g = Grammar.from_edges([(0, 1, "a"), (1, 1, "b"), (1, 2, "c", 3.0)], start=0, accepting=[2])
    assert g.accepts("abbc") and not g.accepts("ab")
    weights = {e.symbol: e.weight for e in g.declaration.edges}
    assert weights == {"a": 1.0, "b": 1.0, "c": 3.0}
    same = Grammar(oracle.graph_from_edges([(0, 1, "a"), (1, 1, "b"), (1, 2, "c")], 0, [2]))
    assert g == same


def test_from_edges_start_only():
    g = Grammar.from_edges([], start="s", accepting=["s"])
    assert list(g.strings(5)) == [""]


def test_from_edges_validates():
    with pytest.raises(GrammarError):
        Grammar.from_edges([(0, 1, "a")], start=0, accepting=[])
    with pytest.raises(GrammarError):
        Grammar.from_edges([(0, 1, 5)], start=0, accepting=[1])
    with pytest.raises(GrammarError):
        Grammar.from_edges([(0, 1)], start=0, accepting=[1])


def test_from_edges_accepting_str_is_one_node():
    # a str is one node name, never a collection of one-character nodes
    try:
        g = Grammar.from_edges([("start", "done", "x")], start="start", accepting="done")
    except (TypeError, GrammarError):
        return
    assert g.accepts("x")


def test_numpy_str_symbols_are_plain_symbols():
    # symbols read from numpy arrays are str subclasses: same language, same grammar
    G, H = _valid(), _valid()
    G.add_edge("q", "p", symbol=np.str_("b"))
    H.add_edge("q", "p", symbol="b")
    g, h = Grammar(G), Grammar(H)
    assert g.counterexample(h) is None
    assert g == h and hash(g) == hash(h)


def test_to_graph_round_trip(reber, protocol):
    for g in [reber, protocol]:
        G = g.to_graph()
        assert isinstance(G, nx.MultiDiGraph)
        h = Grammar(G)
        assert h == g
        assert np.array_equal(h.dfa.table, g.dfa.table)


def test_to_graph_keeps_weights_and_stop_weights():
    G = _valid()
    G.add_edge("q", "p", symbol="b", weight=2.5)
    G.nodes["q"]["stop_weight"] = 0.5
    back = Grammar(G).to_graph()
    weights = sorted(w for _, _, w in back.edges(data="weight"))
    assert weights == [1.0, 2.5]
    assert back.nodes["q"]["stop_weight"] == 0.5
    assert back.graph["start"] == "p"


def test_to_graph_is_a_copy(reber):
    G = reber.to_graph()
    G.clear()
    assert reber.accepts("BTXSE")
    assert reber.to_graph().number_of_edges() == 12


def test_later_changes_to_the_input_graph_do_not_leak():
    G = _valid()
    g = Grammar(G)
    G.add_edge("q", "q", symbol="a")
    G.graph["start"] = "q"
    assert g.accepts("a") and not g.accepts("aa") and not g.accepts("")
    assert len(g.declaration.edges) == 1


def test_name_and_description():
    g = Grammar(_valid(), name="just-a", description="the word a")
    assert g.name == "just-a" and g.description == "the word a"
    assert Grammar(_valid()).name is None


# -- flags are booleans (issue 8, #5) --------------------------------------------------


@pytest.mark.parametrize("bad", ["false", "False", "no", "0", "", 0, 1, 1.0, None], ids=repr)
def test_non_bool_accepting_flag_names_the_node(bad):
    # accepting="false" used to make the node accepting: Python reads any non-empty str as true
    G = _valid()
    G.add_node("r", accepting=bad)
    G.add_edge("q", "r", symbol="b")
    with pytest.raises(GrammarError, match=r"node 'r' has accepting=.*must be True or False"):
        Grammar(G)


@pytest.mark.parametrize("good", [True, False, np.True_, np.False_], ids=repr)
def test_bool_and_numpy_bool_flags(good):
    G = _valid()
    G.add_node("r", accepting=good)
    G.add_edge("q", "r", symbol="b")
    assert Grammar(G).accepts("ab") == bool(good)


def test_numpy_bool_array_entries_as_flags():
    G = _valid()
    flags = np.array([False, True])
    G.nodes["q"]["accepting"] = flags[1]
    G.add_node("r", accepting=flags[0])
    assert Grammar(G).accepts("a")


# -- whitespace inside token symbols (issue 8, #3) --------------------------------------


@pytest.mark.parametrize("bad", ["x y", " open", "close\n", "a\tb", "\u2003x"], ids=repr)
def test_token_symbol_with_whitespace_is_refused(bad):
    # with a symbol longer than one character, words are whitespace-separated tokens, so
    # a token holding whitespace would make `grammar sample | grammar check` reject samples
    G = _valid()
    G.add_edge("q", "p", symbol=bad)
    G.add_edge("q", "q", symbol="zz")
    with pytest.raises(GrammarError, match="whitespace") as info:
        Grammar(G)
    message = str(info.value)
    assert repr(bad) in message and "edge 'q' -> 'p'" in message


def test_token_whitespace_refused_by_every_constructor():
    with pytest.raises(GrammarError, match=r"edge 0 -> 1 has symbol 'x y'"):
        Grammar.from_edges([(0, 1, "x y"), (1, 1, "z")], start=0, accepting=[1])
    # a one-character space is a token of the two-character grammar too
    with pytest.raises(GrammarError, match=r"symbol ' '.*such as 'ab'"):
        Grammar.from_edges([(0, 1, " "), (1, 1, "ab")], start=0, accepting=[1])


def test_composed_declarations_obey_the_token_rule():
    from grammar import concat, symbol

    space = symbol(" ")
    assert space.accepts(" ")
    with pytest.raises(GrammarError, match="whitespace"):
        concat(space, symbol("ab"))


def test_single_character_whitespace_symbols_stay_legal():
    g = Grammar.from_edges([(0, 1, " "), (1, 1, "\t"), (1, 2, "\n")], start=0, accepting=[2])
    assert g.single_char and g.alphabet == ("\t", "\n", " ")
    assert g.accepts(" \t\t\n") and not g.accepts(" ")
    assert g.symbols_of(" \t\n") == [" ", "\t", "\n"]


def test_token_words_have_a_lossless_text_form():
    # the property the rule protects: a token word's text form splits back into the word
    g = Grammar.from_edges([(0, 1, "x-y"), (1, 1, "z")], start=0, accepting=[1])
    for word in g.strings(4):
        assert g.accepts(" ".join(word)) and tuple(" ".join(word).split()) == word


# -- the empty language on purpose (issue 14) -------------------------------------------


def test_forgotten_accepting_gets_a_hint():
    G = _valid()
    G.nodes["q"]["accepting"] = False
    with pytest.raises(GrammarError, match=r"no node has accepting=True.*empty=True"):
        Grammar(G)


def test_empty_graph_attribute_declares_the_empty_language():
    G = _valid()
    G.nodes["q"]["accepting"] = False
    G.graph["empty"] = True
    g = Grammar(G)
    assert g.alphabet == ("a",) and g.count(1) == 0 and not g.accepts("a")
    assert g.declaration.accepting == frozenset()
    assert Grammar(g.to_graph()) == g  # the flag travels with the declaration


def test_empty_flag_must_agree_and_be_a_bool():
    G = _valid()
    G.graph["empty"] = True
    with pytest.raises(GrammarError, match=r"empty=True but node 'q' is accepting"):
        Grammar(G)
    G.graph["empty"] = "yes"
    with pytest.raises(GrammarError, match=r"empty='yes'.*must be True or False"):
        Grammar(G)
    with pytest.raises(GrammarError, match="empty=True"):
        Grammar.from_edges([(0, 0, "a")], start=0, accepting=[])
