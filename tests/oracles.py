"""Oracles shared by tests of both packages, written from their textbook definitions."""

from collections.abc import Sequence


def levenshtein(u: Sequence, v: Sequence) -> int:
    """Edit distance by the textbook table: insertions, deletions, substitutions cost 1.

    Examples
    --------
    >>> levenshtein("kitten", "sitting"), levenshtein("ab", "ba"), levenshtein("", "ab")
    (3, 2, 2)
    """
    row = list(range(len(v) + 1))
    for i, x in enumerate(u, 1):
        previous, row[0] = row[0], i
        for j, y in enumerate(v, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (x != y))
    return row[-1]
