"""Training and inference throughput of the neural verifier on CUDA (issue 4).

One short, prepared run (a couple of minutes on an H200-class GPU):

1. Training samples/s: ``neural.train`` on embedded Reber with large batches
   (bf16 autocast, pinned memory, non-blocking copies), steady state, the first
   epoch (cuDNN warm-up) left out.
2. Inference strings/s, twice: the network alone on words already encoded
   and resident on the GPU (length-bucketed, packed, bf16), and end to end
   from Python strings through ``Verifier.predict`` (host encoding included).

Targets from the issue for H200-class hardware: training >= 1M samples/s,
inference >= 20M strings/s. Without CUDA the script says so and exits 0.
Run from the repository root::

    python bench/gpu.py
"""

from __future__ import annotations

import argparse
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


def _sync() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def training_rate(batch_size: int, examples: int, epochs: int, device: str) -> tuple[float, Any]:
    """Steady-state training samples/s (epochs after the first), and the run's metrics."""
    config = TrainConfig(n_examples=examples, batch_size=batch_size, lr=0.02, max_epochs=epochs,
                         target_accuracy=1.0, seed=0)
    verifier = train(library.embedded_reber(), config, device=device, progress=False)
    history = verifier.info["history"]
    first, last = history[0], history[-1]
    rate = (last["samples"] - first["samples"]) / (last["seconds"] - first["seconds"])
    return rate, verifier


def model_rate(verifier, words: list, batch: int, repeat: int) -> float:
    """Strings/s of the network alone on pre-encoded, GPU-resident, bucketed batches."""
    vocab, model, device = verifier.vocab, verifier.model, verifier.device
    encoded = vocab.encode_many(words)
    batches = []
    for index in bucket_batches(encoded.lengths, batch):
        ids, lengths = vocab.pad(encoded, index)
        batches.append((ids.to(device), lengths))
    times = []
    with torch.inference_mode(), autocast(device):
        for _ in range(repeat + 1):  # the first pass warms cuDNN up
            _sync()
            start = time.perf_counter()
            for ids, lengths in batches:
                model(ids, lengths)
            _sync()
            times.append(time.perf_counter() - start)
    return len(words) / statistics.median(times[1:])


def end_to_end_rate(verifier, words: list, repeat: int) -> float:
    verifier.predict(words[:10_000])
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        verifier.predict(words)
        times.append(time.perf_counter() - start)
    return len(words) / statistics.median(times)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1_000_000, help="inference words")
    parser.add_argument("--examples", type=int, default=200_000, help="training words")
    parser.add_argument("--epochs", type=int, default=8, help="training epochs per batch size")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--device", default="cuda",
                        help="cuda (default); cpu only to check the script itself")
    args = parser.parse_args(argv)
    if args.device == "cuda" and not torch.cuda.is_available():
        print("bench/gpu.py: no CUDA device here; nothing measured (GPU: not measured yet)")
        return 0

    name = torch.cuda.get_device_name() if args.device == "cuda" else "the CPU (dry run)"
    print(f"## Neural verifier on {name} (torch {torch.__version__}, "
          f"cuDNN {torch.backends.cudnn.version()})\n")
    rows = []
    verifier = None
    for batch in (4096, 16384):
        rate, verifier = training_rate(batch, args.examples, args.epochs, args.device)
        m = verifier.metrics
        rows.append((f"training, batch {batch}", f"{rate:,.0f} samples/s",
                     f"valid acc {m['valid_accuracy']:.4f} after {m['epochs']} epochs",
                     ">= 1M samples/s"))
        print(f"trained batch {batch}: {rate:,.0f} samples/s", file=sys.stderr)

    data = make_dataset(library.embedded_reber(), args.words, lengths=(1, 60), seed=1)
    words = data.words
    for batch in (65536, 262144):
        rate = model_rate(verifier, words, batch, args.repeat)
        rows.append((f"inference, network only, batch {batch}", f"{rate:,.0f} strings/s",
                     f"{len(words):,} words, lengths 1-60", ">= 20M strings/s"))
    rate = end_to_end_rate(verifier, words, args.repeat)
    rows.append(("inference, end to end from Python str", f"{rate:,.0f} strings/s",
                 "host encoding included", "-"))

    print("| measure | result | note | target |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\ncommand: python bench/gpu.py {' '.join(argv or sys.argv[1:])}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
