"""Near misses, non-members and uniform members at benchmark scale (issue 9, "Targets").

A family of grammars built here, in the manner of MLRegTest's constructions,
at 20, 100 and 600 states over 4, 16 and 64 symbols:

- ``random``: a random complete DFA (:func:`grammar.random_grammar`);
- ``factor-count``: contains a factor of five symbols, and the number of
  ``s0`` is a multiple of p (a product of about 6 p states);
- ``subsequence``: avoids a subsequence of six symbols, and the number of
  ``s0`` is a multiple of p (about 7 p states);
- ``tier``: on the tier of the first half of the symbols, avoids a factor of
  five tier symbols, and the tier has a multiple of p symbols (tier-based;
  about 6 p states).

Every call runs alone in a fresh subprocess (so no table is cached from an
earlier call: the cold case), timed with ``time.perf_counter`` around the
call; with ``--repeat R``, R times, and the median is reported. Memory is
the subprocess's peak resident set size (``ru_maxrss``; the largest of the
repetitions), which includes the interpreter, numpy and the grammar itself
(about 40-80 MB). ``--numpy`` turns the compiled loops off, for comparison:

- ``near_misses(1000, length=(20, 29))`` for each kind alone and all together;
- ``non_members(1000, length=(20, 29))``;
- ``sample_uniform(1000, length=(31, 50))``;
- ``test_suite``: MLRegTest's four test sets, 1000 words each, short lengths
  20-29 and long lengths 31-50.

With ``--acceptors DIR`` the same calls, and the default ``near_misses(50)``,
run on every AT&T acceptor in DIR instead (MLRegTest's own files).

Target: every call under 2 s and 1 GB. Run from the repository root::

    python bench/scale_generators.py                 # the full table (markdown)
    python bench/scale_generators.py --sizes 20 --symbols 4 --families random
    python bench/scale_generators.py --acceptors ../shared/data/mlregtest
    python bench/scale_generators.py --repeat 3 --numpy   # medians of 3, numpy loops only
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from collections import deque
from collections.abc import Callable, Hashable

CALLS = ("substitute", "insert", "delete", "transpose", "all kinds", "non_members",
         "sample_uniform", "test_suite")
# On real acceptors also the call a new user makes first: near misses of default walks.
ACCEPTOR_CALLS = (*CALLS, "default near_misses(50)")
FAMILIES = ("random", "factor-count", "subsequence", "tier")
LIMIT_S, LIMIT_MB = 2.0, 1024


def symbols(k: int) -> list[str]:
    """k one-character symbols when they fit, tokens ``s0 .. s63`` otherwise."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return list(letters[:k]) if k <= len(letters) else [f"s{i}" for i in range(k)]


def explore(alphabet: list[str], start: Hashable, step: Callable, accepting: Callable, name: str):
    """The grammar whose states are those reachable from `start` under `step`."""
    from grammar import Grammar

    index, queue, edges = {start: 0}, deque([start]), []
    while queue:
        state = queue.popleft()
        for symbol in alphabet:
            target = step(state, symbol)
            if target not in index:
                index[target] = len(index)
                queue.append(target)
            edges.append((index[state], index[target], symbol))
    final = [i for state, i in index.items() if accepting(state)]
    return Grammar.from_edges(edges, start=0, accepting=final, name=name)


def kmp_step(pattern: list[str]) -> Callable[[int, str], int]:
    """Longest prefix of `pattern` that is a suffix of what was read (len(pattern) sticks)."""
    m = len(pattern)

    def step(matched: int, symbol: str) -> int:
        if matched == m:
            return m
        text = pattern[:matched] + [symbol]
        for size in range(min(len(text), m), -1, -1):
            if text[len(text) - size :] == pattern[:size]:
                return size
        return 0

    return step


