"""The near-miss automaton: a DFA for exactly the rejected words one edit from a member.

It reads a word while tracking the member's state on the word itself and
the set of states some member could be in had one edit happened already, so
it is a subset construction over the grammar's DFA. Counting and unranking
on it give exact existence checks and exactly uniform near misses.

The automaton, or the bound on its size that a build passed, is cached on
the DFA (:func:`grammar.codes.cached`) for each selection of kinds, so a
grammar too large for it costs one failed build, never one per call.

Examples
--------
>>> from grammar import library
>>> nm = near_miss_dfa(library.tomita(1))          # near misses of 1*
>>> nm.count(3), nm.count(0)                         # one 0 among three symbols
(3, 0)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np

from grammar.automaton import DFA
from grammar.checks import grammar_label
from grammar.codes import cached, dfa_live
from grammar.errors import GrammarError
from grammar.minimize import minimize
from grammar.negatives.kinds import DEFAULT_KINDS, EDIT_KINDS, EditKind, check_kinds, edit_kind

if TYPE_CHECKING:
    from grammar.core import Grammar

__all__ = [
    "MAX_INPUT_STATES",
    "MAX_STATES",
    "RETRY_GROWTH",
    "build_failed",
    "built_near_miss_dfa",
    "near_miss_dfa",
    "near_miss_dfa_or_none",
]

#: Grammars with larger DFAs do not get a near-miss automaton (the generator mutates instead).
MAX_INPUT_STATES = 400
#: A build that passes this many states stops, and its failure is remembered.
MAX_STATES = 100_000
#: A failed build is tried again only with a bound this many times larger, so all the
#: attempts together cost at most a third more than the last one.
RETRY_GROWTH = 4


def near_miss_dfa(g: Grammar, kinds: Sequence[str] = DEFAULT_KINDS) -> DFA:
    """A DFA accepting exactly the near misses of `g` made by the given kinds of edit.

    A near miss is a non-member at edit distance exactly 1 from the
    language; with `kinds`, only those obtained from some member by one edit
    of those kinds. The automaton reads a word while tracking the member's
    state on the word itself and the set of states some member could be in
    had one edit happened already, so it is a subset construction over the
    grammar's DFA. Counting and unranking on it give exact existence checks
    and exactly uniform near misses.

    Raises
    ------
    GrammarError
        If the automaton would exceed 100,000 states (a failed build is
        remembered: asking again raises at once).

    Examples
    --------
    >>> from grammar import library
    >>> nm = near_miss_dfa(library.tomita(1))          # near misses of 1*
    >>> nm.count(3), nm.count(0)                         # one 0 among three symbols
    (3, 0)
    >>> near_miss_dfa(library.parity(), ["transpose"]).count(6)  # transposing keeps parity
    0
    """
    kinds = check_kinds(kinds)
    built = _attempt(g, kinds, MAX_STATES, growth=1)
    if built is None:
        raise GrammarError(
            f"the near-miss automaton of {grammar_label(g)} exceeds {MAX_STATES:,} states"
        )
    return built


def near_miss_dfa_or_none(
    g: Grammar, kinds: Sequence[str], max_states: int = MAX_STATES
) -> DFA | None:
    """The near-miss automaton, or None when it would pass `max_states` states.

    Grammars of more than :data:`MAX_INPUT_STATES` states get None at once.
    A build that fails is remembered with its bound: it is tried again only
    with a bound :data:`RETRY_GROWTH` times larger.

    Examples
    --------
    >>> from grammar import library
    >>> near_miss_dfa_or_none(library.parity(), ["insert"]).count(4)  # odd number of 1s
    8
    >>> near_miss_dfa_or_none(library.embedded_reber(), ["transpose"], max_states=5) is None
    True
    """
    if g.dfa.n_states > MAX_INPUT_STATES:
        return None
    return _attempt(g, check_kinds(kinds), max_states, RETRY_GROWTH)


def built_near_miss_dfa(g: Grammar, kinds: Sequence[str]) -> DFA | None:
    """The near-miss automaton if an earlier call built it, else None (nothing is built).

    Examples
    --------
    >>> from grammar import library
    >>> g = library.reber()
    >>> built_near_miss_dfa(g, ["delete"]) is None, near_miss_dfa(g, ["delete"]) is not None
    (True, True)
    >>> built_near_miss_dfa(g, ["delete"]) is near_miss_dfa(g, ["delete"])
    True
    """
    if g.dfa.n_states > MAX_INPUT_STATES:
        return None
    return _record(g, check_kinds(kinds)).get("dfa")


def build_failed(g: Grammar, kinds: Sequence[str], max_states: int) -> bool:
    """Whether a build within `max_states` states is known to fail (without trying it).

    Examples
    --------
    >>> from grammar import library
    >>> build_failed(library.reber(), ["substitute"], 10)
    False
    """
    if g.dfa.n_states > MAX_INPUT_STATES:
        return True
    record = _record(g, check_kinds(kinds))
    return "dfa" not in record and record.get("failed_at", 0) * RETRY_GROWTH > max_states


def _record(g: Grammar, kinds: tuple[str, ...]) -> dict:
    return cached(g.dfa, "near_miss_dfa:" + ",".join(kinds), dict)


def _attempt(g: Grammar, kinds: tuple[str, ...], max_states: int, growth: int) -> DFA | None:
    """The cached automaton; else one build within `max_states`, unless a build with a bound
    not `growth` times smaller already failed."""
    record = _record(g, kinds)
    if "dfa" in record:
        return record["dfa"]
    if record.get("failed_at", 0) * growth > max_states:
        return None
    built = _build(g.dfa, kinds, max_states)
    if built is None:
        record["failed_at"] = max(max_states, record.get("failed_at", 0))
        return None
    record["dfa"] = built
    return built


def _bits(mask: int) -> Iterator[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _union(masks: Iterator[int]) -> int:
    out = 0
    for mask in masks:
        out |= mask
    return out


def _build(dfa: DFA, kinds: tuple[str, ...], max_states: int) -> DFA | None:
    """The automaton, or None as soon as it passes `max_states` states."""
    k = len(dfa.alphabet)
    table = dfa.table.tolist()
    live = dfa_live(dfa)
    n = dfa.n_states
    bit = [(1 << t) if live[t] else 0 for t in range(n)]
    final = _union(1 << s for s in range(n) if dfa.accepting[s])

    def step(mask: int, b: int) -> int:
        return _union(bit[table[s][b]] for s in _bits(mask)) if mask else 0

    after_reads: dict[tuple, int] = {}

    def after(s: int, reads: tuple[int | None, ...] | None) -> int:
        """The member's states after reading `reads` from s (None: any symbol)."""
        if reads is None:  # no edit of the kind writes what the word reads
            return 0
        if None not in reads:  # one state: no need to remember it
            for symbol in reads:
                s = table[s][symbol]
            return bit[s]
        found = after_reads.get((s, reads))
        if found is None:
            states = [s]
            for symbol in reads:
                states = ([table[t][symbol] for t in states] if symbol is not None
                          else [u for t in states for u in table[t]])
            found = after_reads[s, reads] = _union(bit[t] for t in states)
        return found

    def edits(chosen: list[EditKind]) -> tuple[list[int], list[list[int]]]:
        """For the kinds of edit that read no symbol of the word, or one: where the member
        may be before the next symbol (gap[s]), and after it is read (entry[s][b])."""
        none = [kind.member_reads(()) for kind in chosen if kind.consumed == 0]
        one = [[kind.member_reads((b,)) for b in range(k)]
               for kind in chosen if kind.consumed == 1]
        if not none and not one:
            return [0] * n, [[0] * k for _ in range(n)]
        gap = [_union(after(s, reads) for reads in none) for s in range(n)]
        entry = [[_union(after(s, reads[b]) for reads in one) | step(gap[s], b)
                  for b in range(k)] for s in range(n)]
        return gap, entry

    chosen = [edit_kind(kind) for kind in kinds]
    units = [kind for kind in EDIT_KINDS if kind.unit]
    # The states some member could be in had one edit that edit distance counts happened.
    unit_gap, unit_entry = edits(units)
    track_kinds = not set(units) <= set(chosen)
    if track_kinds:  # ... and had one edit of the chosen kinds happened
        gap, entry = edits(chosen)
    pairs = [kind for kind in chosen if kind.consumed == 2]
    track_prev = track_kinds and bool(pairs)
    after_pair: dict[tuple[int, int], list[int]] = {}  # (s, a) -> member's states, for each b
    pair_reads: dict[int, list[list]] = {}  # a -> what each kind's member reads, for each b
    dead = dfa.dead

    def accepts(state: tuple) -> bool:
        s0, edited, picked, _ = state
        if dfa.accepting[s0]:
            return False
        if not (edited | unit_gap[s0]) & final:
            return False
        if not track_kinds:
            return True
        return bool((picked | gap[s0]) & final)

    def move(state: tuple, b: int) -> tuple:
        s0, edited, picked, prev = state
        edited = step(edited, b) | unit_entry[s0][b]
        if track_kinds:
            picked = step(picked, b) | entry[s0][b]
            if track_prev and prev is not None:
                row = after_pair.get(prev)
                if row is None:
                    p0, a = prev
                    reads = pair_reads.get(a)
                    if reads is None:
                        reads = pair_reads[a] = [[kind.member_reads((a, c)) for kind in pairs]
                                                 for c in range(k)]
                    row = after_pair[prev] = [
                        after(p0, rs[0]) if len(rs) == 1 else _union(after(p0, r) for r in rs)
                        for rs in reads]
                picked |= row[b]
        target = table[s0][b]
        # A dead original run can no longer take part in an edit: forget where it came from.
        new_prev = (s0, b) if track_prev and live[s0] else None
        if dead >= 0 and not live[target]:
            target = dead
        return (target, edited, picked, new_prev)

    start = (dfa.start, 0, 0, None)
    index = {start: 0}
    states = [start]
    rows: list[list[int]] = []
    while len(rows) < len(states):
        state = states[len(rows)]
        row = []
        for b in range(k):
            nxt = move(state, b)
            j = index.get(nxt)
            if j is None:
                j = index[nxt] = len(states)
                states.append(nxt)
                if len(states) > max_states:
                    return None
            row.append(j)
        rows.append(row)
    accepting = np.array([accepts(state) for state in states], dtype=bool)
    small, final_states = minimize(np.array(rows, dtype=np.int64).reshape(len(rows), k),
                                   accepting, 0)
    return DFA(alphabet=dfa.alphabet, table=small, accepting=final_states, start=0)
