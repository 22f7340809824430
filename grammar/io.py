"""Reading and writing grammars: DOT and JSON files, pyformlang graphs, names.

Both file formats round-trip the language and the weights (``weight`` on
edges, ``stop_weight`` on accepting nodes). Node labels survive as far as
each format allows: JSON keeps ``int`` and ``str`` labels, DOT turns every
label into a ``str``; other labels (tuples, say) are written as text, and
when two labels would print the same, the states are numbered instead.

DOT
---
A DOT file is a ``digraph`` as graphviz users write it::

    digraph ab_star {
        __start__ [shape=point];
        __start__ -> q0;                      // the start state
        q1 [shape=doublecircle];              // accepting
        q0 -> q1 [label="a", weight=2];       // symbol "a", walk weight 2
        q1 -> q1 [label="b"];
        q1 [stop_weight=0.5];                 // relative chance of ending a walk here
    }

- The start state is the target of the one edge out of a node called
  ``__start__`` (drawn as a dot with an arrow), or the graph attribute
  ``start=NODE``; when both are given they must agree.
- A node is accepting when it has ``accepting=true`` or, failing that,
  ``shape=doublecircle``. Default statements count, so graphviz's classic
  ``node [shape=doublecircle]; q3 q4; node [shape=circle];`` works.
- An edge's ``label`` is its symbol. An epsilon move has ``epsilon=true``
  (its label, ``"ε"`` when written here, is only for the picture).
- ``weight`` and ``stop_weight`` are numbers; graphviz's ``dot`` layout reads
  ``weight`` too, and prefers integers.
- The graph's ID is the grammar's name (else the file name's stem) and the
  graph attribute ``description`` its description. Other attributes, ports
  and subgraph borders are drawing matters and are ignored.
- In a quoted string ``\\"`` stands for ``"`` and ``\\\\`` for ``\\``, as
  graphviz draws labels.
- A file written by pyformlang (nodes with ``is_start`` / ``is_final``) is
  read with pyformlang's convention; see :func:`from_pyformlang_graph`.

JSON
----
One object::

    {
      "name": "ab-star",                  // optional, str or null
      "description": "a b*",              // optional
      "nodes": ["q0", "q1"],              // optional: every state, in order
      "start": "q0",                      // a node: str or int
      "accepting": ["q1"],
      "edges": [
        {"source": "q0", "target": "q1", "symbol": "a", "weight": 2.0},
        {"source": "q1", "target": "q1", "symbol": "b"}
      ],
      "stop_weights": {"q1": 0.5}         // optional; keys are nodes as text
    }

``symbol`` is required on every edge; ``null`` is an epsilon move.
``weight`` defaults to 1. No other keys are allowed, so a typo is an error.

Errors
------
A missing or unreadable file, bad syntax, a wrong schema or a bad value
raises :class:`~grammar.GrammarError` whose message starts with the file
name (or ``<DOT text>`` / ``<JSON text>``) and says what is wrong.

Examples
--------
>>> from grammar import library
>>> from grammar.io import from_dot, from_json, to_dot, to_json
>>> g = library.reber()
>>> from_dot(to_dot(g)) == g, from_json(to_json(g)) == g
(True, True)
>>> h = from_dot('digraph { __start__ -> 0; 0 -> 1 [label="a"]; 1 [shape=doublecircle] }')
>>> h.accepts("a"), h.accepts("aa")
(True, False)
"""

from __future__ import annotations

import contextlib
import io
import json
import numbers
import os
import re
import warnings
from collections.abc import Callable, Hashable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from grammar.core import Grammar
from grammar.errors import GrammarError

if TYPE_CHECKING:
    # At run time networkx is imported where a graph is built, so that loading a
    # built-in grammar by name (every `grammar check NAME`) does not pay for it.
    import networkx as nx

__all__ = ["from_dot", "to_dot", "from_json", "to_json", "from_pyformlang_graph", "load"]

Source = str | os.PathLike | TextIO  # a path, the text itself, or an open text file

# The node whose one out-edge marks the start state in a DOT file.
_START_NODE = "__start__"
# Symbols pyformlang's finite automata read as epsilon (its to_networkx writes "ɛ").
_PYFORMLANG_EPSILON = frozenset({"epsilon", "ɛ"})
_JSON_KEYS = ("name", "description", "nodes", "start", "accepting", "edges", "stop_weights")
_JSON_EDGE_KEYS = ("source", "target", "symbol", "weight")
_DOT_FILE_SUFFIXES = (".dot", ".gv")
_JSON_FILE_SUFFIXES = (".json",)


