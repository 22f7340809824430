"""The next-symbol task on embedded Reber: GRU against LSTM in the same run (issue 10, part 3).

Hochreiter and Schmidhuber's LSTM paper (1997) measured its networks on
embedded Reber by the next-symbol task: after every prefix, predict the set
of legal next symbols; a string is solved when every prediction is right.
This script trains a GRU and an LSTM of the same size (``neural.train`` with
``TrainConfig(task="next_symbols", cell=...)``, every other setting the
default) for each seed, then reports per run:

- training time, epochs and samples seen until 99.9% of the validation words
  are solved;
- the fraction of fresh members solved at the training lengths (1-30) and
  beyond them (31-60), from :func:`neural.nextsym.score_next_symbols`;
- generation: 1,000 words sampled from the predictor, the fraction that are
  members, and their mean length against the grammar's own random walks
  (total variation distance of the two length distributions).

Run from the repository root (about a minute and a half per seed on one CPU thread)::

    python bench/nextsym.py --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Sequence

import torch

from grammar import library
from neural import TrainConfig, train
from neural.nextsym import score_next_symbols


def run(cell: str, seed: int, n_per_set: int, generate: int) -> dict:
    g = library.embedded_reber()
    start = time.perf_counter()
    v = train(g, TrainConfig(task="next_symbols", cell=cell, seed=seed), device="cpu",
              progress=False)
    wall = time.perf_counter() - start
    report = score_next_symbols(v, g, n_per_set=n_per_set, seed=seed, generate=generate)
    m = v.metrics
    return {
        "cell": cell.upper(),
        "seed": seed,
        "params": sum(p.numel() for p in v.model.parameters()),
        "seconds": wall,
        "epochs": m["epochs"],
        "samples": m["samples_seen"],
        "stopped": m["stopped"],
        "short": report.short.solved,
        "long": report.long.solved,
        "members": report.generation.members,
        "mean": report.generation.mean_length,
        "walks": report.generation.walk_mean_length,
        "tv": report.generation.length_distance,
        "accuracy": m["test_accuracy"],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--n-per-set", type=int, default=2000)
    parser.add_argument("--generate", type=int, default=1000)
    args = parser.parse_args(argv)
    rows = []
    for seed in args.seeds:
        for cell in ("gru", "lstm"):
            rows.append(run(cell, seed, args.n_per_set, args.generate))
            print(f"done {cell} seed {seed}: {rows[-1]['seconds']:.1f} s", file=sys.stderr)
    print(f"## Next-symbol task on embedded Reber: GRU vs LSTM (torch {torch.__version__}, "
          f"{platform.processor() or platform.machine()}, 1 CPU thread)\n")
    print("| cell | seed | weights | train time | epochs | samples | stop | solved 1-30 "
          "| solved 31-60 | generated members | mean length (walks) | length TV | "
          "membership acc (test split) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['cell']} | {r['seed']} | {r['params']:,} | {r['seconds']:.1f} s | "
              f"{r['epochs']} | {r['samples']:,} | {r['stopped']} | {r['short']:.2%} | "
              f"{r['long']:.2%} | {r['members']:.2%} | {r['mean']:.1f} ({r['walks']:.1f}) | "
              f"{r['tv']:.3f} | {r['accuracy']:.2%} |")
    print(f"\ncommand: python bench/nextsym.py {' '.join(argv or sys.argv[1:])}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
