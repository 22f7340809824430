"""Train a GRU (or LSTM) verifier on labelled words drawn from a grammar: the training loop.

What the network learns from (the words, the per-prefix targets from the
automaton, the loss) is in :mod:`neural.targets`; the settings are a
:class:`~neural.config.TrainConfig`; where it runs is :mod:`neural.device`'s
choice, precision included; checkpoints and the resume state are
:mod:`neural.checkpoint`'s. ``TrainConfig(task="next_symbols")`` trains the
next-symbol task instead of membership (:mod:`neural.nextsym` scores it).

Runs are reproducible on the CPU for a fixed seed and thread count. Every
finished epoch is committed in one atomic rename, so ``resume=True``
continues after ``kill -9`` without losing finished epochs.

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

import math
import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import torch

import neural.distributed as ranks
from grammar import Grammar
from grammar.checks import grammar_label
from grammar.errors import GrammarError
from neural.checkpoint import grammar_info, load_resume, save_epoch
from neural.config import TrainConfig, with_overrides
from neural.data import Vocabulary, bucket_batches
from neural.device import autocast, cpu_threads, resolve_device, resolve_precision, to_device
from neural.model import RecurrentClassifier
from neural.optimizers import make_optimizer
from neural.recipes import get_recipe
from neural.stopping import BestWeights, accuracy, best_epoch, measure, stop_reason
from neural.stream import streamed_tensors
from neural.targets import (
    TrainingTensors,
    batch_loss,
    next_symbol_loss,
    training_splits,
    training_tensors,
)
from neural.training.contraction import contraction_penalty
from neural.training.progress import progress_bar, show_epoch
from neural.verifier import Verifier

__all__ = ["TrainConfig", "train", "DivergenceError", "training_splits", "with_overrides"]

# Loss and accuracy are summed on the device and read every _SYNC steps.
_SYNC = 16


class DivergenceError(FloatingPointError):
    """The training loss became NaN or infinite; the last good checkpoint is kept."""


def train(
    g: Grammar,
    config: TrainConfig | None = None,
    *,
    device: str | torch.device = "auto",
    out: str | os.PathLike | None = None,
    resume: bool = False,
    progress: bool = True,
    source: str | None = None,
    stream: int | None = None,
) -> Verifier:
    """Train a GRU (or LSTM) verifier for grammar `g`.

    Parameters
    ----------
    g : Grammar
        The language to learn; its automaton labels every example.
    config : TrainConfig, optional
        Data, model and optimiser settings (defaults suit embedded Reber on
        one CPU thread). ``config.threads`` torch threads run it (None:
        :data:`neural.device.DEFAULT_THREADS`); the process-wide thread count
        is restored afterwards.
    device : str or torch.device
        ``"auto"`` (CUDA when available), ``"cpu"`` or ``"cuda"``. On CUDA
        the run uses bf16 autocast as ``config.precision`` says (by default
        where the GPU has bf16 and the recurrent kernel takes it, tried on
        one batch first), pinned memory and non-blocking copies.
    out : path-like, optional
        Directory for the verifier (``model.safetensors``, ``config.json``),
        ``resume.safetensors``, ``log.jsonl`` (one JSON line per epoch) and
        ``train_words.json`` (kept out of later test sets). Without
        `resume`, a run there starts afresh and overwrites those files.
    resume : bool
        Continue from ``out/resume.safetensors`` when it exists; the
        settings must match, except :data:`neural.checkpoint.RESUMABLE`.
    progress : bool
        Show the samples seen, the epoch, loss, accuracy and validation
        accuracy against the target on stderr, when stderr is a terminal.
    source : str, optional
        Where the grammar came from (file path), recorded with it.
    stream : int, optional
        Shorthand for ``config.stream``: fresh words per epoch (over all
        ranks) from :func:`neural.stream.streamed_tensors`, never the
        validation or test words; stored with the config.

    Returns
    -------
    Verifier
        The trained network on `device`, with ``metrics`` (``task``,
        ``cell`` and the ``precision`` used among them; for the
        ``"next_symbols"`` task ``valid_accuracy`` is the fraction of
        validation words solved, and ``test_solved`` that of the test split).

    Warns
    -----
    PrecisionWarning
        Once, when ``config.precision`` is ``"auto"`` and the recurrent
        kernel refuses bf16 on the probe batch; the run continues in float32.

    Raises
    ------
    DivergenceError
        When the loss turns NaN or infinite; ``out`` keeps the last good epoch.
    CheckpointError
        When ``resume`` finds a checkpoint for another grammar or setting.
    DistributedError
        Under ``torchrun``, before any training step, when the ranks were
        given another grammar or another setting (the seed included).
    ValueError
        When the training split comes out empty (too few words in
        ``config.lengths``), naming the settings to change.
    GrammarError
        When the alphabet has one symbol (no length has both a member and a
        non-member), saying so.

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
    if len(g.alphabet) == 1:
        # Training words are balanced per length, members against non-members.
        raise GrammarError(
            f"{grammar_label(g)} cannot be trained: its alphabet has one symbol "
            f"({g.alphabet[0]!r}), so every length has exactly one word, a member "
            "or not, and no length has both a member and a non-member to learn from"
        )
    if stream is not None:
        if config.stream not in (None, stream):
            raise ValueError(f"stream={stream} disagrees with TrainConfig.stream="
                             f"{config.stream}; give one of them")
        config = replace(config, stream=stream)
    dev = resolve_device(device)
    # Under torchrun: one rank of a data-parallel run (neural.distributed); else a no-op.
    with ranks.process_group(dev) as dev, cpu_threads(config.threads):
        # Ranks given other arguments would train one mixed model: refuse before any step.
        ranks.require_same({"grammar": g.fingerprint, "alphabet": list(g.alphabet),
                            **config.to_dict()},
                           {"grammar": f"{g.name or 'grammar'!r}, language {g.fingerprint[:12]}"})
        return _run(g, config, dev, Path(out) if out is not None else None, resume,
                    progress and ranks.is_main(), source)