# -- sources --------------------------------------------------------------------------------------


def _read_source(source: Source, kind: str) -> tuple[str, str, str | None]:
    """The text behind `source`, a name for messages, and the file's stem (None for text).

    A str holding ``{`` or a newline is the text itself; any other str, or a
    path object, names a file; an object with ``read`` is an open file.
    """
    if hasattr(source, "read"):
        where = str(getattr(source, "name", f"<{kind} stream>"))
        try:
            text = source.read()
            text = text.decode("utf-8") if isinstance(text, bytes) else text
            return text, where, Path(where).stem
        except (OSError, UnicodeDecodeError) as err:
            raise GrammarError(f"{where}: cannot read: {err}") from err
    if isinstance(source, str) and ("{" in source or "\n" in source):
        return source, f"<{kind} text>", None
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(
            f"a {kind} source is a path, the {kind} text or an open file, "
            f"not {type(source).__name__}"
        )
    path = Path(source)
    try:
        # newline="": a "\r" inside a quoted symbol is a character, not a line end
        with open(path, encoding="utf-8", newline="") as stream:
            return stream.read(), str(path), path.stem
    except FileNotFoundError as err:
        raise GrammarError(f"{path}: no such file") from err
    except IsADirectoryError as err:
        raise GrammarError(f"{path}: is a directory, not a {kind} file") from err
    except UnicodeDecodeError as err:
        raise GrammarError(f"{path}: not UTF-8 text (byte {err.start}: {err.reason})") from err
    except OSError as err:
        raise GrammarError(f"{path}: cannot read: {err.strerror or err}") from err


@contextlib.contextmanager
def _in_file(where: str) -> Iterator[None]:
    """Prefix any GrammarError raised inside with `where`, the file at fault."""
    try:
        yield
    except GrammarError as err:
        raise GrammarError(f"{where}: {err}") from err


def _portable_names(
    nodes: Iterable[Hashable], convert: Callable[[Any], Any], reserved: Iterable[str] = ()
) -> dict:
    """Map each node to a label the format can hold, numbering them if two would clash."""
    nodes = list(nodes)
    names = {node: convert(node) for node in nodes}
    texts = {str(name) for name in names.values()}
    if len(texts) < len(nodes) or texts.intersection(reserved):
        names = {node: convert(i) for i, node in enumerate(nodes)}
    return names


def _flag(value: Any, what: str) -> bool:
    """Read a boolean attribute the way graphviz does (true/false, yes/no, integers)."""
    if isinstance(value, (bool, numbers.Integral)):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "yes"):
        return True
    if text in ("false", "no", ""):
        return False
    try:
        return int(text) != 0
    except ValueError:
        raise GrammarError(f"{what}={value!r} is not a boolean; use true or false") from None


# -- DOT ------------------------------------------------------------------------------------------

_QUOTED_ESCAPE = re.compile(r'\\(["\\\n])')
_NODE_ID = re.compile(r'"(?:[^"\\]|\\.)*"|[^:]*', re.DOTALL)
_BARE_ID = re.compile(r"[A-Za-z_][A-Za-z_0-9]*|[0-9]+")
_DOT_KEYWORDS = frozenset({"node", "edge", "graph", "digraph", "subgraph", "strict"})


def _unquote(text: str) -> str:
    """The value of a DOT ID: quotes removed, ``\\"`` and ``\\\\`` unescaped."""
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return _QUOTED_ESCAPE.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), text[1:-1])
    return text


def _quote(text: str) -> str:
    """A DOT ID for `text`: bare when that is safe, else quoted and escaped."""
    if _BARE_ID.fullmatch(text) and text.lower() not in _DOT_KEYWORDS:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _node_id(raw: str) -> str:
    """A node name from pydot, without quotes or a ``:port`` suffix."""
    return _unquote(_NODE_ID.match(raw).group(0))


