"""Exact counts of the words of each length from each state, and unranking by them.

``counts[r, s]`` is the number of words of length r that lead from state s
into acceptance (or, for non-members, out of it). Uniform sampling, near
misses and Hypothesis strategies read these tables; they are int64 while
that is exact and Python ints beyond, grown only to the lengths asked for
and cached per DFA (:func:`grammar.codes.cached`).

Examples
--------
>>> import numpy as np
>>> from grammar import library
>>> from grammar.codes import Codec
>>> dfa = library.tomita(2).dfa            # (10)*
>>> count_table(dfa, 4)[:, dfa.start].tolist()
[1, 0, 1, 0, 1]
>>> Codec.of(dfa).decode(unrank_codes(dfa, np.array([4]), np.array([0])))
['1010']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from grammar.automaton import INT64_SAFE
from grammar.codes import cached, code_dtype

if TYPE_CHECKING:
    from grammar.automaton import DFA

__all__ = [
    "FLOAT_BITS",
    "LINEAR_SEARCH_SYMBOLS",
    "Counts",
    "count_table",
    "counts_of",
    "member_lengths",
    "random_below",
    "unrank_codes",
    "unrank_word",
]

#: Float64 copies of counts are made only below 2**this (far from float64's largest).
FLOAT_BITS = 1000
#: Unranking scans all symbols' counts up to this alphabet size, and binary-searches past it.
LINEAR_SEARCH_SYMBOLS = 64



class Counts:
    """Exact word counts of one DFA (members, or non-members), grown on demand.

    ``counts[r, s]`` is the number of words of length r leading from s into
    the chosen states. Two views are derived only when asked for:
    :meth:`branches` (``branch[r, s, j]``: the words of length r + 1 whose
    first symbol is at most j, the table unranking reads) and
    :meth:`floats` (the counts rounded to float64, for float-guided draws).
    """

    def __init__(self, dfa: DFA, members: bool) -> None:
        self.dfa, self.members = dfa, members
        self.counts = np.zeros((0, dfa.n_states), dtype=np.int64)
        self._branch = np.zeros((0, dfa.n_states, len(dfa.alphabet)), dtype=np.int64)
        self._floats = np.zeros((0, dfa.n_states))
        self._lists: list[list[int]] = []

    def as_lists(self) -> list[list[int]]:
        """``counts`` as lists of Python ints, for the scalar walk of :func:`unrank_word`."""
        # Rows are only ever appended, so only the new ones are converted.
        self._lists.extend([int(c) for c in row] for row in self.counts[len(self._lists):])
        return self._lists

    def upto(self, max_length: int) -> Counts:
        """Grow the counts to cover lengths up to `max_length`, and no further.

        Only the new lengths are computed. The table stays int64 while all of
        it fits; the first length that does not turns it into Python ints
        (one dtype per table keeps unranking vectorised).
        """
        done = len(self.counts)
        if done <= max_length:
            dfa = self.dfa
            rows = dfa.suffix_counts(max_length)[done:]
            if not self.members:
                # Complement: every state of a complete DFA starts k**r words of length r.
                k = len(dfa.alphabet)
                exact = k**max_length < INT64_SAFE
                rows = [k**r - (c if exact else c.astype(object))
                        for r, c in enumerate(rows, start=done)]
            big = self.counts.dtype == object or any(c.dtype == object for c in rows)
            if big:
                new = np.array([c.astype(object) for c in rows], dtype=object).reshape(
                    len(rows), dfa.n_states)
                if self.counts.dtype != object:
                    self.counts = self.counts.astype(object)
            else:
                new = np.array(rows, dtype=np.int64).reshape(len(rows), dfa.n_states)
            self.counts = np.concatenate([self.counts, new])
        return self

    def branches(self, max_length: int) -> np.ndarray:
        """``branch[r]`` for r <= max_length (the counts are grown as needed).

        A row sums up to k counts of length r, so it may pass int64 before
        they do; it turns to Python ints then.
        """
        self.upto(max_length)
        done = len(self._branch)
        if done <= max_length:
            new = self.counts[done : max_length + 1]
            k = max(len(self.dfa.alphabet), 1)
            big = (new.dtype == object or self._branch.dtype == object
                   or int(new.max(initial=0)) * k >= INT64_SAFE)
            branch = np.cumsum((new.astype(object) if big else new)[:, self.dfa.table], axis=2)
            if big and self._branch.dtype != object:
                self._branch = self._branch.astype(object)
            self._branch = np.concatenate([self._branch, branch])
        return self._branch[: max_length + 1]

    def floats(self, max_length: int) -> np.ndarray | None:
        """The counts up to `max_length` rounded to float64 (each within a relative 2**-53).

        None when a count there reaches 2**1000, too near float64's largest
        for the sums that read it.
        """
        self.upto(max_length)
        done = len(self._floats)
        if done <= max_length:
            new = self.counts[done : max_length + 1]
            if new.dtype == object and int(new.max()).bit_length() > FLOAT_BITS:
                return None
            self._floats = np.concatenate([self._floats, new.astype(np.float64)])
        return self._floats[: max_length + 1]


def counts_of(dfa: DFA, max_length: int, members: bool = True) -> Counts:
    """The cached :class:`Counts` of `dfa`, covering lengths up to `max_length`."""
    return cached(dfa, f"counts:{members}", lambda: Counts(dfa, members)).upto(max_length)


def count_table(dfa: DFA, max_length: int, members: bool = True) -> np.ndarray:
    """``counts[r, s]`` for r <= max_length: words of length r from s to acceptance.

    int64 while that is exact, else an object array of Python ints. With
    ``members=False`` it counts the non-members.
    """
    return counts_of(dfa, max_length, members).counts[: max_length + 1]


def random_below(rng: np.random.Generator, bounds: np.ndarray) -> np.ndarray:
    """A uniform integer in ``[0, b)`` for each b of `bounds` (int64, or Python ints)."""
    if bounds.dtype != object:
        return rng.integers(0, bounds)
    drawn = np.empty(len(bounds), dtype=object)
    for i, bound in enumerate(bounds.tolist()):
        bits = int(bound - 1).bit_length()
        while True:  # rejection keeps it exactly uniform; it loops < 2 times on average
            value = int.from_bytes(rng.bytes((bits + 7) // 8), "little") >> (-bits % 8)
            if value < bound:
                drawn[i] = value
                break
    return drawn


def unrank_codes(
    dfa: DFA, lengths: np.ndarray, ranks: np.ndarray, members: bool = True
) -> np.ndarray:
    """The `ranks`-th words (in lexicographic order) of the given lengths, as codes.

    The words ranked are the members, or with ``members=False`` the
    non-members. Each rank must be below the number of such words.
    """
    table = dfa.table.astype(np.intp)
    m = len(lengths)
    width = int(lengths.max(initial=0))
    codes = np.zeros((m, width), dtype=code_dtype(len(dfa.alphabet)))
    if width == 0:
        return codes
    branch = counts_of(dfa, width, members).branches(width)
    states = np.full(m, dfa.start, dtype=np.intp)
    order = np.argsort(-lengths, kind="stable")  # longest first: the active rows are a prefix
    lengths, remaining, rows = lengths[order], ranks[order], order
    active = m
    for t in range(width):
        while active and lengths[active - 1] <= t:
            active -= 1
        left, here, rank = lengths[:active] - t - 1, states[:active], remaining[:active]
        # The first symbol whose cumulative count passes the rank holds the word.
        choice = _first_above(branch, left, here, rank)
        before = branch[left, here, np.maximum(choice - 1, 0)]
        remaining[:active] = rank - np.where(choice > 0, before, 0)
        states[:active] = table[states[:active], choice]
        codes[rows[:active], t] = choice + 1
    return codes


def _first_above(branch: np.ndarray, left: np.ndarray, states: np.ndarray,
                 rank: np.ndarray) -> np.ndarray:
    """Per row, the first j with ``branch[left, state, j] > rank`` (one exists).

    A scan of all k entries over few symbols; a binary search over many (each
    step reads one entry a row), so a row costs O(log k), not O(k).
    """
    k = branch.shape[2]
    if k <= LINEAR_SEARCH_SYMBOLS:
        return (branch[left, states] <= rank[:, None]).sum(axis=1).astype(np.intp)
    lo = np.zeros(len(rank), dtype=np.intp)
    hi = np.full(len(rank), k - 1, dtype=np.intp)
    for _ in range(int(k - 1).bit_length()):
        mid = (lo + hi) // 2
        above = branch[left, states, mid] > rank
        hi = np.where(above, mid, hi)
        lo = np.where(above, lo, np.minimum(mid + 1, hi))
    return lo


def unrank_word(dfa: DFA, length: int, rank: int, members: bool = True) -> list[int]:
    """The `rank`-th word of `length` in lexicographic order, as symbol indices.

    The scalar form of :func:`unrank_codes`, for one word at a time: a plain
    Python walk over cached count lists, about a hundred times cheaper per
    call than the vectorised form on one row, which matters where words are
    drawn one by one (Hypothesis strategies).

    Examples
    --------
    >>> import numpy as np
    >>> from grammar import library
    >>> dfa = library.reber().dfa
    >>> [dfa.alphabet[j] for j in unrank_word(dfa, 6, 2)]
    ['B', 'T', 'S', 'X', 'S', 'E']
    >>> unrank_codes(dfa, np.array([6]), np.array([2]))[0].tolist()    # the same word, codes j + 1
    [1, 5, 4, 7, 4, 2]
    """
    rows = cached(dfa, "rows", lambda: dfa.table.tolist())
    lists = counts_of(dfa, length, members).as_lists()
    state, symbols = dfa.start, []
    for left in range(length - 1, -1, -1):
        counts = lists[left]
        for j, target in enumerate(rows[state]):
            count = counts[target]
            if rank < count:
                symbols.append(j)
                state = target
                break
            rank -= count
        else:
            raise ValueError(f"rank out of range for length {length}")
    return symbols


def member_lengths(counts: np.ndarray, lo: int, hi: int, start: int) -> np.ndarray:
    """The lengths in ``[lo, hi]`` with at least one word, per `counts`."""
    return np.array([k for k in range(lo, hi + 1) if counts[k, start] > 0], dtype=np.int64)
