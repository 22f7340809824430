"""Argument checks shared by every public entry point of :mod:`grammar`.

One home for the checks, in the manner of Hypothesis's ``internal/validation.py``:
each function takes the value and the name the caller knows it by, raises
:class:`TypeError` for a value of the wrong type and
:class:`grammar.GrammarError` (a :class:`ValueError`) for a value out of range,
naming the argument, and returns the value normalised.

Examples
--------
>>> check_count(3), check_length_range((2, 5)), check_fraction(0.5, "long_range")
(3, (2, 5), 0.5)
>>> check_count(-1, "n_examples")
Traceback (most recent call last):
...
grammar.errors.GrammarError: n_examples must be >= 0, got -1
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, Any

from grammar.errors import GrammarError

if TYPE_CHECKING:
    from grammar.core import Grammar

__all__ = [
    "check_bounds",
    "check_count",
    "check_fraction",
    "check_length",
    "check_length_range",
    "check_positive",
    "check_symbols",
    "describe_lengths",
    "grammar_label",
]


def check_count(n: Any, name: str = "n") -> int:
    """Check that `n` is an int >= 0 (not a bool) and return it as an int.

    Examples
    --------
    >>> check_count(3)
    3
    >>> check_count(2.0)
    Traceback (most recent call last):
    ...
    TypeError: n must be an int, not float
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{name} must be an int, not {type(n).__name__}")
    if n < 0:
        raise GrammarError(f"{name} must be >= 0, got {n}")
    return int(n)


def check_positive(n: Any, name: str = "n") -> int:
    """Check that `n` is an int >= 1 and return it.

    Examples
    --------
    >>> check_positive(0, "batch_size")
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: batch_size must be >= 1, got 0
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{name} must be an int, not {type(n).__name__}")
    value = int(n)
    if value < 1:
        raise GrammarError(f"{name} must be >= 1, got {value}")
    return value


def check_length(length: Any, name: str = "length") -> int:
    """Check one word length (an int >= 0).

    Examples
    --------
    >>> check_length(7)
    7
    """
    return check_count(length, name)


def check_length_range(length: Any, name: str = "length") -> tuple[int, int]:
    """Normalise an int length or an inclusive ``(lo, hi)`` pair to ``(lo, hi)``.

    Examples
    --------
    >>> check_length_range(4), check_length_range((2, 5))
    ((4, 4), (2, 5))
    >>> check_length_range((5, 2))
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: length range (5, 2) is empty: lo > hi
    """
    if isinstance(length, (tuple, list)):
        if len(length) != 2:
            raise GrammarError(f"{name} must be an int or a (lo, hi) pair, got {length!r}")
        lo, hi = (check_count(x, name) for x in length)
        if lo > hi:
            raise GrammarError(f"{name} range ({lo}, {hi}) is empty: lo > hi")
        return lo, hi
    value = check_count(length, name)
    return value, value


def check_bounds(min_length: Any, max_length: Any) -> tuple[int, int | None]:
    """Normalise optional inclusive length bounds to ``(lo, hi)``, hi None for no bound.

    Examples
    --------
    >>> check_bounds(None, 9), check_bounds(3, None)
    ((0, 9), (3, None))
    """
    lo = 0 if min_length is None else check_count(min_length, "min_length")
    hi = None if max_length is None else check_count(max_length, "max_length")
    if hi is not None and lo > hi:
        raise GrammarError(f"min_length {lo} > max_length {hi}: no length satisfies both")
    return lo, hi


def check_fraction(value: Any, name: str) -> float:
    """Check a probability or fraction in [0, 1] and return it as a float.

    Examples
    --------
    >>> check_fraction(1, "long_range")
    1.0
    >>> check_fraction(1.5, "long_range")
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: long_range must be in [0, 1], got 1.5
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number in [0, 1], not {type(value).__name__}")
    if math.isnan(float(value)) or not 0.0 <= float(value) <= 1.0:
        raise GrammarError(f"{name} must be in [0, 1], got {value!r}")
    return float(value)


def check_symbols(alphabet: Any, name: str = "alphabet") -> tuple[str, ...]:
    """Check an alphabet: a str of one-character symbols, or a sequence of distinct str.

    Examples
    --------
    >>> check_symbols("ab"), check_symbols(["open", "close"])
    (('a', 'b'), ('open', 'close'))
    >>> check_symbols("aba")
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: alphabet 'aba' repeats the symbol 'a'
    """
    if isinstance(alphabet, (bytes, bytearray)) or not hasattr(alphabet, "__iter__"):
        raise TypeError(f"{name} must be a str or a sequence of str, not {type(alphabet).__name__}")
    symbols = tuple(alphabet)
    for symbol in symbols:
        if not isinstance(symbol, str):
            raise TypeError(f"{name} symbols must be str, not {type(symbol).__name__} "
                            f"({symbol!r})")
    if not symbols or "" in symbols:
        raise GrammarError(f"{name} {alphabet!r} must hold at least one non-empty symbol")
    seen: set[str] = set()
    for symbol in symbols:
        if symbol in seen:
            raise GrammarError(f"{name} {alphabet!r} repeats the symbol {symbol!r}")
        seen.add(symbol)
    return symbols


def describe_lengths(lo: int, hi: int | None) -> str:
    """Words for a length range in error messages.

    Examples
    --------
    >>> describe_lengths(3, 3), describe_lengths(2, 5), describe_lengths(4, None)
    ('length 3', 'length 2 to 5', 'length >= 4')
    """
    if hi is None:
        return f"length >= {lo}"
    return f"length {lo}" if lo == hi else f"length {lo} to {hi}"


def grammar_label(g: Grammar) -> str:
    """How error messages name a grammar.

    Examples
    --------
    >>> from grammar import library
    >>> grammar_label(library.reber())
    "grammar 'reber'"
    """
    return f"grammar {g.name!r}" if g.name else "the grammar"
