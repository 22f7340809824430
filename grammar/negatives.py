"""Negatives with guaranteed labels: near misses, random non-members, and edit distance.

:func:`distance` is the exact edit distance (insertions, deletions and
substitutions, each costing 1) from a word to the language, by dynamic
programming over (position, DFA state): after each symbol of the word, the
cheapest way to have read it into each state, closed under insertions.

:func:`near_misses` mutates sampled members by one edit (substitute, insert,
delete, or transpose two adjacent symbols) and keeps the results that the
automaton rejects and that lie at distance exactly 1 from the language. A
transposition is two substitutions, so it is kept only when some single
edit repairs it. The work is vectorised over padded batches of members.
When single edits rarely leave the language, the generator switches to the
*near-miss automaton*, a DFA for exactly the rejected words one edit away
(see :func:`near_miss_dfa`), which also tells when a kind or a length has no
near misses at all.

:func:`non_members` draws words uniformly among the non-members of a length
(by counting on the complemented DFA) and reports each one's distance.

Examples
--------
>>> from grammar import library
>>> from grammar.negatives import distance, near_misses, non_members
>>> g = library.reber()
>>> distance(g, "BTXSE"), distance(g, "BTXXE"), distance(g, "")
(0, 1, 5)
>>> misses = near_misses(g, 4, seed=0)
>>> [g.accepts(w) for w in misses], [distance(g, w) for w in misses]
([False, False, False, False], [1, 1, 1, 1])
>>> sorted(set(misses.kinds.tolist())) == sorted(["substitute", "insert", "delete", "transpose"])
True
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from grammar.automaton import DFA
from grammar.errors import EmptyLanguageError, GrammarError
from grammar.minimize import minimize, reachable_states
from grammar.sampling import (
    Codec,
    cached,
    check_count,
    check_length_range,
    code_dtype,
    code_table,
    count_table,
    describe_lengths,
    dfa_live,
    grammar_label,
    member_lengths,
    run_codes,
    sample_codes,
    uniform_codes,
    uniform_lengths_codes,
    walk_codes,
)

if TYPE_CHECKING:
    from grammar.core import Grammar, Word

__all__ = [
    "KINDS",
    "NearMisses",
    "NonMembers",
    "distance",
    "distances",
    "near_miss_dfa",
    "near_misses",
    "near_misses_by_length",
    "non_members",
]

#: The edits that make near misses, in the order strategies try them.
KINDS: tuple[str, ...] = ("substitute", "insert", "delete", "transpose")
_SUB, _INS, _DEL, _TR = range(4)
# Length change of the word made by each kind of edit.
_GROWTH = np.array([0, 1, -1, 0])
# Shortest member each kind of edit applies to.
_SHORTEST = np.array([1, 0, 1, 2])

_INF = np.int32(1 << 28)
# Rows per vectorised chunk of the edit-distance DP.
_DP_CHUNK = 1 << 13
# The near-miss automaton is built by subset construction; beyond these sizes
# the generator falls back to the DP and to rejection alone.
_NM_MAX_INPUT_STATES = 400
_NM_MAX_STATES = 100_000
# Candidates per round of mutation, at most.
_MAX_ROUND = 1 << 20
# A cell (kind, length) with no success after this many candidates is checked exactly.
_PROBE = 1 << 11
# Below this success rate (after _PROBE candidates) a cell draws from the near-miss automaton.
_MIN_RATE = 2e-3
# The table of local windows has (k + 2) ** 3 entries.
_MAX_LOCAL_SYMBOLS = 64
# Long-range quotas are dropped when their success rate falls below this.
_MIN_LONG_RANGE_RATE = 1e-3


# -- edit distance --------------------------------------------------------------------------------


class _EditDP:
    """Edit distance from words (as codes) to a DFA's language, vectorised over words.

    Only the useful states (reachable and co-reachable) take part; D[i, s] is
    the fewest edits that turn the word's prefix into some word leading from
    the start to s.
    """

    def __init__(self, dfa: DFA) -> None:
        useful = dfa_live(dfa) & reachable_states(dfa.table, dfa.start)
        self.empty = not useful[dfa.start]
        keep = np.flatnonzero(useful)
        index = np.full(dfa.n_states, -1, dtype=np.intp)
        index[keep] = np.arange(keep.size)
        n, k = keep.size, len(dfa.alphabet)
        self.n = n
        table = index[dfa.table[keep]] if n else np.zeros((0, k), dtype=np.intp)
        src, sym = np.nonzero(table >= 0)
        dst = table[src, sym]
        # Predecessors by any symbol (substitutions, insertions), padded with n (an INF column).
        pairs = np.unique(np.stack([dst, src], axis=1), axis=0) if src.size else np.zeros((0, 2),
                                                                                        int)
        self.any_pred = _padded_lists(pairs[:, 0], pairs[:, 1], n, n)
        # Predecessors per code (code c reads symbol c - 1; code k + 1 is an unknown symbol).
        by_code = np.full((k + 2, n, 1), n, dtype=np.intp)
        lists = [_padded_lists(dst[sym == j], src[sym == j], n, n) for j in range(k)]
        width = max((p.shape[1] for p in lists), default=1)
        by_code = np.full((k + 2, n, width), n, dtype=np.intp)
        for j, p in enumerate(lists):
            by_code[j + 1, :, : p.shape[1]] = p
        self.code_pred = by_code
        self.accepting = dfa.accepting[keep]
        first = np.full(n, _INF, dtype=np.int32)
        if not self.empty:
            first[index[dfa.start]] = 0
        self.first = self._close(first[None, :])[0] if n else first

    def _close(self, D: np.ndarray, cap: int | None = None) -> np.ndarray:
        """Close distances under insertions: D[t] <= D[s] + 1 for every edge s -> t."""
        while True:
            ext = np.concatenate([D, np.full((len(D), 1), _INF, dtype=np.int32)], axis=1)
            relaxed = np.minimum(D, ext[:, self.any_pred].min(axis=2) + 1)
            if cap is not None:
                relaxed = np.minimum(relaxed, cap)
            if np.array_equal(relaxed, D):
                return D
            D = relaxed

    def run(self, codes: np.ndarray, cap: int | None = None) -> np.ndarray:
        """Distances of the rows of `codes` (0-padded); values are capped at `cap` if given."""
        out = np.empty(len(codes), dtype=np.int64)
        for start in range(0, len(codes), _DP_CHUNK):
            out[start : start + _DP_CHUNK] = self._run_chunk(codes[start : start + _DP_CHUNK], cap)
        return out

    def _run_chunk(self, codes: np.ndarray, cap: int | None) -> np.ndarray:
        D = np.repeat(self.first[None, :], len(codes), axis=0)
        if cap is not None:
            D = np.minimum(D, cap)
        for column in codes.T:
            rows = np.flatnonzero(column)
            if rows.size == 0:
                break
            Dr = D[rows]
            ext = np.concatenate([Dr, np.full((len(rows), 1), _INF, dtype=np.int32)], axis=1)
            substituted = ext[:, self.any_pred].min(axis=2) + 1
            matched = ext[np.arange(len(rows))[:, None, None], self.code_pred[column[rows]]].min(
                axis=2
            )
            new = np.minimum(np.minimum(Dr + 1, substituted), matched)
            if cap is not None:
                new = np.minimum(new, cap)
            D[rows] = self._close(new, cap)
        return np.where(self.accepting[None, :], D, _INF).min(axis=1, initial=_INF)


def _padded_lists(keys: np.ndarray, values: np.ndarray, n_keys: int, fill: int) -> np.ndarray:
    """Row i lists the values whose key is i, padded with `fill`."""
    if keys.size == 0:
        return np.full((n_keys, 1), fill, dtype=np.intp)
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    sizes = np.bincount(keys, minlength=n_keys)
    rank = np.arange(keys.size) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    out = np.full((n_keys, max(int(sizes.max()), 1)), fill, dtype=np.intp)
    out[keys, rank] = values
    return out


def _edit_dp(g: Grammar) -> _EditDP:
    dp = cached(g.dfa, "edit_dp", lambda: _EditDP(g.dfa))
    if dp.empty:
        raise EmptyLanguageError(
            f"{grammar_label(g)} has no members, so no word has a distance to it"
        )
    return dp


def _codes_with_unknown(g: Grammar, words: Sequence[Any]) -> np.ndarray:
    """Codes of words, mapping symbols outside the alphabet to the unknown code k + 1."""
    codec = Codec.of(g)
    unknown = len(g.alphabet) + 1
    split = [g.symbols_of(w) for w in words]
    width = max((len(s) for s in split), default=0)
    codes = np.zeros((len(split), width), dtype=np.int64)
    for i, symbols in enumerate(split):
        codes[i, : len(symbols)] = [codec.column.get(s, unknown) for s in symbols]
    return codes


def distance(g: Grammar, word: Word | Sequence[str]) -> int:
    """Exact edit distance from `word` to the language of `g`.

    The fewest insertions, deletions and substitutions (each costing 1) that
    turn `word` into a member; 0 for members. Symbols outside the alphabet
    can only be deleted or substituted.

    Raises
    ------
    EmptyLanguageError
        If the language is empty.
    TypeError
        If `word` is not a str or a sequence of str.

    Examples
    --------
    >>> from grammar import library
    >>> g = library.embedded_reber()
    >>> distance(g, "BTBTXSETE"), distance(g, "BTBTXSEPE"), distance(g, "BTBTZSETE")
    (0, 1, 1)
    >>> distance(library.tomita(2), "0000")
    2
    """
    return int(distances(g, [word])[0])


def distances(g: Grammar, words: Sequence[Word | Sequence[str]]) -> np.ndarray:
    """Exact edit distances of many words, vectorised; see :func:`distance`.

    Examples
    --------
    >>> from grammar import library
    >>> distances(library.reber(), ["BTXSE", "BTSE", "XXXXX"]).tolist()
    [0, 1, 4]
    """
    dp = _edit_dp(g)
    if len(words) == 0:
        return np.zeros(0, dtype=np.int64)
    return dp.run(_codes_with_unknown(g, words))


# -- the near-miss automaton ----------------------------------------------------------------------


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


def near_miss_dfa(g: Grammar, kinds: Sequence[str] = KINDS) -> DFA:
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
        If the automaton would exceed 100,000 states.

    Examples
    --------
    >>> from grammar import library
    >>> nm = near_miss_dfa(library.tomita(1))          # near misses of 1*
    >>> nm.count(3), nm.count(0)                         # one 0 among three symbols
    (3, 0)
    >>> near_miss_dfa(library.parity(), ["transpose"]).count(6)  # transposing keeps parity
    0
    """
    kinds = _check_kinds(kinds)
    key = "near_miss_dfa:" + ",".join(kinds)
    return cached(g.dfa, key, lambda: _build_near_miss_dfa(g.dfa, kinds, grammar_label(g)))


