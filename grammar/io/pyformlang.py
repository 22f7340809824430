"""pyformlang's networkx convention: node flags ``is_start`` / ``is_final``, edge ``label``.

That is the graph ``pyformlang``'s ``FiniteAutomaton.to_networkx()``
returns, and what its ``write_as_dot`` writes to a DOT file:

- the labels ``"epsilon"`` and ``"ɛ"`` are epsilon moves, as in pyformlang;
- edges without a label (pyformlang's drawing arrows into the start
  states) are skipped;
- several start states are joined by a fresh start node with epsilon moves;
- an edge ``weight``, if present, is kept;
- flags may be booleans or text (``"True"``), as a DOT file holds them;
- a graph without final states is refused unless its graph attribute
  ``empty`` is True.

Examples
--------
>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node(0, is_start=True, is_final=False)
>>> G.add_node(1, is_start=False, is_final=True)
>>> G.add_edge(0, 1, label="a")
0
>>> d = pyformlang_declaration(G)
>>> d.start, sorted(d.accepting), d.edges[0].symbol
(0, [1], 'a')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from grammar.errors import GrammarError
from grammar.graph import Declaration, validate_declaration
from grammar.io.sources import fresh_name, text_flag

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["PYFORMLANG_EPSILON", "pyformlang_declaration"]

# Symbols pyformlang's finite automata read as epsilon (its to_networkx writes "ɛ").
PYFORMLANG_EPSILON = frozenset({"epsilon", "ɛ"})
# The fresh start node that joins several start states.
_JOINED_START = "__start__"


def _translate(G: Any) -> nx.MultiDiGraph:
    """The same automaton in this package's declaration convention."""
    import networkx as nx

    if not isinstance(G, nx.DiGraph):
        raise TypeError(f"a pyformlang graph is a networkx MultiDiGraph, not {type(G).__name__}")
    starts = [n for n, f in G.nodes(data="is_start", default=False) if text_flag(f, "is_start")]
    finals = [n for n, f in G.nodes(data="is_final", default=False) if text_flag(f, "is_final")]
    if not starts:
        raise GrammarError("no node has is_start=True; mark the start state as pyformlang does")
    empty = G.graph.get("empty", False) is True
    if not finals and not empty:
        raise GrammarError(
            "no node has is_final=True; mark the final states as pyformlang does, "
            "or set the graph attribute empty=True to declare the empty language"
        )
    D = nx.MultiDiGraph(**({"empty": True} if empty else {}))
    D.add_nodes_from(G.nodes)
    for node in finals:
        D.nodes[node]["accepting"] = True
    for u, v, data in G.edges(data=True):
        if "label" not in data:  # pyformlang's drawing arrow into a start state
            continue
        label = data["label"]
        attrs = {"symbol": None if label in PYFORMLANG_EPSILON else label}
        if "weight" in data:
            attrs["weight"] = data["weight"]
        D.add_edge(u, v, **attrs)
    if len(starts) == 1:
        D.graph["start"] = starts[0]
    else:  # several start states: one fresh start with epsilon moves to each
        D.graph["start"] = fresh_name(D, _JOINED_START)
        D.add_edges_from((D.graph["start"], s, {"symbol": None}) for s in starts)
    return D


def pyformlang_declaration(G: Any) -> Declaration:
    """Translate a graph in pyformlang's convention into a validated declaration.

    Raises
    ------
    TypeError
        If `G` is not a networkx directed graph.
    GrammarError
        If no node is a start or a final state, a flag is not a boolean, or
        an edge's label is not a non-empty str.
    """
    return validate_declaration(_translate(G))
