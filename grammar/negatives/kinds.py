"""The four kinds of edit that make near misses, and how one is applied to a batch of words.

A kind is named by a string (:data:`KINDS`) in the public interface and by
its index internally (:data:`SUBSTITUTE`, :data:`INSERT`, :data:`DELETE`,
:data:`TRANSPOSE`), so that batches of words carry their kind as a small int.

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
"""

from __future__ import annotations

from typing import Any

import numpy as np

from grammar.errors import GrammarError

__all__ = [
    "DELETE",
    "GROWTH",
    "INSERT",
    "KINDS",
    "SHORTEST",
    "SUBSTITUTE",
    "TRANSPOSE",
    "check_kinds",
    "mutate",
]

#: The edits that make near misses, in the order strategies try them.
KINDS: tuple[str, ...] = ("substitute", "insert", "delete", "transpose")
#: Index of each kind in :data:`KINDS`.
SUBSTITUTE, INSERT, DELETE, TRANSPOSE = range(4)
#: Length change of the word made by each kind of edit.
GROWTH = np.array([0, 1, -1, 0])
#: Shortest member each kind of edit applies to.
SHORTEST = np.array([1, 0, 1, 2])


def check_kinds(kinds: Any) -> tuple[str, ...]:
    """Check a selection of kinds of edit; return it in the canonical order of :data:`KINDS`.

    A single str stands for one kind.

    Raises
    ------
    TypeError
        If `kinds` is not a str or a sequence of str.
    GrammarError
        If it is empty or names an unknown kind.

    Examples
    --------
    >>> check_kinds("delete")
    ('delete',)
    >>> check_kinds(["swap"])
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: unknown kind of edit 'swap'; choose from substitute, insert, \
delete, transpose
    """
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


def mutate(
    codes: np.ndarray, kind: int, position: np.ndarray, symbol: np.ndarray | None
) -> np.ndarray:
    """Apply one edit of `kind` per row (at `position`, writing `symbol`); one column wider.

    `codes` are 0-padded rows (see :mod:`grammar.codes`); `symbol` holds the
    code written by a substitution or an insertion and is ignored otherwise.
    """
    m, width = codes.shape
    out = np.zeros((m, width + 1), dtype=codes.dtype)
    out[:, :width] = codes
    rows = np.arange(m)
    if kind == SUBSTITUTE:
        out[rows, position] = symbol
    elif kind == TRANSPOSE:
        if width > 1:
            out[rows, position], out[rows, position + 1] = (codes[rows, position + 1],
                                                            codes[rows, position])
    else:
        moved = np.zeros_like(out)
        column = np.arange(width + 1)[None, :]
        if kind == INSERT:
            moved[:, 1:] = codes
            np.copyto(out, moved, where=column > position[:, None])
            out[rows, position] = symbol
        else:
            moved[:, : width - 1] = codes[:, 1:]
            np.copyto(out, moved, where=column >= position[:, None])
    return out