def _build_near_miss_dfa(dfa: DFA, kinds: tuple[str, ...], label: str) -> DFA:
    k = len(dfa.alphabet)
    table = dfa.table.tolist()
    live = dfa_live(dfa)
    n = dfa.n_states
    bit = [(1 << t) if live[t] else 0 for t in range(n)]
    final = _union(1 << s for s in range(n) if dfa.accepting[s])
    # successors[s]: the states one symbol after s (substitution, or a deleted symbol).
    successors = [_union(bit[t] for t in row) for row in table]
    # after_deleted[s][b]: a symbol deleted before b, then b read.
    after_deleted = [[_union(bit[table[t][b]] for t in set(row)) for b in range(k)]
                     for row in table]

    def step(mask: int, b: int) -> int:
        return _union(bit[table[s][b]] for s in _bits(mask)) if mask else 0

    chosen = {KINDS.index(kind) for kind in kinds}
    track_kinds = not {_SUB, _INS, _DEL} <= chosen
    track_prev = track_kinds and _TR in chosen
    dead = dfa.dead

    def accepts(state: tuple) -> bool:
        s0, edited, picked, _ = state
        if dfa.accepting[s0]:
            return False
        if not (edited | successors[s0]) & final:
            return False
        if not track_kinds:
            return True
        ends = picked | (successors[s0] if _DEL in chosen else 0)
        return bool(ends & final)

    def move(state: tuple, b: int) -> tuple:
        s0, edited, picked, prev = state
        here = successors[s0] | bit[s0]
        edited = step(edited, b) | after_deleted[s0][b] | here
        if track_kinds:
            new = step(picked, b)
            if _DEL in chosen:
                new |= after_deleted[s0][b]
            if _SUB in chosen:
                new |= successors[s0]
            if _INS in chosen:
                new |= bit[s0]
            if track_prev and prev is not None and prev[1] != b:
                new |= bit[table[table[prev[0]][b]][prev[1]]]
            picked = new
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
                if len(states) > _NM_MAX_STATES:
                    raise GrammarError(
                        f"the near-miss automaton of {label} exceeds {_NM_MAX_STATES:,} states"
                    )
            row.append(j)
        rows.append(row)
    accepting = np.array([accepts(state) for state in states], dtype=bool)
    small, final_states = minimize(np.array(rows, dtype=np.int64).reshape(len(rows), k),
                                   accepting, 0)
    return DFA(alphabet=dfa.alphabet, table=small, accepting=final_states, start=0)


