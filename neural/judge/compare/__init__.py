"""Hold a trained verifier against the exact automaton, word by word.

:func:`compare` draws MLRegTest-style test sets from
:func:`grammar.datasets.test_suite`, disjoint from the training words:

- ``short_random``: members and random non-members at the training lengths;
- ``long_random``: the same beyond them (31-60 after training on 1-30);
- ``short_adversarial`` and ``long_adversarial``: members and their near
  misses (one edit away), long-range cases included, such as the swapped
  wrapper letter of embedded Reber.

The automaton is the judge. The :class:`Comparison` gives accuracy,
false-positive and false-negative rates per set, accuracy per length and per
negative kind, and the shortest disagreements, each explained by
:meth:`grammar.Grammar.explain`. ``str(report)`` is a table for people,
:meth:`Comparison.to_json` is for machines and :meth:`Comparison.plot` draws
accuracy against length with the training range shaded. Inside a process
group of several ranks (``torchrun -m neural eval``) the ranks share the
predictions and the search, and every rank gets the same report.

Examples
--------
>>> from grammar import library
>>> from neural.verifier import Verifier
>>> g = library.parity()
>>> report = compare(Verifier.untrained(g), g, n_per_set=50, seed=0)
>>> sorted(report.sets)
['long_adversarial', 'long_random', 'short_adversarial', 'short_random']
>>> 0.0 <= report.accuracy <= 1.0
True
"""

from typing import Any

from neural.judge.compare.result import Comparison, SetScore
from neural.judge.compare.run import compare

__all__ = ["compare", "Comparison", "SetScore"]


def __getattr__(name: str) -> Any:
    if name in ("Report", "Disagreement"):  # old names, served by result with a warning
        from neural.judge.compare import result

        return getattr(result, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
