"""Words and trie nodes per depth of a scope automaton, counted in one capped pass.

A search plans its walk from these counts and reports its coverage with
them, so they must be cheap at any length up to the longest one allowed
(:data:`grammar.cli_shared.MAX_LENGTH`) and must never overflow. Each count
is a float64 that is exact below :data:`COUNT_CAP` (2**53, where float64
integers stop being exact) and saturates there: a count equal to the cap
means "at least that many". Saturation commutes with the sums the pass
takes (every term is a non-negative integer), so a capped count is exactly
``min(true count, COUNT_CAP)``.

The pass steps the vector of words per state one depth at a time. Once a
vector repeats (a saturated walk settles into a cycle), the rest of the
depths are filled in from the cycle instead of stepped, so a long pass over
a fast-growing language costs a few dozen steps.

A trie node at depth ``d`` beyond the exhaustive length is kept when its
state can still reach a member or near miss within ``max_length - d``
symbols; then so can every shorter prefix of it, so the nodes kept at depth
``d`` are exactly the words of length ``d`` whose state passes that test.

Examples
--------
>>> import numpy as np
>>> table = np.array([[1, 0], [1, 1]])        # over "ab": state 0 until an "a", then 1
>>> kind = np.array([1, 0], dtype=np.int8)    # state 0 (the words b*) are members
>>> reach = np.array([0, 2**61])              # state 1 never reaches a member again
>>> counted = layers(table, kind, reach, 0, max_length=3, shallow=True)
>>> counted.by_kind.tolist()                  # other, member, near miss; per length
[[0.0, 1.0, 0.0], [1.0, 1.0, 0.0], [3.0, 1.0, 0.0], [7.0, 1.0, 0.0]]
>>> counted.kept.tolist(), counted.shallow.tolist()
([1.0, 1.0, 1.0, 1.0], [1.0, 2.0, 3.0, 4.0])
>>> layers(table, kind, reach, 0, max_length=100_000).by_kind[-1].tolist() == [
...     COUNT_CAP, 1.0, 0.0]
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["COUNT_CAP", "Layers", "layers"]

#: Counts saturate here (2**53): below it they are exact, at it they mean "at least".
COUNT_CAP = float(2**53)
# Recent vectors kept to spot a cycle: cycles up to this long are found.
_WINDOW = 16


@dataclass(frozen=True)
class Layers:
    """The counts of one pass up to `max_length`, all float64 capped at :data:`COUNT_CAP`.

    Attributes
    ----------
    by_kind : numpy.ndarray
        ``(max_length + 1, 3)``: words of each length ending in a state of
        each kind code (other, member, near miss).
    kept : numpy.ndarray
        ``(max_length + 1,)``: the words of each length that a walk to
        `max_length` keeps beyond its exhaustive length (the root always).
    shallow : numpy.ndarray or None
        ``(max_length + 1,)``: the trie nodes of a walk to each length
        ``0..max_length`` with exhaustive length 0 (when asked for).
    """

    by_kind: np.ndarray
    kept: np.ndarray
    shallow: np.ndarray | None

    @property
    def every(self) -> np.ndarray:
        """Words of each length, whatever their kind."""
        return np.minimum(self.by_kind.sum(axis=1), COUNT_CAP)


def layers(table: np.ndarray, kind: np.ndarray, reach: np.ndarray, start: int,
           max_length: int, shallow: bool = False) -> Layers:
    """Count the words of each length by kind, and the trie nodes a walk keeps.

    Parameters
    ----------
    table : numpy.ndarray
        int ``(n_states, n_symbols)`` transitions.
    kind : numpy.ndarray
        Kind code (0, 1 or 2) of each state.
    reach : numpy.ndarray
        Fewest symbols from each state to a member or near miss; values of
        2**60 or more mean never.
    start : int
    max_length : int
    shallow : bool
        Also count the nodes of the walks with exhaustive length 0 to every
        length up to `max_length` (:attr:`Layers.shallow`).
    """
    n = table.shape[0]
    length = max_length
    flat = np.asarray(table, dtype=np.int64).ravel()
    source = np.repeat(np.arange(n), table.shape[1])
    kind = np.asarray(kind, dtype=np.int64)
    finite = reach < 2**60
    far = int(reach[finite].max()) if finite.any() else 0  # the longest finite reach
    code = np.where(finite, reach, far + 1)  # far + 1: never
    by_kind = np.zeros((length + 1, 3))
    kept = np.zeros(length + 1)
    diagonal = np.zeros(length + 1) if shallow else None

    def mask(depth: int) -> np.ndarray:
        left = length - depth
        return finite if left >= far else reach <= left

    def record(depth: int, v: np.ndarray) -> None:
        by_kind[depth] = np.minimum(np.bincount(kind, weights=v, minlength=3), COUNT_CAP)
        kept[depth] = min(float(v[mask(depth)].sum()), COUNT_CAP)
        if diagonal is not None and depth:
            # A node at this depth with reach r is in every walk to a length >= depth + r.
            h = np.bincount(code, weights=v, minlength=far + 2)[: far + 1]
            top = min(far + 1, length + 1 - depth)
            diagonal[depth : depth + top] += h[:top]

    v = np.zeros(n)
    v[start] = 1.0
    record(0, v)
    seen = {v.tobytes(): 0}  # the recent vectors, by their bytes, and their depths
    ring = [v]
    depth = 0
    while depth < length:
        v = np.minimum(np.bincount(flat, weights=v[source], minlength=n), COUNT_CAP)
        depth += 1
        key = v.tobytes()
        if key in seen:
            # The step is a function of the vector, so from here the vectors cycle.
            cycle = ring[seen[key] - depth :]
            plain = length - far  # deeper than this, the mask narrows
            for phase, w in enumerate(cycle):
                first = depth + phase
                if first > plain:
                    break
                rows = slice(first, plain + 1, len(cycle))
                by_kind[rows] = np.minimum(np.bincount(kind, weights=w, minlength=3), COUNT_CAP)
                kept[rows] = min(float(w[finite].sum()), COUNT_CAP)
                if diagonal is not None:
                    h = np.bincount(code, weights=w, minlength=far + 2)
                    times = len(range(first, plain + 1, len(cycle)))
                    for r in range(far + 1):
                        diagonal[first + r : first + r + times * len(cycle) : len(cycle)] += h[r]
            for d in range(max(depth, plain + 1), length + 1):
                record(d, cycle[(d - depth) % len(cycle)])
            break
        record(depth, v)
        seen[key] = depth
        ring.append(v)
        if len(ring) > _WINDOW:
            del seen[ring.pop(0).tobytes()]
    kept[0] = 1.0
    if diagonal is not None:
        diagonal[0] = 1.0
        diagonal = np.minimum(np.cumsum(diagonal), COUNT_CAP)
    return Layers(by_kind, kept, diagonal)
