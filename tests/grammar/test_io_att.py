"""AT&T text acceptors (OpenFst, pynini, MLRegTest): round trips, malformed files, symbol
tables, and equality with the same language declared in networkx.

The oracle for files is a naive reading of their lines straight into a networkx graph,
simulated by conftest's set-of-states NFA; it never calls the loader under test.
"""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grammar import Grammar, GrammarError, from_att, library, load, to_att

MLREGTEST = Path(__file__).resolve().parents[3] / "shared" / "data" / "mlregtest"
MLREGTEST_FILES = {  # file: (minimal DFA states, alphabet size), from the data's README
    "04.04.LTT.6.2.4.att": (53, 4),
    "04.03.TLT.6.1.1.att": (26, 4),
    "16.04.TLT.6.1.3.att": (31, 16),
}


def naive_graph(text: str) -> nx.MultiDiGraph:
    """An AT&T acceptor with string labels and no weights, read line by line."""
    G = nx.MultiDiGraph()
    for line in text.splitlines():
        fields = line.split("\t")
        G.graph.setdefault("start", fields[0])
        G.add_node(fields[0])
        if len(fields) == 1:
            G.nodes[fields[0]]["accepting"] = True
        else:
            G.add_edge(fields[0], fields[1], symbol=fields[2])
    return G


def assert_same_words(g: Grammar, G: nx.MultiDiGraph, oracle, max_length: int) -> None:
    naive = oracle.NaiveNFA(G)
    assert g.alphabet == naive.alphabet
    for word in oracle.words_upto(naive.alphabet, max_length):
        assert g.accepts(word) == naive.accepts(word), word


# -- round trips ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", library.names())
def test_builtins_round_trip(name, oracle):
    g = library.get(name)
    text = to_att(g)
    back = from_att(text)
    assert back == g and back.alphabet == g.alphabet
    assert text.splitlines()[0].startswith("0\t")  # the start state comes first
    assert_same_words(back, naive_graph(text), oracle, 4)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_grammars_round_trip(data, oracle):
    G = data.draw(oracle.random_graphs(max_states=6, alphabet="abc"))
    g = Grammar(G)
    back = from_att(to_att(g))
    assert back == g
    naive = oracle.NaiveNFA(G)
    for word in oracle.words_upto(naive.alphabet, 4):
        assert back.accepts(word) == naive.accepts(word), word


def test_file_and_method_forms(tmp_path, reber):
    path = tmp_path / "reber.att"
    path.write_text(reber.to_att(), encoding="utf-8")
    for g in (from_att(path), from_att(str(path)), Grammar.from_att(path), load(str(path))):
        assert g == reber and g.name == "reber"
    with open(path, encoding="utf-8") as stream:
        assert from_att(stream, name="r", description="d").description == "d"


# -- the same language declared in networkx -------------------------------------------------

# "contains the factor ab" over {a, b}, with the forms OpenFst and pynini write: tabs or
# spaces, the 3-field acceptor form, 5 fields with a weight, a weighted final state.
CONTAINS_AB = "0\t0\tb\tb\n0 1 a a\n1\t1\ta\n1\t2\tb\tb\t0.5\n2\t2\ta\ta\n2\t2\tb\n2\t0\n"


def test_equal_to_the_networkx_declaration(oracle):
    G = nx.MultiDiGraph(start="s")
    G.add_edges_from(
        [("s", "s", {"symbol": "a"}), ("s", "s", {"symbol": "b"}), ("s", "x", {"symbol": "a"}),
         ("x", "y", {"symbol": "b"}), ("y", "y", {"symbol": "a"}), ("y", "y", {"symbol": "b"})]
    )  # fmt: skip
    G.nodes["y"]["accepting"] = True
    g = from_att(CONTAINS_AB)
    assert g == Grammar(G)
    assert g.declaration.start == 0 and g.declaration.accepting == frozenset({2})
    for word in oracle.words_upto("ab", 7):
        assert g.accepts(word) == ("ab" in "".join(word)), word


def test_symbol_table_epsilon_and_infinite_weights(tmp_path):
    # integer labels with an OpenFst symbol table; 0 is <eps>; an arc or a final state of
    # infinite cost is absent, as in the tropical semiring
    table = tmp_path / "syms.txt"
    table.write_text("<eps>\t0\nopen\t1\nclose\t2\nread\t3\n")
    text = "0\t1\t1\t1\n1\t1\t3\t3\n1\t2\t2\t2\n2\t3\t0\t0\n1\t3\t2\t2\tInfinity\n3\n2\tinf\n"
    g = from_att(text, symbols=table)
    assert g.alphabet == ("close", "open", "read")
    assert g.accepts(("open", "read", "close")) and not g.accepts(("open",))
    assert g == from_att(text, symbols={0: "<eps>", 1: "open", 2: "close", 3: "read"})
    spelled = "0\t1\topen\topen\n1\t1\tread\n1\t2\tclose\n2\t3\t<eps>\n3\n"
    assert from_att(spelled, symbols=table) == g == from_att(spelled)


