"""The kinds of edit that make near misses, applied to whole batches of words.

A kind is a record of :data:`grammar.edit_kinds.EDIT_KINDS` (its slots say
what the member and the near miss read at the edit), named by a string
(:data:`KINDS`) in the public interface and by its index internally
(:data:`SUBSTITUTE`, :data:`INSERT`, :data:`DELETE`, :data:`TRANSPOSE`), so
that batches of words carry their kind as a small int. Every function here
works from a record's slots alone, for any kind.

Examples
--------
>>> import numpy as np
>>> check_kinds(["transpose", "insert"])          # canonical order
('insert', 'transpose')
>>> codes = np.array([[1, 2, 3]], dtype=np.uint8)
>>> mutate(codes, DELETE, np.array([1]), None).tolist()
[[1, 3, 0, 0]]
>>> mutate(codes, TRANSPOSE, np.array([0]), None).tolist()
[[2, 1, 3, 0]]
>>> mutate(codes, "insert", np.array([3]), np.array([9])).tolist()
[[1, 2, 3, 9]]
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

import numpy as np

from grammar.edit_kinds import (
    DEFAULT_KINDS,
    EDIT_KINDS,
    KINDS,
    SLOTS,
    EditKind,
    check_kinds,
    edit_kind,
)

__all__ = [
    "CONSUMED",
    "DEFAULT_KINDS",
    "DELETE",
    "EDIT_KINDS",
    "GROWTH",
    "INSERT",
    "KINDS",
    "SHORTEST",
    "SUBSTITUTE",
    "TRANSPOSE",
    "UNIT_KINDS",
    "EditKind",
    "check_kinds",
    "consistent",
    "edit_kind",
    "edit_table",
    "mutate",
    "random_edits",
]

#: Index of each of the four classic kinds in :data:`KINDS`.
SUBSTITUTE, INSERT, DELETE, TRANSPOSE = (
    KINDS.index(name) for name in ("substitute", "insert", "delete", "transpose"))
#: Length change of the word made by each kind of edit.
GROWTH = np.array([kind.growth for kind in EDIT_KINDS])
#: Shortest member each kind of edit applies to.
SHORTEST = np.array([kind.shortest for kind in EDIT_KINDS])
#: Symbols of the near miss that an edit of each kind reads.
CONSUMED = np.array([kind.consumed for kind in EDIT_KINDS])
#: The kinds that edit distance counts, by name: a word one of them repairs is at distance 1.
UNIT_KINDS: tuple[str, ...] = tuple(kind.name for kind in EDIT_KINDS if kind.unit)


def mutate(codes: np.ndarray, kind: Any, position: np.ndarray,
           symbol: np.ndarray | None) -> np.ndarray:
    """Apply one edit of `kind` per row (at `position`, bringing `symbol`); one column wider
    (as many wider as the edit grows a word, when that is more).

    `codes` are 0-padded rows (see :mod:`grammar.codes`); `symbol` holds the
    code an edit brings (a substitution's or an insertion's) and is ignored
    by the others. Rows too short for the edit at their position are left
    to the caller (mutation flags them); a batch narrower than the edit is
    returned unchanged.
    """
    kind = edit_kind(kind)
    m, width = codes.shape
    out = np.zeros((m, width + max(kind.growth, 1)), dtype=codes.dtype)
    out[:, :width] = codes
    if width < kind.shortest:
        return out
    rows = np.arange(m)
    new = [symbol if slot in kind.brings else codes[rows, position + kind.reads.index(slot)]
           for slot in kind.writes]
    if kind.growth:
        # The symbols after the edit move by its growth.
        moved = np.zeros_like(out)
        if kind.growth > 0:
            moved[:, kind.growth : kind.growth + width] = codes
        else:
            moved[:, : width + kind.growth] = codes[:, -kind.growth :]
        column = np.arange(out.shape[1])[None, :]
        np.copyto(out, moved, where=column >= position[:, None] + kind.consumed)
    for i, symbols in enumerate(new):
        out[rows, position + i] = symbols
    return out


def random_edits(kind: Any, sources: np.ndarray, k: int,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One uniformly random edit of `kind` on each row of `sources` (members, 0-padded, over
    `k` symbols): (words, positions, applies), rows where it cannot apply flagged False.

    The position is uniform among the places the edit fits; a symbol the
    edit brings is uniform among those allowed (another symbol than the one
    it replaces, for a distinct one).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> words, positions, applies = random_edits("insert", np.array([[1, 2]]), 3, rng)
    >>> words.shape, bool(applies[0])
    ((1, 3), True)
    """
    kind = edit_kind(kind)
    m, width = sources.shape
    if width == 0 and kind.reads:  # only empty sources: nothing to edit
        return np.zeros((m, 1), sources.dtype), np.zeros(m, np.intp), np.zeros(m, bool)
    lengths = np.count_nonzero(sources, axis=1)
    span = np.maximum(lengths + 1 - kind.shortest, 1)
    position = (rng.random(m) * span).astype(np.intp)
    applies = lengths >= kind.shortest
    rows = np.arange(m)
    brings, replaces = kind.brings, kind.distinct and bool(kind.reads)
    # The member's symbols at the edit, where a rule on them needs them.
    read = ([sources[rows, position + i] for i in range(kind.shortest)]
            if width >= kind.shortest and (len(kind.reads) > 1 or brings and replaces) else [])
    symbol = None
    if brings:
        if replaces:  # another symbol than the one it replaces
            here = read[0]
            other = rng.integers(1, max(k, 2), size=m, dtype=np.intp)
            symbol = (other + (other >= here)).astype(sources.dtype)
            applies &= k > 1
        else:
            symbol = rng.integers(1, k + 1, size=m).astype(sources.dtype)
    if len(read) > 1:
        applies &= consistent(kind.reads, read, kind.distinct)
    return mutate(sources, kind, position, symbol), position, applies


