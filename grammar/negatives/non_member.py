"""Random non-members: words over the alphabet that the grammar rejects, with their distances.

Examples
--------
>>> from grammar import library
>>> found = non_members(library.tomita(4), 3, length=5, seed=0)   # no 000
>>> all("000" in w for w in found)
True
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from grammar.checks import check_count, check_length_range
from grammar.codes import Codec
from grammar.negatives.edit_distance import edit_distance_of
from grammar.negatives.repairs import at_distance_one
from grammar.sampling import uniform_codes
from grammar.seeds import random_state

if TYPE_CHECKING:
    from grammar.core import Grammar
    from grammar.words import Word

__all__ = ["NonMembers", "non_members"]


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


@random_state("seed")
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
    codes = uniform_codes(g, n, lo, hi, seed, members=False)
    program = edit_distance_of(g, allow_empty=True)
    if program.empty:
        found = np.full(n, -1, dtype=np.int64)
    else:
        # One edit away is cheap to see (no table over all states per symbol); the full
        # program runs only on the words further away.
        found = np.ones(n, dtype=np.int64)
        far = np.flatnonzero(~at_distance_one(g.dfa, codes))
        if far.size:
            found[far] = program.run(codes[far])
    return NonMembers(Codec.of(g.dfa).decode(codes), found)
