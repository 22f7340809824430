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

from typing import TYPE_CHECKING

import numpy as np

from grammar.codes import code_table
from grammar.negatives.kinds import DELETE, INSERT, SUBSTITUTE, TRANSPOSE, mutate

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

#: The edit that undoes each kind (a transposition undoes itself).
INVERSE = {SUBSTITUTE: SUBSTITUTE, INSERT: DELETE, DELETE: INSERT, TRANSPOSE: TRANSPOSE}
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

    def _successors(self, j: np.ndarray) -> np.ndarray:
        """δ(f[j], a) for every symbol a: (m, len(j), k)."""
        return self.dfa.table[self.forward[:, j]]

    def deletions(self) -> np.ndarray:
        """(m, width): deleting symbol j gives a member."""
        m, width = self.codes.shape
        j = np.arange(width)
        hit = self.back[np.arange(m)[:, None], j[None, :] + 1, self.forward[:, :width]]
        return hit & (j[None, :] < self.lengths[:, None])

    def substitutions(self) -> np.ndarray:
        """(m, width, k): putting symbol a at position j (a different symbol) gives a member."""
        m, width = self.codes.shape
        j = np.arange(width)
        hit = self.back[np.arange(m)[:, None, None], j[None, :, None] + 1, self._successors(j)]
        hit &= (j[None, :] < self.lengths[:, None])[:, :, None]
        hit &= np.arange(1, self.k + 1)[None, None, :] != self.codes[:, :, None]
        return hit

    def insertions(self) -> np.ndarray:
        """(m, width + 1, k): inserting symbol a before position j gives a member."""
        m, width = self.codes.shape
        j = np.arange(width + 1)
        hit = self.back[np.arange(m)[:, None, None], j[None, :, None], self._successors(j)]
        return hit & (j[None, :] <= self.lengths[:, None])[:, :, None]

    def transpositions(self) -> np.ndarray:
        """(m, max(width - 1, 0)): swapping symbols j and j + 1 (which differ) gives a member."""
        m, width = self.codes.shape
        if width < 2:
            return np.zeros((m, 0), dtype=bool)
        j = np.arange(width - 1)
        a, b = self.codes[:, :-1], self.codes[:, 1:]
        table = code_table(self.dfa)
        after = table[table[self.forward[:, : width - 1], b], a]
        hit = self.back[np.arange(m)[:, None], j[None, :] + 2, after]
        return hit & (a != b) & (j[None, :] + 1 < self.lengths[:, None])

    def undoing(self, kind: int) -> np.ndarray:
        """Where the inverse of an edit of `kind` gives a member: the ways each row could
        have been made from a member by one edit of `kind`."""
        return {
            SUBSTITUTE: self.substitutions,
            INSERT: self.deletions,
            DELETE: self.insertions,
            TRANSPOSE: self.transpositions,
        }[kind]()

    def any_single_edit(self) -> np.ndarray:
        """(m,): some insertion, deletion or substitution gives a member."""
        return (self.deletions().any(axis=1) | self.substitutions().any(axis=(1, 2))
                | self.insertions().any(axis=(1, 2)))


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


def made_by(dfa: DFA, codes: np.ndarray, kind: int) -> np.ndarray:
    """Rows that one edit of `kind` makes from some member.

    For rejected words of a kind other than transposition this is "a near
    miss of that kind"; a transposition must also pass :func:`at_distance_one`.
    """
    out = np.zeros(len(codes), dtype=bool)
    step = _chunks(dfa, codes).step
    for start in range(0, len(codes), step):
        undo = Repairs(dfa, codes[start : start + step]).undoing(kind)
        out[start : start + step] = undo.reshape(len(undo), -1).any(axis=1)
    return out


def pick_sources(
    dfa: DFA, codes: np.ndarray, kind: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """For each near miss (row of `codes`), a member that one edit of `kind` turns into it.

    The member is picked uniformly among the possible ones (each row must
    have one). Returns the members as codes and the edit positions: the
    substituted symbol, the inserted symbol (in the word), the deleted symbol
    (in the member), or the first of the two transposed symbols.
    """
    m, width = codes.shape
    sources = np.zeros((m, width + 1), dtype=codes.dtype)
    positions = np.zeros(m, dtype=np.intp)
    step = _chunks(dfa, codes).step
    for start in range(0, m, step):
        part = codes[start : start + step]
        repairs = Repairs(dfa, part)
        flat = repairs.undoing(kind).reshape(len(part), -1)
        counts = flat.sum(axis=1)
        if not counts.all():
            raise AssertionError("a near miss without a source of its kind")
        pick = (rng.random(len(part)) * counts).astype(np.intp)
        choice = (np.cumsum(flat, axis=1) <= pick[:, None]).sum(axis=1)
        if kind in (SUBSTITUTE, DELETE):
            position, symbol = np.divmod(choice, repairs.k)
            symbol = (symbol + 1).astype(codes.dtype)
        else:
            position, symbol = choice, None
        out = mutate(part, INVERSE[kind], position, symbol)
        sources[start : start + step] = out
        positions[start : start + step] = position
    return sources, positions
