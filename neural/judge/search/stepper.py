"""A network read one symbol at a time, so a trie of words can share its prefixes.

A :class:`Stepper` holds the network's state after a batch of prefixes and
extends them by one symbol each. :func:`stepper_for` builds one from a
verifier's model: the embedding, the recurrent layers (the torch module of
a cell of :mod:`neural.cells`, ``nn.GRU`` or ``nn.LSTM``) and the head, run
step by step with explicit states through the cell's step function.
Two facts make a trie step cheap:

- the first layer's input part depends only on the symbol, so it is one
  row of a small table (``|alphabet| x gates``) computed once;
- the hidden part depends only on the parent, so it is computed once per
  parent and shared by all of its children.

The network's answer for a prefix is the membership logit, column 0 of the
head, exactly what :meth:`neural.verifier.Verifier.predict` thresholds.

An object with a method ``stepper(device)`` supplies its own (a verifier
whose answers a test controls, for example).

Examples
--------
>>> import torch
>>> from grammar import library
>>> from neural.verifier import Verifier
>>> v = Verifier.untrained(library.parity(), seed=0)
>>> s = stepper_for(v)
>>> root = s.start()
>>> kids = s.step(root, 0, 1, None, None)              # every symbol: "0" and "1"
>>> p = torch.sigmoid(s.logits(kids)).tolist()
>>> [round(x, 5) for x in p] == [round(float(x), 5) for x in v.predict(["0", "1"])]
True
"""

from __future__ import annotations

import copy
import warnings
from typing import Any, Protocol

import torch
from torch import nn

from neural.cells import cell_of

__all__ = ["Stepper", "RNNStepper", "stepper_for"]

# A batch of network states, whatever the stepper makes of them (for RNNStepper, the tuple
# of the cell's state tensors, each (layers, batch, hidden): the GRU's h, the LSTM's h and c).
State = Any


class Stepper(Protocol):
    """What the trie walk needs from a network.

    Attributes
    ----------
    device : torch.device
        Where states live.
    """

    device: torch.device

    def start(self) -> State:
        """The state after reading no symbol: a batch of one."""

    def step(self, state: State, lo: int, hi: int, parents: torch.Tensor | None,
             symbols: torch.Tensor | None) -> State:
        """Child states of rows ``lo:hi`` of `state`.

        Child ``i`` is row ``lo + parents[i]`` after reading symbol
        ``symbols[i]`` (an index into the alphabet). With `parents` and
        `symbols` None, every row reads every symbol: row-major, symbol-minor.
        """

    def logits(self, state: State) -> torch.Tensor:
        """Membership logit of every row, float32 ``(B,)``; > 0 means accepted."""


def _only(model: nn.Module, kind: type, what: str) -> Any:
    found = [m for m in model.modules() if isinstance(m, kind)]
    if len(found) != 1:
        raise TypeError(f"the model must hold exactly one {what}, found {len(found)}")
    return found[0]


