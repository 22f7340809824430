"""The quota planner of :func:`grammar.negatives.near_misses`: who makes how many words.

The words asked for are split into *cells*, one per kind of edit, or per
(kind, length) when lengths are given. Each cell keeps its quota of ordinary
near misses (``need``) and of long-range ones (``need_local``) and counts
how its candidates fared. After each round of mutation the planner reviews
the cells: a cell whose edits rarely succeed switches to the exact draw from
the near-miss automaton, and a cell that cannot succeed at all is dropped,
its quota passed on to the others (same length first).

Every random choice is drawn from the caller's generator.

Examples
--------
>>> import numpy as np
>>> split_evenly(10, 3, np.random.default_rng(0)).tolist()
[3, 3, 4]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "GIVE_UP_LOCAL_PROBES",
    "JUDGE_LOCAL_PROBES",
    "MAX_ROUND",
    "MAX_ROUND_SYMBOLS",
    "MIN_LONG_RANGE_RATE",
    "MIN_RATE",
    "PRIOR",
    "PRIOR_LOCAL",
    "PROBE",
    "ROUND_EXTRA",
    "ROUND_GROWTH",
    "ROUND_MARGIN",
    "Cell",
    "Request",
    "drop",
    "give",
    "pass_local",
    "review_local",
    "round_size",
    "share",
    "split_evenly",
]

#: Candidates per round of mutation, at most.
MAX_ROUND = 1 << 20
#: Symbols (candidates x their length) per request of a round, at most: this bounds the
#: memory of a round however long the words are.
MAX_ROUND_SYMBOLS = 1 << 22
#: A cell is judged only after this many candidates.
PROBE = 1 << 11
#: Below this success rate (after :data:`PROBE` candidates) a cell tries the exact draw.
MIN_RATE = 2e-3
#: A kind that made no locally plausible word in this many probes gives up on them.
GIVE_UP_LOCAL_PROBES = 4
#: After this many probes, a cell's long-range success rate is judged ...
JUDGE_LOCAL_PROBES = 64
#: ... and its long-range quota passed on when the rate is below this.
MIN_LONG_RANGE_RATE = 1e-3
#: A round tries at most this many times the candidates the cell tried so far, so a
#: rare cell is judged before it costs much.
ROUND_GROWTH = 4
#: A round asks for this many times the candidates its success rate says it needs ...
ROUND_MARGIN = 1.05
#: ... plus this many.
ROUND_EXTRA = 32
#: Prior of the success rate of ordinary edits, as (successes, trials): single edits
#: usually leave a language.
PRIOR = (9, 10)
#: Prior of the rate of locally plausible words: they are rarer.
PRIOR_LOCAL = (1, 10)


@dataclass(eq=False)
class Cell:
    """One quota of near misses: a kind of edit and, optionally, a word length."""

    kind: int
    length: int | None
    need: int = 0
    need_local: int = 0
    tried: int = 0
    found: int = 0
    tried_local: int = 0
    found_local: int = 0
    symbols: int = 0  # total length of the sources tried, for their mean length
    non_tried: int = 0  # random non-members of the cell's length tried ...
    non_found: int = 0  # ... and found to be near misses of its kind
    exact: bool = False
    no_local: bool = False  # gave up finding locally plausible words
    impossible: bool = False  # counting showed that no edit of its kind makes one

    @property
    def wanted(self) -> int:
        """Words still to find, ordinary and long-range."""
        return self.need + self.need_local

    def take(self, count: int, local: int) -> None:
        """Count `count` words found for the cell, `local` of them locally plausible.

        The plausible ones meet the long-range quota first; words beyond the
        ordinary quota meet what is left of the long-range one.
        """
        used = min(self.need_local, local)
        self.need_local -= used
        rest = count - used
        ordinary = min(self.need, rest)
        self.need -= ordinary
        self.need_local = max(self.need_local - (rest - ordinary), 0)

    def took(self, ordinary: int, local: int) -> None:
        """Count words picked for each quota: `ordinary` ones and `local` long-range ones."""
        self.need_local -= local
        self.need -= ordinary

    def complete(self) -> None:
        """Every word still wanted was found at once (an exact draw)."""
        self.need = self.need_local = 0

    def tally(self, tried: int, found: int, symbols: int) -> None:
        """Count mutation candidates: `tried`, `found` valid, `symbols` in their sources."""
        self.tried += tried
        self.found += found
        self.symbols += symbols

    def tally_local(self, tried: int, found: int) -> None:
        """Count candidates judged for the long-range quota: `tried`, `found` plausible."""
        self.tried_local += tried
        self.found_local += found

    def tally_non_members(self, tried: int, found: int) -> None:
        """Count random non-members of the cell's length: `tried`, `found` its near misses."""
        self.non_tried += tried
        self.non_found += found

    def rate(self) -> float:
        """Estimated success rate of one candidate (with the prior :data:`PRIOR`)."""
        return (self.found + PRIOR[0]) / (self.tried + PRIOR[1])

    def mean_length(self) -> float:
        """Mean length of the sources tried (the cell's length before any was tried)."""
        if self.tried:
            return self.symbols / self.tried
        return float(self.length) if self.length is not None else 0.0

    def rate_local(self) -> float:
        """Estimated rate of locally plausible near misses (prior :data:`PRIOR_LOCAL`)."""
        return (self.found_local + PRIOR_LOCAL[0]) / (self.tried_local + PRIOR_LOCAL[1])


