"""Exact acceptance, side by side with its anchors (issue 2, "Performance", items 1-4).

1. ``Grammar.accepts_many`` on a Python list of 1,000,000 embedded Reber words
   (half random walks, half one-character substitutions) against a precompiled
   ``re.fullmatch`` list comprehension over a hand-derived regex.
2. ``grammar check embedded-reber --file F --count`` against ``grep -cxE`` on
   the same words, both timed as whole processes.
3. One ``grammar check reber BTSSXSE`` call, wall time.
4. Minimising a random complete DFA (20,000 states, 16 symbols) against
   automata-lib's ``DFA.minify()``, and the whole ``Grammar(G)`` from the
   networkx graph.

Every figure is a median over ``--repeat`` runs after one warm-up. The words are
drawn by a small generator written here, independent of the package, and the
regex and the grammar are checked to agree on every one of them before timing.

Run from the repository root, after ``pip install -e ".[bench]"``::

    python bench/accept.py                      # the full run
    python bench/accept.py --words 100000 --repeat 3 --states 2000   # a quick look
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from reber_oracle import EMBEDDED_REBER_RE
from reber_oracle import REBER_TRANSITIONS as _REBER

from grammar import Grammar, bulk, library
from grammar.automaton import determinize
from grammar.graph import validate_declaration
from grammar.minimize import minimize
from grammar.random_grammars import random_graph

__all__ = ["embedded_reber_words", "main"]

# grep -E has no (?:...) groups.
EMBEDDED_REBER_ERE = EMBEDDED_REBER_RE.replace("(?:", "(")
_LETTERS = "BEPSTVX"
MINIFY_SYMBOLS = "abcdefghijklmnop"


def _reber_walk(rng: random.Random) -> str:
    symbols, state = [], 0
    while state is not None:
        symbol, state = rng.choice(_REBER[state])
        symbols.append(symbol)
    return "".join(symbols)


def embedded_reber_words(n: int, seed: int = 0) -> list[str]:
    """`n` words: even indices are embedded Reber walks, odd ones a walk with one letter changed.

    Examples
    --------
    >>> words = embedded_reber_words(4, seed=1)
    >>> [bool(re.fullmatch(EMBEDDED_REBER_RE, w)) for w in words[::2]]
    [True, True]
    """
    rng = random.Random(seed)
    words = []
    for i in range(n):
        wrap = rng.choice("TP")
        word = f"B{wrap}{_reber_walk(rng)}{wrap}E"
        if i % 2:
            k = rng.randrange(len(word))
            word = word[:k] + rng.choice(_LETTERS.replace(word[k], "")) + word[k + 1 :]
        words.append(word)
    return words


def _median_seconds(run: Callable[[], object], repeat: int) -> float:
    run()  # warm-up: caches, page cache, lazily built tables
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def _process(command: Sequence[str]) -> Callable[[], subprocess.CompletedProcess]:
    # check is off: `grammar check` exits 1 when some word is rejected, by design.
    return lambda: subprocess.run(command, capture_output=True, text=True, check=False)


def _grammar_command() -> list[str]:
    """The installed `grammar` script next to this interpreter (no pyenv shim), else -m."""
    script = Path(sys.executable).with_name("grammar")
    return [str(script)] if script.exists() else [sys.executable, "-m", "grammar"]


def _seconds(t: float) -> str:
    return f"{t * 1000:.1f} ms" if t < 1 else f"{t:.2f} s"


def _row(name: str, ours: float, anchor_name: str, anchor: float | None, target: str) -> str:
    if anchor is None:
        return f"| {name} | {_seconds(ours)} | {anchor_name} | | {target} |"
    return (
        f"| {name} | {_seconds(ours)} | {anchor_name}: {_seconds(anchor)} | "
        f"{anchor / ours:.{1 if anchor >= ours else 2}f}x | {target} |"
    )


def bench_lists(words: list[str], repeat: int) -> list[str]:
    """Item 1: accepts_many on a list against re.fullmatch."""
    g = library.embedded_reber()
    pattern = re.compile(EMBEDDED_REBER_RE)
    want = np.array([pattern.fullmatch(w) is not None for w in words])
    assert (g.accepts_many(words) == want).all(), "grammar and regex disagree"
    assert (bulk.accepts_many(g, words, engine="numpy") == want).all()
    regex = _median_seconds(lambda: [pattern.fullmatch(w) is not None for w in words], repeat)
    rows = []
    engine = "compiled" if bulk.HAVE_EXTENSION else "numpy"
    ours = _median_seconds(lambda: g.accepts_many(words), repeat)
    rows.append(
        _row(
            f"1. `accepts_many`, list of {len(words):,} ({engine})",
            ours,
            "`re.fullmatch` list comp.",
            regex,
            ">= 5x",
        )
    )
    if bulk.HAVE_EXTENSION:
        fallback = _median_seconds(lambda: bulk.accepts_many(g, words, engine="numpy"), repeat)
        rows.append(
            _row(
                "1b. same, numpy fallback (no C extension)",
                fallback,
                "`re.fullmatch` list comp.",
                regex,
                "(fallback)",
            )
        )
    data = "".join(w + "\n" for w in words).encode()
    lines = _median_seconds(lambda: g.accepts_many(data), repeat)
    rows.append(
        _row(
            "1c. `accepts_many`, the same words as bytes",
            lines,
            "`re.fullmatch` list comp.",
            regex,
            "(information)",
        )
    )
    return rows


def bench_processes(words: list[str], repeat: int, folder: Path) -> tuple[list[str], list[str]]:
    """Items 2 and 3: whole processes, `grammar check` against grep."""
    path = folder / "embedded_reber_words.txt"
    path.write_text("".join(w + "\n" for w in words))
    grammar = _grammar_command()
    count = [*grammar, "check", "embedded-reber", "--file", str(path), "--count"]
    grep = ["grep", "-cxE", EMBEDDED_REBER_ERE, str(path)]
    single = [*grammar, "check", "reber", "BTSSXSE"]
    rows, commands = [], [shlex.join(count), shlex.join(grep), shlex.join(single)]
    if shutil.which("grep") is None:
        return ["| 2. skipped: grep not found | | | | >= 2x |"], commands
    reported = _process([*count, "--json"])()
    if reported.returncode not in (0, 1):
        return [f"| 2. skipped: `grammar check` failed: {reported.stderr.strip()} | | | | |"], (
            commands
        )
    grep_count = int(_process(grep)().stdout)
    assert f'"accepted": {grep_count}' in reported.stdout, (reported.stdout, grep_count)
    ours = _median_seconds(_process(count), repeat)
    theirs = _median_seconds(_process(grep), repeat)
    rows.append(
        _row(
            f"2. `grammar check --file --count`, {len(words):,} words",
            ours,
            "`grep -cxE`",
            theirs,
            ">= 2x",
        )
    )
    g = library.embedded_reber()
    assert bulk.count_file(g, path) == (grep_count, len(words))
    in_process = _median_seconds(lambda: bulk.count_file(g, path), repeat)
    rows.append(
        _row(
            "2a. of which `bulk.count_file` in process",
            in_process,
            "`grep -cxE`",
            theirs,
            "(information)",
        )
    )
    startup = _median_seconds(_process([sys.executable, "-c", "import grammar"]), repeat)
    rows.append(
        _row("2b. of which `python -c 'import grammar'`", startup, "", None, "(information)")
    )
    one = _median_seconds(_process(single), repeat)
    rows.append(_row("3. `grammar check reber BTSSXSE`", one, "", None, "< 0.5 s"))
    return rows, commands


def bench_minimisation(n_states: int, repeat: int) -> list[str]:
    """Item 4: minimisation against automata-lib, and the whole Grammar(G)."""
    G = random_graph(n_states, MINIFY_SYMBOLS, seed=0, kind="dfa", complete=True)
    declaration = validate_declaration(G)
    table, accepting = determinize(declaration, declaration.symbols)
    ours = _median_seconds(lambda: minimize(table, accepting, 0), repeat)
    whole = _median_seconds(lambda: Grammar(G), repeat)
    size = minimize(table, accepting, 0)[0].shape[0]
    rows = []
    try:
        from automata.fa.dfa import DFA as AutomataDFA
    except ImportError:
        rows.append(
            _row(
                f"4. minimise {n_states:,} x 16 DFA",
                ours,
                "automata-lib not installed (pip install -e '.[bench]')",
                None,
                ">= 10x",
            )
        )
    else:
        symbols = declaration.symbols
        theirs_dfa = AutomataDFA(
            states=set(range(len(table))),
            input_symbols=set(symbols),
            transitions={
                s: dict(zip(symbols, row, strict=True)) for s, row in enumerate(table.tolist())
            },
            initial_state=0,
            final_states={int(s) for s in np.flatnonzero(accepting)},
        )
        assert len(theirs_dfa.minify().states) == size, "the minimal DFAs differ in size"
        theirs = _median_seconds(theirs_dfa.minify, repeat)
        rows.append(
            _row(
                f"4. minimise a random complete DFA, {n_states:,} x 16",
                ours,
                "automata-lib `DFA.minify()`",
                theirs,
                ">= 10x",
            )
        )
    rows.append(
        _row(f"4b. whole `Grammar(G)` from networkx, {n_states:,} x 16", whole, "", None, "< 10 s")
    )
    return rows


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = found.group(1).strip() if found else ""
    return (
        f"{model or cpu}, {os.cpu_count()} CPUs; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, numpy {np.__version__}; "
        f"C extension {'built' if bulk.HAVE_EXTENSION else 'missing (numpy fallback)'}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print a markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=1_000_000, help="words for items 1-2")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per figure")
    parser.add_argument("--states", type=int, default=20_000, help="DFA states for item 4")
    parser.add_argument("--seed", type=int, default=0, help="seed of the word generator")
    args = parser.parse_args(argv)

    words = embedded_reber_words(args.words, seed=args.seed)
    rows = bench_lists(words, args.repeat)
    with tempfile.TemporaryDirectory() as folder:
        process_rows, commands = bench_processes(words, args.repeat, Path(folder))
    rows += process_rows
    rows += bench_minimisation(args.states, args.repeat)

    print(f"Machine: {_machine()}")
    print(f"Command: {shlex.join(['python', 'bench/accept.py', *sys.argv[1:]])}")
    print(f"Medians of {args.repeat} runs after one warm-up.\n")
    print("| benchmark | grammarlab | anchor | anchor / grammarlab | target |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))
    print("\nProcesses timed (the file lives in a temporary folder):")
    print("\n".join(f"    {c}" for c in commands))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
