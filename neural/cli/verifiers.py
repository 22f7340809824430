"""The ``neural train``, ``neural eval`` and ``neural predict`` subcommands: one verifier.

::

    neural train NAME --out DIR [--device auto|cpu|cuda] [--target 0.999] [--max-epochs N]
                      [--max-steps N] [--patience N|off] [--seed S] [--resume] [--examples N]
                      [--lengths LO-HI] [--hidden N] [--threads N] [--stream N]
                      [--recipe default|mlregtest]
                      [--until proved] [--prove-budget S] [--n-per-set N] [--plot FILE]
                      [--quiet] [--json]
    neural eval DIR [--grammar NAME] [--n-per-set N] [--test-seed S] [--search] [--plot FILE]
                    [--json]
    neural predict DIR WORD... [--json]

``train`` trains a verifier, saves it in ``DIR`` and prints how it compares
with the exact automaton (:func:`neural.compare`); ``eval`` repeats that
comparison for a saved verifier. With ``--until proved``, ``train`` goes on
past the accuracy target in rounds of training and certification
(``TrainConfig(until="proved")``) for at most ``--prove-budget`` seconds
(default 120), saves ``certificate.json`` beside the weights, and ends its
output with the certificate's verdict line. ``predict`` prints the verifier's answer
for each word. A word holding a symbol outside the alphabet, undecodable
command-line bytes included, is rejected without running the network; the
other words still get their answers.

Examples
--------
>>> import argparse
>>> subs = argparse.ArgumentParser().add_subparsers()
>>> [p.prog.split()[-1] for p in add_parsers(subs, [], [])]
['train', 'eval', 'predict']
"""

from __future__ import annotations

import argparse
import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from grammar.cli_shared import (
    OK,
    at_least,
    emit,
    emit_json,
    length_range,
    load_grammar,
    seconds,
    seed,
    show_word,
)
from grammar.errors import GrammarError
from neural.cells import CELLS
from neural.recipes import RECIPES

__all__ = ["MIN_EXAMPLES", "UNTIL", "PROVE_BUDGET", "add_parsers", "cmd_eval", "cmd_predict",
           "cmd_train"]

#: The fewest words ``train --examples`` takes: :data:`neural.config.MIN_EXAMPLES`,
#: written out here so that parsing the command line needs no torch.
MIN_EXAMPLES = 2
#: What ``train --until`` may ask for: :data:`neural.config.UNTIL`, written out for the same
#: reason; and the default ``--prove-budget``, ``TrainConfig().prove_budget``.
UNTIL = ("proved",)
PROVE_BUDGET = 120.0

_positive = at_least(1)

# What the "why" column of a comparison's disagreements is.
_WHY = ("why: the exact automaton's verdict on the word and, for a non-member, where it "
        "fails; the network's answer is p")


def _patience(text: str) -> int | str:
    """Epochs without a new best, a positive integer, or "off" (an argparse type)."""
    return "off" if text == "off" else _positive(text)


def _target(text: str) -> float:
    """A validation accuracy to stop at, in (0, 1] (an argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text!r} is not in (0, 1]")
    return value


def _show_comparison(args: argparse.Namespace, verifier: Any, g: Any,
                     proof: dict[str, Any] | None = None) -> None:
    """Print the comparison; `proof` (a run trained until proved) joins its JSON."""
    from neural.distributed import is_main
    from neural.judge.compare import compare

    comparison = compare(verifier, g, seed=args.test_seed, n_per_set=args.n_per_set,
                         include_search=getattr(args, "search", False))
    if not is_main():  # under torchrun, rank 0 alone prints and writes
        return
    if args.plot:
        comparison.plot(args.plot)
    if args.json:
        document = comparison.to_dict()
        if proof is not None:
            document["proof"] = proof
        print(json.dumps(document))
        return
    print(comparison)
    if comparison.disagreements:
        print(f"({_WHY})")
    if args.plot:
        print(f"\nplot: {args.plot}")


def _count(n: Any, noun: str) -> str:
    """``"1 word"``, ``"3 words"``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def cmd_train(args: argparse.Namespace) -> int:
    """``neural train``: train, save, and print the comparison with the automaton."""
    if args.prove_budget is not None and args.until is None:
        args.parser.error("argument --prove-budget: needs --until proved")
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
        recipe=args.recipe,
        until=args.until,
        prove_budget=args.prove_budget,
    )
    if args.patience is not None:  # set apart: "off" is None, which with_overrides skips
        config = replace(config, patience=None if args.patience == "off" else args.patience)
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
            + (f"kept epoch {m['kept_epoch']}, " if m.get("kept_epoch") else "")
            + f"{measure} {valid}; saved to {args.out}\n"
        )
        if config.task == "next_symbols":
            from neural.nextsym import score_next_symbols

            scored = score_next_symbols(verifier, g, n_per_set=args.n_per_set,
                                        seed=args.test_seed)
            print(f"{scored}\n")
    certificate = verifier.certificate
    proof = None
    if certificate is not None:
        from neural.judge.certify import CERTIFICATE

        proof = {**m.get("proof", {}), "certificate": str(Path(args.out) / CERTIFICATE)}
    _show_comparison(args, verifier, g, proof)
    if certificate is not None and not args.json:
        # The verdict is the last line: proved, a counterexample, or undecided and why.
        print(f"\ncertificate: {proof['certificate']}")
        print(certificate.summary())
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


