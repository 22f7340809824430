"""The neural verifier on CUDA: one table of throughput and time (issues 4, 10 and 13).

One short, prepared run (a few minutes on an H200-class GPU), printing one
table with these measures:

1. Inference strings/s, twice: the network alone on words already encoded
   and resident on the GPU (length-bucketed, packed, autocast as the
   training's precision settled), and end to end from Python strings through
   ``Verifier.predict`` (host encoding included).
2. Training samples/s: ``neural.train`` on embedded Reber with large batches
   (pinned memory, non-blocking copies), steady state, the first epoch (cuDNN
   warm-up and the bf16 probe) left out.
3. Time to target: ``neural.train`` on embedded Reber with its defaults, the
   seconds until validation accuracy reached the target.
4. Search words/s: :func:`neural.judge.search.search` over embedded Reber with the
   trained verifier, when that module is installed ("n/a" otherwise).

The precision is ``TrainConfig(precision="auto")``: bf16 where the GPU and
its recurrent kernel take it, float32 (after one warning) where they do not;
the header says which was used. Targets from issue 4 for H200-class
hardware: training >= 1M samples/s, inference >= 20M strings/s.

Without CUDA the script prints the table with every figure "not measured"
and exits 0: no figure is ever estimated. Run from the repository root::

    python bench/gpu.py
    python bench/gpu.py --device cpu --words 20000 --examples 2000 --epochs 2  # check the script
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any

import torch

from grammar import library
from grammar.datasets import make_dataset
from neural import TrainConfig, train
from neural.data import bucket_batches
from neural.device import autocast

NOT_MEASURED = "not measured"

# Measure, unit, target: the rows of the table, in order.
ROWS = (
    ("inference, network only", "strings/s", ">= 20M strings/s"),
    ("inference, end to end from Python str", "strings/s", "-"),
    ("training", "samples/s", ">= 1M samples/s"),
    ("time to target (default settings)", "s", "-"),
    ("search (neural.search)", "words/s", "-"),
)


def _sync() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def training_rate(batch_size: int, examples: int, epochs: int, device: str) -> tuple[float, Any]:
    """Steady-state training samples/s (epochs after the first), and the verifier."""
    config = TrainConfig(n_examples=examples, batch_size=batch_size, lr=0.02, max_epochs=epochs,
                         target_accuracy=1.0, seed=0)
    verifier = train(library.embedded_reber(), config, device=device, progress=False)
    history = verifier.info["history"]
    first, last = history[0], history[-1]
    if len(history) < 2:
        return last["samples"] / last["seconds"], verifier
    rate = (last["samples"] - first["samples"]) / (last["seconds"] - first["seconds"])
    return rate, verifier


def time_to_target(device: str) -> tuple[float, Any]:
    """Seconds of training with the default settings, and the verifier."""
    verifier = train(library.embedded_reber(), TrainConfig(), device=device, progress=False)
    return verifier.metrics["seconds"], verifier


def model_rate(verifier: Any, words: list, batch: int, repeat: int) -> float:
    """Strings/s of the network alone on pre-encoded, device-resident, bucketed batches."""
    vocab, model, device = verifier.vocab, verifier.model, verifier.device
    encoded = vocab.encode_many(words)
    batches = []
    for index in bucket_batches(encoded.lengths, batch):
        ids, lengths = vocab.pad(encoded, index)
        batches.append((ids.to(device), lengths))
    times = []
    with torch.inference_mode(), autocast(device, verifier.precision):
        for _ in range(repeat + 1):  # the first pass warms cuDNN up
            _sync()
            start = time.perf_counter()
            for ids, lengths in batches:
                model(ids, lengths)
            _sync()
            times.append(time.perf_counter() - start)
    return len(words) / statistics.median(times[1:])


def end_to_end_rate(verifier: Any, words: list, repeat: int) -> float:
    verifier.predict(words[:10_000])
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        verifier.predict(words)
        times.append(time.perf_counter() - start)
    return len(words) / statistics.median(times)


def search_rate(verifier: Any, max_length: int, budget: float) -> tuple[str, str]:
    """Search words/s and a note, or "n/a" when :mod:`neural.judge.search` is not installed."""
    if importlib.util.find_spec("neural.judge.search") is None:
        return "n/a", "neural.search not installed"
    from neural.judge.search import search

    report = search(verifier, library.embedded_reber(), max_length=max_length, budget=budget,
                    progress=False)
    rate = report.words / report.seconds if report.seconds else float("nan")
    return (f"{rate:,.0f} words/s",
            f"{report.words:,} words, {report.coverage()}, {report.seconds:.1f} s")


def table(rows: Sequence[tuple[str, str, str, str]]) -> str:
    lines = ["| measure | result | note | target |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1_000_000, help="inference words")
    parser.add_argument("--examples", type=int, default=200_000, help="training words")
    parser.add_argument("--batch", type=int, default=16384, help="training batch size")
    parser.add_argument("--epochs", type=int, default=8, help="training epochs")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--search-length", type=int, default=30)
    parser.add_argument("--search-budget", type=float, default=60.0, help="seconds")
    parser.add_argument("--device", default="cuda",
                        help="cuda (default); cpu only to check the script itself")
    args = parser.parse_args(argv)
    command = f"command: python bench/gpu.py {' '.join(argv or sys.argv[1:])}".rstrip()
    if args.device == "cuda" and not torch.cuda.is_available():
        print("## Neural verifier on CUDA: no CUDA device here, nothing measured\n")
        print(table([(name, NOT_MEASURED, "no CUDA device", target)
                     for name, _, target in ROWS]))
        print(f"\n{command}")
        return 0

    name = torch.cuda.get_device_name() if args.device == "cuda" else "the CPU (dry run)"
    seconds, verifier = time_to_target(args.device)
    m = verifier.metrics
    rows = []
    rate, trained = training_rate(args.batch, args.examples, args.epochs, args.device)
    print(f"trained batch {args.batch}: {rate:,.0f} samples/s", file=sys.stderr)
    words = make_dataset(library.embedded_reber(), args.words, lengths=(1, 60), seed=1).words
    batch = 262144 if args.device == "cuda" else 2048
    rows.append((ROWS[0][0], f"{model_rate(trained, words, batch, args.repeat):,.0f} strings/s",
                 f"{len(words):,} words, lengths 1-60, batch {batch}", ROWS[0][2]))
    rows.append((ROWS[1][0], f"{end_to_end_rate(trained, words, args.repeat):,.0f} strings/s",
                 "host encoding included", ROWS[1][2]))
    tm = trained.metrics
    rows.append((ROWS[2][0], f"{rate:,.0f} samples/s",
                 f"batch {args.batch}, {args.examples:,} words, valid acc "
                 f"{tm['valid_accuracy']:.4f} after {tm['epochs']} epochs", ROWS[2][2]))
    rows.append((ROWS[3][0], f"{seconds:.1f} s",
                 f"stopped at {m['stopped']} after {m['samples_seen']:,} samples, valid acc "
                 f"{m['valid_accuracy']:.4f}", ROWS[3][2]))
    result, note = search_rate(verifier, args.search_length, args.search_budget)
    rows.append((ROWS[4][0], result, note, ROWS[4][2]))

    print(f"## Neural verifier on {name} (torch {torch.__version__}, cuDNN "
          f"{torch.backends.cudnn.version()}, precision {tm['precision']})\n")
    print(table(rows))
    print(f"\n{command}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
