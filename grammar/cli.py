"""The ``grammar`` command line.

::

    grammar list
    grammar show NAME [--format text|dot|json]
    grammar check NAME [WORD ...] | --file F [--count]      (no WORD and no --file: stdin)
    grammar count NAME --length L|LO-HI
    grammar equiv A B
    grammar sample NAME [-n N] [--uniform --length L|LO-HI] [--min-length A] [--max-length B]
                        [--seed S]
    grammar near-miss NAME [-n N] [--kinds K ...] [--length L|LO-HI] [--long-range F]
                           [--seed S]
    grammar dataset NAME --out FILE [-n N] [--lengths LO-HI] [--long-range F] [--seed S]

``NAME`` is a built-in grammar (``grammar list``) or a ``.dot`` / ``.json``
file (see :mod:`grammar.io`). In a token grammar a word is one argument or
one line holding whitespace-separated tokens. Every command takes
``--json`` for machine-readable output on stdout.

Exit status: 0 when all is well; 1 when ``check`` rejects a word or
``equiv`` finds the grammars different; 2 for a usage or input error, which
is reported as one line on stderr, never a traceback.

Heavy modules (Hypothesis, tqdm, the generators) are imported only by the
commands that need them, so a single ``grammar check`` starts fast.

Examples
--------
>>> main(["check", "reber", "BTSSXSE"])
BTSSXSE: accepted
0
>>> main(["count", "tomita-2", "--length", "4"])
1
0
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from grammar.errors import GrammarError

if TYPE_CHECKING:
    from grammar.core import Grammar, Word

__all__ = ["main", "length_range"]

# Exit statuses.
OK, REJECTED, ERROR = 0, 1, 2
# `show` lists at most this many edges in text form; --format dot/json give them all.
_SHOW_EDGES = 40
# `dataset` shows a progress bar from this many words on.
_PROGRESS_FROM = 20_000
_NEAR_MISS_KINDS = ("substitute", "insert", "delete", "transpose")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line on stderr."""

    def error(self, message: str) -> NoReturn:
        self.exit(ERROR, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


# -- output helpers ------------------------------------------------------------------------------


def _line(word: Word) -> str:
    """A word as a line of text, as ``check --file`` reads it back: tokens space-separated."""
    return word if isinstance(word, str) else " ".join(word)


def _text(word: Word) -> str:
    """A word inside a message: as a line, but the empty word shows as ''."""
    return _line(word) or "''"


def _jsonable(word: Word) -> str | list[str]:
    return word if isinstance(word, str) else list(word)


def _emit(lines: Iterable[str]) -> None:
    sys.stdout.write("".join(f"{line}\n" for line in lines))


def _emit_json(document: Any) -> None:
    sys.stdout.write(json.dumps(document, ensure_ascii=False) + "\n")


def length_range(text: str) -> tuple[int, int]:
    """Parse ``L`` or ``LO-HI`` into an inclusive range of lengths (an argparse type)."""
    low, sep, high = text.partition("-")
    try:
        lo = int(low)
        hi = int(high) if sep else lo
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a length L or a range LO-HI") from None
    if lo < 0 or hi < lo:
        raise argparse.ArgumentTypeError(f"{text!r} is not a range of lengths 0 <= LO <= HI")
    return lo, hi


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is negative")
    return value


def _load(name: str) -> Grammar:
    from grammar.io import load

    return load(name)


def _seed(seed: int | None) -> int:
    """The seed to use: the given one, or a fresh one that the output reports."""
    if seed is not None:
        return seed
    import secrets

    return secrets.randbelow(2**32)


# -- commands ------------------------------------------------------------------------------------


def _cmd_list(args: argparse.Namespace) -> int:
    from grammar import library

    entries = [(name, library.describe(name)) for name in library.names()]
    if args.json:
        _emit_json([{"name": name, "description": text} for name, text in entries])
    else:
        width = max(len(name) for name, _ in entries)
        _emit(f"{name:<{width}}  {text}" for name, text in entries)
    return OK


def _edge_line(source: Any, target: Any, symbol: str | None, weight: float) -> str:
    label = "ε" if symbol is None else symbol
    extra = f"  (weight {weight:g})" if weight != 1.0 else ""
    return f"  {source} -{label}-> {target}{extra}"


def _cmd_show(args: argparse.Namespace) -> int:
    g = _load(args.grammar)
    if args.json and args.format != "text":
        raise ValueError(f"--json gives a summary; drop it to get --format {args.format}")
    if args.format == "dot":
        sys.stdout.write(g.to_dot())
        return OK
    if args.format == "json":
        sys.stdout.write(g.to_json())
        return OK
    d, dfa = g.declaration, g.dfa
    dead = int(dfa.dead) >= 0
    if args.json:
        _emit_json(
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
    _emit(lines)
    return OK


def _read_lines(path: str) -> list[str]:
    """The words of a file ('-' is stdin), by the line rules of :mod:`grammar.bulk`."""
    from grammar.bulk import split_lines

    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(path, "rb") as stream:
            data = stream.read()
    return split_lines(data.decode("utf-8", errors="replace"))


def _count(g: Grammar, path: str) -> tuple[int, int]:
    from grammar.bulk import count_file

    if path == "-":
        return count_file(sys.stdin.buffer, g)
    return count_file(path, g)


def _cmd_check(args: argparse.Namespace) -> int:
    if args.words and args.file is not None:
        raise ValueError("give words on the command line or --file, not both")
    g = _load(args.grammar)
    source = None if args.words else (args.file or "-")
    if args.count:
        if source is None:
            accepted, total = int(g.accepts_many(args.words).sum()), len(args.words)
        else:
            accepted, total = _count(g, source)
        if args.json:
            _emit_json(
                {
                    "grammar": g.name,
                    "words": total,
                    "accepted": accepted,
                    "rejected": total - accepted,
                }
            )
        else:
            _emit([f"{accepted} accepted, {total - accepted} rejected"])
        return OK if accepted == total else REJECTED
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
        _emit_json(
            {
                "grammar": g.name,
                "accepted": len(words) - rejected,
                "rejected": rejected,
                "results": results,
            }
        )
    else:
        _emit(
            f"{_text(word)}: {'accepted' if e is None else e}"
            for word, e in zip(words, explanations, strict=True)
        )
    return OK if all(verdicts) else REJECTED


def _cmd_count(args: argparse.Namespace) -> int:
    g = _load(args.grammar)
    lo, hi = args.length
    counts = [(length, g.count(length)) for length in range(lo, hi + 1)]
    if args.json:
        _emit_json({"grammar": g.name, "counts": [{"length": k, "count": n} for k, n in counts]})
    elif lo == hi:
        _emit([str(counts[0][1])])
    else:
        _emit(f"{k}\t{n}" for k, n in counts)
    return OK


def _cmd_equiv(args: argparse.Namespace) -> int:
    a, b = _load(args.first), _load(args.second)
    word = a.counterexample(b)
    if word is None:
        if args.json:
            _emit_json({"equivalent": True, "counterexample": None})
        else:
            _emit(["equivalent"])
        return OK
    first = a.accepts(word)
    accepts, rejects = (args.first, args.second) if first else (args.second, args.first)
    if args.json:
        _emit_json(
            {
                "equivalent": False,
                "counterexample": _jsonable(word),
                "accepted_by": accepts,
                "rejected_by": rejects,
            }
        )
    else:
        _emit([f"not equivalent: {_text(word)} is accepted by {accepts} but not by {rejects}"])
    return REJECTED


def _cmd_sample(args: argparse.Namespace) -> int:
    if args.uniform and args.length is None:
        raise ValueError("--uniform needs --length L or LO-HI")
    if args.uniform and (args.min_length is not None or args.max_length is not None):
        raise ValueError("--uniform takes --length; --min-length/--max-length bound random walks")
    if not args.uniform and args.length is not None:
        raise ValueError("--length needs --uniform; random walks take --min-length/--max-length")
    g = _load(args.grammar)
    seed = _seed(args.seed)
    if args.uniform:
        lo, hi = args.length
        words = g.sample_uniform(args.n, length=lo if lo == hi else (lo, hi), seed=seed)
    else:
        words = g.sample(args.n, seed=seed, min_length=args.min_length, max_length=args.max_length)
    if args.json:
        _emit_json({"grammar": g.name, "seed": seed, "words": [_jsonable(w) for w in words]})
    else:
        _emit(_line(word) for word in words)
    return OK


def _cmd_near_miss(args: argparse.Namespace) -> int:
    g = _load(args.grammar)
    seed = _seed(args.seed)
    length = None
    if args.length is not None:
        lo, hi = args.length
        length = lo if lo == hi else (lo, hi)
    misses = g.near_misses(
        args.n, seed=seed, kinds=tuple(args.kinds), length=length, long_range=args.long_range
    )
    rows = list(
        zip(
            misses.words,
            misses.kinds.tolist(),
            misses.positions.tolist(),
            misses.sources,
            misses.long_range.tolist(),
            strict=True,
        )
    )
    if args.json:
        _emit_json(
            {
                "grammar": g.name,
                "seed": seed,
                "near_misses": [
                    {
                        "word": _jsonable(w),
                        "kind": k,
                        "position": p,
                        "source": _jsonable(s),
                        "long_range": far,
                    }
                    for w, k, p, s, far in rows
                ],
            }
        )
    else:
        _emit(f"{_line(w)}\t{k}\t{p}" for w, k, p, *_ in rows)
    return OK


def _cmd_dataset(args: argparse.Namespace) -> int:
    from grammar.datasets import make_dataset

    g = _load(args.grammar)
    seed = _seed(args.seed)
    dataset = make_dataset(
        g,
        args.n,
        lengths=args.lengths,
        seed=seed,
        long_range=args.long_range,
        # a tqdm bar on stderr, for a person watching a long run
        progress=args.n >= _PROGRESS_FROM and sys.stderr.isatty(),
    )
    dataset.save(args.out)
    members = int(dataset.labels.sum())
    if args.json:
        _emit_json(
            {
                "grammar": g.name,
                "seed": seed,
                "out": args.out,
                "words": len(dataset),
                "members": members,
                "non_members": len(dataset) - members,
            }
        )
    else:
        _emit(
            [
                f"wrote {len(dataset)} words ({members} members, {len(dataset) - members} "
                f"non-members) to {args.out} (seed {seed})"
            ]
        )
    return OK


# -- the parser ----------------------------------------------------------------------------------


def _build_parser() -> _Parser:
    from grammar import __version__

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    name_help = "a built-in grammar (see 'grammar list') or a .dot/.json file"

    parser = _Parser(
        prog="grammar",
        description="Finite-state grammars: check, count, compare, sample and build data sets.",
        epilog="Exit status: 0 ok, 1 a word rejected (check) or grammars differ (equiv), "
        "2 usage or input error.",
    )
    parser.add_argument("--version", action="version", version=f"grammarlab {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler: Callable[[argparse.Namespace], int], help: str) -> _Parser:
        sub = commands.add_parser(name, parents=[common], help=help, description=help)
        sub.set_defaults(handler=handler)
        return sub

    command("list", _cmd_list, "list the built-in grammars")

    sub = command("show", _cmd_show, "describe a grammar, or print it as DOT or JSON")
    sub.add_argument("grammar", metavar="NAME", help=name_help)
    sub.add_argument("--format", choices=("text", "dot", "json"), default="text")

    sub = command("check", _cmd_check, "check words (arguments, --file, or stdin lines)")
    sub.add_argument("grammar", metavar="NAME", help=name_help)
    sub.add_argument("words", metavar="WORD", nargs="*", help="words to check")
    sub.add_argument("--file", "-f", metavar="F", help="newline-separated words; '-' is stdin")
    sub.add_argument("--count", "-c", action="store_true", help="print only the counts")

    sub = command("count", _cmd_count, "count the members of a length")
    sub.add_argument("grammar", metavar="NAME", help=name_help)
    sub.add_argument("--length", "-l", type=length_range, required=True, metavar="L|LO-HI")

    sub = command("equiv", _cmd_equiv, "compare two languages; print a shortest counterexample")
    sub.add_argument("first", metavar="A", help=name_help)
    sub.add_argument("second", metavar="B", help=name_help)

    sub = command("sample", _cmd_sample, "random members: weighted walks, or exactly uniform")
    sub.add_argument("grammar", metavar="NAME", help=name_help)
    sub.add_argument("-n", type=_non_negative, default=10, help="how many (default 10)")
    sub.add_argument("--uniform", action="store_true", help="uniform among the members of --length")
    sub.add_argument("--length", "-l", type=length_range, metavar="L|LO-HI")
    sub.add_argument("--min-length", type=_non_negative, metavar="A")
    sub.add_argument("--max-length", type=_non_negative, metavar="B")
    sub.add_argument("--seed", type=int, metavar="S")

    sub = command("near-miss", _cmd_near_miss, "rejected words one edit away from members")
    sub.add_argument("grammar", metavar="NAME", help=name_help)
    sub.add_argument("-n", type=_non_negative, default=10, help="how many (default 10)")
    sub.add_argument(
        "--kinds",
        nargs="+",
        choices=_NEAR_MISS_KINDS,
        default=list(_NEAR_MISS_KINDS),
        metavar="KIND",
        help=f"edit kinds among {', '.join(_NEAR_MISS_KINDS)}",
    )
    sub.add_argument(
        "--length", "-l", type=length_range, metavar="L|LO-HI", help="the near misses' length"
    )
    sub.add_argument(
        "--long-range",
        type=float,
        default=0.0,
        metavar="F",
        help="fraction (0 to 1) made so that only far-away context shows them rejected",
    )
    sub.add_argument("--seed", type=int, metavar="S")

    sub = command("dataset", _cmd_dataset, "write a balanced labelled data set (.jsonl or .npz)")
    sub.add_argument("grammar", metavar="NAME", help=name_help)
    sub.add_argument("--out", "-o", required=True, metavar="FILE")
    sub.add_argument("-n", type=_non_negative, default=10_000, help="words (default 10000)")
    sub.add_argument("--lengths", type=length_range, default=(1, 30), metavar="LO-HI")
    sub.add_argument("--long-range", type=float, default=0.0, metavar="F", help="as for near-miss")
    sub.add_argument("--seed", type=int, metavar="S")
    return parser


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``grammar`` command line and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 ok, 1 rejected (``check``) or different (``equiv``), 2 error.
    """
    try:
        parser = _build_parser()
        args, extra = parser.parse_known_args(argv)
        # argparse stops filling WORD... at the first option, so `check NAME --json W1 W2`
        # leaves W1 W2 over; they are words too.
        if extra and args.command == "check" and not any(x.startswith("-") for x in extra):
            args.words += extra
        elif extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        return args.handler(args)
    except SystemExit as exit_:  # argparse: --help, --version, usage errors
        return int(exit_.code or 0) if isinstance(exit_.code, int) else ERROR
    except KeyboardInterrupt:
        print("grammar: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`grammar sample ... | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return OK
    except OSError as err:
        where = f"{err.filename}: " if err.filename else ""
        print(f"grammar: error: {where}{err.strerror or _one_line(err)}", file=sys.stderr)
        return ERROR
    except (GrammarError, ValueError, TypeError, ImportError) as err:
        print(f"grammar: error: {_one_line(err)}", file=sys.stderr)
        return ERROR