class _DotStatements:
    """The nodes, edges and graph attributes of a parsed DOT graph, defaults applied.

    DOT default statements (``node [...]``, ``edge [...]``) apply to what
    follows them, within their subgraph; pydot keeps them as nodes named
    ``node`` and ``edge`` with a sequence number, so statements are replayed
    in that order.
    """

    def __init__(self, graph: Any) -> None:
        self.nodes: dict[str, dict[str, str]] = {}
        self.edges: list[tuple[str, str, dict[str, str]]] = []
        self.graph_attrs = {k: _unquote(v) for k, v in graph.get_attributes().items()}
        self._replay(graph, {}, {}, top=True)

    def _add_node(self, name: str, defaults: dict) -> dict:
        return self.nodes.setdefault(name, dict(defaults))

    def _endpoints(self, end: Any, defaults: dict) -> list[str]:
        if isinstance(end, str):
            names = [_node_id(end)]
        else:  # an anonymous subgraph, as in `a -> {b c}`
            names = [_node_id(name) for name in end["nodes"]]
        for name in names:
            self._add_node(name, defaults)
        return names

    def _replay(self, graph: Any, node_defaults: dict, edge_defaults: dict, top: bool) -> None:
        statements = [*graph.get_nodes(), *graph.get_edges(), *graph.get_subgraphs()]
        statements.sort(key=lambda s: s.obj_dict.get("sequence") or 0)
        for statement in statements:
            kind = statement.obj_dict["type"]
            attrs = {k: _unquote(v) for k, v in statement.get_attributes().items()}
            if kind == "subgraph":
                self._replay(statement, dict(node_defaults), dict(edge_defaults), top=False)
            elif kind == "edge":
                sources = self._endpoints(statement.get_source(), node_defaults)
                targets = self._endpoints(statement.get_destination(), node_defaults)
                data = {**edge_defaults, **attrs}
                self.edges.extend((u, v, dict(data)) for u in sources for v in targets)
            elif statement.get_name() == "node":
                node_defaults.update(attrs)
            elif statement.get_name() == "edge":
                edge_defaults.update(attrs)
            elif statement.get_name() == "graph":
                if top:
                    self.graph_attrs.update(attrs)
            else:
                self._add_node(_node_id(statement.get_name()), node_defaults).update(attrs)


def _parse_dot(text: str, where: str) -> Any:
    """Parse DOT text with pydot into its one graph, or raise a GrammarError."""
    try:
        import pydot
    except ImportError as err:  # a declared dependency, but say what to do if it is missing
        raise GrammarError(f"{where}: reading DOT needs pydot; pip install pydot") from err
    messages = io.StringIO()
    # pydot prints syntax errors instead of raising, and its grammar trips
    # pyparsing's deprecation warnings; keep both off the user's terminal.
    with warnings.catch_warnings(), contextlib.redirect_stdout(messages):
        warnings.simplefilter("ignore")
        try:
            graphs = pydot.graph_from_dot_data(text)
        except Exception as err:  # pydot raises assorted types on malformed input
            raise GrammarError(f"{where}: invalid DOT: {err}") from err
    if not graphs:
        lines = [line.strip() for line in messages.getvalue().splitlines() if line.strip()]
        reason = lines[-1] if lines else "no graph found"
        raise GrammarError(f"{where}: invalid DOT: {reason}")
    if len(graphs) > 1:
        raise GrammarError(f"{where}: holds {len(graphs)} graphs; put one grammar per file")
    graph = graphs[0]
    if graph.get_type() != "digraph":
        raise GrammarError(f"{where}: is an undirected graph; declare the grammar as a digraph")
    return graph


