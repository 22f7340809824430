"""Random walks on the declared graph, with the declared weights.

- :mod:`grammar.walks.chain`: the declaration as an epsilon-free Markov chain;
- :mod:`grammar.walks.blocks`: alias tables over blocks of steps, and the vectorised runner;
- :mod:`grammar.walks.conditioned`: walks conditioned exactly on their length;
- :mod:`grammar.walks.draw`: batches of whole walks for :func:`grammar.sampling.sample`.
"""

from grammar.walks.blocks import Walk
from grammar.walks.chain import Chain, build_chain
from grammar.walks.draw import (
    LongWalkWarning,
    bounds_feasible,
    expected_walk_length,
    sample_codes,
    walk_codes,
)

__all__ = [
    "Chain",
    "LongWalkWarning",
    "Walk",
    "bounds_feasible",
    "build_chain",
    "expected_walk_length",
    "sample_codes",
    "walk_codes",
]
