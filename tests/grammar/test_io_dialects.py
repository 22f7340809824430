"""DOT as automata-learning tools write it (AALpy, LearnLib, FlexFringe, the Automata Wiki),
and AALpy's automata in and out.

The files below are written by hand in each tool's layout; languages are checked against
the hand-derived regular expressions of conftest with re.fullmatch, and against AALpy
running the words itself where AALpy is installed.
"""

from __future__ import annotations

import itertools
import random
import re

import networkx as nx
import pytest

from grammar import Grammar, GrammarError, from_aalpy, from_dot, library, to_aalpy, to_dot


def words(alphabet: str, max_length: int):
    for n in range(max_length + 1):
        yield from ("".join(w) for w in itertools.product(alphabet, repeat=n))


def assert_language(g: Grammar, pattern: str, alphabet: str = "01", max_length: int = 8) -> None:
    for word in words(alphabet, max_length):
        assert g.accepts(word) == bool(re.fullmatch(pattern, word)), word


# Tomita 4 (no "000") as AALpy's save_automaton_to_file lays it out: one statement a line,
# non-accepting states without a shape, `__start0` with shape none after the transitions.
AALPY_TOMITA_4 = """digraph tomita4 {
s0 [label="s0", shape=doublecircle];
s1 [label="s1", shape=doublecircle];
s2 [label="s2", shape=doublecircle];
s3 [label="s3"];
s0 -> s1 [label="0"];
s0 -> s0 [label="1"];
s1 -> s2 [label="0"];
s1 -> s0 [label="1"];
s2 -> s3 [label="0"];
s2 -> s0 [label="1"];
s3 -> s3 [label="0"];
s3 -> s3 [label="1"];
__start0 [label="", shape=none];
__start0 -> s0  [label=""];
}
"""

# Tomita 2, (10)*, in the Automata Wiki's syntax (FlexFringe's test DFAs use it too):
# quoted attribute values without commas, no semicolons, the start marker first.
WIKI_TOMITA_2 = """digraph g {
    __start0 [label="" shape="none"]
    s0 [shape="doublecircle" label="s0"]
    s1 [shape="circle" label="s1"]
    s2 [shape="circle" label="s2"]
    __start0 -> s0
    s0 -> s1[label="1"]
    s0 -> s2[label="0"]
    s1 -> s0[label="0"]
    s1 -> s2[label="1"]
    s2 -> s2[label="0"]
    s2 -> s2[label="1"]
}
"""

# LearnLib's GraphDOT layout with multi-character input symbols: open (read|write)* close.
LEARNLIB_PROTOCOL = """digraph g {

\ts0 [shape="circle" label="0"];
\ts1 [shape="circle" label="1"];
\ts2 [shape="doublecircle" label="2"];
\ts0 -> s1 [label="open"];
\ts1 -> s1 [label="read"];
\ts1 -> s1 [label="write"];
\ts1 -> s2 [label="close"];

__start0 [label="" shape="none" width="0" height="0"];
__start0 -> s0;

}
"""


def test_aalpy_layout_tomita_4(oracle):
    g = from_dot(AALPY_TOMITA_4)
    assert g.name == "tomita4"
    assert g == library.tomita(4)
    assert_language(g, oracle.TOMITA_RE[4])


def test_automata_wiki_layout_tomita_2(oracle):
    g = from_dot(WIKI_TOMITA_2)
    assert g == library.tomita(2)
    assert_language(g, oracle.TOMITA_RE[2])


def test_learnlib_layout_with_token_symbols():
    g = from_dot(LEARNLIB_PROTOCOL)
    assert not g.single_char and g.alphabet == ("close", "open", "read", "write")
    tokens = ("open", "read", "write", "close")
    for n in range(5):
        for word in itertools.product(tokens, repeat=n):
            expected = bool(re.fullmatch("open(?: read| write)* close", " ".join(word)))
            assert g.accepts(word) == expected, word


def test_point_and_none_shaped_start_markers():
    # a nameless point-shaped node with one arrow, as several DFA drawing libraries write
    point = (
        'digraph { "" [shape=point]; "" -> "1"; "2" [shape=doublecircle]; '
        '"1" -> "2" [label="b"]; "2" -> "1" [label="a"] }'
    )
    g = from_dot(point)
    assert g.declaration.nodes == ("1", "2") and g.declaration.start == "1"
    assert_language(g, "b(?:ab)*", "ab", 7)
    none = (
        'digraph { init [shape=none, label=""]; init -> q; q -> q [label=x]; '
        "q [shape=doublecircle] }"
    )
    assert from_dot(none).declaration.nodes == ("q",)


def test_a_shaped_state_with_a_labelled_edge_is_not_a_marker():
    # `none`-shaped, but its one edge reads a symbol: a state, not a start marker
    text = 'digraph { __start__ -> p; p [shape=none]; p -> q [label=a]; q [shape=doublecircle] }'
    assert from_dot(text).declaration.nodes == ("p", "q")


