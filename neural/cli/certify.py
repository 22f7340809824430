"""The ``neural certify`` and ``neural check-certificate`` subcommands: proofs at every length.

::

    neural certify DIR [--budget SECONDS] [--grammar NAME] [--threads N] [--json]
    neural check-certificate DIR [--grammar NAME] [--json]

``certify`` loads the verifier saved in ``DIR`` on the CPU in float32 (the
arithmetic the certificate's margin covers), runs
:func:`neural.judge.certify.certify` (default budget 60 s), writes
``DIR/certificate.json`` and prints the result, the verdict last.

``check-certificate`` re-checks ``DIR/certificate.json`` against
``DIR/model.safetensors`` and the grammar with the independent checker
(:mod:`neural.judge.certify.checker`: numpy only; torch is not imported) and
names the first claim that fails.

The judge is the grammar recorded in ``DIR`` unless ``--grammar`` names another.

Exit status: ``certify`` 0 proved, 1 counterexample, 3 undecided;
``check-certificate`` 0 when every claim holds, 1 when one fails; 2 for a
usage or input error (one line on stderr).

Examples
--------
>>> import argparse
>>> subs = argparse.ArgumentParser().add_subparsers()
>>> [p.prog.split()[-1] for p in add_parsers(subs)]
['certify', 'check-certificate']
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from grammar.cli_shared import OK, at_least, load_grammar, seconds
from grammar.errors import GrammarError

__all__ = ["add_parsers", "cmd_certify", "cmd_check", "FOUND", "UNDECIDED", "CERTIFY_BUDGET"]

#: Exit status for a counterexample (``certify``) or a failing claim (``check-certificate``).
FOUND = 1
#: Exit status of ``certify`` when undecided.
UNDECIDED = 3
#: :data:`neural.judge.certify.DEFAULT_BUDGET`, written out so that parsing needs no import of it.
CERTIFY_BUDGET = 60.0


def cmd_certify(args: argparse.Namespace) -> int:
    """``neural certify``: write ``certificate.json``; exit 0, 1 or 3 by the verdict."""
    from neural.judge.certify import certify
    from neural.judge.extract import recorded_grammar
    from neural.verifier import Verifier

    verifier = Verifier.load(args.dir, device="cpu")
    verifier.precision = "fp32"
    if args.grammar:
        g = load_grammar(args.grammar)
    else:
        try:
            g = recorded_grammar(verifier)
        except (GrammarError, OSError) as err:
            raise GrammarError(f"{Path(args.dir) / 'config.json'}: {err}; pass --grammar NAME") \
                from None
    cert = certify(verifier, g, budget=args.budget, threads=args.threads).save(args.dir)
    if args.json:
        print(cert.to_json())
    else:
        print(f"certificate: {Path(args.dir) / 'certificate.json'}")
        print(cert)  # the verdict last
    return {"proved": OK, "counterexample": FOUND}.get(cert.verdict, UNDECIDED)


def _judge(directory: Path, name: str | None) -> Any:
    """The grammar to check against: `name`, else the one recorded in ``config.json``."""
    if name:
        return load_grammar(name)
    config_path = directory / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    recorded = config.get("grammar") if isinstance(config, dict) else None
    recorded = recorded if isinstance(recorded, dict) else {}
    where = recorded.get("source") or recorded.get("name")
    if not isinstance(where, str) or not where:
        raise GrammarError(f"{config_path} names no grammar; pass --grammar NAME")
    return load_grammar(where)


def cmd_check(args: argparse.Namespace) -> int:
    """``neural check-certificate``: exit 0 if every claim holds, 1 naming the first that fails."""
    from neural.judge.certify.checker import check_files

    directory = Path(args.dir)
    if not (directory / "certificate.json").is_file():
        raise GrammarError(f"{directory / 'certificate.json'} does not exist; run "
                           f"'neural certify {args.dir}' first")
    g = _judge(directory, args.grammar)
    started = time.perf_counter()
    dfa = g.dfa
    failure = check_files(directory, grammar_dfa=(dfa.alphabet, dfa.table, dfa.accepting,
                                                  dfa.start), fingerprint=g.fingerprint)
    seconds = time.perf_counter() - started
    where = directory / "certificate.json"
    if args.json:
        print(json.dumps({"certificate": str(where), "grammar": g.name, "holds": failure is None,
                          "failure": failure, "seconds": round(seconds, 3)}))
    elif failure is None:
        print(f"{where}: every claim holds against {directory / 'model.safetensors'} and "
              f"{g.name or 'the grammar'} (numpy-only checker, {seconds:.2f} s)")
    else:
        print(f"{where}: the check fails: {failure}")
    return OK if failure is None else FOUND


def add_parsers(subparsers: Any) -> list[Any]:
    """Register ``certify`` and ``check-certificate`` on `subparsers`; return their parsers."""
    certify = subparsers.add_parser(
        "certify", help="prove the network computes the grammar at every length, or refute it",
        description="Search for interval boxes that prove, by induction on the length, that "
        "the verifier gives the grammar's answer on every word; write certificate.json. Exit "
        "0 proved, 1 counterexample, 3 undecided.")
    certify.add_argument("dir", metavar="DIR", help="a directory saved by 'neural train'")
    certify.add_argument("--budget", type=seconds, default=CERTIFY_BUDGET, metavar="SECONDS",
                         help=f"time allowed (default {CERTIFY_BUDGET:g})")
    certify.add_argument("--grammar", metavar="NAME",
                         help="judge against this grammar (default: the one it was trained on)")
    certify.add_argument("--threads", type=at_least(1), metavar="N",
                         help="CPU threads for torch (default: the library's choice)")
    certify.add_argument("--json", action="store_true", help="the certificate as JSON on stdout")
    certify.set_defaults(handler=cmd_certify)

    check = subparsers.add_parser(
        "check-certificate", help="re-check DIR/certificate.json with the numpy-only checker",
        description="Re-check every claim of DIR/certificate.json against DIR/model.safetensors "
        "and the grammar, in plain interval arithmetic, without torch. Exit 0 when every claim "
        "holds, 1 naming the first that fails.")
    check.add_argument("dir", metavar="DIR", help="a directory holding certificate.json")
    check.add_argument("--grammar", metavar="NAME",
                       help="check against this grammar (default: the one recorded in DIR)")
    check.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    check.set_defaults(handler=cmd_check)
    return [certify, check]
