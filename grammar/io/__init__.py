"""File formats and other libraries' automata, below :mod:`grammar.core`: one module per format.

Each module reads its source into a validated
:class:`~grammar.graph.Declaration` (with the name and description its file
gives, a :class:`~grammar.io.sources.Parsed`) and writes from a grammar,
without importing :mod:`grammar.core`:

- :mod:`grammar.io.dot` -- DOT as graphviz users write it, and the dialect
  of AALpy, LearnLib, FlexFringe and the Automata Wiki (``__start0``,
  ``doublecircle``);
- :mod:`grammar.io.json_format` -- one JSON object, weights included;
- :mod:`grammar.io.att` -- AT&T text acceptors (OpenFst, pynini, MLRegTest);
- :mod:`grammar.io.pyformlang` -- pyformlang's networkx convention;
- :mod:`grammar.io.aalpy_format`, :mod:`grammar.io.automata_lib` -- AALpy's
  ``Dfa``, automata-lib's ``DFA`` and ``NFA`` (optional extras);
- :mod:`grammar.io.regex` -- Python regular expressions.

The grammar-level functions are :func:`grammar.from_dot`,
:func:`grammar.to_dot` and their siblings (named in :data:`FORMAT_FUNCTIONS`),
each the same object as the method ``Grammar.from_dot`` / ``g.to_dot()``
(:mod:`grammar.formats`, :mod:`grammar.conversions`). :func:`grammar.load`
(:mod:`grammar.lookup`) reads a grammar by NAME, as the command lines do: a
built-in, a file whose suffix is in :data:`FILE_SUFFIXES`, or
:data:`REGEX_PREFIX` and a pattern. This face holds those declarations and
imports nothing, so that ``import grammar`` and a command line's help read
them without loading a grammar.

DOT and JSON round-trip the language and the weights (``weight`` on edges,
``stop_weight`` on accepting nodes). Node labels survive as far as each
format allows: JSON keeps ``int`` and ``str`` labels, DOT turns every label
into a ``str``; other labels (tuples, say) are written as text, and when two
labels would print the same, the states are numbered instead. AT&T and
AALpy carry the language only, as a minimal DFA.

Empty languages: a declaration without accepting nodes is refused as a
forgotten ``accepting=True`` unless it says ``empty=True`` (a graph
attribute in networkx and DOT, a key in JSON). Formats that list their final
states explicitly (AT&T, AALpy automata, DOT from the learning tools) need no
such flag.

Errors
------
A missing or unreadable file, bad syntax, a wrong schema or a bad value
raises :class:`~grammar.GrammarError` whose message starts with the file
name (or ``<DOT text>`` / ``<JSON text>`` / ``<AT&T text>``) and says what is wrong.

The names ``grammar.io.from_dot``, ``grammar.io.load`` and their siblings of
earlier releases still work, with a :class:`DeprecationWarning`: they are
:func:`grammar.from_dot`, :func:`grammar.load` and so on.

Examples
--------
>>> FILE_SUFFIXES[".gv"], file_types()
('dot', '.att, .gv, .dot or .json')
"""

from __future__ import annotations

from typing import Any

__all__ = ["FILE_SUFFIXES", "FORMAT_FUNCTIONS", "REGEX_PREFIX", "file_types"]

#: The package's names for the formats' functions, ``grammar.from_dot`` and so on: each is
#: Grammar's own (:mod:`grammar.formats`, :mod:`grammar.conversions`), and the package
#: exports it by this list, so that ``import grammar`` loads no format.
FORMAT_FUNCTIONS = (
    "from_aalpy", "from_att", "from_automata", "from_dot", "from_json", "from_pyformlang_graph",
    "from_regex", "to_aalpy", "to_att", "to_automata", "to_dot", "to_json",
)  # fmt: skip

#: Grammar files by suffix (lower case), and the format of each: a NAME that
#: ends in one is loaded by ``grammar.from_<format>``, e.g. :func:`grammar.from_dot`.
#: Messages and help texts list them in this order.
FILE_SUFFIXES = {".att": "att", ".gv": "dot", ".dot": "dot", ".json": "json"}

#: The prefix that makes a NAME a regular expression: ``re:(ab)*``.
REGEX_PREFIX = "re:"


def file_types(conjunction: str = "or") -> str:
    """The suffixes of :data:`FILE_SUFFIXES` as a list for a message or a help text.

    Examples
    --------
    >>> file_types("and")
    '.att, .gv, .dot and .json'
    """
    suffixes = list(FILE_SUFFIXES)
    return f"{', '.join(suffixes[:-1])} {conjunction} {suffixes[-1]}"


# The spellings grammar.io.NAME of earlier releases: each is grammar.NAME now, the same object.
_MOVED = (
    "from_dot", "to_dot", "from_json", "to_json", "from_att", "to_att", "from_pyformlang_graph",
    "from_aalpy", "to_aalpy", "from_regex", "from_automata", "to_automata", "load",
)  # fmt: skip


def __getattr__(name: str) -> Any:
    if name not in _MOVED:
        raise AttributeError(f"module 'grammar.io' has no attribute {name!r}")
    import warnings

    import grammar  # the package face, loaded before this one; its names load on first use

    warnings.warn(f"grammar.io.{name} is deprecated; use grammar.{name} (the same function)",
                  DeprecationWarning, stacklevel=2)
    return getattr(grammar, name)
