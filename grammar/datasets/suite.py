"""MLRegTest-style test sets: :func:`test_suite`.

Four sets per grammar: random (balanced members and uniform non-members) and
adversarial (near-miss pairs), at the training lengths and beyond them. In
an adversarial set a locally plausible near miss has the kind of its edit
with the suffix ``"-long-range"``, so a comparison by kind reports on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from grammar.checks import check_count, check_fraction, check_length_range
from grammar.datasets.balanced import make_dataset
from grammar.datasets.draw import RANK_RETRIES, words_over
from grammar.datasets.kinds import KIND_DTYPE, miss_kinds
from grammar.datasets.record import Dataset
from grammar.negatives import near_misses
from grammar.seeds import as_generator, derive_seed

if TYPE_CHECKING:
    from grammar.core import Grammar
    from grammar.words import Word

__all__ = ["test_suite"]


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
        "short_adversarial": _adversarial(g, n // 2, short, seeds[2], excluded, long_range),
        "long_adversarial": _adversarial(g, n // 2, long, seeds[3], excluded, long_range),
    }


test_suite.__test__ = False  # not a pytest test, whatever its name


def _adversarial(g: Grammar, pairs: int, lengths: tuple[int, int], seed: int,
                 excluded: set, long_range: float) -> Dataset:
    """Near-miss pairs: each near miss next to the member it came from (rows 2i, 2i + 1)."""
    rng = as_generator(seed)
    words: list = []
    kinds: list[str] = []
    taken = set(excluded)
    for _ in range(RANK_RETRIES):
        want = pairs - len(words) // 2
        if want <= 0:
            break
        found = near_misses(g, want + want // 4 + 8, seed=rng, length=lengths,
                            long_range=long_range)
        row_kinds = miss_kinds(found.kinds, found.long_range).tolist()
        for miss, source, kind in zip(found.words, found.sources, row_kinds, strict=True):
            if miss in taken or source in taken:
                continue
            taken.update((miss, source))
            words += [source, miss]
            kinds += ["member", kind]
            if len(words) == 2 * pairs:
                break
    kinds_array = np.array(kinds, dtype=KIND_DTYPE)
    return Dataset(words, kinds_array == "member", kinds_array, g.name, g.fingerprint, seed,
                   {"lengths": list(lengths), "pairs": True, "long_range": long_range})
