"""Combinators: build grammars from grammars and symbols.

:func:`concat`, :func:`union` and :func:`star` work on declarations, joining
the parts' graphs with epsilon moves, so the declared weights survive
composition: a random walk on the result makes the same choices, with the
same odds, as walks on the parts. A plain ``str`` argument stands for one
symbol (a token); spell a word of several symbols as ``concat(*"abc")``.
"""

from __future__ import annotations

from collections.abc import Hashable

from grammar.core import Grammar
from grammar.graph import Declaration, Edge, declaration_from_edges

__all__ = ["concat", "union", "star", "symbol"]

Part = Grammar | str


def symbol(token: str, *, name: str | None = None) -> Grammar:
    """The grammar whose only word is the single symbol `token`.

    Examples
    --------
    >>> list(symbol("B").strings(3))
    ['B']
    """
    return Grammar(declaration_from_edges([(0, 1, token)], start=0, accepting=[1]), name=name)


def _as_grammar(part: Part) -> Grammar:
    if isinstance(part, Grammar):
        return part
    if isinstance(part, str):
        return symbol(part)
    raise TypeError(f"a part is a Grammar or a str symbol, not {type(part).__name__}")


class _Builder:
    """Collects the parts' edges under fresh integer node names."""

    def __init__(self) -> None:
        self.edges: list[Edge] = []
        self.n_nodes = 0

    def node(self) -> int:
        self.n_nodes += 1
        return self.n_nodes - 1

    def embed(self, part: Part) -> tuple[int, dict[int, float]]:
        """Copy a part's declaration in; return its start and its exits' stop weights.

        The copies are not accepting: the caller decides where each exit leads.
        """
        declaration = _as_grammar(part).declaration
        names: dict[Hashable, int] = {q: self.node() for q in declaration.nodes}
        for e in declaration.edges:
            self.edges.append(Edge(names[e.source], names[e.target], e.symbol, e.weight))
        exits = {names[q]: declaration.stop_weights.get(q, 1.0) for q in declaration.accepting}
        return names[declaration.start], exits

    def epsilon(self, source: int, target: int, weight: float) -> None:
        self.edges.append(Edge(source, target, None, weight))

    def finish(self, start: int, exits: dict[int, float], name: str | None) -> Grammar:
        declaration = Declaration(
            start=start,
            nodes=tuple(range(self.n_nodes)),
            accepting=frozenset(exits),
            edges=tuple(self.edges),
            stop_weights=dict(exits),
        )
        return Grammar(declaration, name=name)


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
    builder = _Builder()
    start, exits = builder.embed(parts[0])
    for part in parts[1:]:
        next_start, next_exits = builder.embed(part)
        for node, weight in exits.items():
            builder.epsilon(node, next_start, weight)
        exits = next_exits
    return builder.finish(start, exits, name)


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
    builder = _Builder()
    start = builder.node()
    exits: dict[int, float] = {}
    for part in parts:
        part_start, part_exits = builder.embed(part)
        builder.epsilon(start, part_start, 1.0)
        exits.update(part_exits)
    return builder.finish(start, exits, name)


def star(part: Part, *, name: str | None = None) -> Grammar:
    """Zero or more repetitions of the part's language (Kleene star).

    The walk stops or enters the part with equal odds at each repetition.

    Examples
    --------
    >>> list(star(concat("a", "b")).strings(4))
    ['', 'ab', 'abab']
    """
    builder = _Builder()
    hub = builder.node()
    part_start, part_exits = builder.embed(part)
    builder.epsilon(hub, part_start, 1.0)
    for node, weight in part_exits.items():
        builder.epsilon(node, hub, weight)
    return builder.finish(hub, {hub: 1.0}, name)
