"""grammarlab's exact side: finite-state grammars declared as networkx graphs.

Declare a grammar once and get an exact acceptor (its canonical minimal DFA),
counting, enumeration and composition, plus plain functions, networkx style,
that take a grammar: generators (:func:`sample`, :func:`sample_uniform`,
:func:`near_misses`, :func:`non_members`, :func:`distance`) and file formats
(:func:`from_dot`, :func:`to_dot`, :func:`from_json`, ...). ``Grammar`` also has
each of them as a method (``g.sample(n)``, ``Grammar.from_dot(path)``).

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

if TYPE_CHECKING:  # the same names, eagerly, for type checkers and editors
    from grammar import library
    from grammar.automaton import DFA
    from grammar.core import Grammar
    from grammar.errors import EmptyLanguageError, GrammarError
    from grammar.explain import Explanation
    from grammar.io import (
        from_aalpy,
        from_att,
        from_automata,
        from_dot,
        from_json,
        from_pyformlang_graph,
        from_regex,
        to_aalpy,
        to_att,
        to_automata,
        to_dot,
        to_json,
    )
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
    **{name: "grammar.io" for name in (
        "from_aalpy", "from_att", "from_automata", "from_dot", "from_json",
        "from_pyformlang_graph", "from_regex", "to_aalpy", "to_att", "to_automata", "to_dot",
        "to_json",
    )},
}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'grammar' has no attribute {name!r}")
    home = _HOMES[name]
    value = (importlib.import_module(f"grammar.{name}") if home is None
             else getattr(importlib.import_module(home), name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))


__all__ = [
    "DFA",
    "EmptyLanguageError",
    "Explanation",
    "Grammar",
    "GrammarError",
    "Word",
    "concat",
    "distance",
    "from_aalpy",
    "from_att",
    "from_automata",
    "from_dot",
    "from_json",
    "from_pyformlang_graph",
    "from_regex",
    "library",
    "near_misses",
    "non_members",
    "random_grammar",
    "sample",
    "sample_uniform",
    "star",
    "symbol",
    "to_aalpy",
    "to_att",
    "to_automata",
    "to_dot",
    "to_json",
    "union",
]

__version__ = "0.1.0"
