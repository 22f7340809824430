"""Hold a trained verifier against the exact automaton, word by word.

:func:`compare` draws MLRegTest-style test sets from
:func:`grammar.datasets.test_suite`, disjoint from the training words:

- ``short_random``: members and random non-members at the training lengths;
- ``long_random``: the same beyond them (31-60 after training on 1-30);
- ``short_adversarial`` and ``long_adversarial``: members and their near
  misses (one edit away), long-range cases included, such as the swapped
  wrapper letter of embedded Reber.

The automaton is the judge. The :class:`Report` gives accuracy,
false-positive and false-negative rates per set, accuracy per length and per
negative kind, and the shortest disagreements, each explained by
:meth:`grammar.Grammar.explain`. ``str(report)`` is a table for people,
:meth:`Report.to_json` is for machines and :meth:`Report.plot` draws
accuracy against length with the training range shaded.

Examples
--------
>>> from grammar import library
>>> from neural.verifier import Verifier
>>> g = library.parity()
>>> report = compare(Verifier.untrained(g), g, n_per_set=50, seed=0)
>>> sorted(report.sets)
['long_adversarial', 'long_random', 'short_adversarial', 'short_random']
>>> 0.0 <= report.accuracy <= 1.0
True
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from grammar import Grammar, GrammarError, datasets
from neural.search import SearchReport, search
from neural.verifier import Verifier

__all__ = ["compare", "Report", "SetScore", "Disagreement"]

SET_NAMES = ("short_random", "long_random", "short_adversarial", "long_adversarial")
N_SHORTEST = 10


@dataclass(frozen=True)
class SetScore:
    """How one test set went. Rates are None when their denominator is 0.

    Attributes
    ----------
    words, members : int
        Size of the set and how many of its words are members.
    accuracy : float or None
        Fraction of words where verifier and automaton agree.
    false_positive_rate : float or None
        Non-members the verifier accepted, over non-members.
    false_negative_rate : float or None
        Members the verifier rejected, over members.
    """

    words: int
    members: int
    accuracy: float | None
    false_positive_rate: float | None
    false_negative_rate: float | None


@dataclass(frozen=True)
class Disagreement:
    """A word on which the verifier and the automaton disagree."""

    word: str | list[str]
    length: int
    set: str
    kind: str
    member: bool
    probability: float
    explanation: str


@dataclass(frozen=True)
class Report:
    """The verifier against the automaton; see :func:`compare`.

    Attributes
    ----------
    grammar : str
        Name of the judging grammar.
    trained_on : str or None
        Name of the grammar the verifier was trained on.
    same_language : bool
        Whether the two fingerprints agree.
    train_lengths, long_lengths : tuple of int
        The training range and the long test range.
    seed : int or None
        Seed of the test sets.
    sets : dict of str to SetScore
        One score per test set.
    accuracy : float
        Over all test words.
    by_length : dict of int to tuple of (int, float)
        Words and accuracy at each length.
    by_kind : dict of str to tuple of (int, float)
        Words and accuracy per kind (``member``, ``random``, ``substitute``,
        ``insert``, ``delete``, ``transpose``).
    disagreements : list of Disagreement
        The shortest ones, at most 10.
    n_disagreements : int
        How many there were in all.
    search : SearchReport or None
        The exhaustive search, when asked for (``include_search``).
    """

    grammar: str
    trained_on: str | None
    same_language: bool
    train_lengths: tuple[int, int]
    long_lengths: tuple[int, int]
    seed: int | None
    sets: dict[str, SetScore]
    accuracy: float
    by_length: dict[int, tuple[int, float]]
    by_kind: dict[str, tuple[int, float]]
    disagreements: list[Disagreement]
    n_disagreements: int
    search: SearchReport | None = None

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-able dicts and lists (length keys become strings).

        Examples
        --------
        >>> from grammar import library
        >>> from neural.verifier import Verifier
        >>> g = library.parity()
        >>> data = compare(Verifier.untrained(g), g, n_per_set=20).to_dict()
        >>> sorted(data["sets"])[0], type(next(iter(data["by_length"])))
        ('long_adversarial', <class 'str'>)
        """
        data = {**asdict(self), "search": self.search and self.search.to_dict()}
        data["by_length"] = {str(k): {"words": n, "accuracy": a} for k, (n, a) in
                             self.by_length.items()}
        data["by_kind"] = {k: {"words": n, "accuracy": a} for k, (n, a) in self.by_kind.items()}
        return data

    def to_json(self, **options: Any) -> str:
        """The report as JSON text (options go to :func:`json.dumps`).

        Examples
        --------
        >>> from grammar import library
        >>> from neural.verifier import Verifier
        >>> g = library.parity()
        >>> json.loads(compare(Verifier.untrained(g), g, n_per_set=20).to_json())["grammar"]
        'parity'
        """
        return json.dumps(self.to_dict(), **options)

    def __str__(self) -> str:
        lines = [
            f"{self.trained_on or 'verifier'} verifier vs the exact automaton of {self.grammar}"
            f" (test seed {self.seed})",
            f"trained on lengths {self.train_lengths[0]}-{self.train_lengths[1]}; "
            "test words disjoint from training",
        ]
        if not self.same_language:
            lines.append("note: the verifier was trained on a different language")
        lines += ["", f"{'set':<20}{'words':>7}{'accuracy':>11}{'FPR':>9}{'FNR':>9}"]
        for name, s in self.sets.items():
            lines.append(
                f"{name.replace('_', ' '):<20}{s.words:>7}{_pct(s.accuracy):>11}"
                f"{_pct(s.false_positive_rate):>9}{_pct(s.false_negative_rate):>9}"
            )
        total = sum(s.words for s in self.sets.values())
        lines.append(f"{'all':<20}{total:>7}{_pct(self.accuracy):>11}")
        lines += ["", "accuracy by kind: " + ", ".join(
            f"{kind} {_pct(acc)} ({n})" for kind, (n, acc) in self.by_kind.items()
        )]
        lines.append("accuracy by length: " + ", ".join(
            f"{lo}-{hi} {_pct(acc)}" for lo, hi, acc in self._length_bands()
        ))
        if self.disagreements:
            lines += ["", f"{len(self.disagreements)} shortest of {self.n_disagreements} "
                      "disagreements (word, truth, verifier's probability, why):"]
            for d in self.disagreements:
                truth = "member" if d.member else "non-member"
                lines.append(f"  {_show(d.word)}  {truth} ({d.set}, {d.kind}), "
                             f"p={d.probability:.3f}: {d.explanation}")
        else:
            lines += ["", "no disagreements"]
        lines += ["", str(self.search)] if self.search is not None else []  # ends with a verdict
        return "\n".join(lines)

    def _length_bands(self, width: int = 10) -> list[tuple[int, int, float]]:
        bands: dict[int, list[int]] = {}
        for length, (n, acc) in self.by_length.items():
            band = bands.setdefault(length // width, [0, 0])
            band[0] += n
            band[1] += round(acc * n)
        return [(b * width, b * width + width - 1, correct / n)
                for b, (n, correct) in sorted(bands.items()) if n]

    def plot(self, path: str | os.PathLike) -> None:
        """Save a PNG of accuracy against length, the training range shaded.

        Uses matplotlib's Agg canvas directly, so no display is needed and
        the global pyplot state is untouched.

        Examples
        --------
        >>> import os, tempfile
        >>> from grammar import library
        >>> from neural.verifier import Verifier
        >>> g = library.parity()
        >>> report = compare(Verifier.untrained(g), g, n_per_set=20)
        >>> with tempfile.TemporaryDirectory() as d:
        ...     report.plot(os.path.join(d, "accuracy.png"))
        ...     os.listdir(d)
        ['accuracy.png']
        """
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        fig = Figure(figsize=(8, 4.5), dpi=120)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        lo, hi = self.train_lengths
        ax.axvspan(lo - 0.5, hi + 0.5, color="tab:green", alpha=0.12, label="training lengths")
        lengths = sorted(self.by_length)
        accuracy = [100 * self.by_length[k][1] for k in lengths]
        ax.plot(lengths, accuracy, marker="o", markersize=3, color="tab:blue",
                label="verifier accuracy (all test sets)")
        ax.set_xlabel("word length")
        ax.set_ylabel("agreement with the automaton (%)")
        ax.set_ylim(min([90.0, *accuracy]) - 1, 100.5)
        ax.set_title(f"{self.trained_on or 'a'} verifier against the {self.grammar} automaton")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower left")
        fig.tight_layout()
        fig.savefig(os.fspath(path), format="png")


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.2f}%"


