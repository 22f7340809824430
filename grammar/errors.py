"""Exceptions raised by grammarlab.

Every error the library raises on bad input is a :class:`GrammarError`, a
subclass of :class:`ValueError`, whose message names the node, edge, file or
symbol at fault. Wrong argument types raise :class:`TypeError`.
"""

__all__ = ["GrammarError", "EmptyLanguageError"]


class GrammarError(ValueError):
    """A grammar declaration, file or request is invalid.

    Examples
    --------
    >>> import networkx as nx
    >>> from grammar import Grammar, GrammarError
    >>> try:
    ...     Grammar(nx.MultiDiGraph())
    ... except GrammarError as err:
    ...     print(err)
    graph has no 'start' attribute; set G.graph['start'] to the start node
    """


class EmptyLanguageError(GrammarError):
    """The language (or the requested slice of it) has no members.

    Raised by sampling and generation when there is nothing to draw from.

    Examples
    --------
    >>> from grammar import library
    >>> try:
    ...     library.tomita(2).sample_uniform(1, length=3)
    ... except EmptyLanguageError as err:
    ...     print(type(err).__name__)
    EmptyLanguageError
    """
