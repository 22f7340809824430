"""Labelled data sets whose every label was checked by the exact automaton.

:func:`make_dataset` draws members and non-members in equal numbers, and in
equal numbers *at each length*, so that length alone predicts nothing. The
members of a length are drawn uniformly without replacement (distinct ranks,
unranked on the DFA); the non-members are near misses (one edit from a
member, see :func:`grammar.negatives.near_misses`) and uniformly random
non-members, in the proportions asked for. Nothing is repeated.

:func:`split` cuts a data set into disjoint parts (no word in two parts),
stratified by kind. :func:`test_suite` builds the MLRegTest-style test sets:
random and adversarial (near-miss pairs, :func:`adversarial_pairs`), at
training lengths and beyond. :func:`mlregtest_sets` follows MLRegTest's own
protocol: its training sizes, lengths and four test sets (SR, SA, LR, LA).

A :class:`Dataset` saves to and loads from JSON lines (``.jsonl``) or numpy
(``.npz``) files that record the grammar's name and fingerprint and the seed.

Each row has a kind (:data:`ROW_KINDS`): ``"member"``, the edit of a near
miss (one of :data:`grammar.negatives.KINDS`, such as ``"substitute"``), the
same with the suffix ``"-long-range"`` for a locally plausible near miss, or
``"random"``.

The modules, by idea: :mod:`~grammar.datasets.record` (the :class:`Dataset`),
:mod:`~grammar.datasets.files` (JSON lines and ``.npz``),
:mod:`~grammar.datasets.kinds` (row kinds and the negatives mix),
:mod:`~grammar.datasets.draw` (distinct words, length by length),
:mod:`~grammar.datasets.balanced` (:func:`make_dataset`),
:mod:`~grammar.datasets.splits` (:func:`split`),
:mod:`~grammar.datasets.suite` (:func:`test_suite`) and
:mod:`~grammar.datasets.mlregtest` (:func:`mlregtest_sets`).

Examples
--------
>>> from grammar import library
>>> from grammar.datasets import make_dataset, split
>>> g = library.embedded_reber()
>>> data = make_dataset(g, 1000, lengths=(9, 30), seed=0)
>>> len(data), int(data.labels.sum())
(1000, 500)
>>> bool((g.accepts_many(data.words) == data.labels).all())
True
>>> train, valid, test = split(data, seed=0)
>>> len(train), len(valid), len(test)
(800, 100, 100)
>>> set(train.words) & set(test.words)
set()
"""

from grammar.datasets.balanced import make_dataset
from grammar.datasets.kinds import LONG_RANGE_SUFFIX, NEGATIVE_KINDS, ROW_KINDS
from grammar.datasets.mlregtest import (
    MLREGTEST_EDITS,
    MLREGTEST_LONG,
    MLREGTEST_SETS,
    MLREGTEST_SHORT,
    MLREGTEST_SIZES,
    mlregtest_sets,
)
from grammar.datasets.record import Dataset
from grammar.datasets.splits import split
from grammar.datasets.suite import adversarial_pairs, test_suite

__all__ = [
    "Dataset",
    "make_dataset",
    "split",
    "test_suite",
    "adversarial_pairs",
    "mlregtest_sets",
    "MLREGTEST_EDITS",
    "MLREGTEST_LONG",
    "MLREGTEST_SETS",
    "MLREGTEST_SHORT",
    "MLREGTEST_SIZES",
    "NEGATIVE_KINDS",
    "ROW_KINDS",
    "LONG_RANGE_SUFFIX",
]
