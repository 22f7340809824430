"""The pair products of one near-miss call: what was built, what failed, how the draws fared.

One :class:`PairBook` serves one call of :func:`grammar.negatives.near_misses`
(it belongs to its :class:`~grammar.negatives.generator.NearMissGenerator`).
For each kind of edit it holds the pair product built for it
(:mod:`grammar.negatives.pairs`), the budget of its last failed build,
whether the kind was retired (its draws never pass the checks), and the
tally of its draws so far. Only its own methods change that state:
:meth:`~PairBook.plan` builds, :meth:`~PairBook.retire` retires and
:meth:`~PairBook.count` tallies.

Examples
--------
>>> from grammar import library
>>> from grammar.negatives.kinds import INSERT
>>> book = PairBook(library.tomita(1).dfa, top=6)     # 1*
>>> book.plan(INSERT, budget=10_000, largest=1 << 25)
>>> book.serving(INSERT).count(4)                     # a 0 put into 111
4
>>> book.count(INSERT, drawn=9, passed=8)
>>> book.counts(INSERT), book.pair_yield(INSERT)
((9, 8, 0), 0.9)
>>> book.retire(INSERT)
>>> book.serving(INSERT) is None, book.built(INSERT) is not None
(True, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from grammar.negatives.automaton import RETRY_GROWTH
from grammar.negatives.pairs import EditPairs, edit_pairs

if TYPE_CHECKING:
    from grammar.automaton import DFA

__all__ = ["PairBook"]


class PairBook:
    """The pair products of one call, one per kind of edit, and the tally of their draws.

    Parameters
    ----------
    dfa : DFA
        The grammar's automaton.
    top : int
        The longest near miss asked for: products are counted up to it.
    """

    def __init__(self, dfa: DFA, top: int) -> None:
        self.dfa, self.top = dfa, top
        self._built: dict[int, EditPairs | None] = {}  # None: the last build failed
        self._failed_budget: dict[int, int] = {}  # the last budget a kind's build failed with
        self._retired: set[int] = set()  # kinds whose pair draws never pass the checks
        self._tally: dict[int, list[int]] = {}  # drawn, passed, locally plausible

    def built(self, kind: int) -> EditPairs | None:
        """The product built for `kind`, retired or not (None if none was)."""
        return self._built.get(kind)

    def serving(self, kind: int) -> EditPairs | None:
        """The product that draws the words of `kind`: built, and not retired."""
        return None if kind in self._retired else self._built.get(kind)

    def retired(self, kind: int) -> bool:
        """Whether `kind` went back to mutation: its pair draws never passed the checks."""
        return kind in self._retired

    def plan(self, kind: int, budget: int, largest: int) -> None:
        """Build the product of `kind` within `budget` entries, unless a build already failed
        with a budget not :data:`~grammar.negatives.automaton.RETRY_GROWTH` times smaller
        (below `largest`, the largest budget, which is tried whatever failed before).

        What is cached on the DFA is served only where the same budget would
        build it (:func:`~grammar.negatives.pairs.edit_pairs`), so the words
        depend on the call alone.
        """
        failed = self._failed_budget.get(kind, 0)
        if budget <= failed or (budget < RETRY_GROWTH * failed and budget < largest):
            return  # failed with a budget not much smaller: not worth another try
        built = self._built[kind] = edit_pairs(self.dfa, kind, self.top, budget)
        if built is None:
            self._failed_budget[kind] = budget

    def retire(self, kind: int) -> None:
        """Send `kind` back to mutation: its pair draws never pass the checks."""
        self._retired.add(kind)

    def count(self, kind: int, drawn: int, passed: int, plausible: int = 0) -> None:
        """Tally pair draws of `kind`: how many were drawn, passed, and locally plausible."""
        tally = self._tally.setdefault(kind, [0, 0, 0])
        tally[0] += drawn
        tally[1] += passed
        tally[2] += plausible

    def counts(self, kind: int) -> tuple[int, int, int]:
        """The pair draws of `kind` so far: (drawn, passed, locally plausible)."""
        drawn, passed, plausible = self._tally.get(kind, (0, 0, 0))
        return drawn, passed, plausible

    def pair_yield(self, kind: int) -> float:
        """The share of pair draws of `kind` that passed the checks so far (optimistic).

        Only a kind whose words may need two edits to undo (a transposition)
        can fail: the others leave the language by construction.
        """
        drawn, passed, _ = self.counts(kind)
        return (passed + 1) / (drawn + 1)

    # -- read-only views ------------------------------------------------------------------------

    @property
    def products(self) -> Mapping[int, EditPairs | None]:
        """Kind -> the product built for it (None where the last build failed), read-only."""
        return MappingProxyType(self._built)

    @property
    def failed_budgets(self) -> Mapping[int, int]:
        """Kind -> the budget its last failed build had, read-only."""
        return MappingProxyType(self._failed_budget)

    @property
    def retired_kinds(self) -> frozenset[int]:
        """The kinds retired so far."""
        return frozenset(self._retired)

    @property
    def tallies(self) -> Mapping[int, tuple[int, int, int]]:
        """Kind -> :meth:`counts`, for every kind drawn so far."""
        return MappingProxyType({kind: self.counts(kind) for kind in self._tally})
