"""Regular expressions as automata, built within a budget: tree, size check, positions, subsets.

:mod:`grammar.io.regex` checks a pattern and lists its tokens; this module
reads the tokens into a tree whose leaves are sets of alphabet symbols (a
literal, a class, ``.``, ``\\d`` and the like, taken over the alphabet),
checks how large the tree is once its repeats are written out, *before*
writing anything out, and builds a complete DFA by the subset construction
over the pattern's positions (Glushkov's automaton, which has no epsilon
moves), each set of positions held as the bits of one int. Nothing grows
without bound:

- more than :data:`MAX_REGEX_POSITIONS` characters once the repeats are
  written out is refused at once, naming the largest repeat: ``a{20000}``,
  ``a{4294967294}``;
- more than `max_states` DFA states (default :data:`MAX_REGEX_STATES`), or
  more than :data:`STEPS_PER_STATE` times as many steps over positions, stop
  the subset construction: ``(a|b)*a(a|b){16}`` needs 2**17 states.

A counted repeat ``X{m,n}`` is written out as ``m`` copies and then ``n - m``
nested optional ones, ``(X(X(X)?)?)?``, so that each copy is followed by the
next one only; a body that matches the empty word repeats as ``X{0,n}``,
which is the same language.

Examples
--------
>>> tree = parse_tokens([("char", "a"), ("text", "*")], ("a", "b"), [1])
>>> tree
('rep', ('sym', frozenset({'a'})), 0, None, 1)
>>> table, accepting = regex_dfa(tree, ("a", "b"), "a*")  # not minimal: the start is apart
>>> table.tolist(), accepting.tolist()
([[1, 2], [1, 2], [2, 2]], [True, True, False])
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from grammar.checks import check_positive
from grammar.errors import GrammarError

__all__ = ["MAX_REGEX_POSITIONS", "MAX_REGEX_STATES", "STEPS_PER_STATE", "parse_tokens",
           "regex_dfa"]  # fmt: skip

#: The most characters a pattern may stand for once its repeats are written out.
MAX_REGEX_POSITIONS = 4096
#: The most DFA states a pattern may need, unless `max_states` says otherwise.
MAX_REGEX_STATES = 1 << 16
#: Steps over positions (a DFA state's positions, summed) allowed per allowed DFA state.
STEPS_PER_STATE = 32

Node = tuple  # ("sym", frozenset) | ("seq", nodes) | ("alt", nodes) | ("rep", node, lo, hi, at)
_STRUCTURE = frozenset({"(", "(?:", ")", "|", "[", "]", "^", "."})


def _bounds(quantifier: str) -> tuple[int, int | None]:
    """The least and most copies a quantifier allows (None: no most)."""
    if quantifier in ("*", "+", "?"):
        return {"*": (0, None), "+": (1, None), "?": (0, 1)}[quantifier]
    low, comma, high = quantifier[1:-1].partition(",")
    if not comma:
        return int(low), int(low)
    return int(low or 0), int(high) if high else None


def _repeat(node: Node, low: int, high: int | None, at: int) -> Node:
    """``node{low,high}``; a repeat of ``Y{0,k}`` (``Y?``, ``Y*``) is ``Y{0,k*high}``, the same
    language with no copy that matches the empty word, which keeps the sets of positions small."""
    if node[0] == "rep" and node[2] == 0 and node[3] != 0 and high != 0:
        inner, most = node[1], node[3]
        return ("rep", inner, 0, None if most is None or high is None else most * high, at)
    return ("rep", node, low, high, at)


class _Parser:
    """Recursive descent over the tokens of :class:`grammar.io.regex` (already checked)."""

    def __init__(self, tokens: Sequence[tuple[str, str]], alphabet: Sequence[str],
                 quantifier_at: Sequence[int]) -> None:  # fmt: skip
        self.tokens, self.i = list(tokens), 0
        self.alphabet = frozenset(alphabet)
        self.at = iter(quantifier_at)

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def alternation(self) -> Node:
        options = [self.sequence()]
        while self._peek() == ("text", "|"):
            self.i += 1
            options.append(self.sequence())
        return options[0] if len(options) == 1 else ("alt", tuple(options))

    def sequence(self) -> Node:
        parts = []
        while (token := self._peek()) is not None and token not in (("text", "|"), ("text", ")")):
            node = self._atom()
            while (token := self._peek()) and token[0] == "text" and token[1] not in _STRUCTURE:
                self.i += 1
                node = _repeat(node, *_bounds(token[1]), next(self.at))
            parts.append(node)
        return parts[0] if len(parts) == 1 else ("seq", tuple(parts))

    def _members(self, kind: str, text: str) -> frozenset[str]:
        if kind == "char":
            return self.alphabet & {text}
        if kind == "set":  # \d, \W, ...: re's own meaning, over the alphabet
            return frozenset(c for c in self.alphabet if re.fullmatch(text, c))
        return frozenset(c for c in self.alphabet if text[0] <= c <= text[1])  # a range

    def _atom(self) -> Node:
        kind, text = self.tokens[self.i]
        self.i += 1
        if kind != "text":
            return ("sym", self._members(kind, text))
        if text == ".":
            return ("sym", self.alphabet - {"\n"})
        if text == "[":
            negated = self._peek() == ("text", "^")
            self.i += negated
            members: set[str] = set()
            while self.tokens[self.i] != ("text", "]"):
                members.update(self._members(*self.tokens[self.i]))
                self.i += 1
            self.i += 1
            return ("sym", self.alphabet - members if negated else frozenset(members))
        inner = self.alternation()  # a group: "(" or "(?:", closed by ")"
        self.i += 1
        return inner


def parse_tokens(tokens: Sequence[tuple[str, str]], alphabet: Sequence[str],
                 quantifier_at: Sequence[int]) -> Node:  # fmt: skip
    """The tree of a checked pattern's tokens; `quantifier_at` gives each repeat's position."""
    return _Parser(tokens, alphabet, quantifier_at).alternation()


def _size(node: Node) -> tuple[int, tuple[int, int]]:
    """Characters once written out, and the largest repeat as (copies, position)."""
    kind = node[0]
    if kind == "sym":
        return 1, (0, -1)
    if kind in ("seq", "alt"):
        sizes = [_size(part) for part in node[1]]
        return sum(s[0] for s in sizes), max((s[1] for s in sizes), default=(0, -1))
    _, inner, low, high, at = node
    copies = max(low if high is None else high, 1)
    chars, largest = _size(inner)
    return chars * copies, max(largest, (copies, at))


Part = tuple[int, int, bool]  # first positions, last positions (as bits), matches the empty word


class _Positions:
    """Glushkov's automaton: position 0 is the start, each leaf copy one more position."""

    def __init__(self, alphabet: Sequence[str]) -> None:
        self.column = {symbol: j for j, symbol in enumerate(alphabet)}
        self.reads = [0] * len(alphabet)  # the positions reading each symbol, as bits
        self.follow = [0]  # the positions that may come next after each one, as bits

    def _link(self, last: int, first: int) -> None:
        while last:
            low = last & -last
            self.follow[low.bit_length() - 1] |= first
            last ^= low

    def _then(self, a: Part, b: Part) -> Part:
        self._link(a[1], b[0])
        return a[0] | (b[0] if a[2] else 0), b[1] | (a[1] if b[2] else 0), a[2] and b[2]

    def build(self, node: Node) -> Part:
        kind = node[0]
        if kind == "sym":
            bit = 1 << len(self.follow)
            self.follow.append(0)
            for symbol in node[1]:
                self.reads[self.column[symbol]] |= bit
            return bit, bit, False
        if kind == "seq":
            whole: Part = (0, 0, True)
            for part in node[1]:
                whole = self._then(whole, self.build(part))
            return whole
        if kind == "alt":
            options = [self.build(option) for option in node[1]]
            first = last = 0
            for option_first, option_last, _ in options:
                first, last = first | option_first, last | option_last
            return first, last, any(o[2] for o in options)
        _, inner, low, high, _ = node
        if high is None:  # X{m,}: m - 1 copies, then X+ (X* when m is 0)
            whole = (0, 0, True)
            for _ in range(max(low, 1) - 1):
                whole = self._then(whole, self.build(inner))
            first, last, empty = self.build(inner)
            self._link(last, first)  # the loop
            return self._then(whole, (first, last, empty or low == 0))
        body = self.build(inner) if high else (0, 0, True)
        if body[2]:  # a body matching the empty word: X{m,n} is X{0,n}
            low = 0
        copies = [body] + [self.build(inner) for _ in range(high - 1)]
        optional: Part = (0, 0, True)
        for part in reversed(copies[low:]):  # (X(X(X)?)?)?, built from the inside
            joined = self._then(part, optional)
            optional = (joined[0], joined[1], True)
        whole = (0, 0, True)
        for part in copies[:low]:
            whole = self._then(whole, part)
        return self._then(whole, optional)


