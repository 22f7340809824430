"""When a training run stops: validation accuracy (or words solved) against the target.

Examples
--------
>>> from neural.config import TrainConfig
>>> stop_reason([], TrainConfig(max_epochs=3), step=0) is None
True
>>> stop_reason([{"valid_accuracy": 1.0, "samples": 9000}], TrainConfig(), step=10)
'target'
>>> rows = [{"valid_accuracy": a, "samples": 9000} for a in (0.8, 0.9, 0.85, 0.9, 0.7)]
>>> best_epoch(rows), stop_reason(rows, TrainConfig(patience=3), step=10)
(1, 'plateau')
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

import neural.distributed as ranks
from grammar import Grammar
from neural.config import TrainConfig
from neural.prefixes import solved
from neural.verifier import Verifier

__all__ = ["stop_reason", "best_epoch", "BestWeights", "measure", "accuracy"]


def stop_reason(history: list[dict], config: TrainConfig, step: int) -> str | None:
    """Why the run stops after `history` and `step` steps: "target", "plateau",
    "max_steps", "max_epochs", or None to go on."""
    # An empty validation split (a language with almost no words) never stops early.
    last = history[-1] if history else {}
    # A target of None never stops early (the mlregtest recipe runs all its epochs).
    if (config.target_accuracy is not None
            and (last.get("valid_accuracy") or 0.0) >= config.target_accuracy
            and last["samples"] >= config.min_samples):
        return "target"
    best = best_epoch(history)
    if (config.patience is not None and best is not None and last["samples"] >= config.min_samples
            and len(history) - 1 - best >= config.patience):
        return "plateau"
    if config.max_steps is not None and step >= config.max_steps:
        return "max_steps"
    if len(history) >= config.max_epochs:
        return "max_epochs"
    return None


def best_epoch(history: list[dict]) -> int | None:
    """The index of the first epoch of `history` with the highest validation
    accuracy; None when no epoch measured one (an empty validation split)."""
    scores = [row.get("valid_accuracy") for row in history]
    measured = [i for i, score in enumerate(scores) if score is not None]
    return max(measured, key=lambda i: (scores[i], -i)) if measured else None


class BestWeights:
    """The weights of the best epoch so far, kept for a run that stops on a plateau.

    Parameters
    ----------
    tensors : dict of str to torch.Tensor, optional
        Weights kept by an interrupted run (its resume file), or None.

    Examples
    --------
    >>> model = torch.nn.Linear(1, 1)
    >>> best = BestWeights()
    >>> best.update(model, [{"valid_accuracy": 0.5}])
    >>> with torch.no_grad():
    ...     _ = model.weight.fill_(7.0)
    >>> best.update(model, [{"valid_accuracy": 0.5}, {"valid_accuracy": 0.4}])
    >>> best.restore(model), model.weight.item() != 7.0
    (True, True)
    """

    def __init__(self, tensors: dict[str, torch.Tensor] | None = None) -> None:
        self.tensors = tensors or None

    def update(self, model: torch.nn.Module, history: list[dict]) -> None:
        """Keep `model`'s weights when the last epoch of `history` is the best one."""
        if history and best_epoch(history) == len(history) - 1:
            self.tensors = {k: v.detach().clone() for k, v in model.state_dict().items()}

    def restore(self, model: torch.nn.Module) -> bool:
        """Load the kept weights into `model`; False when none were kept."""
        if self.tensors is None:
            return False
        model.load_state_dict(self.tensors)
        return True


def measure(verifier: Verifier, g: Grammar, dataset: Any, config: TrainConfig) -> float | None:
    """What decides the early stop: accuracy, or for the next-symbol task the fraction solved."""
    if config.task == "next_symbols" and len(dataset):
        verifier.model.eval()
        return float(np.mean(solved(verifier, g, list(dataset.words))))
    return accuracy(verifier, dataset)


def accuracy(verifier: Verifier, dataset: Any) -> float | None:
    """The fraction of `dataset` the verifier labels right (None when it is empty)."""
    if len(dataset) == 0:
        return None
    verifier.model.eval()
    # Each rank scores its share; the counts are summed over the ranks.
    words = ranks.shard(list(dataset.words))
    predicted = verifier.accepts_many(words) if words else np.zeros(0, dtype=bool)
    right = np.sum(predicted == np.asarray(ranks.shard(dataset.labels), dtype=bool))
    right, n = ranks.all_reduce_sum([right, len(words)])
    return float(right / n)
