"""The optimiser of a training run, as its recipe names it (:mod:`neural.recipes`).

``"adamw"`` is grammarlab's (``torch.optim.AdamW`` with the config's
learning rate and weight decay). ``"keras_rmsprop"`` is Keras' RMSprop,
which MLRegTest's networks were trained with: :class:`KerasRMSprop`.

Examples
--------
>>> import torch
>>> from neural.config import TrainConfig
>>> model = torch.nn.Linear(2, 1)
>>> type(make_optimizer(model, TrainConfig())).__name__
'AdamW'
>>> opt = make_optimizer(model, TrainConfig(recipe="mlregtest"))
>>> type(opt).__name__, opt.defaults["lr"], opt.defaults["rho"], opt.defaults["eps"]
('KerasRMSprop', 0.01, 0.9, 1e-07)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch

from neural.config import TrainConfig
from neural.recipes import get_recipe

__all__ = ["KerasRMSprop", "make_optimizer"]


class KerasRMSprop(torch.optim.Optimizer):
    """RMSprop as Keras computes it: ``w -= lr * g / sqrt(v + eps)``, ``v = rho v + (1-rho) g²``.

    torch's ``RMSprop`` adds its epsilon *outside* the square root and
    defaults to alpha (rho) = 0.99, eps = 1e-8; Keras (TensorFlow 2, both
    its legacy and its current optimiser) puts epsilon inside and defaults
    to rho = 0.9, eps = 1e-7. The difference matters for small gradients:
    at ``v`` near 0 Keras' step is at most ``lr * g / sqrt(1e-7)``. No
    momentum, not centred, no weight decay: Keras' defaults, which the
    benchmark kept. The accumulator starts at zero, as in both.

    Parameters
    ----------
    params : iterable
        The parameters (or parameter groups) to train.
    lr : float
        Learning rate.
    rho : float
        Decay of the mean of squared gradients, in [0, 1).
    eps : float
        Added to that mean before the square root.

    Examples
    --------
    >>> w = torch.nn.Parameter(torch.tensor([1.0]))
    >>> opt = KerasRMSprop([w], lr=0.1)
    >>> w.grad = torch.tensor([2.0])
    >>> opt.step()
    >>> v = 0.1 * 2.0 ** 2                          # (1 - rho) g², from zero
    >>> abs(w.item() - (1.0 - 0.1 * 2.0 / (v + 1e-7) ** 0.5)) < 1e-6
    True
    """

    def __init__(self, params: Iterable[Any], lr: float = 1e-3, rho: float = 0.9,
                 eps: float = 1e-7) -> None:
        if not lr > 0.0:
            raise ValueError(f"KerasRMSprop.lr must be > 0, got {lr}")
        if not 0.0 <= rho < 1.0:
            raise ValueError(f"KerasRMSprop.rho must be in [0, 1), got {rho}")
        if not eps >= 0.0:
            raise ValueError(f"KerasRMSprop.eps must be >= 0, got {eps}")
        super().__init__(params, {"lr": lr, "rho": rho, "eps": eps})

    @torch.no_grad()
    def step(self, closure: Any = None) -> Any:
        """One update of every parameter that has a gradient."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, rho, eps = group["lr"], group["rho"], group["eps"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if not state:
                    state["square_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                square_avg = state["square_avg"]
                square_avg.mul_(rho).addcmul_(p.grad, p.grad, value=1.0 - rho)
                p.addcdiv_(p.grad, square_avg.add(eps).sqrt_(), value=-lr)
        return loss


def make_optimizer(model: torch.nn.Module, config: TrainConfig) -> torch.optim.Optimizer:
    """The optimiser that `config`'s recipe names, over `model`'s parameters.

    Parameters
    ----------
    model : torch.nn.Module
        The network; parameters that do not require a gradient are left out
        (none are trained: a recipe may freeze some).
    config : TrainConfig
        Its ``recipe`` picks the optimiser; ``lr`` (and for AdamW
        ``weight_decay``) set it.
    """
    params = [p for p in model.parameters() if p.requires_grad]
    name = get_recipe(config.recipe).optimizer
    if name == "keras_rmsprop":
        return KerasRMSprop(params, lr=config.lr)
    return torch.optim.AdamW(params, lr=config.lr, weight_decay=config.weight_decay)
