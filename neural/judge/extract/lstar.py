"""Angluin's L* observation table, with membership queries asked in batches.

The table holds access words ``S`` (prefix-closed, pairwise distinguished),
their one-symbol extensions, and distinguishing suffixes ``E``. Every cell
missing after a change is collected and asked in one call of the oracle, so
a round of L* costs one network call, not one per word.

Counterexamples are handled as Maler and Pnueli (1995) do: every suffix of
the counterexample joins ``E``. The rows of ``S`` then stay pairwise
distinct, so the table is always consistent and only closedness needs
checking.

Examples
--------
>>> from grammar import library
>>> g = library.tomita(2)                         # (10)*
>>> table = Table(g.alphabet, lambda words: g.accepts_many(["".join(w) for w in words]))
>>> table.close()
True
>>> first = table.hypothesis()
>>> word = g.counterexample(first)                  # the exact grammar as the teacher
>>> word, first.accepts(word), g.accepts(word)
('10', False, True)
>>> table.add_counterexample(tuple(word))
>>> table.close()
True
>>> table.hypothesis() == g, table.queries, table.batches
(True, 15, 4)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from grammar import Grammar

__all__ = ["Table"]

Word = tuple[str, ...]


class Table:
    """An L* observation table over `alphabet`.

    Parameters
    ----------
    alphabet : sequence of str
    member : callable
        Takes a list of words (tuples of symbols) and returns their
        membership as a bool array: one batched call per fill.

    Attributes
    ----------
    queries : int
        Distinct words asked.
    batches : int
        Calls of `member`.
    """

    def __init__(self, alphabet: Sequence[str], member: Callable[[list[Word]], Any]) -> None:
        self.alphabet = tuple(alphabet)
        self._member = member
        self.access: list[Word] = [()]
        self.suffixes: list[Word] = [()]
        self._known: dict[Word, bool] = {}
        self.queries = 0
        self.batches = 0

    # -- membership -------------------------------------------------------------

    def ask(self, words: Sequence[Word]) -> None:
        """Ask the oracle about every word not known yet, in one call."""
        missing = list(dict.fromkeys(w for w in words if w not in self._known))
        if not missing:
            return
        answers = np.asarray(self._member(missing), dtype=bool)
        if answers.shape != (len(missing),):
            raise ValueError(f"the membership oracle answered {answers.shape} for "
                             f"{len(missing)} words")
        self._known.update(zip(missing, answers.tolist(), strict=True))
        self.queries += len(missing)
        self.batches += 1

    def member(self, word: Word) -> bool:
        """The oracle's answer for `word` (asked now if it is new)."""
        self.ask([word])
        return self._known[word]

    def row(self, word: Word) -> tuple[bool, ...]:
        """The row of `word`: its answers after every suffix in ``E`` (all known)."""
        return tuple(self._known[word + e] for e in self.suffixes)

    # -- the algorithm ------------------------------------------------------------

    def _fill(self) -> None:
        rows = self.access + [s + (a,) for s in self.access for a in self.alphabet]
        self.ask([s + e for s in rows for e in self.suffixes])

    def close(self, limit: int | None = None) -> bool:
        """Extend ``S`` until every one-symbol extension's row is the row of an access word.

        Returns False when ``S`` would grow past `limit` states (then it stops).
        """
        while True:
            self._fill()
            seen = {self.row(s) for s in self.access}
            added = False
            for s in list(self.access):
                for a in self.alphabet:
                    row = self.row(s + (a,))
                    if row not in seen:
                        seen.add(row)
                        self.access.append(s + (a,))
                        added = True
            if not added:
                return True
            if limit is not None and len(self.access) > limit:
                self._fill()
                return False

    def add_counterexample(self, word: Word) -> None:
        """Add every suffix of `word` to ``E`` (Maler and Pnueli)."""
        known = set(self.suffixes)
        for i in range(len(word)):
            suffix = word[i:]
            if suffix not in known:
                known.add(suffix)
                self.suffixes.append(suffix)

    def hypothesis(self, name: str | None = None) -> Grammar:
        """The DFA of a closed table, as a :class:`~grammar.Grammar`.

        One state per access word; reading `a` from the state of `s` leads to
        the access word with the row of ``s + a``.
        """
        index = {self.row(s): i for i, s in enumerate(self.access)}
        edges = [(i, index[self.row(s + (a,))], a)
                 for i, s in enumerate(self.access) for a in self.alphabet]
        accepting = [i for i, s in enumerate(self.access) if self._known[s]]
        return Grammar.from_edges(edges, start=0, accepting=accepting, name=name,
                                  empty=not accepting)