def build(family: str, n: int, k: int, seed: int = 0):
    import numpy as np

    from grammar import random_grammar

    alphabet = symbols(k)
    rng = np.random.default_rng(seed)
    name = f"{family}-{n}-{k}"
    if family == "random":
        return random_grammar(n, alphabet, seed=seed, accepting=0.5)
    if family == "factor-count":
        factor = list(rng.choice(alphabet, 5))
        p = max(1, n // 6)
        step = kmp_step(factor)
        return explore(alphabet, (0, 0),
                       lambda s, a: (step(s[0], a), (s[1] + (a == alphabet[0])) % p),
                       lambda s: s[0] == 5 and s[1] == 0, name)
    if family == "subsequence":
        pattern = list(rng.choice(alphabet, 6))
        p = max(1, n // 7)

        def step(s, a):
            matched, count = s
            if matched < len(pattern) and a == pattern[matched]:
                matched += 1
            return matched, (count + (a == alphabet[0])) % p

        return explore(alphabet, (0, 0), step,
                       lambda s: s[0] < len(pattern) and s[1] == 0, name)
    tier = alphabet[: max(2, k // 2)]
    factor = list(rng.choice(tier, 5))
    p = max(1, n // 6)
    match = kmp_step(factor)

    def tier_step(s, a):
        if a not in tier:
            return s
        return match(s[0], a), (s[1] + 1) % p

    return explore(alphabet, (0, 0), tier_step,
                   lambda s: s[0] < len(factor) and s[1] == 0, name)


def run_one(family: str, n: int, k: int, label: str) -> dict:
    """Time one call on one grammar; run alone in a fresh subprocess (cold caches).

    `family` ``"att"`` reads the acceptor at path `n` instead of building one.
    """
    import resource
    import time
    import warnings

    from grammar import Grammar
    from grammar.datasets import test_suite
    from grammar.errors import EmptyLanguageError
    from grammar.negatives import KINDS, near_misses, non_members
    from grammar.sampling import sample_uniform

    g = Grammar.from_att(n) if family == "att" else build(family, int(n), k)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    warnings.simplefilter("ignore")  # the long-walk warning is expected on default walks
    if label == "test_suite":
        call = lambda: [w for d in test_suite(g, 1000, train_lengths=(20, 29),  # noqa: E731
                                               long_lengths=(31, 50), seed=0).values()
                        for w in d.words]
    elif label == "default near_misses(50)":
        call = lambda: near_misses(g, 50, seed=0)  # noqa: E731
    elif label in KINDS:
        call = lambda: near_misses(g, 1000, seed=0, length=(20, 29), kinds=[label])  # noqa: E731
    elif label == "all kinds":
        call = lambda: near_misses(g, 1000, seed=0, length=(20, 29))  # noqa: E731
    elif label == "non_members":
        call = lambda: non_members(g, 1000, length=(20, 29), seed=0)  # noqa: E731
    else:
        call = lambda: sample_uniform(g, 1000, length=(31, 50), seed=0)  # noqa: E731
    began = time.perf_counter()
    try:
        got, error = len(call()), None
    except EmptyLanguageError:
        got, error = 0, "none exist"  # a correct answer: e.g. no deletion near misses
    except Exception as exc:  # a failure is a result to report, not a crash
        got, error = 0, f"{type(exc).__name__}: {exc}"[:120]
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"states": g.dfa.n_states, "s": seconds, "mb": peak, "before_mb": before,
            "n": got, "error": error}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 100, 600])
    parser.add_argument("--symbols", type=int, nargs="+", default=[4, 16, 64])
    parser.add_argument("--families", nargs="+", default=list(FAMILIES))
    parser.add_argument("--timeout", type=int, default=600)
    parser.add_argument("--acceptors", metavar="DIR",
                        help="time the calls on every .att acceptor in DIR instead")
    parser.add_argument("--repeat", type=int, default=1,
                        help="time each call this many times (fresh processes); the median")
    parser.add_argument("--numpy", action="store_true",
                        help="turn the compiled loops off (grammar.codes.COMPILED_KERNELS)")
    parser.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        if args.numpy:
            import grammar.codes

            grammar.codes.COMPILED_KERNELS = False
        family, n, k, label = args.one
        print(json.dumps(run_one(family, n, int(k), label)))
        return
    global OPTIONS
    OPTIONS = (["--numpy"] if args.numpy else []), max(args.repeat, 1)
    if args.acceptors:
        from pathlib import Path

        paths = sorted(Path(args.acceptors).glob("*.att"))
        results = [(path.name, measure("att", str(path), 0, ACCEPTOR_CALLS, args.timeout))
                   for path in paths]
        print(acceptor_report(results))
        return
    rows = []
    for n in args.sizes:
        for k in args.symbols:
            for family in args.families:
                rows.append((n, k, family, measure(family, str(n), k, CALLS, args.timeout)))
    print(report(rows))


#: Extra flags for the timed processes, and how many times each call runs (set by main).
OPTIONS: tuple[list[str], int] = ([], 1)


def time_once(family: str, n: str, k: int, label: str, timeout: int) -> dict:
    """One call, alone in a fresh subprocess."""
    command = [sys.executable, __file__, *OPTIONS[0], "--one", family, n, str(k), label]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                              check=False)
        return json.loads(done.stdout.strip().splitlines()[-1])
    except subprocess.TimeoutExpired:
        return {"s": float(timeout), "mb": 0, "error": "timed out"}
    except (IndexError, json.JSONDecodeError):
        return {"s": 0.0, "mb": 0, "error": done.stderr.strip()[-120:]}


def measure(family: str, n: str, k: int, calls: tuple[str, ...], timeout: int) -> dict:
    """Every call of `calls` on one grammar, each in fresh subprocesses: the median time of
    the repetitions, and the largest memory."""
    result: dict = {"calls": {}}
    for label in calls:
        runs = [time_once(family, n, k, label, timeout) for _ in range(OPTIONS[1])]
        one = dict(runs[0], s=statistics.median(r["s"] for r in runs),
                   mb=max(r["mb"] for r in runs))
        result["states"] = one.get("states", result.get("states", "?"))
        result["calls"][label] = one
    print(f"{family:>12} {n}/{result['states']} states x {k:>2} symbols: "
          + ", ".join(f"{c} {v['s']:.2f}s/{v['mb']:.0f}MB"
                      + (f" [{v['error']}]" if v["error"] else "")
                      for c, v in result["calls"].items()),
          file=sys.stderr, flush=True)
    return result


def acceptor_report(results: list) -> str:
    """Markdown: one row per acceptor and call."""
    lines = ["| acceptor | DFA states | call | words | s | RSS MB | over target |",
             "|---|---|---|---|---|---|---|"]
    for name, result in results:
        for call, v in result["calls"].items():
            over = v["s"] > LIMIT_S or v["mb"] > LIMIT_MB or v["error"] not in (None,
                                                                                "none exist")
            words = v.get("n", 0) if v["error"] is None else v["error"]
            lines.append(f"| {name} | {result['states']} | {call} | {words} | {v['s']:.2f} | "
                         f"{v['mb']:.0f} | {'yes' if over else '-'} |")
    return "\n".join(lines)


def report(rows: list) -> str:
    """Markdown: median and worst time and memory per size class and call."""
    lines = ["| states | symbols | call | median s | worst s | median RSS MB | worst RSS MB | "
             "worst grammar | over target |",
             "|---|---|---|---|---|---|---|---|---|"]
    classes: dict = {}
    for n, k, family, result in rows:
        for call, v in result["calls"].items():
            classes.setdefault((n, k, call), []).append((family, v))
    for (n, k, call), entries in sorted(classes.items(), key=lambda e: (e[0][0], e[0][1],
                                                                      CALLS.index(e[0][2]))):
        seconds = [v["s"] for _, v in entries]
        memory = [v["mb"] for _, v in entries]
        worst = max(entries, key=lambda e: e[1]["s"])
        over = [f for f, v in entries if v["s"] > LIMIT_S or v["mb"] > LIMIT_MB
                or v["error"] not in (None, "none exist")]
        lines.append(f"| {n} | {k} | {call} | {statistics.median(seconds):.2f} | "
                     f"{max(seconds):.2f} | {statistics.median(memory):.0f} | "
                     f"{max(memory):.0f} | {worst[0]} | {', '.join(over) or '-'} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
