"""The ``neural`` command line.

::

    neural train NAME --out DIR [--device auto|cpu|cuda] [--target 0.999] [--max-epochs N]
                      [--max-steps N] [--seed S] [--resume] [--examples N] [--lengths LO-HI]
                      [--hidden N] [--threads N] [--stream N] [--n-per-set N] [--plot FILE]
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

``NAME`` is a built-in grammar (``grammar list``) or a ``.dot`` / ``.json``
file, read as the ``grammar`` command reads it. ``train`` trains a verifier,
saves it in ``DIR`` and prints how it compares with the exact automaton;
``eval`` repeats that comparison for a saved verifier; ``predict`` prints the
verifier's answer for each word. A word holding a symbol outside the
alphabet, undecodable command-line bytes included, is rejected without
running the network; the other words still get their answers.

Exit status: 0 when all is well; 2 for a usage or input error, reported as
one line on stderr naming the option or file at fault, never a traceback;
130 when interrupted (``train --resume`` picks up from the last finished
epoch).

Torch is imported only by a command that runs a network, so ``neural --help``
and usage errors answer at once. The parser, option types and error
handling are shared with the ``grammar`` command line
(:mod:`grammar.commandline`).

Examples
--------
>>> main(["predict", "/nonexistent/run", "BTXSE"])
2
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from grammar.commandline import (
    OK,
    CommandParser,
    at_least,
    emit,
    emit_json,
    length_range,
    load_grammar,
    run_main,
    seed,
    show_word,
)
from grammar.errors import GrammarError
from neural.cells import CELLS

__all__ = ["main", "MIN_EXAMPLES"]

#: The fewest words ``train --examples`` takes: :data:`neural.config.MIN_EXAMPLES`,
#: written out here so that parsing the command line needs no torch.
MIN_EXAMPLES = 2

_positive = at_least(1)

# What the "why" column of a comparison's disagreements is.
_WHY = ("why: the exact automaton's verdict on the word and, for a non-member, where it "
        "fails; the network's answer is p")


def _target(text: str) -> float:
    """A validation accuracy to stop at, in (0, 1] (an argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} is not in (0, 1]")
    return value


def _typed_errors() -> tuple[type[BaseException], ...]:
    # A CheckpointError (DistributedError) can only have been raised once its module was loaded.
    found = (getattr(sys.modules.get("neural.checkpoint"), "CheckpointError", None),
             getattr(sys.modules.get("neural.distributed"), "DistributedError", None))
    return tuple(error for error in found if isinstance(error, type))


def _report(args: argparse.Namespace, verifier: Any, g: Any) -> None:
    from neural.distributed import is_main
    from neural.judge.compare import compare

    report = compare(verifier, g, seed=args.test_seed, n_per_set=args.n_per_set,
                     include_search=getattr(args, "search", False))
    if not is_main():  # under torchrun, rank 0 alone prints and writes
        return
    if args.plot:
        report.plot(args.plot)
    if args.json:
        print(report.to_json())
        return
    print(report)
    if report.disagreements:
        print(f"({_WHY})")
    if args.plot:
        print(f"\nplot: {args.plot}")


