"""The training run's progress bar: samples seen, the epoch, loss and accuracy.

Examples
--------
>>> from grammar import library
>>> from neural.config import TrainConfig
>>> with progress_bar(library.parity(), TrainConfig(), 0, False) as bar:
...     show_epoch(bar, TrainConfig(), {"epoch": 1, "train_loss": 0.5,
...                "train_accuracy": 0.9, "valid_accuracy": None})
"""

from __future__ import annotations

from typing import Any

from tqdm.auto import tqdm

from grammar import Grammar
from neural.config import TrainConfig

__all__ = ["progress_bar", "show_epoch"]


def progress_bar(g: Grammar, config: TrainConfig, samples: int, progress: bool) -> Any:
    """A counter of training samples seen, with the epoch and validation accuracy.

    How long a run lasts is not known in advance (it stops when validation
    accuracy reaches the target), so the bar has no total and no ETA. It is
    drawn only into a terminal (``disable=None``).
    """
    return tqdm(
        total=None, initial=samples, disable=None if progress else True, unit=" samples",
        unit_scale=True, desc=f"train {g.name or 'grammar'}", dynamic_ncols=True,
        bar_format="{desc}: {n_fmt} samples [{elapsed}, {rate_fmt}{postfix}]",
    )


def show_epoch(bar: Any, config: TrainConfig, row: dict) -> None:
    valid = row["valid_accuracy"]
    val = "-" if valid is None else f"{valid:.4f}"
    target = config.target_accuracy
    goal = "no early stop" if target is None else f"target {target:g}"
    bar.set_postfix({"epoch": row["epoch"], "loss": f"{row['train_loss']:.4f}",
                     "acc": f"{row['train_accuracy']:.4f}", "val": f"{val} ({goal})"})
