"""The generator methods of :class:`grammar.Grammar`: three forwarders, and three deprecated ones.

The generators are plain functions taking a grammar, networkx style:
:func:`grammar.sample`, :func:`grammar.sample_uniform`,
:func:`grammar.near_misses`, :func:`grammar.non_members`,
:func:`grammar.distance`. ``Grammar`` keeps ``g.sample(n)``,
``g.sample_uniform(n, length)`` and ``g.near_misses(n)`` as documented
one-line forwarders, since they are how a grammar makes data. The other
methods of earlier releases still work, with a :class:`DeprecationWarning`,
and give the same results:

- ``g.non_members(n, length)``: :func:`grammar.non_members`;
- ``g.distance(word)``: :func:`grammar.distance`;
- ``g.expected_walk_length()``: :func:`grammar.walks.expected_walk_length`
  (the method rounds to 9 decimal places, as it always did).

:func:`generator_method` makes each of them from :data:`GENERATOR_METHODS`.
None of the modules called imports :mod:`grammar.core`, so the arrows run one way.

Examples
--------
>>> import warnings
>>> from grammar import library
>>> g = library.reber()
>>> g.sample(2, seed=0) == library.reber().sample(2, seed=0)
True
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     g.distance("BTXSEE")
1
>>> print(caught[0].category.__name__, caught[0].message)
DeprecationWarning Grammar.distance is deprecated; use grammar.distance(g, word)
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

__all__ = ["GENERATOR_METHODS", "generator_method"]


def _sample(g: Any, *args: Any, **kwargs: Any) -> Any:
    from grammar.sampling import sample

    return sample(g, *args, **kwargs)


def _sample_uniform(g: Any, *args: Any, **kwargs: Any) -> Any:
    from grammar.sampling import sample_uniform

    return sample_uniform(g, *args, **kwargs)


def _near_misses(g: Any, *args: Any, **kwargs: Any) -> Any:
    from grammar.negatives import near_misses

    return near_misses(g, *args, **kwargs)


def _non_members(g: Any, *args: Any, **kwargs: Any) -> Any:
    from grammar.negatives import non_members

    return non_members(g, *args, **kwargs)


def _distance(g: Any, *args: Any, **kwargs: Any) -> Any:
    from grammar.negatives import distance

    return distance(g, *args, **kwargs)


def _expected_walk_length(g: Any) -> float:
    from grammar.walks import expected_walk_length

    return round(expected_walk_length(g), 9)


#: Each generator method: whether it is deprecated, the plain call it stands
#: for, what that gives, and the function it calls with the grammar first.
GENERATOR_METHODS: dict[str, tuple[bool, str, str, Callable[..., Any]]] = {
    "sample": (False, "grammar.sample(g, n, seed=None, *, min_length=None, max_length=None)",
               "Random walks with the declared weights", _sample),
    "sample_uniform": (False, "grammar.sample_uniform(g, n, length, seed=None)",
                       "Exactly uniform members of the given length(s)", _sample_uniform),
    "near_misses": (False, "grammar.near_misses(g, n, seed=None, **options)",
                    "Non-members at edit distance 1, with their edits", _near_misses),
    "non_members": (True, "grammar.non_members(g, n, length)", "", _non_members),
    "distance": (True, "grammar.distance(g, word)", "", _distance),
    "expected_walk_length": (True, "grammar.walks.expected_walk_length(g)", "",
                             _expected_walk_length),
}


def generator_method(name: str) -> Callable[..., Any]:
    """The method `name` of :data:`GENERATOR_METHODS`: it calls the plain function with ``self``.

    A deprecated one warns first.

    Examples
    --------
    >>> print(generator_method("sample_uniform").__doc__)
    Exactly uniform members of the given length(s).
    <BLANKLINE>
    ``g.sample_uniform(...)`` is ``grammar.sample_uniform(g, n, length, seed=None)``, whose
    documentation gives the arguments.
    >>> generator_method("non_members").__doc__
    'Deprecated: use grammar.non_members(g, n, length), which gives the same result.'
    """
    deprecated, call, summary, forward = GENERATOR_METHODS[name]
    if deprecated:
        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            warnings.warn(f"Grammar.{name} is deprecated; use {call}", DeprecationWarning,
                          stacklevel=2)
            return forward(self, *args, **kwargs)

        method.__doc__ = f"Deprecated: use {call}, which gives the same result."
    else:
        def method(self: Any, *args: Any, **kwargs: Any) -> Any:
            return forward(self, *args, **kwargs)

        method.__doc__ = (f"{summary}.\n\n``g.{name}(...)`` is ``{call}``, whose\n"
                          "documentation gives the arguments.")
    method.__name__ = method.__qualname__ = name
    return method
