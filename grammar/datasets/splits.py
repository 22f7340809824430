"""Cutting a data set into disjoint parts: :func:`split`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from grammar.checks import check_fraction
from grammar.datasets.record import Dataset
from grammar.errors import GrammarError
from grammar.seeds import as_generator

__all__ = ["split"]


def split(
    ds: Dataset, fractions: Sequence[float] = (0.8, 0.1, 0.1), seed: Any = None
) -> tuple[Dataset, ...]:
    """Cut a data set into disjoint parts, stratified by kind.

    Copies of one word (if any) always land in the same part, so no word is
    shared between parts. Each kind is cut by `fractions` on its own, so
    every part keeps the data set's balance. A part may be empty (a small
    data set cut in many parts); it saves and loads like any other.

    Parameters
    ----------
    ds : Dataset
    fractions : sequence of float
        Sizes of the parts, summing to 1 (train, validation, test by default).
    seed : int, None or numpy.random.Generator
        None uses the data set's own seed, so a split is reproducible.

    Returns
    -------
    tuple of Dataset
        One per fraction; ``info["part"]`` is its index.

    Examples
    --------
    >>> from grammar import library
    >>> from grammar.datasets import make_dataset
    >>> data = make_dataset(library.reber(), 200, lengths=(5, 12), seed=0)
    >>> parts = split(data, (0.5, 0.5))
    >>> [len(p) for p in parts], [int(p.labels.sum()) for p in parts]
    ([100, 100], [50, 50])
    """
    if not isinstance(ds, Dataset):
        raise TypeError(f"split needs a Dataset, not {type(ds).__name__}")
    fractions = [check_fraction(f, "fractions") for f in fractions]
    if not fractions or not math.isclose(sum(fractions), 1.0, abs_tol=1e-6):
        raise GrammarError(f"fractions must be >= 0 and sum to 1, got {tuple(fractions)}")
    rng = as_generator(ds.seed if seed is None else seed)
    group_of: dict = {}
    groups = np.array([group_of.setdefault(w, len(group_of)) for w in ds.words], dtype=np.intp)
    # A group's kind is that of its first row; each kind's groups are shuffled and cut.
    first_row = np.full(len(group_of), -1, dtype=np.intp)
    first_row[groups[::-1]] = np.arange(len(groups))[::-1]
    group_kind = ds.kinds[first_row] if len(first_row) else np.array([], dtype=str)
    part_of_group = np.empty(len(group_of), dtype=np.intp)
    kinds, sizes = np.unique(group_kind, return_counts=True)
    for kind, counts in zip(kinds, _apportion(sizes, fractions), strict=True):
        members = rng.permutation(np.flatnonzero(group_kind == kind))
        part_of_group[members] = np.repeat(np.arange(len(fractions)), counts)
    row_part = part_of_group[groups]
    return tuple(
        replace(ds.take(np.flatnonzero(row_part == part)), info={**ds.info, "part": part})
        for part in range(len(fractions))
    )


def _apportion(sizes: np.ndarray, fractions: list[float]) -> np.ndarray:
    """Integer counts[kind, part] with rows summing to `sizes`, near ``size * fraction``,
    and columns summing to the parts' rounded totals (largest remainders)."""
    ideal = np.outer(sizes, fractions)
    counts = np.floor(ideal).astype(np.int64)
    total = ideal.sum(axis=0)
    target = np.floor(total).astype(np.int64)
    spare = int(sizes.sum() - target.sum())
    target[np.argsort(-(total - target), kind="stable")[:spare]] += 1
    for row in range(len(sizes)):
        for _ in range(int(sizes[row] - counts[row].sum())):
            deficit = target - counts.sum(axis=0)
            counts[row, int(np.argmax(deficit + (ideal[row] - counts[row]) * 1e-9))] += 1
    return counts
