"""``grammar.datasets.test_suite`` on every built-in grammar, side by side with another checkout.

The comparison sets of ``neural train`` and ``neural eval`` (MLRegTest's four
test sets, 2,000 words each at the README's default lengths) are drawn by
this call. Each side runs in its own process on one thread (the other
checkout's packages put first on ``PYTHONPATH``); every figure is the median
of ``--repeat`` calls with seeds 0, 1, ..., in CPU seconds of the process
(``time.process_time``: one thread, so it is the call's own work, whatever else
the machine runs). Run from the repository root::

    python bench/test_suites.py --repeat 3 --baseline /path/to/old/checkout
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence

__all__ = ["main"]

#: Run in the measured process: medians per grammar, as JSON.
PROBE = """
import json, statistics, sys, time
from grammar import datasets, library
repeat, n = int(sys.argv[1]), int(sys.argv[2])
out = {}
for name in library.names():
    g = library.get(name)
    times = []
    for seed in range(repeat):
        started = time.process_time()
        datasets.test_suite(g, n, seed=seed)
        times.append(time.process_time() - started)
    out[name] = statistics.median(times)
print(json.dumps(out))
"""


def timings(checkout: str | None, repeat: int, n: int) -> dict[str, float]:
    """Median seconds per built-in grammar, measured by a fresh process on `checkout`."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    if checkout:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [checkout, env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-c", PROBE, str(repeat), str(n)], env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("-n", type=int, default=2000, help="words per set (default 2000)")
    parser.add_argument("--baseline", metavar="DIR", required=True)
    args = parser.parse_args(argv)
    ours = timings(None, args.repeat, args.n)
    theirs = timings(os.path.abspath(args.baseline), args.repeat, args.n)
    shown = " ".join(["python bench/test_suites.py", *(argv or sys.argv[1:])])
    print(f"`{shown}`; load average at the end: {os.getloadavg()[0]:.1f}\n")
    print("| grammar | this checkout (CPU) | baseline (CPU) | baseline / this |")
    print("|---|---|---|---|")
    for name, seconds in ours.items():
        base = theirs.get(name)
        ratio = f"{base / seconds:.2f}x" if base else "-"
        print(f"| {name} | {seconds:.2f} s | {base:.2f} s | {ratio} |" if base
              else f"| {name} | {seconds:.2f} s | - | - |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
