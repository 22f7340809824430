"""Reading and writing grammars: DOT, JSON and AT&T files, regular expressions, other libraries.

One module per format, each reading its source into a validated
:class:`~grammar.graph.Declaration` and writing from a grammar, without
importing :mod:`grammar.core`:

- :mod:`grammar.io.dot` -- DOT as graphviz users write it, and the dialect
  of AALpy, LearnLib, FlexFringe and the Automata Wiki (``__start0``,
  ``doublecircle``);
- :mod:`grammar.io.json_format` -- one JSON object, weights included;
- :mod:`grammar.io.att` -- AT&T text acceptors (OpenFst, pynini, MLRegTest);
- :mod:`grammar.io.pyformlang` -- pyformlang's networkx convention;
- :mod:`grammar.io.aalpy_format`, :mod:`grammar.io.automata_lib` -- AALpy's
  ``Dfa``, automata-lib's ``DFA`` and ``NFA`` (optional extras);
- :mod:`grammar.io.regex` -- Python regular expressions (optional extra).

The functions here return :class:`~grammar.Grammar` objects and are the same
as the classmethods ``Grammar.from_dot`` and the methods ``g.to_dot()``, and
so on. :func:`load` (from :mod:`grammar.lookup`) reads a built-in by name or
a file by path, or a regular expression ``re:PATTERN``, as the command-line
tools do.

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

Examples
--------
>>> from grammar import library
>>> from grammar.io import from_dot, from_json, to_dot, to_json
>>> g = library.reber()
>>> from_dot(to_dot(g)) == g, from_json(to_json(g)) == g
(True, True)
>>> h = from_dot('digraph { __start__ -> 0; 0 -> 1 [label="a"]; 1 [shape=doublecircle] }')
>>> h.accepts("a"), h.accepts("aa")
(True, False)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from grammar.core import Grammar
from grammar.io.sources import Source
from grammar.lookup import load

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "from_dot", "to_dot", "from_json", "to_json", "from_att", "to_att",
    "from_pyformlang_graph", "from_aalpy", "to_aalpy", "from_regex", "from_automata",
    "to_automata", "load",
]  # fmt: skip


def _grammar(g: Any) -> Grammar:
    if not isinstance(g, Grammar):
        raise TypeError(f"a Grammar is needed, not {type(g).__name__}")
    return g


def from_dot(source: Source, *, name: str | None = None, description: str | None = None) -> Grammar:
    """Load a grammar from a DOT file, DOT text or an open file.

    The conventions read (grammarlab's, the learning tools' ``__start0`` and
    ``doublecircle``, pyformlang's) are listed in :mod:`grammar.io.dot`.

    Parameters
    ----------
    source : str, os.PathLike or file
        A path (``.dot``/``.gv``), the DOT text itself (any str holding
        ``{``), or an open text file.
    name, description : str, optional
        Override the name (default: the graph's ID, else the file's stem) and
        the description (default: the graph attribute ``description``).

    Returns
    -------
    Grammar
        Its node labels are strings.

    Raises
    ------
    GrammarError
        If the file is missing or unreadable, is not valid DOT, or does not
        declare a valid grammar; the message starts with the file name.

    Examples
    --------
    >>> g = from_dot('''digraph parity {
    ...     start=even;
    ...     node [shape=doublecircle]; even;
    ...     node [shape=circle];
    ...     even -> odd [label="1"]; odd -> even [label="1"];
    ...     even -> even [label="0"]; odd -> odd [label="0"];
    ... }''')
    >>> g.name, g.accepts("0110"), g.accepts("010")
    ('parity', True, False)
    >>> aalpy_style = '''digraph g {
    ...     __start0 [label="" shape="none"]
    ...     s1 [shape="doublecircle" label="s1"]
    ...     s2 [shape="circle" label="s2"]
    ...     __start0 -> s1
    ...     s1 -> s2[label="0"]
    ...     s1 -> s1[label="1"]
    ...     s2 -> s1[label="0"]
    ...     s2 -> s2[label="1"]
    ... }'''
    >>> from_dot(aalpy_style, name="even-zeros").accepts("0101")
    True
    >>> from_dot('digraph { a -> b }')
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: <DOT text>: no start node; add an edge __start__ -> NODE or ...
    """
    return Grammar.from_dot(source, name=name, description=description)


def to_dot(g: Grammar, *, dialect: str = "grammarlab") -> str:
    """The grammar as DOT text, for graphviz and for :func:`from_dot`.

    Parameters
    ----------
    g : Grammar
    dialect : {"grammarlab", "aalpy"}
        ``"grammarlab"`` writes the declaration: the start state gets an
        arrow from a point node ``__start__``, accepting states are double
        circles with ``accepting=true``, weights other than 1 are written out,
        and an empty declaration says ``empty=true``. ``"aalpy"`` writes the
        canonical minimal DFA as AALpy saves a ``Dfa``, which AALpy's own
        reader loads (see :mod:`grammar.io.aalpy_format`).

    Examples
    --------
    >>> g = Grammar.from_edges([(0, 1, "a", 2.0), (1, 1, None)], start=0, accepting=[1], name="a")
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
    return _grammar(g).to_dot(dialect=dialect)


def from_json(
    source: Source, *, name: str | None = None, description: str | None = None
) -> Grammar:
    """Load a grammar from a JSON file, JSON text or an open file.

    Parameters
    ----------
    source : str, os.PathLike or file
        A path (``.json``), the JSON text itself (any str holding ``{``), or
        an open text file. The schema is in :mod:`grammar.io.json_format`.
    name, description : str, optional
        Override the document's ``name`` (default: else the file's stem) and
        ``description``.

    Raises
    ------
    GrammarError
        If the file is missing or unreadable, is not valid JSON, breaks the
        schema or declares an invalid grammar; the message starts with the
        file name.

    Examples
    --------
    >>> g = from_json('{"start": 0, "accepting": [1], '
    ...               '"edges": [{"source": 0, "target": 1, "symbol": "a"}]}')
    >>> g.accepts("a"), g.declaration.start
    (True, 0)
    >>> from_json('{"start": 0, "accepting": [0], "edges": [{"source": 0, "target": 0}]}')
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: <JSON text>: edges[0] has no 'symbol' (null for an epsilon move)
    """
    return Grammar.from_json(source, name=name, description=description)


def to_json(g: Grammar) -> str:
    """The grammar's declaration as JSON text, one edge per line, for :func:`from_json`.

    Integer and string node labels are kept; others are written as text.

    Examples
    --------
    >>> g = Grammar.from_edges([(0, 1, "a", 0.5)], start=0, accepting=[1], name="a")
    >>> print(to_json(g))
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
    return _grammar(g).to_json()


def from_att(
    source: Source,
    *,
    symbols: Any = None,
    name: str | None = None,
    description: str | None = None,
    project: str | None = None,
) -> Grammar:
    """Load an AT&T text acceptor (OpenFst, pynini, MLRegTest), as :mod:`grammar.io.att` reads it.

    Parameters
    ----------
    source : str, os.PathLike or file
        A path (``.att``), the text itself (any str holding a newline), or an
        open text file.
    symbols : str, os.PathLike, file or mapping, optional
        A symbol table (``symbol<TAB>integer`` lines, or a mapping from
        integer labels to symbols). Without one, the labels are the symbols.
    name, description : str, optional
        Default: the file's stem, and no description.
    project : {None, "input", "output"}, optional
        An arc's input and output labels must agree (four fields are always
        ``source target input output``; a weight is the fifth); "input" or
        "output" reads a transducer's projection instead.

    Raises
    ------
    GrammarError
        If the file is missing or unreadable or a line is malformed, or an
        arc's labels differ without `project`; the message names the file
        and the line.

    Examples
    --------
    >>> g = from_att("0\\t1\\ta\\ta\\n1\\t1\\tb\\tb\\n1\\n")
    >>> g.accepts("abb"), g.accepts("ba")
    (True, False)
    >>> from_att("0\\t1\\ta\\tb\\n1\\n")
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: <AT&T text>: line 1: input 'a' and output 'b' differ; ...
    """
    return Grammar.from_att(
        source, symbols=symbols, name=name, description=description, project=project
    )


def to_att(g: Grammar) -> str:
    """The language as an AT&T acceptor: the canonical minimal complete DFA, start state first.

    Examples
    --------
    >>> from grammar import library
    >>> print(to_att(library.parity()), end="")
    0	0	0	0
    0	1	1	1
    1	1	0	0
    1	0	1	1
    0
    """
    return _grammar(g).to_att()


def from_pyformlang_graph(
    G: nx.MultiDiGraph, *, name: str | None = None, description: str = ""
) -> Grammar:
    """Load a graph in pyformlang's networkx convention (see :mod:`grammar.io.pyformlang`).

    Raises
    ------
    TypeError
        If `G` is not a networkx directed graph.
    GrammarError
        If no node is a start or a final state, or an edge's label is not a
        non-empty str.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node(0, is_start=True, is_final=False)
    >>> G.add_node(1, is_start=False, is_final=True)
    >>> G.add_edges_from([(0, 1, {"label": "a"}), (1, 1, {"label": "b"}),
    ...                   (1, 0, {"label": "epsilon"})])
    [0, 0, 0]
    >>> g = from_pyformlang_graph(G)
    >>> g.accepts("abb"), g.accepts("aba"), g.accepts("b")
    (True, True, False)
    """
    return Grammar.from_pyformlang_graph(G, name=name, description=description)


def from_aalpy(dfa: Any, *, name: str | None = None, description: str = "") -> Grammar:
    """Convert an AALpy ``Dfa`` (see :mod:`grammar.io.aalpy_format`); AALpy need not be installed.

    Its input symbols become ``str``; a DFA without accepting states is the
    empty language.

    Raises
    ------
    TypeError
        If `dfa` does not look like an AALpy ``Dfa``.
    GrammarError
        If two input symbols print alike.
    """
    return Grammar.from_aalpy(dfa, name=name, description=description)


def to_aalpy(g: Grammar) -> Any:
    """The canonical minimal complete DFA as an AALpy ``Dfa`` (needs ``grammarlab[aalpy]``).

    Raises
    ------
    ImportError
        If AALpy is not installed.
    """
    return _grammar(g).to_aalpy()


def from_regex(
    pattern: str,
    *,
    alphabet: Any = None,
    name: str | None = None,
    description: str = "",
    max_states: int | None = None,
) -> Grammar:
    """The words over the alphabet that ``re.fullmatch(pattern, word)`` accepts.

    What is supported, refused, and the default alphabet (the characters the
    pattern names, so that ``.`` and negated classes need `alphabet`) are in
    :mod:`grammar.io.regex`. The default name is ``"re:" + pattern``, as the
    command line spells it. The automaton is built within a budget (see
    :mod:`grammar.io.regex_dfa`): a pattern longer than 4,096 characters
    once its repeats are written out, or needing more than `max_states` DFA
    states (default 65,536), is refused at once.

    Raises TypeError for a pattern or alphabet not made of str, GrammarError
    for an invalid pattern, a missing alphabet, a construct a finite-state
    grammar cannot express (named with its position), or a pattern past the
    budget (saying what is too large).

    Examples
    --------
    >>> g = from_regex("(ab)*c?")
    >>> g.name, g.alphabet, g.accepts("ababc"), g.accepts("aba")
    ('re:(ab)*c?', ('a', 'b', 'c'), True, False)
    >>> from_regex("(a|b)c(?=d)")
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: regular expression '(a|b)c(?=d)': lookahead (?= at position 6 ...
    >>> from_regex("(a|b)*a(a|b){16}")
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: regular expression '(a|b)*a(a|b){16}' needs more than 65,536 ...
    """
    return Grammar.from_regex(
        pattern, alphabet=alphabet, name=name, description=description, max_states=max_states
    )


def from_automata(automaton: Any, *, name: str | None = None, description: str = "") -> Grammar:
    """Convert an automata-lib ``DFA`` or ``NFA`` (see :mod:`grammar.io.automata_lib`).

    Raises ImportError without ``grammarlab[automata]``, TypeError for other
    objects, GrammarError for input symbols that print alike.

    Examples
    --------
    >>> from automata.fa.dfa import DFA
    >>> from grammar import library
    >>> moves = {"even": {"0": "even", "1": "odd"}, "odd": {"0": "odd", "1": "even"}}
    >>> dfa = DFA(states={"even", "odd"}, input_symbols={"0", "1"}, transitions=moves,
    ...           initial_state="even", final_states={"even"})
    >>> from_automata(dfa) == library.parity()
    True
    """
    return Grammar.from_automata(automaton, name=name, description=description)


def to_automata(g: Grammar, *, kind: str = "dfa") -> Any:
    """The canonical minimal complete automata-lib ``DFA``, or with ``kind="nfa"`` the declaration.

    Needs ``grammarlab[automata]``; see :mod:`grammar.io.automata_lib`.

    Examples
    --------
    >>> from grammar import library
    >>> dfa = to_automata(library.parity())
    >>> sorted(dfa.states), dfa.accepts_input("0110"), dfa.accepts_input("010")
    ([0, 1], True, False)
    """
    return _grammar(g).to_automata(kind=kind)
