"""The one place where a ``seed`` argument becomes a random generator.

Every generator of grammarlab takes ``seed``: an int >= 0, None (fresh
entropy) or a :class:`numpy.random.Generator` (used as it is, so a caller can
thread one generator through several calls). :func:`as_generator` does the
conversion and :func:`random_state` is the decorator form, in the manner of
networkx's ``np_random_state``. No code of the package makes a generator any
other way, so every draw is reproducible from the seed the user gave.

Examples
--------
>>> int(as_generator(7).integers(100)) == int(as_generator(7).integers(100))
True
>>> rng = as_generator(None)
>>> as_generator(rng) is rng
True
>>> @random_state("seed")
... def roll(n, seed=None):
...     return seed.integers(1, 7, size=n).tolist()
>>> roll(3, seed=1) == roll(3, seed=1)
True
"""

from __future__ import annotations

import functools
import inspect
import numbers
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from grammar.errors import GrammarError

__all__ = ["as_generator", "random_state", "derive_seed"]

F = TypeVar("F", bound=Callable[..., Any])


def as_generator(seed: Any = None, name: str = "seed") -> np.random.Generator:
    """A numpy Generator for `seed`: an int >= 0, None, or a Generator (returned as is).

    Raises
    ------
    TypeError
        For any other type (bools, floats and legacy ``RandomState`` included).
    GrammarError
        For a negative int.

    Examples
    --------
    >>> as_generator(-5)
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: seed must be an int >= 0, None or a numpy Generator; got -5
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{name} must be an int >= 0, None or a numpy Generator, "
                        f"not {type(seed).__name__}")
    if seed < 0:
        raise GrammarError(f"{name} must be an int >= 0, None or a numpy Generator; got {seed}")
    return np.random.default_rng(int(seed))


def derive_seed(seed: Any = None, name: str = "seed") -> int:
    """An int that reproduces a run: `seed` itself, or one drawn from the generator or entropy.

    Used where the seed is recorded (a data set's header, a command's JSON output).

    Examples
    --------
    >>> derive_seed(12)
    12
    >>> isinstance(derive_seed(None), int)
    True
    """
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        as_generator(seed, name)  # the same checks
        return int(seed)
    return int(as_generator(seed, name).integers(2**63))


def random_state(argument: str = "seed") -> Callable[[F], F]:
    """Decorator: replace the `argument` of the call by :func:`as_generator` of it.

    Examples
    --------
    >>> @random_state()
    ... def coin(seed=None):
    ...     return bool(seed.integers(2))
    >>> coin(seed=3) == coin(seed=3)
    True
    """

    def decorate(function: F) -> F:
        signature = inspect.signature(function)
        if argument not in signature.parameters:
            raise TypeError(f"{function.__name__} has no parameter {argument!r}")

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            bound.arguments[argument] = as_generator(bound.arguments[argument], argument)
            return function(*bound.args, **bound.kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