class Request:
    """Candidates one cell asks for in a round: ordinary, or aimed at long-range words.

    Candidates are pooled per round; each row remembers the index of its
    request, so that the request, its cell and whether it was aimed can be
    read back (see ``NearMissGenerator.fill``). ``drawn`` holds the
    request's (words, members, positions) when a pair product drew them
    ahead of the round, and ``sources`` the members it mutates when they
    were drawn ahead of the round.
    """

    __slots__ = ("cell", "count", "aimed", "drawn", "sources")

    def __init__(self, cell: Cell, count: int, aimed: bool) -> None:
        self.cell, self.count, self.aimed = cell, count, aimed
        self.drawn: tuple | None = None
        self.sources: np.ndarray | None = None

    def __repr__(self) -> str:
        return f"Request(kind={self.cell.kind}, length={self.cell.length}, count={self.count}, " \
               f"aimed={self.aimed})"


def round_size(want: float, tried: int, mean_length: float = 0.0) -> int:
    """Candidates for a round that expects to need `want`, after `tried` so far.

    Words of `mean_length` symbols on average bound the round by
    :data:`MAX_ROUND_SYMBOLS`.

    Examples
    --------
    >>> round_size(100, 0), round_size(10_000, 0), round_size(10_000, 4096)
    (137, 2048, 10532)
    >>> round_size(10_000, 4096, mean_length=36_000)
    116
    """
    bound = min(MAX_ROUND, max(1, int(MAX_ROUND_SYMBOLS // (mean_length + 1))))
    return int(min(want * ROUND_MARGIN + ROUND_EXTRA, max(PROBE, ROUND_GROWTH * tried), bound))


def split_evenly(n: int, slots: int, rng: np.random.Generator) -> np.ndarray:
    """`n` split into `slots` near-equal parts, the remainder given to random slots."""
    share = np.full(slots, n // slots)
    share[rng.permutation(slots)[: n % slots]] += 1
    return share


def give(cell: Cell, count: int, long_range: float) -> None:
    """Add `count` words to the cell's quota, the fraction `long_range` of them long-range."""
    local = min(count, math.ceil(long_range * count - 1e-9))
    cell.need_local += local
    cell.need += count - local


def share(by_length: dict[int | None, list[Cell]], quotas: dict, long_range: float,
          rng: np.random.Generator) -> None:
    """Give each length its quota, split evenly over the kinds of that length."""
    for length, group in by_length.items():
        parts = split_evenly(int(quotas[length]), len(group), rng)
        for cell, part in zip(group, parts, strict=True):
            give(cell, int(part), long_range)


def review_local(cells: list[Cell], cell: Cell, spill: bool, rng: np.random.Generator) -> None:
    """Pass on the long-range quota of a cell (or its whole kind) that rarely meets it."""
    if not cell.need_local or cell.no_local:
        return
    # Judge a kind over all its lengths at once: a kind that never makes a locally
    # plausible word at one length rarely does at the next.
    same = [c for c in cells if c.kind == cell.kind]
    tried = sum(c.tried_local for c in same)
    found = sum(c.found_local for c in same)
    hopeless = found == 0 and tried >= GIVE_UP_LOCAL_PROBES * PROBE
    poor = (cell.tried_local >= JUDGE_LOCAL_PROBES * PROBE
            and cell.found_local < MIN_LONG_RANGE_RATE * cell.tried_local)
    if hopeless or poor:
        for c in same if hopeless else [cell]:
            if not c.no_local:
                c.no_local = True
                pass_local(cells, c, spill, rng)


def pass_local(cells: list[Cell], cell: Cell, spill: bool, rng: np.random.Generator) -> None:
    """Hand a cell's long-range quota to cells that may still meet it (same length first).

    The kinds that can make locally plausible words then make more of them;
    when no cell can, the quota becomes ordinary near misses.
    """
    heirs = [c for c in cells if not c.no_local and c.length == cell.length]
    if not heirs and spill:
        heirs = [c for c in cells if not c.no_local]
    if not heirs:
        cell.need += cell.need_local
    else:
        for heir, part in zip(heirs, split_evenly(cell.need_local, len(heirs), rng),
                              strict=True):
            heir.need_local += int(part)
    cell.need_local = 0


def drop(cells: list[Cell], cell: Cell, spill: bool, rng: np.random.Generator) -> bool:
    """Remove a cell that cannot succeed; its quota goes to the live cells (same length first).

    Without `spill`, a length whose cells all fail simply yields fewer words.
    Returns False when no cell is left to take the quota that had to be passed on.
    """
    cells.remove(cell)
    heirs = [c for c in cells if c.length == cell.length]
    if not heirs and spill:
        heirs = cells
        if not heirs:
            return False
    if heirs:
        parts = split_evenly(cell.wanted, len(heirs), rng)
        for heir, part in zip(heirs, parts, strict=True):
            heir.need += int(part)
    return True
