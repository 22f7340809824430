"""A suite's ``size``: MLRegTest's data at one of its sizes, as TrainConfig fields.

``size = "small"`` (or ``"mid"``, ``"large"``: :data:`grammar.datasets.MLREGTEST_SIZES`,
1,000, 10,000 and 100,000 words) in a ``[[models]]`` table, or in ``[train]``
for every model, trains on data drawn as the MLRegTest benchmark draws it: a
training split and a validation split of that many words each (the
benchmark's training and development sets), at lengths 20-29, half members
and half uniformly random non-members, each length as many of both. It stands
for these fields (:data:`SIZE_FIELDS`), which the same table must then leave
out:

- ``n_examples``: twice the size;
- ``split``: ``[0.5, 0.5, 0.0]``;
- ``lengths``: ``[20, 29]``;
- ``negatives``: ``{random = 1.0}``.

These are the benchmark's sets as the run's TrainConfig draws them (seeded by
the run's seed), not the very words of
:func:`grammar.datasets.mlregtest_sets`' ``train`` and ``dev``. A sized run
is scored on the suite's ``[compare]`` sets, as every run, and on
MLRegTest's own four test sets, SR, LR, SA and LA (:mod:`neural.suite.mlregtest`).

Examples
--------
>>> from neural.suite.checks import KeyChecker
>>> size_fields("small", "models[0].size", {}, KeyChecker("x.toml"))["n_examples"]
2000
>>> size_fields("mid", "models[0].size", {"lengths": [1, 9]}, KeyChecker("x.toml"))
Traceback (most recent call last):
...
neural.suite.SpecError: x.toml: models[0].size: sets n_examples, split, lengths and \
negatives: give size or lengths, not both
"""

from __future__ import annotations

from typing import Any

from grammar.datasets import MLREGTEST_SHORT, MLREGTEST_SIZES
from neural.suite.checks import KeyChecker

__all__ = ["SIZE_FIELDS", "size_fields"]

#: The TrainConfig fields a ``size`` stands for.
SIZE_FIELDS = ("n_examples", "split", "lengths", "negatives")


def size_fields(size: Any, where: str, given: dict, fail: KeyChecker) -> dict[str, Any]:
    """The TrainConfig fields of MLRegTest's data at `size`; none may be in `given` too.

    Raises
    ------
    SpecError
        Through `fail`, naming `where`, for an unknown size or a field given
        beside it.
    """
    if not isinstance(size, str) or size not in MLREGTEST_SIZES:
        fail(where, f"must be one of {', '.join(map(repr, MLREGTEST_SIZES))}, not {size!r}")
    clash = [key for key in SIZE_FIELDS if key in given]
    if clash:
        fail(where, f"sets {', '.join(SIZE_FIELDS[:-1])} and {SIZE_FIELDS[-1]}: give size or "
                    f"{clash[0]}, not both")
    words = MLREGTEST_SIZES[size]
    return {"n_examples": 2 * words, "split": (0.5, 0.5, 0.0), "lengths": MLREGTEST_SHORT,
            "negatives": {"random": 1.0}}
