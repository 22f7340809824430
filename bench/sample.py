"""Generators, side by side with their anchors (issue 3, "Performance", items 1-3).

1. ``g.sample(1_000_000)`` on embedded Reber against a textbook recursive
   generator: ``random.choice`` over the transitions, one string at a time.
2. ``g.near_misses(1_000_000)`` on embedded Reber: strings per second.
3. ``members(embedded_reber())`` inside ``@given`` with ``max_examples=2000``
   against ``st.from_regex(EMBEDDED_REBER_RE, fullmatch=True)``, with plain
   ``st.text`` over the same letters for scale: examples per second.

Every figure is a median over ``--repeat`` runs after one warm-up. Before
timing, the outputs of both generators are checked against the hand-derived
regex, so the anchors and the package produce the same language.

Run from the repository root, after ``pip install -e .``::

    python bench/sample.py                         # the full run
    python bench/sample.py --n 100000 --repeat 3   # a quick look
    python bench/sample.py --numpy                 # with the compiled loops off
"""

from __future__ import annotations

import argparse
import platform
import random
import re
import shlex
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reber_oracle import EMBEDDED_REBER_RE
from reber_oracle import REBER_TRANSITIONS as _REBER

from grammar import distance, library
from grammar.strategies import members

__all__ = ["textbook_embedded_reber", "main"]


def _reber(state: int | None = 0) -> str:
    """The textbook recursive generator: one random transition, then recurse."""
    if state is None:
        return ""
    symbol, nxt = random.choice(_REBER[state])
    return symbol + _reber(nxt)


def textbook_embedded_reber() -> str:
    """One embedded Reber string, the way the exercise is usually written.

    Examples
    --------
    >>> random.seed(0)
    >>> bool(re.fullmatch(EMBEDDED_REBER_RE, textbook_embedded_reber()))
    True
    """
    wrap = random.choice("TP")
    return "B" + wrap + _reber() + wrap + "E"


def _median_seconds(run: Callable[[], object], repeat: int) -> float:
    run()  # warm-up: caches, lazily built tables
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def _examples_per_second(strategy: st.SearchStrategy, examples: int, repeat: int) -> float:
    """Examples per second of a trivial @given test drawing from `strategy`."""
    calls = [0]

    @settings(max_examples=examples, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(word: str) -> None:
        calls[0] += 1
        assert word

    rates = []
    run()  # warm-up
    for _ in range(repeat):
        calls[0] = 0
        began = time.perf_counter()
        run()
        rates.append(calls[0] / (time.perf_counter() - began))
    return statistics.median(rates)


def _rate(n: float, seconds: float) -> str:
    per_second = n / seconds
    if per_second >= 1e6:
        return f"{per_second / 1e6:.2f}M/s"
    if per_second >= 1e3:
        return f"{per_second / 1e3:.0f}k/s"
    return f"{per_second:.0f}/s"


def bench_sample(n: int, repeat: int) -> list[str]:
    """Item 1: vectorised walks against the textbook recursive generator."""
    g = library.embedded_reber()
    pattern = re.compile(EMBEDDED_REBER_RE)
    random.seed(0)
    check = [textbook_embedded_reber() for _ in range(1000)] + g.sample(1000, seed=0)
    assert all(pattern.fullmatch(w) for w in check), "the generators disagree with the regex"
    ours = _median_seconds(lambda: g.sample(n, seed=1), repeat)
    theirs = _median_seconds(lambda: [textbook_embedded_reber() for _ in range(n)], repeat)
    return [
        f"| `g.sample({n:,})`, embedded Reber | {ours:.3f} s ({_rate(n, ours)}) | "
        f"textbook recursive generator: {theirs:.2f} s ({_rate(n, theirs)}) | "
        f"{theirs / ours:.1f}x | >= 20x |"
    ]


def bench_near_misses(n: int, repeat: int) -> list[str]:
    """Item 2: near misses per second."""
    g = library.embedded_reber()
    check = g.near_misses(2000, seed=0)
    assert not g.accepts_many(check.words).any(), "a near miss was accepted"
    assert set(distance(g, w) for w in check.words[:200]) == {1}
    ours = _median_seconds(lambda: g.near_misses(n, seed=1), repeat)
    long_range = _median_seconds(lambda: g.near_misses(n, seed=1, long_range=0.5), repeat)
    return [
        f"| `g.near_misses({n:,})`, embedded Reber | {ours:.3f} s ({_rate(n, ours)}) | | | "
        ">= 1M/s |",
        f"| `g.near_misses({n:,}, long_range=0.5)` | {long_range:.3f} s "
        f"({_rate(n, long_range)}) | | | |",
    ]


def bench_strategies(examples: int, repeat: int) -> list[str]:
    """Item 3: examples per second inside @given."""
    g = library.embedded_reber()
    ours = _examples_per_second(members(g), examples, repeat)
    regex = _examples_per_second(st.from_regex(EMBEDDED_REBER_RE, fullmatch=True), examples,
                                 repeat)
    text = _examples_per_second(st.text("BEPSTVX", min_size=1), examples, repeat)
    return [
        f"| `members(embedded_reber())`, @given max_examples={examples} | {ours:.0f} examples/s "
        f"| `st.from_regex(..., fullmatch=True)`: {regex:.0f} examples/s | "
        f"{ours / regex:.1f}x | >= 4x |",
        f"| | | `st.text(\"BEPSTVX\")` (not members): {text:.0f} examples/s | "
        f"{ours / text:.1f}x | |",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="strings for items 1 and 2")
    parser.add_argument("--examples", type=int, default=2000, help="max_examples for item 3")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per figure")
    parser.add_argument("--numpy", action="store_true",
                        help="turn the compiled loops off (grammar.codes.COMPILED_KERNELS)")
    args = parser.parse_args(argv)
    if args.numpy:
        import grammar.codes

        grammar.codes.COMPILED_KERNELS = False
    command = "python bench/sample.py " + " ".join(
        shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv)
    )
    rows = [
        "| Benchmark | grammarlab | Anchor | Ratio | Target |",
        "|---|---|---|---|---|",
        *bench_sample(args.n, args.repeat),
        *bench_near_misses(args.n, args.repeat),
        *bench_strategies(args.examples, args.repeat),
    ]
    print(f"Command: `{command.strip()}`")
    print(f"Machine: {platform.machine()}, Python {platform.python_version()}, "
          f"numpy {np.__version__}; medians of {args.repeat} runs after a warm-up.")
    print()
    print("\n".join(rows))


if __name__ == "__main__":
    main()
