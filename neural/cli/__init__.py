"""The ``neural`` command line.

::

    neural train NAME --out DIR [--device auto|cpu|cuda] [--target 0.999] [--max-epochs N]
                      [--max-steps N] [--seed S] [--resume] [--examples N] [--lengths LO-HI]
                      [--hidden N] [--threads N] [--stream N] [--recipe default|mlregtest]
                      [--until proved] [--prove-budget S] [--n-per-set N] [--plot FILE]
                      [--quiet] [--json]
    neural eval DIR [--grammar NAME] [--n-per-set N] [--test-seed S] [--search] [--plot FILE]
                    [--json]
    neural predict DIR WORD... [--json]
    neural suite SPEC --out DIR [--device D] [--quiet] [--json]
    neural report DIR --html FILE [--n-per-set N] [--grammar NAME]
    neural search DIR --max-length N [--budget SECONDS] [--exhaustive N] [--json]
    neural extract DIR [--dot FILE] [--budget SECONDS] [--max-length N] [--json]
    neural certify DIR [--budget SECONDS] [--json]
    neural check-certificate DIR [--json]

``NAME`` is a built-in grammar (``grammar list``) or a grammar file, read as
the ``grammar`` command reads it; ``DIR`` a directory saved by ``neural
train``.

Exit status: 0 when all is well; 2 for a usage or input error, reported as
one line on stderr naming the option or file at fault, never a traceback;
130 when interrupted (``train --resume`` picks up from the last finished
epoch). The judges' commands say their verdict in theirs: 1 when the network
was found wrong, 3 when ``certify`` is undecided.

This face runs the command; :mod:`neural.cli.parser` builds the parser, and
the commands live one group to a module: :mod:`neural.cli.verifiers`
(train, eval, predict), :mod:`neural.cli.suite` (suite, report),
:mod:`neural.cli.forensics` (search, extract) and :mod:`neural.cli.certify`
(certify, check-certificate). Torch is imported only by a command that runs
a network, so ``neural --help`` and usage errors answer at once. The parser
class, option types and error handling are shared with the ``grammar``
command line (:mod:`grammar.cli_shared`).

Examples
--------
>>> main(["predict", "/nonexistent/run", "BTXSE"])
2
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from grammar.cli_shared import run_main
from neural.cli.parser import build_parser
from neural.cli.verifiers import MIN_EXAMPLES

__all__ = ["main", "MIN_EXAMPLES"]


def _typed_errors() -> tuple[type[BaseException], ...]:
    # A CheckpointError (DistributedError) can only have been raised once its module was loaded.
    found = (getattr(sys.modules.get("neural.checkpoint"), "CheckpointError", None),
             getattr(sys.modules.get("neural.distributed"), "DistributedError", None))
    return tuple(error for error in found if isinstance(error, type))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``neural`` command line and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 ok, 2 error, 130 interrupted (and a judge's own statuses).
    """

    lost: list[BaseException] = []

    def body() -> int:
        args = build_parser().parse_args(argv)
        try:
            return args.handler(args)
        except Exception as err:
            distributed = sys.modules.get("neural.distributed")
            if distributed is not None and isinstance(err, distributed.DistributedError):
                lost.append(err)
            raise

    status = run_main(
        "neural",
        body,
        errors=_typed_errors,
        interrupted="interrupted; 'neural train ... --resume' continues from the last "
        "finished epoch",
    )
    if lost and sys.modules["neural.distributed"].launched():
        # The error line is out. A process group whose peer died can abort inside gloo as
        # the interpreter tears it down, so this rank of a failed run leaves at once.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    return status
