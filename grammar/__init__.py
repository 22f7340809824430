"""grammarlab's exact side: finite-state grammars declared as networkx graphs.

Declare a grammar once and get an exact acceptor (its canonical minimal DFA),
counting, enumeration and composition, plus plain functions, networkx style,
that take a grammar: generators (:func:`sample`, :func:`sample_uniform`,
:func:`near_misses`, :func:`non_members`, :func:`distance`), formats
(:func:`from_dot`, :func:`to_dot`, :func:`from_json`, ...; each the very same
object as ``Grammar.from_dot`` / ``g.to_dot()``) and :func:`load`, a grammar by
command-line NAME. ``g.sample(n)``, ``g.sample_uniform(n, length)`` and
``g.near_misses(n)`` forward to the generators of the same name.

Examples
--------
>>> from grammar import library, sample
>>> g = library.embedded_reber()
>>> g.accepts("BTBTXSETE")
True
>>> print(g.explain("BTBTXSEPE"))
rejected at position 7: found 'P' after 'BTBTXSE', expected one of 'T'
>>> all(g.accepts(w) for w in sample(g, 10, seed=0))
True
"""

import importlib
from typing import TYPE_CHECKING, Any

from grammar.io import FORMAT_FUNCTIONS

if TYPE_CHECKING:  # the same names, eagerly, for type checkers and editors
    from grammar import library
    from grammar.automaton import DFA
    from grammar.core import Grammar
    from grammar.errors import EmptyLanguageError, GrammarError
    from grammar.explain import Explanation
    from grammar.lookup import load
    from grammar.negatives import distance, near_misses, non_members
    from grammar.ops import concat, star, symbol, union
    from grammar.random_grammars import random_grammar
    from grammar.sampling import sample, sample_uniform
    from grammar.words import Word

# Names load on first use (PEP 562), so `import grammar` costs nothing and a
# command that needs only the acceptor never imports the generators.
_HOMES = {
    "library": None,
    "DFA": "grammar.automaton",
    "Grammar": "grammar.core",
    "Word": "grammar.words",
    "EmptyLanguageError": "grammar.errors",
    "GrammarError": "grammar.errors",
    "Explanation": "grammar.explain",
    "concat": "grammar.ops",
    "star": "grammar.ops",
    "symbol": "grammar.ops",
    "union": "grammar.ops",
    "random_grammar": "grammar.random_grammars",
    "sample": "grammar.sampling",
    "sample_uniform": "grammar.sampling",
    "distance": "grammar.negatives",
    "near_misses": "grammar.negatives",
    "non_members": "grammar.negatives",
    "load": "grammar.lookup",
}

# The formats' functions are Grammar's own: grammar.from_dot is Grammar.from_dot. Their names
# come from grammar.io's face, which imports nothing, so a new format needs no line here.
_FORMATS = FORMAT_FUNCTIONS


def __getattr__(name: str) -> Any:
    if name in _FORMATS:
        value = getattr(__getattr__("Grammar"), name)
    elif name in _HOMES:
        home = _HOMES[name]
        value = (importlib.import_module(f"grammar.{name}") if home is None
                 else getattr(importlib.import_module(home), name))
    else:
        raise AttributeError(f"module 'grammar' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES) | set(_FORMATS))


__all__ = [
    "DFA",
    "EmptyLanguageError",
    "Explanation",
    "Grammar",
    "GrammarError",
    "Word",
    "concat",
    "distance",
    *_FORMATS,
    "library",
    "load",
    "near_misses",
    "non_members",
    "random_grammar",
    "sample",
    "sample_uniform",
    "star",
    "symbol",
    "union",
]

__version__ = "0.1.0"
