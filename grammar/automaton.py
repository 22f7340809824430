"""The compiled form of a grammar: the canonical minimal complete DFA.

A declaration is compiled by epsilon closure and subset construction
(:func:`determinize`, from :mod:`grammar.subsets`), then minimised and numbered canonically
(:func:`grammar.minimize.minimize`). The result, :class:`DFA`, is a frozen
numpy transition table with an explicit dead state, and answers the exact
questions the rest of the toolkit asks: running a word, counting members
(:mod:`grammar.counting`), listing them in shortlex order, and finding the
shortest word on which two automata disagree.

``INT64_SAFE`` is the bound past which a count could overflow int64 on the
next step; counts switch to Python ints there.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from grammar.counting import INT64_SAFE, count_words, iter_counts
from grammar.graph import Declaration
from grammar.minimize import minimize, reachable_states
from grammar.subsets import determinize

__all__ = ["DFA", "INT64_SAFE", "determinize", "compile_declaration", "find_counterexample"]


def _readonly(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class DFA:
    """A complete deterministic automaton over `alphabet`, frozen.

    Attributes
    ----------
    alphabet : tuple of str
        Sorted symbols; column ``j`` of `table` reads ``alphabet[j]``.
    table : numpy.ndarray
        Read-only int32 array of shape ``(n_states, n_symbols)``.
    accepting : numpy.ndarray
        Read-only boolean mask of final states.
    start : int
        The start state (0 in canonical form).

    Examples
    --------
    >>> from grammar import library
    >>> dfa = library.parity().dfa
    >>> dfa.n_states, dfa.alphabet, dfa.table.tolist(), dfa.accepting.tolist()
    (2, ('0', '1'), [[0, 1], [1, 0]], [True, False])
    """

    alphabet: tuple[str, ...]
    table: np.ndarray
    accepting: np.ndarray
    start: int = 0
    _count_cache: list = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        _readonly(self.table)
        _readonly(self.accepting)

    @property
    def n_states(self) -> int:
        """Number of states, the dead state included."""
        return int(self.table.shape[0])

    @property
    def live(self) -> np.ndarray:
        """Boolean mask of the states from which some accepting state is reachable."""
        live = self.accepting.copy()
        while True:
            grown = live | live[self.table].any(axis=1)
            if (grown == live).all():
                return live
            live = grown

    @property
    def dead(self) -> int:
        """Index of the dead (rejecting sink) state, or -1 when every state is live."""
        dead = np.flatnonzero(~self.live)
        return int(dead[0]) if dead.size else -1

    def run(self, ids: Sequence[int], state: int | None = None) -> int:
        """Return the state reached by reading symbol indices `ids` from `state`.

        Examples
        --------
        >>> from grammar import library
        >>> library.parity().dfa.run([1, 1, 1])
        1
        """
        state = self.start if state is None else state
        rows = self.table
        for symbol in ids:
            state = rows[state, symbol]
        return int(state)

    def suffix_counts(self, max_length: int) -> list[np.ndarray]:
        """Exact numbers of accepted words by length, from every state.

        ``counts[k][s]`` is the number of words of length ``k`` that lead from
        state ``s`` to acceptance. Counts switch from int64 to Python ints
        before they could overflow, so they are exact at any length.

        Examples
        --------
        >>> from grammar import library
        >>> [int(c[0]) for c in library.tomita(1).dfa.suffix_counts(3)]
        [1, 1, 1, 1]
        """
        counts = self._count_cache
        if not counts:
            counts.append(self.accepting.astype(np.int64))
        n_symbols = max(self.table.shape[1], 1)
        while len(counts) <= max_length:
            previous = counts[-1]
            if previous.dtype != object and int(previous.max(initial=0)) * n_symbols >= INT64_SAFE:
                previous = previous.astype(object)
            counts.append(previous[self.table].sum(axis=1, dtype=previous.dtype))
        return counts[: max_length + 1]

    def count(self, length: int) -> int:
        """Exact number of accepted words of `length`, as a Python int.

        The memory needed does not grow with `length` (beyond the answer's
        own size): one count vector is stepped, or the transition-count matrix
        raised to the power `length` by squaring, whichever is cheaper. Only
        the rows :meth:`suffix_counts` already holds are reused; nothing is
        cached.

        Raises
        ------
        GrammarError
            When the count could have more than
            :data:`grammar.counting.MAX_COUNT_BITS` bits.

        Examples
        --------
        >>> from grammar import library
        >>> library.parity().dfa.count(500) == 2**499
        True
        >>> library.tomita(2).dfa.count(10**18)        # (10)* has one word of each even length
        1
        """
        if length < len(self._count_cache):
            return int(self._count_cache[length][self.start])
        return count_words(self.table, self.accepting, self.start, length)

    def count_range(self, lo: int, hi: int) -> Iterator[int]:
        """The counts of lengths `lo` to `hi`, lazily, in one pass and bounded memory.

        Examples
        --------
        >>> from grammar import library
        >>> list(library.tomita(2).dfa.count_range(0, 5))
        [1, 0, 1, 0, 1, 0]
        """
        return iter_counts(self.table, self.accepting, self.start, lo, hi)

    def shortlex(self, max_length: int) -> Iterator[tuple[int, ...]]:
        """Accepted words up to `max_length`, as symbol-index tuples, in shortlex order.

        Only transitions that can still reach acceptance in the remaining
        length are followed, so no time is spent in dead branches.

        Examples
        --------
        >>> from grammar import library
        >>> list(library.tomita(2).dfa.shortlex(4))
        [(), (1, 0), (1, 0, 1, 0)]
        """
        counts = self.suffix_counts(max_length)
        rows = self.table.tolist()
        for length in range(max_length + 1):
            if counts[length][self.start] == 0:
                continue
            stack = [(self.start, ())]
            while stack:
                state, word = stack.pop()
                remaining = length - len(word)
                if remaining == 0:
                    yield word
                    continue
                # Push in reverse so the smallest symbol is expanded first.
                for symbol in range(len(rows[state]) - 1, -1, -1):
                    target = rows[state][symbol]
                    if counts[remaining - 1][target]:
                        stack.append((target, (*word, symbol)))

    def useful_symbols(self) -> np.ndarray:
        """Boolean mask of the symbols that occur in at least one accepted word."""
        live = self.live
        useful_from = live & reachable_states(self.table, self.start)
        return (live[self.table] & useful_from[:, None]).any(axis=0)

    def fingerprint(self) -> str:
        """SHA-256 of the language: equal for equal languages, whatever the declared alphabet.

        Symbols that occur in no member are dropped before hashing, so adding
        an edge into a dead end does not change the fingerprint.

        Examples
        --------
        >>> from grammar import library
        >>> library.reber().dfa.fingerprint() == library.reber().dfa.fingerprint()
        True
        """
        keep = np.flatnonzero(self.useful_symbols())
        table, accepting = minimize(self.table[:, keep], self.accepting, self.start)
        digest = hashlib.sha256()
        digest.update(repr([self.alphabet[j] for j in keep]).encode())
        digest.update(np.ascontiguousarray(table, dtype="<i4").tobytes())
        digest.update(np.packbits(accepting).tobytes())
        return digest.hexdigest()


def find_counterexample(
    first: DFA, second: DFA
) -> tuple[tuple[str, ...], bool] | None:
    """Shortest, shortlex-first word accepted by exactly one of two DFAs.

    The product of the two automata over the union of their alphabets is
    searched breadth-first, exploring symbols in sorted order, so the first
    distinguishing pair found is reached by the shortlex-least word. A
    symbol missing from one alphabet sends that side to rejection.

    Returns
    -------
    (word, first_accepts) or None
        The word as a tuple of symbols and whether `first` accepts it; None
        when the languages are equal.

    Examples
    --------
    >>> from grammar import library
    >>> find_counterexample(library.tomita(1).dfa, library.tomita(2).dfa)
    (('1',), True)
    """
    alphabet = sorted(set(first.alphabet) | set(second.alphabet))

    def columns(dfa: DFA) -> list[int]:
        index = {symbol: j for j, symbol in enumerate(dfa.alphabet)}
        return [index.get(symbol, -1) for symbol in alphabet]

    first_cols, second_cols = columns(first), columns(second)
    first_rows, second_rows = first.table.tolist(), second.table.tolist()
    first_acc, second_acc = first.accepting.tolist(), second.accepting.tolist()
    # -1 stands for "fell off the alphabet": a rejecting sink.
    start = (first.start, second.start)
    parent: dict[tuple[int, int], tuple[tuple[int, int], str] | None] = {start: None}
    queue = deque([start])
    while queue:
        pair = queue.popleft()
        a, b = pair
        a_accepts = a >= 0 and first_acc[a]
        b_accepts = b >= 0 and second_acc[b]
        if a_accepts != b_accepts:
            word = []
            node = pair
            while parent[node] is not None:
                node, symbol = parent[node]
                word.append(symbol)
            return tuple(reversed(word)), a_accepts
        for symbol, ca, cb in zip(alphabet, first_cols, second_cols, strict=True):
            nxt = (
                first_rows[a][ca] if a >= 0 and ca >= 0 else -1,
                second_rows[b][cb] if b >= 0 and cb >= 0 else -1,
            )
            if nxt not in parent:
                parent[nxt] = (pair, symbol)
                queue.append(nxt)
    return None


def compile_declaration(declaration: Declaration, max_states: int | None = None) -> DFA:
    """Compile a declaration to its canonical minimal complete DFA.

    `max_states` bounds the subset construction (see
    :func:`grammar.subsets.determinize`); None uses
    :data:`grammar.subsets.MAX_DFA_STATES`.

    Examples
    --------
    >>> from grammar import library
    >>> compile_declaration(library.reber().declaration).n_states  # 8 states and the dead one
    9
    """
    alphabet = declaration.symbols
    table, accepting = determinize(declaration, alphabet, max_states)
    table, accepting = minimize(table, accepting, 0)
    return DFA(alphabet=alphabet, table=table, accepting=accepting, start=0)
