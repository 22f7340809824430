"""The kind of each row of a data set, and the negatives mix that asks for them.

A row is a ``"member"``, a near miss named by its edit (one of
:data:`grammar.negatives.KINDS`, such as ``"substitute"``), the same edit with the suffix
``"-long-range"`` when the near miss is *locally plausible* (every window of
three symbols occurs in some member, see
:attr:`grammar.negatives.NearMisses.long_range`), or ``"random"`` (a uniform
non-member). A long-range near miss is a kind of its own, so that a comparison
by kind reports on them apart from the near misses that a local window gives away.

Examples
--------
>>> import numpy as np
>>> miss_kinds(np.array(["substitute", "delete"]), np.array([True, False])).tolist()
['substitute-long-range', 'delete']
>>> check_negatives({"near_miss": 1, "random": 3})
[('near_miss', 0.25), ('random', 0.75)]
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from grammar.errors import GrammarError
from grammar.negatives import KINDS

__all__ = [
    "LONG_RANGE_SUFFIX",
    "NEGATIVE_KINDS",
    "ROW_KINDS",
    "KIND_DTYPE",
    "check_negatives",
    "miss_kinds",
]

#: Keys of the `negatives` mix: all near misses, one kind of near miss, or random non-members.
NEGATIVE_KINDS: tuple[str, ...] = ("near_miss", *KINDS, "random")
#: Added to an edit's name for a locally plausible (long-range) near miss.
LONG_RANGE_SUFFIX = "-long-range"
#: Every kind a row of a data set made here can have.
ROW_KINDS: tuple[str, ...] = (
    "member", *KINDS, *(kind + LONG_RANGE_SUFFIX for kind in KINDS), "random"
)
#: A numpy str dtype that holds every row kind.
KIND_DTYPE = f"<U{max(len(kind) for kind in ROW_KINDS)}"


def miss_kinds(edits: np.ndarray, long_range: np.ndarray) -> np.ndarray:
    """The row kind of each near miss: its edit, suffixed where it is long-range."""
    edits = np.asarray(edits, dtype=KIND_DTYPE)
    return np.where(np.asarray(long_range, dtype=bool),
                    np.char.add(edits, LONG_RANGE_SUFFIX), edits).astype(KIND_DTYPE)


def check_negatives(negatives: Any) -> list[tuple[str, float]]:
    """Check a negatives mix (kind -> fraction) and return its positive parts, normalised.

    Examples
    --------
    >>> check_negatives({"swap": 1})
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: unknown negative kind 'swap'; choose from near_miss, \
substitute, insert, delete, transpose, random
    """
    if not isinstance(negatives, dict):
        raise TypeError(f"negatives must be a dict of kind -> fraction, not "
                        f"{type(negatives).__name__}")
    mix = []
    for kind, weight in negatives.items():
        if kind not in NEGATIVE_KINDS:
            raise GrammarError(f"unknown negative kind {kind!r}; choose from "
                               f"{', '.join(NEGATIVE_KINDS)}")
        if isinstance(weight, bool) or not isinstance(weight, numbers.Real) or not (
                math.isfinite(weight) and weight >= 0):
            raise GrammarError(f"negatives[{kind!r}] must be a number >= 0, got {weight!r}")
        if weight > 0:
            mix.append((kind, float(weight)))
    if not mix:
        raise GrammarError("negatives must give some kind a positive fraction")
    total = sum(w for _, w in mix)
    return [(kind, w / total) for kind, w in mix]
