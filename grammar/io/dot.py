"""DOT files: grammarlab's convention, the learning tools' dialect, and pyformlang's.

A DOT file is a ``digraph`` as graphviz users write it::

    digraph ab_star {
        __start__ [shape=point];
        __start__ -> q0;                      // the start state
        q1 [shape=doublecircle];              // accepting
        q0 -> q1 [label="a", weight=2];       // symbol "a", walk weight 2
        q1 -> q1 [label="b"];
        q1 [stop_weight=0.5];                 // relative chance of ending a walk here
    }

Reading
-------
- **Start.** A start marker is a node named ``__start__`` or ``__start0``,
  ``__start1``, ... (AALpy, LearnLib, FlexFringe, the Automata Wiki), or any
  node of shape ``point`` or ``none`` with one edge out, no edge in and no
  label on that edge. The target of each marker's one edge is a start
  state; several start states are joined by a fresh start node with epsilon
  moves. The graph attribute ``start=NODE`` names the start too; when both
  are given they must agree.
- **Accepting.** A node is accepting when it has ``accepting=true`` or,
  failing that, ``shape=doublecircle``. Default statements count, so
  graphviz's classic ``node [shape=doublecircle]; q3 q4; node [shape=circle];``
  works.
- **Empty languages.** A file whose start is marked by a learning tool's
  marker (any marker but ``__start__``) lists its final states explicitly,
  so one without a double circle declares the empty language. In
  grammarlab's own convention a file with no accepting node is refused, as a
  forgotten mark, unless it sets the graph attribute ``empty=true``.
- **Edges.** ``label`` is the symbol. An epsilon move has ``epsilon=true``
  (its label, ``"ε"`` when written here, is only for the picture).
  ``weight`` and ``stop_weight`` are numbers; graphviz's ``dot`` layout reads
  ``weight`` too, and prefers integers.
- The graph's ID is the grammar's name (else the file name's stem) and the
  graph attribute ``description`` its description. Node labels, other
  attributes, ports and subgraph borders are drawing matters and are ignored.
- Flags (``accepting``, ``epsilon``, ``empty``) are read as graphviz reads
  booleans: ``true``/``false``, ``yes``/``no`` or integers.
- A file written by pyformlang (nodes with ``is_start`` / ``is_final``, and
  no other start marker) is read with pyformlang's convention; see
  :mod:`grammar.io.pyformlang`.

Writing
-------
``dialect="grammarlab"`` writes the declaration (epsilon moves, weights and
stop weights included); ``dialect="aalpy"`` writes the canonical minimal DFA
the way AALpy saves a ``Dfa`` (see :mod:`grammar.io.aalpy_format`).

Examples
--------
>>> parsed = read_dot('digraph { __start0 -> s0; s0 -> s0 [label="a"]; '
...                   's0 [shape=doublecircle] }')
>>> parsed.declaration.start, sorted(parsed.declaration.accepting)
('s0', ['s0'])
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from grammar.errors import GrammarError
from grammar.graph import Declaration, validate_declaration
from grammar.io.dot_syntax import DotStatements, attr_list, parse_dot, quote
from grammar.io.pyformlang import pyformlang_declaration
from grammar.io.sources import (
    Parsed,
    Source,
    fresh_name,
    in_file,
    portable_names,
    read_source,
    text_flag,
)

if TYPE_CHECKING:
    import networkx as nx

    from grammar.core import Grammar

__all__ = ["START_NODE", "DIALECTS", "read_dot", "write_dot"]

# grammarlab's start marker, and the learning tools' (__start0, __start1, ...).
START_NODE = "__start__"
_TOOL_START = re.compile(r"__start\d+")
_MARKER_SHAPES = frozenset({"point", "none"})
DIALECTS = ("grammarlab", "aalpy")


def _is_named_marker(name: str) -> bool:
    return name == START_NODE or _TOOL_START.fullmatch(name) is not None


def _markers(parsed: DotStatements) -> list[str]:
    """The start markers, in file order: named ones and point/none-shaped sources of one arrow."""
    outs: dict[str, list[dict]] = {}
    entered = set()
    for u, v, attrs in parsed.edges:
        outs.setdefault(u, []).append(attrs)
        entered.add(v)
    markers = []
    for name, attrs in parsed.nodes.items():
        if _is_named_marker(name) or (
            attrs.get("shape", "").lower() in _MARKER_SHAPES
            and name not in entered
            and len(outs.get(name, [])) == 1
            and not outs[name][0].get("label")
            and "epsilon" not in outs[name][0]
        ):
            markers.append(name)
    return markers


def _starts(parsed: DotStatements, markers: list[str]) -> list[str]:
    """The start states: targets of the markers' arrows, or the graph attribute ``start``."""
    starts: list[str] = []
    idle = []  # markers that point nowhere: harmless when something else names the start
    for marker in markers:
        arrows = [v for u, v, _ in parsed.edges if u == marker]
        if len(arrows) > 1:
            raise GrammarError(
                f"node {marker!r} has {len(arrows)} out-edges; it must point at the one start node"
            )
        if not arrows:
            idle.append(marker)
        elif arrows[0] not in starts:
            starts.append(arrows[0])
    start = parsed.graph_attrs.get("start")
    if idle and not starts and start is None:
        raise GrammarError(f"node {idle[0]!r} has no out-edge; add an edge {idle[0]} -> NODE")
    if starts and start is not None and starts != [start]:
        arrow = f"{markers[0]} -> {starts[0]!r}" if len(starts) == 1 else f"{len(starts)} arrows"
        raise GrammarError(
            f"the graph attribute start={start!r} disagrees with {arrow}; keep one of them"
        )
    if starts:
        return starts
    if start is None:
        raise GrammarError(
            f"no start node; add an edge {START_NODE} -> NODE or a graph attribute start=NODE"
        )
    return [start]


