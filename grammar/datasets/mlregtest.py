"""MLRegTest's data protocol, every label checked by the automaton: :func:`mlregtest_sets`.

MLRegTest (van der Poel et al., JMLR 2024) trains on words of lengths 20-29,
half members and half not, in three sizes (:data:`MLREGTEST_SIZES`: Small =
1,000, Mid = 10,000, Large = 100,000 words), and tests on four sets of the
same size (:data:`MLREGTEST_SETS`):

- ``"SR"``, short random: lengths 20-29, balanced members and non-members;
- ``"LR"``, long random: lengths 31-50, the same;
- ``"SA"``, short adversarial: lengths 20-29, pairs of a member and a
  non-member one edit apart (a symbol substituted, inserted or deleted:
  :data:`MLREGTEST_EDITS`);
- ``"LA"``, long adversarial: the same at lengths 31-50.

A development set (``"dev"``) like the training set completes it, as in the
authors' code. Each random set has as many members as non-members at every
length, an equal share of the set per length (the benchmark's 50 members of
each length at Small); members and non-members are uniform among those of
their length. The sets share no word: the short test sets leave out the
training and development words, and the long ones lie at other lengths.

Where this differs from the authors' code (``data-gen.py``):

- no word is repeated within a training set (theirs allowed repeats);
- each size is drawn on its own (theirs kept every 10th word of Large for
  Mid, and every 100th for Small);
- an adversarial pair is a member and one uniformly random edit of it that
  leaves the language (:func:`grammar.negatives.near_misses`), with both
  words inside the set's lengths; theirs took a uniform word of each length
  and one word across the border from it, which may lie one length outside.

Examples
--------
>>> from grammar import Grammar
>>> g = Grammar.from_regex("[ab]*", alphabet="abc", name="no-c")   # no c in the word
>>> sets = mlregtest_sets(g, 100, seed=0)
>>> {name: len(data) for name, data in sets.items()}
{'train': 100, 'dev': 100, 'SR': 100, 'SA': 100, 'LR': 100, 'LA': 100}
>>> sorted({len(w) for w in sets["LR"].words}) == list(range(31, 51))
True
>>> member, miss = sets["SA"].words[:2]
>>> "c" in member, miss.count("c")
(False, 1)
"""

from __future__ import annotations

import numbers
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from grammar.checks import check_positive, describe_lengths, grammar_label
from grammar.datasets.balanced import make_dataset
from grammar.datasets.record import Dataset
from grammar.datasets.suite import adversarial_pairs
from grammar.errors import EmptyLanguageError, GrammarError
from grammar.ranking import count_table
from grammar.seeds import as_generator, derive_seed

if TYPE_CHECKING:
    from grammar.core import Grammar

__all__ = [
    "MLREGTEST_EDITS",
    "MLREGTEST_LONG",
    "MLREGTEST_SETS",
    "MLREGTEST_SHORT",
    "MLREGTEST_SIZES",
    "mlregtest_sets",
]

#: The benchmark's three sizes: the words of the training set, and of each test set.
MLREGTEST_SIZES: dict[str, int] = {"small": 1_000, "mid": 10_000, "large": 100_000}
#: The lengths of the training, development and short test words.
MLREGTEST_SHORT: tuple[int, int] = (20, 29)
#: The lengths of the long test words.
MLREGTEST_LONG: tuple[int, int] = (31, 50)
#: The edits of the adversarial pairs (the benchmark's edit transducer has no transposition).
MLREGTEST_EDITS: tuple[str, ...] = ("substitute", "insert", "delete")
#: The sets :func:`mlregtest_sets` makes, in the order they are drawn.
MLREGTEST_SETS: tuple[str, ...] = ("train", "dev", "SR", "SA", "LR", "LA")

# Each set: short or long lengths, random or adversarial, and the sets whose words it avoids.
_PLAN = {
    "train": (MLREGTEST_SHORT, False, ()),
    "dev": (MLREGTEST_SHORT, False, ("train",)),
    "SR": (MLREGTEST_SHORT, False, ("train", "dev")),
    "SA": (MLREGTEST_SHORT, True, ("train", "dev")),
    "LR": (MLREGTEST_LONG, False, ()),
    "LA": (MLREGTEST_LONG, True, ()),
}


