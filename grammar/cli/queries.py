"""The ``grammar`` commands that ask the exact automaton: list, show, check, count, equiv.

Each command takes the parsed arguments and returns its exit status; see
:mod:`grammar.cli` for the command line they make up.

Examples
--------
>>> import argparse
>>> cmd_count(argparse.Namespace(grammar="tomita-2", length=(4, 4), json=False))
1
0
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from grammar.cli_shared import (
    OK,
    digits,
    emit,
    emit_json,
    load_grammar,
    show_word,
)

if TYPE_CHECKING:
    from grammar.core import Grammar

__all__ = ["REJECTED", "cmd_check", "cmd_count", "cmd_equiv", "cmd_list", "cmd_show"]

#: Exit status when ``check`` rejects a word or ``equiv`` finds the grammars different.
REJECTED = 1
# `show` lists at most this many edges in text form; --format dot/json give them all.
_SHOW_EDGES = 40


def cmd_list(args: argparse.Namespace) -> int:
    """``grammar list``: the built-in grammars and what they are."""
    from grammar import library

    entries = [(name, library.describe(name)) for name in library.names()]
    if args.json:
        emit_json([{"name": name, "description": text} for name, text in entries])
    else:
        width = max(len(name) for name, _ in entries)
        emit(f"{name:<{width}}  {text}" for name, text in entries)
    return OK


def _edge_line(source: Any, target: Any, symbol: str | None, weight: float) -> str:
    label = "ε" if symbol is None else symbol
    extra = f"  (weight {weight:g})" if weight != 1.0 else ""
    return f"  {source} -{label}-> {target}{extra}"


def cmd_show(args: argparse.Namespace) -> int:
    """``grammar show``: a summary, the declaration as DOT or JSON, or the DFA as SVG."""
    if args.json and args.format != "text":
        raise ValueError(f"--json gives a summary; drop it to get --format {args.format}")
    g = load_grammar(args.grammar)
    if args.format == "dot":
        sys.stdout.write(g.to_dot())
        return OK
    if args.format == "json":
        sys.stdout.write(g.to_json())
        return OK
    if args.format == "svg":
        from grammar.display import grammar_svg

        sys.stdout.write(grammar_svg(g) + "\n")
        return OK
    d, dfa = g.declaration, g.dfa
    dead = int(dfa.dead) >= 0
    if args.json:
        emit_json(
            {
                "name": g.name,
                "description": g.description,
                "alphabet": list(g.alphabet),
                "states": len(d.nodes),
                "edges": len(d.edges),
                "dfa_states": dfa.n_states,
                "dfa_dead_state": dead,
                "declaration": json.loads(g.to_json()),
            }
        )
        return OK
    accepting = ", ".join(str(node) for node in d.nodes if node in d.accepting)
    title = g.name or args.grammar
    lines = [f"{title}: {g.description}" if g.description else title]
    lines.append(f"states: {len(d.nodes)} (start {d.start}; accepting {accepting})")
    lines.append(f"edges: {len(d.edges)} over {len(g.alphabet)} symbols: {' '.join(g.alphabet)}")
    lines += [_edge_line(e.source, e.target, e.symbol, e.weight) for e in d.edges[:_SHOW_EDGES]]
    if len(d.edges) > _SHOW_EDGES:
        lines.append(f"  ... {len(d.edges) - _SHOW_EDGES} more (--format dot or json lists all)")
    suffix = ", one of them the dead state" if dead else ", no dead state"
    lines.append(f"minimal DFA: {dfa.n_states} states{suffix}")
    emit(lines)
    return OK


def _read_lines(path: str) -> list[str]:
    """The words of a file ('-' is stdin), by the line rules of :mod:`grammar.bulk`."""
    from grammar.bulk import split_lines

    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(path, "rb") as stream:
            data = stream.read()
    return split_lines(data)  # bytes that are not UTF-8 become lone surrogates, as in argv


def _count_file(g: Grammar, path: str) -> tuple[int, int]:
    from grammar.bulk import count_file

    return count_file(g, sys.stdin.buffer if path == "-" else path)


def _emit_counts(name: str | None, accepted: int, total: int, as_json: bool) -> int:
    rejected = total - accepted
    if as_json:
        emit_json({"grammar": name, "words": total, "accepted": accepted, "rejected": rejected})
    else:
        emit([f"{accepted} accepted, {rejected} rejected"])
    return OK if accepted == total else REJECTED


def _count_cached(name: str, path: str) -> tuple[int, int, str | None] | None:
    """The counts of a file from the cached byte table of NAME, or None (see grammar.bulk.named).

    This path imports neither numpy nor the grammar, so a file check starts
    as fast as the interpreter does.
    """
    from grammar.bulk.named import count_named

    return count_named(name, path)


def _load_keyed(name: str) -> tuple[Grammar, str | None]:
    """The grammar NAME stands for, and the cache key of exactly what it was built from.

    A grammar file is read once, and both the grammar and the key come from
    those bytes: a key read after a long count could name an edited file.
    """
    from grammar.bulk.table_cache import source_key
    from grammar.lookup import load_with_content

    g, content = load_with_content(name)
    return g, source_key(name, content=content)


def _remember(name: str, g: Grammar, key: str | None) -> None:
    """Cache the byte table of `g` under `key` for the next file check of NAME; best effort."""
    from grammar.bulk.table_cache import store

    if key is not None:
        store(name, g, key=key)


def cmd_check(args: argparse.Namespace) -> int:
    """``grammar check``: accept or reject each word, saying where a rejected one fails.

    Words given as arguments reach the grammar as Python decoded them; bytes
    that are not UTF-8 become lone surrogates, which no alphabet holds, so
    such a word is rejected and shown as a Python literal. Lines of a file or
    of stdin are decoded the same way, so a word is rejected wherever it
    comes from, and counted as rejected.
    """
    if args.words and args.file is not None:
        raise ValueError("give words on the command line or --file, not both")
    source = None if args.words else (args.file or "-")
    file_count = args.count and source not in (None, "-")
    cached = _count_cached(args.grammar, source) if file_count else None
    if cached is not None:
        accepted, total, name = cached
        return _emit_counts(name, accepted, total, args.json)
    g, key = _load_keyed(args.grammar) if file_count else (load_grammar(args.grammar), None)
    if args.count:
        if source is None:
            accepted, total = int(g.accepts_many(args.words).sum()), len(args.words)
        else:
            accepted, total = _count_file(g, source)
            if file_count:
                _remember(args.grammar, g, key)
        return _emit_counts(g.name, accepted, total, args.json)
    if source is None:  # a few words: no need to load the bulk engine
        words, verdicts = args.words, [g.accepts(word) for word in args.words]
    else:
        words = _read_lines(source)
        verdicts = g.accepts_many(words).tolist()
    explanations = [None if ok else g.explain(w) for w, ok in zip(words, verdicts, strict=True)]
    if args.json:
        results = [
            {"word": word, "accepted": True}
            if e is None
            else {
                "word": word,
                "accepted": False,
                "position": e.position,
                "found": e.found,
                "expected": list(e.expected),
                "ended_early": e.ended_early,
            }
            for word, e in zip(words, explanations, strict=True)
        ]
        rejected = sum(e is not None for e in explanations)
        emit_json(
            {
                "grammar": g.name,
                "accepted": len(words) - rejected,
                "rejected": rejected,
                "results": results,
            }
        )
    else:
        emit(
            f"{show_word(word)}: {'accepted' if e is None else e}"
            for word, e in zip(words, explanations, strict=True)
        )
    return OK if all(verdicts) else REJECTED


def cmd_count(args: argparse.Namespace) -> int:
    """``grammar count``: the number of members of each length, printed in full."""
    g = load_grammar(args.grammar)
    lo, hi = args.length
    counts = [(length, digits(g.count(length))) for length in range(lo, hi + 1)]
    if args.json:
        # Written by hand: json.dumps stops at 4,300 digits, as str(int) does.
        rows = ", ".join(f'{{"length": {k}, "count": {n}}}' for k, n in counts)
        name = json.dumps(g.name, ensure_ascii=False)
        sys.stdout.write(f'{{"grammar": {name}, "counts": [{rows}]}}\n')
    elif lo == hi:
        emit([counts[0][1]])
    else:
        emit(f"{k}\t{n}" for k, n in counts)
    return OK


def cmd_equiv(args: argparse.Namespace) -> int:
    """``grammar equiv``: 0 when the languages are equal, else 1 and a shortest counterexample."""
    a, b = load_grammar(args.first), load_grammar(args.second)
    word = a.counterexample(b)
    if word is None:
        if args.json:
            emit_json({"equivalent": True, "counterexample": None})
        else:
            emit(["equivalent"])
        return OK
    accepts, rejects = (args.first, args.second) if a.accepts(word) else (args.second, args.first)
    if args.json:
        emit_json(
            {
                "equivalent": False,
                "counterexample": word if isinstance(word, str) else list(word),
                "accepted_by": accepts,
                "rejected_by": rejects,
            }
        )
    else:
        emit([f"not equivalent: {show_word(word)} is accepted by {accepts} but not by {rejects}"])
    return REJECTED
