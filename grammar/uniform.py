"""Uniformly random words of given lengths: members, or non-members, exactly.

Three routes give the same distribution (each word of a length equally likely):

- while the number of words of every requested length fits int64, a
  uniform rank is drawn per word and unranked on the DFA
  (:func:`grammar.ranking.unrank_codes`);
- past int64 (from about ten symbols over 64 letters), ranks would be Python
  ints, each compared one by one. Instead each word is read symbol by
  symbol, symbol a with probability ``count(r - 1, δ(q, a)) / count(r, q)``,
  the choice guided by float64 copies of the counts and exact wherever it
  is close (:func:`grammar.weighted.choose`), at the speed of float
  arithmetic: about 5 k operations per symbol over k letters;
- past int64, where the wanted words are at least ``REJECTION_SHARE / k``
  of all strings of their length, uniformly random strings are drawn and kept
  when they are on the wanted side: about 2 / share operations per symbol,
  and no counting beyond the share itself.

Counts that reach 2**1000 (near float64's largest) take the rank route with
Python ints.

Examples
--------
>>> import numpy as np
>>> from grammar import library
>>> dfa = library.tomita(2).dfa            # (10)*
>>> from grammar.codes import Codec
>>> Codec.of(dfa).decode(uniform_codes_of(dfa, np.array([4, 2]), np.random.default_rng(0)))
['1010', '10']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from grammar.automaton import INT64_SAFE
from grammar.codes import code_dtype, code_table, run_codes
from grammar.ranking import Counts, counts_of, random_below, unrank_codes
from grammar.weighted import UNIT, choose

if TYPE_CHECKING:
    from grammar.automaton import DFA

__all__ = [
    "RANK_LIMIT",
    "REJECTION_CODES",
    "REJECTION_SHARE",
    "uniform_codes_of",
    "uniform_lengths_codes",
]

#: Words of lengths whose counts all stay below this are drawn by rank (int64 arithmetic).
RANK_LIMIT = INT64_SAFE
#: Past that, a length whose wanted words make up at least this / k of its strings (over k
#: letters) is drawn by rejection: then cheaper than the guided route's 5 k operations a symbol.
REJECTION_SHARE = 1.0
#: Candidate strings of one rejection batch hold at most this many codes.
REJECTION_CODES = 1 << 22


def uniform_codes_of(
    dfa: DFA, lengths: np.ndarray, rng: np.random.Generator, members: bool = True
) -> np.ndarray:
    """One uniformly random word of each of `lengths`, as codes (rows 0-padded).

    The words are members of `dfa`, or with ``members=False`` non-members;
    every requested length must have some. The route (see the module) is
    chosen by the counts at the requested lengths alone, so the words depend
    on the call, not on what was counted before.
    """
    lengths = np.asarray(lengths, dtype=np.intp)
    top = int(lengths.max(initial=0))
    if len(lengths) and int(lengths.min()) < 0:
        raise ValueError("word lengths must be >= 0")
    counts = counts_of(dfa, top, members)
    totals = counts.counts[lengths, dfa.start]
    if len(lengths) and not (totals > 0).all():
        empty = int(lengths[np.flatnonzero(~(totals > 0))[0]])
        raise ValueError(f"no {'member' if members else 'non-member'} has length {empty}")
    if not len(lengths) or int(totals.max()) < RANK_LIMIT:
        return unrank_codes(dfa, lengths, random_below(rng, totals.astype(np.int64)), members)
    floats = counts.floats(top)
    if floats is None:
        ranks = random_below(rng, totals.astype(object if totals.dtype == object else np.int64))
        return unrank_codes(dfa, lengths, ranks, members)
    k = len(dfa.alphabet)
    codes = np.zeros((len(lengths), top), dtype=code_dtype(k))
    guided = np.ones(len(lengths), dtype=bool)
    for size in np.unique(lengths).tolist():
        # The share of the length's strings that are wanted, in logs (k**size may overflow).
        share = (np.exp(np.log(floats[size, dfa.start]) - size * np.log(k)) if size
                 else 1.0)  # the empty word is the one string of length 0
        if share * k >= REJECTION_SHARE:
            rows = np.flatnonzero(lengths == size)
            codes[rows, :size] = _by_rejection(dfa, size, rows.size, share, rng, members)
            guided[rows] = False
    if guided.any():
        rows = np.flatnonzero(guided)
        part = _guided(dfa, counts, floats, lengths[rows], rng)
        codes[rows, : part.shape[1]] = part
    return codes


def _by_rejection(dfa: DFA, size: int, m: int, share: float, rng: np.random.Generator,
                  members: bool) -> np.ndarray:
    """`m` uniformly random strings of `size` symbols on the wanted side, by rejection."""
    k, table = len(dfa.alphabet), code_table(dfa)
    found, total = [], 0
    while total < m:
        # At most REJECTION_CODES codes a batch: memory stays bounded however rare the words.
        tries = min(int((m - total) / share * 1.1) + 16, max(REJECTION_CODES // max(size, 1), 1))
        candidates = rng.integers(1, k + 1, size=(tries, size)).astype(code_dtype(k))
        keep = candidates[dfa.accepting[run_codes(table, candidates, dfa.start)] == members]
        found.append(keep[: m - total])
        total += len(found[-1])
    return np.concatenate(found)


def _guided(dfa: DFA, counts: Counts, floats: np.ndarray, lengths: np.ndarray,
            rng: np.random.Generator) -> np.ndarray:
    """Read each word symbol by symbol, in proportion to the counts of what can follow."""
    table = dfa.table.astype(np.intp)
    exact = counts.counts
    m, width = len(lengths), int(lengths.max(initial=0))
    codes = np.zeros((m, width), dtype=code_dtype(len(dfa.alphabet)))
    states = np.full(m, dfa.start, dtype=np.intp)
    order = np.argsort(-lengths, kind="stable")  # longest first: the active rows are a prefix
    lengths, rows = lengths[order], order
    active = m
    for t in range(width):
        while active and lengths[active - 1] <= t:
            active -= 1
        left = lengths[:active] - t - 1
        targets = table[states[:active]]  # (a, k): the state after each symbol
        weights = floats[left[:, None], targets]

        def exact_weights(i: np.ndarray, left=left, targets=targets) -> list[int]:
            row = int(i[0])
            return [int(c) for c in exact[left[row], targets[row]]]

        # Each float weight is the exact count rounded once: within a relative UNIT.
        choice = choose(weights, exact_weights, rng, UNIT)
        states[:active] = targets[np.arange(active), choice]
        codes[rows[:active], t] = choice + 1
    return codes


def uniform_lengths_codes(
    dfa: DFA, lengths: np.ndarray, n: int, rng: np.random.Generator, members: bool = True
) -> np.ndarray:
    """`n` words: a length drawn uniformly from `lengths`, then a word uniformly.

    Examples
    --------
    >>> import numpy as np
    >>> from grammar import library
    >>> codes = uniform_lengths_codes(library.reber().dfa, np.array([5, 9]), 6,
    ...                               np.random.default_rng(0))
    >>> sorted(np.count_nonzero(codes, axis=1).tolist())
    [5, 5, 5, 9, 9, 9]
    """
    drawn = lengths[rng.integers(0, lengths.size, size=n)] if lengths.size > 1 else np.full(
        n, lengths[0]
    )
    return uniform_codes_of(dfa, drawn, rng, members)
