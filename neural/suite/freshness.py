"""Whether a suite's run was made with the grammar its spec gives now.

A spec names grammar files, and a file can change between two runs of
``neural suite`` while the spec's text (and so its fingerprint) stays the
same. Each run therefore records the grammar it used: its row holds the
grammar's fingerprint (``grammar_fingerprint``, :attr:`grammar.Grammar.fingerprint`)
beside ``alphabet_size``, and its directory holds ``grammar.json``, written
before training. A rerun compares them with the grammar the spec gives now:
a run made with another language or another alphabet is not finished: the
runner says so, clears the run's directory and runs it again. A file
rewritten without changing its language or alphabet (a comment, another
order of edges) keeps its rows.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from grammar import library
>>> with tempfile.TemporaryDirectory() as d:
...     row = Path(d) / "row.json"
...     _ = row.write_text('{"grammar_fingerprint": "%s", "alphabet_size": 2, "dfa_states": 2}'
...                        % library.parity().fingerprint)
...     same = grammar_change(library.parity(), row, Path(d) / "grammar.json")
...     other = grammar_change(library.tomita(3), row, Path(d) / "grammar.json")
>>> same is None, other
(True, 'its minimal DFA had 2 states and has 5 now')
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from grammar import Grammar, GrammarError
from neural.checkpoint import CheckpointError, read_json

__all__ = ["grammar_change", "recorded_row", "clear_run"]

FINGERPRINT = "grammar_fingerprint"


def recorded_row(row_path: Path) -> dict[str, Any] | None:
    """The row at `row_path`, or None when there is none (or it went this moment).

    Raises
    ------
    CheckpointError
        Naming the file when it is corrupt.
    """
    if not row_path.exists():
        return None
    try:
        return read_json(row_path)
    except CheckpointError:
        if not row_path.exists():  # another process cleared the run while we read it
            return None
        raise


def _difference(g: Grammar, fingerprint: Any, alphabet_size: Any, states: Any) -> str | None:
    now = int(g.dfa.n_states)
    if fingerprint != g.fingerprint:
        if isinstance(states, int) and states != now:
            return f"its minimal DFA had {states} states and has {now} now"
        return "its language is another one now"
    if alphabet_size != len(g.alphabet):
        return f"its alphabet had {alphabet_size} symbols and has {len(g.alphabet)} now"
    return None


def grammar_change(g: Grammar, row_path: Path, grammar_path: Path) -> str | None:
    """How `g` differs from the grammar that the run at these paths used, or None.

    The run's row is read when it records the fingerprint, its
    ``grammar.json`` otherwise (an interrupted run, or a row from before
    rows recorded it); a run with neither has not started.

    Raises
    ------
    CheckpointError
        Naming the row when it is corrupt.
    """
    row = recorded_row(row_path)
    if row is not None and FINGERPRINT in row:
        return _difference(g, row[FINGERPRINT], row.get("alphabet_size"), row.get("dfa_states"))
    if not grammar_path.is_file():
        return None
    try:
        used = Grammar.from_json(str(grammar_path))
    except (GrammarError, OSError) as err:
        return f"its {grammar_path.name} cannot be read ({' '.join(str(err).split())})"
    if used.fingerprint == g.fingerprint and tuple(used.alphabet) == tuple(g.alphabet):
        return None
    return _difference(g, used.fingerprint, len(used.alphabet), int(used.dfa.n_states)) or (
        "its alphabet is another one now")


def clear_run(run_dir: Path, row_path: Path) -> None:
    """Remove a run's files, its row (the commit point) first, so that an
    interruption leaves an unfinished run, never a finished one half gone."""
    row_path.unlink(missing_ok=True)
    shutil.rmtree(run_dir, ignore_errors=True)