def regex_dfa(tree: Node, alphabet: Sequence[str], pattern: str,
              max_states: Any = None) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """A complete DFA of `tree` over `alphabet`, start state 0: table and accepting mask.

    Its states are the reachable sets of positions, numbered breadth first;
    it is not minimised (a :class:`~grammar.Grammar` built from it is, once).

    Raises
    ------
    GrammarError
        If the written-out pattern is too large, naming the largest repeat,
        or the subset construction passes `max_states` states (default
        :data:`MAX_REGEX_STATES`) or :data:`STEPS_PER_STATE` times as many
        steps; the message says which and how to allow more.
    """
    budget = MAX_REGEX_STATES if max_states is None else check_positive(max_states, "max_states")
    where = f"regular expression {pattern!r}"
    chars, (copies, at) = _size(tree)
    if chars > MAX_REGEX_POSITIONS:
        repeat = f"; the repeat at position {at} asks for {copies:,} copies" if at >= 0 else ""
        raise GrammarError(f"{where} is too large: written out, it stands for {chars:,} "
                           f"characters, more than {MAX_REGEX_POSITIONS:,}{repeat}")
    positions = _Positions(alphabet)
    _, last, empty = positions._then((1, 1, False), positions.build(tree))
    final = last | (1 if empty else 0)
    follow, reads = positions.follow, positions.reads
    number = {1: 0}
    order, rows = [1], []
    steps, most_steps = 0, budget * STEPS_PER_STATE
    for state in order:  # grows while read: breadth first from the start
        after, bits = 0, state
        while bits:
            low = bits & -bits
            after |= follow[low.bit_length() - 1]
            bits ^= low
            steps += 1
        row = []
        for mask in reads:
            target = after & mask
            if target not in number:
                number[target] = len(order)
                order.append(target)
            row.append(number[target])
        rows.append(row)
        if len(order) > budget or steps > most_steps:
            what = (f"more than {budget:,} DFA states" if len(order) > budget else
                    f"more than {most_steps:,} steps over its positions")
            raise GrammarError(
                f"{where} needs {what} ({len(order):,} states reached; the language may need "
                "exponentially many); pass max_states= to from_regex to allow more"
            )
    table = np.array(rows, dtype=np.int64).reshape(len(order), len(reads))
    return table, np.array([state & final != 0 for state in order], dtype=bool)
