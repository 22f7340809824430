"""The long words an extraction checks after its search, drawn in rounds within a deadline.

Each round draws members, near misses and uniform random words in equal
shares, runs the network on the distinct ones not checked before, and
judges them with the grammar. The rounds grow fourfold (3, 12, 48, ...
words) up to the number asked for, so the words drawn depend on the seed
alone; a round runs only while the last one's pace says it ends before the
deadline, and within a round a source is drawn from only while its last
draw (for the first near misses, ten times the members' draw) would end
before the deadline.
Words are counted once however often they are drawn.

Examples
--------
>>> import time
>>> from grammar import library
>>> g = library.get("tomita-1")                      # 1*, over 0 and 1
>>> long = check_long(g.accepts_many, g, ("0", "1"), n=30, lengths=(5, 8), seed=0,
...                   deadline=time.perf_counter() + 10)
>>> long.checked, long.wrong, long.stopped       # of 1*, only 4 members are that long
(23, None, False)
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from grammar import EmptyLanguageError, Grammar, GrammarError
from grammar.seeds import as_generator

__all__ = ["LongCheck", "check_long"]

Word = tuple[str, ...]
# The first round's size, and how much each round grows.
_FIRST, _GROWTH = 3, 4
# A first draw of near misses is expected to take this many times the members' draw (3 to 9
# times on words of thousands of symbols).
_NEAR_MISS_COST = 10.0


@dataclass(frozen=True)
class LongCheck:
    """What :func:`check_long` checked.

    Attributes
    ----------
    checked : int
        Distinct words checked.
    longest : int
        The longest of them (0 when none).
    wrong : tuple of str or None
        The shortest (then shortlex-first) word the network got wrong.
    stopped : bool
        True when the deadline cut the rounds short.
    """

    checked: int
    longest: int
    wrong: Word | None
    stopped: bool


def check_long(ask: Callable[[list[Word]], Any], g: Grammar, alphabet: Sequence[str], *,
               n: int, lengths: tuple[int, int], seed: Any, deadline: float) -> LongCheck:
    """Draw about `n` words of `lengths` in rounds, and check the network on the distinct ones.

    Parameters
    ----------
    ask : callable
        The network's answers (bools) for a list of words, as symbol tuples.
    g : Grammar
        The judge; its members and near misses are drawn.
    alphabet : sequence of str
        The symbols of the uniform random words (the network's).
    n : int
        Words to draw at most, repeats included.
    lengths : tuple of int
        Their inclusive length range.
    seed
        Seed of the draws (see :func:`grammar.seeds.as_generator`).
    deadline : float
        A :func:`time.perf_counter` time.
    """
    rng = as_generator(seed)
    sources = [_random(alphabet, lengths), _members(g, lengths), _near_misses(g, lengths)]
    took = [0.0, 0.0, 0.0]  # each source's last draw, in seconds (0: not drawn yet)
    seen: set[Word] = set()
    wrong: list[Word] = []
    order = {s: j for j, s in enumerate(alphabet)}
    drawn, size, pace, stopped = 0, _FIRST, 0.0, False
    while drawn < n:
        size = min(size, n - drawn)
        began = time.perf_counter()
        if began >= deadline or began + pace * size > deadline:
            stopped = True
            break
        words: list[Word] = []
        for k, source in enumerate(sources):
            share = size // len(sources) + (1 if k < size % len(sources) else 0)
            # A draw's cost is mostly set up per call: expect the last one's, and for the
            # first near misses, many times the members' (as measured on long words).
            expect = took[k] or (_NEAR_MISS_COST * took[1] if k == 2 else 0.0)
            at = time.perf_counter()
            if not share or at >= deadline or at + expect > deadline:
                stopped = stopped or bool(share)
                continue
            words += source(share, rng)
            took[k] = time.perf_counter() - at
        drawn += size
        new = [w for w in dict.fromkeys(words) if w not in seen]
        seen.update(new)
        if new:
            said = np.asarray(ask(new), dtype=bool)
            truth = np.asarray(g.accepts_many(new), dtype=bool)
            wrong += [new[i] for i in np.flatnonzero(said != truth)]
        pace = (time.perf_counter() - began) / size
        size *= _GROWTH
    shortest = min(wrong, key=lambda w: (len(w), [order.get(s, -1) for s in w]), default=None)
    return LongCheck(len(seen), max(map(len, seen), default=0), shortest, stopped)


def _random(alphabet: Sequence[str], lengths: tuple[int, int]) -> Callable[..., list[Word]]:
    symbols = tuple(alphabet)

    def draw(k: int, rng: np.random.Generator) -> list[Word]:
        sizes = rng.integers(lengths[0], lengths[1] + 1, size=k)
        return [tuple(symbols[j] for j in rng.integers(0, len(symbols), size=int(m)))
                for m in sizes]

    return draw


def _members(g: Grammar, lengths: tuple[int, int]) -> Callable[..., list[Word]]:
    none = [False]

    def draw(k: int, rng: np.random.Generator) -> list[Word]:
        if not none[0]:
            with contextlib.suppress(EmptyLanguageError):  # no member of those lengths
                return [tuple(g.symbols_of(w)) for w in g.sample_uniform(k, length=lengths,
                                                                          seed=rng)]
            none[0] = True
        return []

    return draw


def _near_misses(g: Grammar, lengths: tuple[int, int]) -> Callable[..., list[Word]]:
    none = [False]

    def draw(k: int, rng: np.random.Generator) -> list[Word]:
        if not none[0]:
            with contextlib.suppress(GrammarError):  # no near miss of those lengths
                return [tuple(g.symbols_of(w))
                        for w in g.near_misses(k, length=lengths, seed=rng).words]
            none[0] = True
        return []

    return draw
