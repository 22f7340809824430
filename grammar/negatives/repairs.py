"""Which single edits turn a word into a member, for many words at once.

For a word w of length L on a DFA, the states after each prefix
(``f[j] = δ(start, w[:j])``) and the sets of states from which each suffix
is accepted (``B[j] = {q : δ(q, w[j:]) accepting}``) answer every
single-edit question in O(L (n + k)) per word: deleting ``w[j]`` gives a
member iff ``f[j] ∈ B[j + 1]``; substituting a for it iff
``δ(f[j], a) ∈ B[j + 1]``; inserting a before it iff ``δ(f[j], a) ∈ B[j]``;
swapping ``w[j]`` and ``w[j + 1]`` iff ``δ(f[j], w[j + 1] w[j]) ∈ B[j + 2]``.
No counting is needed, so words of any length cost time and memory linear
in their length (rows are processed in chunks of bounded size).

Examples
--------
>>> import numpy as np
>>> from grammar import library
>>> dfa = library.tomita(1).dfa                     # 1*: codes 1 = '0', 2 = '1'
>>> at_distance_one(dfa, np.array([[2, 1, 2], [1, 1, 0]])).tolist()
[True, False]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from grammar.codes import code_table
from grammar.negatives.kinds import (
    DELETE,
    EDIT_KINDS,
    INSERT,
    SUBSTITUTE,
    TRANSPOSE,
    UNIT_KINDS,
    consistent,
    edit_kind,
    mutate,
)

if TYPE_CHECKING:
    from grammar.automaton import DFA

__all__ = [
    "CHUNK_ENTRIES",
    "INVERSE",
    "Repairs",
    "at_distance_one",
    "made_by",
    "pick_sources",
]

#: The edit that undoes each kind (a transposition undoes itself), by index.
INVERSE = {kind.index: kind.undo.index for kind in EDIT_KINDS}
#: Rows per chunk are chosen so that a chunk's tables hold about this many entries.
CHUNK_ENTRIES = 1 << 24


class Repairs:
    """The single edits that turn each row of `codes` (0-padded) into a member of `dfa`."""

    def __init__(self, dfa: DFA, codes: np.ndarray) -> None:
        table = code_table(dfa)  # column 0 (padding) keeps the state
        m, width = codes.shape
        self.dfa, self.codes = dfa, codes.astype(np.intp)
        self.lengths = np.count_nonzero(codes, axis=1)
        self.k = len(dfa.alphabet)
        forward = np.empty((m, width + 1), dtype=np.intp)
        forward[:, 0] = dfa.start
        for j in range(width):
            forward[:, j + 1] = table[forward[:, j], self.codes[:, j]]
        self.forward = forward
        # back[:, j, q]: reading w[j:] from q is accepted (padding reads as "stay").
        back = np.empty((m, width + 2, dfa.n_states), dtype=bool)
        back[:, width] = back[:, width + 1] = dfa.accepting[None, :]
        rows = np.arange(m)[:, None]
        for j in range(width - 1, -1, -1):
            back[:, j] = back[rows, j + 1, table[:, self.codes[:, j]].T]
        self.back = back

    def applying(self, kind: Any) -> np.ndarray:
        """Where one edit of `kind` turns each row into a member: (m, positions), with a last
        axis over the k symbols (0-based) when the edit brings one.

        A row plays the member's part: at position j it reads the edit's
        `reads` slots, and the edited word its `writes`, so the edited word
        is a member iff the state after ``w[:j]`` and the written symbols lies
        in ``B[j + len(reads)]``.
        """
        edit = edit_kind(kind)
        m, width = self.codes.shape
        j = np.arange(max(width - edit.shortest + 1, 0))
        read = [self.codes[:, j + i] for i in range(edit.shortest)]
        table = code_table(self.dfa)  # column 0 (padding) keeps the state
        state, brought = self.forward[:, j], None
        for slot in edit.writes:
            if slot in edit.brings:  # every symbol: a last axis of k
                if brought is None:
                    state, brought = self.dfa.table[state], np.arange(1, self.k + 1)
                else:
                    state = table[state, brought]
            else:
                symbol = read[edit.reads.index(slot)]
                state = table[state, symbol if brought is None else symbol[:, :, None]]
        rows, end = np.arange(m)[:, None], j[None, :] + edit.shortest
        lengths = self.lengths[:, None]
        if brought is not None:
            rows, end, lengths = rows[:, :, None], end[:, :, None], lengths[:, :, None]
            read = [symbol[:, :, None] for symbol in read]
        hit = self.back[rows, end, state] & (end <= lengths)
        # A slot named twice holds one symbol; with `distinct`, different slots different ones.
        slots = (*edit.reads, *edit.brings)
        if len(slots) > 1:
            hit &= consistent(slots, [*read, *([brought] if edit.brings else [])], edit.distinct)
        return hit

    def deletions(self) -> np.ndarray:
        """(m, width): deleting symbol j gives a member."""
        return self.applying(DELETE)

    def substitutions(self) -> np.ndarray:
        """(m, width, k): putting symbol a at position j (a different symbol) gives a member."""
        return self.applying(SUBSTITUTE)

    def insertions(self) -> np.ndarray:
        """(m, width + 1, k): inserting symbol a before position j gives a member."""
        return self.applying(INSERT)

    def transpositions(self) -> np.ndarray:
        """(m, max(width - 1, 0)): swapping symbols j and j + 1 (which differ) gives a member."""
        return self.applying(TRANSPOSE)

    def undoing(self, kind: Any) -> np.ndarray:
        """Where the inverse of an edit of `kind` gives a member: the ways each row could
        have been made from a member by one edit of `kind`."""
        return self.applying(edit_kind(kind).undo)

    def any_single_edit(self) -> np.ndarray:
        """(m,): some insertion, deletion or substitution gives a member."""
        out = np.zeros(len(self.codes), dtype=bool)
        for kind in UNIT_KINDS:
            hit = self.applying(kind)
            out |= hit.any(axis=tuple(range(1, hit.ndim)))
        return out


def _chunks(dfa: DFA, codes: np.ndarray) -> range:
    """Row offsets of chunks whose tables stay within :data:`CHUNK_ENTRIES`."""
    per_row = (codes.shape[1] + 2) * (dfa.n_states + 2 * len(dfa.alphabet))
    return range(0, len(codes), max(1, CHUNK_ENTRIES // max(per_row, 1)))


def at_distance_one(dfa: DFA, codes: np.ndarray) -> np.ndarray:
    """Rows that one insertion, deletion or substitution turns into a member.

    For rejected words this is "at edit distance exactly 1".
    """
    out = np.zeros(len(codes), dtype=bool)
    step = _chunks(dfa, codes).step
    for start in range(0, len(codes), step):
        out[start : start + step] = Repairs(dfa, codes[start : start + step]).any_single_edit()
    return out


def made_by(dfa: DFA, codes: np.ndarray, kind: Any) -> np.ndarray:
    """Rows that one edit of `kind` makes from some member.

    For rejected words of a kind that edit distance counts this is "a near
    miss of that kind"; one of another kind (a transposition) must also pass
    :func:`at_distance_one`.
    """
    out = np.zeros(len(codes), dtype=bool)
    step = _chunks(dfa, codes).step
    for start in range(0, len(codes), step):
        undo = Repairs(dfa, codes[start : start + step]).undoing(kind)
        out[start : start + step] = undo.reshape(len(undo), -1).any(axis=1)
    return out


def pick_sources(
    dfa: DFA, codes: np.ndarray, kind: Any, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """For each near miss (row of `codes`), a member that one edit of `kind` turns into it.

    The member is picked uniformly among the possible ones (each row must
    have one). Returns the members as codes and the edit positions: the
    substituted symbol, the inserted symbol (in the word), the deleted symbol
    (in the member), or the first of the two transposed symbols.
    """
    m, width = codes.shape
    undo_kind = edit_kind(kind).undo
    sources = np.zeros((m, width + max(undo_kind.growth, 1)), dtype=codes.dtype)
    positions = np.zeros(m, dtype=np.intp)
    step = _chunks(dfa, codes).step
    for start in range(0, m, step):
        part = codes[start : start + step]
        repairs = Repairs(dfa, part)
        undo = repairs.undoing(kind)
        flat = undo.reshape(len(part), -1)
        counts = flat.sum(axis=1)
        if not counts.all():
            raise AssertionError("a near miss without a source of its kind")
        pick = (rng.random(len(part)) * counts).astype(np.intp)
        choice = (np.cumsum(flat, axis=1) <= pick[:, None]).sum(axis=1)
        if undo.ndim == 3:  # the inverse edit brings a symbol: the source's own
            position, symbol = np.divmod(choice, repairs.k)
            symbol = (symbol + 1).astype(codes.dtype)
        else:
            position, symbol = choice, None
        out = mutate(part, undo_kind, position, symbol)
        sources[start : start + step] = out
        positions[start : start + step] = position
    return sources, positions
