"""AT&T text files: OpenFst's, pynini's and MLRegTest's acceptors.

One arc or final state per line, fields separated by tabs or spaces::

    0	1	a	a	0.5      // an arc: source, target, input, output, optional weight
    0	1	a               // the acceptor form: source, target, label
    1	0                   // a final state, with an optional weight
    1

- The first line's first state is the start state. States are names
  (decimal ones become ints).
- An arc's input and output labels must agree: grammarlab reads acceptors.
  Four fields are always ``source target input output``, and a weight is
  always the fifth field, so ``0 1 3 4`` is a transducer arc from 3 to 4 and
  is refused (naming the line), never read as label 3 with weight 4.
  ``project="input"`` (or ``"output"``) reads a transducer's input (output)
  labels instead, as OpenFst's ``fstproject`` does; it also reads OpenFst's
  weighted acceptor form ``source target label weight``, the weight being
  taken for an output label and ignored.
- Weights are checked to be numbers and otherwise ignored: they are tropical
  costs, not walk weights. A weight of ``Infinity`` removes the arc or final
  state, as in OpenFst.
- Without a symbol table the labels are the symbols, and ``<eps>`` is an
  epsilon move. With one (OpenFst's ``symbol<TAB>integer`` lines, or a
  mapping from integers to symbols), integer labels are looked up in it, the
  symbol ``<eps>`` is an epsilon move, and labels already spelled as symbols
  of the table are kept.
- A file without final states declares the empty language: AT&T lists its
  final states explicitly. So does an empty file.

Writing gives the canonical minimal complete DFA (its dead state included,
so that the alphabet survives), start state first, one ``source target
symbol symbol`` line per arc as MLRegTest writes them, then the final
states. Symbols that hold whitespace, and the symbol ``<eps>``, cannot be
written.

Examples
--------
>>> parsed = read_att("0\\t1\\ta\\ta\\n1\\t1\\tb\\tb\\n1\\n")
>>> parsed.declaration.start, sorted(parsed.declaration.accepting), parsed.where
(0, [1], '<AT&T text>')
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from grammar.errors import GrammarError
from grammar.graph import Declaration, validate_declaration
from grammar.io.sources import Parsed, Source, in_file, read_source

if TYPE_CHECKING:
    from grammar.core import Grammar

__all__ = ["EPSILON", "PROJECTIONS", "read_att", "read_symbol_table", "write_att"]

EPSILON = "<eps>"


def _number(text: str, what: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise GrammarError(f"{what} {text!r} is not a number") from None


def _state(text: str) -> Any:
    return int(text) if text.isdecimal() and text.isascii() else text


def read_symbol_table(source: Any) -> dict[int, str]:
    """An OpenFst symbol table (``symbol<TAB>integer`` lines) as a mapping from int to symbol.

    `source` is a path, the table's text (a str holding a newline), an open
    file, or a mapping from int to str (checked and returned as a dict).

    Examples
    --------
    >>> read_symbol_table("<eps>\\t0\\na\\t1\\nb\\t2\\n")
    {0: '<eps>', 1: 'a', 2: 'b'}
    """
    if isinstance(source, Mapping):
        table = {}
        for key, symbol in source.items():
            if isinstance(key, bool) or not isinstance(key, (int, np.integer)):
                raise TypeError(f"a symbol table maps int to str, not {type(key).__name__}")
            if not isinstance(symbol, str):
                raise TypeError(f"a symbol table maps int to str, not to {type(symbol).__name__}")
            table[int(key)] = symbol
        return table
    text, where, _ = read_source(source, "symbol table", text_marks="\n")
    table = {}
    with in_file(where):
        for number, line in enumerate(text.splitlines(), 1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 2 or not fields[1].isdecimal():
                raise GrammarError(f"line {number}: {line!r} is not 'symbol<TAB>integer'")
            key = int(fields[1])
            if key in table:
                raise GrammarError(f"line {number}: integer {key} is given twice")
            table[key] = fields[0]
    return table


class _Labels:
    """Turns a file's labels into symbols (None for epsilon), with or without a table."""

    def __init__(self, table: dict[int, str] | None) -> None:
        self.table = table
        self.known = set(table.values()) if table is not None else set()

    def symbol(self, label: str) -> str | None:
        if self.table is not None:
            if label.isdecimal() and int(label) in self.table:
                label = self.table[int(label)]
            elif label not in self.known:
                raise GrammarError(f"label {label!r} is not in the symbol table")
        return None if label == EPSILON else label


#: The labels ``project=`` may keep: a transducer arc's input or output.
PROJECTIONS = ("input", "output")


