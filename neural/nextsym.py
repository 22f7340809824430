"""The next-symbol task, scored: which words a network *solves*, on short and long sets.

Hochreiter and Schmidhuber's LSTM paper (1997) trained its networks on
embedded Reber by asking, after every prefix, for the set of symbols that
may come next. A string counts as solved when every one of those
predictions is right. ``TrainConfig(task="next_symbols")`` trains that task
here, with the automaton as the teacher: after every prefix the targets are
"may end here" (the prefix is a member) and, per symbol, whether it leads to
a live state (exactly :meth:`grammar.Grammar.next_symbols`).

:func:`solved` (from :mod:`neural.prefixes`, re-exported here) says which
words a network solves: at every step, from the empty prefix to the whole
word, each output thresholded at 0.5 equals its target.
:func:`score_next_symbols` reports the fraction solved on fresh members at
the training lengths and beyond them (from :func:`grammar.datasets.test_suite`,
disjoint from the training words),
with generation scored by :func:`neural.generate.score_generation`.
(:class:`NextSymbolScore` was ``NextSymbolReport``; the old name still works,
with a :class:`DeprecationWarning`.)

Examples
--------
>>> from grammar import library
>>> from neural.verifier import Verifier
>>> g = library.parity()
>>> solved(Verifier.untrained(g, seed=0), g, ["", "11"]).dtype
dtype('bool')
>>> next_symbol_sets(Verifier.untrained(g, seed=0), "1")[0][0] in (True, False)
True
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass
from typing import Any

from grammar import Grammar, datasets
from neural.generate import GenerationScore, score_generation
from neural.judge.common import percent
from neural.prefixes import check_same_alphabet, next_symbol_sets, solved
from neural.verifier import Verifier

__all__ = ["SolvedScore", "NextSymbolScore", "solved", "next_symbol_sets",
           "score_next_symbols"]


def __getattr__(name: str) -> Any:
    if name == "NextSymbolReport":  # NextSymbolScore's old name
        warnings.warn("NextSymbolReport is deprecated; use neural.nextsym.NextSymbolScore (the "
                      "same class)", DeprecationWarning, stacklevel=2)
        return NextSymbolScore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

@dataclass(frozen=True)
class SolvedScore:
    """How many words of one set a network solves.

    Attributes
    ----------
    words : int
        Size of the set.
    solved : float or None
        Fraction of them solved (None for an empty set).
    """

    words: int
    solved: float | None


@dataclass(frozen=True)
class NextSymbolScore:
    """A next-symbol predictor against the automaton; see :func:`score_next_symbols`.

    Attributes
    ----------
    grammar : str
        The judging grammar's name.
    cell : str
        ``"gru"`` or ``"lstm"``.
    task : str
        What the network was trained for.
    train_lengths, long_lengths : tuple of int
        The short and the long range.
    short, long : SolvedScore
        Fraction of fresh members solved at the training lengths and beyond.
    generation : GenerationScore or None
        Words generated from the predictor, judged by the automaton.
    """

    grammar: str
    cell: str
    task: str
    train_lengths: tuple[int, int]
    long_lengths: tuple[int, int]
    short: SolvedScore
    long: SolvedScore
    generation: GenerationScore | None

    def to_dict(self) -> dict[str, Any]:
        """The scores as JSON-able dicts and lists."""
        return asdict(self)

    def __str__(self) -> str:
        lines = [
            f"next-symbol predictions of {_article(self.cell)} {self.cell.upper()} "
            f"({self.task} task) against "
            f"the automaton of {self.grammar}",
            f"solved, lengths {self.train_lengths[0]}-{self.train_lengths[1]}: "
            f"{percent(self.short.solved)} of {self.short.words} members",
            f"solved, lengths {self.long_lengths[0]}-{self.long_lengths[1]}: "
            f"{percent(self.long.solved)} of {self.long.words} members",
        ]
        if self.generation is not None:
            lines.append(str(self.generation))
        return "\n".join(lines)


def _article(cell: str) -> str:
    return "an" if cell.upper()[0] in "AEFHILMNORSX" else "a"


def score_next_symbols(
    verifier: Verifier,
    g: Grammar,
    *,
    n_per_set: int = 2000,
    seed: int | None = 0,
    train_lengths: tuple[int, int] | None = None,
    long_lengths: tuple[int, int] | None = None,
    generate: int = 1000,
) -> NextSymbolScore:
    """Fraction of fresh members solved, short and long, and generation judged by `g`.

    Parameters
    ----------
    verifier : Verifier
        The network; any task (the next-symbol head is always trained).
    g : Grammar
        The judge, with the verifier's alphabet.
    n_per_set : int
        Words per test set of :func:`grammar.datasets.test_suite`; the
        members of its random and adversarial sets are scored.
    seed : int or None
        Seeds the test sets and the generation.
    train_lengths, long_lengths : tuple of int, optional
        Default: the verifier's training lengths and the next 30 after them.
    generate : int
        Words to generate (0 for none).

    Examples
    --------
    >>> from grammar import library
    >>> g = library.parity()
    >>> score = score_next_symbols(Verifier.untrained(g, seed=0), g, n_per_set=20,
    ...                             generate=10)
    >>> score.long_lengths, score.short.words > 0
    ((31, 60), True)
    """
    check_same_alphabet(verifier, g)
    if train_lengths is None:
        config = verifier.info.get("train_config")
        train_lengths = tuple(config.get("lengths", (1, 30))) if isinstance(config, dict) \
            else (1, 30)
    lo, hi = train_lengths
    long_lengths = tuple(long_lengths or (hi + 1, hi + 30))
    suite = datasets.test_suite(g, n_per_set, train_lengths=(lo, hi), long_lengths=long_lengths,
                                exclude=list(verifier.training_words or ()), seed=seed)
    scores = {}
    for part in ("short", "long"):
        members = [w for name in (f"{part}_random", f"{part}_adversarial")
                   for w, label in zip(suite[name].words, suite[name].labels, strict=True)
                   if label]
        hits = solved(verifier, g, members)
        scores[part] = SolvedScore(len(members), float(hits.mean()) if len(hits) else None)
    made = score_generation(verifier, g, generate, seed=seed,
                             max_length=max(2 * long_lengths[1], 1)) if generate else None
    return NextSymbolScore(
        grammar=g.name or "grammar",
        cell=verifier.cell,
        task=verifier.task,
        train_lengths=(lo, hi),
        long_lengths=long_lengths,
        short=scores["short"],
        long=scores["long"],
        generation=made,
    )
