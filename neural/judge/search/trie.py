"""The prefix-shared walk: one network step per trie node, in bounded-memory chunks.

The words of a :class:`~neural.judge.search.scope.Scope` form a trie. The walk
reads it depth first, a *chunk* of sibling prefixes at a time: a chunk's
children (every kept ``(prefix, symbol)`` pair, in shortlex order) are cut
into pieces of at most ``chunk`` rows, and each piece is one batched
network step, then walked in turn. Memory holds at most one chunk per depth,
whatever the length, and every prefix is computed once, however many words
extend it.

Each length is visited in shortlex order, so the first disagreements found
at a length are its shortlex-first ones.

Several ranks share a walk by its subtrees: every rank walks the few
prefixes above a *split depth*, the nodes at that depth are dealt out
round-robin, and each rank walks only the subtrees under its own. The words
above the split are scored by rank 0 alone, so that the merged tallies
(:meth:`Tally.merge`) count every word once, exactly as one process would.

Examples
--------
>>> from grammar import library
>>> from neural.verifier import Verifier
>>> from neural.judge.search.scope import Scope
>>> from neural.judge.search.stepper import stepper_for
>>> g = library.parity()
>>> v = Verifier.untrained(g, seed=0)
>>> scope = Scope.build(g, v.alphabet)
>>> tally = walk(stepper_for(v), scope, max_length=4, exhaustive=4, chunk=8)
>>> int(tally.checked.sum()), tally.nodes
(31, 31)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from neural.device import to_device
from neural.judge.search.scope import MEMBER, OTHER, Scope
from neural.judge.search.stepper import Stepper

__all__ = ["Found", "Tally", "walk"]


@dataclass(frozen=True)
class Found:
    """One disagreement: the word's symbols, its kind code and the network's probability."""

    symbols: tuple[str, ...]
    kind: int
    probability: float


@dataclass
class Tally:
    """What a walk checked and found.

    Attributes
    ----------
    checked, disagreed : numpy.ndarray
        int64 ``(max_length + 1, 3)``: words per length and kind code.
    found : dict of int to list of Found
        The shortlex-first disagreements at each length, at most `keep` each.
    nodes : int
        Network steps taken (trie nodes, the root included).
    stopped : bool
        True when the deadline cut the walk short.
    """

    checked: np.ndarray
    disagreed: np.ndarray
    found: dict[int, list[Found]] = field(default_factory=dict)
    nodes: int = 0
    stopped: bool = False

    def to_plain(self) -> dict[str, Any]:
        """The tally as JSON-ready data, to send to another rank."""
        return {"checked": self.checked.tolist(), "disagreed": self.disagreed.tolist(),
                "found": [[length, [[list(f.symbols), f.kind, f.probability] for f in found]]
                          for length, found in self.found.items()],
                "nodes": self.nodes, "stopped": self.stopped}

    @classmethod
    def merge(cls, parts: list[dict[str, Any]], alphabet: tuple[str, ...], keep: int) -> Tally:
        """One tally from the :meth:`to_plain` tallies of ranks that shared a walk.

        Counts add up; at each length the `keep` shortlex-first disagreements
        of all ranks are kept, as one walk over every subtree would keep them.
        """
        order = {symbol: i for i, symbol in enumerate(alphabet)}
        found: dict[int, list[Found]] = {}
        for part in parts:
            for length, rows in part["found"]:
                found.setdefault(int(length), []).extend(
                    Found(tuple(symbols), int(kind), float(p)) for symbols, kind, p in rows)
        for rows in found.values():
            rows.sort(key=lambda f: [order[symbol] for symbol in f.symbols])
            del rows[keep:]
        return cls(
            checked=np.sum([np.asarray(part["checked"], dtype=np.int64) for part in parts], 0),
            disagreed=np.sum([np.asarray(part["disagreed"], dtype=np.int64) for part in parts],
                             0),
            found=dict(sorted(found.items())),
            nodes=sum(int(part["nodes"]) for part in parts),
            stopped=any(part["stopped"] for part in parts),
        )


@dataclass
class _Chunk:
    depth: int
    state: Any
    scope_states: np.ndarray
    parents: np.ndarray | None  # rows of `up`
    symbols: np.ndarray | None
    up: _Chunk | None


def walk(
    stepper: Stepper,
    scope: Scope,
    *,
    max_length: int,
    exhaustive: int,
    chunk: int = 16384,
    keep: int = 10,
    deadline: float | None = None,
    advance: Callable[[int], Any] | None = None,
    part: tuple[int, int] = (0, 1),
    split: int = 1,
) -> Tally:
    """Run the network over every word in scope and tally its disagreements.

    Parameters
    ----------
    stepper : Stepper
    scope : Scope
    max_length : int
        The longest words.
    exhaustive : int
        Every word up to this length; beyond it, members and near misses only.
    chunk : int
        Rows per network step at most.
    keep : int
        Disagreements kept per length (the shortlex-first ones).
    deadline : float, optional
        A :func:`time.perf_counter` time; the walk stops at the first step past it.
    advance : callable, optional
        Called with the number of nodes each step adds (a progress bar's update).
    part : tuple of int
        ``(rank, world)``: walk this rank's share of the subtrees only.
    split : int
        The depth (1 or more) whose nodes are dealt out to the ranks.
    """
    me, world = part
    tally = Tally(np.zeros((max_length + 1, 3), dtype=np.int64),
                  np.zeros((max_length + 1, 3), dtype=np.int64))
    root = _Chunk(0, stepper.start(), np.array([scope.start], dtype=np.int64), None, None, None)
    # Above the split every rank walks the same nodes; rank 0 alone scores them.
    scores = (lambda depth: True) if world == 1 else (lambda depth: depth >= split or me == 0)
    if scores(0):
        _score(stepper, scope, root, exhaustive, keep, tally)
        tally.nodes = 1
        if advance:
            advance(1)
    dealt = 0  # nodes at the split depth dealt out so far, over all ranks
    n_symbols = len(scope.alphabet)
    stack = [(root, _pieces(root, scope, max_length, exhaustive, chunk, n_symbols))]
    device = stepper.device
    while stack:
        parent, pieces = stack[-1]
        piece = next(pieces, None)
        if piece is None:
            stack.pop()
            continue
        if deadline is not None and time.perf_counter() > deadline:
            tally.stopped = True
            break
        lo, hi, rows, symbols, states = piece
        if world > 1 and parent.depth + 1 == split:
            if rows is None:
                rows = np.repeat(np.arange(lo, hi, dtype=np.int64), n_symbols)
                symbols = np.tile(np.arange(n_symbols, dtype=np.int64), hi - lo)
            mine = (dealt + np.arange(len(rows))) % world == me
            dealt += len(rows)
            rows, symbols, states = rows[mine], symbols[mine], states[mine]
            if not len(rows):
                continue
        if rows is None:  # every symbol of every parent in lo:hi
            child_state = stepper.step(parent.state, lo, hi, None, None)
            rows = np.repeat(np.arange(lo, hi, dtype=np.int64), n_symbols)
            symbols = np.tile(np.arange(n_symbols, dtype=np.int64), hi - lo)
        else:
            child_state = stepper.step(parent.state, lo, hi,
                                       to_device(torch.from_numpy(rows - lo), device),
                                       to_device(torch.from_numpy(symbols), device))
        child = _Chunk(parent.depth + 1, child_state, states, rows, symbols, parent)
        if scores(child.depth):
            _score(stepper, scope, child, exhaustive, keep, tally)
            tally.nodes += len(rows)
            if advance:
                advance(len(rows))
        if child.depth < max_length:
            stack.append((child, _pieces(child, scope, max_length, exhaustive, chunk,
                                         n_symbols)))
    return tally


def _pieces(node: _Chunk, scope: Scope, max_length: int, exhaustive: int, chunk: int,
            n_symbols: int) -> Any:
    """The kept children of `node`, parent-major and symbol-minor, in pieces of <= chunk."""
    depth = node.depth + 1
    if depth > max_length:
        return iter(())
    targets = scope.table[node.scope_states]  # (B, |alphabet|)
    # Up to the exhaustive length every child is kept; beyond, those that can still end
    # as a member or near miss within max_length.
    keep = None if depth <= exhaustive else scope.reach[targets] <= max_length - depth
    # Walk the parents in runs, so that no more than `chunk` children exist at once.
    per_parent = max(1, chunk // n_symbols)

    def generate() -> Any:
        for lo in range(0, len(targets), per_parent):
            block = targets[lo : lo + per_parent]
            hi = lo + len(block)
            if keep is None:
                yield lo, hi, None, None, block.reshape(-1)
                continue
            r, s = np.nonzero(keep[lo:hi])
            if len(r):
                yield lo, hi, r.astype(np.int64) + lo, s.astype(np.int64), block[r, s]

    return generate()


def _score(stepper: Stepper, scope: Scope, node: _Chunk, exhaustive: int, keep: int,
           tally: Tally) -> None:
    kinds = scope.kind[node.scope_states]
    target = np.ones(len(kinds), dtype=bool) if node.depth <= exhaustive else kinds != OTHER
    if not target.any():
        return
    # sigmoid in float32 and "> 0.5", exactly as Verifier.predict decides.
    p = torch.sigmoid(stepper.logits(node.state).float()).cpu().numpy()
    said = p > 0.5
    wrong = target & (said != (kinds == MEMBER))
    depth = node.depth
    tally.checked[depth] += np.bincount(kinds[target], minlength=3)
    if not wrong.any():
        return
    tally.disagreed[depth] += np.bincount(kinds[wrong], minlength=3)
    found = tally.found.setdefault(depth, [])
    room = keep - len(found)
    if room <= 0:
        return
    rows = np.flatnonzero(wrong)[:room]
    for i, symbols in zip(rows, _spell(node, rows, scope.alphabet), strict=True):
        found.append(Found(symbols, int(kinds[i]), float(p[i])))


def _spell(node: _Chunk, rows: np.ndarray, alphabet: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The words of `node`'s `rows`, read back up the chain of parents."""
    columns = []
    at: _Chunk | None = node
    while at is not None and at.up is not None:
        columns.append(at.symbols[rows])
        rows = at.parents[rows]
        at = at.up
    if not columns:
        return [()] * len(rows)
    codes = np.stack(columns[::-1], axis=1)
    return [tuple(alphabet[j] for j in row) for row in codes]
