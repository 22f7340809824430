"""Exhaustive disagreement search: every word in scope, prefixes shared in a trie.

:func:`search` runs a verifier over every word up to the largest length its
budget allows, then over every member and every near miss up to
``max_length``, and reports how many words it checked, of which kinds and up
to which lengths, what the budget left out, and the shortest words where the
network and the automaton disagree, each explained.

The modules, one idea each:

- :mod:`~neural.judge.search.stepper`: the network read one symbol at a time;
- :mod:`~neural.judge.search.scope`: which words are in scope, and what a walk costs;
- :mod:`~neural.judge.search.counts`: words and trie nodes per depth, counted capped at 2**53;
- :mod:`~neural.judge.search.trie`: the chunked, prefix-shared walk;
- :mod:`~neural.judge.search.result`: :class:`SearchResult`;
- :mod:`~neural.judge.search.run`: :func:`search`.

Examples
--------
>>> from grammar import library
>>> from neural.verifier import Verifier
>>> g = library.parity()
>>> result = search(Verifier.untrained(g, seed=0), g, max_length=6, progress=False)
>>> result.words, result.n_disagreements == sum(result.disagreements_by_kind.values())
(127, True)
"""

from typing import Any

from neural.judge.search.result import SearchResult
from neural.judge.search.run import search
from neural.judge.search.scope import Scope
from neural.judge.search.stepper import RNNStepper, Stepper, stepper_for

__all__ = ["search", "SearchResult", "Scope", "Stepper", "RNNStepper", "stepper_for"]


def __getattr__(name: str) -> Any:
    if name in ("Finding", "SearchReport"):  # old names, served by result with a warning
        from neural.judge.search import result

        return getattr(result, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
