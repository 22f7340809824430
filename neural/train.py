"""Train a GRU verifier on labelled words drawn from a grammar.

The data come from :mod:`grammar.datasets`: balanced members and
non-members (near misses and random words), length-balanced, deduplicated,
split disjointly, every label checked by the exact automaton.

The automaton also labels every *prefix* of every training word: is it a
member, and which symbols may come next. The network is supervised on all of
those (``prefix_weight``), so each word carries one label per symbol instead
of one per word. That, and an update-gate init that lets some units hold
their state (:attr:`~neural.model.ModelConfig.update_bias`), is what lets a
small GRU learn embedded Reber's long-range wrapper letter from about ten
thousand words and keep it on words twice as long as any it saw; whole-word
labels alone need several times more (measured in ``bench/train.py``).

Runs are reproducible on the CPU for a fixed seed and thread count. Every
finished epoch is committed to ``out/resume.safetensors`` in one atomic
rename, so ``train(..., resume=True)`` continues after any interruption,
``kill -9`` included, without losing finished epochs.

Examples
--------
>>> from grammar import library
>>> config = TrainConfig(n_examples=600, hidden=8, max_epochs=1, lengths=(0, 8))
>>> v = train(library.parity(), config, device="cpu", progress=False)
>>> v.predict(["0110", "111"]).shape
(2,)
>>> v.metrics["epochs"], v.metrics["stopped"]
(1, 'max_epochs')
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from grammar import datasets
from grammar.core import Grammar
from neural.checkpoint import CheckpointError, atomic_write, read_tensors, write_tensors
from neural.data import Encoded, Vocabulary, bucket_batches
from neural.model import GRUClassifier, ModelConfig
from neural.verifier import Verifier, autocast, grammar_info, resolve_device

__all__ = ["TrainConfig", "train", "DivergenceError", "training_splits", "with_overrides"]

RESUME = "resume.safetensors"
_SYNC = 16
LOG = "log.jsonl"

# Settings that may change between an interrupted run and its resumption.
_RESUMABLE = {"max_epochs", "max_steps", "target_accuracy", "min_samples", "threads"}


class DivergenceError(FloatingPointError):
    """The training loss became NaN or infinite; the last good checkpoint is kept."""


@dataclass(frozen=True)
class TrainConfig:
    """Everything that shapes a training run (stored in the checkpoint).

    Parameters
    ----------
    n_examples : int
        Labelled words drawn from :func:`grammar.datasets.make_dataset`,
        before the train/validation/test split.
    lengths : tuple of int
        Word lengths (inclusive) of the training data.
    negatives : dict
        Mix of negative kinds passed to ``make_dataset``.
    long_range : float
        Fraction of the near misses that are locally plausible (only
        far-away context rejects them, like embedded Reber's wrapper letter).
    split : tuple of float
        Train, validation and test fractions. A large validation split makes
        the early stop at 99.9% trustworthy; short epochs check it often.
    embedding, hidden, layers, dropout, update_bias
        The network's shape and init (see :class:`~neural.model.ModelConfig`).
    batch_size : int
        Words per optimiser step.
    lr, weight_decay, grad_clip : float
        AdamW learning rate and weight decay; gradient-norm clip. The default
        clip is small enough to act on nearly every step, so each step's
        gradient reaches AdamW at the same norm and rare large gradients do
        not inflate its second-moment estimates; on embedded Reber that
        halved the samples to 99.9% against a clip of 1.
    prefix_weight : float
        Weight of the per-prefix loss (member, and which symbols may come next,
        labelled by the automaton) against the whole-word loss; 0 trains on
        whole-word labels only. The default lets the prefixes dominate: on
        embedded Reber that is what cuts the samples needed by a factor of
        three or more.
    max_epochs : int
        Passes over the training split at most.
    max_steps : int or None
        Optimiser steps at most (about a minute on two CPU cores for
        embedded Reber, whose runs reach the target in a few hundred).
    target_accuracy : float
        Stop once validation accuracy reaches this...
    min_samples : int
        ...but not before this many training samples were seen: a language
        with few members per length (Tomita 1 and 2) gives a data set of a few
        dozen words, whose validation split says little.
    seed : int
        Seeds the data, the initial weights and the batch order.
    threads : int or None
        CPU threads for torch (None leaves torch's default).

    Examples
    --------
    >>> TrainConfig().hidden, TrainConfig(hidden=64).hidden
    (32, 64)
    >>> TrainConfig(batch_size=0)
    Traceback (most recent call last):
    ...
    ValueError: TrainConfig.batch_size must be a positive int, got 0
    """

    n_examples: int = 6000
    lengths: tuple[int, int] = (1, 30)
    negatives: dict[str, float] = field(
        default_factory=lambda: {"near_miss": 0.5, "random": 0.5}
    )
    long_range: float = 0.5
    split: tuple[float, float, float] = (0.6, 0.3, 0.1)
    embedding: int = 8
    hidden: int = 32
    layers: int = 1
    dropout: float = 0.0
    update_bias: float = 5.0
    batch_size: int = 32
    lr: float = 0.02
    weight_decay: float = 0.01
    grad_clip: float = 0.01
    prefix_weight: float = 100.0
    max_epochs: int = 1000
    max_steps: int | None = 10_000
    target_accuracy: float = 0.999
    min_samples: int = 8000
    seed: int = 0
    threads: int | None = None

    def __post_init__(self) -> None:
        for name in ("n_examples", "batch_size", "max_epochs", "embedding", "hidden", "layers"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"TrainConfig.{name} must be a positive int, got {value!r}")
        if self.max_steps is not None and self.max_steps < 1:
            raise ValueError(f"TrainConfig.max_steps must be >= 1 or None, got {self.max_steps}")
        low, high = self.lengths
        if not 0 <= low <= high:
            raise ValueError(f"TrainConfig.lengths must be (low, high) with 0 <= low <= high, "
                             f"got {self.lengths}")
        if not 0.0 < self.target_accuracy <= 1.0:
            raise ValueError(f"TrainConfig.target_accuracy must be in (0, 1], "
                             f"got {self.target_accuracy}")
        if self.lr <= 0 or self.grad_clip <= 0 or self.prefix_weight < 0:
            raise ValueError("TrainConfig.lr and grad_clip must be > 0, prefix_weight >= 0")
        object.__setattr__(self, "lengths", (int(low), int(high)))
        object.__setattr__(self, "split", tuple(float(f) for f in self.split))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict (tuples become lists).

        Examples
        --------
        >>> TrainConfig().to_dict()["lengths"]
        [1, 30]
        """
        return json.loads(json.dumps(asdict(self)))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        """Inverse of :meth:`to_dict`; unknown keys raise ``TypeError``.

        Examples
        --------
        >>> TrainConfig.from_dict(TrainConfig(hidden=16).to_dict()) == TrainConfig(hidden=16)
        True
        """
        data = dict(data)
        for name in ("lengths", "split"):
            if name in data:
                data[name] = tuple(data[name])
        return cls(**data)

    def model_config(self, vocab_size: int) -> ModelConfig:
        """The :class:`ModelConfig` for a vocabulary of `vocab_size` ids.

        Examples
        --------
        >>> TrainConfig(hidden=16).model_config(9).hidden
        16
        """
        return ModelConfig(vocab_size, self.embedding, self.hidden, self.layers, self.dropout,
                           self.update_bias)


def training_splits(g: Grammar, config: TrainConfig) -> tuple[Any, Any, Any]:
    """The train, validation and test :class:`grammar.datasets.Dataset` of a run.

    Deterministic in ``config.seed``, so a resumed run sees the same words.

    Examples
    --------
    >>> from grammar import library
    >>> parts = training_splits(library.reber(), TrainConfig(n_examples=100))
    >>> [len(p) for p in parts]
    [60, 30, 10]
    """
    data = datasets.make_dataset(
        g,
        config.n_examples,
        lengths=config.lengths,
        negatives=dict(config.negatives),
        seed=config.seed,
        long_range=config.long_range,
    )
    return datasets.split(data, fractions=config.split, seed=config.seed)


@dataclass
class _Tensors:
    """A split held as padded tensors, with per-prefix targets from the automaton."""

    ids: torch.Tensor  # (N, T) int64: BOS, symbol ids, PAD
    lengths: np.ndarray  # (N,) int64 valid steps (word length + 1), on the host
    steps: torch.Tensor  # the same lengths as a tensor, on the training device
    labels: torch.Tensor  # (N,) float32 whole-word membership
    prefix: torch.Tensor  # (N, T, 1 + S) float32: member, then may-come-next per symbol


def _tensors(g: Grammar, vocab: Vocabulary, words: list, labels: np.ndarray) -> _Tensors:
    encoded: Encoded = vocab.encode_many(words)
    ids, lengths = vocab.pad(encoded, np.arange(len(words)))
    dfa = g.dfa
    table = np.asarray(dfa.table)
    # Symbol id k reads DFA column k - 2; PAD reads column 0, masked out of the loss.
    columns = np.maximum(ids.numpy()[:, 1:] - 2, 0)
    states = np.empty(ids.shape, dtype=np.int64)
    states[:, 0] = dfa.start
    for t in range(columns.shape[1]):
        states[:, t + 1] = table[states[:, t], columns[:, t]]
    # legal[s, j]: reading symbol j in state s keeps some member reachable.
    legal = np.asarray(dfa.live)[table]
    flags = np.concatenate([np.asarray(dfa.accepting)[states, None], legal[states]], axis=-1)
    return _Tensors(
        ids,
        lengths.numpy(),
        lengths,
        torch.as_tensor(np.asarray(labels, dtype=np.float32)),
        torch.from_numpy(flags.astype(np.float32)),
    )


def _batch_loss(
    model: GRUClassifier, batch: dict[str, torch.Tensor], prefix_weight: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """Loss and whole-word logits of one batch."""
    ids, lengths = batch["ids"], batch["lengths"]
    if prefix_weight == 0:
        logits = model(ids, lengths)
        return F.binary_cross_entropy_with_logits(logits.float(), batch["labels"]), logits
    out = model.prefix_logits(ids).float()  # (B, T, 1 + S)
    last = batch["steps"] - 1  # (B,) on the device
    logits = out[torch.arange(len(ids), device=out.device), last, 0]  # (B,)
    # Multiplying by the mask, not indexing with it, keeps CUDA from syncing.
    mask = (torch.arange(ids.shape[1], device=out.device)[None, :] <= last[:, None]).float()
    per_step = F.binary_cross_entropy_with_logits(out, batch["prefix"], reduction="none")
    prefix = (per_step * mask[..., None]).sum() / (mask.sum() * out.shape[-1])
    loss = F.binary_cross_entropy_with_logits(logits, batch["labels"])
    # A weighted mean, so the loss stays on the scale of one binary cross-entropy.
    return (loss + prefix_weight * prefix) / (1 + prefix_weight), logits


def _state_tensors(model: torch.nn.Module, optimizer: torch.optim.Optimizer) -> dict:
    tensors = {f"model.{k}": v for k, v in model.state_dict().items()}
    for index, slot in optimizer.state_dict()["state"].items():
        for key, value in slot.items():
            tensors[f"optim.{index}.{key}"] = torch.as_tensor(value)
    return tensors


def _restore(
    path: Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer, tensors: dict
) -> None:
    model_state = {k[6:]: v for k, v in tensors.items() if k.startswith("model.")}
    slots: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in tensors.items():
        if key.startswith("optim."):
            _, index, name = key.split(".", 2)
            slots.setdefault(int(index), {})[name] = value
    try:
        model.load_state_dict(model_state)
        groups = optimizer.state_dict()["param_groups"]
        optimizer.load_state_dict({"state": slots, "param_groups": groups})
    except (RuntimeError, ValueError, KeyError) as err:
        detail = str(err).splitlines()[0]
        raise CheckpointError(f"{path} does not fit this model: {detail}") from None


def _load_resume(path: Path, g: Grammar, config: TrainConfig) -> tuple[dict, dict]:
    tensors, meta = read_tensors(path)
    if not isinstance(meta, dict) or "train_config" not in meta:
        raise CheckpointError(f"{path} is not a grammarlab training checkpoint")
    if meta.get("fingerprint") != g.fingerprint:
        raise CheckpointError(
            f"{path} was written while training on another grammar "
            f"({meta.get('grammar')!r}); use a fresh --out directory"
        )
    saved = meta["train_config"]
    mine = config.to_dict()
    changed = [k for k in mine if k not in _RESUMABLE and saved.get(k) != mine[k]]
    if changed:
        k = changed[0]
        raise CheckpointError(
            f"{path} was written with {k}={saved.get(k)!r}, not {mine[k]!r}; "
            "resume with the same settings or use a fresh --out directory"
        )
    return tensors, meta


def _write_log(out: Path, history: list[dict]) -> None:
    atomic_write(out / LOG, "".join(json.dumps(row) + "\n" for row in history).encode())


def train(
    g: Grammar,
    config: TrainConfig | None = None,
    *,
    device: str | torch.device = "auto",
    out: str | os.PathLike | None = None,
    resume: bool = False,
    progress: bool = True,
    source: str | None = None,
) -> Verifier:
    """Train a GRU verifier for grammar `g`.

    Parameters
    ----------
    g : Grammar
        The language to learn; its automaton labels every example.
    config : TrainConfig, optional
        Data, model and optimiser settings (defaults suit embedded Reber on
        two CPU cores).
    device : str or torch.device
        ``"auto"`` (CUDA when available), ``"cpu"`` or ``"cuda"``. On CUDA
        the run uses bf16 autocast, pinned memory and non-blocking copies.
    out : path-like, optional
        Directory for the verifier (``model.safetensors``, ``config.json``),
        ``resume.safetensors``, ``log.jsonl`` (one JSON line per epoch) and
        ``train_words.json`` (kept out of later test sets). Without
        `resume`, a run there starts afresh and overwrites those files.
    resume : bool
        Continue from ``out/resume.safetensors`` when it exists; the
        settings must match, except the stopping ones (``max_epochs``,
        ``max_steps``, ``target_accuracy``, ``min_samples``) and ``threads``.
    progress : bool
        Show a tqdm progress bar with loss and accuracy.
    source : str, optional
        Where the grammar came from (file path), recorded with it.

    Returns
    -------
    Verifier
        The trained network on `device`, with ``metrics``.

    Raises
    ------
    DivergenceError
        When the loss turns NaN or infinite; ``out`` keeps the last good epoch.
    CheckpointError
        When ``resume`` finds a checkpoint for another grammar or setting.

    Examples
    --------
    >>> from grammar import library
    >>> config = TrainConfig(n_examples=600, lengths=(0, 10), hidden=8, max_epochs=2)
    >>> v = train(library.tomita(4), config, device="cpu", progress=False)
    >>> v.metrics["device"], v.metrics["epochs"], len(v.info["history"])
    ('cpu', 2, 2)
    """
    if not isinstance(g, Grammar):
        raise TypeError(f"train needs a Grammar, not {type(g).__name__}")
    config = TrainConfig() if config is None else config
    if not isinstance(config, TrainConfig):
        raise TypeError(f"config must be a TrainConfig, not {type(config).__name__}")
    if resume and out is None:
        raise ValueError("resume=True needs the out directory of the interrupted run")
    dev = resolve_device(device)
    if config.threads:
        torch.set_num_threads(config.threads)
    cuda = dev.type == "cuda"

    started = time.perf_counter()
    train_set, valid_set, test_set = training_splits(g, config)
    vocab = Vocabulary.from_grammar(g)
    data = _tensors(g, vocab, list(train_set.words), train_set.labels)
    if cuda:  # the whole split fits on the GPU: one pinned, non-blocking copy each
        data.ids, data.labels, data.prefix, data.steps = (
            _to(t, dev) for t in (data.ids, data.labels, data.prefix, data.steps)
        )
    data_seconds = time.perf_counter() - started

    torch.manual_seed(config.seed)
    model = GRUClassifier(config.model_config(vocab.size)).to(dev)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=config.lr, weight_decay=config.weight_decay
    )
    info = {"grammar": grammar_info(g, source), "train_config": config.to_dict(), "metrics": {}}
    verifier = Verifier(model, vocab, device=dev, info=info)

    out_dir = Path(out) if out is not None else None
    history: list[dict] = []
    elapsed = 0.0
    if resume and (out_dir / RESUME).exists():
        tensors, meta = _load_resume(out_dir / RESUME, g, config)
        # CPU tensors: load_state_dict moves them to the parameters' device (AdamW wants
        # its step counters left on the CPU).
        _restore(out_dir / RESUME, model, optimizer, tensors)
        history, elapsed = meta["history"], meta["elapsed"]
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)

    step = history[-1]["step"] if history else 0
    samples = history[-1]["samples"] if history else 0
    batches_per_epoch = math.ceil(len(train_set) / config.batch_size)
    total = config.max_epochs * batches_per_epoch
    if config.max_steps is not None:
        total = min(total, config.max_steps)
    bar = tqdm(total=total, initial=min(step, total), disable=not progress, unit="step",
               desc=f"train {g.name or 'grammar'}", dynamic_ncols=True)
    reason = _stop_reason(history, config, step)
    with bar:
        while reason is None:
            epoch_start = time.perf_counter()
            steps, seen, loss, accuracy = _epoch(model, optimizer, data, config, len(history),
                                                 step, bar)
            step += steps
            samples += seen
            valid_accuracy = _accuracy(verifier, valid_set)
            elapsed += time.perf_counter() - epoch_start
            history.append({
                "epoch": len(history) + 1,
                "step": step,
                "samples": samples,
                "train_loss": loss,
                "train_accuracy": accuracy,
                "valid_accuracy": valid_accuracy,
                "seconds": round(elapsed, 3),
            })
            bar.set_postfix(loss=f"{loss:.4f}", acc=f"{accuracy:.4f}",
                            val="-" if valid_accuracy is None else f"{valid_accuracy:.4f}")
            if out_dir is not None:
                _save_epoch(out_dir, model, optimizer, history, g, config)
            reason = _stop_reason(history, config, step)

    verifier.info["metrics"] = {
        "epochs": len(history),
        "steps": step,
        "samples_seen": samples,
        "seconds": round(elapsed, 3),
        "data_seconds": round(data_seconds, 3),
        "stopped": reason,
        "valid_accuracy": history[-1]["valid_accuracy"] if history else None,
        "test_accuracy": _accuracy(verifier, test_set),
        "train_size": len(train_set),
        "train_lengths": list(config.lengths),
        "device": dev.type,
    }
    verifier.info["history"] = history
    verifier.training_words = list(train_set.words)
    if out_dir is not None:
        verifier.save(out_dir)
    return verifier


def _to(tensor: torch.Tensor, device: torch.device) -> torch.Tensor:
    """`tensor` on `device`; to CUDA through pinned memory, without blocking the host."""
    if device.type != "cuda":
        return tensor
    return tensor.pin_memory().to(device, non_blocking=True)


def _epoch(
    model: GRUClassifier, optimizer: torch.optim.Optimizer, data: _Tensors, config: TrainConfig,
    epoch: int, step: int, bar: Any,
) -> tuple[int, int, float, float]:
    """One pass over the training split: ``(steps, samples, mean loss, accuracy)``.

    Raises
    ------
    DivergenceError
        If the loss turned NaN or infinite; the caller has not saved the epoch.
    """
    device = data.ids.device
    rng = np.random.default_rng([config.seed, epoch])  # the same batches after a resume
    torch.manual_seed(config.seed * 100_003 + epoch)
    batches = list(bucket_batches(data.lengths, config.batch_size, rng=rng))
    if config.max_steps is not None:
        batches = batches[: config.max_steps - step]
    ends = np.cumsum([len(b) for b in batches])
    order = _to(torch.from_numpy(np.concatenate(batches)), device)  # one copy per epoch
    # Summed on the device, read every _SYNC steps: CUDA never waits on the host in between.
    totals = torch.zeros(2, device=device)
    model.train()
    shown = 0
    for k, index in enumerate(batches):
        rows = order[ends[k] - len(index) : ends[k]]
        width = int(data.lengths[index].max())
        batch = {
            "ids": data.ids[rows, :width],
            "lengths": torch.from_numpy(data.lengths[index]),
            "steps": data.steps[rows],
            "labels": data.labels[rows],
            "prefix": data.prefix[rows, :width],
        }
        with autocast(device):
            loss, logits = _batch_loss(model, batch, config.prefix_weight)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
        optimizer.step()
        right = ((logits > 0) == (batch["labels"] > 0.5)).sum()
        totals += torch.stack([loss.detach().float() * len(index), right.float()])
        if (k + 1) % _SYNC == 0 or k + 1 == len(batches):
            loss_sum, correct = totals.tolist()
            if not math.isfinite(loss_sum):
                raise DivergenceError(
                    f"training loss became {loss_sum} in epoch {epoch + 1} (steps "
                    f"{step + shown + 1}-{step + k + 1}, lr {config.lr}); the last good epoch "
                    f"({epoch}) is kept; try a lower lr"
                )
            bar.update(k + 1 - shown)
            shown = k + 1
            bar.set_postfix(loss=f"{loss_sum / ends[k]:.4f}", acc=f"{correct / ends[k]:.4f}",
                            refresh=False)
    seen = int(ends[-1])
    return len(batches), seen, loss_sum / seen, correct / seen


def _stop_reason(history: list[dict], config: TrainConfig, step: int) -> str | None:
    # An empty validation split (a language with almost no words) never stops early.
    last = history[-1] if history else {}
    if ((last.get("valid_accuracy") or 0.0) >= config.target_accuracy
            and last["samples"] >= config.min_samples):
        return "target"
    if config.max_steps is not None and step >= config.max_steps:
        return "max_steps"
    if len(history) >= config.max_epochs:
        return "max_epochs"
    return None


def _save_epoch(
    out: Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer, history: list[dict],
    g: Grammar, config: TrainConfig,
) -> None:
    """Commit a finished epoch: one atomic file for resuming, then the log."""
    meta = {
        "train_config": config.to_dict(),
        "fingerprint": g.fingerprint,
        "grammar": g.name,
        "history": history,
        "elapsed": history[-1]["seconds"],
    }
    write_tensors(out / RESUME, _state_tensors(model, optimizer), meta)
    _write_log(out, history)


def _accuracy(verifier: Verifier, dataset: Any) -> float | None:
    if len(dataset) == 0:
        return None
    verifier.model.eval()
    predicted = verifier.accepts_many(list(dataset.words))
    return float(np.mean(predicted == np.asarray(dataset.labels, dtype=bool)))


def with_overrides(config: TrainConfig, **changes: Any) -> TrainConfig:
    """`config` with the given fields replaced, ignoring None values.

    Examples
    --------
    >>> with_overrides(TrainConfig(), max_epochs=3, target_accuracy=None).max_epochs
    3
    """
    known = {f.name for f in fields(TrainConfig)}
    unknown = set(changes) - known
    if unknown:
        raise TypeError(f"TrainConfig has no field {sorted(unknown)[0]!r}")
    return replace(config, **{k: v for k, v in changes.items() if v is not None})
