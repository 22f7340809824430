"""MLRegTest-style test sets: :func:`test_suite`, and the pair draw behind them.

Four sets per grammar: random (balanced members and uniform non-members) and
adversarial (near-miss pairs, :func:`adversarial_pairs`), at the training
lengths and beyond them. In an adversarial set a locally plausible near miss
has the kind of its edit with the suffix ``"-long-range"``, so a comparison
by kind reports on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from grammar.checks import check_count, check_fraction, check_length_range
from grammar.datasets.balanced import make_dataset
from grammar.datasets.draw import RANK_RETRIES, words_over
from grammar.datasets.kinds import KIND_DTYPE, miss_kinds
from grammar.datasets.record import Dataset
from grammar.negatives import DEFAULT_KINDS, near_misses
from grammar.seeds import as_generator, derive_seed

if TYPE_CHECKING:
    from grammar.core import Grammar
    from grammar.words import Word

__all__ = ["adversarial_pairs", "test_suite"]


def test_suite(
    g: Grammar,
    n_per_set: int,
    *,
    train_lengths: int | tuple[int, int] = (1, 30),
    long_lengths: int | tuple[int, int] = (31, 60),
    exclude: Iterable[Word] = (),
    seed: Any = None,
    long_range: float = 0.5,
) -> dict[str, Dataset]:
    """MLRegTest-style test sets: random and adversarial, at training lengths and beyond.

    Parameters
    ----------
    g : Grammar
    n_per_set : int
        Words per set (as far as the lengths allow).
    train_lengths, long_lengths : int or (int, int)
        The training lengths, and the longer lengths that test generalisation.
    exclude : iterable of words or Dataset
        Words to leave out of every set (typically the training words).
    seed : int, None or numpy.random.Generator
    long_range : float in [0, 1]
        Fraction of locally plausible near misses in the adversarial sets.

    Returns
    -------
    dict of str to Dataset
        ``"short_random"`` and ``"long_random"``: balanced members and random
        non-members. ``"short_adversarial"`` and ``"long_adversarial"``:
        near-miss pairs, rows ``2i`` (the member) and ``2i + 1`` (the near
        miss made from it, of kind ``"substitute"``, ... or, when locally
        plausible, ``"substitute-long-range"``, ...).

    Examples
    --------
    >>> from grammar import library
    >>> suite = test_suite(library.embedded_reber(), 100, train_lengths=(9, 20),
    ...                    long_lengths=(21, 40), seed=0)
    >>> sorted(suite), len(suite["long_adversarial"])
    (['long_adversarial', 'long_random', 'short_adversarial', 'short_random'], 100)
    >>> adv = suite["short_adversarial"]
    >>> adv.kinds[:2].tolist()[0], bool(adv.labels[0]), bool(adv.labels[1])
    ('member', True, False)
    >>> any(kind.endswith("-long-range") for kind in adv.kinds.tolist())
    True
    """
    n = check_count(n_per_set, "n_per_set")
    short = check_length_range(train_lengths, "train_lengths")
    long = check_length_range(long_lengths, "long_lengths")
    long_range = check_fraction(long_range, "long_range")
    base = derive_seed(seed)
    seeds = [int(s) for s in as_generator(base).integers(2**63, size=4)]
    excluded = words_over(g, exclude)
    random_mix = {"random": 1.0}
    return {
        "short_random": make_dataset(g, n, lengths=short, negatives=random_mix, seed=seeds[0],
                                     exclude=excluded),
        "long_random": make_dataset(g, n, lengths=long, negatives=random_mix, seed=seeds[1],
                                    exclude=excluded),
        "short_adversarial": adversarial_pairs(g, n // 2, short, seed=seeds[2], exclude=excluded,
                                               long_range=long_range),
        "long_adversarial": adversarial_pairs(g, n // 2, long, seed=seeds[3], exclude=excluded,
                                              long_range=long_range),
    }


test_suite.__test__ = False  # not a pytest test, whatever its name


def adversarial_pairs(
    g: Grammar,
    pairs: int,
    lengths: int | tuple[int, int],
    *,
    seed: Any = None,
    exclude: Iterable[Word] = (),
    long_range: float = 0.0,
    kinds: Sequence[str] = DEFAULT_KINDS,
    within: int | tuple[int, int] | None = None,
) -> Dataset:
    """Up to `pairs` near-miss pairs: each member next to the near miss made from it.

    The near misses come from :func:`grammar.negatives.near_misses` at
    `lengths` (their own lengths), so each is rejected, one edit of the kinds
    asked for from its member, and at distance 1 from the language. No word
    appears twice, nor any of `exclude`.

    Parameters
    ----------
    g : Grammar
    pairs : int
    lengths : int or (int, int)
        The near misses' lengths.
    seed : int, None or numpy.random.Generator
    exclude : iterable of words
        Words to leave out, as `g` writes them.
    long_range : float in [0, 1]
        Fraction of locally plausible near misses.
    kinds : sequence of str
        The edits, among :data:`grammar.negatives.KINDS`.
    within : int or (int, int), optional
        Keep only pairs whose member too has a length in this range (an
        insertion's member is one shorter than its near miss, a deletion's
        one longer); by default the member's length is free.

    Returns
    -------
    Dataset
        Rows ``2i`` (the member, kind ``"member"``) and ``2i + 1`` (its near
        miss, of the edit's kind, suffixed ``"-long-range"`` where locally
        plausible); fewer than `pairs` pairs only when the draws ran dry.

    Examples
    --------
    >>> from grammar import library
    >>> found = adversarial_pairs(library.tomita(4), 3, (5, 6), seed=0, kinds=["substitute"])
    >>> [("000" in member, "000" in miss) for member, miss in zip(found.words[::2],
    ...                                                           found.words[1::2])]
    [(False, True), (False, True), (False, True)]
    """
    pairs = check_count(pairs, "pairs")
    lengths = check_length_range(lengths)
    lo, hi = (0, None) if within is None else check_length_range(within, "within")
    seed = derive_seed(seed)
    rng = as_generator(seed)
    words: list = []
    row_kinds: list[str] = []
    taken = set(exclude)
    for _ in range(RANK_RETRIES):
        want = pairs - len(words) // 2
        if want <= 0:
            break
        found = near_misses(g, want + want // 4 + 8, seed=rng, length=lengths,
                            long_range=long_range, kinds=kinds)
        found_kinds = miss_kinds(found.kinds, found.long_range).tolist()
        for miss, source, kind in zip(found.words, found.sources, found_kinds, strict=True):
            if miss in taken or source in taken:
                continue
            if hi is not None and not lo <= len(source) <= hi:
                continue
            taken.update((miss, source))
            words += [source, miss]
            row_kinds += ["member", kind]
            if len(words) == 2 * pairs:
                break
    kinds_array = np.array(row_kinds, dtype=KIND_DTYPE)
    return Dataset(words, kinds_array == "member", kinds_array, g.name, g.fingerprint, seed,
                   {"lengths": list(lengths), "pairs": True, "long_range": long_range})
