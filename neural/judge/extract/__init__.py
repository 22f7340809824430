"""Automaton extraction with a verdict: does this network compute exactly this language?

:func:`extract` learns a DFA from a trained network with Angluin's L*, the
network answering the membership queries in batches and the exact grammar
answering the equivalence queries. The result, an :class:`Extraction`,
holds the learnt automaton as a :class:`~grammar.Grammar` and one of three
verdicts: ``"agrees"`` (with how many words were checked, up to which
length: not a proof), ``"counterexample"`` (the shortest word found where the
network is wrong, confirmed by running it) or ``"undecided"`` within the budget.

The modules, one idea each:

- :mod:`~neural.judge.extract.lstar`: the observation table;
- :mod:`~neural.judge.extract.sampling`: the long words checked after the search;
- :mod:`~neural.judge.extract.result`: :class:`Extraction`;
- :mod:`~neural.judge.extract.run`: :func:`extract`.

Examples
--------
>>> from grammar import library
>>> from neural.verifier import Verifier
>>> g = library.tomita(2)
>>> ex = extract(Verifier.untrained(g, seed=0), g, budget=5, progress=False)
>>> ex.verdict, ex.minimal_states
('counterexample', 3)
"""

from neural.judge.extract.lstar import Table
from neural.judge.extract.result import VERDICTS, Extraction
from neural.judge.extract.run import DEFAULT_BUDGET, extract, recorded_grammar

__all__ = ["extract", "Extraction", "VERDICTS", "DEFAULT_BUDGET", "Table", "recorded_grammar"]
