"""What a training run learns from: labelled words, per-prefix targets, and the loss.

The words come from :mod:`grammar.datasets`: balanced members and
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

The same per-prefix targets are the whole objective of the next-symbol task
(``TrainConfig(task="next_symbols")``, :func:`next_symbol_loss`): after every
prefix, the set of symbols that lead to a live state of the automaton (some
member still reachable, exactly :meth:`grammar.Grammar.next_symbols`) and
whether the prefix is a member ("may end here"). A word is *solved* when
every step's thresholded prediction equals that set (:func:`solved_rows`).

Examples
--------
>>> from grammar import library
>>> from neural.config import TrainConfig
>>> from neural.data import Vocabulary
>>> g = library.parity()
>>> train_set, _, _ = training_splits(g, TrainConfig(n_examples=20, lengths=(0, 4)))
>>> t = training_tensors(g, Vocabulary.from_grammar(g), ["011"], [True])
>>> t.prefix[0, :, 0].tolist()  # '', '0', '01', '011': is each prefix a member?
[1.0, 1.0, 0.0, 1.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from grammar import Grammar, datasets
from neural.config import TrainConfig
from neural.data import Encoded, Vocabulary
from neural.model import RecurrentClassifier

__all__ = [
    "training_splits",
    "TrainingTensors",
    "training_tensors",
    "batch_loss",
    "next_symbol_loss",
    "solved_rows",
]


def training_splits(g: Grammar, config: TrainConfig) -> tuple[Any, Any, Any]:
    """The train, validation and test :class:`grammar.datasets.Dataset` of a run.

    Deterministic in ``config.seed``, so a resumed run sees the same words.

    Raises
    ------
    ValueError
        If the training split came out empty (a language with almost no
        words in ``config.lengths``), naming the fields to change.

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
    parts = datasets.split(data, fractions=config.split, seed=config.seed)
    if len(parts[0]) == 0:
        raise ValueError(
            f"the training split is empty: {len(data)} words were drawn for "
            f"TrainConfig.n_examples={config.n_examples} at TrainConfig.lengths="
            f"{config.lengths} and cut by TrainConfig.split={config.split}; ask for more "
            "examples or other lengths"
        )
    return parts


@dataclass
class TrainingTensors:
    """A split held as padded tensors, with per-prefix targets from the automaton.

    Attributes
    ----------
    ids : torch.Tensor
        (N, T) int64: BOS, symbol ids, PAD.
    lengths : numpy.ndarray
        (N,) int64 valid steps (word length + 1), on the host.
    steps : torch.Tensor
        The same lengths as a tensor, on the training device.
    labels : torch.Tensor
        (N,) float32 whole-word membership.
    prefix : torch.Tensor
        (N, T, 1 + S) float32: after each step, is the prefix a member, then
        for each symbol whether reading it keeps some member reachable.
    """

    ids: torch.Tensor
    lengths: np.ndarray
    steps: torch.Tensor
    labels: torch.Tensor
    prefix: torch.Tensor

    def to(self, move: Any) -> None:
        """Put every tensor through `move` (a copy to the training device), in place."""
        self.ids, self.steps, self.labels, self.prefix = (
            move(t) for t in (self.ids, self.steps, self.labels, self.prefix)
        )


def training_tensors(g: Grammar, vocab: Vocabulary, words: list, labels: Any) -> TrainingTensors:
    """Encode `words` and label every prefix of each with `g`'s automaton.

    Examples
    --------
    >>> from grammar import library
    >>> g = library.parity()
    >>> t = training_tensors(g, Vocabulary.from_grammar(g), ["1", ""], [False, True])
    >>> t.ids.tolist(), t.lengths.tolist(), t.labels.tolist()
    ([[1, 3], [1, 0]], [2, 1], [0.0, 1.0])
    """
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
    return TrainingTensors(
        ids,
        lengths.numpy(),
        lengths,
        torch.as_tensor(np.asarray(labels, dtype=np.float32)),
        torch.from_numpy(flags.astype(np.float32)),
    )


