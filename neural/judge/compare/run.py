"""Draw the test sets, run the verifier on them and score it against the automaton."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np

from grammar import Grammar, GrammarError, datasets
from grammar.words import word_text
from neural.distributed import map_shards
from neural.judge.common import Disagreement, word_kind
from neural.judge.compare.result import N_SHORTEST, SET_NAMES, Comparison, SetScore
from neural.judge.search import search
from neural.verifier import Verifier

__all__ = ["compare"]


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
) -> Comparison:
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
        Also run :func:`neural.search` with these keywords (default: the longest training
        length, a 60 s budget); the printed report then ends with its verdict.

    Returns
    -------
    Comparison

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
) -> Comparison:
    sets: dict[str, SetScore] = {}
    rows: list[tuple[Any, int, str, str, bool, float]] = []
    lengths_all, agree_all, kinds_all = [], [], []
    for name in SET_NAMES:
        ds = suite[name]
        words = list(ds.words)
        truth = g.accepts_many(words) if words else np.zeros(0, dtype=bool)
        p = map_shards(verifier.predict, words) if words else np.zeros(0, dtype=np.float32)
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
    rows.sort(key=lambda r: (r[1], word_text(r[0])))
    shortest, seen = [], set()
    for word, length, name, kind, member, p in rows:
        key = word_text(word)
        if key in seen:
            continue
        seen.add(key)
        shortest.append(Disagreement(
            word=word if isinstance(word, str) else list(word), length=length,
            kind=word_kind(g, word), member=member, probability=p,
            explanation=str(g.explain(word)), set=name, made_by=kind))
        if len(shortest) == N_SHORTEST:
            break
    return Comparison(
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
