"""Exact edit distance from words to a language.

:func:`distance` is the exact edit distance (insertions, deletions and
substitutions, each costing 1) from a word to the language, by dynamic
programming over (position, DFA state): after each symbol of the word, the
cheapest way to have read it into each state, closed under insertions.
:class:`EditDistance` runs that program on many words at once.

Examples
--------
>>> from grammar import library
>>> g = library.reber()
>>> distance(g, "BTXSE"), distance(g, "BTXXE"), distance(g, "")
(0, 1, 5)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from grammar.checks import grammar_label
from grammar.codes import Codec, cached, dfa_live
from grammar.errors import EmptyLanguageError
from grammar.minimize import reachable_states

if TYPE_CHECKING:
    from grammar.automaton import DFA
    from grammar.core import Grammar
    from grammar.words import Word

__all__ = [
    "CHUNK_ENTRIES",
    "INFINITE",
    "EditDistance",
    "codes_with_unknown",
    "distance",
    "distances",
    "edit_distance_of",
]

#: Stands for "no way yet" in the program's tables.
INFINITE = np.int32(1 << 28)
#: Entries (rows x states x predecessors) of the program's largest temporary array, at most:
#: the rows of one chunk are chosen to fit, so memory stays bounded on large DFAs.
CHUNK_ENTRIES = 1 << 23


class EditDistance:
    """Edit distance from words (as codes) to a DFA's language, vectorised over words.

    Only the useful states (reachable and co-reachable) take part; ``D[i, s]``
    is the fewest edits that turn the word's prefix into some word leading
    from the start to s. Code c reads symbol c - 1; code k + 1 stands for a
    symbol outside the alphabet, which can only be deleted or substituted.

    Examples
    --------
    >>> import numpy as np
    >>> from grammar import library
    >>> program = EditDistance(library.tomita(1).dfa)     # 1*: codes 1 = '0', 2 = '1'
    >>> program.run(np.array([[2, 1, 2], [2, 2, 0]])).tolist()
    [1, 0]
    """

    def __init__(self, dfa: DFA) -> None:
        useful = dfa_live(dfa) & reachable_states(dfa.table, dfa.start)
        self.empty = not useful[dfa.start]
        keep = np.flatnonzero(useful)
        index = np.full(dfa.n_states, -1, dtype=np.intp)
        index[keep] = np.arange(keep.size)
        n, k = keep.size, len(dfa.alphabet)
        self.n = n
        table = index[dfa.table[keep]] if n else np.zeros((0, k), dtype=np.intp)
        src, sym = np.nonzero(table >= 0)
        dst = table[src, sym]
        # Predecessors by any symbol (substitutions, insertions), padded with n (an INF column).
        pairs = (np.unique(np.stack([dst, src], axis=1), axis=0) if src.size
                 else np.zeros((0, 2), int))
        self.any_pred = _padded_lists(pairs[:, 0], pairs[:, 1], n, n)
        # Predecessors per code (code c reads symbol c - 1; code k + 1 is an unknown symbol).
        lists = [_padded_lists(dst[sym == j], src[sym == j], n, n) for j in range(k)]
        width = max((p.shape[1] for p in lists), default=1)
        by_code = np.full((k + 2, n, width), n, dtype=np.intp)
        for j, p in enumerate(lists):
            by_code[j + 1, :, : p.shape[1]] = p
        self.code_pred = by_code
        self.accepting = dfa.accepting[keep]
        first = np.full(n, INFINITE, dtype=np.int32)
        if not self.empty:
            first[index[dfa.start]] = 0
        self.first = self._close(first[None, :])[0] if n else first

    def _close(self, D: np.ndarray, cap: int | None = None) -> np.ndarray:
        """Close distances under insertions: D[t] <= D[s] + 1 for every edge s -> t."""
        while True:
            ext = np.concatenate([D, np.full((len(D), 1), INFINITE, dtype=np.int32)], axis=1)
            relaxed = np.minimum(D, ext[:, self.any_pred].min(axis=2) + 1)
            if cap is not None:
                relaxed = np.minimum(relaxed, cap)
            if np.array_equal(relaxed, D):
                return D
            D = relaxed

    def run(self, codes: np.ndarray, cap: int | None = None) -> np.ndarray:
        """Distances of the rows of `codes` (0-padded); values are capped at `cap` if given."""
        out = np.empty(len(codes), dtype=np.int64)
        width = max(self.any_pred.shape[1], self.code_pred.shape[2])
        step = max(1, CHUNK_ENTRIES // max(self.n * (width + 1), 1))
        for start in range(0, len(codes), step):
            out[start : start + step] = self._run_chunk(codes[start : start + step], cap)
        return out

    def _run_chunk(self, codes: np.ndarray, cap: int | None) -> np.ndarray:
        D = np.repeat(self.first[None, :], len(codes), axis=0)
        if cap is not None:
            D = np.minimum(D, cap)
        for column in codes.T:
            rows = np.flatnonzero(column)
            if rows.size == 0:
                break
            Dr = D[rows]
            ext = np.concatenate([Dr, np.full((len(rows), 1), INFINITE, dtype=np.int32)], axis=1)
            substituted = ext[:, self.any_pred].min(axis=2) + 1
            matched = ext[np.arange(len(rows))[:, None, None], self.code_pred[column[rows]]].min(
                axis=2
            )
            new = np.minimum(np.minimum(Dr + 1, substituted), matched)
            if cap is not None:
                new = np.minimum(new, cap)
            D[rows] = self._close(new, cap)
        return np.where(self.accepting[None, :], D, INFINITE).min(axis=1, initial=INFINITE)


def _padded_lists(keys: np.ndarray, values: np.ndarray, n_keys: int, fill: int) -> np.ndarray:
    """Row i lists the values whose key is i, padded with `fill`."""
    if keys.size == 0:
        return np.full((n_keys, 1), fill, dtype=np.intp)
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    sizes = np.bincount(keys, minlength=n_keys)
    rank = np.arange(keys.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    out = np.full((n_keys, max(int(sizes.max()), 1)), fill, dtype=np.intp)
    out[keys, rank] = values
    return out


def edit_distance_of(g: Grammar, *, allow_empty: bool = False) -> EditDistance:
    """The :class:`EditDistance` program of `g`'s DFA, built once per DFA.

    Raises
    ------
    EmptyLanguageError
        If the language is empty (unless `allow_empty`): no word has a distance to it.
    """
    program = cached(g.dfa, "edit_distance", lambda: EditDistance(g.dfa))
    if program.empty and not allow_empty:
        raise EmptyLanguageError(
            f"{grammar_label(g)} has no members, so no word has a distance to it"
        )
    return program


def codes_with_unknown(g: Grammar, words: Sequence[Any]) -> np.ndarray:
    """Codes of words, mapping symbols outside the alphabet to the unknown code k + 1.

    Examples
    --------
    >>> from grammar import library
    >>> codes_with_unknown(library.parity(), ["10", "2"]).tolist()
    [[2, 1], [3, 0]]
    """
    codec = Codec.of(g.dfa)
    unknown = len(g.alphabet) + 1
    split = [g.symbols_of(w) for w in words]
    width = max((len(s) for s in split), default=0)
    codes = np.zeros((len(split), width), dtype=np.int64)
    for i, symbols in enumerate(split):
        codes[i, : len(symbols)] = [codec.column.get(s, unknown) for s in symbols]
    return codes


def distance(g: Grammar, word: Word | Sequence[str]) -> int:
    """Exact edit distance from `word` to the language of `g`.

    The fewest insertions, deletions and substitutions (each costing 1) that
    turn `word` into a member; 0 for members. Symbols outside the alphabet
    can only be deleted or substituted.

    Raises
    ------
    EmptyLanguageError
        If the language is empty.
    TypeError
        If `word` is not a str or a sequence of str.

    Examples
    --------
    >>> from grammar import library
    >>> g = library.embedded_reber()
    >>> distance(g, "BTBTXSETE"), distance(g, "BTBTXSEPE"), distance(g, "BTBTZSETE")
    (0, 1, 1)
    >>> distance(library.tomita(2), "0000")
    2
    """
    return int(distances(g, [word])[0])


def distances(g: Grammar, words: Sequence[Word | Sequence[str]]) -> np.ndarray:
    """Exact edit distances of many words, vectorised; see :func:`distance`.

    Examples
    --------
    >>> from grammar import library
    >>> distances(library.reber(), ["BTXSE", "BTSE", "XXXXX"]).tolist()
    [0, 1, 4]
    """
    program = edit_distance_of(g)
    if len(words) == 0:
        return np.zeros(0, dtype=np.int64)
    return program.run(codes_with_unknown(g, words))