def consistent(slots: tuple[int, ...], symbols: list[np.ndarray], distinct: bool) -> np.ndarray:
    """Where `symbols` (one array per slot named, broadcast together) agree on repeated
    slots and, if `distinct`, differ between different slots.

    Examples
    --------
    >>> consistent((1, 0), [np.array([3, 4]), np.array([3, 5])], distinct=True).tolist()
    [False, True]
    """
    ok = np.ones(np.broadcast(*symbols).shape, dtype=bool)
    for (i, a), (j, b) in itertools.combinations(enumerate(slots), 2):
        if a == b:
            ok &= symbols[i] == symbols[j]
        elif distinct:
            ok &= symbols[i] != symbols[j]
    return ok


def edit_table(kind: Any, table: np.ndarray, states: np.ndarray) -> tuple[np.ndarray, ...]:
    """Every edit of `kind` from `states` of a DFA's transition `table`: (state, symbols,
    member's state after, near miss's state after), one row per edit.

    The symbols hold one column per slot (-1 where the kind leaves a slot
    unused), as 0-based symbol indices; the edits of a state follow each
    other in the order of their symbols.

    Examples
    --------
    >>> table = np.array([[1, 0], [1, 1]])          # two symbols; state 1 is a sink
    >>> [a.tolist() for a in edit_table("substitute", table, np.array([0]))]
    [[0, 0], [[0, 1], [1, 0]], [1, 0], [0, 1]]
    """
    kind = edit_kind(kind)
    each = _edit_symbols(kind, table.shape[1])
    s = np.repeat(states, len(each))
    symbols = np.empty((len(states), *each.shape), dtype=each.dtype)
    symbols[:] = each
    symbols = symbols.reshape(-1, SLOTS)
    return s, symbols, _run(table, s, symbols, kind.reads), _run(table, s, symbols, kind.writes)


@functools.lru_cache(maxsize=64)
def _edit_symbols(kind: EditKind, k: int) -> np.ndarray:
    """The symbols of every edit of `kind` over `k` symbols, the first slot slowest."""
    slots = kind.slots
    grid = np.indices((k,) * len(slots), dtype=np.int64).reshape(len(slots), -1)
    grid = grid[:, consistent(slots, list(grid), kind.distinct)].T
    symbols = np.full((len(grid), SLOTS), -1, dtype=np.int64)
    symbols[:, slots] = grid
    symbols.flags.writeable = False
    return symbols


def _run(table: np.ndarray, states: np.ndarray, symbols: np.ndarray,
         slots: tuple[int, ...]) -> np.ndarray:
    for slot in slots:
        states = table[states, symbols[:, slot]]
    return states
