"""The ``neural search`` and ``neural extract`` subcommands: does this network compute the language?

::

    neural search DIR --max-length N [--budget SECONDS] [--exhaustive N] [--grammar NAME]
                      [--threads N] [--device auto|cpu|cuda] [--quiet] [--json]
    neural extract DIR [--dot FILE] [--budget SECONDS] [--max-length N] [--grammar NAME]
                       [--threads N] [--device auto|cpu|cuda] [--quiet] [--json]

``search`` runs the verifier saved in ``DIR`` over every word up to the
length its budget allows (default 60 s), then over every member and near
miss up to ``--max-length``, and prints what it covered, what the budget
left out, and the shortest disagreements. ``extract`` learns the
network's automaton with L* and prints the verdict: agrees (no disagreement in
what was checked; not a proof), counterexample, or undecided within the budget
(default 30 s); ``--dot``
saves the learnt automaton. The judge is the grammar recorded in ``DIR``
unless ``--grammar`` names another.

Under ``torchrun --nproc-per-node N -m neural search ...`` the ranks share
the walk (one device each) and rank 0 prints the merged report, the same as
one process prints, and exits with the verdict; the other ranks exit 0.

Exit status: 0 when the network was not found wrong; 1 when ``search``
found a disagreement or ``extract`` a counterexample; 2 for a usage or
input error.

Examples
--------
>>> import argparse
>>> subs = argparse.ArgumentParser().add_subparsers()
>>> [p.prog.split()[-1] for p in add_parsers(subs, [])]
['search', 'extract']
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from grammar.atomic import atomic_write
from grammar.cli_shared import OK, at_least, length, load_grammar, seconds
from grammar.errors import GrammarError

__all__ = ["add_parsers", "cmd_search", "cmd_extract", "FOUND", "SEARCH_BUDGET"]

#: Exit status when the network was found wrong.
FOUND = 1
#: Seconds ``neural search`` takes unless ``--budget`` says otherwise.
SEARCH_BUDGET = 60.0
# The extraction's default, written out here so that parsing needs no torch
# (neural.judge.extract.DEFAULT_BUDGET; a test checks that they agree).
EXTRACT_BUDGET = 30.0


def _load(args: argparse.Namespace, device: Any = None) -> tuple[Any, Any]:
    from neural.judge.extract import recorded_grammar
    from neural.verifier import Verifier

    verifier = Verifier.load(args.dir, device=args.device if device is None else device)
    if args.grammar:
        return verifier, load_grammar(args.grammar)
    try:
        return verifier, recorded_grammar(verifier)
    except (GrammarError, OSError) as err:
        raise GrammarError(f"{Path(args.dir) / 'config.json'}: {err}; pass --grammar NAME") \
            from None


def cmd_search(args: argparse.Namespace) -> int:
    """``neural search``: print the search report; exit 1 when it found disagreements."""
    from neural import distributed as ranks
    from neural.device import resolve_device
    from neural.judge.search import search

    # Under torchrun the ranks share the walk, one device each; alone, a no-op.
    with ranks.process_group(resolve_device(args.device)) as device:
        verifier, g = _load(args, device)
        report = search(verifier, g, max_length=args.max_length, budget=args.budget,
                        exhaustive=args.exhaustive, threads=args.threads,
                        progress=not args.quiet)
    if not ranks.is_main():
        return OK  # rank 0 gives the verdict; a failing exit here would stop it mid-print
    print(report.to_json() if args.json else report)
    return OK if report.agrees else FOUND


def cmd_extract(args: argparse.Namespace) -> int:
    """``neural extract``: print the verdict; exit 1 on a counterexample."""
    from neural.judge.extract import extract

    verifier, g = _load(args)
    result = extract(verifier, g, budget=args.budget, max_length=args.max_length,
                     threads=args.threads, progress=not args.quiet)
    if args.dot:
        atomic_write(args.dot, result.grammar.to_dot().encode("utf-8"))
    if args.json:
        print(result.to_json())
    else:
        print(result)
        if args.dot:
            print(f"extracted automaton: {args.dot}")
    return FOUND if result.verdict == "counterexample" else OK


def _shared(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("dir", metavar="DIR", help="a directory saved by 'neural train'")
    sub.add_argument("--grammar", metavar="NAME",
                     help="judge against this grammar (default: the one it was trained on)")
    sub.add_argument("--threads", type=at_least(1), metavar="N",
                     help="CPU threads for torch (default: the library's choice)")
    sub.add_argument("--quiet", action="store_true", help="no progress bar")


def add_parsers(subparsers: Any, common_parents: list[argparse.ArgumentParser]) -> list[Any]:
    """Register ``search`` and ``extract`` on `subparsers`; return their parsers.

    `common_parents` give the options every ``neural`` subcommand shares
    (``--json``, ``--device``).
    """
    search = subparsers.add_parser(
        "search", parents=common_parents,
        help="check every word up to a length against the automaton",
        description="Run the verifier over every word up to the length the budget allows, "
        "then every member and near miss up to --max-length, prefixes shared.")
    _shared(search)
    search.add_argument("--max-length", type=length, required=True, metavar="N",
                        help="the longest words checked")
    search.add_argument("--budget", type=seconds, default=SEARCH_BUDGET, metavar="SECONDS",
                        help=f"time allowed (default {SEARCH_BUDGET:g})")
    search.add_argument("--exhaustive", type=at_least(0), metavar="N",
                        help="check every word up to this length, whatever the budget")
    search.set_defaults(handler=cmd_search)

    extract = subparsers.add_parser(
        "extract", parents=common_parents,
        help="learn the network's automaton (L*) and judge it: agrees or counterexample",
        description="Learn a DFA from the verifier with L*, answer equivalence queries with "
        "the exact grammar, and say whether the network computes its language.")
    _shared(extract)
    extract.add_argument("--dot", metavar="FILE", help="save the learnt automaton as DOT")
    extract.add_argument("--budget", type=seconds, default=EXTRACT_BUDGET, metavar="SECONDS",
                         help=f"time allowed, learning and checking (default {EXTRACT_BUDGET:g})")
    extract.add_argument("--max-length", type=length, metavar="N",
                         help="longest members and near misses checked (default: the "
                         "training length, as the budget allows)")
    extract.set_defaults(handler=cmd_extract)
    return [search, extract]
