"""Training and inference on embedded Reber, side by side with the textbook setup (issue 4).

The reference is the textbook exercise reproduced in PyTorch: 10,000 training
strings, half random walks and half one-character substitutions (labelled
"invalid" without checking, as the textbook does), Embedding(5) -> GRU(30) ->
Linear, SGD with lr 0.02, momentum 0.95 and Nesterov, batch 32, 2 CPU threads.
Ours is ``neural.train`` with its defaults.

1. Time and samples seen until 99.9% accuracy on a fresh test set mixing
   short random and short adversarial words (``grammar.datasets.test_suite``,
   lengths 1-30, disjoint from both training sets). The reference is scored
   after every epoch (scoring not timed); ours stops on its own validation
   set and is then scored once.
2. Long-range generalisation: accuracy on the long random and long
   adversarial sets (lengths 31-60).
3. CPU inference: strings per second on 100,000 textbook words (half walks,
   half substitutions), from Python strings to answers. The reference runs
   the plain way: every word padded to the longest, one GRU call per batch.

Every figure is a median over ``--repeat`` runs with different seeds. Both
sides use 2 CPU threads (ours is told so: ``train`` defaults to 1). Run from the repository root::

    python bench/train.py                    # the full run (a few minutes)
    python bench/train.py --repeat 1 --ref-epochs 5   # a quick look

``--threads`` measures something else: the README's main job (``train`` on
embedded Reber with its defaults) with 1 and with 2 torch threads, on an idle
machine and while a separate busy process keeps one core busy. Each run is a
fresh process, stopped after ``--timeout`` seconds::

    python bench/train.py --threads --repeat 3 --timeout 60
"""

from __future__ import annotations

import argparse
import platform
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from grammar import library
from grammar.datasets import test_suite
from neural import TrainConfig, train

__all__ = ["textbook_string", "textbook_corrupted", "Reference", "main"]

THREADS = 2
CHARS = "BEPSTVX"

# The textbook's transition lists: state -> [(production, next state)]; None ends.
_REBER = [
    [("B", 1)],
    [("T", 2), ("P", 3)],
    [("S", 2), ("X", 4)],
    [("T", 3), ("V", 5)],
    [("X", 3), ("S", 6)],
    [("P", 4), ("V", 6)],
    [("E", None)],
]
_EMBEDDED = [
    [("B", 1)],
    [("T", 2), ("P", 3)],
    [(_REBER, 4)],
    [(_REBER, 5)],
    [("T", 6)],
    [("P", 6)],
    [("E", None)],
]


def textbook_string(rng: np.random.Generator, grammar: list = _EMBEDDED) -> str:
    """A random walk, one recursive choice at a time, as the textbook writes it."""
    state, out = 0, []
    while state is not None:
        production, state = grammar[state][rng.integers(len(grammar[state]))]
        out.append(textbook_string(rng, production) if isinstance(production, list)
                   else production)
    return "".join(out)


def textbook_corrupted(rng: np.random.Generator) -> str:
    """A walk with one character replaced by another (not checked: may still be valid)."""
    good = textbook_string(rng)
    i = int(rng.integers(len(good)))
    bad = rng.choice(sorted(set(CHARS) - {good[i]}))
    return good[:i] + bad + good[i + 1 :]


