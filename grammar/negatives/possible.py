"""Which kinds of near miss exist at which lengths, by runs on pairs of DFA states.

A near miss w made from a member u by one edit is found by running u and w
side by side: before the edit both are in the same state, so the run is a
*diagonal* pair (s, s); the edit makes it a pair (p, q) with p != q, which
then reads the same symbols on both sides; w is a near miss when, at its
end, p accepts (u is a member) and q rejects (w is not). A pair whose two
states meet again can never tell u from w, so it is dropped.

Layer t holds the pairs after t symbols of w. The sets stay small in
practice (they are the reachable pairs only); past :data:`MAX_PAIRS`
candidate pairs in all, that length and the longer ones are reported
possible (unknown), so a caller never pays more than that. For
substitutions, insertions and deletions the answer is exact: a rejected word
one edit from a member is at distance exactly 1. For transpositions it is
necessary only (the word may be two edits away).

Examples
--------
>>> from grammar import library
>>> from grammar.negatives.kinds import DELETE, TRANSPOSE
>>> bool(possible_lengths(library.parity().dfa, TRANSPOSE, 6).any())  # swaps keep parity
False
>>> possible_lengths(library.tomita(2).dfa, DELETE, 5).tolist()  # (10)*: odd lengths only
[False, True, False, True, False, True]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from grammar.negatives.kinds import edit_kind, edit_table

if TYPE_CHECKING:
    from grammar.automaton import DFA

__all__ = ["DENSE_CODES", "MAX_PAIRS", "Distinct", "possible_lengths"]

#: Candidate pairs made over all layers beyond which the remaining lengths are reported
#: "possible" (not worth finding out): this bounds the time and memory of one call.
MAX_PAIRS = 1 << 20
#: Pair codes below this many are told apart with a table of that size instead of a sort.
DENSE_CODES = 1 << 22


class Distinct:
    """The distinct values among codes below `size`, in time linear in their number.

    Below :data:`DENSE_CODES` a scratch table records, for each code, the last
    position it was written at; the positions that kept their own write are one
    per code. Larger codes are sorted (``numpy.unique``).

    Examples
    --------
    >>> import numpy as np
    >>> sorted(Distinct(10)(np.array([3, 1, 3, 3, 7, 1])).tolist())
    [1, 3, 7]
    """

    def __init__(self, size: int) -> None:
        self.scratch = np.zeros(size, dtype=np.int64) if size <= DENSE_CODES else None

    def __call__(self, codes: np.ndarray) -> np.ndarray:
        if self.scratch is None:
            return np.unique(codes)
        # Every code is written in this call, so stale entries are never read.
        positions = np.arange(codes.size)
        self.scratch[codes] = positions
        return codes[self.scratch[codes] == positions]


def possible_lengths(dfa: DFA, kind: Any, top: int) -> np.ndarray:
    """``out[L]``: some near miss of length L is made by one edit of `kind`, for L <= top.

    Exact for the kinds edit distance counts (substitutions, insertions and
    deletions); for the others (transpositions) a False is certain and a
    True means "maybe". Once :data:`MAX_PAIRS` pairs were made, the
    remaining lengths are reported True.
    """
    edit = edit_kind(kind)
    n, k = dfa.n_states, dfa.table.shape[1]
    table = dfa.table.astype(np.int64)
    accepting = dfa.accepting
    out = np.zeros(top + 1, dtype=bool)
    diagonal = np.zeros(n, dtype=bool)  # states after t symbols, no edit yet
    diagonal[dfa.start] = True
    pairs = [np.zeros(0, dtype=np.int64) for _ in range(top + 3)]  # p * n + q, per layer
    symbols = np.arange(k)
    per_state = k ** len(edit.slots)  # edits from one state, at most
    # The pairs right after each edit, from every state at once when that is small.
    edited = (_edited(edit, table, np.arange(n)).reshape(n, -1)
              if n * per_state <= MAX_PAIRS else None)
    distinct = Distinct(n * n)
    work = 0
    for t in range(top + 1):
        here = np.flatnonzero(diagonal)
        work += here.size * per_state
        if work > MAX_PAIRS:
            out[t:] = True
            return out
        # Edits that read no symbol of w (a deleted symbol of u) start from this layer.
        if not edit.consumed:
            new = edited[here].ravel() if edited is not None else _edited(edit, table, here)
            pairs[t] = np.concatenate([pairs[t], new])
        layer = _clean(pairs[t], n, distinct)
        if layer is None:
            out[t:] = True
            return out
        pairs[t] = layer
        p, q = np.divmod(layer, n)
        out[t] = bool((accepting[p] & ~accepting[q]).any())
        if t == top:
            break
        work += layer.size * k
        if work > MAX_PAIRS:
            out[t + 1 :] = True
            return out
        # Both sides read the same symbol.
        follow = (table[p][:, symbols] * n + table[q][:, symbols]).ravel()
        pairs[t + 1] = np.concatenate([pairs[t + 1], follow])
        # Edits that read symbols of w land that many layers on.
        if edit.consumed:
            after = t + edit.consumed
            new = edited[here].ravel() if edited is not None else _edited(edit, table, here)
            pairs[after] = np.concatenate([pairs[after], new])
        following = np.zeros(n, dtype=bool)
        following[table[here].ravel()] = True
        diagonal = following
    return out


def _edited(edit: Any, table: np.ndarray, here: np.ndarray) -> np.ndarray:
    """The pairs p * n + q (u in p, w in q) right after each edit from the states `here`."""
    _, _, p, q = edit_table(edit, table, here)
    return p * table.shape[0] + q


def _clean(codes: np.ndarray, n: int, distinct: Distinct) -> np.ndarray | None:
    """Distinct off-diagonal pairs, or None past :data:`MAX_PAIRS`."""
    if codes.size == 0:
        return codes
    codes = distinct(codes)
    p, q = np.divmod(codes, n)
    codes = codes[p != q]
    return None if codes.size > MAX_PAIRS else codes