def _count(n: Any, noun: str) -> str:
    """``"1 word"``, ``"3 words"``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _cmd_train(args: argparse.Namespace) -> int:
    from neural.config import TrainConfig, with_overrides
    from neural.training import train

    g = load_grammar(args.grammar)
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
        threads=args.threads,
        task=args.task,
        cell=args.cell,
        precision=args.precision,
        stream=args.stream,
    )
    verifier = train(g, config, device=args.device, out=args.out, resume=args.resume,
                     progress=not args.quiet, source=source)
    from neural.distributed import is_main

    if not is_main():  # under torchrun, rank 0 alone reports
        return OK
    m = verifier.metrics
    if not args.json:
        valid = m["valid_accuracy"]
        valid = "n/a (empty split)" if valid is None else f"{100 * valid:.2f}%"
        measure = ("validation words solved" if config.task == "next_symbols"
                   else "validation accuracy")
        streamed = m.get("streamed_per_epoch")
        words = (_count(m["train_size"], "word") if streamed is None
                 else f"{_count(streamed, 'fresh word')} per epoch, streamed,")
        print(
            f"trained on {words} for {_count(m['epochs'], 'epoch')} "
            f"({_count(m['samples_seen'], 'sample')}, {m['seconds']:.1f} s on {m['device']}), "
            f"stopped at {m['stopped']}: "
            f"{measure} {valid}; saved to {args.out}\n"
        )
        if config.task == "next_symbols":
            from neural.nextsym import score_next_symbols

            scored = score_next_symbols(verifier, g, n_per_set=args.n_per_set,
                                        seed=args.test_seed)
            print(f"{scored}\n")
    _report(args, verifier, g)
    return OK


def _recorded_grammar(directory: str, verifier: Any) -> Any:
    recorded = verifier.info.get("grammar") or {}
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
    return load_grammar(where)


def _cmd_eval(args: argparse.Namespace) -> int:
    from neural import distributed as ranks
    from neural.device import resolve_device
    from neural.verifier import Verifier

    # Under torchrun the ranks share the predictions and the search; alone, a no-op.
    with ranks.process_group(resolve_device(args.device)) as device:
        verifier = Verifier.load(args.dir, device=device)
        g = load_grammar(args.grammar) if args.grammar else _recorded_grammar(args.dir, verifier)
        _report(args, verifier, g)
    return OK


def _cmd_predict(args: argparse.Namespace) -> int:
    from neural.verifier import Verifier

    verifier = Verifier.load(args.dir, device=args.device)
    # Every word reaches the verifier as Python decoded it: undecodable bytes are lone
    # surrogates, an unknown symbol, so that word is rejected and the others answered.
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
        emit_json([
            {"word": w, "accepted": a, "probability": p, "unknown_symbol": bool(n)}
            for w, a, p, n in rows
        ])
    else:
        emit(
            f"{show_word(word)}\t{'accept' if accepted else 'reject'}\t{p:.4f}"
            + (f"\t{note}" if note else "")
            for word, accepted, p, note in rows
        )
    return OK


def _build_parser() -> CommandParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    common.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"),
                        help="where the network runs (default: auto, CUDA when available)")
    scoring = argparse.ArgumentParser(add_help=False)
    scoring.add_argument("--n-per-set", type=_positive, default=2000, metavar="N",
                         help="words per test set (default 2000)")
    scoring.add_argument("--test-seed", type=seed, default=0, metavar="S",
                         help="seed of the test sets, an integer >= 0 (default 0)")
    scoring.add_argument("--plot", metavar="FILE", help="save accuracy by length as a PNG")

    parser = CommandParser(prog="neural", description="Train GRU verifiers for grammars and "
                           "hold them against the exact automaton.",
                           epilog="Exit status: 0 ok, 2 usage or input error, 130 interrupted.")
    subs = parser.add_subparsers(dest="command", required=True, parser_class=CommandParser)

    sub = subs.add_parser("train", parents=[common, scoring], help="train a verifier")
    sub.add_argument("grammar", metavar="NAME",
                     help="a built-in grammar, a .dot/.gv/.json/.att file, or re:PATTERN")
    sub.add_argument("--out", required=True, metavar="DIR", help="checkpoint directory")
    sub.add_argument("--target", type=_target, metavar="ACC",
                     help="stop at this validation accuracy (default 0.999)")
    sub.add_argument("--max-epochs", type=_positive, metavar="N")
    sub.add_argument("--max-steps", type=_positive, metavar="N")
    sub.add_argument("--seed", type=seed, metavar="S",
                     help="training seed, an integer >= 0 (default 0)")
    sub.add_argument("--examples", type=at_least(MIN_EXAMPLES), metavar="N",
                     help=f"labelled words to draw (at least {MIN_EXAMPLES}, default 6000), "
                     "before the 60/30/10 train/validation/test split")
    sub.add_argument("--lengths", type=length_range, metavar="LO-HI",
                     help="training word lengths (default 1-30)")
    sub.add_argument("--hidden", type=_positive, metavar="N", help="GRU hidden size")
    sub.add_argument("--threads", type=_positive, metavar="N",
                     help="CPU threads for torch during the run (default: the library's choice "
                     "for these small models)")
    sub.add_argument("--task", choices=("membership", "next_symbols"),
                     help="membership (default), or predict the legal next symbols after "
                     "every prefix (scored by the fraction of words solved)")
    sub.add_argument("--cell", choices=CELLS, help="recurrent cell (default gru)")
    sub.add_argument("--precision", choices=("auto", "bf16", "fp32"),
                     help="auto (default: bf16 on a CUDA GPU that takes it), bf16 or fp32")
    sub.add_argument("--stream", type=_positive, metavar="N",
                     help="train on N fresh words per epoch drawn from the grammar (over all "
                     "ranks) instead of a fixed training set")
    sub.add_argument("--resume", action="store_true",
                     help="continue the interrupted run in DIR")
    sub.add_argument("--quiet", action="store_true", help="no progress bar")
    sub.set_defaults(handler=_cmd_train)

    sub = subs.add_parser("eval", parents=[common, scoring],
                          help="compare a saved verifier with the automaton")
    sub.add_argument("dir", metavar="DIR")
    sub.add_argument("--grammar", metavar="NAME",
                     help="judge against this grammar (default: the one it was trained on)")
    sub.add_argument("--search", action="store_true",
                     help="also search every word up to the training length (60 s budget) and "
                     "end with its verdict")
    sub.set_defaults(handler=_cmd_eval)

    sub = subs.add_parser("predict", parents=[common], help="the verifier's answer per word")
    sub.add_argument("dir", metavar="DIR")
    sub.add_argument("words", nargs="+", metavar="WORD",
                     help="a word; in a token grammar, space-separated tokens in one argument")
    sub.set_defaults(handler=_cmd_predict)

    from neural.commands.suite import add_report_parser, add_suite_parser

    add_suite_parser(subs)
    add_report_parser(subs)
    from neural.commands.forensics import add_parsers

    add_parsers(subs, [common])  # search and extract
    from neural.commands.certify import add_parsers as add_certify_parsers

    add_certify_parsers(subs)  # certify and check-certificate
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``neural`` command line and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 ok, 2 error, 130 interrupted.
    """

    lost: list[BaseException] = []

    def body() -> int:
        args = _build_parser().parse_args(argv)
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


if __name__ == "__main__":
    sys.exit(main())