def textbook_data(n: int, rng: np.random.Generator) -> tuple[list[str], np.ndarray]:
    """Half walks (label 1), half substitutions (label 0), shuffled."""
    words = [textbook_string(rng) for _ in range(n // 2)]
    words += [textbook_corrupted(rng) for _ in range(n - n // 2)]
    labels = np.array([1.0] * (n // 2) + [0.0] * (n - n // 2), dtype=np.float32)
    order = rng.permutation(n)
    return [words[i] for i in order], labels[order]


class Reference(nn.Module):
    """Embedding(5) -> GRU(30) -> Linear(1), the textbook model."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(len(CHARS) + 1, 5, padding_idx=0)
        self.gru = nn.GRU(5, 30, batch_first=True)
        self.out = nn.Linear(30, 1)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        # ids: (B, T) padded; the answer is read after each word's last symbol.
        out, _ = self.gru(self.embed(ids))  # (B, T, 30)
        last = out[torch.arange(len(ids)), lengths - 1]  # (B, 30)
        return self.out(last)[:, 0]


_ID = {c: i + 1 for i, c in enumerate(CHARS)}


def plain_padded(words: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """Every word padded to the longest: the plain way."""
    lengths = [len(w) for w in words]
    ids = np.zeros((len(words), max(lengths)), dtype=np.int64)
    for row, word in enumerate(words):
        ids[row, : len(word)] = [_ID.get(c, 0) for c in word]
    return torch.from_numpy(ids), torch.tensor(lengths)


def reference_predict(model: Reference, words: Sequence[str], batch: int) -> np.ndarray:
    model.eval()
    out = []
    with torch.inference_mode():
        for start in range(0, len(words), batch):
            ids, lengths = plain_padded(words[start : start + batch])
            out.append(torch.sigmoid(model(ids, lengths)).numpy())
    return np.concatenate(out)


def run_reference(data: tuple, seed: int, epochs: int, fresh: tuple, long: tuple) -> dict:
    """Train the textbook model; score the fresh set after each epoch (untimed)."""
    words, labels = data
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    model = Reference()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.95, nesterov=True)
    loss_fn = nn.BCEWithLogitsLoss()
    seconds, samples, hit = 0.0, 0, None
    best = 0.0
    for _ in range(epochs):
        order = rng.permutation(len(words))
        start = time.perf_counter()
        model.train()
        for i in range(0, len(order), 32):
            index = order[i : i + 32]
            ids, lengths = plain_padded([words[j] for j in index])
            loss = loss_fn(model(ids, lengths), torch.from_numpy(labels[index]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            samples += len(index)
        seconds += time.perf_counter() - start
        accuracy = _accuracy(reference_predict(model, fresh[0], 4096), fresh[1])
        best = max(best, accuracy)
        if accuracy >= 0.999:
            hit = (seconds, samples)
            break
    return {
        "seconds": hit[0] if hit else None,
        "samples": hit[1] if hit else None,
        "best": best,
        "epoch_seconds": seconds * len(words) / samples,
        "fresh": accuracy,
        "long": _accuracy(reference_predict(model, long[0], 4096), long[1]),
        "model": model,
    }


def run_ours(seed: int) -> dict:
    # THREADS explicitly (training defaults to 1 thread), so both sides get the same cores.
    verifier = train(library.embedded_reber(), TrainConfig(seed=seed, threads=THREADS),
                     device="cpu", progress=False)
    m = verifier.metrics
    return {"seconds": m["seconds"], "data_seconds": m["data_seconds"],
            "samples": m["samples_seen"], "verifier": verifier}


def _accuracy(p: np.ndarray, labels: np.ndarray) -> float:
    return float(np.mean((p > 0.5) == labels))


def _sets(seed: int, exclude: set) -> tuple[tuple, tuple]:
    suite = test_suite(library.embedded_reber(), 2000, exclude=exclude, seed=seed)

    def join(*names: str) -> tuple[list, np.ndarray]:
        words = [w for n in names for w in suite[n].words]
        return words, np.concatenate([suite[n].labels for n in names])

    return join("short_random", "short_adversarial"), join("long_random", "long_adversarial")


def _rate(fn, words: list[str], repeat: int) -> float:
    fn(words[:1000])  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(words)
        times.append(time.perf_counter() - start)
    return len(words) / statistics.median(times)


def _median(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _fmt(value: float | None, unit: str = "", digits: int = 1) -> str:
    return "not reached" if value is None else f"{value:,.{digits}f}{unit}"


# One training run in a fresh process: the README's main job, timed inside the process.
_THREAD_RUN = """
import time
from grammar import library
from neural import TrainConfig, train
start = time.perf_counter()
v = train(library.embedded_reber(), TrainConfig(threads={threads}), device="cpu", progress=False)
print(time.perf_counter() - start, v.metrics["stopped"])
"""


def timed_training(threads: int, timeout: float) -> float | None:
    """Seconds for one fresh-process training run with `threads`; None past `timeout`."""
    try:
        done = subprocess.run([sys.executable, "-c", _THREAD_RUN.format(threads=threads)],
                              capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    return float(done.stdout.split()[0])


def thread_table(repeat: int, timeout: float) -> dict[tuple[str, int], list]:
    """Runs interleaved as idle/1, idle/2, loaded/1, loaded/2, `repeat` times over."""
    times: dict[tuple[str, int], list] = {}
    for rep in range(repeat):
        for load in ("idle", "loaded"):
            busy = None
            if load == "loaded":  # a separate process keeping one core busy
                busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
            try:
                for threads in (1, 2):
                    seconds = timed_training(threads, timeout)
                    times.setdefault((load, threads), []).append(seconds)
                    print(f"run {rep}: {load}, {threads} thread(s): "
                          f"{_seconds(seconds, timeout)} s", file=sys.stderr)
            finally:
                if busy is not None:
                    busy.kill()
                    busy.wait()
    return times


def _seconds(value: float | None, timeout: float) -> str:
    return f">{timeout:g}" if value is None else f"{value:.1f}"


def _slowest_first(values: list) -> float | None:
    # A run stopped at the timeout counts as the slowest; the median may then be unknown.
    ordered = sorted(values, key=lambda v: float("inf") if v is None else v)
    return ordered[(len(ordered) - 1) // 2]


def print_thread_table(args: argparse.Namespace, argv: Sequence[str] | None) -> None:
    times = thread_table(args.repeat, args.timeout)
    print(f"## Training threads ({platform.machine()}, torch {torch.__version__}, "
          f"medians of {args.repeat} runs, each stopped after {args.timeout:g} s)\n")
    print("| machine | 1 thread | 2 threads | runs (1 thread; 2 threads) |")
    print("|---|---|---|---|")
    for load in ("idle", "loaded"):
        cells = []
        for threads in (1, 2):
            median = _slowest_first(times[(load, threads)])
            cells.append(f"{_seconds(median, args.timeout)} s")
        runs = "; ".join(", ".join(_seconds(v, args.timeout) for v in times[(load, t)])
                         for t in (1, 2))
        print(f"| {load} | {cells[0]} | {cells[1]} | {runs} |")
    print(f"\ncommand: python bench/train.py {shlex.join(argv or sys.argv[1:])}".rstrip())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per side (default 3)")
    parser.add_argument("--ref-epochs", type=int, default=20,
                        help="epochs the reference may take to reach 99.9%% (default 20)")
    parser.add_argument("--words", type=int, default=100_000, help="inference words")
    parser.add_argument("--threads", action="store_true",
                        help="measure training with 1 and 2 threads, idle and loaded")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="--threads: stop a run after this many seconds (default 60)")
    args = parser.parse_args(argv)
    if args.threads:
        print_thread_table(args, argv)
        return 0
    torch.set_num_threads(THREADS)

    ref_runs, our_runs = [], []
    for rep in range(args.repeat):
        ref_data = textbook_data(10_000, np.random.default_rng(rep))
        ours = run_ours(rep)
        fresh, long = _sets(1000 + rep, set(ours["verifier"].training_words) | set(ref_data[0]))
        ours.update(fresh=_accuracy(ours["verifier"].predict(fresh[0]), fresh[1]),
                    long=_accuracy(ours["verifier"].predict(long[0]), long[1]))
        ref_runs.append(run_reference(ref_data, rep, args.ref_epochs, fresh, long))
        our_runs.append(ours)
        print(f"run {rep}: reference {ref_runs[-1]['seconds']} s / {ref_runs[-1]['samples']} "
              f"samples (best {ref_runs[-1]['best']:.4f}); ours {ours['seconds']:.1f} s / "
              f"{ours['samples']} samples, fresh {ours['fresh']:.4f}, long {ours['long']:.4f}",
              file=sys.stderr)

    rng = np.random.default_rng(7)
    words = [textbook_string(rng) for _ in range(args.words // 2)]
    words += [textbook_corrupted(rng) for _ in range(args.words - args.words // 2)]
    verifier = our_runs[0]["verifier"]
    ours_rate = _rate(verifier.predict, words, args.repeat)
    ref_model = ref_runs[0]["model"]
    ref_rate = max(_rate(lambda w, b=b: reference_predict(ref_model, w, b), words, args.repeat)
                   for b in (1024, 4096, 16384))

    ref_s, ref_n = _median([r["seconds"] for r in ref_runs]), _median(
        [r["samples"] for r in ref_runs])
    ref_10 = 10 * _median([r["epoch_seconds"] for r in ref_runs])
    our_s, our_n = _median([r["seconds"] for r in our_runs]), _median(
        [r["samples"] for r in our_runs])
    reached = sum(r["seconds"] is not None for r in ref_runs)
    print(f"## Neural verifier on embedded Reber ({platform.machine()}, {THREADS} CPU threads, "
          f"torch {torch.__version__}, medians of {args.repeat} runs)\n")
    print("| measure | reference (textbook) | ours | target |")
    print("|---|---|---|---|")
    print(f"| training time to 99.9% on the fresh short set | {_fmt(ref_s, ' s')} "
          f"({reached}/{args.repeat} runs reached it in {args.ref_epochs} epochs); its 10 "
          f"textbook epochs take {ref_10:.1f} s | {_fmt(our_s, ' s')} "
          f"(+{_median([r['data_seconds'] for r in our_runs]):.1f} s to draw the data) "
          f"| <= 1/3 of reference |")
    print(f"| samples seen to 99.9% | {_fmt(ref_n, '', 0)}; 10 textbook epochs: 100,000 | "
          f"{_fmt(our_n, '', 0)} | <= 1/3 of reference |")
    print(f"| fresh short set (random + adversarial, 1-30) at the end | "
          f"{_median([r['fresh'] for r in ref_runs]):.2%} (best "
          f"{_median([r['best'] for r in ref_runs]):.2%}) | "
          f"{_median([r['fresh'] for r in our_runs]):.2%} | >= 99.9% |")
    print(f"| long-range accuracy (random + adversarial, 31-60) | "
          f"{_median([r['long'] for r in ref_runs]):.2%} | "
          f"{_median([r['long'] for r in our_runs]):.2%} | >= 99.5% |")
    print(f"| CPU inference, {args.words:,} words | {ref_rate:,.0f} strings/s | "
          f"{ours_rate:,.0f} strings/s ({ours_rate / ref_rate:.1f}x) | >= 3x |")
    print(f"\ncommand: python bench/train.py {shlex.join(argv or sys.argv[1:])}".rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