def _number(value: str, what: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise GrammarError(f"{what}={value!r} is not a number") from None


def _declaration(parsed: DotStatements) -> Declaration:
    """The validated declaration of a parsed DOT graph in grammarlab's or the tools' convention."""
    import networkx as nx

    markers = _markers(parsed)
    starts = _starts(parsed, markers)
    G = nx.MultiDiGraph()
    for name, attrs in parsed.nodes.items():
        if name in markers:
            continue
        where = f"node {name!r}"
        if "accepting" in attrs:
            accepting = text_flag(attrs["accepting"], f"{where} has accepting")
        else:
            accepting = attrs.get("shape", "").lower() == "doublecircle"
        G.add_node(name, **({"accepting": True} if accepting else {}))
        if "stop_weight" in attrs:
            G.nodes[name]["stop_weight"] = _number(attrs["stop_weight"], f"{where} has stop_weight")
    for u, v, attrs in parsed.edges:
        if u in markers:
            continue
        where = f"edge {u!r} -> {v!r}"
        if v in markers:
            raise GrammarError(f"{where} enters {v!r}, which only marks the start")
        if text_flag(attrs.get("epsilon", "false"), f"{where} has epsilon"):
            symbol = None
        elif "label" in attrs:
            symbol = attrs["label"]
        else:
            raise GrammarError(f"{where} has no label; give it label=SYMBOL, or epsilon=true")
        data: dict[str, Any] = {"symbol": symbol}
        if "weight" in attrs:
            data["weight"] = _number(attrs["weight"], f"{where} has weight")
        G.add_edge(u, v, **data)
    if len(starts) == 1:
        G.graph["start"] = starts[0]
    else:
        G.graph["start"] = fresh_name(G, START_NODE)
        G.add_edges_from((G.graph["start"], s, {"symbol": None}) for s in starts)
    # A learning tool lists its final states explicitly: none means the empty language.
    tool_dialect = any(marker != START_NODE for marker in markers)
    if text_flag(parsed.graph_attrs.get("empty", "false"), "the graph attribute empty") or (
        tool_dialect and not any(flag for _, flag in G.nodes(data="accepting"))
    ):
        G.graph["empty"] = True
    return validate_declaration(G)


def _pyformlang_graph(parsed: DotStatements) -> nx.MultiDiGraph:
    """A pyformlang-convention graph from a DOT file pyformlang wrote."""
    import networkx as nx

    G = nx.MultiDiGraph()
    for name, attrs in parsed.nodes.items():
        G.add_node(name, **{k: attrs[k] for k in ("is_start", "is_final") if k in attrs})
    for u, v, attrs in parsed.edges:
        G.add_edge(u, v, **{k: attrs[k] for k in ("label", "weight") if k in attrs})
    return G


def read_dot(source: Source) -> Parsed:
    """Read a DOT file, DOT text or open file into a validated declaration (see the module doc).

    Raises
    ------
    TypeError
        If `source` is not a path, text or open file.
    GrammarError
        If the file is missing or unreadable, is not valid DOT, or does not
        declare a valid grammar; the message starts with the file name.
    """
    text, where, stem = read_source(source, "DOT")
    parsed = parse_dot(text, where)
    with in_file(where):
        named = "start" in parsed.graph_attrs or any(map(_is_named_marker, parsed.nodes))
        if not named and any("is_start" in attrs for attrs in parsed.nodes.values()):
            declaration = pyformlang_declaration(_pyformlang_graph(parsed))
        else:
            declaration = _declaration(parsed)
    return Parsed(
        declaration,
        name=parsed.name or stem,
        description=parsed.graph_attrs.get("description", ""),
        where=where,
    )


def write_dot(g: Grammar, dialect: str = "grammarlab") -> str:
    """The grammar as DOT text, in grammarlab's convention or AALpy's (see the module doc).

    Raises
    ------
    GrammarError
        If `dialect` is unknown, or a symbol cannot be written in AALpy's dialect.
    """
    if dialect == "aalpy":
        from grammar.io.aalpy_format import write_aalpy_dot

        return write_aalpy_dot(g)
    if dialect != "grammarlab":
        raise GrammarError(f"dialect={dialect!r} is not one of {', '.join(DIALECTS)}")
    declaration = g.declaration
    names = portable_names(declaration.nodes, str, reserved=[START_NODE])
    header = f"digraph {quote(g.name)} {{" if g.name else "digraph {"
    lines = [header, "  rankdir=LR;"]
    if g.description:
        lines.append(f"  description={quote(g.description)};")
    if not declaration.accepting:
        lines.append("  empty=true;")
    lines.append("  node [shape=circle];")
    # Every node, in declaration order, so that reading the file back keeps the order.
    for node in declaration.nodes:
        attrs: dict[str, Any] = {}
        if node in declaration.accepting:
            attrs.update(shape="doublecircle", accepting="true")
        if node in declaration.stop_weights:
            attrs["stop_weight"] = repr(declaration.stop_weights[node])
        lines.append(f"  {quote(names[node])}{attr_list(attrs)};")
    lines += [
        f"  {START_NODE} [shape=point];",
        f"  {START_NODE} -> {quote(names[declaration.start])};",
    ]
    for e in declaration.edges:
        attrs = {"label": "ε", "epsilon": "true"} if e.symbol is None else {"label": e.symbol}
        if e.weight != 1.0:
            attrs["weight"] = repr(e.weight)
        edge = f"{quote(names[e.source])} -> {quote(names[e.target])}"
        lines.append(f"  {edge}{attr_list(attrs)};")
    lines.append("}")
    return "\n".join(lines) + "\n"
