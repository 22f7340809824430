"""Locally plausible words: every window of three symbols occurs in some member.

Long-range near misses (``near_misses(..., long_range=...)``) are near misses
that pass this test, so only context further away than three symbols shows
that they are rejected. For embedded Reber they are the wrapper letters.

Examples
--------
>>> import numpy as np
>>> from grammar import library
>>> windows = LocalWindows(library.tomita(1).dfa)  # 1*: codes 1 = '0', 2 = '1'
>>> windows.plausible(np.array([[2, 2, 2], [2, 1, 2]])).tolist()
[True, False]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from grammar.codes import dfa_live
from grammar.minimize import reachable_states
from grammar.negatives.kinds import SUBSTITUTE, mutate

if TYPE_CHECKING:
    from grammar.automaton import DFA

__all__ = ["AIMED_KIND", "MAX_LOCAL_SYMBOLS", "LocalWindows"]

#: The table of windows has (k + 2) ** 3 entries, so the alphabet is bounded.
MAX_LOCAL_SYMBOLS = 64
#: The kind of edit whose locally plausible words :meth:`LocalWindows.substitutions` aims
#: at directly (the other kinds count the plausible words their random edits make).
AIMED_KIND = SUBSTITUTE


class LocalWindows:
    """Which windows of three codes (word boundaries included) occur in some member."""

    def __init__(self, dfa: DFA) -> None:
        k = len(dfa.alphabet)
        self.boundary = k + 1
        live = dfa_live(dfa)
        accepting = dfa.accepting
        table = dfa.table.astype(np.intp)
        reach = reachable_states(dfa.table, dfa.start)
        size = k + 2  # code 0 pads, 1..k symbols, k + 1 the boundary
        ok = np.zeros((size, size, size), dtype=bool)
        ok[0, :, :] = ok[:, 0, :] = ok[:, :, 0] = True  # a window past the word's end
        # after[a, q]: q is reached by symbol a from a reachable state. A window (a, b, c)
        # occurs inside a member when some such q has δ(δ(q, b), c) live: a matrix product
        # per b, (k x n) by (n x k), instead of a gather over every state and k**3 windows.
        after = np.zeros((k, dfa.n_states), dtype=np.float32)
        after[np.arange(k)[None, :], table[reach]] = 1.0
        then_live = live[table].T.astype(np.float32)  # [c, q]: δ(q, c) is live
        inner = np.empty((k, k, k), dtype=bool)
        for b in range(k):
            inner[:, b, :] = after @ then_live[:, table[:, b]].T > 0
        closing = after @ accepting[table].astype(np.float32) > 0  # [a, b]
        ok[1:-1, 1:-1, 1:-1] = inner
        ok[1:-1, 1:-1, -1] = closing
        first = table[dfa.start]
        ok[-1, 1:-1, 1:-1] = live[table[first]]
        ok[-1, 1:-1, -1] = accepting[first]
        self.ok = ok

    def substitutions(
        self, codes: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One random locally plausible substitution per row (flagged where there is none).

        The rows are members, so only the three windows through the changed
        symbol can be new; a substitution is plausible when all three occur.
        """
        m, width = codes.shape
        k = self.boundary - 1
        lengths = np.count_nonzero(codes, axis=1)
        # Two pad columns in front keep every window index in range.
        framed = np.zeros((m, width + 4), dtype=np.intp)
        framed[:, 1] = self.boundary
        framed[:, 2 : width + 2] = codes
        framed[np.arange(m), lengths + 2] = self.boundary
        left2, left1 = framed[:, :width, None], framed[:, 1 : width + 1, None]
        right1, right2 = framed[:, 3 : width + 3, None], framed[:, 4 : width + 4, None]
        new = np.arange(1, k + 1)[None, None, :]
        fits = (self.ok[left2, left1, new] & self.ok[left1, new, right1]
                & self.ok[new, right1, right2])
        fits &= new != codes[:, :, None]
        fits &= (np.arange(width) < lengths[:, None])[:, :, None]
        # The pick-th plausible (position, symbol) pair in row-major order, found in two
        # short steps (position, then symbol) rather than one cumulative sum over width * k.
        per_position = fits.sum(axis=2)
        counts = per_position.sum(axis=1)
        pick = (rng.random(m) * counts).astype(np.intp)
        before = np.cumsum(per_position, axis=1)
        rows = np.arange(m)
        position = np.minimum((before <= pick[:, None]).sum(axis=1), max(width - 1, 0))
        if width == 0:
            return codes.copy(), position, counts > 0
        rank = pick - np.where(position > 0, before[rows, position - 1], 0)
        symbol = (np.cumsum(fits[rows, position], axis=1) <= rank[:, None]).sum(axis=1)
        symbol = np.minimum(symbol, k - 1)
        words = mutate(codes, AIMED_KIND, position, (symbol + 1).astype(codes.dtype))
        return words, position, counts > 0

    def plausible(self, codes: np.ndarray) -> np.ndarray:
        """Rows of `codes` whose every window of three occurs in some member."""
        m, width = codes.shape
        lengths = np.count_nonzero(codes, axis=1)
        framed = np.zeros((m, width + 3), dtype=np.intp)
        framed[:, 0] = self.boundary
        framed[:, 1 : width + 1] = codes
        framed[np.arange(m), lengths + 1] = self.boundary
        good = lengths > 0
        for i in range(width + 1):
            good &= self.ok[framed[:, i], framed[:, i + 1], framed[:, i + 2]]
        return good
