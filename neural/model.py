"""The recurrent membership model: a pure ``nn.Module`` built from a dataclass config.

Embedding -> recurrent cell (a GRU or an LSTM, see :mod:`neural.cells`) ->
Linear. After every time step the head gives the logit that the prefix read
so far is a member, and for each symbol the logit that it may come next
(that some member continues the prefix with it). Training can supervise
every prefix with the exact automaton's answers; the verifier reads only the
membership logit after the last symbol, and the next-symbol task
(:mod:`neural.nextsym`) reads them all. The file does no I/O:
checkpoints store :class:`ModelConfig`, cell included, as JSON next to the
weights. :class:`RecurrentClassifier` was called ``GRUClassifier`` before it
built LSTMs too; that name still works, with a :class:`DeprecationWarning`.

A recipe other than grammarlab's (``ModelConfig.recipe``, see
:mod:`neural.recipes`) may give the network another head, input dropout and
init: MLRegTest's ends in dense layers and a 2-way softmax
(:class:`~neural.recipe_parts.DenseHead`), whose only output per prefix is
the membership logit (the member class's logit minus the other's), so
:meth:`RecurrentClassifier.prefix_logits` gives one column and no
next-symbol logits.

Examples
--------
>>> import torch
>>> model = RecurrentClassifier(ModelConfig(vocab_size=4, embedding=4, hidden=8))
>>> ids = torch.tensor([[1, 3, 2], [1, 2, 0]])      # BOS, symbols, PAD
>>> model(ids, torch.tensor([3, 2])).shape
torch.Size([2])
>>> model.prefix_logits(ids).shape
torch.Size([2, 3, 3])
>>> lstm = RecurrentClassifier(ModelConfig(vocab_size=4, embedding=4, hidden=8, cell="lstm"))
>>> lstm.rnn
LSTM(4, 8, batch_first=True)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from neural.cells import CELLS, get_cell
from neural.recipe_parts import DenseHead, StepDropout, keras_init
from neural.recipes import RECIPES, get_recipe

__all__ = ["ModelConfig", "RecurrentClassifier", "CELLS"]


@dataclass(frozen=True)
class ModelConfig:
    """Shape of a :class:`RecurrentClassifier`.

    Parameters
    ----------
    vocab_size : int
        Embedding rows: PAD, BOS and one per symbol (see
        :attr:`neural.data.Vocabulary.size`).
    embedding : int
        Embedding width.
    hidden : int
        Hidden size of the recurrent cell.
    layers : int
        Stacked recurrent layers.
    dropout : float
        Dropout between recurrent layers (ignored by torch for one layer);
        in a recipe with input dropout and a dense head (``"mlregtest"``),
        also on the recurrent layer's input and after the dense layers.
    update_bias : float
        At initialisation the biases of the gate that keeps the state (the
        GRU's update gate, the LSTM's forget gate) are raised by amounts
        spread evenly over ``[0, update_bias]`` across the hidden units, so
        that some units start out holding their state over long spans while
        others follow the input (a "chrono"-style init). It makes long-range
        dependencies, such as embedded Reber's wrapper letter, far quicker
        to learn. A cell with no such gate ignores it.
    cell : str
        The recurrent cell, one of :data:`~neural.cells.CELLS`. An LSTM of
        the same hidden size has a third more weights than the GRU (four
        gates to three).
    recipe : str
        The recipe of :mod:`neural.recipes` whose network this is: its head,
        input dropout and init. ``"default"`` is grammarlab's linear head on
        every prefix with the "chrono" init; ``"mlregtest"`` the benchmark's
        dense head and Keras' init (`update_bias` unused).

    Examples
    --------
    >>> ModelConfig(vocab_size=9, hidden=16)  # doctest: +NORMALIZE_WHITESPACE
    ModelConfig(vocab_size=9, embedding=8, hidden=16, layers=1, dropout=0.0, update_bias=5.0,
                cell='gru', recipe='default')
    >>> ModelConfig(vocab_size=9, hidden=0)
    Traceback (most recent call last):
    ...
    ValueError: ModelConfig.hidden must be >= 1, got 0
    >>> ModelConfig(vocab_size=9, cell="rnn")
    Traceback (most recent call last):
    ...
    ValueError: ModelConfig.cell must be one of 'gru', 'lstm', got 'rnn'
    """

    vocab_size: int
    embedding: int = 8
    hidden: int = 32
    layers: int = 1
    dropout: float = 0.0
    update_bias: float = 5.0
    cell: str = "gru"
    recipe: str = "default"

    def __post_init__(self) -> None:
        for field in ("vocab_size", "embedding", "hidden", "layers"):
            value = getattr(self, field)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"ModelConfig.{field} must be an int, not {type(value).__name__}")
            if value < 1:
                raise ValueError(f"ModelConfig.{field} must be >= 1, got {value}")
        if self.vocab_size < 3:
            raise ValueError(f"ModelConfig.vocab_size counts PAD, BOS and the symbols: >= 3, "
                             f"got {self.vocab_size}")
        if not 0.0 <= float(self.dropout) < 1.0:
            raise ValueError(f"ModelConfig.dropout must be in [0, 1), got {self.dropout}")
        if not isinstance(self.cell, str):
            raise TypeError(f"ModelConfig.cell must be a str, not {type(self.cell).__name__}")
        if self.cell not in CELLS:
            raise ValueError(f"ModelConfig.cell must be one of {', '.join(map(repr, CELLS))}, "
                             f"got {self.cell!r}")
        if not isinstance(self.recipe, str):
            raise TypeError(f"ModelConfig.recipe must be a str, not {type(self.recipe).__name__}")
        if self.recipe not in RECIPES:
            raise ValueError(f"ModelConfig.recipe must be one of "
                             f"{', '.join(map(repr, RECIPES))}, got {self.recipe!r}")


class RecurrentClassifier(nn.Module):
    """Embedding -> recurrent cell -> Linear: membership and next-symbol logits per prefix.

    The recurrent module, the cell's torch module (see :mod:`neural.cells`),
    is kept under the cell's name: ``self.gru`` for the GRU cell and
    ``self.lstm`` for the LSTM (so that the weights' names in a checkpoint
    say which); :attr:`rnn` is whichever it is. ``GRUClassifier`` is an old
    name of this class, kept (with a :class:`DeprecationWarning`) for old code.

    Parameters
    ----------
    config : ModelConfig
        The shape of the network.

    Examples
    --------
    >>> model = RecurrentClassifier(ModelConfig(vocab_size=5, hidden=4))
    >>> sum(p.numel() for p in model.parameters())
    228
    >>> lstm = RecurrentClassifier(ModelConfig(5, hidden=4, cell="lstm"))
    >>> sum(p.numel() for p in lstm.parameters())
    284
    """

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        self.config = config
        self.embed = nn.Embedding(config.vocab_size, config.embedding, padding_idx=0)
        cell = get_cell(config.cell)
        rnn = cell.module_type()(
            config.embedding,
            config.hidden,
            num_layers=config.layers,
            dropout=config.dropout if config.layers > 1 else 0.0,
            batch_first=True,
        )
        setattr(self, config.cell, rnn)
        recipe = get_recipe(config.recipe)
        #: Keras-style dropout of the recurrent layer's input, or None.
        self.input_dropout = StepDropout(config.dropout) if recipe.input_dropout else None
        self.head: nn.Module
        if recipe.head:
            # The membership logit only: the member's minus the other class's.
            self.head = DenseHead(config.hidden, recipe.head, config.dropout,
                                  recipe.layer_norm_eps)
        else:
            # Column 0: the prefix is a member; column 1 + j: symbol j may come next.
            self.head = nn.Linear(config.hidden, config.vocab_size - 1)
        if recipe.init == "keras":
            keras_init(self.embed, rnn, self.head)
        elif cell.keeper is not None:
            # bias_hh holds the cell's gate blocks; raise the one that keeps the state.
            h = config.hidden
            block = slice(cell.keeper * h, (cell.keeper + 1) * h)
            with torch.no_grad():
                for layer in range(config.layers):
                    getattr(rnn, f"bias_hh_l{layer}")[block] += torch.linspace(
                        0.0, config.update_bias, h)

    @property
    def rnn(self) -> nn.RNNBase:
        """The recurrent module (``self.gru`` or ``self.lstm``)."""
        return getattr(self, self.config.cell)

    def _embed(self, ids: torch.Tensor) -> torch.Tensor:
        x = self.embed(ids)
        return x if self.input_dropout is None else self.input_dropout(x)

    def _packed(self, ids: torch.Tensor, lengths: torch.Tensor) -> nn.utils.rnn.PackedSequence:
        x = self._embed(ids)  # (B, T, E)
        # lengths stay on the CPU, as pack_padded_sequence requires.
        return pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Membership logit of each whole word.

        Parameters
        ----------
        ids : torch.Tensor
            int64 ``(B, T)``: BOS, the symbol ids, then PAD.
        lengths : torch.Tensor
            int64 ``(B,)``: valid steps per row (word length + 1), all >= 1.

        Returns
        -------
        torch.Tensor
            ``(B,)`` logits; sigmoid gives the membership probability.
        """
        _, state = self.rnn(self._packed(ids, lengths))  # last valid step per row
        h = state[0] if isinstance(state, tuple) else state  # the LSTM adds its cell state
        return self.head(h[-1])[:, 0]  # (B,)

    def prefix_logits(self, ids: torch.Tensor) -> torch.Tensor:
        """Membership and next-symbol logits after every prefix.

        Returns
        -------
        torch.Tensor
            ``(B, T, 1 + n_symbols)``; step ``t`` has read BOS and ``t``
            symbols. Steps at or past a row's length are padding and must be
            masked. A dense head (``recipe="mlregtest"``) gives ``(B, T, 1)``:
            membership only.
        """
        # The network is causal, so padding after a row's end cannot change its earlier
        # steps: no packing needed here, and bucketed batches carry little padding.
        out, _ = self.rnn(self._embed(ids))  # (B, T, H)
        return self.head(out)  # (B, T, 1 + n_symbols)

    def step(self, ids: torch.Tensor, state: Any = None) -> tuple[torch.Tensor, Any]:
        """Read one id per row; return the logits after it and the new state.

        Parameters
        ----------
        ids : torch.Tensor
            int64 ``(B,)``; the first step reads BOS.
        state : optional
            What the previous step returned; None before BOS.

        Returns
        -------
        logits : torch.Tensor
            ``(B, 1 + n_symbols)``, as one step of :meth:`prefix_logits`.
        state
            The recurrent state (a tensor for the GRU, a pair for the LSTM).

        Examples
        --------
        >>> model = RecurrentClassifier(ModelConfig(vocab_size=4, hidden=4, cell="lstm")).eval()
        >>> ids = torch.tensor([[1, 3, 2]])
        >>> logits, state = model.step(ids[:, 0])
        >>> for t in (1, 2):
        ...     logits, state = model.step(ids[:, t], state)
        >>> torch.allclose(logits, model.prefix_logits(ids)[:, -1])
        True
        """
        out, state = self.rnn(self._embed(ids)[:, None, :], state)  # (B, 1, H)
        return self.head(out[:, 0]), state


def __getattr__(name: str) -> Any:
    # Old spellings of public names: they still work, and say what to use instead.
    if name == "GRUClassifier":
        warnings.warn("neural.model.GRUClassifier is deprecated; use RecurrentClassifier "
                      "(the same class)", DeprecationWarning, stacklevel=2)
        return RecurrentClassifier
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