def _run(
    g: Grammar, config: TrainConfig, dev: torch.device, out_dir: Path | None, resume: bool,
    progress: bool, source: str | None,
) -> Verifier:
    started = time.perf_counter()
    stream = config.stream
    if config.until is not None and ranks.world_size() > 1:
        raise ValueError("TrainConfig.until='proved' runs in one process; train under torchrun "
                         "first, then certify the checkpoint with `neural certify`")
    train_set, valid_set, test_set = training_splits(g, config)
    vocab = Vocabulary.from_grammar(g)
    data = training_tensors(g, vocab, list(train_set.words), train_set.labels)
    if dev.type == "cuda":  # the whole split fits on the GPU: one pinned, non-blocking copy each
        data.to(lambda t: to_device(t, dev))
    data_seconds = time.perf_counter() - started

    torch.manual_seed(config.seed)
    model = RecurrentClassifier(config.model_config(vocab.size)).to(dev)
    optimizer = make_optimizer(model, config)  # the recipe's: AdamW, or Keras' RMSprop
    precision = resolve_precision(config.precision, dev, lambda: _probe(model, data, config),
                                  what="TrainConfig.precision")
    info = {"grammar": grammar_info(g, source), "train_config": config.to_dict(), "metrics": {}}
    verifier = Verifier(model, vocab, device=dev, info=info, precision=precision)

    history: list[dict] = []
    elapsed = 0.0
    state = load_resume(out_dir, g, config) if resume and out_dir is not None else None
    if state is not None:
        state.restore(model, optimizer)
        history, elapsed = state.history, state.elapsed
    best = BestWeights(state.best if state is not None else None)  # for TrainConfig.patience
    if not ranks.all_agree(len(history)):
        raise ranks.DistributedError(f"the ranks found different epochs to resume from in "
                                     f"{out_dir}; --out must be on a file system that every "
                                     "rank shares")
    forward = ranks.data_parallel(model, lambda m, batch: _loss(m, batch, config), dev)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)

    step = history[-1]["step"] if history else 0
    samples = history[-1]["samples"] if history else 0
    bar = progress_bar(g, config, samples, progress)

    def one_epoch(epoch_data: TrainingTensors, run_config: TrainConfig, how: Any) -> dict:
        nonlocal step, samples, elapsed
        epoch_start = time.perf_counter()
        steps, seen, loss, train_accuracy = _epoch(model, optimizer, epoch_data, run_config,
                                                   len(history), step, bar, precision, how,
                                                   sharded=stream is None)
        step += steps
        samples += seen
        valid_accuracy = measure(verifier, g, valid_set, config)
        elapsed += time.perf_counter() - epoch_start
        history.append({"epoch": len(history) + 1, "step": step, "samples": samples,
                        "train_loss": loss, "train_accuracy": train_accuracy,
                        "valid_accuracy": valid_accuracy, "seconds": round(elapsed, 3)})
        show_epoch(bar, config, history[-1])
        if run_config.patience is not None:
            best.update(model, history)
        if out_dir is not None and ranks.is_main():
            save_epoch(out_dir, model, optimizer, history, g, config, best.tensors)
        return history[-1]

    reason = stop_reason(history, config, step)
    certificate = None
    with bar:
        while reason is None:
            # Streamed: this rank's own fresh words (neural.stream), else the fixed split.
            epoch_data = data if stream is None else streamed_tensors(
                g, vocab, config, stream, len(history), [*valid_set.words, *test_set.words], dev)
            one_epoch(epoch_data, config, forward)
            reason = stop_reason(history, config, step)
        # A plateau ends on the best epoch's weights; its row describes the run.
        kept = best_epoch(history) if reason == "plateau" and best.restore(model) else None
        if config.until == "proved":
            from neural.training.proving import prove_by_training

            # The rounds have their own budget, and keep their last weights.
            rounds_config = replace(config, max_steps=None, patience=None)

            def train_round(words: list, labels: list, weight: float) -> dict:
                more = data if not words else training_tensors(
                    g, vocab, [*train_set.words, *words], [*train_set.labels, *labels])
                return one_epoch(more, rounds_config, ranks.data_parallel(
                    model, lambda m, batch: _loss(m, batch, config, contract=weight), dev))

            certificate, rounds = prove_by_training(
                g, verifier, train_round, budget=config.prove_budget, seed=config.seed,
                target=config.target_accuracy,
                max_length=config.lengths[1],
                say=bar.write if progress else None)
            reason, kept = "proved" if certificate.proved else reason, None

    verifier.info["metrics"] = {
        "epochs": len(history), "steps": step, "samples_seen": samples,
        "seconds": round(elapsed, 3), "data_seconds": round(data_seconds, 3), "stopped": reason,
        "valid_accuracy": history[-1 if kept is None else kept]["valid_accuracy"] if history
        else None, "kept_epoch": None if kept is None else kept + 1,
        "test_accuracy": accuracy(verifier, test_set),
        "train_size": len(train_set) if stream is None else None,
        "streamed_per_epoch": stream,
        "train_lengths": list(config.lengths), "device": dev.type, "ranks": ranks.world_size(),
        "task": config.task, "cell": config.cell, "precision": precision,
    }
    if certificate is not None:
        verifier.info["metrics"]["proof"] = {"verdict": certificate.verdict,
                                             "summary": certificate.summary(), "rounds": rounds}
    if config.task == "next_symbols":
        verifier.info["metrics"]["test_solved"] = measure(verifier, g, test_set, config)
    verifier.info["history"] = history
    verifier.training_words = list(train_set.words) if stream is None else []
    verifier.certificate = certificate
    if out_dir is not None and ranks.is_main():
        verifier.save(out_dir)
        if certificate is not None:
            verifier.certificate = certificate.save(out_dir)
    return verifier


