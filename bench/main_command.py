"""The README's main command as a whole, idle and with one core busy.

``neural train embedded-reber --out DIR`` trains the verifier and prints its
comparison with the automaton: the README's main command without
``--until proved``, whose rounds of proof take the time their budget gives
them (``bench/certify.py`` measures those). Its own first line says how long the training
epochs took ("... 3.8 s on cpu"); the rest of the command is start-up (Python,
torch), the data, the comparison sets and the predictions on them. Target: the
whole command at most 2.5 times its own training time, with one core busy.

Each run is a fresh process, timed from the outside (wall clock). "busy" runs
while a separate process spins on one core, as on a shared machine.
``--baseline DIR`` runs the same command from another checkout (its packages
put first on ``PYTHONPATH``) in the same session, interleaved with this one, so
that the two are measured under the same load. Run from the repository root::

    python bench/main_command.py --repeat 5
    python bench/main_command.py --repeat 3 --baseline /path/to/old/checkout
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence

__all__ = ["TRAINED", "run_once", "main"]

#: The training time in the command's first line.
TRAINED = re.compile(r"samples, ([0-9.]+) s on ")


def run_once(checkout: str | None, timeout: float) -> tuple[float, float]:
    """(wall seconds, training seconds) of one run of the main command, in a fresh process."""
    env = dict(os.environ)
    if checkout:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [checkout, env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "neural", "train", "embedded-reber", "--out", out]
        started = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True,
                              timeout=timeout, check=True)
        wall = time.perf_counter() - started
    found = TRAINED.search(done.stdout)
    if found is None:
        raise RuntimeError(f"no training time in the output: {done.stdout[:200]!r}")
    return wall, float(found.group(1))


def measure(sides: dict[str, str | None], repeat: int, timeout: float) -> dict:
    """Runs per (side, load), the sides interleaved so that they share the machine's state."""
    runs: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for load in ("idle", "busy"):
        spinner = None
        if load == "busy":
            spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        try:
            for _ in range(repeat):
                for name, checkout in sides.items():
                    runs.setdefault((name, load), []).append(run_once(checkout, timeout))
        finally:
            if spinner is not None:
                spinner.kill()
                spinner.wait()
    return runs


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--baseline", metavar="DIR", help="another checkout, run side by side")
    args = parser.parse_args(argv)
    sides: dict[str, str | None] = {"this checkout": None}
    if args.baseline:
        sides["baseline"] = os.path.abspath(args.baseline)
    runs = measure(sides, args.repeat, args.timeout)
    shown = " ".join(["python bench/main_command.py", *(argv or sys.argv[1:])])
    print(f"`{shown}`")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}\n")
    print("| code | machine | whole command | training | other | whole / training | runs (s) |")
    print("|---|---|---|---|---|---|---|")
    for (name, load), values in runs.items():
        wall = statistics.median(w for w, _ in values)
        trained = statistics.median(t for _, t in values)
        ratio = statistics.median(w / t for w, t in values)
        listed = ", ".join(f"{w:.1f}/{t:.1f}" for w, t in values)
        print(f"| {name} | {load} | {wall:.1f} s | {trained:.1f} s | {wall - trained:.1f} s "
              f"| {ratio:.2f}x | {listed} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
