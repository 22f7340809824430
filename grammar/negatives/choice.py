"""For each cell of near misses: go on mutating members, count edit pairs, draw exactly, or
give up.

Mutation is cheap per candidate, but a kind whose edits rarely leave the
language needs many candidates. Two exact alternatives count instead:

- the pair product (:mod:`grammar.negatives.pairs`) counts the (member,
  edit) pairs that make near misses and draws them from the same
  distribution as mutation, without the failures. Before each round,
  :func:`plan_pairs` builds it for a kind of edit (one build serves all
  lengths) when going on mutating is estimated to cost more than counting
  it, within that cost;
- the near-miss automaton (:mod:`grammar.negatives.automaton`), whose size
  is not known before it is built, draws uniformly among the near misses.

After each round, a cell that rarely succeeds is reviewed, comparing
estimates of the costs in element operations:

- going on mutating: the words still wanted, divided by the observed success
  rate, times the word length and the alphabet (unranking a member reads k
  counts per symbol);
- the exact draw: the counting tables (automaton states x symbols x
  lengths, with a penalty where counts need Python ints) and the build
  (a Python subset construction, a few hundred times slower per transition).

The automaton is built only within the number of states that keeps its cost
below both a fixed memory budget and the cost of going on mutating; a build
that fails is remembered on the DFA (never retried with the same bound).
Counting never goes past the longest length a requested word has.

Examples
--------
>>> exact_state_budget(k=4, top=29, big_integers=False)
34952
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from grammar.automaton import INT64_SAFE
from grammar.codes import dfa_live
from grammar.negatives.automaton import (
    MAX_STATES,
    build_failed,
    near_miss_dfa_or_none,
)
from grammar.negatives.drawn import probe_non_members
from grammar.negatives.kinds import GROWTH, KINDS
from grammar.negatives.pairs import EditPairs, countable_length, edit_pairs
from grammar.negatives.quotas import MIN_RATE, PRIOR, PROBE, ROUND_GROWTH, Cell, review_local
from grammar.ranking import count_table, member_lengths
from grammar.walks import walk_codes

if TYPE_CHECKING:
    from grammar.automaton import DFA
    from grammar.negatives.generator import NearMissGenerator

__all__ = [
    "BIG_INTEGER_PENALTY",
    "BUILD_COST",
    "CANDIDATE_OVERHEAD",
    "COUNT_BUDGET",
    "MUTATION_BUDGET_PROBES",
    "NON_MEMBER_PROBE",
    "PAIR_BUDGET",
    "PAIR_DRAW_COST",
    "PAIR_ENTRY_COST",
    "Decision",
    "exact_state_budget",
    "pairs_pay",
    "plan_pairs",
    "review",
]

#: Entries (states x symbols x lengths) the counting tables of one exact draw may hold.
COUNT_BUDGET = 1 << 22
#: Entries (pairs x symbols x lengths) the pair product of one kind may count, at most.
PAIR_BUDGET = 1 << 25
#: One entry of the pair product's build, in the element operations of mutation (measured:
#: about 60 ns against 4 ns on 64 symbols; a failed build costs about its budget).
PAIR_ENTRY_COST = 4
#: One entry (a symbol, times the alphabet plus one) of a pair draw, in the element
#: operations of mutation (measured: a pair draw of 30 symbols costs 15 to 40 mutation
#: candidates on the Reber grammars, up to 240 on 64 symbols).
PAIR_DRAW_COST = 64
#: Counts past int64 are Python ints: this many times dearer in time and memory.
BIG_INTEGER_PENALTY = 16
#: One transition of the automaton's build (Python), in element operations of numpy.
BUILD_COST = 1000
#: Per symbol of a mutation candidate, element operations besides the k of unranking.
CANDIDATE_OVERHEAD = 16
#: Random non-members tried to estimate how often they are near misses of a cell.
NON_MEMBER_PROBE = 256
#: Without an automaton, a cell that never succeeded is given up after this many probes.
MUTATION_BUDGET_PROBES = 512


class Decision:
    """What the review of a cell decided.

    ``"mutate"`` (go on), ``"exact"`` (draw from the automaton `nm`, one word
    of each of `lengths`), ``"pairs"`` (draw from the counted pairs `pairs`,
    one word of each of `lengths`), ``"non_members"`` (draw uniform
    non-members and keep the near misses, at most `candidates` of them) or
    ``"drop"``.
    """

    __slots__ = ("action", "nm", "lengths", "candidates", "pairs")

    def __init__(self, action: str, nm: DFA | None = None,
                 lengths: np.ndarray | None = None, candidates: int = 0,
                 pairs: EditPairs | None = None) -> None:
        self.action, self.nm, self.lengths, self.candidates = action, nm, lengths, candidates
        self.pairs = pairs


def exact_state_budget(k: int, top: int, big_integers: bool) -> int:
    """The most automaton states whose counting tables up to length `top` fit the budget."""
    entries = max(k, 1) * (top + 1) * (BIG_INTEGER_PENALTY if big_integers else 1)
    return min(MAX_STATES, COUNT_BUDGET // entries)


def review(gen: NearMissGenerator, cells: list[Cell], cell: Cell) -> Decision:
    """After a round: pass on long-range quotas the cell cannot meet, then decide its fate.

    A cell already drawn exactly stays exact (its automaton is cached) while
    it gets quota passed on from others.
    """
    if cell.impossible:
        return Decision("drop")
    review_local(cells, cell, gen.spill, gen.rng)
    if not cell.wanted:
        return Decision("mutate")
    if gen.pairs_for(cell) is not None:
        # Drawn from counted pairs: judged by how many of those passed, not by mutation.
        drawn, passed, _ = gen.book.counts(cell.kind)
        if passed or drawn < PROBE:
            return Decision("mutate")
        gen.book.retire(cell.kind)  # transpositions that never pass: back to mutation
    # A kind fares alike at neighbouring lengths: judge it on all its cells together.
    same = [c for c in cells if c.kind == cell.kind]
    tried, found = sum(c.tried for c in same), sum(c.found for c in same)
    if not cell.exact and (tried < PROBE or found >= max(MIN_RATE * tried, 1)):
        return Decision("mutate")
    k, kind = gen.k, (KINDS[cell.kind],)
    if cell.length is not None:
        lengths = np.full(cell.wanted, cell.length)
    else:
        # The words follow the lengths of walks: draw those lengths now.
        walks = walk_codes(gen.g, cell.wanted, gen.rng)
        lengths = np.count_nonzero(walks, axis=1) + int(GROWTH[cell.kind])
    top = max(int(lengths.max(initial=0)), 1)
    rate = (found + 1) / (tried + 1)  # optimistic while nothing was found
    mutating = cell.wanted / rate * top * (k + CANDIDATE_OVERHEAD)
    if cell.length is not None and gen.dfa.n_states * k * (top + 1) <= COUNT_BUDGET:
        # The other exact draw: uniform non-members of the length, kept when near misses.
        if cell.non_tried < NON_MEMBER_PROBE:
            probe_non_members(gen, cell, NON_MEMBER_PROBE)
        non_rate = (cell.non_found + 1) / (cell.non_tried + 2)
        per_candidate = top * (k + gen.dfa.n_states + CANDIDATE_OVERHEAD)
        drawing = cell.wanted / non_rate * per_candidate
        if cell.non_found and drawing < mutating:
            return Decision("non_members", candidates=int(ROUND_GROWTH * cell.wanted / non_rate
                                                          + NON_MEMBER_PROBE))
    if cell.length is None and not gen.book.retired(cell.kind):
        by_pairs = _pairs_at_walk_lengths(gen, cell, lengths, mutating)
        if by_pairs is not None:
            return by_pairs
    big = top * math.log2(max(k, 1)) >= math.log2(INT64_SAFE)
    counting = exact_state_budget(k, top, big)
    budget = min(counting, int(mutating // (k * BUILD_COST)))
    nm = None
    if budget > 0 and not build_failed(gen.g, kind, budget):
        nm = near_miss_dfa_or_none(gen.g, kind, max_states=budget)
    if nm is not None:
        if not dfa_live(nm)[nm.start]:
            return Decision("drop")  # no near miss of this kind at any length
        possible = _possible_lengths(nm, lengths, counting)
        if possible is not None:
            return Decision("exact", nm, possible)
        if cell.length is not None and nm.n_states <= counting:
            return Decision("drop")  # none of this kind at the cell's length
    if cell.found or tried < MUTATION_BUDGET_PROBES * PROBE:
        return Decision("mutate")  # keep mutating, within a budget
    return Decision("drop")


def _pairs_at_walk_lengths(gen: NearMissGenerator, cell: Cell, lengths: np.ndarray,
                           mutating: float) -> Decision | None:
    """Draw a walk-length cell from the counted pairs, when mutating costs more than that.

    One word at each of `lengths` (the lengths of fresh walks): a uniform
    member of that length and one uniform edit of it that leaves the
    language. Lengths past what float64 counts reach
    (:func:`~grammar.negatives.pairs.countable_length`), or with no near miss
    of the kind, move to the nearest length that has one. None when the
    pairs cannot be counted within the cost of mutating.
    """
    wanted = np.minimum(lengths, countable_length(gen.k))
    top = int(wanted.max(initial=0))
    budget = int(min(mutating / PAIR_ENTRY_COST, PAIR_BUDGET))
    pairs = edit_pairs(gen.dfa, cell.kind, top, budget) if budget > 0 else None
    if pairs is None:
        return None
    possible = np.array([size for size in range(top + 1) if pairs.possible(size)], dtype=int)
    if not possible.size:
        return None
    chosen = possible[np.abs(possible[None, :] - wanted[:, None]).argmin(axis=1)]
    return Decision("pairs", lengths=chosen, pairs=pairs)


def _possible_lengths(nm: DFA, lengths: np.ndarray, states_budget: int) -> np.ndarray | None:
    """Each length, or the nearest one no longer than the longest asked that has near misses.

    Counting stops at the longest length asked for; None when no length up
    to it has a near miss, or when the automaton is too large to count on.
    """
    if nm.n_states > states_budget:
        return None
    top = int(lengths.max(initial=0))
    possible = member_lengths(count_table(nm, top), 0, top, nm.start)
    if possible.size == 0:
        return None
    # Lengths with no near miss of this kind move to the nearest length that has one.
    return possible[np.abs(possible[None, :] - lengths[:, None]).argmin(axis=1)]


def pairs_pay(rate: float, k: int) -> bool:
    """Whether drawing a near miss from the pairs costs less than finding one by mutation.

    A pair draw costs about ``(k + 1) * PAIR_DRAW_COST`` element operations a
    symbol (a weighted choice among the next symbols, with Python-level steps);
    a mutation candidate about ``k + CANDIDATE_OVERHEAD``, and ``1 / rate`` of
    them find one word. On the Reber grammars, where one edit in three or more
    leaves the language, mutation is the cheaper way by far.

    Examples
    --------
    >>> pairs_pay(0.4, k=7), pairs_pay(0.001, k=7), pairs_pay(0.1, k=64)
    (False, True, False)
    """
    return (k + CANDIDATE_OVERHEAD) / rate > (k + 1) * PAIR_DRAW_COST


def plan_pairs(gen: NearMissGenerator, cells: list[Cell]) -> None:
    """Count the pair product of each kind whose mutation looks dearer than that.

    Only where mutation's success rate is low enough that a pair draw, for all
    its cost per symbol, is cheaper per word (:func:`pairs_pay`).

    Going on mutating costs about ``wanted / rate * length * (k + 16)``
    element operations (times :data:`BIG_INTEGER_PENALTY` where members
    are counted with Python ints), the success rate judged on the kind's
    candidates so far (so a first round of mutation comes first). The pair
    product is built within as many entries as that cost pays for (each
    :data:`PAIR_ENTRY_COST` operations, at most :data:`PAIR_BUDGET` entries);
    a failed build is remembered, and tried again only with a budget
    :data:`~grammar.negatives.automaton.RETRY_GROWTH` times larger (or the
    largest; see :meth:`PairBook.plan <grammar.negatives.pair_book.PairBook.plan>`).
    """
    by_kind: dict[int, list[Cell]] = {}
    for cell in cells:
        if cell.length is not None and cell.wanted and not cell.exact:
            by_kind.setdefault(cell.kind, []).append(cell)
    big = gen.top * np.log2(max(gen.k, 2)) >= 62
    for kind, group in by_kind.items():
        tried, found = sum(c.tried for c in group), sum(c.found for c in group)
        if gen.book.built(kind) is not None or not tried:
            continue  # built; or no candidate tried yet to judge mutation by
        rate = (found + PRIOR[0]) / (tried + PRIOR[1])
        if not pairs_pay(rate, gen.k):
            continue  # a word found by mutation costs less than one drawn from the pairs
        wanted = sum(c.wanted for c in group)
        cost = (wanted / rate * gen.top * (gen.k + CANDIDATE_OVERHEAD)
                * (BIG_INTEGER_PENALTY if big else 1))
        gen.book.plan(kind, int(min(cost / PAIR_ENTRY_COST, PAIR_BUDGET)), PAIR_BUDGET)
