"""The ``neural suite`` and ``neural report`` subcommands.

::

    neural suite SPEC --out DIR [--device auto|cpu|cuda] [--shard I/N] [--quiet] [--json]
    neural report DIR --html FILE [--n-per-set N] [--grammar NAME]
    neural suite-table DIR [--by runs|classes] [--json]

``suite`` runs the suite spec ``SPEC`` (:mod:`neural.suite`) into ``DIR``:
one bar for the suite and one for the current run on a terminal, one line
per finished run otherwise, then the results table and the summary. A bad
spec is one line naming the key, exit 2, before any training; rerunning
after an interruption resumes. ``--shard i/n`` runs part i of n (for job
arrays; each part prints the rows finished so far, and a last plain run
prints the whole table); under ``torchrun`` the ranks share the runs, one
device each, and rank 0 prints the table; a suite on MLRegTest's protocol
(models with a ``size``) then prints the table by class too. ``report`` writes
the self-contained HTML page of a suite directory or a training directory
(:mod:`neural.page`). ``suite-table`` prints a suite directory's tables again,
without running anything: its results, one row per run, or (``--by
classes``) the table by MLRegTest class (:mod:`neural.suite.classes`).

Examples
--------
>>> import argparse
>>> subs = argparse.ArgumentParser().add_subparsers()
>>> add_suite_parser(subs).prog.split()[-1], add_report_parser(subs).prog.split()[-1]
('suite', 'report')
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from grammar.cli_shared import OK, at_least

__all__ = ["add_suite_parser", "add_report_parser", "add_suite_table_parser", "cmd_suite",
           "cmd_report", "cmd_suite_table"]


def cmd_suite(args: argparse.Namespace) -> int:
    """``neural suite``: run (or resume) a suite and print its table and summary."""
    from neural.suite import read_spec, run_suite, summarize, summary_text
    from neural.suite.results import columns_of

    spec = read_spec(args.spec)  # every key checked before any training
    for note in spec.notes:
        print(f"neural suite: note: {note}", file=sys.stderr)
    rows = run_suite(spec, args.out, device=args.device, progress=not args.quiet,
                     echo=None if args.quiet else (lambda line: print(line, file=sys.stderr)),
                     shard=args.shard)
    from neural.distributed import is_main

    if not is_main():  # under torchrun, rank 0 prints the table of every rank's runs
        return OK
    if args.shard is not None:
        print(f"neural suite: part {args.shard} done; {len(rows)} of {len(spec.runs)} runs "
              f"finished in {args.out}", file=sys.stderr)
    if args.json:
        print(json.dumps({"suite": spec.name, "rows": rows, "summary": summarize(rows)}))
        return OK
    shown = [c for c in columns_of(rows) if c not in ("run", "cell", "stopped")]
    print(_table(rows, shown))
    print()
    print(summary_text(summarize(rows)))
    if any(row.get("acc_SR") is not None for row in rows):  # the benchmark's sets: by class
        from neural.suite.classes import class_markdown, class_table

        print()
        print(class_markdown(class_table(rows)))
    print(f"\nresults: {args.out}/results.csv, {args.out}/results.json")
    return OK


def cmd_suite_table(args: argparse.Namespace) -> int:
    """``neural suite-table``: print a suite directory's results, by run or by class."""
    from neural.suite import read_results
    from neural.suite.classes import class_markdown, class_table
    from neural.suite.results import columns_of

    results = read_results(args.dir)
    rows = results["rows"]
    if args.by == "classes":
        records = class_table(rows)
        print(json.dumps({"suite": results["suite"], "classes": records}) if args.json
              else class_markdown(records))
    elif args.json:
        print(json.dumps({"suite": results["suite"], "rows": rows}))
    else:
        print(_table(rows, [c for c in columns_of(rows) if c not in ("run", "cell", "stopped")]))
    return OK


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4f}" if value <= 1 else f"{value:.1f}"
    return " ".join(str(value).split()) or "''"


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    """The rows as a Markdown table (readable in a terminal, pasteable into a README)."""
    cells = [[_fmt(row.get(c)) for c in columns] for row in rows]
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---" for _ in columns) + "|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in line) + " |" for line in cells]
    return "\n".join(lines)


def cmd_report(args: argparse.Namespace) -> int:
    """``neural report``: write the HTML page of a suite or training directory."""
    from neural.page import write_page

    path = write_page(args.dir, args.html, n_per_set=args.n_per_set, grammar=args.grammar,
                      device=args.device)
    print(f"report: {path}")
    return OK


def _device(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument("--device", default=default, choices=("auto", "cpu", "cuda"),
                        help=f"where the networks run (default: {default})")


def add_suite_parser(subs: Any) -> argparse.ArgumentParser:
    """Register ``neural suite SPEC --out DIR``."""
    sub = subs.add_parser("suite", help="train and judge verifiers across a suite of grammars",
                          description="Train, compare (and search, extract, certify) every "
                          "grammar x model x seed of a TOML suite spec; rerun to resume.")
    sub.add_argument("spec", metavar="SPEC", help="the suite spec (.toml)")
    sub.add_argument("--out", required=True, metavar="DIR", help="suite directory")
    _device(sub, "cpu")
    sub.add_argument("--shard", metavar="I/N",
                     help="run only part I of N of the runs (0 <= I < N), for job arrays; "
                     "under torchrun the ranks share the runs without it")
    sub.add_argument("--quiet", action="store_true", help="no progress bars or run lines")
    sub.add_argument("--json", action="store_true", help="rows and summary as JSON on stdout")
    sub.set_defaults(handler=cmd_suite)
    return sub


def add_report_parser(subs: Any) -> argparse.ArgumentParser:
    """Register ``neural report DIR --html FILE``."""
    sub = subs.add_parser("report", help="write a self-contained HTML report",
                          description="Write one HTML page for a suite directory or a "
                          "training directory; it needs no network access to view.")
    sub.add_argument("dir", metavar="DIR", help="a suite directory or a training directory")
    sub.add_argument("--html", required=True, metavar="FILE", help="the page to write")
    sub.add_argument("--n-per-set", type=at_least(1), default=2000, metavar="N",
                     help="words per test set when a training directory has no report.json "
                     "(default 2000)")
    sub.add_argument("--grammar", metavar="NAME", help="judge a training directory against "
                     "this grammar (default: the one it was trained on)")
    _device(sub, "cpu")
    sub.set_defaults(handler=cmd_report)
    return sub


def add_suite_table_parser(subs: Any) -> argparse.ArgumentParser:
    """Register ``neural suite-table DIR [--by runs|classes]``."""
    sub = subs.add_parser("suite-table", help="print a suite directory's results again",
                          description="Print the results of a suite directory, one row per "
                          "run, or by MLRegTest class (the mean accuracy on SR, LR, SA and LA, "
                          "the verdicts and the training time of each recipe); runs nothing.")
    sub.add_argument("dir", metavar="DIR", help="a suite directory, as neural suite wrote it")
    sub.add_argument("--by", choices=("runs", "classes"), default="runs",
                     help="one row per run (default), or per MLRegTest class")
    sub.add_argument("--json", action="store_true", help="the rows or the class records as JSON")
    sub.set_defaults(handler=cmd_suite_table)
    return sub
