"""MLRegTest's four test sets in a suite: drawn once per grammar and size, scored on every run.

A run whose model has a ``size`` (:mod:`neural.suite.sizes`: the benchmark's
protocol) is scored twice. Like every run, on :func:`neural.compare`'s test
sets (the columns ``acc_short_random`` ... and ``accuracy``); and also on the
benchmark's own four test sets, drawn by
:func:`grammar.datasets.mlregtest_sets` at that size with the suite's
``[compare]`` seed: the columns :data:`MLREGTEST_COLUMNS` (``acc_SR``,
``acc_LR``, ``acc_SA``, ``acc_LA``: short and long, random and adversarial).

**Drawn once.** The sets of a grammar, size and seed are kept in the suite
directory, ``sets/mlregtest-<size>-s<seed>/<grammar>-<fingerprint>/SR.jsonl``
(and ``LR``, ``SA``, ``LA``: :meth:`grammar.datasets.Dataset.save`, JSON
lines written atomically, never a pickle), so that every model of that size,
and every part of a sharded suite, scores on the same words. Sets that are
missing, damaged, or of another language or size are drawn again. Each run
keeps its scores per set in ``mlregtest.json`` (:data:`MLREGTEST_FILE`).

**The training data.** A run trains on the benchmark's training and
development sets *as its TrainConfig draws them* (``size`` stands for those
fields: the same lengths, balance and kind of non-members, the same number
of words), seeded by the run's seed, not on the very words of the protocol's
``train`` and ``dev`` sets: :func:`neural.train` draws its own data. The
short test sets leave out the protocol's training words, so they may hold
some of the run's; ``mlregtest.json`` counts them per set (``seen``). At the
benchmark's lengths (20-29) that is almost always none.

A language too thin for the sets (a :class:`~grammar.GrammarError`) leaves
the columns empty; ``mlregtest.json`` says why.

Examples
--------
>>> import tempfile
>>> from grammar import Grammar
>>> from neural.verifier import Verifier
>>> g = Grammar.from_regex("[ab]*", alphabet="abc", name="no-c")
>>> with tempfile.TemporaryDirectory() as d:
...     sets = protocol_sets(d, "no-c", g, 40, seed=0)
...     again = protocol_sets(d, "no-c", g, 40, seed=0)       # read back, not drawn
>>> list(sets), len(sets["LA"]), again["SA"].words == sets["SA"].words
(['SR', 'LR', 'SA', 'LA'], 40, True)
>>> scores = score_sets(Verifier.untrained(g), g, sets)
>>> scores["SR"]["words"], 0.0 <= scores["SR"]["accuracy"] <= 1.0
(40, True)
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from grammar import GrammarError
from grammar.datasets import MLREGTEST_SIZES, Dataset, mlregtest_sets
from neural.checkpoint import write_json

if TYPE_CHECKING:
    from grammar import Grammar
    from neural.verifier import Verifier

__all__ = ["MLREGTEST_COLUMNS", "MLREGTEST_FILE", "SETS_DIR", "TEST_SETS", "protocol_sets",
           "score_sets", "mlregtest_row"]

#: The benchmark's test sets, in the order of the results' columns.
TEST_SETS = ("SR", "LR", "SA", "LA")
#: A run's accuracy on each of them.
MLREGTEST_COLUMNS = tuple(f"acc_{name}" for name in TEST_SETS)
#: Where a suite directory keeps the sets it drew.
SETS_DIR = "sets"
#: A run's scores on each set (and why there are none, when the sets could not be drawn).
MLREGTEST_FILE = "mlregtest.json"


def _folder(out: Path, label: str, g: Grammar, size: str | int, seed: int) -> Path:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", label).strip("._")[:60] or "grammar"
    return out / SETS_DIR / f"mlregtest-{size}-s{seed}" / f"{slug}-{g.fingerprint[:12]}"


def _words_of(size: str | int) -> int:
    return MLREGTEST_SIZES[size.lower()] if isinstance(size, str) else int(size)


def _saved(folder: Path, g: Grammar, words: int) -> dict[str, Dataset] | None:
    """The sets saved in `folder` when all four are there, whole, of `g` and `words` each."""
    sets = {}
    for name in TEST_SETS:
        path = folder / f"{name}.jsonl"
        if not path.is_file():
            return None
        try:
            data = Dataset.load(path)
        except (GrammarError, OSError):  # damaged: drawn again
            return None
        if data.fingerprint != g.fingerprint or len(data) != words:
            return None
        sets[name] = data
    return sets


def protocol_sets(out: str | os.PathLike, label: str, g: Grammar, size: str | int, *,
                  seed: int) -> dict[str, Dataset]:
    """MLRegTest's test sets SR, LR, SA and LA of `g` at `size`, drawn once into suite `out`.

    Parameters
    ----------
    out : path-like
        The suite directory; the sets are kept under its ``sets/`` folder.
    label : str
        The grammar's label in the suite (names the folder, with its fingerprint).
    g : Grammar
    size : str or int
        As :func:`grammar.datasets.mlregtest_sets` takes it.
    seed : int
        The suite's ``[compare]`` seed.

    Returns
    -------
    dict of str to Dataset
        Keyed by :data:`TEST_SETS`, in that order.

    Raises
    ------
    GrammarError
        As :func:`~grammar.datasets.mlregtest_sets`, when the language is too
        thin for a set.
    """
    folder = _folder(Path(out), label, g, size, seed)
    saved = _saved(folder, g, _words_of(size))
    if saved is not None:
        return saved
    drawn = mlregtest_sets(g, size, seed=seed)
    folder.mkdir(parents=True, exist_ok=True)
    for name in TEST_SETS:  # each file atomic; a set missing on a rerun draws all four again
        drawn[name].save(folder / f"{name}.jsonl")
    return {name: drawn[name] for name in TEST_SETS}


def _key(word: Any) -> Any:
    return word if isinstance(word, str) else tuple(word)


def _rate(mask: np.ndarray) -> float | None:
    return float(mask.mean()) if mask.size else None


def score_sets(verifier: Verifier, g: Grammar, sets: dict[str, Dataset]) -> dict[str, Any]:
    """The verifier's score on each set against `g`'s automaton.

    Each set's entry holds ``words``, ``members`` (by the automaton),
    ``accuracy``, ``false_positive_rate``, ``false_negative_rate`` and
    ``seen`` (how many of its words the verifier trained on, where it knows).
    """
    trained = {_key(w) for w in verifier.training_words or ()}
    scores = {}
    for name, data in sets.items():
        words = list(data.words)
        truth = g.accepts_many(words) if words else np.zeros(0, dtype=bool)
        said = (verifier.predict(words) > 0.5) if words else np.zeros(0, dtype=bool)
        scores[name] = {
            "words": len(words),
            "members": int(truth.sum()),
            "accuracy": _rate(said == truth),
            "false_positive_rate": _rate(said[~truth]),
            "false_negative_rate": _rate(~said[truth]),
            "seen": sum(_key(w) in trained for w in words),
        }
    return scores


def mlregtest_row(verifier: Verifier, g: Grammar, *, out: str | os.PathLike, label: str,
                  size: str, seed: int, run_dir: str | os.PathLike) -> dict[str, Any]:
    """Score a run on the benchmark's sets, save ``mlregtest.json``; the row's columns.

    Returns
    -------
    dict
        :data:`MLREGTEST_COLUMNS` to accuracies (None each when the language
        is too thin for the sets).
    """
    record: dict[str, Any] = {"protocol": "mlregtest", "size": size, "seed": seed}
    try:
        sets = protocol_sets(out, label, g, size, seed=seed)
    except GrammarError as err:
        write_json(Path(run_dir) / MLREGTEST_FILE, {**record, "error": " ".join(str(err).split())})
        return dict.fromkeys(MLREGTEST_COLUMNS)
    scores = score_sets(verifier, g, sets)
    write_json(Path(run_dir) / MLREGTEST_FILE, {**record, "sets": scores})
    return {column: scores[name]["accuracy"]
            for column, name in zip(MLREGTEST_COLUMNS, TEST_SETS, strict=True)}
