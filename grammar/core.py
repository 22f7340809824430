"""The :class:`Grammar`: one declaration, compiled once, answering exact questions.

A grammar is built from a networkx graph (see :mod:`grammar.graph` for the
contract), validated, and compiled to its canonical minimal complete DFA
(:mod:`grammar.automaton`). It is immutable, and two grammars compare and
hash equal exactly when their languages are equal.

Words are plain ``str`` when every symbol is one character, and tuples of
tokens otherwise. Methods that take a word also accept a list or tuple of
single-character symbols, and in token mode a whitespace-separated ``str``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from grammar.automaton import DFA, compile_declaration, find_counterexample
from grammar.checks import check_length
from grammar.conversions import ConversionMethods
from grammar.display import DisplayMethods
from grammar.explain import Explanation, explain_symbols
from grammar.formats import FormatMethods
from grammar.generation import generator_method
from grammar.graph import Declaration, declaration_from_edges, validate_declaration
from grammar.words import Word, split_word

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Grammar", "Word", "split_word"]


class Grammar(FormatMethods, ConversionMethods, DisplayMethods):
    """A finite-state grammar declared as a networkx graph.

    Parameters
    ----------
    G : networkx.MultiDiGraph, networkx.DiGraph or Declaration
        The declaration: graph attribute ``start``, node attribute
        ``accepting``, edge attributes ``symbol`` (None for epsilon) and
        ``weight``, node attribute ``stop_weight``; or an already validated
        :class:`grammar.graph.Declaration`.
    name : str, optional
        A short name (defaults to ``G.graph["name"]`` when present).
    description : str, optional
        A one-line description.
    max_states : int, optional
        The most DFA states the subset construction may create before a
        GrammarError; default :data:`grammar.subsets.MAX_DFA_STATES`.

    Raises
    ------
    TypeError
        If `G` is not a networkx directed graph.
    GrammarError
        If the declaration is invalid (the message names the node or edge), or
        its subset construction passes `max_states`.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph(start="even")
    >>> G.add_node("even", accepting=True)
    >>> G.add_edges_from([("even", "odd", {"symbol": "a"}), ("odd", "even", {"symbol": "a"}),
    ...                   ("even", "even", {"symbol": "b"}), ("odd", "odd", {"symbol": "b"})])
    [0, 0, 0, 0]
    >>> g = Grammar(G, name="even-a")
    >>> g.accepts("abba"), g.accepts("ab")
    (True, False)
    >>> g.dfa.n_states, g.count(4)
    (2, 8)
    """

    __slots__ = ("_declaration", "_dfa", "_name", "_description", "_column", "__dict__")

    def __init__(
        self,
        G: nx.DiGraph | Declaration,
        *,
        name: str | None = None,
        description: str = "",
        max_states: int | None = None,
    ) -> None:
        declaration = G if isinstance(G, Declaration) else validate_declaration(G)
        self._set("_declaration", declaration)
        self._set("_dfa", compile_declaration(declaration, max_states))
        self._set("_max_states", max_states)
        self._set("_name", name if name is not None else declaration.graph_attrs.get("name"))
        self._set("_description", description or declaration.graph_attrs.get("description", ""))
        self._set("_column", {symbol: j for j, symbol in enumerate(self._dfa.alphabet)})

    def __reduce__(self) -> tuple:
        # Rebuild from the declaration: the compiled parts are derived data.
        # The state budget travels too: a copy in another process must compile as this one did.
        return (_rebuild, (self._declaration, self._name, self._description, self._max_states))

    def _set(self, attribute: str, value: Any) -> None:
        object.__setattr__(self, attribute, value)

    def __setattr__(self, attribute: str, value: Any) -> None:
        raise AttributeError(f"Grammar is immutable; cannot set {attribute!r}")

    # -- construction -------------------------------------------------------

    @classmethod
    def from_edges(
        cls,
        edges: Iterable[Sequence[Any]],
        *,
        start: Hashable,
        accepting: Iterable[Hashable] | str,
        name: str | None = None,
        description: str = "",
        empty: bool = False,
    ) -> Grammar:
        """Build a grammar from ``(source, target, symbol[, weight])`` tuples.

        With ``empty=True`` and no accepting node it declares the empty
        language on purpose (a missing accepting node is otherwise refused).

        Examples
        --------
        >>> g = Grammar.from_edges([(0, 1, "a"), (1, 1, "b")], start=0, accepting=[1])
        >>> [g.accepts(w) for w in ["a", "abb", "b", ""]]
        [True, True, False, False]
        >>> Grammar.from_edges([(0, 1, "a")], start=0, accepting=[], empty=True).count(1)
        0
        """
        # A lone str names one node, not a sequence of one-letter nodes.
        final = [accepting] if isinstance(accepting, str) else accepting
        attrs = {"empty": True} if empty else None
        declaration = declaration_from_edges(edges, start=start, accepting=final,
                                             graph_attrs=attrs)
        return cls(declaration, name=name, description=description)

    def to_graph(self) -> nx.MultiDiGraph:
        """A fresh networkx copy of the declaration, weights included.

        Examples
        --------
        >>> from grammar import library
        >>> Grammar(library.reber().to_graph()) == library.reber()
        True
        """
        G = self._declaration.to_graph()
        if self._name is not None:
            G.graph["name"] = self._name
        if self._description:
            G.graph["description"] = self._description
        return G

    # -- attributes -----------------------------------------------------------

    @property
    def name(self) -> str | None:
        """The grammar's short name, if it has one."""
        return self._name

    @property
    def description(self) -> str:
        """A one-line description (may be empty)."""
        return self._description

    @property
    def declaration(self) -> Declaration:
        """The validated declaration this grammar was built from."""
        return self._declaration

    @property
    def dfa(self) -> DFA:
        """The canonical minimal complete DFA."""
        return self._dfa

    @property
    def alphabet(self) -> tuple[str, ...]:
        """The declared symbols, sorted."""
        return self._dfa.alphabet

    @cached_property
    def single_char(self) -> bool:
        """True when every symbol is one character, so words are plain ``str``."""
        return all(len(symbol) == 1 for symbol in self.alphabet)

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 hex digest of the language (see :meth:`DFA.fingerprint`)."""
        return self._dfa.fingerprint()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Grammar):
            return NotImplemented
        return self.fingerprint == other.fingerprint

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    def __repr__(self) -> str:
        label = f"{self._name!r}, " if self._name else ""
        return f"<Grammar {label}{self._dfa.n_states} DFA states over {len(self.alphabet)} symbols>"

    # -- words ------------------------------------------------------------------

    def symbols_of(self, word: Word | Sequence[str]) -> list[str]:
        """Split a word into its symbols, checking its type.

        Examples
        --------
        >>> from grammar import library
        >>> library.reber().symbols_of("BTE")
        ['B', 'T', 'E']
        """
        return split_word(word, self.single_char)

    def encode(self, word: Word | Sequence[str]) -> np.ndarray | None:
        """Symbol indices of `word` as int32, or None if it holds an unknown symbol.

        Examples
        --------
        >>> from grammar import library
        >>> library.parity().encode("0110").tolist(), library.parity().encode("012")
        ([0, 1, 1, 0], None)
        """
        column = self._column
        ids = [column.get(symbol, -1) for symbol in self.symbols_of(word)]
        if -1 in ids:
            return None
        return np.asarray(ids, dtype=np.int32)

    def decode(self, ids: Iterable[int]) -> Word:
        """The word for a sequence of symbol indices.

        Examples
        --------
        >>> from grammar import library
        >>> library.parity().decode([1, 0])
        '10'
        """
        symbols = tuple(self.alphabet[int(j)] for j in ids)
        return "".join(symbols) if self.single_char else symbols

    # -- membership -------------------------------------------------------------

    def accepts(self, word: Word | Sequence[str]) -> bool:
        """Whether `word` is in the language; unknown symbols give False.

        Raises
        ------
        TypeError
            If `word` is neither a str nor a sequence of str.

        Examples
        --------
        >>> from grammar import library
        >>> g = library.embedded_reber()
        >>> g.accepts("BTBTXSETE"), g.accepts("BTBTXSEPE"), g.accepts("BTZ")
        (True, False, False)
        """
        column = self._column
        rows = self._rows
        state = self._dfa.start
        for symbol in self.symbols_of(word):
            j = column.get(symbol)
            if j is None:
                return False
            state = rows[state][j]
        return bool(self._accepting_list[state])

    @cached_property
    def _rows(self) -> list[list[int]]:
        return self._dfa.table.tolist()

    @cached_property
    def _accepting_list(self) -> list[bool]:
        return self._dfa.accepting.tolist()

    def accepts_many(self, words: Iterable[Word] | bytes | str) -> np.ndarray:
        """Membership of many words at once, as a boolean array.

        Parameters
        ----------
        words : list of str, list of token tuples, or bytes/str
            A bytes or str value holds newline-separated words.

        Examples
        --------
        >>> from grammar import library
        >>> library.reber().accepts_many(["BTXSE", "BTSSXSE", "BPVPVVE"]).tolist()
        [True, True, False]
        >>> library.reber().accepts_many(b"BTXSE\\nBTE\\n").tolist()
        [True, False]
        """
        from grammar import bulk

        return bulk.accepts_many(self, words)

    def explain(self, word: Word | Sequence[str]) -> Explanation:
        """Where `word` leaves the language, and what was expected there.

        Examples
        --------
        >>> from grammar import library
        >>> e = library.reber().explain("BPVPVVE")
        >>> e.position, e.found, e.expected
        (4, 'V', ('S', 'X'))
        """
        return explain_symbols(self._dfa, self.symbols_of(word))

    def next_symbols(self, prefix: Word | Sequence[str] = "") -> tuple[str, ...]:
        """The symbols that can follow `prefix` in some member, sorted.

        Examples
        --------
        >>> from grammar import library
        >>> library.reber().next_symbols("BT")
        ('S', 'X')
        """
        ids = self.encode(prefix)
        if ids is None:
            return ()
        state = self._dfa.run(ids)
        live = self._dfa.live
        targets = self._dfa.table[state]
        return tuple(s for s, t in zip(self.alphabet, targets, strict=True) if live[t])

    # -- counting and enumeration -----------------------------------------------

    def count(self, length: int) -> int:
        """Exact number of members of `length`, as a Python int.

        Examples
        --------
        >>> from grammar import library
        >>> library.reber().count(5), library.tomita(5).count(3)
        (2, 0)
        """
        check_length(length)
        return self._dfa.count(length)

    def strings(self, max_length: int) -> Iterator[Word]:
        """The members up to `max_length`, lazily, in shortlex order.

        Examples
        --------
        >>> from grammar import library
        >>> list(library.reber().strings(6))
        ['BPVVE', 'BTXSE', 'BPTVVE', 'BPVPSE', 'BTSXSE']
        """
        check_length(max_length)
        return (self.decode(ids) for ids in self._dfa.shortlex(max_length))

    def counterexample(self, other: Grammar) -> Word | None:
        """The shortest, shortlex-first word in exactly one of the two languages.

        Returns None when the languages are equal.

        Examples
        --------
        >>> from grammar import library
        >>> library.tomita(1).counterexample(library.tomita(2))
        '1'
        >>> library.reber().counterexample(library.reber()) is None
        True
        """
        if not isinstance(other, Grammar):
            raise TypeError(f"counterexample needs a Grammar, not {type(other).__name__}")
        found = find_counterexample(self._dfa, other._dfa)
        if found is None:
            return None
        symbols = found[0]
        if self.single_char and other.single_char:
            return "".join(symbols)
        return symbols

    # -- generators: plain functions (grammar.sample, ...). The first three forward to them;
    # the last three are deprecated and warn first (see grammar.generation).

    sample = generator_method("sample")
    sample_uniform = generator_method("sample_uniform")
    near_misses = generator_method("near_misses")
    non_members = generator_method("non_members")
    distance = generator_method("distance")
    expected_walk_length = generator_method("expected_walk_length")

def _rebuild(declaration: Declaration, name: str | None, description: str,
             max_states: int | None = None) -> Grammar:
    return Grammar(declaration, name=name, description=description, max_states=max_states)
