"""What a search checks: every word up to one length, then members and near misses only.

The words are those of a *scope automaton*: the product of the grammar's
DFA and its near-miss automaton (:func:`grammar.negatives.near_miss_dfa`),
read over the verifier's alphabet. Each state says what a word ending there
is (a member, a near miss, or another non-member) and how far the nearest
member or near miss is, so the trie walk prunes every prefix that cannot
reach one within the length left.

Up to the *exhaustive length* every word is checked; beyond it, up to
``max_length``, the members and the near misses. The number of trie nodes
(network steps) that a choice costs is known exactly before the walk, so the
exhaustive length can be fitted to a time budget. Counts are exact below
2**53 and saturate there (:mod:`~neural.judge.search.counts`), at any length up
to the longest allowed (100,000).

Examples
--------
>>> from grammar import library
>>> scope = Scope.build(library.tomita(1), ("0", "1"))      # 1*
>>> [scope.nodes(max_length=3, exhaustive=n) for n in range(4)]
[10, 10, 11, 15]
>>> scope.totals(3)
{'member': 1, 'near_miss': 3, 'other': 4}
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grammar import Grammar, GrammarError
from grammar.negatives.automaton import MAX_STATES, near_miss_dfa_or_none
from grammar.negatives.kinds import KINDS
from neural.judge.search.counts import COUNT_CAP, Layers, layers

__all__ = ["Scope", "KIND_NAMES", "OTHER", "MEMBER", "NEAR_MISS", "COUNT_CAP"]

OTHER, MEMBER, NEAR_MISS = 0, 1, 2
#: The kinds of word a search checks, by code.
KIND_NAMES = ("other", "member", "near_miss")


@dataclass(frozen=True)
class Scope:
    """The scope automaton of a grammar over a verifier's alphabet.

    Attributes
    ----------
    alphabet : tuple of str
        The symbols the walk reads (the verifier's).
    table : numpy.ndarray
        int64 ``(n_states, len(alphabet))`` transitions.
    kind : numpy.ndarray
        int8 kind code per state (:data:`OTHER`, :data:`MEMBER`, :data:`NEAR_MISS`).
    reach : numpy.ndarray
        int64 fewest symbols from each state to a member or near miss
        (a large number where none can be reached).
    start : int
    near_misses : bool
        False when the near-miss automaton was too large to build (within
        the bound given): then beyond the exhaustive length only members
        are checked.
    grammar_dfa : Any
        The grammar's DFA (its ``count`` gives the exact members per length).
    near_miss_dfa : Any
        The near-miss DFA, or None.
    """

    alphabet: tuple[str, ...]
    table: np.ndarray
    kind: np.ndarray
    reach: np.ndarray
    start: int
    near_misses: bool
    grammar_dfa: Any
    near_miss_dfa: Any
    _last: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def build(cls, g: Grammar, alphabet: Sequence[str],
              max_states: int = MAX_STATES) -> Scope:
        """The scope automaton of `g`, read over `alphabet`.

        Without a near-miss automaton of at most `max_states` states,
        :attr:`near_misses` is False.

        Raises
        ------
        GrammarError
            If the grammar has a symbol outside `alphabet`: every member that
            uses it would be rejected unread.
        """
        alphabet = tuple(alphabet)
        missing = [s for s in g.alphabet if s not in alphabet]
        if missing:
            raise GrammarError(
                f"grammar {g.name or 'grammar'!r} has symbol {missing[0]!r}, which the "
                f"verifier cannot read (its alphabet: {', '.join(alphabet)})"
            )
        gd = g.dfa
        nm = near_miss_dfa_or_none(g, KINDS, max_states)
        g_cols = [gd.alphabet.index(s) if s in gd.alphabet else -1 for s in alphabet]
        n_cols = ([nm.alphabet.index(s) if s in nm.alphabet else -1 for s in alphabet]
                  if nm is not None else None)
        # Breadth-first over reachable (grammar state, near-miss state) pairs; -1 is "gone".
        start_pair = (gd.start, nm.start if nm is not None else -1)
        index = {start_pair: 0}
        pairs = [start_pair]
        rows: list[list[Any]] = []
        queue = deque([start_pair])
        while queue:
            a, b = queue.popleft()
            row: list[Any] = []
            for gc, nc in zip(g_cols, n_cols or [-1] * len(alphabet), strict=True):
                pair = (int(gd.table[a, gc]) if gc >= 0 and a >= 0 else -1,
                        int(nm.table[b, nc]) if nm is not None and nc >= 0 and b >= 0 else -1)
                if pair not in index:
                    index[pair] = len(pairs)
                    pairs.append(pair)
                    queue.append(pair)
                row.append(index[pair])
            rows.append(row)
        table = np.asarray(rows, dtype=np.int64).reshape(len(pairs), len(alphabet))
        kind = np.zeros(len(pairs), dtype=np.int8)
        for i, (a, b) in enumerate(pairs):
            if a >= 0 and gd.accepting[a]:
                kind[i] = MEMBER
            elif nm is not None and b >= 0 and nm.accepting[b]:
                kind[i] = NEAR_MISS
        return cls(alphabet, table, kind, _reach(table, kind != OTHER), 0, nm is not None,
                   gd, nm)

    @property
    def n_states(self) -> int:
        return int(self.table.shape[0])

    def layers(self, max_length: int, shallow: bool = False) -> Layers:
        """The counts of one capped pass to `max_length` (:func:`~.counts.layers`).

        The last pass is kept, so that planning a walk and reporting on it
        count once.
        """
        kept = self._last.get("layers")
        if (kept is None or kept[0] != max_length or (shallow and kept[1].shallow is None)):
            counted = layers(self.table, self.kind, self.reach, self.start, max_length, shallow)
            self._last["layers"] = kept = (max_length, counted)
        return kept[1]

    def layer_counts(self, max_length: int, exhaustive: int) -> np.ndarray:
        """Trie nodes at each depth ``0..max_length`` (float64, capped at :data:`COUNT_CAP`)."""
        counted = self.layers(max_length)
        out = counted.kept.copy()
        out[1 : exhaustive + 1] = counted.every[1 : exhaustive + 1]
        return out

    def nodes(self, max_length: int, exhaustive: int) -> int:
        """Network steps (trie nodes, the root included) of a walk; at most :data:`COUNT_CAP`.

        Examples
        --------
        >>> from grammar import library
        >>> Scope.build(library.parity(), ("0", "1")).nodes(max_length=4, exhaustive=4)
        31
        >>> Scope.build(library.parity(), ("0", "1")).nodes(100_000, 0) == COUNT_CAP
        True
        """
        return int(min(self.layer_counts(max_length, exhaustive).sum(), COUNT_CAP))

    def totals(self, length: int) -> dict[str, int]:
        """Numbers of words of `length` of each kind, exact below :data:`COUNT_CAP`.

        A number equal to the cap means at least that many.

        Examples
        --------
        >>> from grammar import library
        >>> Scope.build(library.parity(), ("0", "1")).totals(4)
        {'member': 8, 'near_miss': 8, 'other': 0}
        """
        row = self.kind_counts(length)[length]
        return {KIND_NAMES[code]: int(row[code]) for code in (MEMBER, NEAR_MISS, OTHER)}

    def kind_counts(self, max_length: int) -> np.ndarray:
        """int64 ``(max_length + 1, 3)``: words per length and kind code, capped.

        Examples
        --------
        >>> from grammar import library
        >>> Scope.build(library.tomita(1), ("0", "1")).kind_counts(2).tolist()
        [[0, 1, 0], [0, 1, 1], [1, 1, 2]]
        """
        kept = self._last.get("layers")
        counted = kept[1] if kept is not None and kept[0] >= max_length else self.layers(
            max_length)
        return counted.by_kind[: max_length + 1].astype(np.int64)

    def shallow_nodes(self, cap: int) -> np.ndarray:
        """float64 ``(cap + 1,)``: the trie nodes of a walk with exhaustive length 0 to each
        `max_length` up to `cap` (capped at :data:`COUNT_CAP`).

        Examples
        --------
        >>> from grammar import library
        >>> scope = Scope.build(library.tomita(1), ("0", "1"))
        >>> scope.shallow_nodes(3).tolist() == [scope.nodes(n, 0) for n in range(4)]
        True
        """
        return self.layers(cap, shallow=True).shallow

    def split_depth(self, max_length: int, exhaustive: int, world: int) -> int:
        """The shallowest depth with enough trie nodes to deal `world` ranks a fair share.

        Sixteen nodes per rank or more, so that uneven subtrees even out;
        `max_length` when no depth has that many (1 at least).

        Examples
        --------
        >>> from grammar import library
        >>> Scope.build(library.parity(), ("0", "1")).split_depth(10, 10, world=2)
        5
        """
        counts = self.layer_counts(max_length, exhaustive)
        for depth in range(1, max_length + 1):
            if counts[depth] >= 16 * world:
                return depth
        return max(1, max_length)

    def fit(self, max_length: int, steps: float) -> int:
        """The largest exhaustive length whose walk takes at most `steps` network steps.

        Returns -1 when even the members and near misses alone take more.

        Examples
        --------
        >>> from grammar import library
        >>> Scope.build(library.tomita(1), ("0", "1")).fit(max_length=3, steps=10)
        1
        """
        counted = self.layers(max_length)
        # nodes(max_length, n) for every n: every word to depth n, the kept ones beyond.
        deeper = np.concatenate([np.cumsum(counted.kept[::-1])[::-1][1:], [0.0]])
        walks = np.cumsum(counted.every) + deeper
        over = np.flatnonzero(walks > steps)
        return int(over[0]) - 1 if len(over) else max_length


def _reach(table: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Fewest steps from each state to a target state (backward breadth-first)."""
    far = np.iinfo(np.int64).max // 4
    reach = np.where(target, 0, far).astype(np.int64)
    frontier = target.copy()
    step = 0
    while frontier.any():
        step += 1
        # A state is one step further when some symbol leads into the frontier.
        hit = frontier[table].any(axis=1) & (reach == far)
        reach[hit] = step
        frontier = hit
    return reach
