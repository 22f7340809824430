"""The network parts of recipes other than grammarlab's own (see :mod:`neural.recipes`).

- :class:`DenseHead`: dense ReLU layers, dropout, LayerNorm, then a 2-way
  output, as MLRegTest's networks end. It gives one number per state, the
  member class's logit minus the other's, so that its sigmoid is the
  softmax probability of membership and
  :class:`~neural.verifier.Verifier` reads it as it reads any membership
  logit.
- :class:`StepDropout`: Keras' dropout on a recurrent layer's input, one
  mask per word shared by every step.
- :func:`keras_init`: Keras' default initialisers for the embedding, the
  recurrent layer and the dense layers.

Examples
--------
>>> import torch
>>> head = DenseHead(8, (4, 4), dropout=0.0, eps=1e-6).eval()
>>> z = head.out(head.body(torch.ones(1, 8)))
>>> logit = head(torch.ones(1, 8))
>>> torch.allclose(logit.sigmoid()[:, 0], z.softmax(-1)[:, MEMBER])
True
"""

from __future__ import annotations

import torch
from torch import nn

from neural.cells import cell_of

__all__ = ["DenseHead", "StepDropout", "keras_init", "MEMBER", "KERAS_BIASES"]

#: The output column of a :class:`DenseHead` whose softmax is the membership probability.
MEMBER = 1

#: Bias vectors per layer that Keras gives each cell: two for its GRU (``reset_after=True``,
#: as torch), one for its LSTM (torch has two, ``bias_ih`` and ``bias_hh``).
KERAS_BIASES = {"gru": 2, "lstm": 1}


class DenseHead(nn.Module):
    """``Dense-ReLU x len(widths) -> Dropout -> LayerNorm -> Dense(2)``: a membership logit.

    Parameters
    ----------
    hidden : int
        Width of the recurrent state it reads.
    widths : tuple of int
        Widths of the dense ReLU layers (MLRegTest: two of 64).
    dropout : float
        Dropout after the dense layers, in training.
    eps : float
        The LayerNorm's epsilon.

    Examples
    --------
    >>> head = DenseHead(32, (64, 64), dropout=0.1, eps=1e-6)
    >>> [type(m).__name__ for m in head.body], head.out.out_features
    (['Linear', 'ReLU', 'Linear', 'ReLU', 'Dropout', 'LayerNorm'], 2)
    >>> head(torch.zeros(5, 7, 32)).shape
    torch.Size([5, 7, 1])
    """

    def __init__(self, hidden: int, widths: tuple[int, ...], dropout: float, eps: float) -> None:
        super().__init__()
        if not widths:
            raise ValueError("DenseHead needs at least one dense layer")
        layers: list[nn.Module] = []
        width = hidden
        for size in widths:
            layers += [nn.Linear(width, size), nn.ReLU()]
            width = size
        layers += [nn.Dropout(dropout), nn.LayerNorm(width, eps=eps)]
        self.body = nn.Sequential(*layers)
        self.out = nn.Linear(width, 2)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        """``(..., 1)``: the member logit minus the non-member logit of each state in `h`.

        softmax's member column is ``sigmoid(z_member - z_other)``, so the
        difference stands where a linear head's membership column stands.
        """
        z = self.out(self.body(h))
        return (z[..., MEMBER] - z[..., 1 - MEMBER]).unsqueeze(-1)


class StepDropout(nn.Module):
    """Dropout of a sequence's features with one mask per sequence, the same at every step.

    It is what Keras' ``GRU(dropout=p)`` and ``LSTM(dropout=p)`` do to
    their inputs (one mask for all gates, Keras' default implementation).
    Identity in eval mode and for ``p == 0``.

    Examples
    --------
    >>> drop = StepDropout(0.5).train()
    >>> x = drop(torch.ones(3, 4, 6))
    >>> bool((x == x[:, :1]).all())       # every step of a word has the same mask
    True
    >>> bool((StepDropout(0.5).eval()(torch.ones(2, 3)) == 1).all())
    True
    """

    def __init__(self, p: float) -> None:
        super().__init__()
        if not 0.0 <= p < 1.0:
            raise ValueError(f"StepDropout.p must be in [0, 1), got {p}")
        self.p = float(p)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """`x` ``(B, T, E)`` (or one step, ``(B, E)``) with features dropped in training."""
        if not self.training or self.p == 0.0:
            return x
        shape = (x.shape[0], 1, x.shape[-1]) if x.dim() == 3 else x.shape
        keep = torch.empty(shape, device=x.device, dtype=x.dtype).bernoulli_(1.0 - self.p)
        return x * keep / (1.0 - self.p)

    def extra_repr(self) -> str:
        return f"p={self.p}"


def keras_init(embed: nn.Embedding, rnn: nn.RNNBase, head: nn.Module) -> None:
    """Initialise as Keras does by default, in place.

    The embedding uniform in ±0.05 (the PAD row stays zero); each recurrent
    layer's input kernel Glorot-uniform and its recurrent kernel orthogonal,
    both over all gates together; zero biases, but 1 for the LSTM's forget
    gate (Keras' ``unit_forget_bias``); dense kernels Glorot-uniform with
    zero biases; LayerNorm at scale 1, shift 0. Where Keras builds a cell
    with one bias vector and torch with two (the LSTM), ``bias_hh`` stays
    zero and is not trained.

    Raises
    ------
    ValueError
        If Keras' layout of the cell's biases is not known here.

    Examples
    --------
    >>> _ = torch.manual_seed(0)
    >>> lstm = nn.LSTM(3, 4)
    >>> keras_init(nn.Embedding(5, 3, padding_idx=0), lstm, nn.Linear(4, 1))
    >>> lstm.bias_ih_l0.tolist()[4:8], lstm.bias_hh_l0.requires_grad
    ([1.0, 1.0, 1.0, 1.0], False)
    >>> w = lstm.weight_hh_l0.detach()
    >>> torch.allclose(w.T @ w, torch.eye(4), atol=1e-5)
    True
    """
    cell = cell_of(rnn)
    if cell.name not in KERAS_BIASES:
        raise ValueError(f"Keras' bias layout of the {cell.name!r} cell is not known")
    forget = cell.gates.index("forget") if "forget" in cell.gates else None
    with torch.no_grad():
        nn.init.uniform_(embed.weight, -0.05, 0.05)
        if embed.padding_idx is not None:
            embed.weight[embed.padding_idx].zero_()
        size = rnn.hidden_size
        for layer in range(rnn.num_layers):
            nn.init.xavier_uniform_(getattr(rnn, f"weight_ih_l{layer}"))
            nn.init.orthogonal_(getattr(rnn, f"weight_hh_l{layer}"))
            bias_ih = getattr(rnn, f"bias_ih_l{layer}")
            bias_hh = getattr(rnn, f"bias_hh_l{layer}")
            bias_ih.zero_()
            bias_hh.zero_()
            if forget is not None:
                bias_ih[forget * size : (forget + 1) * size] = 1.0
            if KERAS_BIASES[cell.name] == 1:
                bias_hh.requires_grad_(False)
        for module in head.modules():
            if isinstance(module, nn.Linear):
                nn.init.xavier_uniform_(module.weight)
                if module.bias is not None:
                    module.bias.zero_()
            elif isinstance(module, nn.LayerNorm):
                nn.init.ones_(module.weight)
                nn.init.zeros_(module.bias)
