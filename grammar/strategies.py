"""Hypothesis strategies for members, near misses and non-members of a grammar.

Each strategy draws a length, then an index among the words of that length,
and unranks it on a DFA: the grammar's own (:func:`members`), its complement
(:func:`non_members`), or the near-miss automaton
(:func:`grammar.negatives.near_miss_dfa`). Both choices go through
Hypothesis, so shrinking works on them directly: the length shrinks to the
shortest length that still fails, and the index to the first word of that
length in lexicographic order. Nothing is filtered, so there are no
health-check failures, and every word is what it claims to be.

Arguments are checked when the strategy is created, and bad ones raise
:class:`hypothesis.errors.InvalidArgument`, as Hypothesis's own strategies do.

Examples
--------
>>> from hypothesis import find, settings
>>> from grammar import library
>>> from grammar.strategies import members, near_misses
>>> g = library.embedded_reber()
>>> quiet = settings(database=None)       # no saved examples: the same answer every run
>>> find(members(g), lambda w: len(w) >= 12, settings=quiet)   # shortest length >= 12
'BPBPTTTVVEPE'
>>> find(members(g), lambda w: "X" in w, settings=quiet)
'BPBTXSEPE'
>>> find(near_misses(g), lambda w: True, settings=quiet)       # shortest, shortlex-first
'BBPVVEPE'
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from grammar.codes import Codec, dfa_live
from grammar.errors import GrammarError
from grammar.negatives import DEFAULT_KINDS, check_kinds, near_miss_dfa
from grammar.ranking import count_table, unrank_word

if TYPE_CHECKING:
    from grammar.automaton import DFA
    from grammar.core import Grammar
    from grammar.words import Word

__all__ = ["members", "near_misses", "non_members"]

# Without max_size, lengths run this far past the shortest allowed one.
DEFAULT_SPAN = 40


@dataclass(frozen=True, eq=False)
class _Language:
    """Words of a DFA (members, or with ``members=False`` non-members) by length."""

    dfa: DFA
    members: bool
    lengths: tuple[int, ...]  # the lengths that have words, shortest first
    counts: tuple[int, ...]  # words of each length in `lengths`

    def word(self, length: int, rank: int) -> Word:
        """The `rank`-th word of `length` in lexicographic order (see :mod:`grammar.codes`)."""
        alphabet = self.dfa.alphabet
        symbols = [alphabet[j] for j in unrank_word(self.dfa, length, rank, self.members)]
        return "".join(symbols) if Codec.of(self.dfa).single_char else tuple(symbols)


@st.composite
def _words(draw: st.DrawFn, language: _Language) -> Word:
    # Two choices, each shrinking toward 0: the shortest length, then the first word of it.
    index = draw(st.integers(0, len(language.lengths) - 1))
    rank = draw(st.integers(0, language.counts[index] - 1))
    return language.word(language.lengths[index], rank)


def _check_grammar(g: Any) -> None:
    from grammar.core import Grammar

    if not isinstance(g, Grammar):
        raise InvalidArgument(f"g={g!r} must be a grammar.Grammar")


def _check_sizes(min_size: Any, max_size: Any) -> tuple[int, int | None]:
    for name, value in (("min_size", min_size), ("max_size", max_size)):
        if value is None and name == "max_size":
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise InvalidArgument(f"{name}={value!r} must be an int")
        if value < 0:
            raise InvalidArgument(f"{name}={value!r} must be >= 0")
    if max_size is not None and max_size < min_size:
        raise InvalidArgument(f"min_size={min_size!r} is larger than max_size={max_size!r}")
    return int(min_size), None if max_size is None else int(max_size)


def _language(dfa: DFA, members: bool, min_size: int,
              max_size: int | None, what: str) -> st.SearchStrategy:
    if max_size is None:
        # The shortest allowed length is at most n_states past min_size, if there is one.
        probe = count_table(dfa, min_size + dfa.n_states, members)[:, dfa.start]
        first = next((L for L in range(min_size, len(probe)) if probe[L] > 0), None)
        if first is None:
            raise InvalidArgument(f"there are no {what} of length >= {min_size}")
        top = first + DEFAULT_SPAN
    else:
        top = max_size
    counts = count_table(dfa, top, members)
    lengths = [L for L in range(min_size, top + 1) if counts[L, dfa.start] > 0]
    if not lengths:
        raise InvalidArgument(f"there are no {what} of length {min_size} to {top}")
    return _words(
        _Language(
            dfa=dfa,
            members=members,
            lengths=tuple(lengths),
            counts=tuple(int(counts[L, dfa.start]) for L in lengths),
        )
    )


def members(g: Grammar, min_size: int = 0, max_size: int | None = None) -> st.SearchStrategy:
    """Members of `g` with ``min_size <= len <= max_size``.

    Shrinks toward shorter words, then toward the lexicographically first
    word of a length. Without `max_size`, lengths run up to 40 past the
    shortest member allowed.

    Examples
    --------
    >>> from hypothesis import given
    >>> from grammar import library
    >>> g = library.tomita(4)
    >>> @given(members(g, max_size=12))
    ... def test_no_000(word):
    ...     assert "000" not in word
    >>> test_no_000()
    >>> members(g, min_size=3, max_size=2)
    Traceback (most recent call last):
    ...
    hypothesis.errors.InvalidArgument: min_size=3 is larger than max_size=2
    """
    _check_grammar(g)
    low, high = _check_sizes(min_size, max_size)
    return _language(g.dfa, True, low, high,
                     f"members of {g.name or 'the grammar'}")


def non_members(g: Grammar, min_size: int = 0, max_size: int | None = None) -> st.SearchStrategy:
    """Words over the alphabet of `g` that `g` rejects, with ``min_size <= len <= max_size``.

    Examples
    --------
    >>> from hypothesis import find, settings
    >>> from grammar import library
    >>> find(non_members(library.tomita(4)), lambda w: len(w) >= 4,
    ...      settings=settings(database=None))
    '0000'
    """
    _check_grammar(g)
    low, high = _check_sizes(min_size, max_size)
    return _language(g.dfa, False, low, high,
                     f"non-members of {g.name or 'the grammar'}")


def near_misses(
    g: Grammar,
    kinds: Sequence[str] = DEFAULT_KINDS,
    min_size: int = 0,
    max_size: int | None = None,
) -> st.SearchStrategy:
    """Near misses of `g`: rejected words one edit of the given kinds away from a member.

    Every word is at edit distance exactly 1 from the language (see
    :func:`grammar.negatives.near_miss_dfa`).

    Examples
    --------
    >>> from hypothesis import find, settings
    >>> from grammar import library
    >>> find(near_misses(library.reber(), kinds=["delete"]), lambda w: True,
    ...      settings=settings(database=None))
    'BPVE'
    >>> near_misses(library.get("parity"), kinds=["transpose"])
    Traceback (most recent call last):
    ...
    hypothesis.errors.InvalidArgument: there are no near misses (transpose) of parity of length >= 0
    """
    _check_grammar(g)
    low, high = _check_sizes(min_size, max_size)
    try:
        kinds = check_kinds(kinds)
        dfa = near_miss_dfa(g, kinds)
    except (GrammarError, TypeError) as err:
        raise InvalidArgument(str(err)) from None
    what = f"near misses ({', '.join(kinds)}) of {g.name or 'the grammar'}"
    if not dfa_live(dfa)[dfa.start]:
        raise InvalidArgument(f"there are no {what} of length >= {low}")
    return _language(dfa, True, low, high, what)
