"""grammarlab's exact side: finite-state grammars declared as networkx graphs.

Declare a grammar once and get an exact acceptor (its canonical minimal DFA),
counting, enumeration, composition, and, in the submodules, sampling, near
misses, Hypothesis strategies and labelled data sets.

Examples
--------
>>> from grammar import library
>>> g = library.embedded_reber()
>>> g.accepts("BTBTXSETE")
True
>>> print(g.explain("BTBTXSEPE"))
rejected at position 7: found 'P' after 'BTBTXSE', expected one of 'T'
"""

from grammar import library
from grammar.automaton import DFA
from grammar.core import Grammar, Word
from grammar.errors import EmptyLanguageError, GrammarError
from grammar.explain import Explanation
from grammar.ops import concat, star, symbol, union
from grammar.random_grammars import random_grammar

__all__ = [
    "DFA",
    "EmptyLanguageError",
    "Explanation",
    "Grammar",
    "GrammarError",
    "Word",
    "concat",
    "library",
    "random_grammar",
    "star",
    "symbol",
    "union",
]

__version__ = "0.1.0"