def _show(word: Any) -> str:
    text = word if isinstance(word, str) else " ".join(word)
    return text or "''"


def _rate(mask: np.ndarray) -> float | None:
    return float(mask.mean()) if mask.size else None


def compare(
    verifier: Verifier,
    g: Grammar,
    *,
    seed: int | None = 0,
    n_per_set: int = 2000,
    train_lengths: tuple[int, int] | None = None,
    long_lengths: tuple[int, int] | None = None,
    exclude: Iterable[Any] | None = None,
    include_search: bool = False, search_options: Mapping[str, Any] | None = None,
) -> Report:
    """Score `verifier` against grammar `g`'s automaton on fresh test sets.

    Parameters
    ----------
    verifier : Verifier
        The trained network.
    g : Grammar
        The judge; usually the grammar the verifier was trained on.
    seed : int or None
        Seed of the test sets.
    n_per_set : int
        Words per test set (fewer where the language has too few).
    train_lengths : tuple of int, optional
        The short range; defaults to the verifier's training lengths.
    long_lengths : tuple of int, optional
        The long range; defaults to the next 30 lengths after training.
    exclude : iterable of words, optional
        Words to keep out of the test sets; defaults to the verifier's
        training words when it knows them.
    include_search, search_options : bool, mapping
        Also run :func:`neural.search.search` with these keywords (default: the longest training
        length, a 60 s budget); the printed report then ends with its verdict.

    Returns
    -------
    Report

    Raises
    ------
    GrammarError
        If the grammar has no symbol in common with the verifier.

    Examples
    --------
    >>> from grammar import library
    >>> from neural.verifier import Verifier
    >>> g = library.tomita(4)
    >>> report = compare(Verifier.untrained(g), g, n_per_set=40, seed=1)
    >>> report.long_lengths, report.sets["short_random"].words
    ((31, 60), 40)
    >>> len(report.disagreements) <= 10
    True
    """
    if not isinstance(verifier, Verifier):
        raise TypeError(f"compare needs a Verifier, not {type(verifier).__name__}")
    if not isinstance(g, Grammar):
        raise TypeError(f"compare needs a Grammar, not {type(g).__name__}")
    if not set(g.alphabet) & set(verifier.alphabet):
        raise GrammarError(
            f"grammar {g.name!r} shares no symbol with the verifier's alphabet "
            f"{', '.join(verifier.alphabet)}"
        )
    if train_lengths is None:
        train_lengths = tuple(verifier.info.get("train_config", {}).get("lengths", (1, 30)))
    lo, hi = train_lengths
    long_lengths = long_lengths or (hi + 1, hi + 30)
    if exclude is None:
        exclude = verifier.training_words or ()
    suite = datasets.test_suite(
        g, n_per_set, train_lengths=(lo, hi), long_lengths=tuple(long_lengths),
        exclude=list(exclude), seed=seed,
    )
    report = _score(verifier, g, suite, (lo, hi), tuple(long_lengths), seed)
    if include_search:
        options = {"max_length": hi, "budget": 60.0, "progress": False,
                   **(search_options or {})}
        report = replace(report, search=search(verifier, g, **options))
    return report


