"""Random members: weighted walks on the declaration, and exactly uniform draws.

:func:`sample` runs random walks on the *declared* graph, with the declared
edge ``weight`` and node ``stop_weight``: the generative process the user
wrote down (for Reber, the classic coin flips). The walk itself lives in
:mod:`grammar.walks` (epsilon folding, alias tables, length conditioning);
every walk stops, and every walk that stops spells a member.

Length bounds are met by conditioning, never by truncation. When a walk
meets the bounds often enough, whole walks are drawn and those outside the
bounds rejected; when it rarely does, the walk is conditioned exactly on its
length (a Doob h-transform: each step is weighted by the probability that the
rest of the walk can still end within the bounds).

:func:`sample_uniform` draws exactly uniformly among the members of a length,
by counting paths on the minimal DFA with exact integers (Python ints once
counts pass 2**62) and unranking a uniformly drawn index (:mod:`grammar.codes`).

`seed` is an int >= 0, None or a :class:`numpy.random.Generator`
(:mod:`grammar.seeds`); the same int gives the same words.

Examples
--------
>>> from grammar import library
>>> from grammar.sampling import sample, sample_uniform
>>> g = library.reber()
>>> words = sample(g, 5, seed=1)
>>> len(words), all(g.accepts(w) for w in words)
(5, True)
>>> sample(g, 5, seed=1) == words                   # the same seed, the same words
True
>>> all(9 <= len(w) <= 10 for w in sample(g, 100, seed=2, min_length=9, max_length=10))
True
>>> sorted(set(sample_uniform(g, 200, length=6, seed=0)))
['BPTVVE', 'BPVPSE', 'BTSXSE']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from grammar.checks import (
    check_bounds,
    check_count,
    check_length_range,
    describe_lengths,
    grammar_label,
)
from grammar.codes import Codec
from grammar.errors import EmptyLanguageError
from grammar.ranking import count_table, member_lengths
from grammar.seeds import random_state
from grammar.uniform import uniform_lengths_codes
from grammar.walks import Walk, bounds_feasible, sample_codes

if TYPE_CHECKING:
    from grammar.core import Grammar
    from grammar.words import Word

__all__ = ["sample", "sample_uniform", "uniform_codes"]


def uniform_codes(
    g: Grammar,
    n: int,
    lo: int,
    hi: int,
    rng: np.random.Generator,
    *,
    members: bool = True,
) -> np.ndarray:
    """Codes of `n` words, length uniform among lengths in [lo, hi] that have words, then uniform.

    With ``members=False`` the words are non-members (of the grammar's alphabet).
    """
    dfa = g.dfa
    lengths = member_lengths(count_table(dfa, hi, members), lo, hi, dfa.start)
    if lengths.size == 0:
        what = "member" if members else "non-member"
        raise EmptyLanguageError(
            f"{grammar_label(g)} has no {what} of {describe_lengths(lo, hi)}"
        )
    return uniform_lengths_codes(dfa, lengths, n, rng, members)


@random_state("seed")
def sample_uniform(
    g: Grammar, n: int, length: int | tuple[int, int], seed: Any = None
) -> list[Word]:
    """Draw `n` members exactly uniformly among those of the given length.

    Paths are counted on the minimal DFA with exact integers, and every
    member of a length is equally likely however large the count: a uniform
    index is unranked while counts fit int64; past that, each symbol is drawn
    in proportion to the counts of what can follow (float-guided, exact on
    close calls), or, where members are common, uniform strings are kept
    when they are members (:mod:`grammar.uniform`).

    Parameters
    ----------
    g : Grammar
    n : int
        Number of words (with repetition).
    length : int or (int, int)
        One length, or an inclusive range: then each word's length is drawn
        uniformly among the lengths in the range that have members (the
        length-balanced design of MLRegTest), and the word uniformly within it.
    seed : int, None or numpy.random.Generator

    Returns
    -------
    list of str (or of tuples of tokens for a token grammar)

    Raises
    ------
    EmptyLanguageError
        If no member has the length (or any length of the range); the message
        names it.

    Examples
    --------
    >>> from grammar import library
    >>> g = library.tomita(2)
    >>> sample_uniform(g, 3, length=4, seed=0)
    ['1010', '1010', '1010']
    >>> sorted({len(w) for w in sample_uniform(g, 50, length=(1, 6), seed=0)})
    [2, 4, 6]
    >>> sample_uniform(g, 1, length=3)
    Traceback (most recent call last):
    ...
    grammar.errors.EmptyLanguageError: grammar 'tomita-2' has no member of length 3
    """
    n = check_count(n)
    lo, hi = check_length_range(length)
    return Codec.of(g.dfa).decode(uniform_codes(g, n, lo, hi, seed))



def _assemble(codec: Codec, n: int, blocks: list[tuple[np.ndarray, np.ndarray]]) -> list[Word]:
    """Words placed at their positions, so the list order is exchangeable."""
    out = np.empty(n, dtype=object)
    for codes, positions in blocks:
        out[positions] = codec.decode_objects(codes)
    return out.tolist()


@random_state("seed")
def sample(
    g: Grammar,
    n: int,
    seed: Any = None,
    min_length: int | None = None,
    max_length: int | None = None,
) -> list[Word]:
    """Draw `n` members by random walks with the declared weights.

    Each walk starts at the declared start node and, at each node, follows an
    edge with probability proportional to its ``weight``, or stops (at an
    accepting node) with probability proportional to its ``stop_weight``.
    Nodes from which no accepting node can be reached are never entered, so
    every walk ends in a member.

    Parameters
    ----------
    g : Grammar
    n : int
        Number of words (with repetition; the list order carries no meaning).
    seed : int, None or numpy.random.Generator
    min_length, max_length : int, optional
        Inclusive bounds on the word length. The walk is conditioned on them
        (rejecting whole walks, or an exact length-conditioned walk when few
        walks meet them), never truncated.

    Returns
    -------
    list of str (or of tuples of tokens for a token grammar)

    Raises
    ------
    EmptyLanguageError
        If the language has no member within the bounds.
    GrammarError
        If a bound is negative or ``min_length > max_length``, or, without
        `max_length`, a walk runs past 1,000,000 symbols.

    Examples
    --------
    >>> from grammar import library
    >>> g = library.embedded_reber()
    >>> words = sample(g, 1000, seed=0)
    >>> all(g.accepts(w) for w in words)
    True
    >>> # the second letter is T or P with equal odds
    >>> round(sum(w[1] == "T" for w in words) / 1000, 1)
    0.5
    >>> min(len(w) for w in sample(g, 20, seed=0, min_length=40))
    40
    >>> sample(library.tomita(2), 1, max_length=1)
    ['']
    >>> sample(library.tomita(2), 1, min_length=3, max_length=3)
    Traceback (most recent call last):
    ...
    grammar.errors.EmptyLanguageError: grammar 'tomita-2' has no member of length 3
    """
    n = check_count(n)
    lo, hi = check_bounds(min_length, max_length)
    codec = Codec.of(g.dfa)
    if n == 0:
        Walk.of(g)  # still report an empty language
        if not bounds_feasible(g.dfa, lo, hi):
            raise EmptyLanguageError(
                f"{grammar_label(g)} has no member of {describe_lengths(lo, hi)}"
            )
        return []
    blocks = sample_codes(g, n, seed, lo, hi)
    return _assemble(codec, n, blocks)
