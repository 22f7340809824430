"""The blocked walk: alias tables over several steps, and the vectorised runner.

From each node of a :class:`grammar.walks.chain.Chain`, one draw picks an
*outcome* of up to eight steps (the symbols emitted, packed in one integer,
and where the walk goes on or that it stopped), by Walker's alias method.
All walkers of a batch move at once in numpy.

Examples
--------
>>> from grammar import library
>>> walk = Walk.of(library.reber())
>>> walk.blocks.m in (1, 2, 4, 8)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from grammar.checks import grammar_label
from grammar.codes import cached, code_dtype, compiled_kernels
from grammar.errors import EmptyLanguageError, GrammarError
from grammar.walks.chain import Chain, build_chain

if TYPE_CHECKING:
    from grammar.core import Grammar

__all__ = ["Blocks", "Walk", "WalkRows", "build_blocks", "code_view", "walk_batch", "MAX_WALK"]

# A walk with no max_length that runs past this many symbols is reported, not followed.
MAX_WALK = 1_000_000
# Below this many walkers a batch finishes them one by one: a numpy step costs about the same
# whatever its width, and a rare near-absorbing state can keep one walker going for 10**4 steps.
TAIL_WALKERS = 8
# Outcome tables of the blocked walk: at most this many outcomes per node and in all.
_MAX_OUTCOMES_NODE = 1 << 14
_MAX_OUTCOMES = 1 << 17


@dataclass(frozen=True)
class Blocks:
    """The blocked walk: from node q, one draw picks an outcome of up to `m` steps.

    Outcome o (``offsets[q] <= o < offsets[q+1]``) emits ``cells[o]`` (m codes
    packed in one integer, zero-padded), ``lengths[o]`` symbols, and either
    stops (``ends[o] == -1``) or continues at node ``ends[o]`` after exactly
    m symbols. It is drawn by the alias method (``cut``, ``alias``).
    """

    m: int
    offsets: np.ndarray
    sizes: np.ndarray
    cells: np.ndarray
    lengths: np.ndarray
    ends: np.ndarray
    cut: np.ndarray
    alias: np.ndarray

    @cached_property
    def as_lists(self) -> tuple[list, ...]:
        """The tables as Python lists, for walking a few walkers one at a time."""
        return (self.offsets.tolist(), self.sizes.tolist(), self.cells.tolist(),
                self.lengths.tolist(), self.ends.tolist(), self.cut.tolist(),
                self.alias.tolist())


def _alias(probs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Walker/Vose alias table for one distribution (local indices)."""
    k = len(probs)
    scaled = (probs / probs.sum() * k).tolist()
    cut = [1.0] * k
    alias = list(range(k))
    small = [i for i, p in enumerate(scaled) if p < 1.0]
    large = [i for i, p in enumerate(scaled) if p >= 1.0]
    while small and large:
        s, big = small.pop(), large[-1]
        cut[s], alias[s] = scaled[s], big
        scaled[big] -= 1.0 - scaled[s]
        if scaled[big] < 1.0:
            small.append(large.pop())
    return np.array(cut), np.array(alias, dtype=np.intp)


def build_blocks(chain: Chain, n_symbols: int) -> Blocks:
    counts = np.ones(chain.n_nodes, dtype=np.int64)  # outcomes of a 0-step block
    sources, stops = chain.sources, (chain.stop > 0).astype(np.int64)
    by_steps = {0: counts}
    for steps in range(1, 9):
        # Capped in float64 before the cast: past 2**63 a cast would wrap to a small count.
        grown = stops + np.bincount(sources, weights=counts[chain.targets],
                                    minlength=chain.n_nodes)
        counts = np.minimum(grown, _MAX_OUTCOMES + 1).astype(np.int64)
        by_steps[steps] = counts
    width = np.dtype(code_dtype(n_symbols)).itemsize
    m = 1
    for candidate in (8, 4, 2):
        outcomes = by_steps[candidate]
        if (candidate * width <= 8 and outcomes.max() <= _MAX_OUTCOMES_NODE
                and outcomes.sum() <= _MAX_OUTCOMES):
            m = candidate
            break

    # Expand all blocks breadth-first: frontier rows are (origin node, node, prob, codes).
    origin = np.arange(chain.n_nodes)
    node = origin.copy()
    prob = np.ones(chain.n_nodes)
    codes = np.zeros((chain.n_nodes, m), dtype=code_dtype(n_symbols))
    parts = []
    for depth in range(m):
        stopping = chain.stop[node] > 0
        parts.append((origin[stopping], codes[stopping], np.full(stopping.sum(), depth),
                      np.full(stopping.sum(), -1), prob[stopping] * chain.stop[node[stopping]]))
        fan = np.diff(chain.offsets)[node]
        parent = np.repeat(np.arange(len(node)), fan)
        action = chain.offsets[node][parent] + (np.arange(len(parent))
                                                - np.repeat(np.cumsum(fan) - fan, fan))
        origin, prob = origin[parent], prob[parent] * chain.probs[action]
        codes = codes[parent]
        codes[:, depth] = chain.symbols[action] + 1
        node = chain.targets[action]
    parts.append((origin, codes, np.full(len(node), m), node, prob))
    origin, codes, lengths, ends, prob = (np.concatenate(p) for p in zip(*parts, strict=True))
    order = np.argsort(origin, kind="stable")
    origin, codes, lengths, ends, prob = (
        origin[order], codes[order], lengths[order], ends[order], prob[order]
    )
    sizes = np.bincount(origin, minlength=chain.n_nodes)
    offsets = np.zeros(chain.n_nodes + 1, dtype=np.intp)
    np.cumsum(sizes, out=offsets[1:])
    cut = np.empty(len(prob))
    alias = np.empty(len(prob), dtype=np.intp)
    for q in range(chain.n_nodes):
        a, b = offsets[q], offsets[q + 1]
        cut[a:b], local = _alias(prob[a:b])
        alias[a:b] = local + a
    cells = np.ascontiguousarray(codes).view({1: np.uint8, 2: np.uint16, 4: np.uint32,
                                              8: np.uint64}[m * width]).ravel()
    return Blocks(m, offsets, sizes.astype(np.intp), cells, lengths.astype(np.intp),
                   ends.astype(np.intp), cut, alias)


