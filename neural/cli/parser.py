"""The ``neural`` command line's parser: the options every subcommand shares, and each group's.

:func:`build_parser` makes the top-level parser (a
:class:`grammar.cli_shared.CommandParser`, whose usage errors are one line)
and lets each module of commands register its subcommands, with the
handler that runs them:

- :mod:`neural.cli.verifiers`: ``train``, ``eval``, ``predict``;
- :mod:`neural.cli.suite`: ``suite``, ``report``, ``suite-table``;
- :mod:`neural.cli.forensics`: ``search``, ``extract``;
- :mod:`neural.cli.certify`: ``certify``, ``check-certificate``.

A new subcommand is a function ``cmd_<name>(args) -> int`` and its
``add_parser`` call in one of those modules (or a new one, registered here).

Examples
--------
>>> args = build_parser().parse_args(["predict", "runs/t1", "101"])
>>> args.command, args.words, args.handler.__name__
('predict', ['101'], 'cmd_predict')
"""

from __future__ import annotations

import argparse

from grammar.cli_shared import CommandParser, at_least, seed
from neural.cli import certify, forensics, suite, verifiers

__all__ = ["build_parser"]


def build_parser() -> CommandParser:
    """The ``neural`` parser: every subcommand, each with its handler in ``handler``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    common.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"),
                        help="where the network runs (default: auto, CUDA when available)")
    scoring = argparse.ArgumentParser(add_help=False)
    scoring.add_argument("--n-per-set", type=at_least(1), default=2000, metavar="N",
                         help="words per test set (default 2000)")
    scoring.add_argument("--test-seed", type=seed, default=0, metavar="S",
                         help="seed of the test sets, an integer >= 0 (default 0)")
    scoring.add_argument("--plot", metavar="FILE", help="save accuracy by length as a PNG")

    parser = CommandParser(prog="neural", description="Train GRU verifiers for grammars and "
                           "hold them against the exact automaton.",
                           epilog="Exit status: 0 ok, 2 usage or input error, 130 interrupted.")
    subs = parser.add_subparsers(dest="command", required=True, parser_class=CommandParser)
    verifiers.add_parsers(subs, [common], [scoring])  # train, eval, predict
    suite.add_suite_parser(subs)
    suite.add_report_parser(subs)
    suite.add_suite_table_parser(subs)
    forensics.add_parsers(subs, [common])  # search, extract
    certify.add_parsers(subs)  # certify, check-certificate
    return parser
