"""The empty language, declared on purpose through every loader, and every query on it.

A declaration with no accepting node is refused as a forgotten ``accepting=True`` unless
it says ``empty=True``; formats that list their final states explicitly (AT&T, AALpy,
DOT from the learning tools) need no flag. Each loader below declares {} over {0, 1}.
"""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest

from grammar import (
    EmptyLanguageError,
    Grammar,
    GrammarError,
    from_aalpy,
    from_att,
    from_dot,
    from_json,
    from_pyformlang_graph,
    library,
    to_att,
    to_dot,
    to_json,
)
from grammar.graph import declaration_from_edges

EDGES = [(0, 1, "0"), (1, 0, "1"), (1, 1, "0")]  # a cycle over {0, 1}, no final state


def from_networkx() -> Grammar:
    G = nx.MultiDiGraph(start=0, empty=True)
    G.add_edges_from((u, v, {"symbol": s}) for u, v, s in EDGES)
    return Grammar(G)


def from_declaration() -> Grammar:
    empty = {"empty": True}
    return Grammar(declaration_from_edges(EDGES, start=0, accepting=[], graph_attrs=empty))


def from_dot_flag() -> Grammar:
    return from_dot(
        'digraph { empty=true; __start__ -> 0; 0 -> 1 [label="0"]; 1 -> 0 [label="1"]; '
        '1 -> 1 [label="0"] }'
    )


def from_dot_learning_tool() -> Grammar:
    return from_dot(
        'digraph g {\n__start0 [label="" shape="none"]\ns0 [shape="circle" label="s0"]\n'
        's1 [shape="circle" label="s1"]\n__start0 -> s0\ns0 -> s1[label="0"]\n'
        's1 -> s0[label="1"]\ns1 -> s1[label="0"]\n}'
    )


def from_json_flag() -> Grammar:
    edges = [{"source": u, "target": v, "symbol": s} for u, v, s in EDGES]
    return from_json(json.dumps({"start": 0, "accepting": [], "edges": edges, "empty": True}))


def from_att_without_finals() -> Grammar:
    return from_att("0\t1\t0\t0\n1\t0\t1\t1\n1\t1\t0\t0\n")


def from_pyformlang_flag() -> Grammar:
    G = nx.MultiDiGraph(empty=True)
    G.add_node(0, is_start=True, is_final=False)
    G.add_node(1, is_start=False, is_final=False)
    G.add_edges_from((u, v, {"label": s}) for u, v, s in EDGES)
    return from_pyformlang_graph(G)


class _State:
    def __init__(self, name):
        self.state_id, self.is_accepting, self.transitions = name, False, {}


class _Dfa:
    def __init__(self):
        q0, q1 = _State("q0"), _State("q1")
        q0.transitions = {"0": q1, "1": q0}
        q1.transitions = {"0": q1, "1": q0}
        self.initial_state, self.states = q0, [q0, q1]


def from_aalpy_object() -> Grammar:
    return from_aalpy(_Dfa())


LOADERS = [
    from_networkx,
    from_declaration,
    from_dot_flag,
    from_dot_learning_tool,
    from_json_flag,
    from_att_without_finals,
    from_pyformlang_flag,
    from_aalpy_object,
]


@pytest.fixture(params=LOADERS, ids=lambda f: f.__name__)
def empty(request) -> Grammar:
    return request.param()


def test_every_loader_declares_the_empty_language_over_0_1(empty):
    assert empty.alphabet == ("0", "1")
    assert not empty.declaration.accepting
    assert empty == from_networkx()


def test_counting_and_listing(empty):
    assert [empty.count(n) for n in (0, 1, 5, 40)] == [0, 0, 0, 0]
    assert list(empty.strings(8)) == []
    assert not any(empty.accepts(w) for w in ["", "0", "01", "0101"])


def test_generation_raises_empty_language_error(empty):
    with pytest.raises(EmptyLanguageError):
        empty.sample(3, seed=0)
    with pytest.raises(EmptyLanguageError):
        empty.sample_uniform(3, length=4, seed=0)
    with pytest.raises(EmptyLanguageError):
        empty.near_misses(3, seed=0)
    assert issubclass(EmptyLanguageError, GrammarError)


def test_counterexample_against_non_empty_grammars(empty, oracle):
    # the shortest member of the other language, shortlex-first
    assert empty.counterexample(library.tomita(1)) == ""
    assert library.tomita(2).counterexample(empty) == ""
    assert empty.counterexample(library.tomita(5)) == ""
    first_reber = next(
        "".join(w)
        for w in oracle.words_upto("BEPSTVX", 5)
        if re.fullmatch(oracle.REBER_RE, "".join(w))
    )
    assert empty.counterexample(library.reber()) == first_reber == "BPVVE"
    assert empty.counterexample(from_networkx()) is None


@pytest.mark.parametrize(("write", "read"), [(to_dot, from_dot), (to_json, from_json)])
def test_round_trips_keep_the_flag(empty, write, read):
    back = read(write(empty))
    assert back == empty and back.alphabet == ("0", "1") and not back.declaration.accepting


def test_att_and_aalpy_dialect_round_trips(empty):
    assert from_att(to_att(empty)) == empty
    assert from_dot(to_dot(empty, dialect="aalpy")) == empty
    assert from_att(to_att(empty)).alphabet == ("0", "1")


def test_an_empty_att_file_is_an_automaton_without_states(tmp_path):
    path = tmp_path / "nothing.att"
    path.write_text("")
    g = from_att(path)
    assert g.alphabet == () and g.count(0) == 0 and g.name == "nothing"


def test_forgetting_accepting_is_still_caught_with_a_hint():
    with pytest.raises(GrammarError, match=r"no node has accepting=True.*empty=True"):
        from_dot('digraph { __start__ -> 0; 0 -> 1 [label="0"] }')
    with pytest.raises(GrammarError, match=r"no node has accepting=True.*empty=True"):
        from_json('{"start": 0, "accepting": [], "edges": []}')
    with pytest.raises(GrammarError, match=r"no node has is_final=True.*empty=True"):
        G = nx.MultiDiGraph()
        G.add_node(0, is_start=True, is_final=False)
        from_pyformlang_graph(G)
    with pytest.raises(GrammarError, match=r"'empty' must be bool"):
        from_json('{"start": 0, "accepting": [], "edges": [], "empty": "yes"}')