def cmd_eval(args: argparse.Namespace) -> int:
    """``neural eval``: print a saved verifier's comparison with the automaton."""
    from neural import distributed as ranks
    from neural.device import resolve_device
    from neural.verifier import Verifier

    # Under torchrun the ranks share the predictions and the search; alone, a no-op.
    with ranks.process_group(resolve_device(args.device)) as device:
        verifier = Verifier.load(args.dir, device=device)
        g = load_grammar(args.grammar) if args.grammar else _recorded_grammar(args.dir, verifier)
        _show_comparison(args, verifier, g)
    return OK


def cmd_predict(args: argparse.Namespace) -> int:
    """``neural predict``: the verifier's answer for each word."""
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




def add_parsers(subparsers: Any, common_parents: list[argparse.ArgumentParser],
                scoring_parents: list[argparse.ArgumentParser]) -> list[Any]:
    """Register ``train``, ``eval`` and ``predict`` on `subparsers`; return their parsers.

    `common_parents` give the options every ``neural`` subcommand shares
    (``--json``, ``--device``); `scoring_parents` those of a comparison
    (``--n-per-set``, ``--test-seed``, ``--plot``).
    """
    train = subparsers.add_parser("train", parents=[*common_parents, *scoring_parents],
                                  help="train a verifier")
    train.add_argument("grammar", metavar="NAME",
                       help="a built-in grammar, a .dot/.gv/.json/.att file, or re:PATTERN")
    train.add_argument("--out", required=True, metavar="DIR", help="checkpoint directory")
    train.add_argument("--target", type=_target, metavar="ACC",
                       help="stop at this validation accuracy (default 0.999)")
    train.add_argument("--max-epochs", type=_positive, metavar="N")
    train.add_argument("--max-steps", type=_positive, metavar="N")
    train.add_argument("--patience", type=_patience, metavar="N|off",
                       help="stop after N epochs without a new best validation accuracy, "
                            "keeping the best epoch's weights (default 10; off: never)")
    train.add_argument("--seed", type=seed, metavar="S",
                       help="training seed, an integer >= 0 (default 0)")
    train.add_argument("--examples", type=at_least(MIN_EXAMPLES), metavar="N",
                       help=f"labelled words to draw (at least {MIN_EXAMPLES}, default 6000), "
                       "before the 60/30/10 train/validation/test split")
    train.add_argument("--lengths", type=length_range, metavar="LO-HI",
                       help="training word lengths (default 1-30)")
    train.add_argument("--hidden", type=_positive, metavar="N", help="GRU hidden size")
    train.add_argument("--threads", type=_positive, metavar="N",
                       help="CPU threads for torch during the run (default: the library's choice "
                       "for these small models)")
    train.add_argument("--task", choices=("membership", "next_symbols"),
                       help="membership (default), or predict the legal next symbols after "
                       "every prefix (scored by the fraction of words solved)")
    train.add_argument("--cell", choices=CELLS, help="recurrent cell (default gru)")
    train.add_argument("--precision", choices=("auto", "bf16", "fp32"),
                       help="auto (default: bf16 on a CUDA GPU that takes it), bf16 or fp32")
    train.add_argument("--stream", type=_positive, metavar="N",
                       help="train on N fresh words per epoch drawn from the grammar (over all "
                       "ranks) instead of a fixed training set")
    train.add_argument("--recipe", choices=RECIPES,
                       help="default (grammarlab's), or mlregtest: the MLRegTest benchmark's "
                       "network and training (RMSprop, batch 64, 64 epochs, no early stop); "
                       "options given here override the recipe's")
    train.add_argument("--until", choices=UNTIL,
                       help="proved: past the accuracy target, train in rounds toward states "
                       "that neural certify can prove, until proved or --prove-budget is spent; "
                       "the verdict is the last line")
    train.add_argument("--prove-budget", type=seconds, metavar="S",
                       help=f"seconds of those rounds (default {PROVE_BUDGET:g}; the last "
                       "certification may add 30)")
    train.add_argument("--resume", action="store_true",
                       help="continue the interrupted run in DIR")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.set_defaults(handler=cmd_train, parser=train)

    evaluate = subparsers.add_parser("eval", parents=[*common_parents, *scoring_parents],
                                     help="compare a saved verifier with the automaton")
    evaluate.add_argument("dir", metavar="DIR")
    evaluate.add_argument("--grammar", metavar="NAME",
                          help="judge against this grammar (default: the one it was trained on)")
    evaluate.add_argument("--search", action="store_true",
                          help="also search every word up to the training length (60 s budget) and "
                          "end with its verdict")
    evaluate.set_defaults(handler=cmd_eval)

    predict = subparsers.add_parser("predict", parents=common_parents,
                                    help="the verifier's answer per word")
    predict.add_argument("dir", metavar="DIR")
    predict.add_argument("words", nargs="+", metavar="WORD",
                         help="a word; in a token grammar, space-separated tokens in one argument")
    predict.set_defaults(handler=cmd_predict)
    return [train, evaluate, predict]
