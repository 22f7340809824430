"""Balanced data sets: :func:`make_dataset`.

Members and non-members come in equal numbers at each length, so that length
alone predicts nothing. A length's quota is set by water filling: as even as
the lengths' capacities (their members and non-members, less the excluded
words) allow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from grammar.checks import (
    check_count,
    check_fraction,
    check_length_range,
    describe_lengths,
    grammar_label,
)
from grammar.datasets.draw import WordDrawer, excluded_by_length, words_over
from grammar.datasets.kinds import KIND_DTYPE, check_negatives
from grammar.datasets.record import Dataset
from grammar.errors import EmptyLanguageError
from grammar.negatives import DEFAULT_KINDS, check_kinds
from grammar.ranking import count_table
from grammar.seeds import as_generator, derive_seed

if TYPE_CHECKING:
    from grammar.core import Grammar
    from grammar.words import Word

__all__ = ["make_dataset"]


def make_dataset(
    g: Grammar,
    n: int,
    *,
    lengths: int | tuple[int, int] = (1, 30),
    negatives: dict[str, float] | None = None,
    seed: Any = None,
    long_range: float = 0.0,
    exclude: Iterable[Word] = (),
    progress: bool | Callable[[int], None] = False,
) -> Dataset:
    """A balanced, deduplicated, labelled data set of `n` words.

    Half the words are members and half are not, and each length in the
    range holds as many members as non-members (as far as the language
    allows: a length with few members or few non-members gets fewer words,
    and the other lengths take up the slack). Members are drawn uniformly
    without replacement among those of their length; negatives follow the
    `negatives` mix. No word appears twice.

    Parameters
    ----------
    g : Grammar
    n : int
        Number of words (an odd n gives n - 1). Fewer when the lengths do
        not hold that many distinct members and non-members.
    lengths : int or (int, int)
        Word lengths, inclusive.
    negatives : dict, default ``{"near_miss": 0.5, "random": 0.5}``
        Fractions of the negatives: ``"near_miss"`` (the edits of
        :data:`grammar.negatives.DEFAULT_KINDS`), or one edit of
        :data:`grammar.negatives.KINDS` (``"substitute"``, ``"insert"``, ...),
        and ``"random"`` (uniform non-members). Near misses that a length
        cannot supply are replaced by random non-members.
    seed : int, None or numpy.random.Generator
        Recorded in the data set; None (or a Generator) draws a fresh seed
        and records it.
    long_range : float in [0, 1]
        Passed to :func:`grammar.negatives.near_misses`: the fraction of near
        misses that are locally plausible. Their kind is their edit with the
        suffix ``"-long-range"``.
    exclude : iterable of words
        Words never to include (for example, a training set's).
    progress : bool or callable
        True shows a tqdm bar; a callable is called with the number of words
        added after each length (the command line passes a tqdm ``update``).

    Returns
    -------
    Dataset
        Rows in random order; kinds ``"member"``, an edit (``"-long-range"``
        for a locally plausible near miss), or ``"random"``.

    Raises
    ------
    EmptyLanguageError
        If no length in the range has both a member and a non-member.

    Examples
    --------
    >>> from grammar import library
    >>> g = library.tomita(2)
    >>> data = make_dataset(g, 12, lengths=(1, 6), seed=0)
    >>> sorted(w for w, y in zip(data.words, data.labels) if y)
    ['10', '1010', '101010']
    >>> all(len(w) % 2 == 0 for w, y in zip(data.words, data.labels) if y)
    True
    """
    n = check_count(n)
    lo, hi = check_length_range(lengths)
    mix = check_negatives({"near_miss": 0.5, "random": 0.5} if negatives is None else negatives)
    long_range = check_fraction(long_range, "long_range")
    seed = derive_seed(seed)
    rng = as_generator(seed)
    excluded = words_over(g, exclude)

    dfa = g.dfa
    members = count_table(dfa, hi)[:, dfa.start]
    k = len(g.alphabet)
    # What each length can supply once the excluded words are taken out.
    taken_members, taken_others = excluded_by_length(g, excluded)
    capacity = [
        min(int(members[L]) - taken_members[L], k**L - int(members[L]) - taken_others[L])
        for L in range(lo, hi + 1)
    ]
    if not any(capacity):
        raise EmptyLanguageError(
            f"{grammar_label(g)} has no {describe_lengths(lo, hi)} with both a member and a "
            "non-member (that is not excluded)"
        )
    quota = dict(zip(range(lo, hi + 1), _water_fill(capacity, n // 2), strict=True))
    drawer = WordDrawer(g, rng, excluded)
    update, close = _progress_callback(progress, 2 * sum(quota.values()))
    try:
        positives = {}
        for length, pairs in quota.items():
            if pairs:
                positives[length] = drawer.distinct(length, pairs, members=True)
                update(len(positives[length]))
        negatives_found = _negatives(drawer, {L: len(p) for L, p in positives.items()}, mix,
                                     long_range, update)
    finally:
        close()
    words: list = []
    kinds: list[str] = []
    for length, members_found in positives.items():
        negative_words, negative_kinds = negatives_found[length]
        # Keep the length balanced should it run short of negatives.
        kept = members_found[: len(negative_words)]
        words += kept + negative_words
        kinds += ["member"] * len(kept) + negative_kinds
    order = rng.permutation(len(words))
    kinds_array = np.array(kinds, dtype=KIND_DTYPE)[order]
    return Dataset(
        words=[words[i] for i in order],
        labels=kinds_array == "member",
        kinds=kinds_array,
        grammar=g.name,
        fingerprint=g.fingerprint,
        seed=seed,
        info={"lengths": [lo, hi], "negatives": dict(mix), "long_range": long_range,
              "requested": n},
    )


def _negatives(drawer: WordDrawer, counts: dict[int, int], mix: list[tuple[str, float]],
               long_range: float, update: Callable[[int], None]) -> dict[int, tuple[list, list]]:
    """``counts[L]`` distinct negatives of each length L, in the proportions of `mix`.

    Near misses of all lengths are drawn together per kind of the mix; random
    non-members then make up the random share and whatever near misses could
    not supply.
    """
    shares = {L: _parts(c, [w for _, w in mix], drawer.rng) for L, c in counts.items()}
    found: dict[int, tuple[list, list]] = {L: ([], []) for L in counts}
    for i, (kind, _) in enumerate(mix):
        if kind == "random":
            continue
        edits = DEFAULT_KINDS if kind == "near_miss" else check_kinds(kind)
        drawn = drawer.misses({L: s[i] for L, s in shares.items()}, edits, long_range)
        for L, (words, kinds) in drawn.items():
            found[L][0].extend(words)
            found[L][1].extend(kinds)
            update(len(words))
    for L, count in counts.items():
        words, kinds = found[L]
        extra = drawer.distinct(L, count - len(words), members=False)
        words.extend(extra)
        kinds.extend(["random"] * len(extra))
        update(len(extra))
    return found


def _water_fill(capacity: list[int], total: int) -> list[int]:
    """Split `total` as evenly as possible over slots with these capacities."""
    quota = [0] * len(capacity)
    open_slots = [i for i, c in enumerate(capacity) if c > 0]
    left = total
    while left > 0 and open_slots:
        share, extra = divmod(left, len(open_slots))
        still = []
        for rank, i in enumerate(open_slots):
            give = min(capacity[i] - quota[i], share + (rank < extra))
            quota[i] += give
            left -= give
            if quota[i] < capacity[i]:
                still.append(i)
        if len(still) == len(open_slots) and share == 0 and extra == 0:
            break
        open_slots = still
    return quota


def _parts(total: int, fractions: list[float], rng: np.random.Generator) -> list[int]:
    """`total` split by `fractions` (largest remainders, ties broken at random)."""
    raw = np.array(fractions) * total
    parts = np.floor(raw).astype(int)
    short = total - int(parts.sum())
    order = np.lexsort((rng.random(len(raw)), -(raw - parts)))
    parts[order[:short]] += 1
    return parts.tolist()


def _progress_callback(progress: Any, total: int) -> tuple[Callable[[int], None], Callable]:
    if callable(progress):
        return progress, lambda: None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="word", leave=False)
        return bar.update, bar.close
    return (lambda _: None), (lambda: None)
