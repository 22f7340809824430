"""The contraction penalty: training a GRU whose states a box proof can hold.

:func:`neural.certify` proves a network by boxes that one interval
step maps into boxes again. That closes only where one step *shrinks* a small
box around the states the network reaches: where the step's interval gain is
below 1 on every unit. A network trained for accuracy alone rarely has that:
a unit that keeps its value (update gate ``z`` near 1) has gain 1 or more,
and an unsaturated ``tanh`` passes its inputs' width on.

For a box of half-width ``ε`` around ``h``, reading ``x``, the GRU step
(torch's gate order ``r, z, n``)::

    r = σ(W_ir x + b_ir + W_hr h + b_hr)      z = σ(W_iz x + b_iz + W_hz h + b_hz)
    n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))      h' = (1 − z) ⊙ n + z ⊙ h

widens unit ``i``, to first order in ``ε``, by the gain ::

    g_i = z_i + (1 − z_i)·ρn_i + |h_i − n_i|·ρz_i
    ρz_i = z_i (1 − z_i) Σ_j |W_hz|_ij        ρr_i = r_i (1 − r_i) Σ_j |W_hr|_ij
    ρn_i = (1 − n_i²) (r_i Σ_j |W_hn|_ij + |W_hn h + b_hn|_i ρr_i)

which is what plain interval arithmetic (:mod:`neural.judge.certify.intervals`)
computes for a small box. :func:`contraction_penalty` is the mean, over the
batch's valid steps, of ``Σ_i max(g_i − GAIN_TARGET, 0)`` plus a ceiling on
the update gate's pre-activation (``Σ_i max(z_pre_i − GATE_CEILING, 0)``):
without it a gate saturated near 1 has almost no gradient and its unit's
gain stays just above 1. A network that pays no penalty recomputes its
state every step from saturated ``tanh`` units, as the GRUs built by hand
for proofs do (Omlin and Giles), and its boxes close.

Examples
--------
>>> import torch
>>> from neural.model import ModelConfig, RecurrentClassifier
>>> _ = torch.manual_seed(0)
>>> model = RecurrentClassifier(ModelConfig(vocab_size=4, hidden=8))
>>> ids = torch.tensor([[1, 2, 3, 2], [1, 3, 0, 0]])
>>> penalty = contraction_penalty(model, ids, torch.tensor([4, 2]))
>>> penalty.shape, bool(penalty > 0)
(torch.Size([]), True)
"""

from __future__ import annotations

import torch

__all__ = ["contraction_penalty", "unit_gains", "GAIN_TARGET", "GATE_CEILING"]

#: The gain each unit is pulled below: room for boxes of a finite size.
GAIN_TARGET = 0.9
#: The update gate's pre-activation is pulled below this (z below about 0.27).
GATE_CEILING = -1.0


def unit_gains(model: torch.nn.Module, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Each step's interval gain per unit, and the update gates' pre-activations.

    Parameters
    ----------
    model : RecurrentClassifier
        A one-layer GRU model.
    ids : torch.Tensor
        int64 ``(B, T)``: BOS, the symbol ids, then PAD.

    Returns
    -------
    gains, gate : torch.Tensor
        ``(B, T, hidden)``: step ``t`` reads ``ids[:, t]`` from the state
        after step ``t − 1`` (the zero state before BOS).

    Raises
    ------
    ValueError
        If the model is not a one-layer GRU.

    Examples
    --------
    >>> import torch
    >>> from neural.model import ModelConfig, RecurrentClassifier
    >>> model = RecurrentClassifier(ModelConfig(vocab_size=4, hidden=8))
    >>> gains, gate = unit_gains(model, torch.tensor([[1, 2, 3]]))
    >>> gains.shape, gate.shape
    (torch.Size([1, 3, 8]), torch.Size([1, 3, 8]))
    """
    config = getattr(model, "config", None)
    if getattr(config, "cell", None) != "gru" or getattr(config, "layers", 1) != 1:
        raise ValueError("the contraction penalty is written for one-layer GRU models, not "
                         f"{getattr(config, 'layers', '?')} layer(s) of "
                         f"{getattr(config, 'cell', type(model).__name__)}")
    gru = model.rnn
    size = gru.hidden_size
    x = model.embed(ids)
    out, _ = gru(x)
    before = torch.cat([torch.zeros_like(out[:, :1]), out[:, :-1]], dim=1)
    from_input = x @ gru.weight_ih_l0.T + gru.bias_ih_l0
    from_state = before @ gru.weight_hh_l0.T + gru.bias_hh_l0
    reset = torch.sigmoid(from_input[..., :size] + from_state[..., :size])
    gate = from_input[..., size:2 * size] + from_state[..., size:2 * size]
    update = torch.sigmoid(gate)
    recurrent = from_state[..., 2 * size:]
    candidate = torch.tanh(from_input[..., 2 * size:] + reset * recurrent)
    row_sums = gru.weight_hh_l0.abs().sum(dim=1)
    rho_reset = reset * (1 - reset) * row_sums[:size]
    rho_update = update * (1 - update) * row_sums[size:2 * size]
    rho_candidate = (1 - candidate**2) * (reset * row_sums[2 * size:]
                                          + recurrent.abs() * rho_reset)
    gains = update + (1 - update) * rho_candidate + (before - candidate).abs() * rho_update
    return gains, gate


def contraction_penalty(model: torch.nn.Module, ids: torch.Tensor,
                        steps: torch.Tensor) -> torch.Tensor:
    """Mean over the valid steps of how far the units' gains exceed the target.

    Parameters
    ----------
    model : RecurrentClassifier
        A one-layer GRU model.
    ids : torch.Tensor
        int64 ``(B, T)``.
    steps : torch.Tensor
        int64 ``(B,)``: valid steps per row (word length + 1).

    Returns
    -------
    torch.Tensor
        A scalar, 0 when every unit's gain is below :data:`GAIN_TARGET` and
        every update gate's pre-activation below :data:`GATE_CEILING`.
    """
    gains, gate = unit_gains(model, ids)
    over = (torch.relu(gains - GAIN_TARGET) + torch.relu(gate - GATE_CEILING)).sum(dim=-1)
    mask = (torch.arange(ids.shape[1], device=ids.device)[None, :]
            < steps.to(ids.device)[:, None]).to(over.dtype)
    return (over * mask).sum() / mask.sum().clamp(min=1.0)
