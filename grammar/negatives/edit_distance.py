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

    Only the useful states (reachable and co-reachable) take part; ``D[s, i]``
    is the fewest edits that turn word i's prefix into some word leading
    from the start to s. Code c reads symbol c - 1; code k + 1 stands for a
    symbol outside the alphabet, which can only be deleted or substituted.

    The table is laid out states x words, so that every minimum over the
    predecessors of the states copies whole contiguous rows (one per
    predecessor slot), and the words are kept sorted by their current symbol,
    so that the words reading one symbol are a contiguous block.

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
        # Predecessors by any symbol (substitutions, insertions), padded with n: row n of
        # the table always holds INFINITE.
        pairs = (np.unique(np.stack([dst, src], axis=1), axis=0) if src.size
                 else np.zeros((0, 2), int))
        self.any_pred = _padded_lists(pairs[:, 0], pairs[:, 1], n, n)
        self.successors = np.where(table >= 0, table, n)
        # Predecessors per code (code c reads symbol c - 1; code k + 1 is an unknown symbol,
        # and code 0, padding, reads nothing: both have none).
        none = np.full((n, 1), n, dtype=np.intp)
        self.code_pred = [none] + [_padded_lists(dst[sym == j], src[sym == j], n, n)
                                   for j in range(k)] + [none]
        self.accepting = dfa.accepting[keep]
        first = np.full((n + 1, 1), INFINITE, dtype=np.int32)
        if not self.empty:
            first[index[dfa.start]] = 0
        self.first = self._close(first)[:, 0]

    @staticmethod
    def _minimum(D: np.ndarray, pred: np.ndarray) -> np.ndarray:
        """``out[t] = min over j of D[pred[t, j]]``: one contiguous row copy per entry.

        Rows of `pred` are padded with n (the INFINITE row); slot j is only read
        for the rows that have more than j entries.
        """
        out = D[pred[:, 0]]
        size = len(D) - 1
        for j in range(1, pred.shape[1]):
            rows = np.flatnonzero(pred[:, j] < size)
            if rows.size == len(pred):
                np.minimum(out, D[pred[:, j]], out=out)
            elif rows.size:
                out[rows] = np.minimum(out[rows], D[pred[rows, j]])
        return out

    def _close(self, D: np.ndarray, cap: int | None = None) -> np.ndarray:
        """Close distances under insertions: D[t] <= D[s] + 1 for every edge s -> t.

        `D` has a last row of INFINITE (the padding's target), kept as it is. After
        the first pass only the successors of the states that changed are relaxed.
        """
        n = self.n
        dirty = np.arange(n)
        while dirty.size:
            relaxed = self._minimum(D, self.any_pred[dirty]) + 1
            if cap is not None:
                np.minimum(relaxed, cap, out=relaxed)
            current = D[dirty]
            lower = (relaxed < current).any(axis=1)
            if not lower.any():
                break
            changed = dirty[lower]
            D[changed] = np.minimum(current[lower], relaxed[lower])
            touched = np.zeros(n + 1, dtype=bool)
            touched[self.successors[changed].ravel()] = True
            dirty = np.flatnonzero(touched[:n])
        return D

    def run(self, codes: np.ndarray, cap: int | None = None) -> np.ndarray:
        """Distances of the rows of `codes` (0-padded); values are capped at `cap` if given."""
        out = np.empty(len(codes), dtype=np.int64)
        step = max(1, CHUNK_ENTRIES // max((self.n + 1) * (self.any_pred.shape[1] + 2), 1))
        for start in range(0, len(codes), step):
            out[start : start + step] = self._run_chunk(codes[start : start + step], cap)
        return out

    def _run_chunk(self, codes: np.ndarray, cap: int | None) -> np.ndarray:
        n, m = self.n, len(codes)
        D = np.repeat(self.first[:, None], m, axis=1)
        if cap is not None:
            np.minimum(D, cap, out=D)
        codes = codes.astype(np.intp)
        ids = np.arange(m)  # the word in each column of D
        for i in range(codes.shape[1]):
            # Sort the words by the symbol they read; padding (0) first, left as it is.
            order = np.argsort(codes[ids, i], kind="stable")
            D, ids = D[:, order], ids[order]
            column = codes[ids, i]
            bounds = np.searchsorted(column, np.arange(column.max(initial=0) + 2))
            busy = int(bounds[1])
            if busy == m:
                break
            now = D[:, busy:]
            new = np.minimum(now[:n] + 1, self._minimum(now, self.any_pred) + 1)  # del, sub
            for code in np.flatnonzero(np.diff(bounds[1:])) + 1:  # read the symbol itself
                lo, hi = bounds[code] - busy, bounds[code + 1] - busy
                np.minimum(new[:, lo:hi], self._minimum(now[:, lo:hi], self.code_pred[code]),
                           out=new[:, lo:hi])
            if cap is not None:
                np.minimum(new, cap, out=new)
            now[:n] = new
            D[:, busy:] = self._close(now, cap)
        best = np.where(self.accepting[:, None], D[:n], INFINITE).min(axis=0, initial=INFINITE)
        out = np.empty(m, dtype=np.int64)
        out[ids] = best
        return out


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
