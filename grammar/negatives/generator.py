"""The near-miss generator: rounds of mutation, and exact draws for the cells that need them.

One :class:`NearMissGenerator` serves one call of
:func:`grammar.negatives.near_misses`. Each round draws members for the
cells that still need words (:mod:`grammar.negatives.quotas`), applies one
random edit of the cell's kind to each, and keeps the rejected results at
distance exactly 1 (a transposition is two substitutions, so it is checked
by :func:`grammar.negatives.repairs.at_distance_one`). A cell whose edits
rarely succeed is drawn by counting instead (:mod:`grammar.negatives.drawn`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from grammar.checks import grammar_label
from grammar.codes import (
    cached,
    code_dtype,
    code_table,
    run_codes,
)
from grammar.errors import GrammarError
from grammar.negatives.automaton import (
    build_failed,
    built_near_miss_dfa,
    near_miss_dfa_or_none,
)
from grammar.negatives.choice import BUILD_COST, plan_pairs
from grammar.negatives.drawn import Block, stack
from grammar.negatives.kinds import EDIT_KINDS, GROWTH, UNIT_KINDS, random_edits
from grammar.negatives.pair_book import PairBook
from grammar.negatives.quotas import (
    PRIOR_LOCAL,
    Cell,
    Request,
    round_size,
)
from grammar.negatives.repairs import at_distance_one
from grammar.negatives.windows import AIMED_KIND, MAX_LOCAL_SYMBOLS, LocalWindows
from grammar.uniform import uniform_codes_of
from grammar.walks import sample_codes

if TYPE_CHECKING:
    from grammar.automaton import DFA
    from grammar.core import Grammar
    from grammar.negatives.pairs import EditPairs

__all__ = [
    "CHECK_AUTOMATON_STATES",
    "WIDTH_BAND",
    "NearMissGenerator",
    "lowest",
]

#: Transpositions are checked on the distance-one automaton when it has at most this
#: many states (a failed build is remembered, and retried only with a larger bound) ...
CHECK_AUTOMATON_STATES = 20_000
#: Walks whose widths lie within this factor of each other share one padded block.
WIDTH_BAND = 1.2


class NearMissGenerator:
    """State of one :func:`grammar.negatives.near_misses` call.

    Parameters
    ----------
    g : Grammar
    long_range : float
        The fraction of long-range near misses asked for (0 turns the windows off).
    rng : numpy.random.Generator
        Every random choice is drawn from it.
    spill : bool
        Whether a length that cannot meet its quota passes it to other lengths.
    top : int
        The longest length asked for (0 when the lengths follow walks): counts of
        non-members are made once, up to it.

    Attributes
    ----------
    book : PairBook
        The pair products of the call, the budgets their failed builds had, the
        retired kinds and the tally of pair draws; changed by its own methods only
        (the old ``pairs``, ``pair_budgets``, ``pair_stats`` and ``pairs_failed``
        read it, with a :class:`DeprecationWarning`).
    blocks : tuple of Block
        The near misses kept so far; :meth:`keep` adds to them.
    """

    def __init__(self, g: Grammar, long_range: float, rng: np.random.Generator,
                 spill: bool, top: int = 0) -> None:
        self.g, self.rng, self.spill, self.top = g, rng, spill, top
        self.dfa: DFA = g.dfa
        self.k = len(g.alphabet)
        self.table = code_table(self.dfa)
        if long_range and self.k > MAX_LOCAL_SYMBOLS:
            raise GrammarError(
                f"long_range needs an alphabet of at most {MAX_LOCAL_SYMBOLS} symbols; "
                f"{grammar_label(g)} has {self.k}"
            )
        self.local = (cached(self.dfa, "local_windows", lambda: LocalWindows(self.dfa))
                      if long_range else None)
        self._blocks: list[Block] = []  # the near misses kept so far (see keep)
        self.book = PairBook(self.dfa, top)  # the pair products, their failures and tallies
        self.check_work = 0  # element operations spent on distance-one checks so far

    # -- the words kept -----------------------------------------------------------------------

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The blocks of near misses kept so far, in the order they were kept."""
        return tuple(self._blocks)

    def keep(self, words: np.ndarray, kind: int, positions: np.ndarray, sources: np.ndarray,
             local: np.ndarray, exact: bool) -> None:
        """Keep near misses made together (see :class:`~grammar.negatives.drawn.Block`)."""
        self._blocks.append(Block(words, kind, positions, sources, local, exact))

    # The pair state lives in the book; these old names read it, with a DeprecationWarning.
    pairs = property(lambda self: _deprecated("pairs", "book.products", self.book.products))
    pair_budgets = property(lambda self: _deprecated("pair_budgets", "book.failed_budgets",
                                                     self.book.failed_budgets))
    pair_stats = property(lambda self: _deprecated("pair_stats", "book.tallies",
                                                   self.book.tallies))
    pairs_failed = property(lambda self: _deprecated("pairs_failed", "book.retired_kinds",
                                                     self.book.retired_kinds))

    def plausible(self, words: np.ndarray) -> np.ndarray:
        """Which rows are locally plausible (all False when long-range words are not asked)."""
        if self.local is None:
            return np.zeros(len(words), dtype=bool)
        return self.local.plausible(words)

    # -- validity -----------------------------------------------------------------------------

    def valid(self, words: np.ndarray, kind: int) -> np.ndarray:
        """Rejected and at distance exactly 1 (the candidates are one edit from a member)."""
        rejected = ~self.dfa.accepting[run_codes(self.table, words, self.dfa.start)]
        if EDIT_KINDS[kind].unit:
            return rejected  # one edit from a member, and rejected: distance exactly 1
        # A transposition is two substitutions: check that one edit repairs it. The repair
        # tables do, in O(L (n + k)) a word without building anything; where there are many
        # words, the automaton of words one edit away answers in O(L) a word, when small.
        check = np.flatnonzero(rejected)
        edits = UNIT_KINDS
        distance_one = built_near_miss_dfa(self.g, edits)
        # ... and built once the checks so far cost more than a build of that many states
        # would (a Python subset construction: about BUILD_COST per transition).
        self.check_work += check.size * words.shape[1] * (self.dfa.n_states + self.k)
        budget = min(CHECK_AUTOMATON_STATES, self.check_work // ((self.k + 1) * BUILD_COST))
        if (distance_one is None and budget > self.dfa.n_states
                and not build_failed(self.g, edits, budget)):
            distance_one = near_miss_dfa_or_none(self.g, edits, max_states=budget)
        if distance_one is not None:
            return distance_one.accepting[
                run_codes(code_table(distance_one), words, distance_one.start)]
        if check.size:
            rejected[check] = at_distance_one(self.dfa, words[check])
        return rejected

    # -- candidates by mutation -----------------------------------------------------------------

    def walk_sources(self, m: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """`m` walks, the members of a cell whose lengths follow walks, as (codes, priority)
        blocks of similar width.

        Priorities are exchangeable labels (a walk's position in the sample),
        so picking the lowest among the valid rows is unbiased. Walks come in
        blocks of one width each; they are stacked into one block per band of
        widths a factor WIDTH_BAND apart: few blocks however long the walks (a
        round costs a few dozen passes), and padding that adds at most a fifth
        to a row's work.
        """
        by_bucket: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
        for block, priority in sample_codes(self.g, m, self.rng):
            band = int(np.log(max(block.shape[1], 1)) / np.log(WIDTH_BAND))
            by_bucket.setdefault(band, []).append((block, priority))
        return [(stack([b for b, _ in group], code_dtype(self.k)),
                 np.concatenate([p for _, p in group]))
                for _, group in sorted(by_bucket.items())]

    def draw_sources(self, requests: list[Request]) -> None:
        """Draw the members of every request of one length that mutates them, in one pass.

        Uniform members of all the round's lengths share one draw (rows padded
        to the longest), then each request takes its rows, trimmed to its length.
        """
        mutating = [r for r in requests
                    if r.cell.length is not None and r.drawn is None and self.pair_of(r) is None]
        if not mutating:
            return
        sizes = [int(r.cell.length) - int(GROWTH[r.cell.kind]) for r in mutating]
        block = uniform_codes_of(self.dfa, np.repeat(sizes, [r.count for r in mutating]),
                                 self.rng)
        start = 0
        for request, size in zip(mutating, sizes, strict=True):
            request.sources = block[start : start + request.count, :size]
            start += request.count

    def mutate(self, sources: np.ndarray, kind: int) -> tuple[np.ndarray, ...]:
        """A random edit of `kind` on each row; rows where it cannot apply are flagged."""
        return random_edits(kind, sources, self.k, self.rng)

    def candidates(self, request: Request) -> Iterator[tuple[np.ndarray, ...]]:
        """(sources, priority, words, positions, applies) blocks for one request.

        A cell of one length whose kind has a pair product (see
        :func:`grammar.negatives.choice.plan_pairs`) draws its (member, edit)
        pairs from it: the same distribution as mutation, without the edits
        that stay in the language.
        """
        cell = request.cell
        if request.drawn is not None:
            words, block, position = request.drawn
            member = self.dfa.accepting[run_codes(self.table, block, self.dfa.start)]  # re-check
            yield block, np.arange(request.count), words, position, member
            return
        if self.pair_of(request) is not None:
            cell.impossible = True  # no member has an edit of this kind leaving it
            return
        # A cell of one length mutates the members drawn for the whole round (draw_sources).
        blocks = ([(request.sources, np.arange(request.count))] if cell.length is not None
                  else self.walk_sources(request.count))
        for block, priority in blocks:
            if request.aimed:
                words, position, ok = self.local.substitutions(block, self.rng)
            else:
                words, position, ok = self.mutate(block, cell.kind)
            yield block, priority, words, position, ok

    def requests(self, cells: list[Cell]) -> list[Request]:
        """What each open cell asks of the next round.

        A substitution cell's long-range quota is met by targeted draws: only
        substitutions whose three changed windows occur in members.
        """
        out = []
        for cell in cells:
            if cell.wanted == 0 or cell.exact:
                continue
            aimed = cell.kind == AIMED_KIND and self.local is not None
            # Pair draws leave the language by construction: size them by their own yields,
            # not by how rarely mutation succeeded (which is why they are drawn).
            rate, rate_local, tried = cell.rate(), cell.rate_local(), cell.tried
            if self.pairs_for(cell) is not None:
                drawn, passed, plausible = self.book.counts(cell.kind)
                rate, tried = self.book.pair_yield(cell.kind), drawn
                if not aimed:  # aimed long-range words are drawn by LocalWindows, not pairs
                    rate_local = (plausible + PRIOR_LOCAL[0]) / (drawn + PRIOR_LOCAL[1])
            plain = cell.need / rate
            local = cell.need_local / rate_local if cell.need_local else 0.0
            wants = [(plain, False), (local, True)] if aimed else [(plain + local, False)]
            for want, targeted in wants:
                if want > 0:
                    size = round_size(want, cell.tried_local if targeted else tried,
                                      cell.mean_length())
                    out.append(Request(cell, size, targeted))
        return out

    def pairs_for(self, cell: Cell) -> EditPairs | None:
        """The pair product that serves a cell of one length, if any (and not retired)."""
        return None if cell.length is None else self.book.serving(cell.kind)

    def pair_yield(self, kind: int) -> float:
        """The share of pair draws of `kind` that passed the checks so far (see
        :meth:`PairBook.pair_yield <grammar.negatives.pair_book.PairBook.pair_yield>`)."""
        return self.book.pair_yield(kind)

    def pair_counts(self, kind: int) -> tuple[int, int, int]:
        """The pair draws of `kind` so far: (drawn, passed, locally plausible)."""
        return self.book.counts(kind)

    def pair_of(self, request: Request) -> EditPairs | None:
        """The pair product that serves `request` (a plain request of one length), if any."""
        return None if request.aimed else self.pairs_for(request.cell)

    def draw_pairs(self, requests: list[Request]) -> None:
        """Draw the pairs of every request a pair product serves, one walk per kind.

        Words of all the round's lengths share one walk (padded to the
        longest), then each request takes its rows, trimmed to its length.
        """
        by_kind: dict[int, list[Request]] = {}
        for request in requests:
            pairs = self.pair_of(request)
            if pairs is not None and pairs.possible(request.cell.length):
                by_kind.setdefault(request.cell.kind, []).append(request)
        for kind, group in by_kind.items():
            lengths = np.repeat([r.cell.length for r in group], [r.count for r in group])
            words, sources, positions = self.book.built(kind).draw_lengths(lengths, self.rng)
            start = 0
            for request in group:
                rows = slice(start, start + request.count)
                size = int(request.cell.length)
                width = size - int(GROWTH[kind])
                request.drawn = (words[rows, :size], sources[rows, :width], positions[rows])
                start += request.count

    def round(self, cells: list[Cell]) -> None:
        """One vectorised round of mutation over the cells that still need words."""
        plan_pairs(self, cells)
        requests = self.requests(cells)
        self.draw_pairs(requests)
        self.draw_sources(requests)
        by_length: dict[int | None, list[Request]] = {}
        for request in requests:
            by_length.setdefault(request.cell.length, []).append(request)
        for batch in by_length.values():
            self._round_batch(batch)

    def _round_batch(self, batch: list[Request]) -> None:
        pieces = []
        for r, request in enumerate(batch):
            kind = request.cell.kind
            for block, priority, words, position, ok in self.candidates(request):
                ok[ok] = self.valid(words[ok], kind)
                local = ok.copy() if request.aimed else np.zeros(len(block), dtype=bool)
                if self.local is not None and ok.any() and not request.aimed:
                    local[ok] = self.local.plausible(words[ok])
                pieces.append((r, block, words, position, ok, local, priority))
        if not pieces:
            return  # no request had sources this round
        group = np.concatenate([np.full(len(p[1]), p[0]) for p in pieces])
        good = np.concatenate([p[4] for p in pieces])
        local = np.concatenate([p[5] for p in pieces])
        priority = np.concatenate([p[6] for p in pieces])
        lengths = np.concatenate([np.count_nonzero(p[1], axis=1) for p in pieces])
        take = self.fill(batch, group, good, local, priority, lengths)
        row = 0
        for r, block, words, position, _, local, _ in pieces:
            which = np.flatnonzero(take[row : row + len(block)])
            row += len(block)
            if which.size:
                self.keep(words[which], batch[r].cell.kind, position[which], block[which],
                          local[which], exact=False)

    def fill(self, batch: list[Request], group: np.ndarray, good: np.ndarray,
             local: np.ndarray, priority: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Pick, per request, the valid rows of lowest priority its cell needs; count them.

        ``group[i]`` is the index in `batch` of the request row i answers; a
        request's rows are contiguous. `lengths` are those of the sources.
        """
        take = np.zeros(len(good), dtype=bool)
        bounds = np.flatnonzero(np.diff(group)) + 1
        for rows in np.split(np.arange(len(good)), bounds):
            request = batch[int(group[rows[0]])]
            cell, aimed = request.cell, request.aimed
            ok, near = good[rows], local[rows] & good[rows]
            picked_local = lowest(priority[rows], near, cell.need_local)
            picked = (np.zeros(len(rows), dtype=bool) if aimed
                      else lowest(priority[rows], ok & ~picked_local, cell.need))
            take[rows] = picked_local | picked
            if request.drawn is not None:
                self.book.count(cell.kind, rows.size, int(ok.sum()), int(near.sum()))
            elif not aimed:
                cell.tally(rows.size, int(ok.sum()), int(lengths[rows].sum()))
            if cell.need_local and (aimed or not (cell.kind == AIMED_KIND and self.local)):
                cell.tally_local(rows.size, int(near.sum()))
            cell.took(int(picked.sum()), int(picked_local.sum()))
        return take


def _deprecated(old: str, new: str, value: Any) -> Any:
    warnings.warn(f"NearMissGenerator.{old} is deprecated (and read-only); use {new}",
                  DeprecationWarning, stacklevel=3)
    return value


def lowest(priority: np.ndarray, mask: np.ndarray, count: int) -> np.ndarray:
    """Mask of the (at most) `count` masked entries of lowest priority (priorities distinct)."""
    if count <= 0:
        return np.zeros(len(mask), dtype=bool)
    if int(mask.sum()) <= count:
        return mask.copy()
    threshold = np.partition(priority[mask], count - 1)[count - 1]
    return mask & (priority <= threshold)
