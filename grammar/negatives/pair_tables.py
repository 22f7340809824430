"""The tables behind :mod:`grammar.negatives.pairs`: edits, the pair closure, and sums.

Every function works on whole arrays. Counts are float64, or exact: int64
that turns into Python ints before a sum could overflow.

Examples
--------
>>> import numpy as np
>>> index_of(np.array([2, 5, 9]), np.array([5, 3, 9])).tolist()   # 3 is absent: slot 3
[1, 3, 2]
>>> segment_sums(np.array([1.0, 2.0, 3.0]), np.array([0, 2, 2, 3]), exact=False).tolist()
[3.0, 0.0, 3.0]
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from grammar.automaton import INT64_SAFE
from grammar.negatives.kinds import edit_table
from grammar.negatives.possible import Distinct
from grammar.ranking import FLOAT_BITS

if TYPE_CHECKING:
    from grammar.automaton import DFA

__all__ = [
    "MAX_FLOAT_BITS",
    "add_counts",
    "countable_length",
    "float_fits",
    "closure",
    "edits_of",
    "index_of",
    "padded",
    "rejective",
    "segment_sums",
    "step_sums",
]

#: Float64 counts stop short of overflow: counts that may pass 2**this are not attempted.
MAX_FLOAT_BITS = FLOAT_BITS


def float_fits(k: int, top: int) -> bool:
    """Whether every pair count over `k` symbols up to length `top` stays far below float64's
    largest.

    >>> float_fits(4, 400), float_fits(4, 600)
    (True, False)
    """
    return (top + 3) * math.log2(max(k, 2)) + 2 * math.log2(top + 3) <= MAX_FLOAT_BITS


def countable_length(k: int) -> int:
    """The longest near misses over `k` symbols whose pairs float64 counts can reach.

    >>> countable_length(4), countable_length(64)
    (488, 161)
    """
    top = int(MAX_FLOAT_BITS / math.log2(max(k, 2)))
    while top > 0 and not float_fits(k, top):
        top -= 1
    return top


def rejective(dfa: DFA) -> np.ndarray:
    """States from which some word leads to rejection.

    Examples
    --------
    >>> from grammar import library
    >>> rejective(library.tomita(1).dfa).tolist()    # 1*: the dead state stays dead
    [True, True]
    """
    reach = ~dfa.accepting
    while True:
        grown = reach | reach[dfa.table].any(axis=1)
        if (grown == reach).all():
            return reach
        reach = grown


def edits_of(table: np.ndarray, diagonal: np.ndarray, kind: Any) -> tuple[np.ndarray, ...]:
    """Every edit of `kind` from the diagonal states: (state, symbols, u's state, w's state).

    The symbols are those of the kind's slots (see
    :mod:`grammar.edit_kinds`), -1 in a slot it leaves unused: (u's, w's) for
    substitutions; (-1, w's) insertions; (u's, -1) deletions; and w's two
    symbols (x, y) for transpositions (:func:`grammar.negatives.kinds.edit_table`).

    Examples
    --------
    >>> from grammar.negatives.kinds import INSERT
    >>> table = np.array([[1, 0], [1, 1]])          # two symbols; state 1 is a sink
    >>> [a.tolist() for a in edits_of(table, np.array([0]), INSERT)]
    [[0, 0], [[-1, 0], [-1, 1]], [0, 0], [1, 0]]
    """
    return edit_table(kind, table, diagonal)


def closure(table: np.ndarray, seeds: np.ndarray, n: int, live: np.ndarray, bad: np.ndarray,
             max_pairs: int) -> np.ndarray | None:
    """Sorted codes p * n + q of the pairs reachable from `seeds` by reading one symbol on
    both sides (p != q, p live, q rejective); None past `max_pairs`.

    Examples
    --------
    >>> table = np.array([[1], [2], [2]])            # 0 -> 1 -> 2 -> 2 on one symbol
    >>> everything = np.ones(3, dtype=bool)
    >>> closure(table, np.array([0 * 3 + 1]), 3, everything, everything, 10).tolist()
    [1, 5]
    >>> closure(table, np.array([1]), 3, everything, everything, 1) is None
    True
    """
    distinct = Distinct(n * n)
    seen = np.zeros(n * n, dtype=bool) if distinct.scratch is not None else None
    found = [seeds]
    if seen is not None:
        seen[seeds] = True
    total, frontier = seeds.size, seeds
    while frontier.size and total <= max_pairs:
        p, q = np.divmod(frontier, n)
        p, q = table[p].ravel(), table[q].ravel()
        ok = (p != q) & live[p] & bad[q]
        nxt = distinct(p[ok] * n + q[ok])
        if seen is not None:
            nxt = nxt[~seen[nxt]]
            seen[nxt] = True
        else:
            nxt = nxt[~np.isin(nxt, np.concatenate(found))]
        found.append(nxt)
        total += nxt.size
        frontier = nxt
    if total > max_pairs:
        return None
    return np.sort(np.concatenate(found))


def index_of(codes: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Index of each of `wanted` in the sorted `codes`, or len(codes) where it is absent."""
    at = np.searchsorted(codes, wanted)
    clipped = np.minimum(at, max(len(codes) - 1, 0))
    present = (at < len(codes)) & (codes[clipped] == wanted) if len(codes) else at < 0
    return np.where(present, at, len(codes))


def padded(values: np.ndarray) -> np.ndarray:
    """`values` with one 0 appended: the slot that absent successors read.

    Examples
    --------
    >>> padded(np.array([4, 5])).tolist()
    [4, 5, 0]
    """
    return np.append(values, np.zeros(1, dtype=values.dtype))


def step_sums(values: np.ndarray, succ: np.ndarray, exact: bool) -> np.ndarray:
    """Sum over each row's successors (slot len(values) reads 0); int64 turns into Python
    ints before a sum could overflow.

    Examples
    --------
    >>> step_sums(np.array([1, 2]), np.array([[0, 1], [1, 2]]), exact=True).tolist()
    [3, 2]
    """
    if exact and values.dtype != object and int(values.max(initial=0)) * max(
            succ.shape[1], 1) >= INT64_SAFE:
        values = values.astype(object)
    return padded(values)[succ].sum(axis=1, dtype=values.dtype)


def segment_sums(values: np.ndarray, bounds: np.ndarray, exact: bool) -> np.ndarray:
    """Sums of values[bounds[i]:bounds[i + 1]] (`bounds` ascending; empty segments give 0).

    Each segment is summed on its own (``numpy.add.reduceat``), never as a
    difference of running sums: in float64 that difference loses a small
    segment after large ones entirely, while a sum of its own positive terms
    keeps a relative error of at most (terms - 1) units of rounding.
    """
    if exact and values.dtype != object and values.size and (
            int(values.max()) * len(values) >= INT64_SAFE):
        values = values.astype(object)
    lo, hi = bounds[:-1], bounds[1:]
    out = np.zeros(len(lo), dtype=values.dtype)
    nonempty = hi > lo
    if nonempty.any():
        # Consecutive non-empty segments are adjacent, so each one ends where the next begins.
        out[nonempty] = np.add.reduceat(values[: bounds[-1]], lo[nonempty])
    return out


def add_counts(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a + b``, in Python ints where the dtypes differ or int64 could overflow.

    Examples
    --------
    >>> add_counts(np.array([2**62]), np.array([2**62])).tolist()
    [9223372036854775808]
    """
    overflow = a.dtype == np.int64 and int(a.max(initial=0)) + int(b.max(initial=0)) >= INT64_SAFE
    if a.dtype != b.dtype or overflow:
        a, b = a.astype(object), b.astype(object)
    return a + b
