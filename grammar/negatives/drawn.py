"""The counted draws of a near-miss cell, for kinds whose edits rarely leave the language.

Instead of mutating sampled members, a cell can be drawn by counting
(chosen by :func:`grammar.negatives.choice.review`):

- :func:`draw_exact`: uniformly from the near-miss automaton, each word then
  paired with a member one edit away;
- :func:`draw_pairs`: from the counted (member, edit) pairs
  (:mod:`grammar.negatives.pairs`) at the lengths of fresh walks;
- :func:`draw_non_members`: uniform non-members of the cell's length, kept
  when they are near misses of its kind.

Every word is checked as mutation's are, and lands in a :class:`Block`
marked ``exact``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from grammar.codes import code_dtype, run_codes
from grammar.negatives.kinds import EDIT_KINDS
from grammar.negatives.quotas import (
    MAX_ROUND_SYMBOLS,
    PROBE,
    ROUND_EXTRA,
    ROUND_MARGIN,
    Cell,
)
from grammar.negatives.repairs import at_distance_one, made_by, pick_sources
from grammar.ranking import count_table
from grammar.uniform import uniform_codes_of, uniform_lengths_codes

if TYPE_CHECKING:
    from grammar.automaton import DFA
    from grammar.negatives.generator import NearMissGenerator
    from grammar.negatives.pairs import EditPairs

__all__ = [
    "Block",
    "draw_exact",
    "draw_non_members",
    "draw_pairs",
    "near_miss_rows",
    "non_member_rows",
    "probe_non_members",
    "stack",
]


class Block:
    """Near misses made together: words, kind, positions, sources and long-range flags."""

    __slots__ = ("words", "kinds", "positions", "sources", "local", "exact")

    def __init__(self, words: np.ndarray, kind: int, positions: np.ndarray,
                 sources: np.ndarray, local: np.ndarray, exact: bool) -> None:
        self.words, self.positions, self.sources, self.local = words, positions, sources, local
        self.kinds = np.full(len(words), kind)
        self.exact = np.full(len(words), exact)


def draw_exact(gen: NearMissGenerator, cell: Cell, nm: DFA, lengths: np.ndarray) -> None:
    """Draw the cell's near misses uniformly from the near-miss automaton `nm`, then pair
    each with a member one edit away.

    `lengths` are the lengths the words should have; each must have near
    misses of the cell's kind.
    """
    words = stack([
        uniform_lengths_codes(nm, np.array([size]), int((lengths == size).sum()), gen.rng)
        for size in np.unique(lengths)
    ], code_dtype(gen.k))
    sources, positions = pick_sources(gen.dfa, words, cell.kind, gen.rng)
    gen.keep(words, cell.kind, positions, sources, gen.plausible(words), exact=True)
    cell.complete()

def draw_pairs(gen: NearMissGenerator, cell: Cell, pairs: EditPairs, lengths: np.ndarray) -> None:
    """Draw the cell's near misses from the counted (member, edit) pairs at `lengths` (one
    wanted at each), checked as every other route's are.

    A transposition can leave the language yet need two edits to undo:
    such draws are dropped, so more are drawn, by the kind's observed
    yield; a kind whose draws never pass is retired (``gen.book.retire``).
    """
    book = gen.book
    yield_rate = book.pair_yield(cell.kind)
    m = int(min(len(lengths) * ROUND_MARGIN / yield_rate + ROUND_EXTRA,
                MAX_ROUND_SYMBOLS // (int(lengths.max(initial=0)) + 1)))
    # In random order, so that the first `wanted` that pass favour no length.
    drawn = gen.rng.choice(lengths, size=max(m, len(lengths)))
    words, sources, positions = pairs.draw_lengths(drawn, gen.rng)
    ok = gen.dfa.accepting[run_codes(gen.table, sources, gen.dfa.start)]
    ok[ok] = gen.valid(words[ok], cell.kind)
    book.count(cell.kind, len(ok), int(ok.sum()))
    keep = np.flatnonzero(ok)[: cell.wanted]
    if keep.size:
        local = gen.plausible(words[keep])
        gen.keep(words[keep], cell.kind, positions[keep], sources[keep], local, exact=True)
        cell.take(len(keep), int(local.sum()))
    elif book.counts(cell.kind)[0] >= PROBE:
        book.retire(cell.kind)
        cell.exact = False


def non_member_rows(gen: NearMissGenerator, size: int, m: int) -> np.ndarray:
    """`m` uniformly random non-members of length `size` (none if it has none)."""
    if count_table(gen.dfa, size, members=False)[size, gen.dfa.start] == 0:
        return np.zeros((0, size), dtype=code_dtype(gen.k))
    return uniform_codes_of(gen.dfa, np.full(m, size), gen.rng, members=False)

def near_miss_rows(gen: NearMissGenerator, codes: np.ndarray, kind: int) -> np.ndarray:
    """Which rows (non-members) are near misses that one edit of `kind` makes."""
    ok = made_by(gen.dfa, codes, kind)
    if not EDIT_KINDS[kind].unit and ok.any():  # made by it, yet maybe two edits away
        ok[ok] = at_distance_one(gen.dfa, codes[ok])
    return ok

def probe_non_members(gen: NearMissGenerator, cell: Cell, m: int) -> None:
    """Try `m` random non-members of the cell's length: how many are its near misses."""
    codes = non_member_rows(gen, int(cell.length), m)
    cell.tally_non_members(m, int(near_miss_rows(gen, codes, cell.kind).sum()) if len(codes)
                           else 0)

def draw_non_members(gen: NearMissGenerator, cell: Cell, max_candidates: int) -> None:
    """Draw the cell's near misses exactly uniformly: uniform non-members of its length,
    kept when they are near misses of its kind (at most `max_candidates` tried)."""
    spent = 0
    while cell.wanted and spent < max_candidates:
        rate = (cell.non_found + 1) / (cell.non_tried + 2)
        m = int(min(max_candidates - spent,
                    cell.wanted / rate * ROUND_MARGIN + ROUND_EXTRA,
                    MAX_ROUND_SYMBOLS // (cell.length + 1)))
        codes = non_member_rows(gen, int(cell.length), m)
        if not len(codes):
            return
        ok = near_miss_rows(gen, codes, cell.kind)
        spent += m
        cell.tally_non_members(m, int(ok.sum()))
        words = codes[np.flatnonzero(ok)[: cell.wanted]]
        if len(words):
            sources, positions = pick_sources(gen.dfa, words, cell.kind, gen.rng)
            local = gen.plausible(words)
            gen.keep(words, cell.kind, positions, sources, local, exact=True)
            cell.take(len(words), int(local.sum()))


def stack(blocks: list[np.ndarray], dtype: type) -> np.ndarray:
    """Rows of code blocks of different widths, zero-padded to the widest."""
    width = max((b.shape[1] for b in blocks), default=0)
    out = np.zeros((sum(len(b) for b in blocks), width), dtype=dtype)
    row = 0
    for block in blocks:
        out[row : row + len(block), : block.shape[1]] = block
        row += len(block)
    return out