def batch_loss(
    model: RecurrentClassifier, batch: dict[str, torch.Tensor], prefix_weight: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """Loss and whole-word logits of one batch.

    With ``prefix_weight`` 0 only the whole-word labels count; otherwise the
    loss is the weighted mean of the whole-word loss and the per-prefix loss
    (over every valid step and target), so it stays on the scale of one
    binary cross-entropy.

    Examples
    --------
    >>> from grammar import library
    >>> from neural.model import ModelConfig
    >>> g = library.parity()
    >>> t = training_tensors(g, Vocabulary.from_grammar(g), ["11", "1"], [True, False])
    >>> batch = {"ids": t.ids, "lengths": torch.from_numpy(t.lengths), "steps": t.steps,
    ...          "labels": t.labels, "prefix": t.prefix}
    >>> _ = torch.manual_seed(0)
    >>> loss, logits = batch_loss(RecurrentClassifier(ModelConfig(vocab_size=4)), batch, 100.0)
    >>> loss.shape, logits.shape
    (torch.Size([]), torch.Size([2]))
    """
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


def _step_mask(ids: torch.Tensor, steps: torch.Tensor) -> torch.Tensor:
    """(B, T) float: 1 at the valid steps of each row (BOS up to the last symbol)."""
    last = steps - 1
    return (torch.arange(ids.shape[1], device=ids.device)[None, :] <= last[:, None]).float()


def solved_rows(
    logits: torch.Tensor, targets: torch.Tensor, steps: torch.Tensor
) -> torch.Tensor:
    """(B,) bool: rows whose every valid step's thresholded prediction equals its target.

    Parameters
    ----------
    logits : torch.Tensor
        ``(B, T, 1 + S)`` from :meth:`~neural.model.RecurrentClassifier.prefix_logits`.
    targets : torch.Tensor
        ``(B, T, 1 + S)`` per-prefix targets (:attr:`TrainingTensors.prefix`).
    steps : torch.Tensor
        ``(B,)`` valid steps per row (word length + 1).

    Examples
    --------
    >>> logits = torch.tensor([[[3.0, -2.0], [-1.0, -1.0]], [[3.0, 2.0], [0.0, 0.0]]])
    >>> targets = torch.tensor([[[1.0, 0.0], [1.0, 0.0]], [[1.0, 1.0], [1.0, 1.0]]])
    >>> solved_rows(logits, targets, torch.tensor([2, 1])).tolist()
    [False, True]
    """
    valid = _step_mask(logits, steps).bool()  # (B, T)
    right = ((logits > 0) == (targets > 0.5)).all(dim=-1)  # (B, T)
    return (right | ~valid).all(dim=-1)


def next_symbol_loss(
    model: RecurrentClassifier, batch: dict[str, torch.Tensor]
) -> tuple[torch.Tensor, torch.Tensor]:
    """Loss of one batch for the next-symbol task, and which rows it solved.

    The loss is the binary cross-entropy of every target ("may end here",
    then one per symbol) at every valid step, averaged; the whole-word label
    is the "may end here" target of the last step, so it needs no term of
    its own.

    Examples
    --------
    >>> from grammar import library
    >>> from neural.model import ModelConfig
    >>> g = library.parity()
    >>> t = training_tensors(g, Vocabulary.from_grammar(g), ["11", "1"], [True, False])
    >>> batch = {"ids": t.ids, "steps": t.steps, "prefix": t.prefix}
    >>> _ = torch.manual_seed(0)
    >>> loss, solved = next_symbol_loss(RecurrentClassifier(ModelConfig(vocab_size=4)), batch)
    >>> loss.shape, solved.dtype
    (torch.Size([]), torch.bool)
    """
    ids, steps = batch["ids"], batch["steps"]
    out = model.prefix_logits(ids).float()  # (B, T, 1 + S)
    mask = _step_mask(ids, steps)
    per_step = F.binary_cross_entropy_with_logits(out, batch["prefix"], reduction="none")
    loss = (per_step * mask[..., None]).sum() / (mask.sum() * out.shape[-1])
    return loss, solved_rows(out.detach(), batch["prefix"], steps)