def _score(
    verifier: Verifier, g: Grammar, suite: Mapping[str, Any],
    train_lengths: tuple[int, int], long_lengths: tuple[int, int], seed: int | None,
) -> Report:
    sets: dict[str, SetScore] = {}
    rows: list[tuple[Any, int, str, str, bool, float]] = []
    lengths_all, agree_all, kinds_all = [], [], []
    for name in SET_NAMES:
        ds = suite[name]
        words = list(ds.words)
        truth = g.accepts_many(words) if words else np.zeros(0, dtype=bool)
        p = verifier.predict(words) if words else np.zeros(0, dtype=np.float32)
        said = p > 0.5
        agree = said == truth
        sets[name] = SetScore(
            words=len(words),
            members=int(truth.sum()),
            accuracy=_rate(agree),
            false_positive_rate=_rate(said[~truth]),
            false_negative_rate=_rate(~said[truth]),
        )
        lengths = np.fromiter((len(verifier.vocab.symbols_of(w)) for w in words), dtype=np.int64,
                              count=len(words))
        lengths_all.append(lengths)
        agree_all.append(agree)
        kinds_all.append(np.asarray(ds.kinds, dtype=str))
        rows += [(words[i], int(lengths[i]), name, str(ds.kinds[i]), bool(truth[i]), float(p[i]))
                 for i in np.flatnonzero(~agree)]
    lengths = np.concatenate(lengths_all)
    agree = np.concatenate(agree_all)
    kinds = np.concatenate(kinds_all)
    rows.sort(key=lambda r: (r[1], _show(r[0])))
    shortest, seen = [], set()
    for word, length, name, kind, member, p in rows:
        key = _show(word)
        if key in seen:
            continue
        seen.add(key)
        shortest.append(Disagreement(word if isinstance(word, str) else list(word), length, name,
                                     kind, member, p, str(g.explain(word))))
        if len(shortest) == N_SHORTEST:
            break
    return Report(
        grammar=g.name or "grammar",
        trained_on=verifier.grammar_name,
        same_language=verifier.fingerprint == g.fingerprint,
        train_lengths=train_lengths,
        long_lengths=long_lengths,
        seed=seed,
        sets=sets,
        accuracy=float(agree.mean()) if agree.size else float("nan"),
        by_length={int(k): (int((lengths == k).sum()), float(agree[lengths == k].mean()))
                   for k in np.unique(lengths)},
        by_kind={str(k): (int((kinds == k).sum()), float(agree[kinds == k].mean()))
                 for k in np.unique(kinds)},
        disagreements=shortest,
        n_disagreements=len(rows),
    )
