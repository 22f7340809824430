"""The recurrent cells a model can be built with: one registry entry per cell.

A :class:`Cell` says everything the package needs to know about a cell:

- the torch module that runs it over whole sequences, which
  :class:`~neural.model.RecurrentClassifier` builds;
- the order of the gate blocks in that module's weights, and which block
  keeps the state (the model's init raises that block's biases);
- how many state tensors it carries (the GRU one, the LSTM its ``h`` and
  ``c``), each of shape ``(layers, batch, hidden)``, the output ``h`` first;
- one step of its arithmetic in plain tensor operations, given the gates'
  input and hidden parts apart, which the search's stepper
  (:mod:`neural.judge.search.stepper`) runs over a trie of words.

:data:`REGISTRY` holds the entries and :data:`CELLS` their names. The model
and training configs, the command line's ``--cell`` and the suite spec read
them, so a new cell is one entry here (with its tests). The module imports
no torch: the command line lists the cells without it, and a cell's torch
module is looked up when a model is built.

Examples
--------
>>> CELLS
('gru', 'lstm')
>>> cell = get_cell("lstm")
>>> cell.module_type().__name__, cell.gates[cell.keeper], cell.state_shape(2, 5, 8)
('LSTM', 'forget', ((2, 5, 8), (2, 5, 8)))
>>> get_cell("rnn")
Traceback (most recent call last):
...
ValueError: unknown cell 'rnn': expected one of 'gru', 'lstm'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch
    from torch import nn

__all__ = ["Cell", "REGISTRY", "CELLS", "get_cell", "cell_of"]

#: One step of a cell: ``step(x, hidden, state) -> state``, see :attr:`Cell.step`.
StepFunction = Callable[["torch.Tensor", "torch.Tensor", tuple["torch.Tensor", ...]],
                        tuple["torch.Tensor", ...]]


@dataclass(frozen=True)
class Cell:
    """One recurrent cell: its torch module, gate layout, state and step.

    Attributes
    ----------
    name : str
        The cell's name in configs, checkpoints and on the command line; the
        model keeps its torch module under this attribute name, so that the
        weights' names in a checkpoint say which cell they are (so it must be
        an identifier that is none of the model's own attributes: not
        ``rnn``, ``embed`` or ``head``).
    module : str
        The class in :mod:`torch.nn` that runs the cell over sequences.
    gates : tuple of str
        The gate blocks of that module's weights and biases, in torch's
        order; each is ``hidden`` rows.
    keeper : int or None
        Index in `gates` of the block that keeps the state (the GRU's update
        gate, the LSTM's forget gate), whose biases the model's
        ``update_bias`` raises; None for a cell without such a gate.
    states : int
        State tensors per layer, the output ``h`` first.
    step : callable
        ``step(x, hidden, state) -> state``: one step of one layer, with
        ``x = W_ih @ input + b_ih`` and ``hidden = W_hh @ h + b_hh`` (both
        ``(..., len(gates) * hidden)``) and `state` the layer's
        :attr:`states` tensors ``(..., hidden)``; it returns the new ones.
        The leading dimensions broadcast, so that one parent's hidden part
        can serve all of its children.

    Examples
    --------
    >>> import torch
    >>> gru = get_cell("gru")
    >>> torch.manual_seed(0) is not None
    True
    >>> layer = gru.module_type()(3, 4)
    >>> x, h = torch.randn(1, 2, 3), torch.randn(1, 2, 4)
    >>> out, h1 = layer(x, h)
    >>> w_ih, w_hh, b_ih, b_hh = (p.detach() for p in layer.parameters())
    >>> (new,) = gru.step(x[0] @ w_ih.T + b_ih, h[0] @ w_hh.T + b_hh, (h[0],))
    >>> torch.allclose(new, h1[0], atol=1e-6)
    True
    """

    name: str
    module: str
    gates: tuple[str, ...]
    keeper: int | None
    states: int
    step: StepFunction

    def module_type(self) -> type[nn.RNNBase]:
        """The torch class of the cell (``torch.nn.GRU`` for the GRU)."""
        from torch import nn

        return getattr(nn, self.module)

    def state_shape(self, layers: int, batch: int, hidden: int) -> tuple[tuple[int, ...], ...]:
        """The shape of each state tensor, the output ``h`` first.

        Examples
        --------
        >>> get_cell("gru").state_shape(1, 3, 8)
        ((1, 3, 8),)
        """
        return ((layers, batch, hidden),) * self.states


def _gru_step(x: torch.Tensor, hidden: torch.Tensor,
              state: tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, ...]:
    # As torch computes it: r and z from one sigmoid, n = tanh(x_n + r * h_n),
    # h' = n + z * (h - n).
    (h,) = state
    size = h.shape[-1]
    rz = (x[..., : 2 * size] + hidden[..., : 2 * size]).sigmoid()
    n = x[..., 2 * size :].addcmul(rz[..., :size], hidden[..., 2 * size :]).tanh()
    return (n.lerp(h, rz[..., size:]),)


def _lstm_step(x: torch.Tensor, hidden: torch.Tensor,
               state: tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, ...]:
    import torch  # loaded by whoever built the weights; the import only looks it up

    h, c = state
    size = h.shape[-1]
    gates = x + hidden
    # The input, forget and output gates from one sigmoid.
    ifo = torch.cat([gates[..., : 2 * size], gates[..., 3 * size :]], -1).sigmoid()
    c = ifo[..., size : 2 * size] * c + ifo[..., :size] * gates[..., 2 * size : 3 * size].tanh()
    return ifo[..., 2 * size :] * c.tanh(), c


#: Every cell, by name.
REGISTRY: Mapping[str, Cell] = MappingProxyType({cell.name: cell for cell in (
    Cell("gru", "GRU", ("reset", "update", "new"), keeper=1, states=1, step=_gru_step),
    Cell("lstm", "LSTM", ("input", "forget", "cell", "output"), keeper=1, states=2,
         step=_lstm_step),
)})

#: The names of the cells a model can be built with.
CELLS: tuple[str, ...] = tuple(REGISTRY)


def get_cell(name: str) -> Cell:
    """The registry entry of the cell called `name`.

    Raises
    ------
    TypeError
        If `name` is not a string.
    ValueError
        If no cell has that name.
    """
    if not isinstance(name, str):
        raise TypeError(f"a cell name must be a str, not {type(name).__name__}")
    cell = REGISTRY.get(name)
    if cell is None:
        raise ValueError(f"unknown cell {name!r}: expected one of "
                         f"{', '.join(map(repr, CELLS))}")
    return cell


def cell_of(module: Any) -> Cell:
    """The cell whose torch module `module` is (an instance of it or of a subclass).

    Raises
    ------
    TypeError
        If `module` is not one of the registry's torch modules.

    Examples
    --------
    >>> from torch import nn
    >>> cell_of(nn.LSTM(2, 3)).name
    'lstm'
    """
    for cell in REGISTRY.values():
        if isinstance(module, cell.module_type()):
            return cell
    raise TypeError(f"{type(module).__name__} is not a registered cell's module "
                    f"(expected one of {', '.join(c.module for c in REGISTRY.values())})")
