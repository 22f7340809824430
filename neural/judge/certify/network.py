"""A GRU verifier's weights as float64 arrays, and its exact step on points.

:class:`GRUWeights` holds what one step of the network needs: the
embedding (PAD is row 0, BOS row 1, symbol ``j`` of the alphabet row
``j + 2``), each layer's input and hidden weights and biases in torch's
gate order (reset, update, candidate), and row 0 of the head, the
membership logit. Weights are stored as float32 and held here as float64,
which represents every float32 exactly, so the "exact step" below is the
real-number function of the stored weights.

The state of a network with several layers is the concatenation of the
layers' hidden vectors, layer 0 first; the head reads the last layer.

Examples
--------
>>> from grammar import library
>>> from neural.verifier import Verifier
>>> w = GRUWeights.from_verifier(Verifier.untrained(library.parity(), seed=0))
>>> w.width, w.layers, w.n_symbols
(32, 1, 2)
>>> h = w.run([[0, 1, 1]])                 # BOS, then "0", "1", "1"
>>> h.shape, bool(np.all(np.abs(h) < 1))
((1, 32), True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["GRUWeights", "sigmoid"]

#: Embedding rows before the first symbol: PAD, then BOS.
FIRST_SYMBOL_ROW = 2
BOS_ROW = 1


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function, float64, without overflow warnings.

    Examples
    --------
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0])).tolist()
    [0.0, 0.5, 1.0]
    """
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


@dataclass(frozen=True)
class GRUWeights:
    """The weights of an embedding -> GRU -> linear head network, in float64.

    Attributes
    ----------
    embedding : numpy.ndarray
        ``(vocab, E)``.
    w_ih, w_hh : tuple of numpy.ndarray
        Per layer, ``(3H, E or H)`` and ``(3H, H)``, gates reset, update, candidate.
    b_ih, b_hh : tuple of numpy.ndarray
        Per layer, ``(3H,)`` (zeros for a layer without biases).
    head_w : numpy.ndarray
        ``(H,)``, row 0 of the head: the membership logit.
    head_b : float
    """

    embedding: np.ndarray
    w_ih: tuple[np.ndarray, ...]
    w_hh: tuple[np.ndarray, ...]
    b_ih: tuple[np.ndarray, ...]
    b_hh: tuple[np.ndarray, ...]
    head_w: np.ndarray
    head_b: float

    @property
    def hidden(self) -> int:
        """Hidden units per layer."""
        return int(self.w_hh[0].shape[1])

    @property
    def layers(self) -> int:
        """Stacked GRU layers."""
        return len(self.w_hh)

    @property
    def width(self) -> int:
        """Length of the state vector: hidden units of all layers."""
        return self.hidden * self.layers

    @property
    def n_symbols(self) -> int:
        """Symbols the network reads (embedding rows after PAD and BOS)."""
        return int(self.embedding.shape[0]) - FIRST_SYMBOL_ROW

    @classmethod
    def from_state_dict(cls, state: Mapping[str, Any], cell: str = "gru") -> GRUWeights:
        """Read a :class:`~neural.model.RecurrentClassifier` state dict (tensors or arrays).

        Raises
        ------
        TypeError
            If the network is not a GRU (`cell` other than ``"gru"``).
        KeyError
            Naming the first weight that is missing.
        """
        if cell != "gru":
            raise TypeError(f"only GRU networks can be certified, not {cell!r}")

        def get(name: str) -> np.ndarray:
            if name not in state:
                raise KeyError(f"the network has no weight {name!r}")
            value = state[name]
            if hasattr(value, "detach"):  # a torch tensor
                value = value.detach().cpu().float().numpy()
            return np.asarray(value, dtype=np.float64)

        layers = 0
        while f"gru.weight_hh_l{layers}" in state:
            layers += 1
        if not layers:
            raise KeyError("the network has no weight 'gru.weight_hh_l0'")
        w_ih = tuple(get(f"gru.weight_ih_l{k}") for k in range(layers))
        w_hh = tuple(get(f"gru.weight_hh_l{k}") for k in range(layers))

        def bias(name: str, k: int) -> np.ndarray:
            key = f"gru.{name}_l{k}"
            return get(key) if key in state else np.zeros(w_hh[k].shape[0])

        head = get("head.weight")
        head_b = float(get("head.bias")[0]) if "head.bias" in state else 0.0
        return cls(get("embed.weight"), w_ih, w_hh,
                   tuple(bias("bias_ih", k) for k in range(layers)),
                   tuple(bias("bias_hh", k) for k in range(layers)), head[0].copy(), head_b)

    @classmethod
    def from_verifier(cls, verifier: Any) -> GRUWeights:
        """The weights of `verifier`'s model (a :class:`~neural.model.RecurrentClassifier`).

        Raises
        ------
        TypeError
            If `verifier` has no GRU model of that shape.
        """
        model = getattr(verifier, "model", None)
        config = getattr(model, "config", None)
        cell = getattr(config, "cell", None)
        if model is None or cell is None or not hasattr(model, "state_dict"):
            raise TypeError(f"{type(verifier).__name__} holds no grammarlab network to certify")
        return cls.from_state_dict(model.state_dict(), cell)

    def step(self, h: np.ndarray, rows: np.ndarray | int) -> np.ndarray:
        """One exact (float64) step from states `h` ``(N, width)``, reading embedding `rows`.

        Examples
        --------
        >>> from grammar import library
        >>> from neural.verifier import Verifier
        >>> w = GRUWeights.from_verifier(Verifier.untrained(library.parity(), seed=0))
        >>> w.step(np.zeros((3, 32)), BOS_ROW).shape
        (3, 32)
        """
        h = np.atleast_2d(np.asarray(h, dtype=np.float64))
        x = np.broadcast_to(self.embedding[rows], (h.shape[0], self.embedding.shape[1]))
        out = []
        size = self.hidden
        for k in range(self.layers):
            prev = h[:, k * size:(k + 1) * size]
            gi = x @ self.w_ih[k].T + self.b_ih[k]
            gh = prev @ self.w_hh[k].T + self.b_hh[k]
            r = sigmoid(gi[:, :size] + gh[:, :size])
            z = sigmoid(gi[:, size:2 * size] + gh[:, size:2 * size])
            n = np.tanh(gi[:, 2 * size:] + r * gh[:, 2 * size:])
            x = n + z * (prev - n)
            out.append(x)
        return np.concatenate(out, axis=1)

    def logit(self, h: np.ndarray) -> np.ndarray:
        """Membership logits of states `h` ``(N, width)``: the head reads the last layer."""
        last = np.atleast_2d(h)[:, (self.layers - 1) * self.hidden:]
        return last @ self.head_w + self.head_b

    def run(self, words: Sequence[Sequence[int]]) -> np.ndarray:
        """States after BOS and each word (symbol indices), all words of one length.

        Returns
        -------
        numpy.ndarray
            ``(len(words), width)``.
        """
        ids = np.asarray(words, dtype=np.int64).reshape(len(words), -1)
        h = self.step(np.zeros((len(ids), self.width)), BOS_ROW)
        for t in range(ids.shape[1]):
            h = self.step(h, ids[:, t] + FIRST_SYMBOL_ROW)
        return h
