"""Near misses drawn exactly from the (member, edit) pairs that make them, by counting.

Mutation draws a uniform member u of a length, applies a uniformly random
edit of one kind (position, and symbol where there is one) and keeps the
result w when the grammar rejects it. The words it keeps are therefore
uniform among the *valid pairs*: (u, edit) with u a member and w rejected.
This module draws from that same distribution without rejection, however
rarely an edit leaves the language, by counting the valid pairs on the
*pair product*: u and w are read side by side, in one state s while they
agree (the diagonal), in a pair (p, q) after the edit (u in p, w in q),
reading the same symbols on both sides; a pair is valid when at its end p
accepts and q rejects. Each valid pair is exactly one path, so counting
paths counts pairs, and a path drawn in proportion to the counts is a
uniform valid pair.

Only the pairs reachable after an edit from which u can still be accepted
and w rejected are built, and the build stops past a bound (the caller
remembers that). On the MLRegTest-like constructions they number about ten
times the states; on random DFAs the square, which is where mutation
succeeds often and is used instead.

Counts are float64 (exact below 2**53); draws are exact all the same, see
:mod:`grammar.weighted`; exact integer counts (int64 while they
fit, Python ints beyond) are made only if a close call ever needs them.

Examples
--------
>>> import numpy as np
>>> from grammar import library
>>> from grammar.negatives.kinds import INSERT
>>> pairs = EditPairs.build(library.tomita(1).dfa, INSERT, 4, budget=10_000)  # 1*
>>> pairs.count(4)                   # a 0 put into 111: 0111, 1011, 1101, 1110
4
>>> words, sources, positions = pairs.draw(4, 2, np.random.default_rng(0))
>>> words.tolist(), sources.tolist(), positions.tolist()       # codes: 1 = '0', 2 = '1'
([[2, 1, 2, 2], [2, 1, 2, 2]], [[2, 2, 2], [2, 2, 2]], [1, 1])
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from grammar.automaton import INT64_SAFE
from grammar.codes import cached, code_dtype, dfa_live
from grammar.errors import GrammarError
from grammar.minimize import reachable_states
from grammar.negatives.kinds import CONSUMED, edit_kind, mutate
from grammar.negatives.pair_tables import (
    MAX_FLOAT_BITS,
    add_counts,
    closure,
    countable_length,
    edits_of,
    float_fits,
    index_of,
    padded,
    rejective,
    segment_sums,
    step_sums,
)
from grammar.weighted import choose, float_error

if TYPE_CHECKING:
    from grammar.automaton import DFA

__all__ = ["CONSUMED", "MAX_FLOAT_BITS", "EditPairs", "countable_length", "edit_pairs"]


def edit_pairs(dfa: DFA, kind: Any, top: int, budget: int) -> EditPairs | None:
    """The :class:`EditPairs` of `kind` on `dfa` when they can be counted up to length `top`
    within `budget` entries (:meth:`EditPairs.cost`), else None.

    The answer depends on these arguments only: a product built earlier is
    cached on the DFA and served when it fits the budget, and a build known
    to fail (within at least this budget, for words at most this long) is
    not tried again.

    Examples
    --------
    >>> from grammar import library
    >>> from grammar.negatives.kinds import TRANSPOSE
    >>> edit_pairs(library.parity().dfa, TRANSPOSE, 10, 1000).count(6)   # swaps keep parity
    0
    """
    edit = edit_kind(kind)
    record = cached(dfa, f"edit_pairs:{edit.name}:{edit.reads}:{edit.writes}:{edit.distinct}",
                    dict)
    built = record.get("pairs")
    if built is not None:
        fits = built.cost(top) <= budget and float_fits(len(dfa.alphabet), top)
        return built if fits else None
    failed = record.get("failed")
    if failed is not None and budget <= failed[0] and top >= failed[1]:
        return None
    built = EditPairs.build(dfa, kind, top, budget)
    if built is None:
        record["failed"] = max((budget, top), failed or (0, 0))
    else:
        record["pairs"] = built
    return built


class EditPairs:
    """The pair product of one kind of edit on a DFA, and counts of its paths by length.

    Build it with :meth:`build`; :meth:`count` and :meth:`draw` then serve
    near misses of any length up to the `top` it was built for (more
    lengths are counted on demand).
    """

    def __init__(self, dfa: DFA, kind: Any, codes: np.ndarray, edits: tuple) -> None:
        self.dfa, self.kind, self.edit = dfa, kind, edit_kind(kind)
        self.n, self.k = dfa.n_states, len(dfa.alphabet)
        self.table = dfa.table.astype(np.intp)
        self.p, self.q = np.divmod(codes, self.n)
        m = len(codes)
        self.size, self.edit_cost = m, 0
        # Successor of each pair on each symbol; m is a slot that always counts 0.
        self.succ = index_of(codes, (self.table[self.p] * self.n + self.table[self.q]).ravel(),
                           ).reshape(m, self.k)
        # Edits, grouped by (diagonal state, pair): a group's options are interchangeable.
        self.e_state, self.e_pair, self.e_syms = edits
        keys = self.e_state * (m + 1) + self.e_pair
        order = np.argsort(keys, kind="stable")
        self.e_state, self.e_pair, self.e_syms = (self.e_state[order], self.e_pair[order],
                                                  self.e_syms[order])
        first = np.flatnonzero(np.diff(keys[order], prepend=-1))
        self.g_start = first
        self.g_size = np.diff(np.append(first, len(keys)))
        self.g_state, self.g_pair = self.e_state[first], self.e_pair[first]
        # Groups of each diagonal state: [by_state[s], by_state[s + 1]).
        self.by_state = np.searchsorted(self.g_state, np.arange(self.n + 1))
        self.widest = int(np.diff(self.by_state).max(initial=0))
        self.growth = math.log2(max(self.k, 2))
        self.error = 0.0
        self.tables: list[list[np.ndarray]] = [[], [], []]  # c, E, D (float64)
        self.stacked: tuple[np.ndarray, ...] = (np.zeros((0, 0)),) * 3
        self.exact: list[list[np.ndarray]] | None = None

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def build(cls, dfa: DFA, kind: Any, top: int, budget: int) -> EditPairs | None:
        """The pair product, or None when counting it up to length `top` would pass `budget`
        entries (pairs x symbols x lengths, or edits x 8), or could overflow float64."""
        n, k = dfa.n_states, len(dfa.alphabet)
        if not float_fits(k, top):
            return None
        table = dfa.table.astype(np.intp)
        live, bad = dfa_live(dfa), rejective(dfa)
        diagonal = np.flatnonzero(reachable_states(dfa.table, dfa.start) & live)
        edit_cost = diagonal.size * k ** len(edit_kind(kind).slots) * 8
        if edit_cost > budget:
            return None
        s, syms, p, q = edits_of(table, diagonal, kind)
        keep = (p != q) & live[p] & bad[q]
        s, syms, p, q = s[keep], syms[keep], p[keep], q[keep]
        max_pairs = budget // (max(k, 1) * (top + 1))
        codes = closure(table, np.unique(p * n + q), n, live, bad, max_pairs)
        if codes is None:
            return None
        built = cls(dfa, kind, codes, (s, index_of(codes, p * n + q), syms))
        built.edit_cost = edit_cost
        return built

    def cost(self, top: int) -> int:
        """Entries a build for lengths up to `top` counts: pairs x symbols x lengths, or the
        edits x 8 (whichever is more); the budget :meth:`build` compares."""
        return max(self.edit_cost, self.size * max(self.k, 1) * (top + 1))

    # -- counting -----------------------------------------------------------------------------

    def _extend(self, top: int, tables: list[list[np.ndarray]], exact: bool) -> None:
        """Grow `tables` (pairs c, edits E, diagonal D) to cover length `top`."""
        if not exact and not float_fits(self.k, top):
            raise GrammarError(f"near misses of length {top} over {self.k} symbols are too "
                               "many to count in float64")
        c, e, d = tables
        consumed = self.edit.consumed
        accepting = self.dfa.accepting
        while len(d) <= top:
            r = len(d)
            if r == 0:
                first = (accepting[self.p] & ~accepting[self.q]).astype(np.int64)
                c.append(first if exact else first.astype(np.float64))
            else:
                c.append(step_sums(c[-1], self.succ, exact))
            if r >= consumed:
                level = padded(c[r - consumed])
                if exact and level.dtype != object and int(level.max()) * int(
                        self.g_size.max(initial=1)) * max(self.g_size.size, 1) >= INT64_SAFE:
                    level = level.astype(object)
                here = self.g_size * level[self.g_pair]
                edits = segment_sums(here, self.by_state, exact)
            else:
                edits = np.zeros(self.n, dtype=np.int64 if exact else np.float64)
            e.append(edits)
            d.append(edits if r == 0 else add_counts(edits, step_sums(d[-1], self.table, exact)))
            if not exact:
                self.error = float_error(len(d), self.k + self.widest)

    def count(self, length: int) -> int:
        """The number of valid (member, edit) pairs whose near miss has `length` symbols.

        Exact: below 2**53 the float count is (every partial sum behind it is
        an integer no larger); past it, the exact tables are made.
        """
        self._extend(length, self.tables, exact=False)
        value = self.tables[2][length][self.dfa.start]
        if value < 2.0**53:
            return int(value)
        return int(self.exact_counts(length)[2][length][self.dfa.start])

    def possible(self, length: int) -> bool:
        """Whether some valid pair has a near miss of `length` symbols (float counts only:
        a float count is zero exactly when the exact one is)."""
        self._extend(length, self.tables, exact=False)
        return bool(self.tables[2][length][self.dfa.start] > 0)

    def exact_counts(self, length: int) -> list[list[np.ndarray]]:
        """The exact tables (pairs c, edits E, diagonal D; one array per length up to
        `length`), int64 while they fit and Python ints past it, made when first needed.

        Examples
        --------
        >>> from grammar import library
        >>> from grammar.negatives.kinds import INSERT
        >>> pairs = EditPairs.build(library.tomita(1).dfa, INSERT, 4, budget=10_000)
        >>> [int(level[0]) for level in pairs.exact_counts(4)[2]]   # a 0 put into 1**(r-1)
        [0, 1, 2, 3, 4]
        """
        if self.exact is None:
            self.exact = [[], [], []]
        self._extend(length, self.exact, exact=True)
        return self.exact

    # -- drawing ------------------------------------------------------------------------------

    def draw(self, length: int, m: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
        """`m` uniform valid pairs whose near misses have `length` symbols (some must).

        Returns the near misses and their members as codes, and the positions
        of the edits (as :func:`grammar.negatives.kinds.mutate` numbers them).
        The near misses are made from the members by that same function, so
        each is the claimed edit of its member whatever the walk did; that
        they are rejected, and the members accepted, is for the caller to check.
        """
        words, sources, positions = self.draw_lengths(np.full(m, length), rng)
        return words[:, :length], sources, positions

    def draw_lengths(self, lengths: np.ndarray, rng: np.random.Generator
                     ) -> tuple[np.ndarray, ...]:
        """One uniform valid pair for each of `lengths` (of its near miss), all in one walk.

        As :meth:`draw`, with rows 0-padded to the longest: a round that
        needs words of many lengths pays for the steps of the longest alone.
        """
        lengths = np.asarray(lengths, dtype=np.intp)
        m = len(lengths)
        top = int(lengths.max(initial=0))
        self._extend(top, self.tables, exact=False)
        c, e, d = self.tables
        if len(self.stacked[0]) != len(d):  # stacked when drawn, not at every counted length
            # One (lengths, items) array per table, c padded with its zero slot.
            self.stacked = (np.stack([padded(level) for level in c]), np.stack(e), np.stack(d))
        dtype = code_dtype(self.k)
        walk = _Walk(lengths, self.dfa.start)
        walk.words = np.zeros((m, top), dtype=dtype)
        walk.sources = np.zeros((m, max(top - self.edit.growth, 0)), dtype=dtype)
        while True:
            rows = np.flatnonzero(~walk.edited)
            if rows.size:
                edit = self._diagonal_step(walk, rows, rng)
                self._edit(walk, rows[edit], rng)
            rows = np.flatnonzero(walk.edited & (walk.left > 0))
            if rows.size:
                self._pair_step(walk, rows, rng)
            elif walk.edited.all():
                symbol = None  # the symbol the edit brings, in w
                if self.edit.brings:
                    at = walk.positions + self.edit.writes.index(self.edit.brings[0])
                    symbol = walk.words[np.arange(m), at]
                words = mutate(walk.sources, self.kind, walk.positions, symbol)[:, :top]
                return words, walk.sources, walk.positions

    def _pick(self, weights: np.ndarray, exact, rows: np.ndarray, rng) -> np.ndarray:
        """Choose per row, exactly; ``exact(row, tables)`` gives one row's exact weights."""
        top = len(self.tables[2]) - 1
        return choose(weights, lambda i: exact(int(rows[i[0]]), self.exact_counts(top)), rng,
                      self.error)

    def _diagonal_step(self, walk: _Walk, rows: np.ndarray, rng) -> np.ndarray:
        """Edit now (option 0) or read a symbol on both sides; True where the edit is next."""
        _, edits, diagonal = self.stacked
        s, r = walk.state[rows], walk.left[rows]
        weights = np.zeros((rows.size, self.k + 1))
        weights[:, 0] = edits[r, s]
        going = r > 0
        weights[going, 1:] = diagonal[(r[going] - 1)[:, None], self.table[s[going]]]

        def exact(row, tables):
            _, e, d = tables
            state, left = walk.state[row], walk.left[row]
            after = [d[left - 1][t] for t in self.table[state]] if left else [0] * self.k
            return [e[left][state], *after]

        choice = self._pick(weights, exact, rows, rng)
        going, symbol = rows[choice > 0], choice[choice > 0] - 1
        walk.read(going, symbol, 0)
        walk.state[going] = self.table[walk.state[going], symbol]
        return choice == 0

    def _groups(self, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each state's edit groups, padded to the widest: (group index, inside)."""
        lo, hi = self.by_state[state], self.by_state[state + 1]
        slot = lo[:, None] + np.arange(max(self.widest, 1))[None, :]
        inside = slot < hi[:, None]
        return np.where(inside, slot, 0), inside

    def _edit(self, walk: _Walk, rows: np.ndarray, rng) -> None:
        """Apply the edit on these rows: a group in proportion to its paths, then one of its
        interchangeable options uniformly."""
        if rows.size == 0:
            return
        consumed = self.edit.consumed
        pairs = self.stacked[0]
        group, inside = self._groups(walk.state[rows])
        r = np.maximum(walk.left[rows] - consumed, 0)
        weights = np.where(inside, self.g_size[group] * pairs[r[:, None], self.g_pair[group]], 0)

        def exact(row, tables):
            c = tables[0]
            lo, hi = self.by_state[walk.state[row]], self.by_state[walk.state[row] + 1]
            left = walk.left[row] - consumed
            return [int(self.g_size[g]) * _at(c[left], self.g_pair[g]) for g in range(lo, hi)]

        choice = self._pick(weights, exact, rows, rng)
        group = group[np.arange(rows.size), choice]
        option = self.g_start[group] + rng.integers(0, self.g_size[group])  # exactly uniform
        sym = self.e_syms[option] + 1
        at = walk.at[rows]
        walk.positions[rows] = at
        for i, slot in enumerate(self.edit.reads):  # u reads its slots, w reads its own
            walk.sources[rows, at + i] = sym[:, slot]
        for i, slot in enumerate(self.edit.writes):
            walk.words[rows, at + i] = sym[:, slot]
        walk.at[rows] += consumed  # from here on, at is w's index and u's is at - growth
        walk.left[rows] -= consumed
        walk.state[rows] = self.g_pair[group]
        walk.edited[rows] = True

    def _pair_step(self, walk: _Walk, rows: np.ndarray, rng) -> None:
        """Read one symbol on both sides after the edit."""
        pairs = self.stacked[0]
        successors = self.succ[walk.state[rows]]
        weights = pairs[(walk.left[rows] - 1)[:, None], successors]

        def exact(row, tables):
            level = tables[0][walk.left[row] - 1]
            return [_at(level, t) for t in self.succ[walk.state[row]]]

        choice = self._pick(weights, exact, rows, rng)
        walk.read(rows, choice, self.edit.growth)
        walk.state[rows] = self.succ[walk.state[rows], choice]


class _Walk:
    """Where each row of a draw is: state (diagonal, or pair once edited), symbols left."""

    def __init__(self, lengths: np.ndarray, start: int) -> None:
        m = len(lengths)
        self.state = np.full(m, start, dtype=np.intp)
        self.left = lengths.astype(np.intp)  # symbols of the near miss to read
        self.edited = np.zeros(m, dtype=bool)
        self.at = np.zeros(m, dtype=np.intp)  # the next symbol's index in w
        self.positions = np.zeros(m, dtype=np.intp)
        self.words = self.sources = np.zeros((0, 0))

    def read(self, rows: np.ndarray, symbol: np.ndarray, growth: int) -> None:
        """Both sides read `symbol`; u's index is w's less the edit's growth."""
        self.words[rows, self.at[rows]] = symbol + 1
        self.sources[rows, self.at[rows] - growth] = symbol + 1
        self.at[rows] += 1
        self.left[rows] -= 1


def _at(level: np.ndarray, index: int) -> int:
    """``level[index]``, 0 for the zero slot past its end."""
    return int(level[index]) if index < len(level) else 0
