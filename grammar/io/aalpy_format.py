"""AALpy's deterministic automata, in and out, and the DOT files AALpy reads.

`AALpy <https://github.com/DES-Lab/AALpy>`_ is an optional extra
(``pip install grammarlab[aalpy]``); only :func:`to_aalpy` imports it.

- :func:`aalpy_declaration` reads any AALpy ``Dfa`` (an object with
  ``initial_state`` and ``states``, each state with ``transitions`` and
  ``is_accepting``). Its input symbols become ``str``: AALpy's DOT reader
  turns digit labels into ints, and ``1`` becomes ``"1"`` here. A DFA
  without accepting states is the empty language.
- :func:`to_aalpy` gives the canonical minimal complete DFA, states named
  ``s0``, ``s1``, ... (``s0`` is the start when the DFA is canonical), with
  the grammar's ``str`` symbols as inputs.
- :func:`write_aalpy_dot` writes that DFA the way AALpy saves one: one
  statement per line, ``__start0`` marking the start, ``doublecircle`` the
  accepting states. AALpy's reader reads lines with regular expressions, so
  a symbol must not hold ``"``, ``\\``, a line break or whitespace at either
  end, nor be wrapped in braces; such symbols are refused.

Examples
--------
>>> from grammar import library
>>> print(write_aalpy_dot(library.parity()))  # doctest: +NORMALIZE_WHITESPACE
digraph "parity" {
s0 [label="s0", shape=doublecircle];
s1 [label="s1"];
s0 -> s0 [label="0"];
s0 -> s1 [label="1"];
s1 -> s1 [label="0"];
s1 -> s0 [label="1"];
__start0 [label="", shape=none];
__start0 -> s0 [label=""];
}
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from grammar.errors import GrammarError
from grammar.graph import Declaration, validate_declaration

if TYPE_CHECKING:
    from grammar.core import Grammar

__all__ = ["aalpy_declaration", "to_aalpy", "write_aalpy_dot"]

# What AALpy's line-based DOT reader cannot take back in a symbol or a graph name.
_UNSAFE_SYMBOL = re.compile(r'["\\\r\n]|^\s|\s$|^\{.*\}$', re.DOTALL)
_UNSAFE_NAME = re.compile(r'["\\\r\n{}]|label|->|__start0')


def _symbol(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def aalpy_declaration(dfa: Any) -> Declaration:
    """The validated declaration of an AALpy ``Dfa`` (see the module docstring).

    Raises
    ------
    TypeError
        If `dfa` does not look like an AALpy ``Dfa``.
    GrammarError
        If two input symbols print alike, or the automaton is not a valid grammar.
    """
    import networkx as nx

    states = getattr(dfa, "states", None)
    initial = getattr(dfa, "initial_state", None)
    if states is None or initial is None or not all(
        hasattr(s, "transitions") and hasattr(s, "is_accepting") for s in states
    ):
        raise TypeError(f"an AALpy Dfa is needed, not {type(dfa).__name__}")
    states = list(states)
    if initial not in states:
        states.insert(0, initial)
    ids = [getattr(s, "state_id", i) for i, s in enumerate(states)]
    unique = all(isinstance(i, Hashable) for i in ids) and len(set(map(repr, ids))) == len(ids)
    names = {id(s): (ids[i] if unique else i) for i, s in enumerate(states)}
    G = nx.MultiDiGraph(start=names[id(initial)])
    spelled: dict[str, Any] = {}
    for state in states:
        G.add_node(names[id(state)], accepting=bool(state.is_accepting))
    for state in states:
        for letter, target in state.transitions.items():
            symbol = _symbol(letter)
            if spelled.setdefault(symbol, letter) != letter:
                raise GrammarError(
                    f"input symbols {spelled[symbol]!r} and {letter!r} are both {symbol!r} as text"
                )
            if id(target) not in names:
                raise GrammarError(
                    f"state {names[id(state)]!r} moves on {letter!r} to a state not in dfa.states"
                )
            G.add_edge(names[id(state)], names[id(target)], symbol=symbol)
    if not any(state.is_accepting for state in states):
        G.graph["empty"] = True  # AALpy states its accepting states: none is the empty language
    return validate_declaration(G)


def to_aalpy(g: Grammar) -> Any:
    """The grammar's canonical minimal complete DFA as an AALpy ``Dfa``.

    Raises
    ------
    ImportError
        If AALpy is not installed.
    """
    try:
        from aalpy.automata import Dfa, DfaState
    except ImportError as err:
        raise ImportError("to_aalpy needs AALpy: pip install grammarlab[aalpy]") from err
    dfa = g.dfa
    states = [DfaState(f"s{q}", is_accepting=bool(dfa.accepting[q])) for q in range(dfa.n_states)]
    for q, row in enumerate(dfa.table.tolist()):
        for symbol, target in zip(dfa.alphabet, row, strict=True):
            states[q].transitions[symbol] = states[target]
    return Dfa(states[dfa.start], states)


def write_aalpy_dot(g: Grammar) -> str:
    """The canonical minimal complete DFA as DOT text that AALpy's reader loads.

    Raises
    ------
    GrammarError
        If a symbol cannot be written so that AALpy reads it back.
    """
    dfa = g.dfa
    for symbol in dfa.alphabet:
        if _UNSAFE_SYMBOL.search(symbol):
            raise GrammarError(
                f"symbol {symbol!r} cannot be written in AALpy's DOT dialect, whose reader "
                "takes no quote, backslash, line break, outer whitespace or outer braces"
            )
    name = g.name if g.name and not _UNSAFE_NAME.search(g.name) else ""
    lines = [f'digraph "{name}" {{' if name else "digraph {"]
    for q in range(dfa.n_states):
        shape = ", shape=doublecircle" if dfa.accepting[q] else ""
        lines.append(f's{q} [label="s{q}"{shape}];')
    for q, row in enumerate(dfa.table.tolist()):
        for symbol, target in zip(dfa.alphabet, row, strict=True):
            lines.append(f's{q} -> s{target} [label="{symbol}"];')
    lines += ['__start0 [label="", shape=none];', f'__start0 -> s{dfa.start} [label=""];', "}"]
    return "\n".join(lines) + "\n"