@dataclass(frozen=True)
class Walk:
    chain: Chain
    blocks: Blocks

    @classmethod
    def of(cls, g: Grammar) -> Walk:
        def build() -> Walk | None:
            chain = build_chain(g.declaration, g.alphabet)
            return None if chain is None else cls(chain, build_blocks(chain, len(g.alphabet)))

        walk = cached(g.declaration, "walk", build)
        if walk is None:
            raise EmptyLanguageError(f"{grammar_label(g)} has no members: nothing to sample")
        return walk


class WalkRows:
    """Per-walker output rows of one batch, compacted as walkers finish.

    Row i of `cells` belongs to the walker in slot i; `slot[j]` is the slot
    of active walker j. Finished rows are decoded at once.
    """

    def __init__(self, n: int, dtype: type) -> None:
        self.cells = np.zeros((n, 4), dtype=dtype)
        self.slot = np.arange(n)

    def write(self, step: int, values: np.ndarray) -> None:
        if step == self.cells.shape[1]:
            grown = np.zeros((self.cells.shape[0], 2 * step), dtype=self.cells.dtype)
            grown[:, :step] = self.cells
            self.cells = grown
        self.cells[self.slot, step] = values

    def take(self, which: np.ndarray, steps: int) -> np.ndarray:
        return self.cells[self.slot[which], :steps]

    def keep(self, which: np.ndarray) -> None:
        self.slot = self.slot[which]
        if len(self.slot) * 4 < self.cells.shape[0]:
            self.cells = self.cells[self.slot]
            self.slot = np.arange(len(self.slot))


def code_view(cells: np.ndarray, n_symbols: int) -> np.ndarray:
    """Packed cells (rows, steps) viewed as codes (rows, steps * m)."""
    return np.ascontiguousarray(cells).view(code_dtype(n_symbols))


