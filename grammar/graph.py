"""The declaration contract: validating a grammar declared as a networkx graph.

A grammar is a :class:`networkx.MultiDiGraph` (a :class:`networkx.DiGraph`
is accepted too) whose nodes are states:

- the graph attribute ``start`` names the start node;
- a node with ``accepting=True`` is a final state, and may carry
  ``stop_weight`` (> 0, default 1), its relative chance of ending a walk;
- each edge has ``symbol``, a non-empty ``str``, or ``None`` for an epsilon
  move, and may carry ``weight`` (> 0, default 1), its relative chance in a
  random walk; a symbol holds no lone surrogate (U+D800 to U+DFFF), which is
  no text but what bytes that are not UTF-8 become, so that such bytes are
  an unknown symbol wherever a word comes from;
- flags (``accepting``, and the graph attribute ``empty``) are ``bool`` or
  ``numpy.bool_``: anything else, the text ``"false"`` included, is refused,
  because Python would read it as true;
- when any symbol is longer than one character, words are sequences of
  tokens whose text form separates them by whitespace, so no symbol may then
  hold whitespace (a single-character grammar may use ``" "`` as a symbol).

A declaration with no accepting node is refused, as a forgotten
``accepting=True``, unless the graph attribute ``empty=True`` says that the
empty language is meant (``empty=True`` with an accepting node is refused too).

:func:`validate_declaration` checks all of that with small ``_validate_*``
checks and returns a frozen, normalised :class:`Declaration`;
:func:`declaration_from_edges` builds one from plain tuples with the same
checks. networkx is imported only when a graph is handled, so code that
never touches one (the command line on a built-in, say) starts faster.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from grammar.errors import GrammarError

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Edge", "Declaration", "validate_declaration", "declaration_from_edges"]

_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Edge:
    """One labelled edge of a declaration; ``symbol=None`` is an epsilon move."""

    source: Hashable
    target: Hashable
    symbol: str | None
    weight: float = 1.0


@dataclass(frozen=True)
class Declaration:
    """A validated grammar declaration, independent of the networkx graph it came from.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph(start=0)
    >>> G.add_edge(0, 1, symbol="a")
    0
    >>> G.add_node(1, accepting=True)
    >>> d = validate_declaration(G)
    >>> d.start, sorted(d.accepting), d.edges[0].symbol
    (0, [1], 'a')
    """

    start: Hashable
    nodes: tuple[Hashable, ...]
    accepting: frozenset
    edges: tuple[Edge, ...]
    stop_weights: dict = field(default_factory=dict)
    graph_attrs: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Checked here so that composed declarations (concat, union, ...) obey it too.
        _validate_token_symbols(self.edges)

    @property
    def symbols(self) -> tuple[str, ...]:
        """The sorted set of non-epsilon symbols used on edges."""
        return tuple(sorted({e.symbol for e in self.edges if e.symbol is not None}))

    def to_graph(self) -> nx.MultiDiGraph:
        """Rebuild a fresh :class:`networkx.MultiDiGraph` holding this declaration."""
        import networkx as nx

        G = nx.MultiDiGraph(**self.graph_attrs)
        G.graph["start"] = self.start
        for node in self.nodes:
            G.add_node(node)
        for node in self.accepting:
            G.nodes[node]["accepting"] = True
            if node in self.stop_weights:
                G.nodes[node]["stop_weight"] = self.stop_weights[node]
        for e in self.edges:
            G.add_edge(e.source, e.target, symbol=e.symbol, weight=e.weight)
        return G


def _describe_edge(u: Hashable, v: Hashable) -> str:
    return f"edge {u!r} -> {v!r}"


def _validate_graph_type(G: Any) -> None:
    import networkx as nx

    if not isinstance(G, (nx.MultiDiGraph, nx.DiGraph)):
        raise TypeError(
            f"a grammar is declared as a networkx MultiDiGraph or DiGraph, not {type(G).__name__}"
        )


def _validate_start(G: nx.DiGraph) -> Hashable:
    if "start" not in G.graph:
        raise GrammarError("graph has no 'start' attribute; set G.graph['start'] to the start node")
    start = G.graph["start"]
    try:
        present = start in G
    except TypeError:  # unhashable start
        present = False
    if not present:
        raise GrammarError(
            f"start node {start!r} is not a node of the graph; add it or fix 'start'"
        )
    return start


def _validate_weight(value: Any, where: str, attribute: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise GrammarError(f"{where} has {attribute}={value!r}; it must be a finite number > 0")
    value = float(value)
    if not (math.isfinite(value) and value > 0):
        raise GrammarError(f"{where} has {attribute}={value!r}; it must be a finite number > 0")
    return value


def _validate_flag(value: Any, where: str, attribute: str) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise GrammarError(
        f"{where} has {attribute}={value!r} of type {type(value).__name__}; "
        "it must be True or False"
    )


def _validate_empty(G: nx.DiGraph) -> bool:
    return _validate_flag(G.graph.get("empty", False), "the graph", "empty")


_NO_ACCEPTING = (
    "mark at least one final state, or set the graph attribute empty=True "
    "to declare the empty language on purpose"
)


def _check_empty_agrees(accepting: frozenset, empty: bool, where: str) -> None:
    if empty and accepting:
        node = sorted(accepting, key=repr)[0]
        raise GrammarError(
            f"the graph has empty=True but node {node!r} is accepting; drop one of them"
        )
    if not accepting and not empty:
        raise GrammarError(f"{where}; {_NO_ACCEPTING}")


def _validate_accepting(G: nx.DiGraph, empty: bool) -> tuple[frozenset, dict]:
    accepting = frozenset(
        n
        for n, flag in G.nodes(data="accepting", default=False)
        if _validate_flag(flag, f"node {n!r}", "accepting")
    )
    _check_empty_agrees(accepting, empty, "no node has accepting=True")
    stop_weights = {}
    for node in accepting:
        if "stop_weight" in G.nodes[node]:
            stop_weights[node] = _validate_weight(
                G.nodes[node]["stop_weight"], f"node {node!r}", "stop_weight"
            )
    for node, data in G.nodes(data=True):
        if "stop_weight" in data and node not in accepting:
            raise GrammarError(
                f"node {node!r} has a stop_weight but is not accepting; set accepting=True"
            )
    return accepting, stop_weights


def _validate_symbol(data: dict, where: str) -> str | None:
    if "symbol" not in data:
        raise GrammarError(
            f"{where} has no 'symbol' attribute; give it a symbol, or symbol=None for epsilon"
        )
    symbol = data["symbol"]
    if symbol is None:
        return None
    if not isinstance(symbol, str):
        raise GrammarError(
            f"{where} has symbol={symbol!r} of type {type(symbol).__name__}; symbols are str"
        )
    if symbol == "":
        raise GrammarError(f"{where} has an empty symbol; use symbol=None for an epsilon move")
    if _SURROGATE.search(symbol):
        raise GrammarError(
            f"{where} has symbol {symbol!r}, which holds a lone surrogate: no text, but what "
            "bytes that are not UTF-8 become, which no symbol may match"
        )
    return str(symbol)  # plain str, so numpy str_ symbols hash and print alike


def _validate_token_symbols(edges: tuple[Edge, ...]) -> None:
    """In token mode (a symbol longer than one character) no symbol may hold whitespace."""
    tokens = [e.symbol for e in edges if e.symbol is not None and len(e.symbol) > 1]
    if not tokens:
        return
    for e in edges:
        if e.symbol is not None and any(ch.isspace() for ch in e.symbol):
            plain = [t for t in tokens if not any(ch.isspace() for ch in t)]
            example = f" (such as {plain[0]!r})" if plain else ""
            raise GrammarError(
                f"{_describe_edge(e.source, e.target)} has symbol {e.symbol!r}, which holds "
                f"whitespace; with symbols longer than one character{example}, words are "
                "written as whitespace-separated tokens, so no symbol may hold whitespace"
            )


def _validate_edges(G: nx.DiGraph) -> tuple[Edge, ...]:
    edges = []
    for u, v, data in G.edges(data=True):
        where = _describe_edge(u, v)
        symbol = _validate_symbol(data, where)
        weight = _validate_weight(data.get("weight", 1.0), where, "weight")
        edges.append(Edge(u, v, symbol, weight))
    return tuple(edges)


def validate_declaration(G: Any) -> Declaration:
    """Check a networkx grammar declaration and return it normalised.

    Parameters
    ----------
    G : networkx.MultiDiGraph or networkx.DiGraph
        The declaration (see the module docstring for the attributes).

    Returns
    -------
    Declaration

    Raises
    ------
    TypeError
        If `G` is not a networkx directed graph.
    GrammarError
        If the start is missing or unknown, no node accepts (and the graph
        attribute ``empty`` is not True), a flag is not a bool, an edge has a
        missing, non-string or empty symbol, a token symbol holds whitespace,
        or a weight is not a finite number > 0. The message names the node or
        edge at fault.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph(start="q")
    >>> G.add_edge("q", "q", symbol=7)
    >>> G.nodes["q"]["accepting"] = True
    >>> validate_declaration(G)
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: edge 'q' -> 'q' has symbol=7 of type int; symbols are str
    """
    _validate_graph_type(G)
    start = _validate_start(G)
    accepting, stop_weights = _validate_accepting(G, _validate_empty(G))
    edges = _validate_edges(G)
    attrs = {k: v for k, v in G.graph.items() if k != "start"}
    return Declaration(
        start=start,
        nodes=tuple(G.nodes),
        accepting=accepting,
        edges=edges,
        stop_weights=stop_weights,
        graph_attrs=attrs,
    )


def declaration_from_edges(
    edges: Any,
    *,
    start: Hashable,
    accepting: Any,
    stop_weights: dict | None = None,
    graph_attrs: dict | None = None,
) -> Declaration:
    """Build a validated :class:`Declaration` from ``(source, target, symbol[, weight])`` tuples.

    The start and the edges' endpoints are the nodes; the checks and messages
    are those of :func:`validate_declaration`.

    Examples
    --------
    >>> d = declaration_from_edges([(0, 1, "a"), (1, 1, "b", 2.0)], start=0, accepting=[1])
    >>> d.nodes, d.edges[1].weight
    ((0, 1), 2.0)
    >>> empty = {"empty": True}  # the empty language, on purpose
    >>> declaration_from_edges([(0, 0, "a")], start=0, accepting=[], graph_attrs=empty).accepting
    frozenset()
    >>> declaration_from_edges([(0, 1, 5)], start=0, accepting=[1])
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: edge 0 -> 1 has symbol=5 of type int; symbols are str
    """
    checked = []
    for edge in edges:
        if not isinstance(edge, (tuple, list)) or len(edge) not in (3, 4):
            raise GrammarError(
                f"edge {edge!r} must be (source, target, symbol) or "
                "(source, target, symbol, weight)"
            )
        source, target, symbol, *weight = edge
        where = _describe_edge(source, target)
        symbol = _validate_symbol({"symbol": symbol}, where)
        checked.append(
            Edge(source, target, symbol, _validate_weight(weight[0], where, "weight") if weight
                 else 1.0)
        )
    accepting = frozenset(accepting)
    graph_attrs = dict(graph_attrs or {})
    empty = _validate_flag(graph_attrs.get("empty", False), "the graph", "empty")
    _check_empty_agrees(accepting, empty, "no node is accepting")
    stops = {
        node: _validate_weight(w, f"node {node!r}", "stop_weight")
        for node, w in (stop_weights or {}).items()
    }
    for node in stops:
        if node not in accepting:
            raise GrammarError(
                f"node {node!r} has a stop_weight but is not accepting; set accepting=True"
            )
    nodes = dict.fromkeys([start])
    for e in checked:
        nodes.update(dict.fromkeys((e.source, e.target)))
    nodes.update(dict.fromkeys(sorted(accepting, key=repr)))
    return Declaration(
        start=start,
        nodes=tuple(nodes),
        accepting=accepting,
        edges=tuple(checked),
        stop_weights=stops,
        graph_attrs=graph_attrs,
    )
