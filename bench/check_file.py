"""The file check against GNU grep, whole processes, side by side (issue 13, part 4).

``grammar check embedded-reber --file F --count`` against ``grep -cxE`` with
the hand-derived regex of ``reber_oracle``, on files of embedded Reber words
(even lines members, odd lines a member with one letter changed) of each size
asked for. Both commands are timed as whole processes, alternately, so that a
change in the machine's load hits both; every figure is a median over
``--repeat`` runs after one warm-up. hyperfine is not needed.

Wall time is the target's measure; CPU time (user + system, all threads, from
``getrusage``) is shown beside it, since on a loaded machine wall time is
mostly waiting for a core. Three runs of ``grammar`` are shown:

- warm: the byte table is in the cache (the usual case from the second run on);
- cold: an empty cache folder each time, so the grammar is built and cached;
- ``python -c pass``: the interpreter's own start-up, a floor for any Python tool;
- the warm run and the floor again under ``python -S`` (no site, so no ``.pth``
  hooks such as an editable install's finder), to show what start-up costs
  where site-packages holds such hooks.

The counts of both tools are checked to agree (and to match the generator's
own count of members) before timing. Files are generated once, streamed, and
kept (default folder /tmp).

Run from the repository root::

    python bench/check_file.py                          # 1,000,000 and 10,000,000 lines
    python bench/check_file.py --lines 100000 --repeat 3 # a quick look
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reber_oracle import EMBEDDED_REBER_RE, REBER_TRANSITIONS

from grammar.atomic import atomic_writer

__all__ = ["main", "write_words"]

# grep -E has no (?:...) groups.
EMBEDDED_REBER_ERE = EMBEDDED_REBER_RE.replace("(?:", "(")
_LETTERS = "BEPSTVX"
_BATCH = 100_000


def _walk(rng: random.Random) -> str:
    symbols, state = [], 0
    while state is not None:
        symbol, state = rng.choice(REBER_TRANSITIONS[state])
        symbols.append(symbol)
    return "".join(symbols)


def write_words(path: Path, n: int, seed: int = 0) -> int:
    """Write `n` lines to `path`, streamed; return how many are members (by re.fullmatch).

    Even lines are embedded Reber walks, odd lines a walk with one letter
    changed (which may by chance still be a member; the regex decides).
    """
    rng = random.Random(seed)
    pattern = re.compile(EMBEDDED_REBER_RE)
    members = 0
    with atomic_writer(path) as out:
        for begin in range(0, n, _BATCH):
            lines = []
            for i in range(begin, min(n, begin + _BATCH)):
                wrap = rng.choice("TP")
                word = f"B{wrap}{_walk(rng)}{wrap}E"
                if i % 2:
                    k = rng.randrange(len(word))
                    word = word[:k] + rng.choice(_LETTERS.replace(word[k], "")) + word[k + 1 :]
                members += pattern.fullmatch(word) is not None
                lines.append(word)
            out.write(("\n".join(lines) + "\n").encode("ascii"))
    return members


def _words_file(folder: Path, n: int) -> tuple[Path, int]:
    """The file of `n` lines in `folder`, generated once; and its number of members."""
    path = folder / f"embedded_reber_{n}.txt"
    counted = path.with_name(path.name + ".members")
    if not (path.exists() and counted.exists()):
        counted.write_text(str(write_words(path, n)))
    return path, int(counted.read_text())


def _time(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system, all threads) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False, env=env)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _grammar_command() -> list[str]:
    """The installed `grammar` script next to this interpreter (no pyenv shim), else -m."""
    script = Path(sys.executable).with_name("grammar")
    return [str(script)] if script.exists() else [sys.executable, "-m", "grammar"]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def bench_size(path: Path, members: int, lines: int, repeat: int, cache: Path) -> list[str]:
    """Rows for one file: grep, warm and cold grammar, python start-up."""
    check = [*_grammar_command(), "check", "embedded-reber", "--file", str(path), "--count"]
    grep = ["grep", "-cxE", EMBEDDED_REBER_ERE, str(path)]
    env = {**os.environ, "GRAMMARLAB_CACHE_DIR": str(cache / "warm")}
    reported = subprocess.run([*check, "--json"], capture_output=True, text=True, env=env)
    bare_check = [sys.executable, "-S", "-m", "grammar", *check[check.index("check") :], "--json"]
    root = str(Path(__file__).resolve().parents[1])
    bare_reported = subprocess.run(
        bare_check, capture_output=True, text=True, env={**env, "PYTHONPATH": root}
    )
    assert bare_reported.stdout == reported.stdout, (bare_reported, reported)
    grep_count = int(subprocess.run(grep, capture_output=True, text=True).stdout)
    assert grep_count == members, (grep_count, members)
    assert f'"accepted": {members}, "rejected": {lines - members}' in reported.stdout, reported

    def cold_env() -> dict[str, str]:
        shutil.rmtree(cache / "cold", ignore_errors=True)
        return {**os.environ, "GRAMMARLAB_CACHE_DIR": str(cache / "cold")}

    runs: dict[str, list[tuple[float, float]]] = {
        "grep": [], "warm": [], "bare": [], "cold": [], "python": [], "python_bare": []
    }  # fmt: skip
    python = [sys.executable, "-c", "pass"]
    # -S skips site and its .pth files (an editable install's finder, a CA bundle hook);
    # the cached path needs nothing but the standard library and the package itself.
    root = str(Path(__file__).resolve().parents[1])
    bare_env = {**env, "PYTHONPATH": root}
    bare = [sys.executable, "-S", "-m", "grammar", *check[check.index("check") :]]
    for i in range(repeat + 1):  # the first round warms the page cache and is dropped
        times = {
            "grep": _time(grep, env),
            "warm": _time(check, env),
            "bare": _time(bare, bare_env),
            "cold": _time(check, cold_env()),
            "python": _time(python, env),
            "python_bare": _time([sys.executable, "-S", "-c", "pass"], env),
        }
        if i:
            for name, seconds in times.items():
                runs[name].append(seconds)
    wall = {name: statistics.median(w for w, _ in times) for name, times in runs.items()}
    cpu = {name: statistics.median(c for _, c in times) for name, times in runs.items()}
    size = f"{lines:,} lines ({path.stat().st_size / 1e6:.0f} MB)"
    labels = {
        "grep": "`grep -cxE`",
        "warm": "`grammar check --count`, cached table",
        "bare": "same, `python -S -m grammar` (no site .pth files)",
        "cold": "`grammar check --count`, empty cache",
        "python": "`python -c pass` (start-up floor)",
        "python_bare": "`python -S -c pass`",
    }
    rows = []
    for name, label in labels.items():
        ratio = f"{wall['grep'] / wall[name]:.2f}x"
        ratio = f"**{ratio}**" if name == "warm" else ratio
        rows.append(
            f"| {size} | {label} | {_ms(wall[name])} | {ratio} "
            f"| {_ms(cpu[name])} | {cpu['grep'] / cpu[name]:.2f}x |"
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per figure")
    parser.add_argument("--folder", type=Path, default=Path("/tmp"), help="where files are kept")
    args = parser.parse_args(argv)
    if shutil.which("grep") is None:
        print("grep not found")
        return 1
    rows = []
    with tempfile.TemporaryDirectory() as cache:
        for n in args.lines:
            path, members = _words_file(args.folder, n)
            rows += bench_size(path, members, n, args.repeat, Path(cache))
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    grep_version = subprocess.run(["grep", "--version"], capture_output=True, text=True)
    print(f"Command: {shlex.join(['python', 'bench/check_file.py', *sys.argv[1:]])}")
    print(f"{os.cpu_count()} CPUs, load average after the run: {load}; "
          f"{grep_version.stdout.splitlines()[0]}; Python {sys.version.split()[0]}")
    print(f"Medians of {args.repeat} alternating runs after one warm-up round.\n")
    print("| file | command | wall | grep / command | CPU (user+sys) | grep / command |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))
    print("\nCommands (F is the file; the cache folder is set by GRAMMARLAB_CACHE_DIR):")
    print(f"    {shlex.join(['grep', '-cxE', EMBEDDED_REBER_ERE])} F")
    print(f"    {shlex.join([*_grammar_command(), 'check', 'embedded-reber'])} --file F --count")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
