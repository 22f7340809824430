"""Grammar files: ``grammar.from_dot(path)``, ``grammar.to_json(g)``, and the same for AT&T.

Each format is one module of :mod:`grammar.io`, below :mod:`grammar.core`:
it reads its source into a declaration and writes from a grammar. The
functions here put a grammar on top, one line each, and are both spellings
at once: :class:`~grammar.Grammar` inherits them (``Grammar.from_dot(path)``,
``g.to_dot()``) and the package exports the very same objects as plain
functions (``grammar.from_dot(path)``, ``grammar.to_dot(g)``). Format modules
are loaded when called, and none imports :mod:`grammar.core`, so the arrows
run one way: core, then this mixin, then :mod:`grammar.io`. Other libraries'
automata and regular expressions come in through :mod:`grammar.conversions`
the same way.

Adding a file format takes its module in :mod:`grammar.io`, its ``from_*``
and ``to_*`` here, and in :mod:`grammar.io`'s face their names in
:data:`~grammar.io.FORMAT_FUNCTIONS` (the package exports them by that list)
and its suffix in :data:`~grammar.io.FILE_SUFFIXES` (the command lines read it).

Examples
--------
>>> from grammar import Grammar, from_json, library, to_json
>>> g = from_json(to_json(library.tomita(2)))
>>> g == library.tomita(2), g.name, to_json is Grammar.to_json
(True, 'tomita-2', True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grammar.core import Grammar
    from grammar.io.sources import Parsed, Source

__all__ = ["FormatMethods", "needs_grammar"]


def needs_grammar(g: Any) -> Any:
    """`g`, checked: a plain spelling such as ``grammar.to_dot(g)`` passes anything as ``self``.

    Examples
    --------
    >>> needs_grammar("digraph {}")
    Traceback (most recent call last):
    ...
    TypeError: a Grammar is needed, not str
    """
    if not isinstance(g, FormatMethods):
        raise TypeError(f"a Grammar is needed, not {type(g).__name__}")
    return g


class FormatMethods:
    """The file formats of :mod:`grammar.io`, for ``Grammar`` and as plain functions."""

    __slots__ = ()

    @classmethod
    def _from_parsed(cls, parsed: Parsed, name: str | None, description: str | None) -> Grammar:
        from grammar.io.sources import in_file

        with in_file(parsed.where):  # a compile error names the file too
            text = parsed.description if description is None else description
            return cls(parsed.declaration, name=name or parsed.name, description=text)

    @classmethod
    def from_dot(cls, source: Source, *, name: str | None = None,
                 description: str | None = None) -> Grammar:  # fmt: skip
        """Load a grammar from a DOT file, DOT text or an open file.

        The conventions read (grammarlab's, the learning tools' ``__start0``
        and ``doublecircle``, pyformlang's) are listed in :mod:`grammar.io.dot`.

        Parameters
        ----------
        source : str, os.PathLike or file
            A path (``.dot``/``.gv``), the DOT text itself (any str holding
            ``{``), or an open text file.
        name, description : str, optional
            Override the name (default: the graph's ID, else the file's stem)
            and the description (default: the graph attribute ``description``).

        Returns
        -------
        Grammar
            Its node labels are strings. A file that is missing or unreadable,
            is not valid DOT or does not declare a valid grammar raises a
            GrammarError whose message starts with the file name.

        Examples
        --------
        >>> from grammar import from_dot
        >>> g = from_dot('''digraph parity {
        ...     start=even;
        ...     node [shape=doublecircle]; even;
        ...     node [shape=circle];
        ...     even -> odd [label="1"]; odd -> even [label="1"];
        ...     even -> even [label="0"]; odd -> odd [label="0"];
        ... }''')
        >>> g.name, g.accepts("0110"), g.accepts("010")
        ('parity', True, False)
        >>> from_dot('digraph { __start0 -> s1; s1 [shape=doublecircle]; s1 -> s1 [label="1"] }',
        ...          name="ones").accepts("11")
        True
        >>> from_dot('digraph { a -> b }')
        Traceback (most recent call last):
        ...
        grammar.errors.GrammarError: <DOT text>: no start node; add an edge __start__ -> NODE or ...
        """
        from grammar.io.dot import read_dot

        return cls._from_parsed(read_dot(source), name, description)

    def to_dot(self, *, dialect: str = "grammarlab") -> str:
        """The grammar as DOT text, for graphviz and for :func:`grammar.from_dot`.

        Parameters
        ----------
        dialect : {"grammarlab", "aalpy"}
            ``"grammarlab"`` writes the declaration: the start state gets an
            arrow from a point node ``__start__``, accepting states are double
            circles with ``accepting=true``, weights other than 1 are written
            out, and an empty declaration says ``empty=true``. ``"aalpy"``
            writes the canonical minimal DFA as AALpy saves a ``Dfa``, which
            AALpy's own reader loads (see :mod:`grammar.io.aalpy_format`).

        Examples
        --------
        >>> from grammar import Grammar, to_dot
        >>> g = Grammar.from_edges([(0, 1, "a", 2.0), (1, 1, None)], start=0, accepting=[1],
        ...                        name="a")
        >>> print(to_dot(g))
        digraph a {
          rankdir=LR;
          node [shape=circle];
          0;
          1 [shape=doublecircle, accepting=true];
          __start__ [shape=point];
          __start__ -> 0;
          0 -> 1 [label=a, weight="2.0"];
          1 -> 1 [label="ε", epsilon=true];
        }
        """
        from grammar.io.dot import write_dot

        return write_dot(needs_grammar(self), dialect=dialect)

    @classmethod
    def from_json(cls, source: Source, *, name: str | None = None,
                  description: str | None = None) -> Grammar:  # fmt: skip
        """Load a grammar from a JSON file, JSON text or an open file.

        Parameters
        ----------
        source : str, os.PathLike or file
            A path (``.json``), the JSON text itself (any str holding ``{``),
            or an open text file. The schema is in :mod:`grammar.io.json_format`.
        name, description : str, optional
            Override the document's ``name`` (default: else the file's stem)
            and ``description``. A file that is missing, unreadable, not JSON,
            off the schema or an invalid grammar raises a GrammarError whose
            message starts with the file name.

        Examples
        --------
        >>> from grammar import from_json
        >>> g = from_json('{"start": 0, "accepting": [1], '
        ...               '"edges": [{"source": 0, "target": 1, "symbol": "a"}]}')
        >>> g.accepts("a"), g.declaration.start
        (True, 0)
        >>> from_json('{"start": 0, "accepting": [0], "edges": [{"source": 0, "target": 0}]}')
        Traceback (most recent call last):
        ...
        grammar.errors.GrammarError: <JSON text>: edges[0] has no 'symbol' (null for ...
        """
        from grammar.io.json_format import read_json

        return cls._from_parsed(read_json(source), name, description)

    def to_json(self) -> str:
        """The declaration as JSON text, one edge per line, for :func:`grammar.from_json`.

        Integer and string node labels are kept; others are written as text.

        Examples
        --------
        >>> from grammar import Grammar, to_json
        >>> print(to_json(Grammar.from_edges([(0, 1, "a", 0.5)], start=0, accepting=[1],
        ...                                  name="a")))
        {
          "name": "a",
          "description": "",
          "nodes": [0, 1],
          "start": 0,
          "accepting": [1],
          "edges": [
            {"source": 0, "target": 1, "symbol": "a", "weight": 0.5}
          ],
          "stop_weights": {}
        }
        """
        from grammar.io.json_format import write_json

        return write_json(needs_grammar(self))

    @classmethod
    def from_att(cls, source: Source, *, symbols: Any = None, name: str | None = None,
                 description: str | None = None,
                 project: str | None = None) -> Grammar:  # fmt: skip
        """Load an AT&T text acceptor (OpenFst, pynini, MLRegTest); see :mod:`grammar.io.att`.

        Parameters
        ----------
        source : str, os.PathLike or file
            A path (``.att``), the text itself (any str holding a newline), or
            an open text file.
        symbols : str, os.PathLike, file or mapping, optional
            A symbol table (``symbol<TAB>integer`` lines, or a mapping from
            integer labels to symbols). Without one, the labels are the symbols.
        name, description : str, optional
            Default: the file's stem, and no description.
        project : {None, "input", "output"}, optional
            An arc's input and output labels must agree (four fields are always
            ``source target input output``; a weight is the fifth); "input" or
            "output" reads a transducer's projection instead.

        A missing or unreadable file, a malformed line, or labels that differ
        without `project` raise a GrammarError naming the file and the line.

        Examples
        --------
        >>> from grammar import from_att
        >>> g = from_att("0\\t1\\ta\\ta\\n1\\t1\\tb\\tb\\n1\\n")
        >>> g.accepts("abb"), g.accepts("ba")
        (True, False)
        >>> from_att("0\\t1\\ta\\tb\\n1\\n")
        Traceback (most recent call last):
        ...
        grammar.errors.GrammarError: <AT&T text>: line 1: input 'a' and output 'b' differ; ...
        """
        from grammar.io.att import read_att

        parsed = read_att(source, symbols=symbols, project=project)
        return cls._from_parsed(parsed, name, description)

    def to_att(self) -> str:
        """The language as an AT&T acceptor: the canonical minimal complete DFA, start state first.

        Examples
        --------
        >>> from grammar import library, to_att
        >>> print(to_att(library.parity()), end="")
        0	0	0	0
        0	1	1	1
        1	1	0	0
        1	0	1	1
        0
        """
        from grammar.io.att import write_att

        return write_att(needs_grammar(self))