# -- malformed files: each names the file and the line --------------------------------------

BAD_ATT = {
    "transducer": ("0\t1\ta\tb\n1\n", r"line 1: input 'a' and output 'b' differ"),
    "too many fields": ("0\t1\ta\ta\t1\tx\n", r"line 1: 6 fields"),
    "arc weight": ("0\t1\ta\ta\theavy\n1\n", r"line 1: weight 'heavy' is not a number"),
    "final weight": ("0\t1\ta\n1\theavy\n", r"line 2: final weight 'heavy' is not a number"),
    "4-field weight": ("0\t1\ta\n1\t1\tb\tc\n", r"line 2: input 'b' and output 'c' differ"),
}


@pytest.mark.parametrize("case", BAD_ATT)
def test_malformed_att_names_file_and_line(case, tmp_path):
    text, problem = BAD_ATT[case]
    path = tmp_path / "bad.att"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GrammarError, match=re.escape(str(path)) + ": " + problem):
        from_att(path)
    with pytest.raises(GrammarError, match=re.escape(str(path)) + ": "):
        load(str(path))


def test_malformed_symbol_tables(tmp_path):
    table = tmp_path / "bad.syms"
    table.write_text("a\t1\nb\n")
    with pytest.raises(GrammarError, match=re.escape(str(table)) + r": line 2: 'b'"):
        from_att("0\t1\t1\n1\n", symbols=table)
    table.write_text("a\t1\nb\t1\n")
    with pytest.raises(GrammarError, match=r"line 2: integer 1 is given twice"):
        from_att("0\t1\t1\n1\n", symbols=table)
    with pytest.raises(GrammarError, match=r"<AT&T text>: line 1: label '7' is not in"):
        from_att("0\t1\t7\n1\n", symbols={1: "a"})
    with pytest.raises(TypeError):
        from_att("0\t1\t1\n1\n", symbols={"1": "a"})
    with pytest.raises(GrammarError, match="no such file"):
        from_att(tmp_path / "missing.att")


def test_four_fields_are_input_and_output():
    # four fields are always input and output (a weight is the fifth field): the old guess,
    # "label and weight when the last is a number", read the transducer arc 3:4 as label 3
    assert from_att("0\t1\t7\t7\n1\n").alphabet == ("7",)
    for text in ("0\t1\ta\t2.5\n1\n", "0\t1\t3\t4\n1\n"):
        with pytest.raises(GrammarError, match=r"<AT&T text>: line 1: input '.+' and output"):
            from_att(text)
    assert from_att("0\t1\ta\t2.5\n1\n", project="input").alphabet == ("a",)


def test_symbols_att_cannot_hold_are_refused():
    g = Grammar.from_edges([(0, 1, "<eps>"), (1, 1, "zz")], start=0, accepting=[1])
    with pytest.raises(GrammarError, match="'<eps>' cannot be an AT&T label"):
        to_att(g)
    with pytest.raises(GrammarError, match="' '"):
        to_att(Grammar.from_edges([(0, 1, " ")], start=0, accepting=[1]))


# -- MLRegTest's acceptors ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(MLREGTEST_FILES))
def test_mlregtest_acceptors(name, oracle):
    path = MLREGTEST / name
    if not path.exists():
        pytest.skip(f"{path} is not present (shared MLRegTest data)")
    states, n_symbols = MLREGTEST_FILES[name]
    g = from_att(path)
    assert g.name == name.removesuffix(".att")
    assert g.dfa.n_states == states and len(g.alphabet) == n_symbols
    assert_same_words(g, naive_graph(path.read_text()), oracle, 3 if n_symbols > 4 else 5)
    assert load(str(path)) == g == from_att(to_att(g))


def test_the_empty_language_round_trips_through_empty_text():
    # no symbols and no final state: no lines at all, and "" is text, never a path
    G = nx.MultiDiGraph(start=0, empty=True)
    G.add_node(0)
    g = Grammar(G)
    assert to_att(g) == ""
    back = from_att(to_att(g))
    assert back == g and back.count(0) == 0
