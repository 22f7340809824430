"""Other libraries' automata and regular expressions: ``grammar.from_regex("(ab)*")`` and the like.

pyformlang graphs, AALpy's ``Dfa``, automata-lib's ``DFA`` and ``NFA``, and
Python regular expressions each have a module in :mod:`grammar.io`, below
:mod:`grammar.core`, that turns them into a declaration (or a grammar into
them). As in :mod:`grammar.formats`, the functions here are both spellings:
:class:`~grammar.Grammar` inherits them (``Grammar.from_regex(p)``,
``g.to_aalpy()``) and the package exports the same objects
(``grammar.from_regex(p)``, ``grammar.to_aalpy(g)``).

Examples
--------
>>> from grammar import Grammar, from_regex
>>> from_regex("(ab)*") == Grammar.from_regex("(ab)*|abab")
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from grammar.formats import needs_grammar

if TYPE_CHECKING:
    import networkx as nx

    from grammar.core import Grammar

__all__ = ["ConversionMethods"]


class ConversionMethods:
    """pyformlang, AALpy, automata-lib and regex, for ``Grammar`` and as plain functions."""

    __slots__ = ()

    @classmethod
    def from_pyformlang_graph(cls, G: nx.DiGraph, *, name: str | None = None,
                              description: str = "") -> Grammar:  # fmt: skip
        """Load a graph in pyformlang's networkx convention (see :mod:`grammar.io.pyformlang`).

        Raises TypeError if `G` is not a networkx directed graph, GrammarError
        if no node is a start or a final state, or an edge's label is not a
        non-empty str.

        Examples
        --------
        >>> import networkx as nx
        >>> from grammar import from_pyformlang_graph
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
        from grammar.io.pyformlang import pyformlang_declaration

        return cls(pyformlang_declaration(G), name=name, description=description)

    @classmethod
    def from_aalpy(cls, dfa: Any, *, name: str | None = None, description: str = "") -> Grammar:
        """Convert an AALpy ``Dfa`` (see :mod:`grammar.io.aalpy_format`); AALpy need not be present.

        Its input symbols become ``str``; one without accepting states is the
        empty language. TypeError if `dfa` is no AALpy ``Dfa``, GrammarError if
        two input symbols print alike.
        """
        from grammar.io.aalpy_format import aalpy_declaration

        return cls(aalpy_declaration(dfa), name=name, description=description)

    def to_aalpy(self) -> Any:
        """The canonical minimal complete DFA as an AALpy ``Dfa``; ImportError without AALpy.

        Needs ``grammarlab[aalpy]``; see :mod:`grammar.io.aalpy_format`.
        """
        from grammar.io.aalpy_format import to_aalpy

        return to_aalpy(needs_grammar(self))

    @classmethod
    def from_regex(cls, pattern: str, *, alphabet: Any = None, name: str | None = None,
                   description: str = "", max_states: int | None = None) -> Grammar:  # fmt: skip
        """The words over the alphabet that ``re.fullmatch(pattern, word)`` accepts.

        What is supported, refused, and the default alphabet (the characters
        the pattern names, so that ``.`` and negated classes need `alphabet`)
        are in :mod:`grammar.io.regex`. The default name is ``"re:" + pattern``,
        as the command line spells it. The automaton is built within a budget
        (see :mod:`grammar.io.regex_dfa`): a pattern longer than 4,096
        characters once its repeats are written out, or needing more than
        `max_states` DFA states (default 65,536), is refused at once.

        Raises TypeError for a pattern or alphabet not made of str, GrammarError
        for an invalid pattern, a missing alphabet, a construct a finite-state
        grammar cannot express (named with its position), or a pattern past the
        budget (saying what is too large).

        Examples
        --------
        >>> from grammar import from_regex
        >>> g = from_regex("(ab)*c?")
        >>> g.name, g.alphabet, g.accepts("ababc"), g.accepts("aba")
        ('re:(ab)*c?', ('a', 'b', 'c'), True, False)
        >>> from_regex("(a|b)c(?=d)")
        Traceback (most recent call last):
        ...
        grammar.errors.GrammarError: regular expression '(a|b)c(?=d)': lookahead (?= at ...
        """
        from grammar.io.regex import regex_declaration

        declaration = regex_declaration(pattern, alphabet, max_states)
        return cls(declaration, name=f"re:{pattern}" if name is None else name,
                   description=description)

    @classmethod
    def from_automata(cls, automaton: Any, *, name: str | None = None,
                      description: str = "") -> Grammar:  # fmt: skip
        """Convert an automata-lib ``DFA`` or ``NFA`` (see :mod:`grammar.io.automata_lib`).

        Raises ImportError without ``grammarlab[automata]``, TypeError for other
        objects, GrammarError for input symbols that print alike.

        Examples
        --------
        >>> from automata.fa.dfa import DFA
        >>> from grammar import from_automata, library
        >>> moves = {"even": {"0": "even", "1": "odd"}, "odd": {"0": "odd", "1": "even"}}
        >>> dfa = DFA(states={"even", "odd"}, input_symbols={"0", "1"}, transitions=moves,
        ...           initial_state="even", final_states={"even"})
        >>> from_automata(dfa) == library.parity()
        True
        """
        from grammar.io.automata_lib import automata_declaration

        return cls(automata_declaration(automaton), name=name, description=description)

    def to_automata(self, *, kind: str = "dfa") -> Any:
        """The minimal complete automata-lib ``DFA``, or with ``kind="nfa"`` the declaration.

        Needs ``grammarlab[automata]``; see :mod:`grammar.io.automata_lib`.

        Examples
        --------
        >>> from grammar import library, to_automata
        >>> dfa = to_automata(library.parity())
        >>> sorted(dfa.states), dfa.accepts_input("0110"), dfa.accepts_input("010")
        ([0, 1], True, False)
        """
        from grammar.io.automata_lib import to_automata

        return to_automata(needs_grammar(self), kind=kind)