def mlregtest_sets(g: Grammar, size: str | int = "small", *, seed: Any = None
                   ) -> dict[str, Dataset]:
    """MLRegTest's training, development and four test sets for grammar `g`.

    Parameters
    ----------
    g : Grammar
    size : {"small", "mid", "large"} or int
        A size of :data:`MLREGTEST_SIZES` (any case), or an even number of
        words per set (at least 2).
    seed : int, None or numpy.random.Generator
        Seeds every set (each set's own seed, drawn from it, is recorded in
        the set).

    Returns
    -------
    dict of str to Dataset
        Keyed by :data:`MLREGTEST_SETS`, each of `size` words.
        ``"train"``, ``"dev"``, ``"SR"`` and ``"LR"`` are in random order,
        with kinds ``"member"`` and ``"random"``; ``"SA"`` and ``"LA"`` hold
        pairs, rows ``2i`` (the member) and ``2i + 1`` (the non-member, of the
        kind of the edit that made it). Each set's ``info`` names the
        protocol, the set and the size.

    Raises
    ------
    GrammarError
        For an unknown size, or when the language has too few members or
        non-members (or adversarial pairs) at the set's lengths; the message
        names the set and the length.
    TypeError
        For a size that is neither a str nor an int.

    Examples
    --------
    >>> from grammar import library
    >>> sets = mlregtest_sets(library.tomita(4), 40, seed=1)
    >>> [int(sets[name].labels.sum()) for name in ("train", "SA", "LA")]
    [20, 20, 20]
    >>> mlregtest_sets(library.tomita(2), "small", seed=0)
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: grammar 'tomita-2': MLRegTest's train set needs 50 members \
of length 20, and the language has 1
    """
    name, words = _size(size)
    base = derive_seed(seed)
    seeds = dict(zip(MLREGTEST_SETS, as_generator(base).integers(2**63, size=6).tolist(),
                     strict=True))
    _check_capacity(g, words)
    sets: dict[str, Dataset] = {}
    for set_name, (lengths, paired, avoid) in _PLAN.items():
        exclude = {word for other in avoid for word in sets[other].words}
        if paired:
            data = _pairs(g, set_name, words // 2, lengths, seeds[set_name], exclude)
        else:
            data = make_dataset(g, words, lengths=lengths, negatives={"random": 1.0},
                                seed=seeds[set_name], exclude=exclude)
            _check_balance(g, set_name, data, _quotas(words // 2, lengths))
        sets[set_name] = replace(data, info={**data.info, "protocol": "mlregtest",
                                             "set": set_name, "size": name,
                                             "protocol_seed": base})
    return sets


def _size(size: Any) -> tuple[str | int, int]:
    """The size's name (or number) and its number of words per set."""
    if isinstance(size, str):
        key = size.lower()
        if key not in MLREGTEST_SIZES:
            raise GrammarError(f"size must be one of {', '.join(MLREGTEST_SIZES)} or an even "
                               f"number of words, not {size!r}")
        return key, MLREGTEST_SIZES[key]
    if not isinstance(size, numbers.Integral) or isinstance(size, bool):
        raise TypeError(f"size must be a str or an int, not {type(size).__name__}")
    words = check_positive(size, "size")
    if words % 2:
        raise GrammarError(f"size must be an even number of words (half members, half not), "
                           f"got {words}")
    return words, words


def _quotas(members: int, lengths: tuple[int, int]) -> dict[int, int]:
    """Members (and non-members) per length: an equal share, the remainder to the shortest."""
    lo, hi = lengths
    share, extra = divmod(members, hi - lo + 1)
    return {L: share + (L - lo < extra) for L in range(lo, hi + 1)}


def _check_capacity(g: Grammar, words: int) -> None:
    """Raise, naming the set and the length, where the random sets would run out of words.

    The training, development and short random sets share lengths 20-29 and
    no word, so each length must hold their quotas together.
    """
    dfa = g.dfa
    k = len(g.alphabet)
    needed: Counter = Counter()
    for set_name, (lengths, paired, avoid) in _PLAN.items():
        if paired:
            continue
        if not avoid:
            needed = Counter()
        members = count_table(dfa, lengths[1])[:, dfa.start]
        for L, quota in _quotas(words // 2, lengths).items():
            needed[L] += quota
            have = int(members[L])
            for what, count in (("members", have), ("non-members", k**L - have)):
                if count < needed[L]:
                    sofar = f" beside those of {' and '.join(avoid)}" if avoid else ""
                    raise GrammarError(
                        f"{grammar_label(g)}: MLRegTest's {set_name} set needs {quota} {what} "
                        f"of length {L}{sofar}, and the language has {count}")


def _check_balance(g: Grammar, set_name: str, data: Dataset, quotas: dict[int, int]) -> None:
    """Raise, naming the length, where a random set came out short (its draws ran dry)."""
    found: Counter = Counter()
    for word, label in zip(data.words, data.labels.tolist(), strict=True):
        found[len(word), label] += 1
    for L, quota in quotas.items():
        for label, what in ((True, "members"), (False, "non-members")):
            if found[L, label] != quota:
                raise GrammarError(
                    f"{grammar_label(g)}: MLRegTest's {set_name} set found {found[L, label]} "
                    f"{what} of length {L}, not {quota}")


def _pairs(g: Grammar, set_name: str, pairs: int, lengths: tuple[int, int], seed: int,
           exclude: set) -> Dataset:
    """An adversarial set: `pairs` member/non-member pairs one edit apart, both in `lengths`."""
    where = describe_lengths(*lengths)
    try:
        data = adversarial_pairs(g, pairs, lengths, seed=seed, exclude=exclude,
                                 kinds=MLREGTEST_EDITS, within=lengths)
    except EmptyLanguageError as err:
        raise GrammarError(f"MLRegTest's {set_name} set at {where}: {err}") from None
    if len(data) != 2 * pairs:
        raise GrammarError(
            f"{grammar_label(g)}: MLRegTest's {set_name} set found {len(data) // 2} pairs of "
            f"a member and a non-member one edit apart at {where}, not {pairs}")
    return data
