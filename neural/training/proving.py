"""Train until proved: rounds of training for certifiable states and certification.

``TrainConfig(until="proved")`` makes :func:`neural.training.train` go on
past the accuracy target:

1. **Rounds of training with the contraction penalty**
   (:mod:`neural.training.contraction`): one epoch at a time, the usual loss
   plus the penalty, so that one step of the network shrinks small boxes
   around the states it reaches.
2. **A cheap look after each round**: how much one interval step widens a
   small box around the states reached after random words
   (:func:`neural.judge.certify.boxes.expansion`). Boxes can close only where that
   is below 1, so only then does the round go on to the full
   :func:`neural.judge.certify.certify`, and only when
3. **the search of short words** (:func:`neural.search.search`, a few
   seconds; also every other round while the boxes cannot close) finds no
   wrong word. The wrong words (or the certificate's
   counterexample) and their neighbours one edit away, labelled by the
   automaton, join the training data, and training goes on.
4. **When the budget is spent** a last certification gives the honest
   verdict: ``"proved"``, a confirmed counterexample, or ``"undecided"``
   with the reasons.

Examples
--------
>>> from grammar import library
>>> words, labels = neighbours(library.parity(), "101", limit=4)
>>> words[0], len(words), labels == [w.count("1") % 2 == 0 for w in words]
('101', 4, True)
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Sequence
from typing import Any

from grammar import Grammar
from grammar.seeds import as_generator

__all__ = ["prove_by_training", "neighbours", "CERTIFY_BUDGET",
           "LOOK_LENGTH", "FIRST_WEIGHT", "MAX_WEIGHT", "SEARCH_BUDGET", "SEARCH_KEEP"]

#: Seconds of each full certification.
CERTIFY_BUDGET = 30.0
#: Length of the random words after which the cheap look measures the states.
LOOK_LENGTH = 120
#: The contraction penalty's weight in the first round. It doubles after each round that
#: keeps the validation accuracy at the target, up to MAX_WEIGHT; a round that loses it is
#: undone (the weights go back to the last good round's) and the weight is divided by 4, so
#: that a network trained for accuracy moves to saturated states without forgetting.
FIRST_WEIGHT = 0.01
MAX_WEIGHT = 1.0
#: Seconds of the search of short words before each certification, and words it keeps.
SEARCH_BUDGET, SEARCH_KEEP = 5.0, 256
# Copies of a counterexample itself in the training data, and neighbours at most.
_COPIES, _NEIGHBOURS = 8, 64


def neighbours(g: Grammar, word: Any, *, limit: int = _NEIGHBOURS,
               seed: int | None = 0) -> tuple[list[Any], list[bool]]:
    """`word` and words one edit away from it, each labelled by `g`'s automaton.

    The edits are deletions, substitutions and insertions of `g`'s symbols,
    at most `limit` words in all (the word first, then edits at random
    positions).

    Parameters
    ----------
    g : Grammar
    word : str or sequence of str
        In `g`'s spelling: a string for one-character symbols.
    limit : int
    seed : int, optional

    Returns
    -------
    words, labels : list
    """
    symbols = list(g.symbols_of(word)) if isinstance(word, str) else list(word)
    rng = as_generator(seed)
    alphabet = list(g.alphabet)
    out = [list(symbols)]
    seen = {tuple(symbols)}
    tries = 0
    while len(out) < limit and tries < 20 * limit:
        tries += 1
        kind = int(rng.integers(3))
        at = int(rng.integers(len(symbols) + (kind == 2))) if symbols or kind == 2 else 0
        edited = list(symbols)
        if kind == 0 and symbols:
            del edited[at]
        elif kind == 1 and symbols:
            edited[at] = alphabet[int(rng.integers(len(alphabet)))]
        elif kind == 2:
            edited.insert(at, alphabet[int(rng.integers(len(alphabet)))])
        if tuple(edited) not in seen:
            seen.add(tuple(edited))
            out.append(edited)
    words = ["".join(w) for w in out] if g.single_char else [tuple(w) for w in out]
    return words, [bool(x) for x in g.accepts_many(words)]


def prove_by_training(
    g: Grammar,
    verifier: Any,
    train_round: Callable[[Sequence[Any], Sequence[bool], float], dict],
    *,
    budget: float,
    target: float | None = None,
    max_length: int = 30,
    seed: int = 0,
    say: Callable[[str], None] | None = None,
) -> tuple[Any, list[dict]]:
    """Train in rounds and certify until the network is proved or the budget is spent.

    Parameters
    ----------
    g : Grammar
    verifier : Verifier
        Its model is trained in place by `train_round`.
    train_round : callable
        ``train_round(extra_words, extra_labels, weight)`` trains one epoch
        with the contraction penalty at `weight` on the training data plus
        the extra words, and returns that epoch's history row.
    budget : float
        Seconds of rounds; the last certification may add up to
        :data:`CERTIFY_BUDGET`.
    target : float, optional
        The validation accuracy a round must keep (see :data:`FIRST_WEIGHT`).
    max_length : int
        The longest words of the short-word search.
    seed : int
    say : callable, optional
        Called with one line per round, for progress.

    Returns
    -------
    certificate : neural.judge.certify.Certificate
    rounds : list of dict
        One record per round: its epoch, the cheap look's widening, and the
        certification's verdict where one ran.
    """
    from neural.judge.certify import certify
    from neural.judge.certify.boxes import expansion
    from neural.judge.certify.network import GRUWeights
    from neural.judge.search import search

    deadline = time.perf_counter() + budget
    rng = as_generator(seed)
    weight = FIRST_WEIGHT
    good = copy.deepcopy(verifier.model.state_dict())
    # Only words the network got wrong, and their neighbours, join the data: adding every
    # short word and random long ones as well cost parity its proof (bench/certify.py).
    extra_words: list[Any] = []
    extra_labels: list[bool] = []
    rounds: list[dict] = []
    while True:
        verifier.model.eval()
        weights = GRUWeights.from_verifier(verifier)
        median, largest = expansion(weights, rng, words=32, length=LOOK_LENGTH)
        record: dict[str, Any] = {"round": len(rounds), "widening": round(largest, 4)}
        spent = time.perf_counter() >= deadline
        wrong = []
        if not spent and (largest < 1.0 or record["round"] % 2 == 0):  # many wrong words at once
            found = search(verifier, g, max_length=max_length, budget=SEARCH_BUDGET,
                           keep=SEARCH_KEEP, progress=False)
            wrong = [d.word for d in found.disagreements if d.confirmed]
            record["wrong"] = len(wrong)
        if (largest < 1.0 and not wrong) or spent:
            cert = certify(verifier, g, budget=CERTIFY_BUDGET, seed=int(rng.integers(2**31)))
            record["verdict"] = cert.verdict
            rounds.append(record)
            if say is not None:
                say(f"round {record['round']}: one step widens small boxes at most "
                    f"{largest:.3g} times; {cert.summary()}")
            if cert.proved or spent:
                return cert, rounds
            if cert.verdict == "counterexample":
                wrong = [cert.counterexample]
        else:
            rounds.append(record)
            if say is not None:
                say(f"round {record['round']}: one step widens small boxes at most "
                    f"{largest:.3g} times (median {median:.3g})"
                    + (f", {len(wrong)} short words wrong" if wrong else "") + "; training on")
        for word in wrong:
            words, labels = neighbours(g, word, limit=max(8, _NEIGHBOURS // len(wrong)),
                                       seed=int(rng.integers(2**31)))
            extra_words += [words[0]] * _COPIES + words[1:]
            extra_labels += [labels[0]] * _COPIES + labels[1:]
        record["weight"] = weight
        row = train_round(extra_words, extra_labels, weight)
        record["epoch"] = row["epoch"]
        kept = row.get("valid_accuracy")
        if target is not None and kept is not None and kept < target:
            verifier.model.load_state_dict(good)
            record["undone"] = True
            weight /= 4
        else:
            good = copy.deepcopy(verifier.model.state_dict())
            weight = min(MAX_WEIGHT, weight * 2)