def test_several_start_markers_make_several_start_states():
    text = (
        "digraph { __start0 -> a; __start1 -> b; a -> c [label=x]; b -> c [label=y]; "
        "c [shape=doublecircle] }"
    )
    g = from_dot(text)
    assert list(g.strings(3)) == ["x", "y"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("digraph { __start0 -> a; __start0 -> b; a [shape=doublecircle] }", "has 2 out-edges"),
        ("digraph { __start0; a -> a [label=x] }", "'__start0' has no out-edge"),
        ("digraph { __start0 -> a; a -> __start0 [label=x] }", "enters '__start0'"),
        ("digraph { start=b; __start0 -> a; a -> b [label=x] }", "start='b' disagrees"),
    ],
)
def test_marker_errors(text, message):
    with pytest.raises(GrammarError, match=re.escape(message)):
        from_dot(text)


def test_tool_files_without_double_circles_are_the_empty_language():
    g = from_dot(WIKI_TOMITA_2.replace('"doublecircle"', '"circle"'))
    assert g.count(0) == 0 and list(g.strings(6)) == [] and g.alphabet == ("0", "1")


def test_to_dot_aalpy_dialect_reads_back_here():
    for g in (library.tomita(3), library.reber(), library.file_protocol()):
        text = to_dot(g, dialect="aalpy")
        assert "__start0 -> s0" in text and text.count("[label=") > 1
        assert from_dot(text) == g
        assert g.to_dot(dialect="aalpy") == text


def test_to_dot_aalpy_refuses_what_aalpy_cannot_read():
    for bad in ['"', "\\", "{x}"]:
        g = Grammar.from_edges([(0, 1, bad), (1, 1, "ok")], start=0, accepting=[1])
        with pytest.raises(GrammarError, match=re.escape(repr(bad))):
            to_dot(g, dialect="aalpy")
    with pytest.raises(GrammarError, match="dialect='graphviz'"):
        to_dot(library.parity(), dialect="graphviz")


# -- AALpy objects ------------------------------------------------------------------------


class FakeState:
    """The attributes from_aalpy reads, without AALpy installed."""

    def __init__(self, state_id, is_accepting=False):
        self.state_id, self.is_accepting, self.transitions = state_id, is_accepting, {}


class FakeDfa:
    def __init__(self, initial_state, states):
        self.initial_state, self.states = initial_state, states


def fake_tomita_1() -> FakeDfa:
    # 1*: int inputs, as AALpy's DOT reader makes them from digit labels
    ok, dead = FakeState("q0", True), FakeState("q1")
    ok.transitions = {1: ok, 0: dead}
    dead.transitions = {1: dead, 0: dead}
    return FakeDfa(ok, [ok, dead])


def test_from_aalpy_without_aalpy(oracle):
    g = from_aalpy(fake_tomita_1(), name="t1")
    assert g.name == "t1" and g.alphabet == ("0", "1") and g == library.tomita(1)
    assert_language(g, oracle.TOMITA_RE[1])


def test_from_aalpy_errors():
    with pytest.raises(TypeError, match="AALpy Dfa"):
        from_aalpy(nx.MultiDiGraph())
    dfa = fake_tomita_1()
    dfa.states[0].transitions["1"] = dfa.states[0]  # 1 and "1" print alike
    with pytest.raises(GrammarError, match="both '1'"):
        from_aalpy(dfa)


def test_from_aalpy_with_no_accepting_state_is_empty():
    dfa = fake_tomita_1()
    dfa.states[0].is_accepting = False
    g = Grammar.from_aalpy(dfa)
    assert g.count(0) == 0 and g.alphabet == ("0", "1")


def _run_aalpy(dfa, word) -> bool:
    dfa.reset_to_initial()
    output = dfa.initial_state.is_accepting
    for symbol in word:
        output = dfa.step(symbol)
    return output


@pytest.mark.parametrize("name", ["tomita-3", "tomita-5", "reber", "file-protocol", "parity"])
def test_aalpy_round_trips(name, tmp_path):
    aalpy_files = pytest.importorskip("aalpy.utils", reason="AALpy is an optional extra")
    g = library.get(name)
    dfa = to_aalpy(g)
    assert from_aalpy(dfa) == g
    # AALpy runs the words itself: an oracle independent of the grammar's DFA
    for word in itertools.islice(words("".join(g.alphabet), 6), 2000) if g.single_char else ():
        assert _run_aalpy(dfa, word) == g.accepts(word), word
    # AALpy's own reader loads what to_dot(dialect="aalpy") writes ...
    path = tmp_path / "model.dot"
    path.write_text(to_dot(g, dialect="aalpy"), encoding="utf-8")
    loaded = aalpy_files.load_automaton_from_file(str(path), "dfa")
    assert from_aalpy(loaded) == g
    # ... and from_dot loads what AALpy's own writer saves
    aalpy_files.save_automaton_to_file(loaded, str(tmp_path / "saved"), file_type="dot")
    assert from_dot(tmp_path / "saved.dot") == g


def test_aalpy_random_dfas_both_ways(tmp_path):
    aalpy_files = pytest.importorskip("aalpy.utils", reason="AALpy is an optional extra")
    for seed in range(5):
        random.seed(seed)  # AALpy draws from the random module
        dfa = aalpy_files.generate_random_dfa(
            num_states=6, alphabet=["a", "b", "cc"], num_accepting_states=2
        )
        g = from_aalpy(dfa)
        for n in range(5):
            for word in itertools.product(["a", "b", "cc"], repeat=n):
                assert _run_aalpy(dfa, word) == g.accepts(word), word
        path = tmp_path / f"r{seed}"
        aalpy_files.save_automaton_to_file(dfa, str(path), file_type="dot")
        assert from_dot(path.with_suffix(".dot")) == g
