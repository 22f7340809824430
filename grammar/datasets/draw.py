"""Drawing distinct words of one grammar, length by length, for the data-set builders.

:class:`WordDrawer` keeps the words already taken (and those excluded), so
that no word is drawn twice. Members and random non-members of a length are
drawn uniformly without replacement: distinct ranks, unranked on the DFA.
Near misses come from :func:`grammar.negatives.near_misses_by_length`, and
each gets its row kind (:func:`grammar.datasets.kinds.miss_kinds`).

Examples
--------
>>> import numpy as np
>>> from grammar import library
>>> drawer = WordDrawer(library.tomita(2), np.random.default_rng(0), exclude={"10"})
>>> drawer.distinct(4, 5, members=True), drawer.distinct(2, 1, members=True)
(['1010'], [])
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from grammar.automaton import INT64_SAFE
from grammar.codes import Codec
from grammar.datasets.kinds import miss_kinds
from grammar.datasets.record import Dataset
from grammar.errors import EmptyLanguageError
from grammar.negatives import near_misses_by_length
from grammar.ranking import count_table, unrank_codes
from grammar.uniform import uniform_codes_of

if TYPE_CHECKING:
    from grammar.core import Grammar
    from grammar.words import Word

__all__ = ["RANK_RETRIES", "WordDrawer", "excluded_by_length", "words_over"]

# Rounds of drawing near misses before random non-members take their place.
RANK_RETRIES = 8


class WordDrawer:
    """Draws distinct words of one grammar, length by length, never one of `exclude`."""

    def __init__(self, g: Grammar, rng: np.random.Generator, exclude: set) -> None:
        self.g, self.rng, self.exclude = g, rng, exclude
        self.codec = Codec.of(g.dfa)
        self.taken: set = set()
        self.excluded_at = Counter(len(word) for word in exclude)

    def distinct(self, length: int, count: int, members: bool) -> list[Word]:
        """Up to `count` new distinct (non-)members of `length`, uniformly without replacement."""
        dfa = self.g.dfa
        counts = count_table(dfa, length, members)
        available = int(counts[length, dfa.start])
        found: list = []
        # Some draws are words already taken or excluded: ask for that many more.
        draw = count + self.excluded_at[length] + 8
        while len(found) < count and available:
            draw = min(available, draw)
            want = count - len(found)
            if available < INT64_SAFE:
                ranks = self.rng.choice(available, size=draw, replace=False)
                codes = unrank_codes(dfa, np.full(draw, length), ranks, members)
            else:  # with replacement: collisions are negligible, and the checks below drop any
                codes = uniform_codes_of(dfa, np.full(draw, length), self.rng, members)
            for word in self.codec.decode(codes):
                if word not in self.taken and word not in self.exclude:
                    self.taken.add(word)
                    found.append(word)
                    want -= 1
                    if not want:
                        break
            if draw == available:
                break  # every word of the length was seen
            draw *= 2
        return found

    def misses(self, quotas: dict[int, int], kinds: tuple[str, ...],
               long_range: float) -> dict[int, tuple[list, list[str]]]:
        """Up to ``quotas[L]`` new distinct near misses of each length L, with their row kinds."""
        found: dict[int, tuple[list, list[str]]] = {L: ([], []) for L in quotas}
        for attempt in range(RANK_RETRIES):
            want = {L: q - len(found[L][0]) for L, q in quotas.items()}
            # Ask for a little more than is missing: some will be repeats.
            ask = {L: w + w // 4 + 2 * attempt for L, w in want.items() if w > 0}
            if not ask:
                break
            try:
                drawn = near_misses_by_length(self.g, ask, seed=self.rng, kinds=kinds,
                                              long_range=long_range)
            except EmptyLanguageError:
                break
            row_kinds = miss_kinds(drawn.kinds, drawn.long_range).tolist()
            for word, kind in zip(drawn.words, row_kinds, strict=True):
                words, labels = found[len(word)]
                if (len(words) < quotas[len(word)] and word not in self.taken
                        and word not in self.exclude):
                    self.taken.add(word)
                    words.append(word)
                    labels.append(kind)
        return found


def words_over(g: Grammar, words: Iterable[Any]) -> set:
    """The words over g's alphabet among `words` (or a Dataset's), as g writes them.

    Examples
    --------
    >>> from grammar import library
    >>> sorted(words_over(library.tomita(1), ["11", "1x", 5, "0"]))
    ['0', '11']
    """
    if isinstance(words, Dataset):
        words = words.words
    codec = Codec.of(g.dfa)
    out = set()
    for word in words:
        try:
            symbols = g.symbols_of(word)
        except TypeError:
            continue
        if all(symbol in codec.column for symbol in symbols):
            out.add("".join(symbols) if g.single_char else tuple(symbols))
    return out


def excluded_by_length(g: Grammar, excluded: set) -> tuple[Counter, Counter]:
    """How many excluded members, and non-members, each length has."""
    words = list(excluded)
    accepted = g.accepts_many(words).tolist() if words else []
    members, others = Counter(), Counter()
    for word, member in zip(words, accepted, strict=True):
        (members if member else others)[len(word)] += 1
    return members, others
