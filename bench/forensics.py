"""Verifier forensics: exhaustive search and automaton extraction, timed (issue 10).

1. **Exhaustive search** over every word of {0,1}* up to ``--length`` (22:
   8.4 million words) with the default model (GRU 1x32, untrained weights:
   the speed does not depend on them), ``neural.search`` on ``--threads``
   CPU threads, against the same words scored by plain batched
   ``Verifier.predict`` in the same run (each word run from its first
   symbol; ``--baseline-length`` scores a shorter range that way when the
   machine is shared). Then the longest exhaustive length that finishes
   within 60 s.
2. **Extraction** (``neural.extract``, default budget) of a verifier for each
   built-in grammar, trained by ``neural.train`` with its default settings
   (kept in ``--runs`` and reused when present): the verdict, the states
   learnt against the minimal DFA's, the shortest counterexample, the time.
3. **AALpy's L*** with the same two oracles, for reference: the network as
   its system under learning (AALpy reads a query symbol by symbol through
   ``SUL.step``, so each step is one network call), the exact grammar as its
   equivalence oracle.
4. **GPU**: the search on CUDA when a GPU is present; otherwise "not measured".

Run from the repository root::

    python bench/forensics.py                         # everything (about 10 minutes)
    python bench/forensics.py --skip-extract          # the search only
    python bench/forensics.py --markdown out.md       # also write the tables to a file
    python bench/forensics.py --threads 1 --baseline-length 18   # on a busy shared machine
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import torch

from grammar import library
from neural import TrainConfig, Verifier, train
from neural.device import cpu_threads
from neural.judge.extract import extract
from neural.judge.search import search

BUILT_INS = ["tomita-1", "tomita-2", "tomita-3", "tomita-4", "tomita-5", "tomita-6",
             "tomita-7", "parity", "reber", "embedded-reber", "divisible-by-3"]


def search_table(length: int, baseline: int, threads: int, long_budget: float,
                 device: str) -> list[str]:
    g = library.tomita(3)
    v = Verifier.untrained(g, seed=0, device=device)
    rows = []
    if device == "cpu":
        more, report, ours = against_predict(v, g, baseline, threads)
        rows += more
    if device != "cpu" or baseline != length:
        started = time.perf_counter()
        report = search(v, g, max_length=length, exhaustive=length, threads=threads,
                        progress=False)
        ours = time.perf_counter() - started
        rows.append(f"| `neural.search`, prefix-shared trie, up to length {length} | "
                    f"{report.words:,} | {ours:.1f} s | {report.words / ours / 1e6:.2f} M |")
    # The longest exhaustive length within the long budget, from the measured speed.
    rate = report.nodes / ours
    n = length
    while (2 ** (n + 2) - 1) / rate <= long_budget * 0.9:
        n += 1
    longest = search(v, g, max_length=n, exhaustive=n, budget=long_budget, threads=threads,
                     progress=False)
    done = "finished" if not longest.stopped else f"stopped; complete to {longest.coverage()}"
    rows.append(f"| longest within {long_budget:g} s: every word up to length {n} "
                f"({done}) | {longest.words:,} | {longest.seconds:.1f} s | "
                f"{longest.words / longest.seconds / 1e6:.2f} M |")
    return rows


def against_predict(v: Verifier, g: Any, length: int, threads: int) -> tuple[list[str], Any,
                                                                             float]:
    """The trie search and plain batched predict on every word up to `length`."""
    started = time.perf_counter()
    report = search(v, g, max_length=length, exhaustive=length, threads=threads,
                    progress=False)
    ours = time.perf_counter() - started
    # One length at a time, so the strings fit in memory; only predict is timed.
    plain, accepted = 0.0, 0
    with cpu_threads(threads):
        for n in range(length + 1):
            words = [format(i, f"0{n}b") if n else "" for i in range(2**n)]
            started = time.perf_counter()
            accepted += int((v.predict(words) > 0.5).sum())
            plain += time.perf_counter() - started
    wrong = report.disagreements_by_kind
    trie_accepted = report.checked["member"] - wrong["member"] + wrong["near_miss"] + \
        wrong["other"]
    same = "same decisions" if trie_accepted == accepted else "DIFFERENT decisions"
    return [
        f"| `neural.search`, prefix-shared trie, up to length {length} | {report.words:,} | "
        f"{ours:.1f} s | {report.words / ours / 1e6:.2f} M |",
        f"| plain batched `Verifier.predict`, same words ({same}) | {report.words:,} | "
        f"{plain:.1f} s | {report.words / plain / 1e6:.2f} M |",
        f"| ratio (predict time / search time) at length {length} | | {plain / ours:.1f}x | |",
    ], report, ours


def trained(name: str, runs: Path) -> tuple[Verifier, float | None]:
    """The default-settings verifier for `name`, trained now or loaded from `runs`."""
    where = runs / name
    if (where / "model.safetensors").exists():
        v = Verifier.load(where, device="cpu")
        return v, v.metrics.get("seconds")
    v = train(library.get(name), TrainConfig(), device="cpu", progress=False, out=where)
    return v, v.metrics["seconds"]


def extract_rows(runs: Path, threads: int, names: Sequence[str]) -> list[tuple[str, Any, Any]]:
    rows = []
    for name in names:
        v, seconds = trained(name, runs)
        ex = extract(v, library.get(name), threads=threads, progress=False)
        rows.append((name, v, ex))
        c = ex.counterexample
        print(f"  {name}: {ex.verdict}, {ex.states}/{ex.minimal_states} states, "
              f"{c.word if c else '-'}, {ex.seconds:.1f} s", file=sys.stderr)
    return rows


def aalpy_rows(runs: Path, names: Sequence[str]) -> list[str]:
    """AALpy's L* with our two oracles, against ours, on the same verifiers."""
    try:
        import aalpy  # noqa: F401
    except ImportError:
        return ["| (AALpy not installed: not measured) | | | | |"]
    rows = []
    for name in names:
        v, _ = trained(name, runs)
        rows += aalpy_pair(name, v, library.get(name))
    return rows


