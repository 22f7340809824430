"""The grammars of a suite spec: built-in names, grammar files, directories, random families.

The ``[grammars]`` table::

    builtin = ["tomita-1"]                            # grammar.library names
    files = ["my.dot"]                                # grammar files
    directories = ["mlregtest"]                       # every .att file of a directory
    directories = [{path = "dfas", pattern = "*.dot"}]  # or the files a glob pattern picks
    random = [{states = [5, 20], alphabet = [2, 4], count = 10}]

Files and directories are relative to the spec. A directory gives its
files in name order, each labelled with its grammar's name (for an AT&T
file, its name without the suffix), so that a copy of MLRegTest's
``att_format`` directory runs all 1,800 of its languages. A directory that
is missing or matches no file, and a file that cannot be loaded, fail the
spec with the key and the path.

Examples
--------
>>> entries = read_grammars({"builtin": ["parity"], "random": [
...     {"states": 5, "alphabet": [2, 3], "count": 2}]}, KeyChecker("x.toml"), Path("."))
>>> [e.label for e in entries]
['parity', 'random-dfa-5x2-seed0', 'random-dfa-5x2-seed1', 'random-dfa-5x3-seed0', \
'random-dfa-5x3-seed1']
>>> mlregtest = read_grammars({"directories": ["mlregtest"]}, KeyChecker("x.toml"),
...                           Path(__file__).parents[2] / "suites")
>>> len(mlregtest), mlregtest[0].label, len(mlregtest[0].grammar.alphabet)
(47, '04.03.TLT.4.1.9', 4)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grammar import Grammar, GrammarError, library, random_grammar
from grammar.cli_shared import load_grammar
from neural.suite.checks import KeyChecker

__all__ = ["DIRECTORY_PATTERN", "GrammarEntry", "read_grammars"]

_RANDOM_KEYS = ("states", "alphabet", "count", "seed", "kind", "accepting")
_DIRECTORY_KEYS = ("path", "pattern")
#: The files a ``directories`` entry loads unless it names a pattern: AT&T acceptors.
DIRECTORY_PATTERN = "*.att"
_SYMBOLS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class GrammarEntry:
    """One grammar of a suite: its label, the grammar, and where it came from."""

    label: str
    grammar: Grammar = field(repr=False)
    source: str | None = None


def read_grammars(table: Any, fail: KeyChecker, base: Path) -> list[GrammarEntry]:
    fail.type(table, dict, "grammars")
    fail.unknown(table, ("builtin", "files", "directories", "random"), "grammars.")
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
        entries.append(_file_entry(path, key, fail))
    directories = table.get("directories", [])
    fail.type(directories, list, "grammars.directories")
    for k, directory in enumerate(directories):
        entries += _directory(directory, f"grammars.directories[{k}]", fail, base)
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


def _file_entry(path: Path, key: str, fail: KeyChecker) -> GrammarEntry:
    try:
        g = load_grammar(str(path))
    except (GrammarError, ValueError, TypeError, OSError, ImportError) as err:
        fail(key, f"cannot load {str(path)!r}: {' '.join(str(err).split())}")
    return GrammarEntry(g.name or path.stem, g, str(path))


def _directory(entry: Any, key: str, fail: KeyChecker, base: Path) -> list[GrammarEntry]:
    """The grammars of one ``directories`` entry: a path, or a table of path and pattern."""
    if isinstance(entry, str):
        path, pattern = entry, DIRECTORY_PATTERN
    else:
        fail.type(entry, dict, key)
        fail.unknown(entry, _DIRECTORY_KEYS, f"{key}.")
        if "path" not in entry:
            fail(f"{key}.path", "missing")
        path, pattern = entry["path"], entry.get("pattern", DIRECTORY_PATTERN)
        fail.type(path, str, f"{key}.path")
        fail.type(pattern, str, f"{key}.pattern")
        if not pattern:
            fail(f"{key}.pattern", "must not be empty")
    folder = (base / path).resolve()
    if not folder.is_dir():
        fail(key, f"no such directory {str(folder)!r}")
    try:
        files = sorted(p for p in folder.glob(pattern) if p.is_file())
    except (ValueError, NotImplementedError) as err:  # an absolute or malformed pattern
        fail(f"{key}.pattern", f"{pattern!r} is not a pattern inside the directory: {err}")
    if not files:
        fail(key, f"no file in {str(folder)!r} matches {pattern!r}")
    return [_file_entry(file, key, fail) for file in files]


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