def _check_project(project: Any) -> str | None:
    if project is None:
        return None
    if not isinstance(project, str):
        raise TypeError(f"project must be a str or None, not {type(project).__name__}")
    if project not in PROJECTIONS:
        raise GrammarError(f"project={project!r} is not one of {', '.join(PROJECTIONS)}")
    return project


def _arc_label(fields: list[str], project: str | None) -> tuple[str, str | None]:
    """The label of an arc line (3 to 5 fields), and its weight field if any."""
    if len(fields) == 3:
        return fields[2], None
    weight = fields[4] if len(fields) == 5 else None
    if project is not None:
        return fields[2 if project == "input" else 3], weight
    if fields[2] != fields[3]:
        raise GrammarError(
            f"input {fields[2]!r} and output {fields[3]!r} differ; grammarlab reads acceptors, "
            "whose arcs have one label (a weight is the fifth field, after the output label; "
            "project='input' reads the input labels)"
        )
    return fields[2], weight


def _declaration(text: str, labels: _Labels, project: str | None) -> Declaration:
    import networkx as nx

    G = nx.MultiDiGraph()
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields:
            continue
        try:
            if len(fields) > 5:
                raise GrammarError(f"{len(fields)} fields; an arc has 3 to 5, a final state 1 or 2")
            source = _state(fields[0])
            if "start" not in G.graph:
                G.graph["start"] = source
            G.add_node(source)
            if len(fields) <= 2:
                cost = _number(fields[1], "final weight") if len(fields) == 2 else 0.0
                if not (math.isinf(cost) and cost > 0):  # an infinite cost is not final
                    G.nodes[source]["accepting"] = True
                continue
            label, weight = _arc_label(fields, project)
            cost = _number(weight, "weight") if weight is not None else 0.0
            symbol = labels.symbol(label)
            if not (math.isinf(cost) and cost > 0):  # an infinite cost is no arc
                G.add_edge(source, _state(fields[1]), symbol=symbol)
        except GrammarError as err:
            raise GrammarError(f"line {number}: {err} (in {line.strip()!r})") from err
    if "start" not in G.graph:  # no line at all: OpenFst's automaton without states
        G.add_node(0)
        G.graph["start"] = 0
    if not any(flag for _, flag in G.nodes(data="accepting", default=False)):
        G.graph["empty"] = True  # final states are listed explicitly: none is the empty language
    return validate_declaration(G)


def read_att(source: Source, *, symbols: Any = None, project: str | None = None) -> Parsed:
    """Read an AT&T acceptor from a path, its text (a str holding a newline) or an open file.

    Parameters
    ----------
    source : str, os.PathLike or file
        The acceptor (see the module docstring for the format).
    symbols : str, os.PathLike, file or mapping, optional
        A symbol table: a file of ``symbol<TAB>integer`` lines, its text, or a
        mapping from integer labels to symbols.
    project : {None, "input", "output"}, optional
        None refuses an arc whose input and output labels differ; "input" or
        "output" keeps that label of every arc (a transducer's projection).

    Raises
    ------
    TypeError
        If `source`, `symbols` or `project` has a wrong type.
    GrammarError
        If a file is missing or unreadable, a line is malformed or holds
        differing labels (the message names the file and the line), `project`
        is unknown, or the acceptor is not a valid grammar.

    Examples
    --------
    >>> read_att("0\\t1\\t3\\t4\\n1\\n")
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: <AT&T text>: line 1: input '3' and output '4' differ; ...
    >>> read_att("0\\t1\\t3\\t4\\n1\\n", project="input").declaration.symbols
    ('3',)
    """
    project = _check_project(project)
    table = None if symbols is None else read_symbol_table(symbols)
    text, where, stem = read_source(source, "AT&T", text_marks="\n")
    with in_file(where):
        declaration = _declaration(text, _Labels(table), project)
    return Parsed(declaration, name=stem, where=where)


def write_att(g: Grammar) -> str:
    """The grammar's language as an AT&T acceptor: its canonical minimal complete DFA.

    Raises
    ------
    GrammarError
        If a symbol holds whitespace or is ``<eps>``; AT&T text cannot hold it.
    """
    for symbol in g.alphabet:
        if symbol == EPSILON or any(ch.isspace() for ch in symbol):
            raise GrammarError(
                f"symbol {symbol!r} cannot be an AT&T label (no whitespace, not {EPSILON!r})"
            )
    dfa = g.dfa
    order = [dfa.start, *(q for q in range(dfa.n_states) if q != dfa.start)]
    lines = [
        f"{state}\t{target}\t{symbol}\t{symbol}"
        for state in order
        for symbol, target in zip(dfa.alphabet, dfa.table[state].tolist(), strict=True)
    ]
    lines += [str(state) for state in order if dfa.accepting[state]]
    return "".join(line + "\n" for line in lines)
