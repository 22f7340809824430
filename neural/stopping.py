"""When a training run stops: validation accuracy (or words solved) against the target.

Examples
--------
>>> from neural.config import TrainConfig
>>> stop_reason([], TrainConfig(max_epochs=3), step=0) is None
True
>>> stop_reason([{"valid_accuracy": 1.0, "samples": 9000}], TrainConfig(), step=10)
'target'
"""

from __future__ import annotations

from typing import Any

import numpy as np

import neural.distributed as ranks
from grammar import Grammar
from neural.config import TrainConfig
from neural.prefixes import solved
from neural.verifier import Verifier

__all__ = ["stop_reason", "measure", "accuracy"]


def stop_reason(history: list[dict], config: TrainConfig, step: int) -> str | None:
    """Why the run stops after `history` and `step` steps: "target", "max_steps",
    "max_epochs", or None to go on."""
    # An empty validation split (a language with almost no words) never stops early.
    last = history[-1] if history else {}
    # A target of None never stops early (the mlregtest recipe runs all its epochs).
    if (config.target_accuracy is not None
            and (last.get("valid_accuracy") or 0.0) >= config.target_accuracy
            and last["samples"] >= config.min_samples):
        return "target"
    if config.max_steps is not None and step >= config.max_steps:
        return "max_steps"
    if len(history) >= config.max_epochs:
        return "max_epochs"
    return None


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