def aalpy_pair(name: str, v: Verifier, g: Any) -> list[str]:
    from aalpy.base import SUL, Oracle
    from aalpy.learning_algs import run_Lstar

    from grammar import Grammar
    from neural.judge.extract import Table

    class NetworkSUL(SUL):
        """One network call per step of a query: AALpy's interface reads a word symbol by symbol."""

        def __init__(self) -> None:
            super().__init__()
            self.word: list[str] = []

        def pre(self) -> None:
            self.word = []

        def post(self) -> None:
            pass

        def step(self, letter: Any) -> bool:
            if letter is not None:
                self.word.append(letter)
            return bool(v.predict(["".join(self.word)])[0] > 0.5)

    class GrammarOracle(Oracle):
        """The exact grammar's counterexample; where the network is wrong on it, stop (as ours)."""

        def find_cex(self, hypothesis: Any) -> Any:
            found = g.counterexample(Grammar.from_aalpy(hypothesis))
            if found is None or (v.predict([found])[0] > 0.5) != g.accepts(found):
                return None
            return tuple(found)

    sul = NetworkSUL()
    started = time.perf_counter()
    model = run_Lstar(list(g.alphabet), sul, GrammarOracle(list(g.alphabet), sul),
                      automaton_type="dfa", print_level=0)
    theirs = time.perf_counter() - started
    started = time.perf_counter()
    table = Table(g.alphabet, lambda ws: v.predict(["".join(w) for w in ws]) > 0.5)
    table.close()
    while (found := g.counterexample(table.hypothesis())) is not None:
        if table.member(tuple(found)) != g.accepts(found):
            break  # the network is wrong there: both learners stop
        table.add_counterexample(tuple(found))
        table.close()
    ours = time.perf_counter() - started
    return [
        f"| {name} | AALpy `run_Lstar` | {len(model.states)} | {sul.num_queries:,} queries, "
        f"{sul.num_steps:,} network calls | {theirs:.2f} s |",
        f"| {name} | ours (`neural.judge.extract.Table`) | {table.hypothesis().dfa.n_states} | "
        f"{table.queries:,} queries, {table.batches} network calls | {ours:.2f} s |",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=22)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--baseline-length", type=int,
                        help="score the words up to this length with plain predict too "
                        "(default: --length)")
    parser.add_argument("--long-budget", type=float, default=60.0)
    parser.add_argument("--runs", type=Path, default=Path("bench/runs/forensics"),
                        help="where the default-settings verifiers are kept")
    parser.add_argument("--grammars", nargs="+", default=BUILT_INS, metavar="NAME",
                        help="the built-ins to extract (default: all)")
    parser.add_argument("--skip-search", action="store_true")
    parser.add_argument("--skip-extract", action="store_true")
    parser.add_argument("--skip-aalpy", action="store_true")
    parser.add_argument("--markdown", type=Path, help="also write the tables here")
    args = parser.parse_args(argv)
    out: list[str] = []
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    command = "python bench/forensics.py " + shlex.join(argv if argv is not None else
                                                         sys.argv[1:])
    out += [f"## Verifier forensics (`{command.strip()}`)", "",
            f"{platform.machine()}, {os.cpu_count()} cores, {args.threads} torch threads, "
            f"torch {torch.__version__}, load average {load:.1f} at the start.", ""]
    if not args.skip_search:
        out += [f"### Exhaustive search over {{0,1}}* up to length {args.length} (default "
                "model, GRU 1x32)", "",
                "| method | words | time | words/s |", "|---|---:|---:|---:|"]
        baseline = args.baseline_length if args.baseline_length is not None else args.length
        out += search_table(args.length, baseline, args.threads, args.long_budget, "cpu")
        out += ["", "### On a GPU", ""]
        if torch.cuda.is_available():
            out += ["| method | words | time | words/s |", "|---|---:|---:|---:|"]
            out += search_table(args.length + 4, -1, args.threads, args.long_budget, "cuda")
        else:
            out.append("Not measured (no CUDA device on this machine).")
        out.append("")
    if not args.skip_extract:
        rows = extract_rows(args.runs, args.threads, args.grammars)
        out += ["### Extraction of each built-in's verifier (default training, default "
                "budget 30 s)", "",
                "| grammar | verdict | states (extracted / minimal) | shortest counterexample "
                "| learning | checking | total | words checked |",
                "|---|---|---:|---|---:|---:|---:|---:|"]
        for name, _, ex in rows:
            c = ex.counterexample
            word = "-" if c is None else (
                f"`{c.word}` ({'member' if c.member else 'non-member'}, p={c.probability:.2f}"
                f"{'; no shorter word is wrong' if ex.shortest_proven else ''})")
            out.append(f"| {name} | {ex.verdict} | {ex.states} / {ex.minimal_states} | {word} | "
                       f"{ex.learn_seconds:.2f} s | {ex.check_seconds:.1f} s | "
                       f"{ex.seconds:.1f} s | {ex.words_checked:,} (to length "
                       f"{ex.longest_checked}) |")
        if not args.skip_aalpy:
            out += ["", "### L* through AALpy against ours (same network, same grammar "
                    "oracle)", "", "| grammar | learner | states | membership | learning time |",
                    "|---|---|---:|---|---:|"]
            out += aalpy_rows(args.runs, ["tomita-3", "embedded-reber"])
        out.append("")
    text = "\n".join(out)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
