"""Walks conditioned exactly on their length (a Doob h-transform).

When few walks meet the length bounds, rejecting whole walks would be slow;
instead each step is weighted by the probability that the rest of the walk
can still end within the bounds. :func:`acceptance` is the probability that
an unconditioned walk meets them, which decides between the two.

Examples
--------
>>> from grammar import library
>>> from grammar.walks.chain import build_chain
>>> g = library.tomita(2)
>>> chain = build_chain(g.declaration, g.alphabet)
>>> 0.0 < acceptance(chain, 4, 4) < 1.0
True
"""

from __future__ import annotations

import numpy as np

from grammar.codes import code_dtype
from grammar.errors import GrammarError
from grammar.walks.blocks import MAX_WALK, WalkRows
from grammar.walks.chain import Chain

__all__ = ["acceptance", "conditioned_walks", "length_odds"]


def length_odds(chain: Chain, lo: int, hi: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Scaled tables for the exact length-conditioned walk, and the log-odds of meeting the bounds.

    With `hi`: ``h[r, q]`` is proportional to the probability that the walk
    from q emits exactly r more symbols (r = 0..hi). Without: that it emits
    at least r more (r = 0..lo). Each row is scaled to max 1; ``log_scale[r]``
    holds the log of the scale, so ``log(h[r, q]) + log_scale[r]`` is exact.
    """
    sources = chain.sources
    top = lo if hi is None else hi
    h = np.zeros((top + 1, chain.n_nodes))
    log_scale = np.zeros(top + 1)
    h[0] = 1.0 if hi is None else chain.stop
    for r in range(1, top + 1):
        row = np.bincount(sources, weights=chain.probs * h[r - 1, chain.targets],
                          minlength=chain.n_nodes)
        peak = row.max()
        if peak > 0:
            h[r] = row / peak
            log_scale[r] = log_scale[r - 1] + np.log(peak)
        else:
            log_scale[r] = log_scale[r - 1]
    return h, log_scale


def acceptance(chain: Chain, lo: int, hi: int | None) -> float:
    """Probability that a walk's length lies in [lo, hi]."""
    h, log_scale = length_odds(chain, lo, hi)
    if hi is None:
        return float(h[lo, 0] * np.exp(log_scale[lo]))
    with np.errstate(divide="ignore"):
        logs = np.log(h[lo:, 0]) + log_scale[lo:]
    return float(np.exp(logs).sum())


def conditioned_walks(
    chain: Chain, n: int, rng: np.random.Generator, lo: int, hi: int | None, n_symbols: int
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """`n` walks conditioned exactly on lo <= length <= hi (an h-transformed walk).

    Returns code blocks and the walker ids they hold, as :func:`walk_batch`.
    """
    h, log_scale = length_odds(chain, lo, hi)
    if hi is None:
        need = np.full(n, lo, dtype=np.intp)  # symbols still owed; then the walk runs free
    else:
        with np.errstate(divide="ignore"):
            logs = np.log(h[lo:, 0]) + log_scale[lo:]
        odds = np.exp(logs - logs.max())
        need = lo + rng.choice(len(odds), size=n, p=odds / odds.sum())
    degree = np.diff(chain.offsets)
    width = int(degree.max(initial=0))
    # Padded action table: slot d of node q, with probability 0 where q has fewer actions.
    slots = np.arange(width)
    valid = slots[None, :] < degree[:, None]
    action = np.where(valid, chain.offsets[:-1, None] + slots[None, :], 0)
    a_prob = np.where(valid, chain.probs[action], 0.0)
    a_target = chain.targets[action]
    a_code = chain.symbols[action] + 1

    node = np.zeros(n, dtype=np.intp)
    walker = np.arange(n)
    rows = WalkRows(n, code_dtype(n_symbols))
    done_codes, done_ids = [], []
    step = 0
    while len(walker):
        owed = need[walker]
        weights = a_prob[node] * np.where(
            owed[:, None] > 0, h[np.maximum(owed - 1, 0)[:, None], a_target[node]],
            1.0 if hi is None else 0.0,
        )
        stop = np.where(owed > 0, 0.0, chain.stop[node] if hi is None else 1.0)
        cum = np.cumsum(np.concatenate([weights, stop[:, None]], axis=1), axis=1)
        u = rng.random(len(walker)) * cum[:, -1]
        choice = np.minimum((cum <= u[:, None]).sum(axis=1), width)
        stopped = choice == width
        if width:
            pick = np.minimum(choice, width - 1)
            rows.write(step, np.where(stopped, 0, a_code[node, pick]))
            node = a_target[node, pick]
        else:
            rows.write(step, np.zeros(len(walker), dtype=np.intp))
        finished = np.flatnonzero(stopped)
        if finished.size:
            done_codes.append(rows.take(finished, step + 1))
            done_ids.append(walker[finished])
        going = np.flatnonzero(~stopped)
        if hi is None and step > lo + MAX_WALK and going.size:
            raise GrammarError(
                f"a random walk ran past {MAX_WALK:,} symbols without stopping; pass max_length"
            )
        need[walker[going]] = np.maximum(owed[going] - 1, 0)
        node, walker = node[going], walker[going]
        rows.keep(going)
        step += 1
    return done_codes, done_ids


