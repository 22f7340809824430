"""Proved verifiers: ``until="proved"`` on the built-ins and on random minimal DFAs.

For each grammar, one run of ``train(g, TrainConfig(until="proved"))``, each
in its own process so that CPU seconds are the run's own (training, rounds
and certification together), then the independent check of the saved
certificate (numpy only) timed on its own. Targets (issue: proved
verifiers): every built-in proved within 120 s of CPU; on random minimal
DFAs of 5-20 states and 2-4 symbols at least 90% proved, each ``certify``
call within 60 s, every check within 10 s. Run from the repository root::

    python bench/certify.py --builtins
    python bench/certify.py --random 20 --seed 0

It prints one row per grammar and a summary in Markdown.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["BUILTINS", "one_run", "main"]

#: The built-in grammars of the target, by command-line name.
BUILTINS = tuple(f"tomita-{i}" for i in range(1, 8)) + (
    "parity", "divisible-by-3", "reber", "embedded-reber")

_CHILD = r"""
import json, sys, time
from grammar import library, load, random_grammar
from neural.judge.certify import checker
from neural.config import TrainConfig
from neural.training import train
from safetensors.numpy import load_file

spec, out, budget = sys.argv[1], sys.argv[2], float(sys.argv[3])
if spec.startswith("random:"):
    _, states, symbols, seed = spec.split(":")
    g = random_grammar(int(states), "abcd"[: int(symbols)], seed=int(seed))
else:
    g = load(spec)
started, cpu = time.perf_counter(), time.process_time()
v = train(g, TrainConfig(until="proved", prove_budget=budget), device="cpu", out=out,
          progress=False)
cpu, wall = time.process_time() - cpu, time.perf_counter() - started
cert = v.certificate
d = g.dfa
checked = time.perf_counter()
saved = json.load(open(out + "/certificate.json"))
why = checker.check(saved, load_file(out + "/model.safetensors"),
                    grammar_dfa=(d.alphabet, d.table, d.accepting, d.start))
check_seconds = time.perf_counter() - checked
print(json.dumps({"grammar": spec, "states": d.n_states, "symbols": len(d.alphabet),
                  "verdict": cert.verdict, "cpu": round(cpu, 1), "wall": round(wall, 1),
                  "rounds": len(v.info["metrics"]["proof"]["rounds"]),
                  "last_certify": cert.seconds, "check": round(check_seconds, 3),
                  "check_passes": why is None, "summary": cert.summary()[:160]}))
"""


def one_run(spec: str, budget: float, timeout: float) -> dict:
    """Train `spec` until proved in a fresh process; its row."""
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _CHILD, spec, out, str(budget)],
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            tail = (done.stderr.strip().splitlines() or ["?"])[-1]
            return {"grammar": spec, "verdict": "error", "error": tail,
                    "wall": round(time.perf_counter() - started, 1)}
        return json.loads(done.stdout.strip().splitlines()[-1])


def _random_specs(count: int, seed: int) -> list[str]:
    """Random DFAs whose minimal DFA has 5-20 states over 2-4 symbols."""
    from grammar import random_grammar

    specs, k = [], 0
    while len(specs) < count:
        states, symbols = 5 + (seed + k) % 16, 2 + (seed + k) % 3
        g = random_grammar(states * 2, "abcd"[:symbols], seed=seed * 10_000 + k)
        k += 1
        if 5 <= g.dfa.n_states <= 20 and any(g.dfa.accepting) and len(g.alphabet) == symbols:
            specs.append(f"random:{states * 2}:{symbols}:{seed * 10_000 + k - 1}")
    return specs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builtins", action="store_true")
    parser.add_argument("--random", type=int, default=0, metavar="N")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--budget", type=float, default=120.0, help="prove_budget, seconds")
    parser.add_argument("--out", type=Path, help="also write the rows as JSON lines")
    args = parser.parse_args(argv)
    specs = (list(BUILTINS) if args.builtins else []) + _random_specs(args.random, args.seed)
    rows = []
    print("| grammar | DFA states | verdict | CPU s | rounds | last certify s | check s |")
    print("|---|---|---|---|---|---|---|")
    for spec in specs:
        row = one_run(spec, args.budget, timeout=args.budget * 6 + 600)
        rows.append(row)
        print(f"| {spec} | {row.get('states', '')} | {row['verdict']} | {row.get('cpu', '')} | "
              f"{row.get('rounds', '')} | {row.get('last_certify', '')} | "
              f"{row.get('check', '')} |", flush=True)
        if args.out:
            with args.out.open("a") as f:
                f.write(json.dumps(row) + "\n")
    done = [r for r in rows if r["verdict"] != "error"]
    proved = [r for r in done if r["verdict"] == "proved"]
    print(f"\nproved {len(proved)} of {len(rows)}; "
          f"counterexample {sum(r['verdict'] == 'counterexample' for r in done)}, "
          f"undecided {sum(r['verdict'] == 'undecided' for r in done)}, "
          f"errors {len(rows) - len(done)}")
    if proved:
        print(f"proved runs: median {statistics.median(r['cpu'] for r in proved):.1f} s CPU, "
              f"at most {max(r['cpu'] for r in proved):.1f} s")
    if done:
        print(f"last certify call at most {max(r['last_certify'] for r in done):.1f} s; "
              f"check at most {max(r['check'] for r in done):.3f} s, "
              f"{sum(r['check_passes'] for r in proved)} of {len(proved)} proved pass it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