def _batch(data: TrainingTensors, index: np.ndarray, rows: torch.Tensor) -> dict[str, Any]:
    width = int(data.lengths[index].max())
    return {
        "ids": data.ids[rows, :width],
        "lengths": torch.from_numpy(data.lengths[index]),
        "steps": data.steps[rows],
        "labels": data.labels[rows],
        "prefix": data.prefix[rows, :width],
    }


def _loss(
    model: RecurrentClassifier, batch: dict[str, Any], config: TrainConfig,
    contract: float = 0.0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The batch's loss, and how many of its words it got right (on the device).

    The contraction penalty (:mod:`neural.training.contraction`) is added with weight `contract`.
    """
    if config.task == "next_symbols":
        loss, solved_rows = next_symbol_loss(model, batch)
        return loss, solved_rows.sum()
    loss, logits = batch_loss(model, batch, config.prefix_weight)
    if contract:
        loss = loss + contract * contraction_penalty(model, batch["ids"], batch["steps"])
    return loss, ((logits > 0) == (batch["labels"] > 0.5)).sum()


def _probe(model: RecurrentClassifier, data: TrainingTensors, config: TrainConfig) -> None:
    """Forward and backward on the first batch, leaving weights, grads and RNG as they were."""
    index = np.arange(min(config.batch_size, len(data.lengths)))
    rows = to_device(torch.from_numpy(index), data.ids.device)
    devices = [data.ids.device] if data.ids.device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        loss, _ = _loss(model, _batch(data, index, rows), config)
        loss.backward()
    model.zero_grad(set_to_none=True)


def _epoch(
    model: RecurrentClassifier, optimizer: torch.optim.Optimizer, data: TrainingTensors,
    config: TrainConfig,
    epoch: int, step: int, bar: Any, precision: str, forward: Any = None,
    sharded: bool = True,
) -> tuple[int, int, float, float]:
    """One pass over the training split: ``(steps, samples, mean loss, accuracy)``.

    Under torchrun each rank takes its share of the epoch's batches and
    `forward` (:func:`neural.distributed.data_parallel`) averages the
    gradients; the samples, loss and accuracy returned are over all ranks.

    Raises
    ------
    DivergenceError
        If the loss turned NaN or infinite; the caller has not saved the epoch.
    """
    device = data.ids.device
    rng = np.random.default_rng([config.seed, epoch])  # the same batches after a resume
    torch.manual_seed(config.seed * 100_003 + epoch)
    batches = list(bucket_batches(data.lengths, config.batch_size, rng=rng,
                                  bucket_factor=get_recipe(config.recipe).bucket_factor))
    if sharded:  # streamed data is each rank's own already
        batches = list(ranks.even_shard(batches))
    if config.max_steps is not None:
        batches = batches[: config.max_steps - step]
    ends = np.cumsum([len(b) for b in batches])
    order = to_device(torch.from_numpy(np.concatenate(batches)), device)  # one copy per epoch
    # Summed on the device, read every _SYNC steps: CUDA never waits on the host in between.
    totals = torch.zeros(2, device=device)
    model.train()
    shown = 0
    for k, index in enumerate(batches):
        rows = order[ends[k] - len(index) : ends[k]]
        batch = _batch(data, index, rows)
        with autocast(device, precision):
            loss, right = forward(batch) if forward else _loss(model, batch, config)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if config.grad_clip is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
        optimizer.step()
        totals += torch.stack([loss.detach().float() * len(index), right.float()])
        if (k + 1) % _SYNC == 0 or k + 1 == len(batches):
            loss_sum, correct = totals.tolist()
            # Every rank takes the same decision, or one would wait for a rank that stopped.
            overall = ranks.all_reduce_sum([loss_sum])[0]
            if not math.isfinite(overall):
                raise DivergenceError(
                    f"training loss became {overall} in epoch {epoch + 1} (steps "
                    f"{step + shown + 1}-{step + k + 1}, lr {config.lr}); the last good epoch "
                    f"({epoch}) is kept; try a lower lr"
                )
            bar.update(int(ends[k]) - (int(ends[shown - 1]) if shown else 0))
            shown = k + 1
            bar.set_postfix({"epoch": epoch + 1, "loss": f"{loss_sum / ends[k]:.4f}",
                             "acc": f"{correct / ends[k]:.4f}"}, refresh=False)
    loss_sum, correct, seen = ranks.all_reduce_sum([loss_sum, correct, int(ends[-1])])
    return len(batches), int(seen), loss_sum / seen, correct / seen