def _dot_number(value: str, what: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise GrammarError(f"{what}={value!r} is not a number") from None


def _dot_start(parsed: _DotStatements) -> str:
    """The start node: the target of ``__start__ -> NODE`` or the graph attribute ``start``."""
    arrows = [v for u, v, _ in parsed.edges if u == _START_NODE]
    if len(arrows) > 1:
        raise GrammarError(
            f"node {_START_NODE!r} has {len(arrows)} out-edges; it must point at the one start node"
        )
    start = parsed.graph_attrs.get("start")
    if arrows and start is not None and arrows[0] != start:
        raise GrammarError(
            f"the graph attribute start={start!r} disagrees with "
            f"{_START_NODE} -> {arrows[0]!r}; keep one of them"
        )
    if arrows:
        return arrows[0]
    if start is None:
        raise GrammarError(
            f"no start node; add an edge {_START_NODE} -> NODE or a graph attribute start=NODE"
        )
    return start


def _dot_declaration(parsed: _DotStatements) -> nx.MultiDiGraph:
    """The networkx declaration for a parsed DOT graph in this module's convention."""
    import networkx as nx

    G = nx.MultiDiGraph(start=_dot_start(parsed))
    for name, attrs in parsed.nodes.items():
        if name == _START_NODE:
            continue
        where = f"node {name!r}"
        if "accepting" in attrs:
            accepting = _flag(attrs["accepting"], f"{where} has accepting")
        else:
            accepting = attrs.get("shape", "").lower() == "doublecircle"
        G.add_node(name, **({"accepting": True} if accepting else {}))
        if "stop_weight" in attrs:
            G.nodes[name]["stop_weight"] = _dot_number(
                attrs["stop_weight"], f"{where} has stop_weight"
            )
    for u, v, attrs in parsed.edges:
        if u == _START_NODE:
            continue
        where = f"edge {u!r} -> {v!r}"
        if v == _START_NODE:
            raise GrammarError(f"{where} enters {_START_NODE!r}, which only marks the start")
        if _flag(attrs.get("epsilon", "false"), f"{where} has epsilon"):
            symbol = None
        elif "label" in attrs:
            symbol = attrs["label"]
        else:
            raise GrammarError(f"{where} has no label; give it label=SYMBOL, or epsilon=true")
        data: dict[str, Any] = {"symbol": symbol}
        if "weight" in attrs:
            data["weight"] = _dot_number(attrs["weight"], f"{where} has weight")
        G.add_edge(u, v, **data)
    return G


def _pyformlang_parts(parsed: _DotStatements) -> nx.MultiDiGraph:
    """A pyformlang-convention graph from a DOT file pyformlang wrote."""
    import networkx as nx

    G = nx.MultiDiGraph()
    for name, attrs in parsed.nodes.items():
        G.add_node(
            name,
            is_start=_flag(attrs.get("is_start", False), f"node {name!r} has is_start"),
            is_final=_flag(attrs.get("is_final", False), f"node {name!r} has is_final"),
        )
    for u, v, attrs in parsed.edges:
        G.add_edge(u, v, **{k: attrs[k] for k in ("label", "weight") if k in attrs})
    return G


def from_dot(source: Source, *, name: str | None = None, description: str | None = None) -> Grammar:
    """Load a grammar from a DOT file, DOT text or an open file.

    Parameters
    ----------
    source : str, os.PathLike or file
        A path (``.dot``/``.gv``), the DOT text itself (any str holding
        ``{``), or an open text file.
    name, description : str, optional
        Override the name (default: the graph's ID, else the file's stem) and
        the description (default: the graph attribute ``description``).

    Returns
    -------
    Grammar
        Its node labels are strings.

    Raises
    ------
    GrammarError
        If the file is missing or unreadable, is not valid DOT, or does not
        declare a valid grammar; the message starts with the file name.

    Examples
    --------
    >>> g = from_dot('''digraph parity {
    ...     start=even;
    ...     node [shape=doublecircle]; even;
    ...     node [shape=circle];
    ...     even -> odd [label="1"]; odd -> even [label="1"];
    ...     even -> even [label="0"]; odd -> odd [label="0"];
    ... }''')
    >>> g.name, g.accepts("0110"), g.accepts("010")
    ('parity', True, False)
    >>> from_dot('digraph { a -> b }')
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: <DOT text>: no start node; add an edge __start__ -> NODE or ...
    """
    text, where, stem = _read_source(source, "DOT")
    graph = _parse_dot(text, where)
    with _in_file(where):
        parsed = _DotStatements(graph)
        marked = "start" in parsed.graph_attrs or _START_NODE in parsed.nodes
        if not marked and any("is_start" in attrs for attrs in parsed.nodes.values()):
            G = _pyformlang_declaration(_pyformlang_parts(parsed))
        else:
            G = _dot_declaration(parsed)
        if description is None:
            description = parsed.graph_attrs.get("description", "")
        return Grammar(G, name=name or _unquote(graph.get_name()) or stem, description=description)


def _dot_attrs(attrs: dict[str, Any]) -> str:
    if not attrs:
        return ""
    return " [" + ", ".join(f"{k}={_quote(str(v))}" for k, v in attrs.items()) + "]"


def to_dot(g: Grammar) -> str:
    """The grammar's declaration as DOT text, for graphviz and for :func:`from_dot`.

    The start state gets an arrow from a point node ``__start__``; accepting
    states are double circles with ``accepting=true``; weights other than 1
    are written out.

    Examples
    --------
    >>> from grammar import Grammar
    >>> g = Grammar.from_edges([(0, 1, "a", 2.0), (1, 1, None)], start=0, accepting=[1], name="a")
    >>> print(to_dot(g))
    digraph a {
      rankdir=LR;
      node [shape=circle];
      0;
      1 [shape=doublecircle, accepting=true];
      __start__ [shape=point];
      __start__ -> 0;
      0 -> 1 [label=a, weight="2.0"];
      1 -> 1 [label="ε", epsilon=true];
    }
    """
    declaration = g.declaration
    names = _portable_names(declaration.nodes, str, reserved=[_START_NODE])
    header = f"digraph {_quote(g.name)} {{" if g.name else "digraph {"
    lines = [header, "  rankdir=LR;"]
    if g.description:
        lines.append(f"  description={_quote(g.description)};")
    lines.append("  node [shape=circle];")
    # Every node, in declaration order, so that reading the file back keeps the order.
    for node in declaration.nodes:
        attrs: dict[str, Any] = {}
        if node in declaration.accepting:
            attrs.update(shape="doublecircle", accepting="true")
        if node in declaration.stop_weights:
            attrs["stop_weight"] = repr(declaration.stop_weights[node])
        lines.append(f"  {_quote(names[node])}{_dot_attrs(attrs)};")
    lines += [
        f"  {_START_NODE} [shape=point];",
        f"  {_START_NODE} -> {_quote(names[declaration.start])};",
    ]
    for e in declaration.edges:
        attrs = {"label": "ε", "epsilon": "true"} if e.symbol is None else {"label": e.symbol}
        if e.weight != 1.0:
            attrs["weight"] = repr(e.weight)
        edge = f"{_quote(names[e.source])} -> {_quote(names[e.target])}"
        lines.append(f"  {edge}{_dot_attrs(attrs)};")
    lines.append("}")
    return "\n".join(lines) + "\n"


# -- JSON -----------------------------------------------------------------------------------------


def _json_node(value: Any, where: str) -> Hashable:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise GrammarError(f"{where} is {value!r}; a node is a string or an integer")
    return value


def _json_field(
    document: dict, key: str, kinds: type | tuple[type, ...], default: Any = ...
) -> Any:
    if key not in document:
        if default is ...:
            raise GrammarError(f"missing key {key!r}")
        return default
    value = document[key]
    if not isinstance(value, kinds):
        names = "/".join(k.__name__ for k in (kinds if isinstance(kinds, tuple) else (kinds,)))
        raise GrammarError(f"{key!r} must be {names}, not {type(value).__name__}")
    return value


def _json_edge(edge: Any, index: int) -> tuple[Hashable, Hashable, dict]:
    where = f"edges[{index}]"
    if not isinstance(edge, dict):
        raise GrammarError(f"{where} must be an object, not {type(edge).__name__}")
    unknown = sorted(set(edge) - set(_JSON_EDGE_KEYS))
    if unknown:
        raise GrammarError(f"{where} has unknown key {unknown[0]!r}; allowed: {_JSON_EDGE_KEYS}")
    for key in ("source", "target", "symbol"):
        if key not in edge:
            hint = " (null for an epsilon move)" if key == "symbol" else ""
            raise GrammarError(f"{where} has no {key!r}{hint}")
    data = {"symbol": edge["symbol"]}
    if "weight" in edge:
        data["weight"] = edge["weight"]
    source = _json_node(edge["source"], f"{where}.source")
    return source, _json_node(edge["target"], f"{where}.target"), data


def _json_declaration(document: Any) -> nx.MultiDiGraph:
    """The networkx declaration for a parsed JSON document (see the module docstring)."""
    import networkx as nx

    if not isinstance(document, dict):
        raise GrammarError(f"the top level must be an object, not {type(document).__name__}")
    unknown = sorted(set(document) - set(_JSON_KEYS))
    if unknown:
        raise GrammarError(f"unknown key {unknown[0]!r}; allowed: {', '.join(_JSON_KEYS)}")
    if "start" not in document:
        raise GrammarError("missing key 'start'")
    G = nx.MultiDiGraph(start=_json_node(document["start"], "'start'"))
    for index, node in enumerate(_json_field(document, "nodes", list, [])):
        G.add_node(_json_node(node, f"nodes[{index}]"))
    G.add_node(G.graph["start"])
    for index, edge in enumerate(_json_field(document, "edges", list)):
        u, v, data = _json_edge(edge, index)
        G.add_edge(u, v, **data)
    for index, node in enumerate(_json_field(document, "accepting", list)):
        G.add_node(_json_node(node, f"accepting[{index}]"), accepting=True)
    by_text: dict[str, list] = {}
    for node in G.nodes:
        by_text.setdefault(str(node), []).append(node)
    for key, weight in _json_field(document, "stop_weights", dict, {}).items():
        matches = by_text.get(key, [])
        if len(matches) != 1:
            problem = "names no node" if not matches else f"is ambiguous between {matches!r}"
            raise GrammarError(f"stop_weights key {key!r} {problem}")
        G.nodes[matches[0]]["stop_weight"] = weight
    return G


def from_json(
    source: Source, *, name: str | None = None, description: str | None = None
) -> Grammar:
    """Load a grammar from a JSON file, JSON text or an open file.

    Parameters
    ----------
    source : str, os.PathLike or file
        A path (``.json``), the JSON text itself (any str holding ``{``), or
        an open text file. The schema is in the module docstring.
    name, description : str, optional
        Override the document's ``name`` (default: else the file's stem) and
        ``description``.

    Raises
    ------
    GrammarError
        If the file is missing or unreadable, is not valid JSON, breaks the
        schema or declares an invalid grammar; the message starts with the
        file name.

    Examples
    --------
    >>> g = from_json('{"start": 0, "accepting": [1], '
    ...               '"edges": [{"source": 0, "target": 1, "symbol": "a"}]}')
    >>> g.accepts("a"), g.declaration.start
    (True, 0)
    >>> from_json('{"start": 0, "accepting": [0], "edges": [{"source": 0, "target": 0}]}')
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: <JSON text>: edges[0] has no 'symbol' (null for an epsilon move)
    """
    text, where, stem = _read_source(source, "JSON")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise GrammarError(
            f"{where}: invalid JSON: {err.msg} at line {err.lineno} column {err.colno}"
        ) from err
    with _in_file(where):
        G = _json_declaration(document)
        if description is None:
            description = _json_field(document, "description", str, "")
        name = name or _json_field(document, "name", (str, type(None)), None) or stem
        return Grammar(G, name=name, description=description)


def to_json(g: Grammar) -> str:
    """The grammar's declaration as JSON text, one edge per line, for :func:`from_json`.

    Integer and string node labels are kept; others are written as text.

    Examples
    --------
    >>> from grammar import Grammar
    >>> g = Grammar.from_edges([(0, 1, "a", 0.5)], start=0, accepting=[1], name="a")
    >>> print(to_json(g))
    {
      "name": "a",
      "description": "",
      "nodes": [0, 1],
      "start": 0,
      "accepting": [1],
      "edges": [
        {"source": 0, "target": 1, "symbol": "a", "weight": 0.5}
      ],
      "stop_weights": {}
    }
    """
    declaration = g.declaration

    def convert(node: Any) -> int | str:
        if isinstance(node, numbers.Integral) and not isinstance(node, bool):
            return int(node)
        return node if isinstance(node, str) else str(node)

    names = _portable_names(declaration.nodes, convert)
    dump = json.dumps
    edges = [
        dump(
            {
                "source": names[e.source],
                "target": names[e.target],
                "symbol": e.symbol,
                "weight": e.weight,
            },
            ensure_ascii=False,
        )
        for e in declaration.edges
    ]
    accepting = [names[n] for n in declaration.nodes if n in declaration.accepting]
    stop_weights = {str(names[n]): w for n, w in declaration.stop_weights.items()}
    edge_block = "[\n    " + ",\n    ".join(edges) + "\n  ]" if edges else "[]"
    lines = [
        f'  "name": {dump(g.name, ensure_ascii=False)}',
        f'  "description": {dump(g.description, ensure_ascii=False)}',
        f'  "nodes": {dump(list(names.values()), ensure_ascii=False)}',
        f'  "start": {dump(names[declaration.start], ensure_ascii=False)}',
        f'  "accepting": {dump(accepting, ensure_ascii=False)}',
        f'  "edges": {edge_block}',
        f'  "stop_weights": {dump(stop_weights, ensure_ascii=False)}',
    ]
    return "{\n" + ",\n".join(lines) + "\n}\n"


# -- pyformlang -----------------------------------------------------------------------------------


def _fresh_node(G: nx.DiGraph, base: str) -> str:
    node = base
    while node in G:
        node += "_"
    return node


def _pyformlang_declaration(G: Any) -> nx.MultiDiGraph:
    """Translate pyformlang's convention into this package's declaration."""
    import networkx as nx

    if not isinstance(G, nx.DiGraph):
        raise TypeError(f"a pyformlang graph is a networkx MultiDiGraph, not {type(G).__name__}")
    starts = [n for n, flag in G.nodes(data="is_start", default=False) if _flag(flag, "is_start")]
    finals = [n for n, flag in G.nodes(data="is_final", default=False) if _flag(flag, "is_final")]
    if not starts:
        raise GrammarError("no node has is_start=True; mark the start state as pyformlang does")
    if not finals:
        raise GrammarError("no node has is_final=True; mark the final states as pyformlang does")
    D = nx.MultiDiGraph()
    D.add_nodes_from(G.nodes)
    for node in finals:
        D.nodes[node]["accepting"] = True
    for u, v, data in G.edges(data=True):
        if "label" not in data:  # pyformlang's drawing arrow into a start state
            continue
        label = data["label"]
        attrs = {"symbol": None if label in _PYFORMLANG_EPSILON else label}
        if "weight" in data:
            attrs["weight"] = data["weight"]
        D.add_edge(u, v, **attrs)
    if len(starts) == 1:
        D.graph["start"] = starts[0]
    else:  # several start states: one fresh start with epsilon moves to each
        D.graph["start"] = _fresh_node(D, _START_NODE)
        D.add_edges_from((D.graph["start"], s, {"symbol": None}) for s in starts)
    return D


def from_pyformlang_graph(
    G: nx.MultiDiGraph, *, name: str | None = None, description: str = ""
) -> Grammar:
    """Load a graph in pyformlang's networkx convention.

    That is the graph ``pyformlang``'s ``FiniteAutomaton.to_networkx()``
    returns: node attributes ``is_start`` and ``is_final``, edge attribute
    ``label``. The labels ``"epsilon"`` and ``"ɛ"`` are epsilon moves, as in
    pyformlang; edges without a label (pyformlang's drawing arrows into the
    start states) are skipped; several start states are joined by a fresh
    start node with epsilon moves. An edge ``weight``, if present, is kept.

    Raises
    ------
    TypeError
        If `G` is not a networkx directed graph.
    GrammarError
        If no node is a start or a final state, or an edge's label is not a
        non-empty str.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node(0, is_start=True, is_final=False)
    >>> G.add_node(1, is_start=False, is_final=True)
    >>> G.add_edges_from([(0, 1, {"label": "a"}), (1, 1, {"label": "b"}),
    ...                   (1, 0, {"label": "epsilon"})])
    [0, 0, 0]
    >>> g = from_pyformlang_graph(G)
    >>> g.accepts("abb"), g.accepts("aba"), g.accepts("b")
    (True, True, False)
    """
    return Grammar(_pyformlang_declaration(G), name=name, description=description)


# -- by name --------------------------------------------------------------------------------------


def load(name_or_path: str | os.PathLike) -> Grammar:
    """A built-in grammar by name, or a grammar file by path (``.dot``, ``.gv``, ``.json``).

    This is how both command-line tools read their ``NAME`` arguments.

    Raises
    ------
    GrammarError
        If the name is not a built-in and not a grammar file, or the file is
        missing or malformed.

    Examples
    --------
    >>> load("tomita-2").accepts("1010")
    True
    >>> load("no-such-grammar")
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: no built-in grammar named 'no-such-grammar'; ...
    """
    if not isinstance(name_or_path, (str, os.PathLike)):
        raise TypeError(f"a grammar is named by a str or a path, not {type(name_or_path).__name__}")
    suffix = Path(name_or_path).suffix.lower()
    if suffix in _DOT_FILE_SUFFIXES:
        return from_dot(Path(name_or_path))
    if suffix in _JSON_FILE_SUFFIXES:
        return from_json(Path(name_or_path))
    if isinstance(name_or_path, os.PathLike) or os.path.exists(name_or_path):
        raise GrammarError(
            f"{name_or_path}: unknown grammar file type {suffix!r}; use .dot, .gv or .json"
        )
    from grammar import library

    try:
        return library.get(name_or_path)
    except GrammarError as err:
        raise GrammarError(f"{err} (or give a path to a .dot or .json file)") from err
