"""The ``neural`` command line.

::

    neural train NAME --out DIR [--device auto|cpu|cuda] [--target 0.999] [--max-epochs N]
                      [--max-steps N] [--seed S] [--resume] [--examples N] [--lengths LO-HI]
                      [--hidden N] [--n-per-set N] [--plot FILE] [--quiet] [--json]
    neural eval DIR [--grammar NAME] [--n-per-set N] [--seed S] [--plot FILE] [--json]
    neural predict DIR WORD... [--json]

``NAME`` is a built-in grammar (``grammar list``) or a ``.dot`` / ``.json``
file, read as the ``grammar`` command reads it. ``train`` trains a verifier,
saves it in ``DIR`` and prints how it compares with the exact automaton;
``eval`` repeats that comparison for a saved verifier; ``predict`` prints the
verifier's answer for each word.

Exit status: 0 when all is well; 2 for a usage or input error, reported as
one line on stderr, never a traceback; 130 when interrupted (``train
--resume`` picks up from the last finished epoch).

Examples
--------
>>> main(["predict", "/nonexistent/run", "BTXSE"])
2
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from grammar.cli import length_range
from grammar.errors import GrammarError

__all__ = ["main"]

OK, ERROR, INTERRUPTED = 0, 2, 130


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line on stderr, exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(ERROR, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} is not in (0, 1]")
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not positive")
    return value


def _show(word: Any) -> str:
    text = word if isinstance(word, str) else " ".join(word)
    return text or "''"


def _report(args: argparse.Namespace, verifier: Any, g: Any) -> None:
    from neural.compare import compare

    report = compare(verifier, g, seed=args.test_seed, n_per_set=args.n_per_set)
    if args.plot:
        report.plot(args.plot)
    if args.json:
        print(report.to_json())
    else:
        print(report)
        if args.plot:
            print(f"\nplot: {args.plot}")


def _cmd_train(args: argparse.Namespace) -> int:
    from grammar.io import load
    from neural.train import TrainConfig, train, with_overrides

    g = load(args.grammar)
    source = os.path.abspath(args.grammar) if os.path.exists(args.grammar) else None
    config = with_overrides(
        TrainConfig(),
        target_accuracy=args.target,
        max_epochs=args.max_epochs,
        max_steps=args.max_steps,
        seed=args.seed,
        n_examples=args.examples,
        lengths=args.lengths,
        hidden=args.hidden,
    )
    verifier = train(g, config, device=args.device, out=args.out, resume=args.resume,
                     progress=not args.quiet, source=source)
    m = verifier.metrics
    if not args.json:
        valid = m["valid_accuracy"]
        valid = "n/a (empty split)" if valid is None else f"{100 * valid:.2f}%"
        print(
            f"trained on {m['train_size']} words for {m['epochs']} epochs ({m['samples_seen']} "
            f"samples, {m['seconds']:.1f} s on {m['device']}), stopped at {m['stopped']}: "
            f"validation accuracy {valid}; saved to {args.out}\n"
        )
    _report(args, verifier, g)
    return OK


def _recorded_grammar(directory: str, verifier: Any) -> Any:
    from grammar.io import load

    recorded = verifier.info.get("grammar", {})
    where = recorded.get("source") or recorded.get("name")
    if not where:
        raise GrammarError(
            f"{Path(directory) / 'config.json'} names no grammar; pass --grammar NAME"
        )
    if recorded.get("source") and not os.path.exists(where):
        raise GrammarError(
            f"the grammar file {where} recorded in {Path(directory) / 'config.json'} is gone; "
            "pass --grammar NAME"
        )
    return load(where)


def _cmd_eval(args: argparse.Namespace) -> int:
    from grammar.io import load
    from neural.verifier import Verifier

    verifier = Verifier.load(args.dir, device=args.device)
    g = load(args.grammar) if args.grammar else _recorded_grammar(args.dir, verifier)
    _report(args, verifier, g)
    return OK


def _cmd_predict(args: argparse.Namespace) -> int:
    from neural.verifier import Verifier

    verifier = Verifier.load(args.dir, device=args.device)
    words = args.words
    answers = verifier.classify(words)
    rows = []
    for word, p, accepted, unknown in zip(
        words, answers.probabilities, answers.accepted, answers.unknown, strict=True
    ):
        note = ""
        if unknown:
            symbol = verifier.vocab.unknown_symbol(word)
            note = f"unknown symbol {symbol!r}: rejected without running the network"
        rows.append((word, bool(accepted), float(p), note))
    if args.json:
        print(json.dumps([
            {"word": w, "accepted": a, "probability": p, "unknown_symbol": bool(n)}
            for w, a, p, n in rows
        ]))
    else:
        for word, accepted, p, note in rows:
            line = f"{_show(word)}\t{'accept' if accepted else 'reject'}\t{p:.4f}"
            print(f"{line}\t{note}" if note else line)
    return OK


def _build_parser() -> _Parser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    common.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"),
                        help="where the network runs (default: auto, CUDA when available)")
    scoring = argparse.ArgumentParser(add_help=False)
    scoring.add_argument("--n-per-set", type=_positive, default=2000, metavar="N",
                         help="words per test set (default 2000)")
    scoring.add_argument("--test-seed", type=int, default=0, metavar="S",
                         help="seed of the test sets (default 0)")
    scoring.add_argument("--plot", metavar="FILE", help="save accuracy by length as a PNG")

    parser = _Parser(prog="neural", description="Train GRU verifiers for grammars and hold "
                     "them against the exact automaton.")
    subs = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    sub = subs.add_parser("train", parents=[common, scoring], help="train a verifier")
    sub.add_argument("grammar", metavar="NAME", help="a built-in grammar or a .dot/.json file")
    sub.add_argument("--out", required=True, metavar="DIR", help="checkpoint directory")
    sub.add_argument("--target", type=_fraction, metavar="ACC",
                     help="stop at this validation accuracy (default 0.999)")
    sub.add_argument("--max-epochs", type=_positive, metavar="N")
    sub.add_argument("--max-steps", type=_positive, metavar="N")
    sub.add_argument("--seed", type=int, metavar="S", help="training seed (default 0)")
    sub.add_argument("--examples", type=_positive, metavar="N",
                     help="labelled words to draw, before the 80/10/10 split")
    sub.add_argument("--lengths", type=length_range, metavar="LO-HI",
                     help="training word lengths (default 1-30)")
    sub.add_argument("--hidden", type=_positive, metavar="N", help="GRU hidden size")
    sub.add_argument("--resume", action="store_true",
                     help="continue the interrupted run in DIR")
    sub.add_argument("--quiet", action="store_true", help="no progress bar")
    sub.set_defaults(handler=_cmd_train)

    sub = subs.add_parser("eval", parents=[common, scoring],
                          help="compare a saved verifier with the automaton")
    sub.add_argument("dir", metavar="DIR")
    sub.add_argument("--grammar", metavar="NAME",
                     help="judge against this grammar (default: the one it was trained on)")
    sub.set_defaults(handler=_cmd_eval)

    sub = subs.add_parser("predict", parents=[common], help="the verifier's answer per word")
    sub.add_argument("dir", metavar="DIR")
    sub.add_argument("words", nargs="+", metavar="WORD",
                     help="a word; in a token grammar, space-separated tokens in one argument")
    sub.set_defaults(handler=_cmd_predict)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``neural`` command line and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).
    """
    try:
        args = _build_parser().parse_args(argv)
        return args.handler(args)
    except SystemExit as exit_:  # argparse: --help and usage errors
        return int(exit_.code or 0) if isinstance(exit_.code, int) else ERROR
    except KeyboardInterrupt:
        print("neural: interrupted; 'neural train ... --resume' continues from the last "
              "finished epoch", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return OK
    except OSError as err:
        where = f"{err.filename}: " if err.filename else ""
        print(f"neural: error: {where}{err.strerror or err}", file=sys.stderr)
        return ERROR
    except (GrammarError, ValueError, TypeError, ImportError, FloatingPointError) as err:
        print(f"neural: error: {' '.join(str(err).split()) or type(err).__name__}",
              file=sys.stderr)
        return ERROR


if __name__ == "__main__":
    sys.exit(main())
