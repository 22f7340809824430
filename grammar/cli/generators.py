"""The ``grammar`` commands that draw words: sample, near-miss, dataset.

Each command takes the parsed arguments and returns its exit status; see
:mod:`grammar.cli` for the command line they make up. Without ``--seed``
a fresh seed is drawn and reported (in ``--json`` output and by
``dataset``), so that any run can be repeated.

Examples
--------
>>> import argparse
>>> args = argparse.Namespace(grammar="tomita-1", n=2, seed=0, uniform=True, length=(3, 3),
...                           min_length=None, max_length=None, json=False)
>>> cmd_sample(args)
111
111
0
"""

from __future__ import annotations

import argparse
import sys

from grammar.cli_shared import OK, emit, emit_json, load_grammar, word_line
from grammar.edit_kinds import DEFAULT_KINDS, KINDS

__all__ = ["NEAR_MISS_DEFAULT", "NEAR_MISS_KINDS", "cmd_dataset", "cmd_near_miss", "cmd_sample"]

#: The edit kinds that ``near-miss --kinds`` chooses among: those of
#: :data:`grammar.edit_kinds.EDIT_KINDS` (a module without numpy, so the CLI starts fast).
NEAR_MISS_KINDS = KINDS
#: The kinds ``near-miss`` makes without ``--kinds``.
NEAR_MISS_DEFAULT = DEFAULT_KINDS
# `dataset` shows a progress bar from this many words on.
_PROGRESS_FROM = 20_000


def _jsonable(word: str | tuple[str, ...]) -> str | list[str]:
    return word if isinstance(word, str) else list(word)


def _seed(seed: int | None) -> int:
    """The seed to use: the given one, or a fresh one that the output reports."""
    if seed is not None:
        return seed
    import secrets

    return secrets.randbelow(2**32)


def _length(bounds: tuple[int, int] | None) -> int | tuple[int, int] | None:
    """A parsed ``L|LO-HI`` as the library takes it: one length, or a range."""
    if bounds is None:
        return None
    lo, hi = bounds
    return lo if lo == hi else (lo, hi)


def cmd_sample(args: argparse.Namespace) -> int:
    """``grammar sample``: random members, by weighted walks or exactly uniform at a length."""
    if args.uniform and args.length is None:
        raise ValueError("--uniform needs --length L or LO-HI")
    if args.uniform and (args.min_length is not None or args.max_length is not None):
        raise ValueError("--uniform takes --length; --min-length/--max-length bound random walks")
    if not args.uniform and args.length is not None:
        raise ValueError("--length needs --uniform; random walks take --min-length/--max-length")
    if (
        args.min_length is not None
        and args.max_length is not None
        and args.min_length > args.max_length
    ):
        raise ValueError(
            f"--min-length {args.min_length} is more than --max-length {args.max_length}"
        )
    g = load_grammar(args.grammar)
    seed = _seed(args.seed)
    if args.uniform:
        words = g.sample_uniform(args.n, length=_length(args.length), seed=seed)
    else:
        words = g.sample(args.n, seed=seed, min_length=args.min_length, max_length=args.max_length)
    if args.json:
        emit_json({"grammar": g.name, "seed": seed, "words": [_jsonable(w) for w in words]})
    else:
        emit(word_line(word) for word in words)
    return OK


def cmd_near_miss(args: argparse.Namespace) -> int:
    """``grammar near-miss``: rejected words one edit away from members."""
    g = load_grammar(args.grammar)
    seed = _seed(args.seed)
    misses = g.near_misses(
        args.n,
        seed=seed,
        kinds=tuple(args.kinds),
        length=_length(args.length),
        long_range=args.long_range,
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
        emit_json(
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
        emit(f"{word_line(w)}\t{k}\t{p}" for w, k, p, *_ in rows)
    return OK


def cmd_dataset(args: argparse.Namespace) -> int:
    """``grammar dataset``: write a balanced labelled data set (.jsonl or .npz), or with
    ``--protocol mlregtest`` MLRegTest's six sets into a directory."""
    from grammar.datasets import make_dataset

    if args.protocol == "mlregtest":
        return _mlregtest(args)
    if args.size is not None:
        raise ValueError("--size goes with --protocol mlregtest")
    n = 10_000 if args.n is None else args.n
    g = load_grammar(args.grammar)
    seed = _seed(args.seed)
    dataset = make_dataset(
        g,
        n,
        lengths=(1, 30) if args.lengths is None else args.lengths,
        seed=seed,
        long_range=0.0 if args.long_range is None else args.long_range,
        # a tqdm bar on stderr, for a person watching a long run
        progress=n >= _PROGRESS_FROM and sys.stderr.isatty(),
    )
    dataset.save(args.out)
    members = int(dataset.labels.sum())
    non_members = len(dataset) - members
    if args.json:
        emit_json(
            {
                "grammar": g.name,
                "seed": seed,
                "out": args.out,
                "words": len(dataset),
                "members": members,
                "non_members": non_members,
            }
        )
    else:
        emit(
            [
                f"wrote {len(dataset)} words ({members} members, {non_members} "
                f"non-members) to {args.out} (seed {seed})"
            ]
        )
    return OK


def _mlregtest(args: argparse.Namespace) -> int:
    """``grammar dataset --protocol mlregtest``: train, dev, SR, SA, LR and LA, one file each."""
    from pathlib import Path

    from grammar.datasets import mlregtest_sets

    for option, value in (("-n", args.n), ("--lengths", args.lengths),
                          ("--long-range", args.long_range)):
        if value is not None:
            raise ValueError(f"{option} does not go with --protocol mlregtest: the benchmark "
                             "fixes its lengths, and --size its words")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {args.out}: not a directory (--protocol mlregtest writes one "
                         "file per set there)")
    g = load_grammar(args.grammar)
    seed = _seed(args.seed)
    size = args.size or "small"
    sets = mlregtest_sets(g, size, seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, data in sets.items():
        files[name] = out / f"{name}.jsonl"
        data.save(files[name])
    if args.json:
        emit_json({"grammar": g.name, "seed": seed, "protocol": "mlregtest", "size": size,
                   "out": args.out,
                   "sets": {name: {"file": str(files[name]), "words": len(data),
                                   "members": int(data.labels.sum())}
                            for name, data in sets.items()}})
    else:
        counts = ", ".join(f"{name} {len(data)}" for name, data in sets.items())
        emit([f"wrote MLRegTest's {size} sets to {args.out} (seed {seed}): {counts} words, "
              "half of each members"])
    return OK
