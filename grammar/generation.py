"""Generators as methods of :class:`grammar.Grammar`: ``g.sample(n)``, ``g.near_misses(n)``.

The generators are plain functions taking a grammar, networkx style
(:func:`grammar.sampling.sample`, :func:`grammar.negatives.near_misses`, ...).
This mixin forwards to them, loading their modules only when called; none of
them imports :mod:`grammar.core`, so the arrows run one way.

Examples
--------
>>> from grammar import library
>>> g = library.reber()
>>> all(g.accepts(w) for w in g.sample(20, seed=0))
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grammar.words import Word

__all__ = ["GenerationMethods"]


class GenerationMethods:
    """Random members, near misses, non-members and edit distance."""

    __slots__ = ()

    def sample(self, n: int, seed: Any = None, **bounds: Any) -> list[Word]:
        """Random walks with the declared weights; see :func:`grammar.sampling.sample`."""
        from grammar import sampling

        return sampling.sample(self, n, seed=seed, **bounds)

    def expected_walk_length(self) -> float:
        """Expected length of a random walk with the declared weights.

        See :func:`grammar.walks.expected_walk_length`; ``inf`` when walks
        practically never stop.

        Examples
        --------
        >>> from grammar import library
        >>> library.reber().expected_walk_length()
        8.0
        """
        from grammar import walks

        return round(walks.expected_walk_length(self), 9)

    def sample_uniform(self, n: int, length: Any, seed: Any = None) -> list[Word]:
        """Exactly uniform members; see :func:`grammar.sampling.sample_uniform`."""
        from grammar import sampling

        return sampling.sample_uniform(self, n, length=length, seed=seed)

    def near_misses(self, n: int, seed: Any = None, **options: Any) -> Any:
        """Non-members at edit distance 1; see :func:`grammar.negatives.near_misses`."""
        from grammar import negatives

        return negatives.near_misses(self, n, seed=seed, **options)

    def non_members(self, n: int, length: Any, seed: Any = None) -> Any:
        """Random rejected words; see :func:`grammar.negatives.non_members`."""
        from grammar import negatives

        return negatives.non_members(self, n, length=length, seed=seed)

    def distance(self, word: Word | Sequence[str]) -> int:
        """Exact edit distance to the language; see :func:`grammar.negatives.distance`."""
        from grammar import negatives

        return negatives.distance(self, word)
