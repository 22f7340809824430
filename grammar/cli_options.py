"""The option types both command lines share, ``grammar`` and ``neural``.

Each is an argparse ``type=``: it turns one argument into a value or raises
:class:`argparse.ArgumentTypeError` with a message that argparse puts after
the option's name. :mod:`grammar.cli_shared` re-exports them with the rest
of what the two command lines share (the parser class, error handling,
output helpers).

Examples
--------
>>> length_range("3-5"), non_negative("7"), seconds("1.5")
((3, 5), 7, 1.5)
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

__all__ = ["MAX_LENGTH", "at_least", "fraction", "length", "length_range", "non_negative",
           "seconds", "seed"]

#: The longest word length an option takes. Counting words of length L costs
#: time that grows as L squared (the counts have about L digits); at this
#: length one count takes seconds, and far beyond it a run would look hung.
MAX_LENGTH = 100_000


# -- option types (argparse names the option in front of each message) -------------------------


def _quoted(text: str) -> str:
    # A long argument is cut short, so that the error stays one readable line.
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _too_long(text: str) -> str:
    return f"{_quoted(text)} is too long: lengths go up to {MAX_LENGTH}"


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:  # also raised past Python's digit limit for int(str)
        raise argparse.ArgumentTypeError(f"{_quoted(text)} is not an integer") from None


def non_negative(text: str) -> int:
    """An integer >= 0 (an argparse type).

    Examples
    --------
    >>> non_negative("3")
    3
    >>> non_negative("-3")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '-3' is negative: expected an integer >= 0
    """
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{_quoted(text)} is negative: expected an integer >= 0")
    return value


def at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type for integers >= `minimum`.

    Examples
    --------
    >>> at_least(2)("5")
    5
    >>> at_least(2)("1")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '1' is too small: expected an integer >= 2
    """

    def parse(text: str) -> int:
        value = _integer(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"{_quoted(text)} is too small: expected an integer >= {minimum}"
            )
        return value

    parse.__name__ = f"integer >= {minimum}"  # argparse shows it in "invalid <name> value"
    return parse


def seed(text: str) -> int:
    """A random seed: an integer >= 0 (an argparse type).

    Examples
    --------
    >>> seed("42")
    42
    >>> seed("-5")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '-5' is not a seed: expected an integer >= 0
    """
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{_quoted(text)} is not a seed: expected an integer >= 0")
    return value


def length(text: str) -> int:
    """One word length, 0 to :data:`MAX_LENGTH` (an argparse type).

    Examples
    --------
    >>> length("12")
    12
    >>> length("100001")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '100001' is too long: lengths go up to 100000
    """
    value = non_negative(text)
    if value > MAX_LENGTH:
        raise argparse.ArgumentTypeError(_too_long(text))
    return value


def length_range(text: str) -> tuple[int, int]:
    """``L`` or ``LO-HI`` as an inclusive range of lengths up to :data:`MAX_LENGTH`.

    An argparse type; it refuses an absurd length before any work is done.

    Examples
    --------
    >>> length_range("5"), length_range("2-8")
    ((5, 5), (2, 8))
    >>> length_range("8-2")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '8-2' is not a range of lengths 0 <= LO <= HI
    """
    low, sep, high = text.partition("-")
    try:
        lo = int(low)
        hi = int(high) if sep else lo
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{_quoted(text)} is not a length L or a range LO-HI"
        ) from None
    if lo < 0 or hi < lo:
        raise argparse.ArgumentTypeError(f"{_quoted(text)} is not a range of lengths 0 <= LO <= HI")
    if hi > MAX_LENGTH:
        raise argparse.ArgumentTypeError(_too_long(text))
    return lo, hi


def fraction(text: str) -> float:
    """A number from 0 to 1 (an argparse type).

    Examples
    --------
    >>> fraction("0.25")
    0.25
    >>> fraction("2")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '2' is not a fraction from 0 to 1
    """
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{_quoted(text)} is not a number") from None
    if not 0.0 <= value <= 1.0:  # NaN fails too
        raise argparse.ArgumentTypeError(f"{_quoted(text)} is not a fraction from 0 to 1")
    return value


def seconds(text: str) -> float:
    """A positive, finite number of seconds (an argparse type), such as a budget.

    Examples
    --------
    >>> seconds("2.5")
    2.5
    >>> seconds("0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: '0' is not a positive number of seconds
    """
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{_quoted(text)} is not a number of seconds") from None
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"{_quoted(text)} is not a positive number of seconds")
    return value
