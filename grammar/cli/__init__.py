"""The ``grammar`` command line.

::

    grammar list
    grammar show NAME [--format text|dot|json|svg]
    grammar check NAME [WORD ...] | --file F [--count]      (no WORD and no --file: stdin)
    grammar count NAME --length L|LO-HI
    grammar equiv A B
    grammar sample NAME [-n N] [--uniform --length L|LO-HI] [--min-length A] [--max-length B]
                        [--seed S]
    grammar near-miss NAME [-n N] [--kinds K ...] [--length L|LO-HI] [--long-range F]
                           [--seed S]
    grammar dataset NAME --out FILE [-n N] [--lengths LO-HI] [--long-range F] [--seed S]
    grammar dataset NAME --protocol mlregtest --out DIR [--size small|mid|large] [--seed S]

``NAME`` is a built-in grammar (``grammar list``), a grammar file whose
suffix is in :data:`grammar.io.FILE_SUFFIXES`, or ``re:PATTERN`` (see
:func:`grammar.load`). In a token grammar a word is one argument or
one line holding whitespace-separated tokens. Every command takes
``--json`` for machine-readable output on stdout. Lengths go up to
:data:`grammar.cli_shared.MAX_LENGTH` (100000); counts are printed in full,
however many digits they have.

Exit status: 0 when all is well; 1 when ``check`` rejects a word or
``equiv`` finds the grammars different; 2 for a usage or input error, which
is reported as one line on stderr naming the option or file at fault, never
a traceback.

Heavy modules (Hypothesis, tqdm, the generators) are imported only by the
commands that need them, so a single ``grammar check`` starts fast. The
commands live in :mod:`grammar.cli.queries` and :mod:`grammar.cli.generators`;
the parser, option types and error handling shared with the ``neural``
command line in :mod:`grammar.cli_shared`.

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
import sys
from collections.abc import Callable, Sequence

from grammar.cli.queries import cmd_check, cmd_count, cmd_equiv, cmd_list, cmd_show
from grammar.cli_shared import (
    MAX_LENGTH,
    NAME_HELP,
    CommandParser,
    fraction,
    length,
    length_range,
    non_negative,
    run_main,
    seed,
)

__all__ = ["main", "length_range"]

_LENGTHS = f"L or LO-HI, lengths 0 to {MAX_LENGTH}"


def _generator(name: str) -> Callable[[argparse.Namespace], int]:
    """The generator command `name`, imported when it runs (the queries start without it)."""

    def run(args: argparse.Namespace) -> int:
        from grammar.cli import generators

        return getattr(generators, name)(args)

    return run


def _chosen(argv: Sequence[str] | None) -> str | None:
    """The command an argument list names: its first argument that is not an option.

    (The program's own options, --help and --version, take no value.)
    """
    return next((arg for arg in argv if not arg.startswith("-")), None) if argv else None


def _build_parser(chosen: str | None = None) -> CommandParser:
    """The parser; with `chosen`, only that command's options are declared.

    Declaring every command's options costs a command that needs one of them
    most of its start-up beside the interpreter's (argparse formats and
    translates each help text). An unknown or absent command gets them all,
    for the help and the error messages.
    """
    from grammar import __version__

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="machine-readable output on stdout")

    parser = CommandParser(
        prog="grammar",
        description="Finite-state grammars: check, count, compare, sample and build data sets.",
        epilog="Exit status: 0 ok, 1 a word rejected (check) or grammars differ (equiv), "
        "2 usage or input error.",
    )
    parser.add_argument("--version", action="version", version=f"grammarlab {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    names = ("list", "show", "check", "count", "equiv", "sample", "near-miss", "dataset")
    everything = chosen not in names

    def command(
        name: str, handler: Callable[[argparse.Namespace], int], help: str, epilog: str = ""
    ) -> CommandParser:
        sub = commands.add_parser(
            name, parents=[common] if everything or name == chosen else [], help=help,
            description=help, epilog=epilog or None
        )
        sub.set_defaults(handler=handler)
        return sub

    def declared(name: str) -> bool:
        return everything or name == chosen

    def seed_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--seed", type=seed, metavar="S", help="random seed, an integer >= 0 (default: fresh)"
        )

    command("list", cmd_list, "list the built-in grammars")

    sub = command("show", cmd_show, "describe a grammar, or print it as DOT, JSON or SVG")
    if declared("show"):
        sub.add_argument("grammar", metavar="NAME", help=NAME_HELP)
        sub.add_argument("--format", choices=("text", "dot", "json", "svg"), default="text",
                         help="svg: the minimal DFA drawn by Graphviz (needs its dot program)")

    sub = command("check", cmd_check, "check words (arguments, --file, or stdin lines)")
    if declared("check"):
        sub.add_argument("grammar", metavar="NAME", help=NAME_HELP)
        sub.add_argument("words", metavar="WORD", nargs="*", help="words to check")
        sub.add_argument("--file", "-f", metavar="F",
                         help="newline-separated words; '-' is stdin")
        sub.add_argument("--count", "-c", action="store_true", help="print only the counts")

    sub = command("count", cmd_count, "count the members of a length, printed in full")
    if declared("count"):
        sub.add_argument("grammar", metavar="NAME", help=NAME_HELP)
        sub.add_argument("--length", "-l", type=length_range, required=True, metavar="L|LO-HI",
                         help=_LENGTHS)

    sub = command(
        "equiv",
        cmd_equiv,
        "compare two languages; print a shortest counterexample",
        epilog="Exit status: 0 equivalent, 1 the languages differ, 2 usage or input error.",
    )
    if declared("equiv"):
        sub.add_argument("first", metavar="A", help=NAME_HELP)
        sub.add_argument("second", metavar="B", help=NAME_HELP)

    sub = command("sample", _generator("cmd_sample"),
                  "random members: weighted walks, or exactly uniform")
    if declared("sample"):
        sub.add_argument("grammar", metavar="NAME", help=NAME_HELP)
        sub.add_argument("-n", type=non_negative, default=10, help="how many (default 10)")
        sub.add_argument("--uniform", action="store_true",
                         help="uniform among the members of --length")
        sub.add_argument("--length", "-l", type=length_range, metavar="L|LO-HI", help=_LENGTHS)
        sub.add_argument("--min-length", type=length, metavar="A", help="shortest walk")
        sub.add_argument("--max-length", type=length, metavar="B", help="longest walk")
        seed_option(sub)

    sub = command("near-miss", _generator("cmd_near_miss"),
                  "rejected words one edit away from members")
    if declared("near-miss"):
        from grammar.cli.generators import NEAR_MISS_DEFAULT, NEAR_MISS_KINDS

        sub.add_argument("grammar", metavar="NAME", help=NAME_HELP)
        sub.add_argument("-n", type=non_negative, default=10, help="how many (default 10)")
        sub.add_argument(
            "--kinds",
            nargs="+",
            choices=NEAR_MISS_KINDS,
            default=list(NEAR_MISS_DEFAULT),
            metavar="KIND",
            help=f"edit kinds among {', '.join(NEAR_MISS_KINDS)}",
        )
        sub.add_argument("--length", "-l", type=length_range, metavar="L|LO-HI",
                         help=f"the words' {_LENGTHS}")
        sub.add_argument(
            "--long-range",
            type=fraction,
            default=0.0,
            metavar="F",
            help="fraction (0 to 1) made so that only far-away context shows them rejected",
        )
        seed_option(sub)

    sub = command("dataset", _generator("cmd_dataset"),
                  "write a balanced labelled data set (.jsonl or .npz), or MLRegTest's sets",
                  epilog="--protocol mlregtest writes MLRegTest's training, development and "
                  "four test sets (train, dev, SR, SA, LR, LA: grammar.datasets.mlregtest_sets)"
                  " into the directory --out, one .jsonl file each; the benchmark fixes their "
                  "lengths and sizes.")
    if declared("dataset"):
        sub.add_argument("grammar", metavar="NAME", help=NAME_HELP)
        sub.add_argument("--out", "-o", required=True, metavar="FILE",
                         help="the data set's file (a directory with --protocol mlregtest)")
        # None where not given, so that --protocol mlregtest can refuse them.
        sub.add_argument("-n", type=non_negative, help="words (default 10000)")
        sub.add_argument("--lengths", type=length_range, metavar="LO-HI", help="default 1-30")
        sub.add_argument("--long-range", type=fraction, metavar="F", help="as for near-miss")
        sub.add_argument("--protocol", choices=("balanced", "mlregtest"), default="balanced",
                         help="balanced (default): -n words at --lengths; mlregtest: the "
                         "benchmark's six sets")
        # grammar.datasets.MLREGTEST_SIZES, spelt out: the parser imports no numpy.
        sub.add_argument("--size", choices=("small", "mid", "large"),
                         help="with --protocol mlregtest: 1000, 10000 or 100000 words a set "
                         "(default small)")
        seed_option(sub)
    return parser


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

    def body() -> int:
        parser = _build_parser(_chosen(argv if argv is not None else sys.argv[1:]))
        args, extra = parser.parse_known_args(argv)
        # argparse stops filling WORD... at the first option, so `check NAME --json W1 W2`
        # leaves W1 W2 over; they are words too.
        if extra and args.command == "check" and not any(x.startswith("-") for x in extra):
            args.words += extra
        elif extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        return args.handler(args)

    return run_main("grammar", body)