def _nm_dfa_or_none(g: Grammar, kinds: Sequence[str]) -> DFA | None:
    """The near-miss automaton, or None when the grammar is too large to build it."""
    if g.dfa.n_states > _NM_MAX_INPUT_STATES:
        return None
    try:
        return near_miss_dfa(g, kinds)
    except GrammarError:
        return None


# -- the near-miss generator ----------------------------------------------------------------------


class NearMisses:
    """Near misses and where they came from, as parallel sequences.

    Attributes
    ----------
    words : list
        The near misses: rejected, at edit distance exactly 1 from the language.
    kinds : numpy.ndarray
        str array: the edit that made each word from its source, one of
        ``"substitute"``, ``"insert"``, ``"delete"``, ``"transpose"``.
    positions : numpy.ndarray
        int array: where the edit happened: the substituted symbol, the
        inserted symbol (in the word), the deleted symbol (in the source), or
        the first of the two transposed symbols.
    sources : list
        The member each word was made from (built on first access).
    long_range : numpy.ndarray
        bool array: True where the word is locally plausible: every window of
        three symbols (word boundaries included) occurs in some member, so
        only context further away shows that it is rejected.

    Iterating, ``len`` and indexing go over `words`. Instances are read-only.

    Examples
    --------
    >>> from grammar import library
    >>> misses = near_misses(library.reber(), 2, seed=0, kinds=["delete"])
    >>> [(s, str(k), int(p)) for s, k, p in zip(misses.sources, misses.kinds, misses.positions)]
    [('BPTTTVVE', 'delete', 7), ('BPTVVE', 'delete', 4)]
    >>> misses.words
    ['BPTTTVV', 'BPTVE']
    """

    __slots__ = ("words", "kinds", "positions", "long_range", "_sources")

    def __init__(
        self,
        words: list,
        kinds: np.ndarray,
        positions: np.ndarray,
        sources: list | Callable[[], list],
        long_range: np.ndarray,
    ) -> None:
        for name, value in (("words", list(words)), ("kinds", np.asarray(kinds, dtype=str)),
                            ("positions", np.asarray(positions, dtype=np.int64)),
                            ("_sources", sources),
                            ("long_range", np.asarray(long_range, dtype=bool))):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"NearMisses is read-only; cannot set {name!r}")

    @property
    def sources(self) -> list:
        """The member each word was made from."""
        if callable(self._sources):
            # Decoded on first use: many callers only want the words.
            object.__setattr__(self, "_sources", list(self._sources()))
        return self._sources

    def __len__(self) -> int:
        return len(self.words)

    def __iter__(self) -> Iterator[Word]:
        return iter(self.words)

    def __getitem__(self, i: int) -> Word:
        return self.words[i]

    def __repr__(self) -> str:
        return f"<NearMisses: {len(self)} words>"


def _check_kinds(kinds: Any) -> tuple[str, ...]:
    if isinstance(kinds, str):
        kinds = (kinds,)
    try:
        kinds = tuple(kinds)
    except TypeError:
        raise TypeError(f"kinds must be a sequence of str, not {type(kinds).__name__}") from None
    if not kinds:
        raise GrammarError(f"kinds is empty; choose from {', '.join(KINDS)}")
    for kind in kinds:
        if kind not in KINDS:
            raise GrammarError(f"unknown kind of edit {kind!r}; choose from {', '.join(KINDS)}")
    return tuple(kind for kind in KINDS if kind in kinds)