def walk_batch(
    walk: Walk, n: int, rng: np.random.Generator, lo: int, hi: int | None, n_symbols: int,
    label: str,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Run `n` blocked walks; return code blocks and walker ids of those within [lo, hi].

    The compiled loop (:func:`grammar.codes.compiled_kernels`) makes the same
    draws from the same generator, so it returns the same walks, in the same
    blocks.
    """
    compiled = compiled_kernels()
    if compiled is not None:
        return _walk_batch_compiled(compiled, walk, n, rng, lo, hi, n_symbols, label)
    b = walk.blocks
    m = b.m
    node = np.zeros(n, dtype=np.intp)
    walker = np.arange(n)
    rows = WalkRows(n, b.cells.dtype)
    done_codes, done_ids = [], []
    step = 0
    while len(walker):
        if len(walker) <= TAIL_WALKERS:
            _finish_one_by_one(b, rows.take(np.arange(len(walker)), step), node, walker, step,
                               rng, lo, hi, (done_codes, done_ids), n_symbols, label)
            break
        u = rng.random(len(walker)) * b.sizes[node]
        j = u.astype(np.intp)
        pick = b.offsets[node] + j
        outcome = np.where(u - j < b.cut[pick], pick, b.alias[pick])
        rows.write(step, b.cells[outcome])
        node = b.ends[outcome]
        length = step * m + b.lengths[outcome]
        stopped = node < 0
        if stopped.any():
            ok = stopped & (length >= lo)
            if hi is not None:
                ok &= length <= hi
            which = np.flatnonzero(ok)
            if which.size:
                done_codes.append(code_view(rows.take(which, step + 1), n_symbols))
                done_ids.append(walker[which])
        going = ~stopped
        if hi is not None:
            going &= length <= hi  # past the bound already: reject the whole walk
        elif (step + 1) * m > MAX_WALK and going.any():
            raise GrammarError(
                f"a random walk on {label} ran past {MAX_WALK:,} symbols without stopping; "
                "pass max_length (walks are conditioned on it) or raise the stop weights"
            )
        keep = np.flatnonzero(going)
        node, walker = node[keep], walker[keep]
        rows.keep(keep)
        step += 1
    return done_codes, done_ids


def _too_long(label: str) -> GrammarError:
    return GrammarError(
        f"a random walk on {label} ran past {MAX_WALK:,} symbols without stopping; "
        "pass max_length (walks are conditioned on it) or raise the stop weights"
    )


def _walk_batch_compiled(
    compiled: Any, walk: Walk, n: int, rng: np.random.Generator, lo: int, hi: int | None,
    n_symbols: int, label: str,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """:func:`walk_batch` in compiled code: finished walks come back end to end, and are cut
    into the numpy loop's blocks (one per step of the batch, one per walker of the tail)."""
    b = walk.blocks
    bit_generator = rng.bit_generator
    with bit_generator.lock:
        status, ids, counts, cells, tail_start = compiled.walk_blocks(
            bit_generator.capsule, *(np.asarray(a, dtype=np.int64) for a in (
                b.offsets, b.sizes)), b.cells, *(np.asarray(a, dtype=np.int64) for a in (
                    b.lengths, b.ends)), np.asarray(b.cut, dtype=np.float64),
            np.asarray(b.alias, dtype=np.int64), b.m, n, lo, -1 if hi is None else hi,
            MAX_WALK, TAIL_WALKERS)
    if status:
        raise _too_long(label)
    ids = np.frombuffer(ids or b"", dtype=np.int64).astype(np.intp)
    counts = np.frombuffer(counts or b"", dtype=np.int64)
    flat = np.frombuffer(cells or b"", dtype=b.cells.dtype).copy()
    ends = np.cumsum(counts)
    # Walks of the batch that finish at one step are consecutive and have as many cells.
    bounds = [0, *(np.flatnonzero(np.diff(counts[:tail_start]) != 0) + 1).tolist(), tail_start]
    segments = [*zip(bounds[:-1], bounds[1:], strict=True),
                *((i, i + 1) for i in range(tail_start, len(ids)))]
    done_codes, done_ids = [], []
    for first, last in segments:
        if first == last:
            continue
        base = int(ends[first] - counts[first])
        block = flat[base : int(ends[last - 1])].reshape(last - first, int(counts[first]))
        done_codes.append(code_view(block, n_symbols))
        done_ids.append(ids[first:last])
    return done_codes, done_ids


def _finish_one_by_one(
    b: Blocks, prefixes: np.ndarray, node: np.ndarray, walker: np.ndarray, step: int,
    rng: np.random.Generator, lo: int, hi: int | None,
    done: tuple[list[np.ndarray], list[np.ndarray]], n_symbols: int, label: str,
) -> None:
    """Walk the last few walkers of a batch to their ends, in walker order, in plain Python.

    The same draws as the batched loop (one uniform per block, the alias
    method), for the walkers in order; finished walks within [lo, hi] are
    appended to `done` as one-row blocks.
    """
    offsets, sizes, cells, lengths, ends, cut, alias = b.as_lists
    m = b.m
    uniform = rng.random
    for i in range(len(walker)):
        q, at, out = int(node[i]), step, []
        while True:
            u = uniform() * sizes[q]
            j = int(u)
            pick = offsets[q] + j
            outcome = pick if u - j < cut[pick] else alias[pick]
            out.append(cells[outcome])
            q = ends[outcome]
            length = at * m + lengths[outcome]
            if q < 0:
                if length >= lo and (hi is None or length <= hi):
                    row = np.concatenate([prefixes[i], np.array(out, dtype=b.cells.dtype)])
                    done[0].append(code_view(row[None, :], n_symbols))
                    done[1].append(walker[i : i + 1])
                break
            if hi is not None and length > hi:
                break  # past the bound already: reject the whole walk
            if hi is None and (at + 1) * m > MAX_WALK:
                raise GrammarError(
                    f"a random walk on {label} ran past {MAX_WALK:,} symbols without "
                    "stopping; pass max_length (walks are conditioned on it) or raise the "
                    "stop weights"
                )
            at += 1
