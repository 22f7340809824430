"""The resume state of a training run: one file per finished epoch, and the epoch log.

After every finished epoch, ``resume.safetensors`` receives the weights, the
optimiser's moments and the run's history in one file, moved into place with
one atomic rename, so ``train(..., resume=True)`` continues after any
interruption, ``kill -9`` included, without losing finished epochs.
``log.jsonl`` follows with one JSON line per epoch.

Examples
--------
>>> import tempfile, torch
>>> from grammar import library
>>> from neural.config import TrainConfig
>>> model = torch.nn.Linear(2, 1)
>>> optimizer = torch.optim.AdamW(model.parameters())
>>> config, g = TrainConfig(), library.parity()
>>> row = {"epoch": 1, "step": 3, "samples": 96, "seconds": 0.5}
>>> with tempfile.TemporaryDirectory() as d:
...     save_epoch(d, model, optimizer, [row], g, config)
...     state = load_resume(d, g, config)
...     state.restore(model, optimizer)
>>> state.history == [row], state.elapsed, state.step, state.samples
(True, 0.5, 3, 96)
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from grammar import Grammar
from neural.checkpoint.files import (
    LOG,
    RESUME,
    CheckpointError,
    atomic_write,
    read_tensors,
    write_tensors,
)
from neural.config import TrainConfig

__all__ = ["RESUMABLE", "ResumeState", "save_epoch", "load_resume", "write_log"]

#: Settings that may change between an interrupted run and its resumption.
RESUMABLE = frozenset({"max_epochs", "max_steps", "target_accuracy", "min_samples", "patience",
                       "threads", "precision"})


@dataclass
class ResumeState:
    """What a finished epoch left behind: tensors, history and time spent.

    Attributes
    ----------
    path : pathlib.Path
        The ``resume.safetensors`` it came from (for error messages).
    tensors : dict
        ``model.*`` weights and ``optim.<slot>.<name>`` optimiser moments.
    history : list of dict
        One row per finished epoch, as in ``log.jsonl``.
    elapsed : float
        Training seconds so far.
    """

    path: Path
    tensors: dict[str, torch.Tensor] = field(repr=False)
    history: list[dict[str, Any]]
    elapsed: float

    @property
    def step(self) -> int:
        """Optimiser steps taken so far."""
        return int(self.history[-1]["step"]) if self.history else 0

    @property
    def best(self) -> dict[str, torch.Tensor] | None:
        """The best epoch's weights, kept for `patience`; None when none were saved."""
        kept = {k[5:]: v for k, v in self.tensors.items() if k.startswith("best.")}
        return kept or None

    @property
    def samples(self) -> int:
        """Training samples seen so far."""
        return int(self.history[-1]["samples"]) if self.history else 0

    def restore(self, model: torch.nn.Module, optimizer: torch.optim.Optimizer) -> None:
        """Load the saved weights into `model` and the moments into `optimizer`.

        The tensors stay on the CPU: ``load_state_dict`` moves them to the
        parameters' device (AdamW wants its step counters left on the CPU).

        Raises
        ------
        CheckpointError
            Naming the file when its tensors do not fit `model`.
        """
        model_state = {k[6:]: v for k, v in self.tensors.items() if k.startswith("model.")}
        slots: dict[int, dict[str, torch.Tensor]] = {}
        try:
            for key, value in self.tensors.items():
                if key.startswith("optim."):
                    _, index, name = key.split(".", 2)
                    slots.setdefault(int(index), {})[name] = value
            model.load_state_dict(model_state)
            groups = optimizer.state_dict()["param_groups"]
            optimizer.load_state_dict({"state": slots, "param_groups": groups})
        except (RuntimeError, ValueError, KeyError) as err:
            detail = (str(err).splitlines() or [type(err).__name__])[0]
            raise CheckpointError(f"{self.path} does not fit this model: {detail}") from None


def save_epoch(
    out: str | os.PathLike, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
    history: list[dict], g: Grammar, config: TrainConfig,
    best: dict[str, torch.Tensor] | None = None,
) -> None:
    """Commit a finished epoch: one atomic file for resuming, then the log.

    `best`, the best epoch's weights so far (:class:`neural.stopping.BestWeights`),
    travels in the same file, so a resumed run that stops on a plateau keeps them.
    """
    out = Path(out)
    meta = {
        "train_config": config.to_dict(),
        "fingerprint": g.fingerprint,
        "grammar": g.name,
        "history": history,
        "elapsed": history[-1]["seconds"],
    }
    tensors = {f"model.{k}": v for k, v in model.state_dict().items()}
    tensors.update({f"best.{k}": v for k, v in (best or {}).items()})
    for index, slot in optimizer.state_dict()["state"].items():
        for key, value in slot.items():
            tensors[f"optim.{index}.{key}"] = torch.as_tensor(value)
    write_tensors(out / RESUME, tensors, meta)
    write_log(out, history)


def load_resume(out: str | os.PathLike, g: Grammar, config: TrainConfig) -> ResumeState | None:
    """The state in ``out/resume.safetensors``, or None when there is none.

    Raises
    ------
    CheckpointError
        Naming the file when it is corrupt, foreign, written while training
        on another grammar, or with other settings than `config` (the
        :data:`RESUMABLE` ones may differ).
    """
    path = Path(out) / RESUME
    if not path.exists():
        return None
    tensors, meta = read_tensors(path)
    if not isinstance(meta, dict) or "train_config" not in meta:
        raise CheckpointError(f"{path} is not a grammarlab training checkpoint")
    if meta.get("fingerprint") != g.fingerprint:
        raise CheckpointError(
            f"{path} was written while training on another grammar "
            f"({meta.get('grammar')!r}); use a fresh --out directory"
        )
    saved, mine = meta["train_config"], config.to_dict()
    if not isinstance(saved, dict):
        raise CheckpointError(f"{path}: field 'train_config' must be an object")
    # Settings added since the file was written read as their defaults.
    saved = {**TrainConfig().to_dict(), **saved}
    changed = [k for k in mine if k not in RESUMABLE and saved.get(k) != mine[k]]
    if changed:
        k = changed[0]
        raise CheckpointError(
            f"{path} was written with {k}={saved.get(k)!r}, not {mine[k]!r}; "
            "resume with the same settings or use a fresh --out directory"
        )
    history, elapsed = meta.get("history"), meta.get("elapsed")
    if not isinstance(history, list) or not all(
        isinstance(r, dict) and isinstance(r.get("step"), int)
        and isinstance(r.get("samples"), int) for r in history
    ):
        raise CheckpointError(f"{path}: field 'history' is not a list of epoch rows")
    if isinstance(elapsed, bool) or not isinstance(elapsed, (int, float)):
        raise CheckpointError(f"{path}: field 'elapsed' must be a number of seconds")
    return ResumeState(path, tensors, history, float(elapsed))


def write_log(out: str | os.PathLike, history: list[dict]) -> None:
    """Atomically write ``log.jsonl``: one JSON line per finished epoch."""
    atomic_write(Path(out) / LOG, "".join(json.dumps(row) + "\n" for row in history).encode())
