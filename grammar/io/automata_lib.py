"""automata-lib's ``DFA`` and ``NFA``, in and out.

`automata-lib <https://github.com/caleb531/automata>`_ is an optional extra
(``pip install grammarlab[automata]``); it is imported only when a function
here is called.

- :func:`automata_declaration` reads a ``DFA`` (complete or, with
  ``allow_partial=True``, partial: a missing move rejects) or an ``NFA``,
  whose ``""`` moves are epsilon moves. States keep their labels. Input
  symbols become ``str`` (automata-lib's are ``str`` already; others are
  written as text, and two that print alike are refused). Input symbols that
  no move reads stay in the alphabet, on a fresh rejecting sink state. An
  automaton without final states is the empty language.
- :func:`to_automata` gives the canonical minimal complete ``DFA`` (states
  ``0 .. n-1``, start ``0``), or with ``kind="nfa"`` the declaration itself
  as an ``NFA``: its states and epsilon moves as declared, weights dropped.

Examples
--------
>>> from automata.fa.nfa import NFA
>>> nfa = NFA(states={0, 1}, input_symbols={"a", "b"}, initial_state=0, final_states={1},
...           transitions={0: {"a": {1}}, 1: {"b": {1}, "": {0}}})
>>> d = automata_declaration(nfa)
>>> d.start, sorted(d.accepting), d.symbols
(0, [1], ('a', 'b'))
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from grammar.errors import GrammarError
from grammar.graph import Declaration, declaration_from_edges
from grammar.io.sources import fresh_name

if TYPE_CHECKING:
    from grammar.core import Grammar

__all__ = ["automata_declaration", "to_automata"]

_SINK = "__sink__"


def _classes() -> tuple[type, type]:
    try:
        from automata.fa.dfa import DFA
        from automata.fa.nfa import NFA
    except ImportError as err:
        raise ImportError("automata-lib is needed: pip install grammarlab[automata]") from err
    return DFA, NFA


def _spell(symbols: Any) -> dict:
    """Each input symbol and its text, refusing two that print alike."""
    spelled: dict[str, Any] = {}
    for letter in symbols:
        text = letter if isinstance(letter, str) else str(letter)
        if text == "":
            raise GrammarError("input symbol '' is automata-lib's epsilon; it cannot be a symbol")
        if spelled.setdefault(text, letter) != letter:
            raise GrammarError(
                f"input symbols {spelled[text]!r} and {letter!r} are both {text!r} as text"
            )
    return {letter: text for text, letter in spelled.items()}


def automata_declaration(automaton: Any) -> Declaration:
    """The validated declaration of an automata-lib ``DFA`` or ``NFA`` (see the module docstring).

    Raises
    ------
    TypeError
        If `automaton` is not an automata-lib ``DFA`` or ``NFA`` (a ``GNFA``,
        whose moves read regular expressions, included).
    GrammarError
        If two input symbols print alike, or a move reads a symbol that is
        not an input symbol.
    ImportError
        If automata-lib is not installed.
    """
    DFA, NFA = _classes()
    if not isinstance(automaton, (DFA, NFA)):
        raise TypeError(f"an automata-lib DFA or NFA is needed, not {type(automaton).__name__}")
    deterministic = isinstance(automaton, DFA)
    texts = _spell(automaton.input_symbols)
    edges, read = [], set()
    for state, moves in automaton.transitions.items():
        for letter, targets in moves.items():
            if letter == "" and not deterministic:
                symbol = None
            elif letter in texts:
                symbol = texts[letter]
                read.add(letter)
            else:
                raise GrammarError(f"state {state!r} moves on {letter!r}, not an input symbol")
            targets = [targets] if deterministic else sorted(targets, key=repr)
            edges += [(state, target, symbol) for target in targets]
    unread = sorted(texts[letter] for letter in texts if letter not in read)
    if unread:  # keep them in the alphabet: a sink nothing reaches reads them
        sink = fresh_name(automaton.states, _SINK)
        edges += [(sink, sink, symbol) for symbol in unread]
    finals = automaton.final_states
    declaration = declaration_from_edges(
        edges, start=automaton.initial_state, accepting=sorted(finals, key=repr),
        graph_attrs=None if finals else {"empty": True},
    )
    missing = set(automaton.states) - set(declaration.nodes)
    if missing:  # states without moves in or out still belong to the automaton
        declaration = Declaration(
            start=declaration.start,
            nodes=declaration.nodes + tuple(sorted(missing, key=repr)),
            accepting=declaration.accepting,
            edges=declaration.edges,
            graph_attrs=declaration.graph_attrs,
        )
    return declaration


def to_automata(g: Grammar, *, kind: str = "dfa") -> Any:
    """The grammar as an automata-lib ``DFA`` (canonical, minimal, complete) or ``NFA``.

    Parameters
    ----------
    g : Grammar
    kind : {"dfa", "nfa"}
        ``"dfa"``: the canonical minimal complete DFA, states ``0 .. n-1``.
        ``"nfa"``: the declaration, its epsilon moves as ``""``, without weights.

    Raises
    ------
    GrammarError
        If `kind` is neither.
    ImportError
        If automata-lib is not installed.
    """
    if kind not in ("dfa", "nfa"):
        raise GrammarError(f"kind={kind!r}; use 'dfa' or 'nfa'")
    DFA, NFA = _classes()
    if kind == "dfa":
        dfa = g.dfa
        return DFA(
            states=set(range(dfa.n_states)),
            input_symbols=set(dfa.alphabet),
            transitions={q: dict(zip(dfa.alphabet, row, strict=True))
                         for q, row in enumerate(dfa.table.tolist())},
            initial_state=dfa.start,
            final_states={q for q in range(dfa.n_states) if dfa.accepting[q]},
        )
    declaration = g.declaration
    transitions: dict = {node: {} for node in declaration.nodes}
    for e in declaration.edges:
        transitions[e.source].setdefault("" if e.symbol is None else e.symbol, set()).add(e.target)
    return NFA(
        states=set(declaration.nodes),
        input_symbols=set(declaration.symbols),
        transitions=transitions,
        initial_state=declaration.start,
        final_states=set(declaration.accepting),
    )
