"""Combinators: build grammars from grammars and symbols.

:func:`concat`, :func:`union` and :func:`star` work on declarations, joining
the parts' graphs with epsilon moves, so the declared weights survive
composition: a random walk on the result makes the same choices, with the
same odds, as walks on the parts. A plain ``str`` argument stands for one
symbol (a token); spell a word of several symbols as ``concat(*"abc")``.
"""

from __future__ import annotations

from collections.abc import Hashable

import networkx as nx

from grammar.core import Grammar

__all__ = ["concat", "union", "star", "symbol"]

Part = Grammar | str


def symbol(token: str, *, name: str | None = None) -> Grammar:
    """The grammar whose only word is the single symbol `token`.

    Examples
    --------
    >>> list(symbol("B").strings(3))
    ['B']
    """
    G = nx.MultiDiGraph(start=0)
    G.add_edge(0, 1, symbol=token)
    G.nodes[1]["accepting"] = True
    return Grammar(G, name=name)


def _as_grammar(part: Part) -> Grammar:
    if isinstance(part, Grammar):
        return part
    if isinstance(part, str):
        return symbol(part)
    raise TypeError(f"a part is a Grammar or a str symbol, not {type(part).__name__}")


def _embed(target: nx.MultiDiGraph, part: Grammar, tag: int) -> tuple[Hashable, dict]:
    """Copy `part`'s declaration into `target` under fresh node names.

    Returns the new name of its start node and a map from its accepting
    nodes' new names to their stop weights. The copies are not accepting:
    the caller decides where each part's exits lead.
    """
    declaration = part.declaration
    for node in declaration.nodes:
        target.add_node((tag, node))
    for e in declaration.edges:
        target.add_edge((tag, e.source), (tag, e.target), symbol=e.symbol, weight=e.weight)
    exits = {(tag, q): declaration.stop_weights.get(q, 1.0) for q in declaration.accepting}
    return (tag, declaration.start), exits


def _finish(G: nx.MultiDiGraph, start: Hashable, exits: dict, name: str | None) -> Grammar:
    G.graph["start"] = start
    for node, stop_weight in exits.items():
        G.nodes[node]["accepting"] = True
        G.nodes[node]["stop_weight"] = stop_weight
    relabelled = nx.convert_node_labels_to_integers(G)
    relabelled.graph["start"] = list(G.nodes).index(start)
    return Grammar(relabelled, name=name)


def concat(*parts: Part, name: str | None = None) -> Grammar:
    """The concatenation of the parts' languages, in order.

    Each part's exits (its accepting nodes) lead by an epsilon move to the
    next part's start, weighted by the exit's stop weight.

    Examples
    --------
    >>> from grammar import library
    >>> g = concat("B", library.tomita(1), "E")
    >>> [g.accepts(w) for w in ["BE", "B11E", "B10E"]]
    [True, True, False]
    """
    if not parts:
        raise TypeError("concat needs at least one part")
    G = nx.MultiDiGraph()
    start, exits = _embed(G, _as_grammar(parts[0]), 0)
    for tag, part in enumerate(parts[1:], start=1):
        next_start, next_exits = _embed(G, _as_grammar(part), tag)
        for node, weight in exits.items():
            G.add_edge(node, next_start, symbol=None, weight=weight)
        exits = next_exits
    return _finish(G, start, exits, name)


def union(*parts: Part, name: str | None = None) -> Grammar:
    """The union of the parts' languages; a walk picks each part with equal odds.

    Examples
    --------
    >>> g = union("a", concat("b", "c"))
    >>> sorted(g.strings(2))
    ['a', 'bc']
    """
    if not parts:
        raise TypeError("union needs at least one part")
    G = nx.MultiDiGraph()
    start = (-1, "start")
    G.add_node(start)
    exits: dict = {}
    for tag, part in enumerate(parts):
        part_start, part_exits = _embed(G, _as_grammar(part), tag)
        G.add_edge(start, part_start, symbol=None, weight=1.0)
        exits.update(part_exits)
    return _finish(G, start, exits, name)


def star(part: Part, *, name: str | None = None) -> Grammar:
    """Zero or more repetitions of the part's language (Kleene star).

    The walk stops or enters the part with equal odds at each repetition.

    Examples
    --------
    >>> list(star(concat("a", "b")).strings(4))
    ['', 'ab', 'abab']
    """
    G = nx.MultiDiGraph()
    hub = (-1, "hub")
    G.add_node(hub)
    part_start, part_exits = _embed(G, _as_grammar(part), 0)
    G.add_edge(hub, part_start, symbol=None, weight=1.0)
    for node, weight in part_exits.items():
        G.add_edge(node, hub, symbol=None, weight=weight)
    return _finish(G, hub, {hub: 1.0}, name)
