"""The grammars of a suite spec: built-in names, grammar files, random families.

Examples
--------
>>> entries = read_grammars({"builtin": ["parity"], "random": [
...     {"states": 5, "alphabet": [2, 3], "count": 2}]}, KeyChecker("x.toml"), Path("."))
>>> [e.label for e in entries]
['parity', 'random-dfa-5x2-seed0', 'random-dfa-5x2-seed1', 'random-dfa-5x3-seed0', \
'random-dfa-5x3-seed1']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grammar import Grammar, GrammarError, library, random_grammar
from grammar.cli_shared import load_grammar
from neural.suite.checks import KeyChecker

__all__ = ["GrammarEntry", "read_grammars"]

_RANDOM_KEYS = ("states", "alphabet", "count", "seed", "kind", "accepting")
_SYMBOLS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class GrammarEntry:
    """One grammar of a suite: its label, the grammar, and where it came from."""

    label: str
    grammar: Grammar = field(repr=False)
    source: str | None = None


def read_grammars(table: Any, fail: KeyChecker, base: Path) -> list[GrammarEntry]:
    fail.type(table, dict, "grammars")
    fail.unknown(table, ("builtin", "files", "random"), "grammars.")
    entries: list[GrammarEntry] = []
    names = table.get("builtin", [])
    fail.type(names, list, "grammars.builtin")
    for k, name in enumerate(names):
        key = f"grammars.builtin[{k}]"
        fail.type(name, str, key)
        try:
            entries.append(GrammarEntry(name, library.get(name)))
        except GrammarError as err:
            fail(key, str(err))
    files = table.get("files", [])
    fail.type(files, list, "grammars.files")
    for k, file in enumerate(files):
        key = f"grammars.files[{k}]"
        fail.type(file, str, key)
        path = (base / file).resolve()
        if not path.is_file():
            fail(key, f"no such file {str(path)!r}")
        try:
            g = load_grammar(str(path))
        except (GrammarError, ValueError, TypeError, OSError, ImportError) as err:
            fail(key, f"cannot load {str(path)!r}: {' '.join(str(err).split())}")
        entries.append(GrammarEntry(g.name or path.stem, g, str(path)))
    families = table.get("random", [])
    fail.type(families, list, "grammars.random")
    for k, family in enumerate(families):
        entries += _random_family(family, f"grammars.random[{k}]", fail)
    if not entries:
        fail("grammars", "lists no grammar")
    labels = [e.label for e in entries]
    for label in labels:
        if labels.count(label) > 1:
            fail("grammars", f"lists {label!r} twice")
    return entries


def _int_list(value: Any, key: str, fail: KeyChecker, low: int) -> list[int]:
    values = value if isinstance(value, list) else [value]
    if not values:
        fail(key, "must not be empty")
    return [fail.integer(v, f"{key}[{i}]" if isinstance(value, list) else key, low=low)
            for i, v in enumerate(values)]


def _random_family(family: Any, key: str, fail: KeyChecker) -> list[GrammarEntry]:
    fail.type(family, dict, key)
    fail.unknown(family, _RANDOM_KEYS, f"{key}.")
    for needed in ("states", "alphabet"):
        if needed not in family:
            fail(f"{key}.{needed}", "missing")
    states = _int_list(family["states"], f"{key}.states", fail, 1)
    sizes = _int_list(family["alphabet"], f"{key}.alphabet", fail, 1)
    count = fail.integer(family.get("count", 1), f"{key}.count", low=1)
    seed = fail.integer(family.get("seed", 0), f"{key}.seed", low=0)
    kind = family.get("kind", "dfa")
    if kind not in ("dfa", "nfa"):
        fail(f"{key}.kind", f"must be 'dfa' or 'nfa', not {kind!r}")
    accepting = family.get("accepting", 0.3)
    if (isinstance(accepting, bool) or not isinstance(accepting, (int, float))
            or not 0 < accepting <= 1):
        fail(f"{key}.accepting", f"must be a fraction in (0, 1], not {accepting!r}")
    entries = []
    for n in states:
        for size in sizes:
            symbols = (_SYMBOLS[:size] if size <= len(_SYMBOLS)
                       else [f"s{i}" for i in range(size)])
            for i in range(count):
                g = random_grammar(n, symbols, seed=seed + i, kind=kind, accepting=accepting)
                entries.append(GrammarEntry(f"random-{kind}-{n}x{size}-seed{seed + i}", g))
    return entries
