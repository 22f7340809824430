"""Drawing whole walks: the batches that :func:`grammar.sampling.sample` assembles.

Length bounds are met by conditioning, never by truncation: while enough
walks meet the bounds, whole walks are drawn and those outside rejected;
below :data:`MIN_ACCEPTANCE`, the exact length-conditioned walk of
:mod:`grammar.walks.conditioned` is used.

Examples
--------
>>> from grammar import library
>>> from grammar.seeds import as_generator
>>> codes = walk_codes(library.reber(), 3, as_generator(0))
>>> codes.shape[0]
3
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np

from grammar.checks import describe_lengths, grammar_label
from grammar.codes import cached, code_dtype
from grammar.errors import EmptyLanguageError
from grammar.walks.blocks import Walk, walk_batch
from grammar.walks.chain import expected_length
from grammar.walks.conditioned import acceptance as acceptance_of
from grammar.walks.conditioned import conditioned_walks

if TYPE_CHECKING:
    from grammar.automaton import DFA
    from grammar.core import Grammar

__all__ = [
    "BATCH",
    "LONG_WALK",
    "MIN_ACCEPTANCE",
    "LongWalkWarning",
    "bounds_feasible",
    "expected_walk_length",
    "sample_codes",
    "walk_codes",
]

# Walkers per vectorised batch: big enough to amortise numpy's call overhead,
# small enough that a batch's buffers stay in cache.
BATCH = 1 << 16
# With bounds, whole walks are rejected while at least this fraction meets them;
# below it, the walk is conditioned exactly on its length.
MIN_ACCEPTANCE = 0.05
# Unweighted declarations whose walks are expected to run longer than this get a warning.
LONG_WALK = 200


class LongWalkWarning(UserWarning):
    """Walks with the declared (default) weights are expected to run very long."""


def expected_walk_length(g: Grammar) -> float:
    """The expected length of a random walk with the declared weights.

    Examples
    --------
    >>> from grammar import library
    >>> round(expected_walk_length(library.tomita(1)), 6)        # 1* with stop odds 1/2
    1.0
    """
    return cached(g.declaration, "expected_length", lambda: expected_length(Walk.of(g).chain))


def _warn_if_long(g: Grammar) -> None:
    declaration = g.declaration
    if declaration.stop_weights or any(e.weight != 1.0 for e in declaration.edges):
        return  # the user chose the weights: their walk is the one they asked for
    expected = expected_walk_length(g)
    if expected <= LONG_WALK or cached(declaration, "warned_long", lambda: [False])[0]:
        return
    cached(declaration, "warned_long", lambda: [False])[0] = True
    warnings.warn(
        f"random walks on {grammar_label(g)} are expected to be {expected:,.0f} symbols long "
        "with the default weights (every weight 1); pass max_length= (walks are conditioned "
        "on it), use sample_uniform(n, length=...), or declare stop_weight on accepting nodes",
        LongWalkWarning,
        stacklevel=4,
    )


def bounds_feasible(dfa: DFA, lo: int, hi: int | None) -> bool:
    # A member longer than lo + n_states can be pumped down to one in [lo, lo + n_states].
    top = lo + dfa.n_states if hi is None else hi
    counts = dfa.suffix_counts(top)
    return any(counts[k][dfa.start] > 0 for k in range(lo, top + 1))


def sample_codes(
    g: Grammar, n: int, rng: np.random.Generator, lo: int = 0, hi: int | None = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Walks for :func:`sample` as (codes, positions) blocks that cover positions 0..n-1."""
    walk = Walk.of(g)
    if hi is None:
        _warn_if_long(g)
    k = len(g.alphabet)
    acceptance = 1.0
    if (lo, hi) != (0, None):
        if not bounds_feasible(g.dfa, lo, hi):
            raise EmptyLanguageError(
                f"{grammar_label(g)} has no member of {describe_lengths(lo, hi)}"
            )
        acceptance = acceptance_of(walk.chain, lo, hi)
        if acceptance < MIN_ACCEPTANCE:
            codes, ids = conditioned_walks(walk.chain, n, rng, lo, hi, k)
            return list(zip(codes, ids, strict=True))
    blocks: list[tuple[np.ndarray, np.ndarray]] = []
    got = 0
    while got < n:
        want = n - got
        batch = min(BATCH, int(want / acceptance * 1.1) + 16) if acceptance < 1 else min(
            BATCH, want
        )
        codes, ids = walk_batch(walk, batch, rng, lo, hi, k, grammar_label(g))
        if not ids:
            continue
        # Keep the accepted walkers with the lowest ids: ids carry no information about
        # the words, so this is unbiased, and placing words by id rank keeps the list
        # order exchangeable (short walks finish first, but do not come first).
        accepted = np.zeros(batch, dtype=bool)
        for which in ids:
            accepted[which] = True
        rank = np.cumsum(accepted) - 1
        for block, which in zip(codes, ids, strict=True):
            chosen = np.flatnonzero(rank[which] < want)
            if chosen.size:
                blocks.append((block[chosen], got + rank[which[chosen]]))
        got += min(int(rank[-1]) + 1, want)
    return blocks


def walk_codes(g: Grammar, n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` random walks (as :func:`sample`) as one code matrix."""
    blocks = sample_codes(g, n, rng)
    width = max((block.shape[1] for block, _ in blocks), default=0)
    codes = np.zeros((n, width), dtype=code_dtype(len(g.alphabet)))
    for block, positions in blocks:
        codes[positions, : block.shape[1]] = block
    return codes


