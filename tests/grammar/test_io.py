"""DOT and JSON files, pyformlang graphs and `load`: round trips and every malformed file.

Languages are compared with the naive set-of-states simulation of conftest (an oracle
that never touches the compiled DFA) as well as with ``==``; weights are compared edge
by edge on the declarations.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grammar import (
    Grammar,
    GrammarError,
    from_dot,
    from_json,
    from_pyformlang_graph,
    library,
    load,
    to_dot,
    to_json,
)

FORMATS = {"dot": (to_dot, from_dot), "json": (to_json, from_json)}


def weighted_edges(g: Grammar) -> list[tuple[str, str, str, float]]:
    """The declared edges with their weights, node labels as text (DOT keeps only text)."""
    return sorted(
        ((str(e.source), str(e.target), e.symbol or "", e.weight) for e in g.declaration.edges),
    )


def stop_weights(g: Grammar) -> dict[str, float]:
    return {str(node): w for node, w in g.declaration.stop_weights.items()}


def assert_same_language(g: Grammar, h: Grammar, oracle, max_length: int) -> None:
    first, second = oracle.NaiveNFA(g.to_graph()), oracle.NaiveNFA(h.to_graph())
    assert first.alphabet == second.alphabet
    for word in oracle.words_upto(first.alphabet, max_length):
        assert first.accepts(word) == second.accepts(word), word
    assert g == h


def assert_round_trip(g: Grammar, fmt: str, oracle, max_length: int = 4) -> Grammar:
    write, read = FORMATS[fmt]
    back = read(write(g))
    assert_same_language(g, back, oracle, max_length)
    assert weighted_edges(back) == weighted_edges(g)
    assert stop_weights(back) == stop_weights(g)
    assert {str(n) for n in back.declaration.accepting} == {str(n) for n in g.declaration.accepting}
    assert str(back.declaration.start) == str(g.declaration.start)
    assert (back.name, back.description) == (g.name, g.description)
    return back


# -- round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", library.names())
def test_builtins_round_trip(name, fmt, oracle):
    g = library.get(name)
    back = assert_round_trip(g, fmt, oracle)
    # the declaration order of the states survives too
    assert [str(n) for n in back.declaration.nodes] == [str(n) for n in g.declaration.nodes]


def test_json_keeps_int_and_str_labels_dot_makes_them_text():
    g = Grammar.from_edges([(0, "a", "x"), ("a", 0, "y")], start=0, accepting=["a"])
    assert from_json(to_json(g)).declaration.nodes == (0, "a")
    assert from_dot(to_dot(g)).declaration.nodes == ("0", "a")


# A symbol or node name: any text, including DOT's and JSON's special characters.
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=3)
_SPECIAL = st.sampled_from(['"', "\\", '\\"', "ε", "node", "->", "a b", "\n", "\r", "{", "'"])
# Symbols: any characters in a single-character grammar; tokens hold no whitespace, because
# a token word's text form separates its symbols by whitespace.
_CHAR = st.one_of(st.sampled_from(['"', "\\", "ε", "\n", "\r", " ", "{", "'"]), _TEXT.map(min))
_TOKEN = st.one_of(_SPECIAL, _TEXT).filter(lambda s: not any(ch.isspace() for ch in s))
_SYMBOLS = st.one_of(
    st.lists(_CHAR, min_size=1, max_size=4, unique=True),
    st.lists(_TOKEN, min_size=1, max_size=4, unique=True),
)
_WEIGHTS = st.one_of(
    st.just(1.0), st.floats(1e-9, 1e9, allow_nan=False, allow_infinity=False, exclude_min=False)
)


@st.composite
def weighted_grammars(draw, oracle) -> Grammar:
    """Random DFAs/NFAs (epsilon moves included) with random weights, stop weights and labels."""
    G = draw(oracle.random_graphs(max_states=6, alphabet="abc"))
    symbols = draw(_SYMBOLS)
    names = draw(
        st.lists(
            st.one_of(st.integers(-5, 50), _TEXT), min_size=len(G), max_size=len(G), unique_by=str
        )
    )
    G = nx.relabel_nodes(G, dict(zip(sorted(G.nodes), names, strict=True)))
    G.graph["start"] = names[0]
    for _, _, data in G.edges(data=True):
        if data["symbol"] is not None:
            data["symbol"] = symbols["abc".index(data["symbol"]) % len(symbols)]
        data["weight"] = draw(_WEIGHTS)
    for node, flag in G.nodes(data="accepting"):
        if flag and draw(st.booleans()):
            G.nodes[node]["stop_weight"] = draw(_WEIGHTS)
    return Grammar(
        G, name=draw(st.one_of(st.none(), _TEXT)), description=draw(st.one_of(st.just(""), _TEXT))
    )


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_grammars_round_trip(fmt, data, oracle):
    g = data.draw(weighted_grammars(oracle))
    assert_round_trip(g, fmt, oracle, max_length=3)


def test_label_clashes_are_numbered(oracle):
    # 1 and "1" print alike, and "__start__" is DOT's start marker: both force numbering
    g = Grammar.from_edges(
        [(1, "1", "a"), ("1", "__start__", "b"), ("__start__", 1, "c")], start=1, accepting=["1"]
    )
    for fmt in FORMATS:
        back = FORMATS[fmt][1](FORMATS[fmt][0](g))
        assert_same_language(g, back, oracle, 5)
    assert from_json(to_json(g)).declaration.nodes == (0, 1, 2)


def test_tuple_labels_become_text(oracle):
    g = Grammar.from_edges([((0, "x"), (1, "y"), "a")], start=(0, "x"), accepting=[(1, "y")])
    back = from_json(to_json(g))
    assert back.declaration.start == "(0, 'x')"
    assert_same_language(g, back, oracle, 3)


def test_grammar_methods_delegate_here(reber):
    assert Grammar.from_dot(reber.to_dot()) == reber
    assert Grammar.from_json(reber.to_json()) == reber


# -- sources and names ---------------------------------------------------------------------------


def test_sources_path_str_text_and_open_file(tmp_path, reber):
    path = tmp_path / "my-reber.dot"
    path.write_text(to_dot(reber).replace("digraph reber", "digraph"), encoding="utf-8")
    for source in (path, str(path), path.read_text(encoding="utf-8")):
        assert from_dot(source) == reber
    with open(path, encoding="utf-8") as stream:
        assert from_dot(stream).name == "my-reber"  # anonymous graph: the file's stem
    assert from_dot(path).name == "my-reber"
    assert from_dot(path, name="other", description="d").name == "other"
    assert from_dot(to_dot(reber)).name == "reber"  # the graph ID
    assert from_json(io.StringIO(to_json(reber))) == reber
    assert from_dot(io.BytesIO(to_dot(reber).encode())) == reber  # a file opened in binary mode
    with pytest.raises(TypeError):
        from_dot(42)


def test_json_name_defaults_to_stem(tmp_path):
    path = tmp_path / "one-a.json"
    path.write_text(
        '{"start": 0, "accepting": [1], "edges": [{"source": 0, "target": 1, "symbol": "a"}]}'
    )
    g = from_json(path)
    assert (g.name, g.description) == ("one-a", "")
    assert [g.accepts(w) for w in ("", "a", "aa")] == [False, True, False]


def test_load_names_and_paths(tmp_path, reber):
    assert load("reber") == reber
    assert load("embedded_reber") == library.embedded_reber()
    for suffix, write in ((".dot", to_dot), (".gv", to_dot), (".json", to_json)):
        path = tmp_path / f"g{suffix}"
        path.write_text(write(reber), encoding="utf-8")
        assert load(str(path)) == reber
        assert load(path) == reber
    other = tmp_path / "g.txt"
    other.write_text("x")
    with pytest.raises(GrammarError, match=r"g\.txt: unknown grammar file type '\.txt'"):
        load(str(other))
    with pytest.raises(GrammarError, match=r"missing\.dot: no such file"):
        load(str(tmp_path / "missing.dot"))
    with pytest.raises(GrammarError, match=r"no built-in grammar named 'nope'.*\.dot or \.json"):
        load("nope")
    with pytest.raises(TypeError):
        load(3)


# -- DOT as graphviz users write it ---------------------------------------------------------------

# Graphviz's gallery "finite state machine" (fsm.gv), as it is distributed; its accepting
# states are set by a default statement and its symbols are multi-character tokens.
GRAPHVIZ_FSM = """digraph finite_state_machine {
    fontname="Helvetica,Arial,sans-serif"
    rankdir=LR;
    node [shape = doublecircle]; 0 3 4 8;
    node [shape = circle];
    0 -> 2 [label = "SS(B)"];
    0 -> 1 [label = "SS(S)"];
    1 -> 3 [label = "S($end)"];
    2 -> 6 [label = "SS(b)"];
    2 -> 5 [label = "SS(a)"];
    2 -> 4 [label = "S(A)"];
    5 -> 7 [label = "S(b)"];
    5 -> 5 [label = "S(a)"];
    6 -> 6 [label = "S(b)"];
    6 -> 5 [label = "S(a)"];
    7 -> 8 [label = "S(b)"];
    7 -> 5 [label = "S(a)"];
    8 -> 6 [label = "S(b)"];
    8 -> 5 [label = "S(a)"];
}"""


def test_graphviz_fsm_with_default_statements(oracle):
    g = from_dot(GRAPHVIZ_FSM.replace("rankdir=LR;", "rankdir=LR; start=0;"))
    assert g.name == "finite_state_machine"
    assert sorted(g.declaration.accepting) == ["0", "3", "4", "8"]
    assert not g.single_char
    assert g.accepts(("SS(S)", "S($end)")) and g.accepts(())
    assert g.accepts("SS(B) SS(a) S(b) S(b)") and not g.accepts("SS(B) SS(a)")
    expected = oracle.graph_from_edges(
        [
            (u, v, s)
            for u, v, s in re.findall(r"(\d) -> (\d) \[label = \"([^\"]+)\"\]", GRAPHVIZ_FSM)
        ],
        "0",
        ["0", "3", "4", "8"],
    )
    assert_same_language(g, Grammar(expected), oracle, 4)


def test_dot_features():
    g = from_dot(
        """digraph {
            graph [description="ab*, with a detour"];
            edge [weight=2];
            __start__ [shape=point]; __start__ -> s;
            s -> t [label=a];
            t -> t [label="b", weight=0.5];
            subgraph cluster_1 { node [accepting=true]; u; }
            t -> {u v} [epsilon=true, label="ε"];   // to an anonymous subgraph: two edges
            v:p -> t:q [label=c];                    // ports are ignored
            "t" [stop_weight=3];                     // quoted and bare IDs are one node
            t [accepting=yes];
        }"""
    )
    d = g.declaration
    assert g.description == "ab*, with a detour"
    assert d.start == "s" and d.accepting == frozenset({"t", "u"})
    assert d.stop_weights == {"t": 3.0}
    assert sorted((e.source, e.target, e.symbol, e.weight) for e in d.edges) == [
        ("s", "t", "a", 2.0),
        ("t", "t", "b", 0.5),
        ("t", "u", None, 2.0),
        ("t", "v", None, 2.0),
        ("v", "t", "c", 2.0),
    ]
    # the default node [accepting=true] stayed in its subgraph, and, as in graphviz,
    # defaults apply to nodes when they are created
    assert "v" not in d.accepting
    assert [g.accepts(w) for w in ["a", "abcb", "", "b"]] == [True, True, False, False]


def test_start_attribute_and_arrow_may_agree():
    text = "digraph { start=s; __start__ -> s; s -> s [label=a]; s [shape=doublecircle] }"
    assert from_dot(text).accepts("aa")


def test_to_dot_is_graphviz_shaped(reber):
    text = to_dot(reber)
    assert text.startswith("digraph reber {")
    assert "__start__ -> 0;" in text
    assert "7 [shape=doublecircle, accepting=true];" in text
    assert "0 -> 1 [label=B];" in text


# -- pyformlang's convention ---------------------------------------------------------------------


def pyformlang_graph() -> nx.MultiDiGraph:
    # (a b*)+ written by hand as pyformlang's to_networkx draws it: is_start / is_final,
    # "label" on edges, "ɛ" for epsilon, and an unlabelled arrow from a "starting_0" node.
    G = nx.MultiDiGraph()
    G.add_node(0, is_start=True, is_final=False, peripheries=1, label=0)
    G.add_node(1, is_start=False, is_final=True, peripheries=2, label=1)
    G.add_node("starting_0", label="", shape=None, height=0.0, width=0.0)
    G.add_edge("starting_0", 0)
    G.add_edge(0, 1, label="a")
    G.add_edge(1, 1, label="b")
    G.add_edge(1, 0, label="ɛ")
    return G


def test_pyformlang_graph(oracle):
    g = from_pyformlang_graph(pyformlang_graph(), name="ab")
    assert g.name == "ab"
    for word in oracle.words_upto("ab", 7):
        word = "".join(word)
        assert g.accepts(word) == bool(re.fullmatch("(?:ab*)+", word)), word


def test_pyformlang_epsilon_spellings_and_several_starts(oracle):
    # a | b* : two start states; "epsilon" is pyformlang's other spelling of an epsilon move
    G = nx.DiGraph()
    G.add_node("p", is_start=True, is_final=False)
    G.add_node("q", is_start=True, is_final=True)
    G.add_node("r", is_start=False, is_final=True)
    G.add_edge("p", "r", label="a")
    G.add_edge("q", "q", label="b")
    G.add_edge("r", "s", label="epsilon")
    g = from_pyformlang_graph(G)
    for word in oracle.words_upto("ab", 6):
        word = "".join(word)
        assert g.accepts(word) == bool(re.fullmatch("a|b*", word)), word
    assert "__start__" in g.declaration.nodes


def test_pyformlang_dot_file(tmp_path, oracle):
    # the DOT file pyformlang's write_as_dot makes (networkx's pydot writer), flags as text
    path = tmp_path / "enfa.dot"
    path.write_text(
        "digraph {\n"
        "0 [is_start=True, is_final=False, peripheries=1, label=0];\n"
        "1 [is_start=False, is_final=True, peripheries=2, label=1];\n"
        'starting_0 [label="", shape=None, height=0.0, width=0.0];\n'
        "0 -> 1 [key=0, label=a];\n1 -> 1 [key=0, label=b];\n1 -> 0 [key=0, label=ɛ];\n"
        "starting_0 -> 0 [key=0];\n}\n",
        encoding="utf-8",
    )
    assert_same_language(from_dot(path), from_pyformlang_graph(pyformlang_graph()), oracle, 5)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda G: G.nodes[0].update(is_start=False), "no node has is_start=True"),
        (lambda G: G.nodes[1].update(is_final=False), "no node has is_final=True"),
        (lambda G: G.add_edge(1, 1, label=7), "symbol=7 of type int"),
        (lambda G: G.add_edge(1, 1, label=""), "empty symbol"),
        (lambda G: G.nodes[1].update(is_final="maybe"), "is_final='maybe' is not a boolean"),
    ],
)
def test_pyformlang_errors(change, message):
    G = pyformlang_graph()
    change(G)
    with pytest.raises(GrammarError, match=re.escape(message)):
        from_pyformlang_graph(G)


def test_pyformlang_not_a_graph():
    with pytest.raises(TypeError, match="networkx"):
        from_pyformlang_graph({0: [1]})


# -- malformed files: every one names the file ----------------------------------------------------

GOOD_DOT = 'digraph {\n  __start__ -> 0;\n  0 -> 1 [label="a"];\n  1 [accepting=true];\n}\n'

BAD_DOT = {
    "syntax": ("digraph { 0 -> ; }", r"invalid DOT: Expected"),
    "not DOT at all": ("hello", r"invalid DOT"),
    "empty": ("", r"invalid DOT"),
    "undirected": ('graph { start=0; 0 -- 1 [label="a"]; 1 [accepting=true] }', r"undirected"),
    "two graphs": (GOOD_DOT + GOOD_DOT, r"holds 2 graphs"),
    "no start": ('digraph { 0 -> 1 [label="a"]; 1 [accepting=true] }', r"no start node"),
    "two start arrows": (
        GOOD_DOT.replace("}", "__start__ -> 1; }"),
        r"'__start__' has 2 out-edges",
    ),
    "start disagrees": (GOOD_DOT.replace("{", "{ start=1;"), r"start='1' disagrees"),
    "unknown start": (
        "digraph { start=9; 0 -> 1 [label=a]; 1 [accepting=true] }",
        r"start node '9'",
    ),
    "into __start__": (GOOD_DOT.replace("}", "1 -> __start__; }"), r"enters '__start__'"),
    "no label": (GOOD_DOT.replace(' [label="a"]', ""), r"edge '0' -> '1' has no label"),
    "empty label": (GOOD_DOT.replace('"a"', '""'), r"edge '0' -> '1' has an empty symbol"),
    "weight text": (
        GOOD_DOT.replace('"a"', '"a", weight=heavy'),
        r"weight='heavy' is not a number",
    ),
    "weight zero": (GOOD_DOT.replace('"a"', '"a", weight=0'), r"edge '0' -> '1' has weight=0"),
    "weight negative": (GOOD_DOT.replace('"a"', '"a", weight=-1'), r"weight=-1"),
    "weight nan": (GOOD_DOT.replace('"a"', '"a", weight=nan'), r"weight=nan"),
    "weight inf": (GOOD_DOT.replace('"a"', '"a", weight=inf'), r"weight=inf"),
    "stop weight": (GOOD_DOT.replace("true", 'true, stop_weight="x"'), r"stop_weight='x'"),
    "stop weight off": (
        GOOD_DOT.replace("}", "0 [stop_weight=2]; }"),
        r"node '0' has a stop_weight",
    ),
    "bad flag": (GOOD_DOT.replace("true", "maybe"), r"accepting='maybe' is not a boolean"),
    "bad epsilon": (GOOD_DOT.replace('"a"', '"a", epsilon=perhaps'), r"epsilon='perhaps'"),
    "no accepting": (GOOD_DOT.replace("accepting=true", "shape=box"), r"no node has accepting"),
}


@pytest.mark.parametrize("case", BAD_DOT)
def test_malformed_dot_names_file_and_problem(case, tmp_path):
    text, problem = BAD_DOT[case]
    path = tmp_path / "bad.dot"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GrammarError, match=re.escape(str(path)) + ": .*" + problem):
        from_dot(path)
    with pytest.raises(GrammarError, match=re.escape(str(path)) + ": .*" + problem):
        load(str(path))


def test_good_dot_fixture_is_good():
    assert from_dot(GOOD_DOT).accepts("a")


GOOD_JSON = {"start": 0, "accepting": [1], "edges": [{"source": 0, "target": 1, "symbol": "a"}]}


def _json(**changes):
    document = json.loads(json.dumps(GOOD_JSON))
    for key, value in changes.items():
        if value is None:
            del document[key]
        else:
            document[key] = value
    return json.dumps(document)


def _edge(**changes):
    edge = {"source": 0, "target": 1, "symbol": "a", **changes}
    return [{k: v for k, v in edge.items() if v is not ...}]


BAD_JSON = {
    "syntax": ('{"start": 0,', r"invalid JSON: .* at line 1 column"),
    "empty": ("", r"invalid JSON"),
    "top level": ("[1, 2]", r"top level must be an object, not list"),
    "unknown key": (_json(accept=[1]), r"unknown key 'accept'"),
    "no start": (_json(start=None), r"missing key 'start'"),
    "no accepting": (_json(accepting=None), r"missing key 'accepting'"),
    "no edges": (_json(edges=None), r"missing key 'edges'"),
    "accepting type": (_json(accepting=1), r"'accepting' must be list, not int"),
    "edges type": (_json(edges={"a": 1}), r"'edges' must be list, not dict"),
    "edge type": (_json(edges=["0->1"]), r"edges\[0\] must be an object, not str"),
    "edge key": (_json(edges=_edge(label="a")), r"edges\[0\] has unknown key 'label'"),
    "edge symbol": (_json(edges=_edge(symbol=...)), r"edges\[0\] has no 'symbol'"),
    "edge source": (_json(edges=_edge(source=...)), r"edges\[0\] has no 'source'"),
    "node list": (_json(edges=_edge(target=[1])), r"edges\[0\]\.target is \[1\]"),
    "node bool": (_json(start=True), r"'start' is True; a node is a string or an integer"),
    "node float": (_json(accepting=[1.5]), r"accepting\[0\] is 1\.5"),
    "nodes type": (_json(nodes="01"), r"'nodes' must be list"),
    "symbol int": (_json(edges=_edge(symbol=7)), r"symbol=7 of type int"),
    "symbol empty": (_json(edges=_edge(symbol="")), r"empty symbol"),
    "weight text": (_json(edges=_edge(weight="heavy")), r"weight='heavy'"),
    "weight bool": (_json(edges=_edge(weight=True)), r"weight=True"),
    "weight negative": (_json(edges=_edge(weight=-1)), r"weight=-1"),
    "weight nan": (_json(edges=_edge(weight=float("nan"))), r"weight=nan"),
    "stop weight key": (_json(stop_weights={"9": 1}), r"stop_weights key '9' names no node"),
    "stop weight value": (_json(stop_weights={"1": "x"}), r"stop_weight='x'"),
    "stop weight off": (_json(stop_weights={"0": 2}), r"node 0 has a stop_weight"),
    "stop weights type": (_json(stop_weights=[1]), r"'stop_weights' must be dict"),
    "ambiguous key": (
        _json(edges=_edge(target="1") + _edge(source="1"), stop_weights={"1": 2}),
        r"stop_weights key '1' is ambiguous",
    ),
    "name type": (_json(name=3), r"'name' must be str/NoneType, not int"),
    "description type": (_json(description=["x"]), r"'description' must be str, not list"),
    "no accepting node": (_json(accepting=[]), r"no node has accepting=True"),
}


@pytest.mark.parametrize("case", BAD_JSON)
def test_malformed_json_names_file_and_problem(case, tmp_path):
    text, problem = BAD_JSON[case]
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GrammarError, match=re.escape(str(path)) + ": .*" + problem):
        from_json(path)


def test_good_json_fixture_is_good():
    assert from_json(json.dumps(GOOD_JSON)).accepts("a")


@pytest.mark.parametrize("read", [from_dot, from_json])
def test_unreadable_files(read, tmp_path):
    with pytest.raises(GrammarError, match=re.escape(str(tmp_path / "none")) + ": no such file"):
        read(tmp_path / "none")
    with pytest.raises(GrammarError, match=re.escape(str(tmp_path)) + ": is a directory"):
        read(tmp_path)
    latin = tmp_path / "latin1"
    latin.write_bytes(b"digraph { \xe9 }")
    with pytest.raises(GrammarError, match=re.escape(str(latin)) + ": not UTF-8 text"):
        read(latin)


def test_text_sources_are_named_in_errors():
    with pytest.raises(GrammarError, match=r"^<DOT text>: no start node"):
        from_dot("digraph { a -> b [label=x] }")
    with pytest.raises(GrammarError, match=r"^<JSON text>: missing key 'start'"):
        from_json("{}")


def test_symbols_with_line_breaks_survive_files(tmp_path, oracle):
    # one-character symbols may be any character; "\r\n" as one token is refused (see
    # test_validation), so line breaks are tried as characters and inside node names
    g = Grammar.from_edges(
        [("a\r\nb", 1, "\r"), (1, "\n", "\n"), ("\n", "\n", " "), ("\n", "\n", "\t")],
        start="a\r\nb",
        accepting=["\n"],
    )
    for suffix, (write, read) in zip((".dot", ".json"), FORMATS.values(), strict=True):
        path = tmp_path / f"g{suffix}"
        with open(path, "w", encoding="utf-8", newline="") as stream:
            stream.write(write(g))
        assert read(Path(path)).alphabet == g.alphabet
        assert [str(n) for n in read(path).declaration.nodes] == ["a\r\nb", "1", "\n"]
        assert_same_language(g, read(path), oracle, 4)


def test_format_modules_never_import_core_at_run_time():
    # Grammar's classmethods load these lazily: importing core back would close a circle
    import ast

    import grammar.io

    package = Path(grammar.io.__file__).parent
    for path in sorted(package.glob("*.py")):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        hinted = {
            id(node)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
            for node in ast.walk(block)
        }
        for node in ast.walk(tree):
            if id(node) in hinted:
                continue
            if isinstance(node, ast.ImportFrom):
                names = {f"{node.module}.{a.name}" for a in node.names} | {node.module}
            elif isinstance(node, ast.Import):
                names = {a.name for a in node.names}
            else:
                continue
            assert not names & {"grammar.core", "grammar.library", "grammar.lookup"}, path
