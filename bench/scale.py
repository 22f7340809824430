"""Scaling out on the CPU: training samples per second with 1 and 2 processes under torchrun.

Each configuration is a fresh ``torchrun --standalone --nproc-per-node N``
run of this script in ``--worker`` mode: it trains embedded Reber with the
library's defaults for a fixed number of epochs (no early stop), and rank 0
prints the run's metrics. With one process the run takes the ordinary
single-process path (torchrun sets ``WORLD_SIZE=1``); with two, each rank
trains on its half of every epoch's batches with gloo all-reducing the
gradients (:mod:`neural.distributed`).

Reported: samples per second of the training loop (``samples_seen /
seconds``: data drawing and process start excluded), the wall time of the
whole command, and the scaling efficiency ``rate(N) / (N * rate(1))``. Also
the streaming data set's words per second (:class:`neural.stream.GrammarStream`)
in one process with 0, 1 and 2 DataLoader workers, and the exhaustive
search's words per second with 1 and 2 processes (``torchrun ... -m neural
search``; the ranks share the walk by subtrees): words over the search's own
seconds on rank 0 (the gather included, the process start not), and the
command's wall time. No GPU figure is measured here.

Run from the repository root::

    python bench/scale.py                # about two minutes on 2 cores
    python bench/scale.py --epochs 2 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import torch


def worker(epochs: int, out: str) -> None:
    from grammar import library
    from neural import TrainConfig, train

    config = TrainConfig(max_epochs=epochs, min_samples=10**12, threads=1)
    v = train(library.embedded_reber(), config, device="cpu", out=out, progress=False)
    if os.environ.get("RANK", "0") == "0":
        print("METRICS " + json.dumps(v.metrics), flush=True)


def run_training(n: int, epochs: int) -> dict:
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "torch.distributed.run", "--standalone",
                   "--nproc-per-node", str(n), __file__, "--worker", "--epochs", str(epochs),
                   "--out", out]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"torchrun with {n} processes failed:\n{done.stderr[-3000:]}")
    line = next(x for x in done.stdout.splitlines() if x.startswith("METRICS "))
    metrics = json.loads(line[len("METRICS "):])
    return {"rate": metrics["samples_seen"] / metrics["seconds"], "wall": wall,
            "samples": metrics["samples_seen"], "ranks": metrics.get("ranks", 1)}


def stream_rate(workers: int, words: int = 60_000) -> float:
    from torch.utils.data import DataLoader

    from grammar import library
    from neural.stream import GrammarStream

    stream = GrammarStream(library.embedded_reber(), batch_size=32, samples=words, seed=0)
    loader = DataLoader(stream, batch_size=None, num_workers=workers)
    started = time.perf_counter()
    n = sum(len(b["labels"]) for b in loader)
    return n / (time.perf_counter() - started)


def run_search(n: int, directory: str, max_length: int) -> dict:
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone",
               "--nproc-per-node", str(n), "-m", "neural", "search", directory, "--max-length",
               str(max_length), "--exhaustive", str(max_length), "--device", "cpu", "--json",
               "--quiet"]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):  # 1: disagreements found, as expected of an untrained net
        raise SystemExit(f"search with {n} processes failed:\n{done.stderr[-3000:]}")
    report = json.loads(done.stdout)
    return {"rate": report["words"] / report["seconds"], "wall": wall, "words": report["words"],
            "found": report["n_disagreements"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--search-length", type=int, default=22)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.epochs, args.out)
        return

    print(f"# scale-out bench: {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores, torch {torch.__version__}, gloo, 1 torch thread per process")
    print(f"# command: python bench/scale.py --epochs {args.epochs} --repeat {args.repeat} "
          f"--search-length {args.search_length}\n")
    rates: dict[int, list[float]] = {1: [], 2: []}
    walls: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(args.repeat):
        for n in (1, 2):
            result = run_training(n, args.epochs)
            rates[n].append(result["rate"])
            walls[n].append(result["wall"])
    one = statistics.median(rates[1])
    print("| training, embedded Reber, defaults | processes | samples/s (median) | "
          "wall s (median) | scaling efficiency |")
    print("|---|---|---|---|---|")
    for n in (1, 2):
        rate = statistics.median(rates[n])
        print(f"| CPU, gloo | {n} | {rate:,.0f} | {statistics.median(walls[n]):.1f} | "
              f"{rate / (n * one):.0%} |")
    print("| GPUs (NCCL) | 2+ | not measured | not measured | not measured |\n")

    print("| streaming data (GrammarStream, embedded Reber 1-30) | DataLoader workers | "
          "words/s |")
    print("|---|---|---|")
    for workers in (0, 1, 2):
        print(f"| one process | {workers} | {stream_rate(workers):,.0f} |")
    print()
    from grammar import library
    from neural.verifier import Verifier

    searched: dict[int, list[dict]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory() as directory:
        Verifier.untrained(library.tomita(3), seed=0).save(directory)
        for _ in range(args.repeat):
            for n in (1, 2):
                searched[n].append(run_search(n, directory, args.search_length))
    found = {r["found"] for n in (1, 2) for r in searched[n]}
    assert len(found) == 1, f"the runs found different disagreements: {found}"
    words = searched[1][0]["words"]
    one = statistics.median(r["rate"] for r in searched[1])
    print(f"| exhaustive search (tomita-3, every word up to length {args.search_length}, "
          f"{words:,} words, untrained GRU) | processes | words/s (median) | wall s (median) | "
          "scaling efficiency |")
    print("|---|---|---|---|---|")
    for n in (1, 2):
        rate = statistics.median(r["rate"] for r in searched[n])
        wall = statistics.median(r["wall"] for r in searched[n])
        print(f"| CPU, gloo | {n} | {rate:,.0f} | {wall:.1f} | {rate / (n * one):.0%} |")


if __name__ == "__main__":
    main()
