"""Exact counts of the words a complete DFA accepts at one length, in bounded memory.

The number of accepted words of length L is ``e_start . M**L . acc``, where
``M[s, t]`` counts the symbols leading from state s to state t. Only live
states (those from which acceptance is reachable) matter, so ``M`` is taken
on them alone. Two ways to evaluate it are used, whichever costs less:

* stepping a count vector L times (``v <- M v``), which keeps one vector and
  no history, so memory does not grow with L;
* exponentiation by squaring of ``M``, which takes about log2(L) matrix
  products and answers lengths far beyond what stepping could reach.

Counts are numpy int64 while that is exact and Python ints beyond. The size of
the answer is bounded before any work starts: from every live state at most
``d`` symbols stay live (``d`` the largest such out-degree), so the count has
at most ``L * log2(d)`` bits. Lengths whose bound passes :data:`MAX_COUNT_BITS`
(about 1.26 million decimal digits), or whose count vector would pass
:data:`MAX_COUNT_BYTES`, are refused with a :class:`grammar.GrammarError`
instead of exhausting memory; raise the module constants to go further.

Examples
--------
>>> import numpy as np
>>> table = np.array([[0, 1], [1, 0]])          # parity of 1s over {0, 1}
>>> accepting = np.array([True, False])
>>> count_words(table, accepting, 0, 500) == 2**499
True
>>> count_words(table, accepting, 0, 10**20)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
grammar.errors.GrammarError: the count of words of length 100,000,000,000,000,000,000 may have ...
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from grammar.errors import GrammarError

__all__ = ["INT64_SAFE", "MAX_COUNT_BITS", "MAX_COUNT_BYTES", "count_words", "iter_counts"]

# Above this bound a count could overflow int64 on the next step.
INT64_SAFE = 2**62
# The largest count computed, in bits (2**22 bits: about 1.26 million decimal digits).
MAX_COUNT_BITS = 2**22
# The most memory the counts of one computation may take (vector or matrix).
MAX_COUNT_BYTES = 2**28
# Rough cost of one Python-int operation, in 30-bit limbs; only used to pick a method.
_OBJECT_OVERHEAD = 20


def _live(table: np.ndarray, accepting: np.ndarray) -> np.ndarray:
    live = accepting.copy()
    while True:
        grown = live | live[table].any(axis=1)
        if (grown == live).all():
            return live
        live = grown


class _Chain:
    """The live part of a DFA: successor table on live states, a zero slot for the rest."""

    def __init__(self, table: np.ndarray, accepting: np.ndarray) -> None:
        live = _live(table, accepting)
        self.index = np.full(table.shape[0] + 1, -1, dtype=np.intp)
        self.n = int(live.sum())
        self.index[np.flatnonzero(live)] = np.arange(self.n)
        # Dead targets read slot n, which always holds 0.
        targets = self.index[table[live]]
        self.table = np.where(targets < 0, self.n, targets)
        self.accepting = accepting[live].astype(np.int64)
        degree = (targets >= 0).sum(axis=1)
        self.growth = math.log2(int(degree.max())) if self.n and degree.max() > 1 else 0.0

    def bits(self, length: int) -> int:
        """An upper bound on the bits of any count of `length` (at least 1)."""
        return max(1, math.ceil(length * self.growth))

    def check(self, length: int) -> int:
        bits = self.bits(length)
        if bits > MAX_COUNT_BITS:
            raise GrammarError(
                f"the count of words of length {length:,} may have up to {bits:,} bits, more "
                f"than the limit of {MAX_COUNT_BITS:,} (grammar.counting.MAX_COUNT_BITS)"
            )
        if self.n * (bits // 8 + 32) > MAX_COUNT_BYTES:
            raise GrammarError(
                f"counting words of length {length:,} needs about "
                f"{self.n * (bits // 8 + 32) / 2**20:,.0f} MiB ({self.n:,} live states, up to "
                f"{bits:,} bits each), more than the limit of {MAX_COUNT_BYTES / 2**20:,.0f} MiB "
                "(grammar.counting.MAX_COUNT_BYTES)"
            )
        return bits

    def step(self, vector: np.ndarray) -> np.ndarray:
        """Counts one length longer: words of length r + 1 from s = sum over its successors."""
        width = self.table.shape[1]
        if vector.dtype != object and int(vector.max(initial=0)) * width >= INT64_SAFE:
            vector = vector.astype(object)
        padded = np.append(vector, np.zeros(1, dtype=vector.dtype))
        return padded[self.table].sum(axis=1, dtype=vector.dtype)

    def matrix(self, exact_int64: bool) -> np.ndarray:
        m = np.zeros((self.n, self.n + 1), dtype=np.int64)
        rows = np.repeat(np.arange(self.n), self.table.shape[1])
        np.add.at(m, (rows, self.table.ravel()), 1)
        m = m[:, : self.n]
        return m if exact_int64 else m.astype(object)

    def power_is_cheaper(self, length: int, bits: int) -> bool:
        n, edges = self.n, self.table.size
        if n * n * (bits // 8 + 32) > MAX_COUNT_BYTES:
            return False
        limbs = bits / 30
        stepping = length * edges * (1 + limbs / 2 / _OBJECT_OVERHEAD)
        squaring = n**3 * (2 * math.log2(length + 1) + 2 * limbs**1.585 / _OBJECT_OVERHEAD)
        return squaring < stepping

    def vector_at(self, length: int, method: str | None = None) -> np.ndarray:
        """``M**length . acc`` on the live states: words of `length` from each into acceptance."""
        bits = self.check(length)
        vector = self.accepting.copy()
        if method == "power" or (method is None and self.power_is_cheaper(length, bits)):
            exact = bits < 62
            power = self.matrix(exact)
            if not exact:
                vector = vector.astype(object)
            while length:
                if length & 1:
                    vector = power.dot(vector)
                length >>= 1
                if length:
                    power = power.dot(power)
            return vector
        for _ in range(length):
            vector = self.step(vector)
        return vector


def count_words(
    table: np.ndarray, accepting: np.ndarray, start: int, length: int, method: str | None = None
) -> int:
    """The number of words of `length` that lead from `start` to an accepting state.

    Memory does not grow with `length` beyond the size of the answer.

    Parameters
    ----------
    table, accepting, start
        A complete DFA: transition table, final-state mask, start state.
    length : int
    method : {None, "step", "power"}
        Step a count vector `length` times, or square the transition-count
        matrix; None picks the cheaper by an estimate of their costs.

    Raises
    ------
    GrammarError
        If the count could pass :data:`MAX_COUNT_BITS` bits or its
        computation :data:`MAX_COUNT_BYTES` bytes.

    Examples
    --------
    >>> import numpy as np
    >>> count_words(np.array([[1], [0]]), np.array([True, False]), 0, 10**18)  # (aa)*
    1
    """
    if method not in (None, "step", "power"):
        raise GrammarError(f"method must be None, 'step' or 'power', not {method!r}")
    chain = _Chain(table, accepting)
    slot = int(chain.index[start])
    if slot < 0:
        chain.check(length)
        return 0
    return int(chain.vector_at(length, method)[slot])


def iter_counts(
    table: np.ndarray, accepting: np.ndarray, start: int, lo: int, hi: int
) -> Iterator[int]:
    """The counts of lengths `lo` to `hi` in turn, in one pass and the memory of one vector.

    Examples
    --------
    >>> import numpy as np
    >>> list(iter_counts(np.array([[1], [0]]), np.array([True, False]), 0, 3, 6))
    [0, 1, 0, 1]
    """
    chain = _Chain(table, accepting)
    slot = int(chain.index[start])
    chain.check(hi)
    if slot < 0:
        yield from (0 for _ in range(lo, hi + 1))
        return
    vector = chain.vector_at(lo)
    for length in range(lo, hi + 1):
        if length > lo:
            vector = chain.step(vector)
        yield int(vector[slot])
