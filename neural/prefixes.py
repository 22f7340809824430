"""The network's answers after every prefix of a word: which words it solves, and the
symbols it allows next.

The next-symbol task (:mod:`neural.nextsym`) asks, after every prefix, whether
the word may end there and which symbols may follow. :func:`solved` says which
words a network gets right at every step; training's early stop needs only
that, so it lives here, apart from the scoring and generation of
:mod:`neural.nextsym`.

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

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from grammar import Grammar, GrammarError
from neural.device import answering, to_device
from neural.targets import solved_rows, training_tensors
from neural.verifier import Verifier

__all__ = ["check_same_alphabet", "next_symbol_sets", "solved"]

#: Words per forward pass.
BATCH = 1024


def check_same_alphabet(verifier: Any, g: Any) -> None:
    """Refuse a pair whose alphabets differ: the next-symbol targets need the same one."""
    if not isinstance(verifier, Verifier):
        raise TypeError(f"needs a Verifier, not {type(verifier).__name__}")
    if not isinstance(g, Grammar):
        raise TypeError(f"needs a Grammar, not {type(g).__name__}")
    if tuple(g.alphabet) != tuple(verifier.alphabet):
        raise GrammarError(f"grammar {g.name!r} has the alphabet {', '.join(g.alphabet)}, "
                           f"the verifier {', '.join(verifier.alphabet)}: the next-symbol "
                           "targets need the same one")


def solved(verifier: Verifier, g: Grammar, words: Sequence[Any]) -> np.ndarray:
    """Which `words` the network solves: every prefix's thresholded prediction is right.

    A word with a symbol outside the alphabet is not solved.

    Raises
    ------
    GrammarError
        If `g`'s alphabet is not the verifier's.

    Examples
    --------
    >>> from grammar import library
    >>> g = library.tomita(1)
    >>> solved(Verifier.untrained(g, seed=0), g, ["11", "1x"]).tolist()[1]
    False
    """
    check_same_alphabet(verifier, g)
    if isinstance(words, (str, bytes)):
        raise TypeError("words must be a list of words; wrap a single word in a list")
    words = list(words)
    out = np.zeros(len(words), dtype=bool)
    known = np.flatnonzero(~verifier.vocab.encode_many(words).unknown)
    model, device = verifier.model.eval(), verifier.device
    with answering(device, verifier.precision, verifier.threads):
        for start in range(0, len(known), BATCH):
            index = known[start : start + BATCH]
            t = training_tensors(g, verifier.vocab, [words[i] for i in index],
                                 np.zeros(len(index)))
            logits = model.prefix_logits(to_device(t.ids, device)).float()
            rows = solved_rows(logits, to_device(t.prefix, device), to_device(t.steps, device))
            out[index] = rows.cpu().numpy()
    return out


def next_symbol_sets(
    verifier: Verifier, word: Any, threshold: float = 0.5
) -> list[tuple[bool, tuple[str, ...]]]:
    """The network's answer after every prefix of `word`: may it end there, what may follow.

    Entry ``t`` is for the prefix of ``t`` symbols, ``len(word) + 1``
    entries in all, comparable with ``(g.accepts(prefix), g.next_symbols(prefix))``.

    Raises
    ------
    GrammarError
        If `word` holds a symbol outside the verifier's alphabet.

    Examples
    --------
    >>> from grammar import library
    >>> len(next_symbol_sets(Verifier.untrained(library.reber(), seed=0), "BT"))
    3
    """
    vocab = verifier.vocab
    bad = vocab.unknown_symbol(word)
    if bad is not None:
        raise GrammarError(f"symbol {bad!r} is not in the verifier's alphabet")
    encoded = vocab.encode_many([word])
    ids, _ = vocab.pad(encoded, [0])
    with answering(verifier.device, verifier.precision, verifier.threads):
        logits = verifier.model.eval().prefix_logits(to_device(ids, verifier.device))
    p = torch.sigmoid(logits[0].float()).cpu().numpy() > threshold
    return [(bool(row[0]), tuple(s for s, on in zip(vocab.alphabet, row[1:], strict=True) if on))
            for row in p]
