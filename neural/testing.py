"""Test helpers for the learned side: a stand-in verifier wrong exactly where you choose.

Beside :mod:`grammar.testing`. (:class:`PlantedVerifier` lived in
``neural.search.planted``, which still serves it with a DeprecationWarning.)

:class:`PlantedVerifier` answers like the exact automaton of a grammar,
with the answer flipped on a given set of words: a network with known,
planted errors. :func:`neural.search` and :func:`neural.extract`
must find exactly those errors, so it tests them (and any pipeline built on
them) against a known truth. It runs on the CPU without a network: its
"hidden state" is the automaton's state and the position in a trie of the
planted words.

Examples
--------
>>> from grammar import library
>>> from neural import search
>>> g = library.tomita(1)                          # 1*
>>> v = PlantedVerifier(g, ["101", "11"])
>>> v.predict(["11", "111", "101"]).tolist()
[0.0, 1.0, 1.0]
>>> [d.word for d in search(v, g, max_length=5, progress=False).disagreements]
['11', '101']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import torch

from grammar import Grammar

__all__ = ["PlantedVerifier"]


class PlantedVerifier:
    """The exact answers of `g`, flipped on the words of `flipped`.

    Parameters
    ----------
    g : Grammar
    flipped : iterable of words
        Words whose answer is the opposite of `g`'s.
    alphabet : sequence of str, optional
        The symbols it reads (default ``g.alphabet``).
    """

    def __init__(self, g: Grammar, flipped: Iterable[Any] = (),
                 alphabet: Sequence[str] | None = None) -> None:
        self.grammar = g
        self.alphabet = tuple(alphabet) if alphabet is not None else tuple(g.alphabet)
        self.grammar_name = g.name
        self.info: dict[str, Any] = {}
        self.device = torch.device("cpu")
        self.flipped = {tuple(g.symbols_of(w)) for w in flipped}
        # A trie of the flipped words: node 0 is the empty prefix.
        children: list[list[int]] = [[-1] * len(self.alphabet)]
        marked = [False]
        for word in sorted(self.flipped):
            node = 0
            for symbol in word:
                j = self.alphabet.index(symbol)
                if children[node][j] < 0:
                    children[node][j] = len(children)
                    children.append([-1] * len(self.alphabet))
                    marked.append(False)
                node = children[node][j]
            marked[node] = True
        self._trie = np.asarray(children, dtype=np.int64)
        self._marked = np.asarray(marked + [False])  # index -1: off the trie
        columns = [g.alphabet.index(s) if s in g.alphabet else -1 for s in self.alphabet]
        table = np.asarray(g.dfa.table, dtype=np.int64)
        sink = table.shape[0]  # an extra rejecting sink for symbols outside g
        self._table = np.vstack([
            np.stack([table[:, c] if c >= 0 else np.full(sink, sink) for c in columns], axis=1),
            np.full((1, len(columns)), sink),
        ])
        self._accepting = np.append(np.asarray(g.dfa.accepting, dtype=bool), False)

    def __repr__(self) -> str:
        return f"<PlantedVerifier for {self.grammar_name!r}: {len(self.flipped)} flipped words>"

    def predict(self, words: Sequence[Any]) -> np.ndarray:
        """1.0 or 0.0 per word: `g`'s answer, flipped on the planted words."""
        out = np.zeros(len(words), dtype=np.float32)
        for i, word in enumerate(words):
            symbols = tuple(self.grammar.symbols_of(word))
            if any(s not in self.alphabet for s in symbols):
                continue
            out[i] = float(self.grammar.accepts(symbols) != (symbols in self.flipped))
        return out

    def accepts_many(self, words: Sequence[Any]) -> np.ndarray:
        """``predict(words) > 0.5``."""
        return self.predict(words) > 0.5

    def stepper(self, device: torch.device) -> _PlantedStepper:
        """Its :class:`~neural.judge.search.stepper.Stepper` (on the CPU, whatever `device`)."""
        return _PlantedStepper(self)


class _PlantedStepper:
    """States are rows ``(automaton state, trie node or -1)``, an int64 numpy array."""

    device = torch.device("cpu")

    def __init__(self, owner: PlantedVerifier) -> None:
        self.owner = owner

    def start(self) -> np.ndarray:
        return np.array([[self.owner.grammar.dfa.start, 0]], dtype=np.int64)

    def step(self, state: np.ndarray, lo: int, hi: int, parents: Any, symbols: Any) -> np.ndarray:
        block = state[lo:hi]
        n = len(self.owner.alphabet)
        if parents is None:
            rows = np.repeat(np.arange(len(block)), n)
            cols = np.tile(np.arange(n), len(block))
        else:
            rows, cols = np.asarray(parents), np.asarray(symbols)
        dfa, node = block[rows, 0], block[rows, 1]
        trie = self.owner._trie
        nxt = np.where(node >= 0, trie[np.maximum(node, 0), cols], -1)
        return np.stack([self.owner._table[dfa, cols], nxt], axis=1)

    def logits(self, state: np.ndarray) -> torch.Tensor:
        said = self.owner._accepting[state[:, 0]] != self.owner._marked[state[:, 1]]
        return torch.from_numpy(np.where(said, 8.0, -8.0).astype(np.float32))
