"""The :class:`Comparison` that :func:`neural.compare` returns: scores per test set,
length and kind.

``str(comparison)`` is a table for people, :meth:`Comparison.to_json` is for
machines and :meth:`Comparison.plot` draws accuracy against length with the
training range shaded.
"""

from __future__ import annotations

import json
import os
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

from neural.judge.common import Disagreement, Verdict, percent, show_word
from neural.judge.search import SearchResult

__all__ = ["Comparison", "SetScore", "SET_NAMES", "N_SHORTEST"]

# Old names, still served with a DeprecationWarning: name -> (what it is now, where).
_DEPRECATED = {"Report": ("Comparison", "neural.Comparison"),
               "Disagreement": ("Disagreement", "neural.Disagreement"),
               "show_word": ("show_word", "grammar.cli_shared.show_word")}


def __getattr__(name: str) -> Any:
    if name in _DEPRECATED:
        new, where = _DEPRECATED[name]
        warnings.warn(f"{__name__}.{name} is deprecated; use {where}", DeprecationWarning,
                      stacklevel=2)
        return globals()[new]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

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
class Comparison:
    """The verifier against the automaton on drawn test sets; see :func:`neural.compare`.

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
    search : SearchResult or None
        The exhaustive search, when asked for (``include_search``).
    verdict : Verdict
        ``"agrees"`` when the network was right on every test word (not a
        proof), else ``"counterexample"`` (each disagreement is the network's
        own answer on the word alone).
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
    search: SearchResult | None = None
    verdict: Verdict = field(init=False)

    def __post_init__(self) -> None:
        words = sum(s.words for s in self.sets.values())
        longest = max(self.by_length, default=None)
        span = f", lengths up to {longest}" if longest is not None else ""
        if not self.n_disagreements:
            verdict = Verdict("agrees", f"the network agrees with the automaton on all {words:,} "
                              f"test words{span}", words=words, longest=longest)
        else:
            first = self.disagreements[0] if self.disagreements else None
            shortest = ("" if first is None else f"; shortest: {show_word(first.word)} "
                        f"({first.truth}, p={first.probability:.3f})")
            verdict = Verdict("counterexample", f"the network is wrong on "
                              f"{self.n_disagreements:,} of {words:,} test words{span}{shortest}",
                              words=words, longest=longest)
        object.__setattr__(self, "verdict", verdict)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-able dicts and lists (length keys become strings).

        Examples
        --------
        >>> from grammar import library
        >>> from neural.judge.compare import compare
        >>> from neural.verifier import Verifier
        >>> g = library.parity()
        >>> data = compare(Verifier.untrained(g), g, n_per_set=20).to_dict()
        >>> sorted(data["sets"])[0], type(next(iter(data["by_length"])))
        ('long_adversarial', <class 'str'>)
        """
        data = {**asdict(self), "search": self.search and self.search.to_dict(),
                "verdict": self.verdict.name, "summary": self.verdict.text}
        data["by_length"] = {str(k): {"words": n, "accuracy": a} for k, (n, a) in
                             self.by_length.items()}
        data["by_kind"] = {k: {"words": n, "accuracy": a} for k, (n, a) in self.by_kind.items()}
        return data

    def to_json(self, **options: Any) -> str:
        """The report as JSON text (options go to :func:`json.dumps`).

        Examples
        --------
        >>> from grammar import library
        >>> from neural.judge.compare import compare
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
                f"{name.replace('_', ' '):<20}{s.words:>7}{percent(s.accuracy):>11}"
                f"{percent(s.false_positive_rate):>9}{percent(s.false_negative_rate):>9}"
            )
        total = sum(s.words for s in self.sets.values())
        lines.append(f"{'all':<20}{total:>7}{percent(self.accuracy):>11}")
        lines += ["", "accuracy by kind: " + ", ".join(
            f"{kind} {percent(acc)} ({n})" for kind, (n, acc) in self.by_kind.items()
        )]
        lines.append("accuracy by length: " + ", ".join(
            f"{lo}-{hi} {percent(acc)}" for lo, hi, acc in self._length_bands()
        ))
        if self.disagreements:
            lines += ["", f"{len(self.disagreements)} shortest of {self.n_disagreements} "
                      "disagreements (word, truth, verifier's probability, why):"]
            lines += [f"  {d.line()}" for d in self.disagreements]
        else:
            lines += ["", "no disagreements"]
        lines += ["", self.verdict.line]
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
        >>> from neural.judge.compare import compare
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

