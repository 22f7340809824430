"""File formats as methods of :class:`grammar.Grammar`: ``Grammar.from_dot(path)``, ``g.to_att()``.

The formats themselves live in :mod:`grammar.io`, one module each, as plain
functions on declarations. This mixin only loads them when a method is
called and builds the grammar with ``cls``, so neither it nor the format
modules import :mod:`grammar.core`: the arrows run one way.

Examples
--------
>>> from grammar import Grammar, library
>>> g = Grammar.from_json(library.tomita(2).to_json())
>>> g == library.tomita(2), g.name
(True, 'tomita-2')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

    from grammar.core import Grammar

__all__ = ["FormatMethods"]


class FormatMethods:
    """Loading and saving a grammar in the formats of :mod:`grammar.io`."""

    __slots__ = ()

    @classmethod
    def from_dot(cls, source: Any, *, name: str | None = None,
                 description: str | None = None) -> Grammar:  # fmt: skip
        """Load a DOT file, DOT text or open file; see :func:`grammar.io.from_dot`."""
        from grammar.io import dot

        return cls._from_parsed(dot.read_dot(source), name, description)

    @classmethod
    def from_json(cls, source: Any, *, name: str | None = None,
                  description: str | None = None) -> Grammar:  # fmt: skip
        """Load a JSON file, JSON text or open file; see :func:`grammar.io.from_json`."""
        from grammar.io import json_format

        return cls._from_parsed(json_format.read_json(source), name, description)

    @classmethod
    def from_att(cls, source: Any, *, symbols: Any = None, name: str | None = None,
                 description: str | None = None,
                 project: str | None = None) -> Grammar:  # fmt: skip
        """Load an AT&T (OpenFst) acceptor; see :func:`grammar.io.from_att`."""
        from grammar.io import att

        parsed = att.read_att(source, symbols=symbols, project=project)
        return cls._from_parsed(parsed, name, description)

    @classmethod
    def from_pyformlang_graph(cls, G: nx.DiGraph, *, name: str | None = None,
                              description: str = "") -> Grammar:  # fmt: skip
        """Load a graph in pyformlang's convention; see :func:`grammar.io.from_pyformlang_graph`."""
        from grammar.io import pyformlang

        return cls(pyformlang.pyformlang_declaration(G), name=name, description=description)

    @classmethod
    def from_aalpy(cls, dfa: Any, *, name: str | None = None, description: str = "") -> Grammar:
        """Convert an AALpy ``Dfa``; see :func:`grammar.io.from_aalpy`."""
        from grammar.io import aalpy_format

        return cls(aalpy_format.aalpy_declaration(dfa), name=name, description=description)

    @classmethod
    def from_regex(cls, pattern: str, *, alphabet: Any = None, name: str | None = None,
                   description: str = "", max_states: int | None = None) -> Grammar:  # fmt: skip
        """The words a Python regex fully matches; see :func:`grammar.io.from_regex`."""
        from grammar.io import regex

        declaration = regex.regex_declaration(pattern, alphabet, max_states)
        return cls(declaration, name=f"re:{pattern}" if name is None else name,
                   description=description)

    @classmethod
    def from_automata(cls, automaton: Any, *, name: str | None = None,
                      description: str = "") -> Grammar:  # fmt: skip
        """Convert an automata-lib ``DFA`` or ``NFA``; see :func:`grammar.io.from_automata`."""
        from grammar.io import automata_lib

        return cls(automata_lib.automata_declaration(automaton), name=name,
                   description=description)

    @classmethod
    def _from_parsed(cls, parsed: Any, name: str | None, description: str | None) -> Grammar:
        from grammar.io.sources import in_file

        with in_file(parsed.where):  # a compile error names the file too
            text = parsed.description if description is None else description
            return cls(parsed.declaration, name=name or parsed.name, description=text)

    def to_dot(self, *, dialect: str = "grammarlab") -> str:
        """The grammar as DOT text; see :func:`grammar.io.to_dot`."""
        from grammar.io import dot

        return dot.write_dot(self, dialect=dialect)

    def to_json(self) -> str:
        """The declaration as JSON text; see :func:`grammar.io.to_json`."""
        from grammar.io import json_format

        return json_format.write_json(self)

    def to_att(self) -> str:
        """The language as an AT&T (OpenFst) acceptor; see :func:`grammar.io.to_att`."""
        from grammar.io import att

        return att.write_att(self)

    def to_automata(self, *, kind: str = "dfa") -> Any:
        """An automata-lib ``DFA`` (or ``NFA``); see :func:`grammar.io.to_automata`."""
        from grammar.io import automata_lib

        return automata_lib.to_automata(self, kind=kind)

    def to_aalpy(self) -> Any:
        """The canonical minimal DFA as an AALpy ``Dfa``; see :func:`grammar.io.to_aalpy`."""
        from grammar.io import aalpy_format

        return aalpy_format.to_aalpy(self)