class RNNStepper:
    """Step a verifier's embedding -> recurrent cell -> head network one symbol at a time.

    Parameters
    ----------
    model : torch.nn.Module
        Holds one ``nn.Embedding`` (ids: PAD 0, BOS 1, symbol ``j`` at
        ``j + 2``), one recurrent layer, the torch module of a cell of
        :mod:`neural.cells` (``nn.GRU`` or ``nn.LSTM``; batch first, one
        direction, no projection) and a ``head`` whose column 0 is the
        membership logit: linear, or any module on the last layer's state
        (a recipe's dense head, :class:`neural.recipe_parts.DenseHead`).
    n_symbols : int
        Size of the alphabet.
    device : torch.device
        Where to run; the weights are copied there in float32.

    Attributes
    ----------
    cell : neural.cells.Cell
        The registry entry of the model's cell, whose step function runs
        each layer.

    Raises
    ------
    TypeError
        If the model does not have that shape.

    Examples
    --------
    >>> from grammar import library
    >>> from neural.verifier import Verifier
    >>> v = Verifier.untrained(library.reber(), seed=0)
    >>> s = RNNStepper(v.model, 7, torch.device("cpu"))
    >>> s.logits(s.start()).shape, s.cell.name
    (torch.Size([1]), 'gru')
    """

    def __init__(self, model: nn.Module, n_symbols: int, device: torch.device) -> None:
        embed = _only(model, nn.Embedding, "embedding")
        rnn = _only(model, nn.RNNBase, "recurrent layer")
        head = getattr(model, "head", None)
        if not isinstance(head, nn.Module):
            raise TypeError("the model must have a `head` module")
        self.cell = cell_of(rnn)  # a TypeError for a module of no registered cell
        if rnn.bidirectional or not rnn.batch_first:
            raise TypeError("the recurrent layer must be a one-way, batch-first "
                            f"nn.{self.cell.module}")
        if rnn.proj_size:
            raise TypeError("recurrent layers with projections are not supported")
        self.device = device
        self.layers = rnn.num_layers
        self.hidden = rnn.hidden_size
        with torch.no_grad():
            weights = {name: p.detach().to(device=device, dtype=torch.float32)
                       for name, p in rnn.named_parameters()}
            self._w_ih = [weights[f"weight_ih_l{k}"] for k in range(self.layers)]
            self._w_hh = [weights[f"weight_hh_l{k}"] for k in range(self.layers)]
            self._b_ih = [weights.get(f"bias_ih_l{k}") for k in range(self.layers)]
            self._b_hh = [weights.get(f"bias_hh_l{k}") for k in range(self.layers)]
            table = embed.weight.detach().to(device=device, dtype=torch.float32)
            # The first layer's input gates for BOS (row 0) and each symbol (row 1 + j).
            ids = torch.arange(1, n_symbols + 2, device=device)
            self._first = _affine(table[ids], self._w_ih[0], self._b_ih[0])
            # A head that is not linear (a recipe's dense head) is run as it is, in eval mode.
            self._head = (None if isinstance(head, nn.Linear) else
                          copy.deepcopy(head).to(device=device, dtype=torch.float32).eval())
            if self._head is None:
                self._head_w = head.weight.detach()[0].to(device=device, dtype=torch.float32)
                self._head_b = (head.bias.detach()[0].to(device=device, dtype=torch.float32)
                                if head.bias is not None else torch.zeros((), device=device))

    @property
    def lstm(self) -> bool:
        """Whether the cell is the LSTM (deprecated: read :attr:`cell`)."""
        warnings.warn("RNNStepper.lstm is deprecated; read RNNStepper.cell, the model's "
                      "neural.cells.Cell", DeprecationWarning, stacklevel=2)
        return self.cell.name == "lstm"

    def start(self) -> State:
        """The state after BOS."""
        with torch.inference_mode():
            zeros = tuple(torch.zeros(shape, device=self.device)
                          for shape in self.cell.state_shape(self.layers, 1, self.hidden))
            bos = torch.zeros(1, dtype=torch.long, device=self.device)
            return self._advance(zeros, bos, bos)

    def step(self, state: State, lo: int, hi: int, parents: torch.Tensor | None,
             symbols: torch.Tensor | None) -> State:
        """Children of rows ``lo:hi`` of `state` (see :class:`Stepper`)."""
        with torch.inference_mode():
            block = tuple([s[:, lo:hi] for s in state])
            return self._advance(block, parents, None if symbols is None else symbols + 1)

    def _advance(self, state: State, parents: torch.Tensor | None,
                 rows: torch.Tensor | None) -> State:
        """One step of every layer; `rows` index the first-layer table (0 is BOS)."""
        batch = state[0].shape[1]
        fan = len(self._first) - 1  # children per parent when every symbol is read
        step = self.cell.step
        layers: list[tuple[torch.Tensor, ...]] = []  # each layer's new state tensors
        for k in range(self.layers):
            here = [s[k] for s in state]  # this layer's state tensors
            # The hidden part once per parent, then shared by its children.
            hidden = _affine(here[0], self._w_hh[k], self._b_hh[k])
            if k:
                x = _affine(layers[-1][0], self._w_ih[k], self._b_ih[k])
            elif rows is None:
                x = self._first[1:]
            else:
                x = self._first[rows]
            if rows is None:
                # Every row reads every symbol: broadcast (parent, symbol), no gathers.
                x = x.unsqueeze(0) if not k else x.view(batch, fan, -1)
                new = step(x, hidden.unsqueeze(1), tuple([s.unsqueeze(1) for s in here]))
                new = tuple([s.reshape(batch * fan, -1) for s in new])
            else:
                new = step(x, hidden[parents], tuple([s[parents] for s in here]))
            layers.append(new)
        if len(layers) == 1:
            return tuple([s.unsqueeze(0) for s in layers[0]])
        return tuple([torch.stack(part) for part in zip(*layers, strict=True)])

    def logits(self, state: State) -> torch.Tensor:
        """Membership logit of each row."""
        with torch.inference_mode():
            if self._head is not None:
                return self._head(state[0][-1])[..., 0]
            return state[0][-1] @ self._head_w + self._head_b


def _affine(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    return x @ weight.T if bias is None else torch.addmm(bias, x, weight.T)


def stepper_for(verifier: Any, device: torch.device | None = None) -> Stepper:
    """The :class:`Stepper` of `verifier`, on `device` (default: the verifier's own).

    An object with a ``stepper(device)`` method supplies its own; otherwise
    its ``model`` is stepped by :class:`RNNStepper`.

    Raises
    ------
    TypeError
        If `verifier` has neither.

    Examples
    --------
    >>> from grammar import library
    >>> from neural.verifier import Verifier
    >>> stepper_for(Verifier.untrained(library.tomita(3))).device
    device(type='cpu')
    """
    own = getattr(verifier, "stepper", None)
    device = device or getattr(verifier, "device", None) or torch.device("cpu")
    if callable(own):
        return own(device)
    model = getattr(verifier, "model", None)
    if not isinstance(model, nn.Module):
        raise TypeError(f"{type(verifier).__name__} has neither a model nor a stepper()")
    return RNNStepper(model, len(verifier.alphabet), device)