def _check_fraction(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number in [0, 1], not {type(value).__name__}")
    if not 0.0 <= float(value) <= 1.0 or math.isnan(float(value)):
        raise GrammarError(f"{name} must be in [0, 1], got {value!r}")
    return float(value)


def _mutate(
    codes: np.ndarray, kind: int, position: np.ndarray, symbol: np.ndarray | None
) -> np.ndarray:
    """Apply one edit of `kind` per row (at `position`, writing `symbol`); one column wider."""
    m, width = codes.shape
    out = np.zeros((m, width + 1), dtype=codes.dtype)
    out[:, :width] = codes
    rows = np.arange(m)
    if kind == _SUB:
        out[rows, position] = symbol
    elif kind == _TR:
        if width > 1:
            out[rows, position], out[rows, position + 1] = (codes[rows, position + 1],
                                                            codes[rows, position])
    else:
        moved = np.zeros_like(out)
        column = np.arange(width + 1)[None, :]
        if kind == _INS:
            moved[:, 1:] = codes
            np.copyto(out, moved, where=column > position[:, None])
            out[rows, position] = symbol
        else:
            moved[:, : width - 1] = codes[:, 1:]
            np.copyto(out, moved, where=column >= position[:, None])
    return out


class _Local:
    """Which windows of three codes (word boundaries included) occur in some member."""

    def __init__(self, dfa: DFA) -> None:
        k = len(dfa.alphabet)
        self.boundary = k + 1
        live = dfa_live(dfa)
        accepting = dfa.accepting
        table = dfa.table.astype(np.intp)
        seen = np.flatnonzero(reachable_states(dfa.table, dfa.start))
        size = k + 2  # code 0 pads, 1..k symbols, k + 1 the boundary
        ok = np.zeros((size, size, size), dtype=bool)
        ok[0, :, :] = ok[:, 0, :] = ok[:, :, 0] = True  # a window past the word's end
        inner = np.zeros((k, k, k), dtype=bool)
        closing = np.zeros((k, k), dtype=bool)
        for chunk in np.array_split(seen, max(1, seen.size * k**3 // 4_000_000)):
            one = table[chunk]  # (c, k)
            two = table[one]  # (c, k, k)
            inner |= live[table[two]].any(axis=0)
            closing |= accepting[two].any(axis=0)
        ok[1:-1, 1:-1, 1:-1] = inner
        ok[1:-1, 1:-1, -1] = closing
        first = table[dfa.start]
        ok[-1, 1:-1, 1:-1] = live[table[first]]
        ok[-1, 1:-1, -1] = accepting[first]
        self.ok = ok

    def substitutions(
        self, codes: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One random locally plausible substitution per row (flagged where there is none).

        The rows are members, so only the three windows through the changed
        symbol can be new; a substitution is plausible when all three occur.
        """
        m, width = codes.shape
        k = self.boundary - 1
        lengths = np.count_nonzero(codes, axis=1)
        # Two pad columns in front keep every window index in range.
        framed = np.zeros((m, width + 4), dtype=np.intp)
        framed[:, 1] = self.boundary
        framed[:, 2 : width + 2] = codes
        framed[np.arange(m), lengths + 2] = self.boundary
        left2, left1 = framed[:, :width, None], framed[:, 1 : width + 1, None]
        right1, right2 = framed[:, 3 : width + 3, None], framed[:, 4 : width + 4, None]
        new = np.arange(1, k + 1)[None, None, :]
        fits = (self.ok[left2, left1, new] & self.ok[left1, new, right1]
                & self.ok[new, right1, right2])
        fits &= new != codes[:, :, None]
        fits &= (np.arange(width) < lengths[:, None])[:, :, None]
        flat = fits.reshape(m, width * k)
        counts = flat.sum(axis=1)
        pick = (rng.random(m) * counts).astype(np.intp)
        choice = (np.cumsum(flat, axis=1) <= pick[:, None]).sum(axis=1)
        choice = np.minimum(choice, max(width * k - 1, 0))
        position, symbol = np.divmod(choice, k)
        words = _mutate(codes, _SUB, position, (symbol + 1).astype(codes.dtype))
        return words, position, counts > 0

    def plausible(self, codes: np.ndarray) -> np.ndarray:
        """Rows of `codes` whose every window of three occurs in some member."""
        m, width = codes.shape
        lengths = np.count_nonzero(codes, axis=1)
        framed = np.zeros((m, width + 3), dtype=np.intp)
        framed[:, 0] = self.boundary
        framed[:, 1 : width + 1] = codes
        framed[np.arange(m), lengths + 1] = self.boundary
        good = lengths > 0
        for i in range(width + 1):
            good &= self.ok[framed[:, i], framed[:, i + 1], framed[:, i + 2]]
        return good


@dataclass(eq=False)
class _Cell:
    """One quota of near misses: a kind of edit and, optionally, a word length."""

    kind: int
    length: int | None
    need: int = 0
    need_local: int = 0
    tried: int = 0
    found: int = 0
    tried_local: int = 0
    found_local: int = 0
    exact: bool = False
    no_local: bool = False  # gave up finding locally plausible words

    def rate(self) -> float:
        # A prior of 9 in 10: single edits usually leave a language.
        return (self.found + 9) / (self.tried + 10)

    def rate_local(self) -> float:
        return (self.found_local + 1) / (self.tried_local + 10)


class _Generator:
    """State of one :func:`near_misses` call."""

    def __init__(self, g: Grammar, long_range: float, rng: np.random.Generator,
                 spill: bool) -> None:
        self.g, self.rng = g, rng
        # Whether a length that cannot meet its quota passes it to other lengths.
        self.spill = spill
        self.dfa = g.dfa
        self.k = len(g.alphabet)
        self.table = code_table(self.dfa)
        if long_range and self.k > _MAX_LOCAL_SYMBOLS:
            raise GrammarError(
                f"long_range needs an alphabet of at most {_MAX_LOCAL_SYMBOLS} symbols; "
                f"{grammar_label(g)} has {self.k}"
            )
        self.local = cached(self.dfa, "local", lambda: _Local(self.dfa)) if long_range else None
        self.dp = None
        self.blocks: list[tuple] = []

    # -- validity -----------------------------------------------------------------------------

    def valid(self, words: np.ndarray, kind: int) -> np.ndarray:
        """Rejected and at distance exactly 1 (the candidates are one edit from a member)."""
        rejected = ~self.dfa.accepting[run_codes(self.table, words, self.dfa.start)]
        if kind != _TR:
            return rejected  # one edit from a member, and rejected: distance exactly 1
        # A transposition is two substitutions: check that one edit repairs it.
        nm = _nm_dfa_or_none(self.g, ("substitute", "insert", "delete"))
        if nm is not None:
            return nm.accepting[run_codes(code_table(nm), words, nm.start)]
        check = np.flatnonzero(rejected)
        if check.size:
            if self.dp is None:
                self.dp = _edit_dp(self.g)
            rejected[check] = self.dp.run(words[check], cap=2) == 1
        return rejected

    # -- candidates by mutation -----------------------------------------------------------------

    def sources(self, cell: _Cell, m: int) -> list[tuple[np.ndarray, np.ndarray]]:
        """`m` members for the cell, as (codes, priority) blocks of similar width.

        Priorities are exchangeable labels (a walk's position in the sample),
        so picking the lowest among the valid rows is unbiased.
        """
        if cell.length is None:
            return sample_codes(self.g, m, self.rng)
        size = cell.length - int(_GROWTH[cell.kind])
        return [(uniform_codes(self.g, m, size, size, self.rng), np.arange(m))]

    def mutate(self, sources: np.ndarray, kind: int) -> tuple[np.ndarray, ...]:
        """A random edit of `kind` on each row; rows where it cannot apply are flagged."""
        m, width = sources.shape
        if width == 0 and kind != _INS:  # only empty sources: nothing to edit
            return np.zeros((m, 1), sources.dtype), np.zeros(m, np.intp), np.zeros(m, bool)
        lengths = np.count_nonzero(sources, axis=1)
        span = np.maximum(lengths + (kind == _INS) - (kind == _TR), 1)
        position = (self.rng.random(m) * span).astype(np.intp)
        applies = lengths >= _SHORTEST[kind]
        rows = np.arange(m)
        symbol = None
        if kind == _SUB:
            here = sources[rows, position]
            other = self.rng.integers(1, max(self.k, 2), size=m, dtype=np.intp)
            symbol = (other + (other >= here)).astype(sources.dtype)
            applies &= self.k > 1
        elif kind == _INS:
            symbol = self.rng.integers(1, self.k + 1, size=m).astype(sources.dtype)
        elif kind == _TR and width > 1:
            position = np.minimum(position, width - 2)
            applies &= sources[rows, position] != sources[rows, position + 1]
        words = _mutate(sources, kind, position, symbol)
        return words, position, applies

    def round(self, cells: list[_Cell]) -> None:
        """One vectorised round of mutation over the cells that still need words.

        A substitution cell's long-range quota is met by targeted draws: only
        substitutions whose three changed windows occur in members.
        """
        requests: dict[int | None, list[tuple[int, int, bool]]] = {}
        for c, cell in enumerate(cells):
            if cell.need + cell.need_local == 0 or cell.exact:
                continue
            targeted = cell.kind == _SUB and self.local is not None
            wants = [(cell.need / cell.rate(), False)]
            if cell.need_local:
                wants.append((cell.need_local / cell.rate_local(), targeted))
            if targeted:
                wants = [(sum(w for w, t in wants if not t), False)] + [
                    (w, True) for w, t in wants if t]
            else:
                wants = [(sum(w for w, _ in wants), False)]
            for want, aimed in wants:
                if want <= 0:
                    continue
                # Grow rounds geometrically, so a rare cell is judged before it costs much.
                tried = cell.tried_local if aimed else cell.tried
                want = min(want * 1.05 + 32, max(_PROBE, 4 * tried), _MAX_ROUND)
                requests.setdefault(cell.length, []).append((c, int(want), aimed))
        for batch in requests.values():
            self._round_batch(cells, batch)

    def _round_batch(self, cells: list[_Cell], batch: list[tuple[int, int, bool]]) -> None:
        pieces = []
        for c, m, aimed in batch:
            kind = cells[c].kind
            for block, priority in self.sources(cells[c], m):
                if aimed:
                    words, position, ok = self.local.substitutions(block, self.rng)
                else:
                    words, position, ok = self.mutate(block, kind)
                ok[ok] = self.valid(words[ok], kind)
                local = ok.copy() if aimed else np.zeros(len(block), dtype=bool)
                if self.local is not None and ok.any() and not aimed:
                    local[ok] = self.local.plausible(words[ok])
                pieces.append((2 * c + aimed, kind, block, words, position, ok, local, priority))
        group = np.concatenate([np.full(len(p[2]), p[0]) for p in pieces])
        good = np.concatenate([p[5] for p in pieces])
        local = np.concatenate([p[6] for p in pieces])
        priority = np.concatenate([p[7] for p in pieces])
        take = self._fill(cells, group, good, local, priority)
        row = 0
        for _, kind, block, words, position, _, local, _ in pieces:
            which = np.flatnonzero(take[row : row + len(block)])
            row += len(block)
            if which.size:
                self.blocks.append((words[which], np.full(which.size, kind), position[which],
                                    block[which], local[which]))

    def _fill(self, cells: list[_Cell], group: np.ndarray, good: np.ndarray,
              local: np.ndarray, priority: np.ndarray) -> np.ndarray:
        """Pick, per cell, the valid rows of lowest priority its quotas need; count them.

        Group ``2 c`` holds cell c's ordinary rows and ``2 c + 1`` its targeted
        long-range rows; a group's rows are contiguous.
        """
        take = np.zeros(len(good), dtype=bool)
        bounds = np.flatnonzero(np.diff(group)) + 1
        for rows in np.split(np.arange(len(good)), bounds):
            cell_index, aimed = divmod(int(group[rows[0]]), 2)
            cell = cells[cell_index]
            ok, near = good[rows], local[rows] & good[rows]
            picked_local = _lowest(priority[rows], near, cell.need_local)
            picked = (np.zeros(len(rows), dtype=bool) if aimed
                      else _lowest(priority[rows], ok & ~picked_local, cell.need))
            take[rows] = picked_local | picked
            if not aimed:
                cell.tried += rows.size
                cell.found += int(ok.sum())
            if cell.need_local and (aimed or not (cell.kind == _SUB and self.local)):
                cell.tried_local += rows.size
                cell.found_local += int(near.sum())
            cell.need_local -= int(picked_local.sum())
            cell.need -= int(picked.sum())
        return take

    # -- the exact fallback -----------------------------------------------------------------------

    def exact(self, cell: _Cell) -> None:
        """Draw the cell's near misses uniformly from the near-miss automaton, then repair them."""
        nm = near_miss_dfa(self.g, (KINDS[cell.kind],))
        m = cell.need + cell.need_local
        if cell.length is not None:
            lengths = np.full(m, cell.length)
        else:
            lengths = np.count_nonzero(walk_codes(self.g, m, self.rng), axis=1) + int(
                _GROWTH[cell.kind])
        top = int(lengths.max(initial=0)) + nm.n_states
        counts = count_table(nm, top)
        possible = member_lengths(counts, 0, top, nm.start)
        # Lengths with no near miss of this kind move to the nearest length that has one.
        nearest = possible[np.abs(possible[None, :] - lengths[:, None]).argmin(axis=1)]
        words = _stack([
            uniform_lengths_codes(nm, np.array([size]), int((nearest == size).sum()), self.rng)
            for size in np.unique(nearest)
        ], code_dtype(self.k))
        sources, positions = self._repair(words, cell.kind)
        kind = np.full(m, cell.kind)
        local = self.local.plausible(words) if self.local is not None else np.zeros(m, bool)
        self.blocks.append((words, kind, positions, sources, local))
        cell.need = cell.need_local = 0

    def _repair(self, words: np.ndarray, kind: int) -> tuple[np.ndarray, np.ndarray]:
        """For each near miss, a member one edit of `kind` away (picked at random), and where."""
        k = self.k
        sources = []
        positions = np.empty(len(words), dtype=np.intp)
        for i, word in enumerate(words):
            size = int(np.count_nonzero(word))
            w = word[:size]
            # The inverse edits: the candidate members and the positions they stand for.
            if kind == _SUB:
                cand = np.repeat(w[None, :], size * k, axis=0)
                pos = np.repeat(np.arange(size), k)
                cand[np.arange(size * k), pos] = np.tile(np.arange(1, k + 1), size)
            elif kind == _INS:
                pos = np.arange(size)
                cand = np.array([np.delete(w, p) for p in pos]).reshape(size, max(size - 1, 0))
            elif kind == _DEL:
                pos = np.repeat(np.arange(size + 1), k)
                cand = np.array([np.insert(w, p, s) for p, s in zip(
                    pos.tolist(), np.tile(np.arange(1, k + 1), size + 1).tolist(), strict=True)])
            else:
                pos = np.arange(max(size - 1, 0))
                cand = np.repeat(w[None, :], len(pos), axis=0)
                cand[pos, pos], cand[pos, pos + 1] = w[pos + 1], w[pos]
            cand = cand.astype(words.dtype).reshape(len(pos), -1)
            ok = self.dfa.accepting[run_codes(self.table, cand, self.dfa.start)]
            j = self.rng.choice(np.flatnonzero(ok))
            sources.append(cand[j])
            positions[i] = pos[j]
        width = max((len(s) for s in sources), default=0)
        out = np.zeros((len(words), width), dtype=words.dtype)
        for i, s in enumerate(sources):
            out[i, : len(s)] = s
        return out, positions


def _lowest(priority: np.ndarray, mask: np.ndarray, count: int) -> np.ndarray:
    """Mask of the (at most) `count` masked entries of lowest priority (priorities distinct)."""
    if count <= 0:
        return np.zeros(len(mask), dtype=bool)
    if int(mask.sum()) <= count:
        return mask.copy()
    threshold = np.partition(priority[mask], count - 1)[count - 1]
    return mask & (priority <= threshold)


def _split_evenly(n: int, slots: int, rng: np.random.Generator) -> np.ndarray:
    """`n` split into `slots` near-equal parts, the remainder given to random slots."""
    share = np.full(slots, n // slots)
    share[rng.permutation(slots)[: n % slots]] += 1
    return share


def _universal(dfa: DFA) -> bool:
    return bool(dfa.accepting[reachable_states(dfa.table, dfa.start)].all())


def near_misses(
    g: Grammar,
    n: int,
    seed: Any = None,
    kinds: Sequence[str] = KINDS,
    length: int | tuple[int, int] | None = None,
    long_range: float = 0.0,
) -> NearMisses:
    """`n` non-members at edit distance exactly 1 from the language, made by mutating members.

    Each word is a member with one edit applied: a symbol substituted,
    inserted or deleted, or two adjacent symbols transposed. Every one is
    checked by the automaton to be rejected and to lie at distance 1 (a
    transposition that only two edits can undo is dropped). Positions are
    drawn uniformly over the word, so they spread over its whole length.

    The kinds share `n` equally; a kind that cannot produce a near miss (at
    that length) gives its share to the others. When mutation rarely succeeds,
    near misses are drawn uniformly from the near-miss automaton instead (see
    :func:`near_miss_dfa`) and paired with a member one edit away.

    Parameters
    ----------
    g : Grammar
    n : int
    seed : int, None or numpy.random.Generator
    kinds : sequence of str
        Any of ``"substitute"``, ``"insert"``, ``"delete"``, ``"transpose"``.
    length : int or (int, int), optional
        The length of the near misses themselves (an inclusive range shares
        `n` equally among its lengths that have near misses). By default the
        sources are random walks (:func:`grammar.sampling.sample`), and the
        lengths follow theirs.
    long_range : float in [0, 1]
        The fraction of the words that should be *locally plausible*: every
        window of three symbols (word boundaries included) occurs in some
        member, so only far-away context rejects them. For embedded Reber
        these are the wrapper letters (``BTBTXSEPE``). Substitutions are
        aimed at them directly; the other kinds count when a random edit
        happens to be plausible, and a kind that yields none hands its share
        to the others. Where the language has too few of them, the rest are
        ordinary near misses; ``NearMisses.long_range`` marks which words are.

    Returns
    -------
    NearMisses
        Parallel ``words``, ``kinds``, ``positions``, ``sources`` and
        ``long_range``, in random order.

    Raises
    ------
    EmptyLanguageError
        If there is no near miss to draw: the language is empty, or holds
        every word over its alphabet, or has none of these kinds (at that
        length).

    Examples
    --------
    >>> from grammar import library
    >>> g = library.embedded_reber()
    >>> misses = near_misses(g, 1000, seed=0, long_range=0.5)
    >>> bool(g.accepts_many(misses.words).any()), bool(misses.long_range.mean() >= 0.5)
    (False, True)
    >>> near_misses(library.tomita(5), 6, seed=1, kinds=["transpose", "delete"]).kinds.tolist()
    ['delete', 'delete', 'delete', 'delete', 'delete', 'delete']
    >>> found = near_misses(library.tomita(2), 20, seed=0, length=3)  # (10)*: no member of length 3
    >>> sorted(set(found.kinds.tolist()))                           # so no substitution either
    ['delete', 'insert']
    """
    n = check_count(n)
    kinds = _check_kinds(kinds)
    long_range = _check_fraction(long_range, "long_range")
    lengths = None if length is None else check_length_range(length)
    rng = np.random.default_rng(seed)
    _check_has_near_misses(g)
    cells = _initial_cells(g, kinds, lengths)
    by_length: dict[int | None, list[_Cell]] = {}
    for cell in cells:
        by_length.setdefault(cell.length, []).append(cell)
    shares = _split_evenly(n, len(by_length), rng)
    _share(by_length, dict(zip(by_length, shares.tolist(), strict=True)), long_range, rng)
    return _run(_Generator(g, long_range, rng, spill=True), cells, kinds, lengths)


def near_misses_by_length(
    g: Grammar,
    quotas: dict[int, int],
    seed: Any = None,
    kinds: Sequence[str] = KINDS,
    long_range: float = 0.0,
) -> NearMisses:
    """Near misses with a given count for each word length (fewer where a length has too few).

    One call serves every length, so what is learnt about the kinds at one
    length (which rarely succeed, which make locally plausible words) is used
    at the others; :func:`grammar.datasets.make_dataset` builds on it.

    Examples
    --------
    >>> from grammar import library
    >>> found = near_misses_by_length(library.tomita(2), {3: 4, 5: 2}, seed=0)
    >>> sorted(len(w) for w in found)
    [3, 3, 3, 3, 5, 5]
    """
    kinds = _check_kinds(kinds)
    long_range = _check_fraction(long_range, "long_range")
    rng = np.random.default_rng(seed)
    quotas = {int(L): check_count(q, "quota") for L, q in quotas.items() if q}
    if not quotas:
        return _collect(g, [], rng)
    _check_has_near_misses(g)
    cells = _initial_cells(g, kinds, (min(quotas), max(quotas)))
    by_length: dict[int | None, list[_Cell]] = {}
    for cell in cells:
        if cell.length in quotas:
            by_length.setdefault(cell.length, []).append(cell)
    _share(by_length, quotas, long_range, rng)
    cells = [cell for group in by_length.values() for cell in group]
    return _run(_Generator(g, long_range, rng, spill=False), cells, kinds,
                (min(quotas), max(quotas)))


def _check_has_near_misses(g: Grammar) -> None:
    dfa = g.dfa
    if not dfa_live(dfa)[dfa.start]:
        raise EmptyLanguageError(f"{grammar_label(g)} has no members, so no near misses")
    if _universal(dfa):
        raise EmptyLanguageError(
            f"{grammar_label(g)} holds every word over its alphabet {g.alphabet}: "
            "no word is a near miss"
        )


def _run(gen: _Generator, cells: list[_Cell], kinds: tuple[str, ...],
         lengths: tuple[int, int] | None) -> NearMisses:
    """Rounds of mutation (and exact draws for rare cells) until every quota is met."""
    while True:
        open_cells = [c for c in cells if c.need + c.need_local]
        if not open_cells:
            break
        gen.round(open_cells)
        for cell in open_cells:
            if cell in cells:
                _review(gen, cells, cell, kinds, lengths)
        for cell in cells:
            if cell.exact and cell.need + cell.need_local:
                gen.exact(cell)
    return _collect(gen.g, gen.blocks, gen.rng)


def _initial_cells(
    g: Grammar, kinds: tuple[str, ...], lengths: tuple[int, int] | None
) -> list[_Cell]:
    """One cell per kind, or per (kind, length) whose source length has members."""
    codes = [KINDS.index(kind) for kind in kinds]
    if len(g.alphabet) == 1 and _SUB in codes:
        codes.remove(_SUB)  # one symbol: nothing to substitute it with
    if lengths is None:
        cells = [_Cell(kind, None) for kind in codes]
    else:
        lo, hi = lengths
        counts = g.dfa.suffix_counts(hi + 1)
        cells = [
            _Cell(kind, size)
            for size in range(lo, hi + 1)
            for kind in codes
            if 0 <= size - _GROWTH[kind] <= hi + 1
            and size - _GROWTH[kind] >= _SHORTEST[kind]
            and counts[size - _GROWTH[kind]][g.dfa.start] > 0
        ]
    if not cells:
        where = "" if lengths is None else f" of {describe_lengths(*lengths)}"
        raise EmptyLanguageError(
            f"{grammar_label(g)} has no near misses ({', '.join(kinds)}){where}"
        )
    return cells


def _share(by_length: dict[int | None, list[_Cell]], quotas: dict, long_range: float,
           rng: np.random.Generator) -> None:
    """Give each length its quota, split evenly over the kinds of that length."""
    for length, group in by_length.items():
        for cell, part in zip(group, _split_evenly(int(quotas[length]), len(group), rng),
                              strict=True):
            _give(cell, int(part), long_range)


def _give(cell: _Cell, count: int, long_range: float) -> None:
    local = min(count, math.ceil(long_range * count - 1e-9))
    cell.need_local += local
    cell.need += count - local


def _review(
    gen: _Generator, cells: list[_Cell], cell: _Cell, kinds: tuple[str, ...],
    lengths: tuple[int, int] | None,
) -> None:
    """After a round: pass on long-range quotas a cell cannot meet, switch rare cells to the
    exact draw, and drop cells that cannot succeed, passing their quota on."""
    if cell.need_local and not cell.no_local:
        # Judge a kind over all its lengths at once: a kind that never makes a locally
        # plausible word at one length rarely does at the next.
        same = [c for c in cells if c.kind == cell.kind]
        tried = sum(c.tried_local for c in same)
        found = sum(c.found_local for c in same)
        if (found == 0 and tried >= 4 * _PROBE) or (
            cell.tried_local >= 64 * _PROBE
            and cell.found_local < _MIN_LONG_RANGE_RATE * cell.tried_local
        ):
            for c in same if found == 0 else [cell]:
                if not c.no_local:
                    c.no_local = True
                    _pass_local(cells, c, gen.spill)
    if cell.exact or cell.tried < _PROBE or not cell.need + cell.need_local:
        return
    if cell.found and cell.found >= _MIN_RATE * cell.tried:
        return
    nm = _nm_dfa_or_none(gen.g, (KINDS[cell.kind],))
    if nm is not None:
        possible = (nm.count(cell.length) > 0 if cell.length is not None
                    else bool(dfa_live(nm)[nm.start]))
        if possible:
            cell.exact = True
            return
    elif cell.found or cell.tried < 512 * _PROBE:
        return  # too big for the exact automaton: keep mutating, within a budget
    _drop(cells, cell, kinds, lengths, gen)


def _pass_local(cells: list[_Cell], cell: _Cell, spill: bool) -> None:
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
        for heir, part in zip(heirs, _split_evenly(cell.need_local, len(heirs),
                                                   np.random.default_rng(cell.tried)),
                              strict=True):
            heir.need_local += int(part)
    cell.need_local = 0


def _drop(cells: list[_Cell], cell: _Cell, kinds: tuple[str, ...],
          lengths: tuple[int, int] | None, gen: _Generator) -> None:
    """Remove a cell that cannot succeed; its quota goes to the live cells (same length first).

    Without `gen.spill`, a length whose cells all fail simply yields fewer words.
    """
    cells.remove(cell)
    heirs = [c for c in cells if c.length == cell.length]
    if not heirs and gen.spill:
        heirs = cells
        if not heirs:
            where = "" if lengths is None else f" of {describe_lengths(*lengths)}"
            raise EmptyLanguageError(
                f"{grammar_label(gen.g)} has no near misses ({', '.join(kinds)}){where}"
            )
    if heirs:
        shares = _split_evenly(cell.need + cell.need_local, len(heirs),
                               np.random.default_rng(cell.tried))
        for heir, part in zip(heirs, shares, strict=True):
            heir.need += int(part)


def _collect(g: Grammar, blocks: list[tuple], rng: np.random.Generator) -> NearMisses:
    """Decode the accepted blocks and put them in random order (sources when first used)."""
    codec = Codec.of(g)
    if not blocks:
        return NearMisses([], [], [], [], [])
    kinds = np.concatenate([b[1] for b in blocks])
    order = rng.permutation(len(kinds))
    words = np.concatenate([codec.decode_objects(b[0]) for b in blocks])

    def sources() -> list:
        decoded = np.concatenate([codec.decode_objects(b[3]) for b in blocks])
        return decoded[order].tolist()

    return NearMisses(
        words=words[order].tolist(),
        kinds=np.array(KINDS)[kinds[order]],
        positions=np.concatenate([b[2] for b in blocks])[order],
        sources=sources,
        long_range=np.concatenate([b[4] for b in blocks])[order],
    )


def _stack(blocks: list[np.ndarray], dtype: type) -> np.ndarray:
    """Rows of code blocks of different widths, zero-padded to the widest."""
    width = max((b.shape[1] for b in blocks), default=0)
    out = np.zeros((sum(len(b) for b in blocks), width), dtype=dtype)
    row = 0
    for block in blocks:
        out[row : row + len(block), : block.shape[1]] = block
        row += len(block)
    return out


# -- random non-members ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class NonMembers:
    """Rejected words and their exact edit distances to the language.

    Iterating, ``len`` and indexing go over `words`.
    """

    words: list
    distances: np.ndarray

    def __len__(self) -> int:
        return len(self.words)

    def __iter__(self) -> Iterator[Word]:
        return iter(self.words)

    def __getitem__(self, i: int) -> Word:
        return self.words[i]

    def __repr__(self) -> str:
        return f"<NonMembers: {len(self)} words>"


def non_members(
    g: Grammar, n: int, length: int | tuple[int, int], seed: Any = None
) -> NonMembers:
    """`n` uniformly random words over the alphabet that the grammar rejects, with distances.

    Equivalent to drawing uniform random strings of the length and keeping
    the rejected ones, but exact and fast even when rejections are rare: the
    non-members are counted on the complemented DFA and unranked.

    Parameters
    ----------
    g : Grammar
    n : int
    length : int or (int, int)
        One length, or an inclusive range whose lengths with non-members are
        drawn uniformly.
    seed : int, None or numpy.random.Generator

    Returns
    -------
    NonMembers
        ``words`` and ``distances`` (exact edit distance to the language;
        -1 for every word when the language is empty).

    Raises
    ------
    EmptyLanguageError
        If every word of the length is a member.

    Examples
    --------
    >>> from grammar import library
    >>> g = library.tomita(4)                  # no 000
    >>> found = non_members(g, 5, length=6, seed=0)
    >>> [("000" in w, int(d)) for w, d in zip(found.words, found.distances)][:2]
    [(True, 1), (True, 1)]
    >>> non_members(g, 1, length=2)
    Traceback (most recent call last):
    ...
    grammar.errors.EmptyLanguageError: grammar 'tomita-4' has no non-member of length 2
    """
    n = check_count(n)
    lo, hi = check_length_range(length)
    rng = np.random.default_rng(seed)
    codes = uniform_codes(g, n, lo, hi, rng, members=False)
    dp = cached(g.dfa, "edit_dp", lambda: _EditDP(g.dfa))
    found = np.full(n, -1, dtype=np.int64) if dp.empty else dp.run(codes)
    return NonMembers(Codec.of(g).decode(codes), found)
