"""Grammars from Python regular expressions, built within a budget of size and states.

A pattern in Python's :mod:`re` syntax becomes the declaration of a
complete DFA whose language is, exactly, the words over the alphabet that
``re.fullmatch(pattern, word)`` accepts. This module checks the pattern
(with :mod:`re` itself, then token by token, so that what a regular language
cannot express is refused with its position) and lists its tokens;
:mod:`grammar.io.regex_dfa` reads them into a tree over the alphabet
(``\\d``/``\\w``/``\\s`` taken with :mod:`re`'s own Unicode meaning), checks
its written-out size and builds a DFA under a budget of states (`max_states`,
default :data:`~grammar.io.regex_dfa.MAX_REGEX_STATES`),
so that no pattern runs away: ``a{4294967294}`` and ``(a|b)*a(a|b){16}`` are
refused at once, naming what is too large. No optional extra is needed.

Supported: literals and escapes, classes and ranges (negated ones too), ``.``
(any character but a line break, as in :mod:`re`), ``|``, groups (plain,
``(?:...)``, named), ``*``, ``+``, ``?``, ``{m}``, ``{m,}``, ``{,n}``,
``{m,n}``, comments ``(?#...)``, and an anchor ``^`` or ``\\A`` at the very
start and ``$`` or ``\\Z`` at the very end, which a full match makes
redundant. Lazy quantifiers (``*?``, ``{m,n}?``) are accepted: they change
the order in which :mod:`re` tries a match, never whether a full match
exists, so the language is that of the greedy quantifier.

Refused, with a :class:`~grammar.GrammarError` naming the construct and its
position: backreferences, which no finite automaton expresses, and what this
reader does not translate although it can denote a regular language:
anchors anywhere but the very start or end, word boundaries, lookaheads and
lookbehinds, conditionals, atomic groups and possessive quantifiers (what
they match depends on what follows, so they are refused wherever they
occur), and inline flags (spell ``(?i)a`` as ``[aA]``).

The alphabet
------------
With ``alphabet=None`` the symbols are the characters the pattern names:
its literals, the members of its ranges, and the ASCII members of ``\\d``,
``\\w`` and ``\\s``. Constructs that stand for "any other character" (``.``,
a negated class ``[^...]``, ``\\D``, ``\\W``, ``\\S``) then have no meaning
of their own, so they need ``alphabet=``; a pattern naming more than
:data:`MAX_DERIVED_ALPHABET` characters does too. With an alphabet the
language is the words over it that :mod:`re` fully matches: a character the
pattern names but the alphabet lacks simply never occurs.

Examples
--------
>>> d = regex_declaration("(ab)*")
>>> d.symbols, d.start in d.accepting
(('a', 'b'), True)
>>> regex_declaration("[^a]b", alphabet="abc").symbols
('a', 'b', 'c')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import numpy as np

from grammar.errors import GrammarError
from grammar.graph import Declaration, declaration_from_edges
from grammar.io.regex_dfa import parse_tokens, regex_dfa

__all__ = ["MAX_DERIVED_ALPHABET", "RegexExtraMissing", "regex_declaration", "regex_alphabet"]

#: The most characters a pattern may name when no alphabet is given.
MAX_DERIVED_ALPHABET = 1024

_CLASS_ESCAPES = "dwsDWS"
_ASCII_MEMBERS = {
    "d": "0123456789",
    "w": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz",
    "s": " \t\n\r\x0b\x0c",
}
_SIMPLE_ESCAPES = {"a": "\a", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_QUANTIFIER = re.compile(r"\*|\+|\?|\{(\d*)(?:(,)(\d*))?\}")
_FLAG_GROUP = re.compile(r"\(\?[aiLmsux-]")
_BACKREFERENCE = "matches what a group matched, which no finite-state grammar can express"
_POSSESSIVE = "gives nothing back, so what it matches depends on what follows; not supported"


class RegexExtraMissing(ImportError):
    """Kept for code that catches it: patterns once needed the extra ``grammarlab[regex]``.

    Nothing raises it any more; the automaton is built here.
    """


class _Refused(Exception):
    """A construct this reader refuses: its text, position and the reason."""


class _Scan:
    """One pass over a pattern: checks it, collects the characters it names, and
    lists tokens: ``("text", s)`` emitted as is, ``("char", c)`` a literal, and,
    taken over the alphabet, ``("set", escape)`` a class escape such as ``\\d``
    and ``("range", low + high)`` a range in a class."""

    def __init__(self, pattern: str) -> None:
        self.p, self.i, self.n = pattern, 0, len(pattern)
        self.tokens: list[tuple[str, str]] = []
        self.named: set[str] = set()
        self.ranges: list[tuple[int, int]] = []  # expanded only when no alphabet is given
        self.needs_alphabet: list[tuple[str, int]] = []
        self.quantifier_at: list[int] = []  # where each quantifier token stands
        self.atom = False  # whether a quantifier may follow
        while self.i < self.n:
            self._step()

    def _char(self, c: str) -> None:
        self.named.add(c)
        self.tokens.append(("char", c))

    def _escape(self, in_class: bool) -> str | None:
        """Read the escape at ``self.i`` (a backslash); return its character, or
        None after listing a class escape."""
        p, start = self.p, self.i
        c = p[start + 1]
        self.i = start + 2
        if c in _CLASS_ESCAPES:
            if c.isupper():
                self.needs_alphabet.append((f"class escape \\{c}", start))
            else:
                self.named.update(_ASCII_MEMBERS[c])
            self.tokens.append(("set", "\\" + c))
            return None
        if c in "0123456789":
            digits = re.match(r"[0-7]{1,3}", p[start + 1 :])
            octal = digits and (c == "0" or len(digits.group()) == 3)
            if in_class or octal:
                text = digits.group() if c != "0" else re.match(r"0[0-7]{0,2}", p[start + 1 :])[0]
                self.i = start + 1 + len(text)
                return chr(int(text, 8))
            group = re.match(r"\d{1,2}", p[start + 1 :]).group()
            raise _Refused(f"backreference \\{group}", start, _BACKREFERENCE)
        if c in "xuU":
            size = {"x": 2, "u": 4, "U": 8}[c]
            self.i = start + 2 + size
            return chr(int(p[start + 2 : self.i], 16))
        if c == "N":
            end = p.index("}", start)
            self.i = end + 1
            return unicodedata.lookup(p[start + 3 : end])
        if c == "b" and in_class:
            return "\b"
        if c in "bB":
            raise _Refused(f"word boundary \\{c}", start,
                           "tests the characters around it; not supported")
        if c in "AZ":
            return self._anchor(f"\\{c}", start, 2)
        return _SIMPLE_ESCAPES.get(c, c)

    def _anchor(self, what: str, pos: int, width: int) -> None:
        at_start = pos == 0 and what in ("^", "\\A")
        at_end = pos + width == self.n and what in ("$", "\\Z")
        if not (at_start or at_end):
            raise _Refused(f"anchor {what}", pos,
                           "is supported only at the very start or end, where it is redundant")
        self.i = pos + width
        return None  # a full match makes it redundant: dropped

    def _step(self) -> None:
        p, i = self.p, self.i
        c = p[i]
        quantifier = _QUANTIFIER.match(p, i)
        if quantifier and quantifier.group() != "{}":
            return self._quantifier(quantifier)
        previous, self.atom = self.atom, True
        if c == "\\":
            if p[i + 1] in "bBAZ":
                self.atom = False
            char = self._escape(in_class=False)
            if char is not None:
                self._char(char)
        elif c == "[":
            self._class()
        elif c == "(":
            self._group(previous)
        elif c in "|)":
            self.atom = c == ")"
            self.tokens.append(("text", c))
            self.i += 1
        elif c == ".":
            self.needs_alphabet.append(("any character .", i))
            self.tokens.append(("text", "."))
            self.i += 1
        elif c in "^$":
            self.atom = False
            self._anchor(c, i, 1)
        else:
            self._char(c)
            self.i += 1

    def _quantifier(self, m: re.Match) -> None:
        if not self.atom:  # re.compile has refused "nothing to repeat" already; anchors remain
            raise _Refused(f"quantifier {m.group()}", m.start(), "has nothing to repeat")
        text = m.group()
        if text.startswith("{"):
            lo, comma, hi = m.groups()
            text = f"{{{lo or 0},{hi}}}" if comma else f"{{{lo}}}"
        self.tokens.append(("text", text))
        self.quantifier_at.append(m.start())
        self.i = m.end()
        self.atom = False
        if self.p.startswith("+", self.i):
            raise _Refused(f"possessive quantifier {m.group()}+", m.start(), _POSSESSIVE)
        if self.p.startswith("?", self.i):
            self.i += 1  # lazy: the same full-match language

    def _group(self, previous: bool) -> None:
        p, i = self.p, self.i
        around = "tests text beyond its own position; not supported"
        refusals = [
            ("(?P=", "backreference", _BACKREFERENCE),
            ("(?=", "lookahead", around),
            ("(?!", "negative lookahead", around),
            ("(?<=", "lookbehind", around),
            ("(?<!", "negative lookbehind", around),
            ("(?>", "atomic group", _POSSESSIVE),
            ("(?(", "conditional group", "depends on what a group matched; not supported"),
        ]
        for opening, what, why in refusals:
            if p.startswith(opening, i):
                raise _Refused(f"{what} {opening}", i, why)
        if p.startswith("(?#", i):  # a comment: a quantifier after it repeats what came before
            self.i = p.index(")", i) + 1
            self.atom = previous
        elif _FLAG_GROUP.match(p, i):
            flags = re.match(r"\(\?[^:)]*[:)]", p[i:]).group()
            raise _Refused(f"inline flags {flags}", i, "are not supported; spell the characters "
                           "out instead, e.g. [aA] for (?i)a")
        elif p.startswith("(?P<", i):
            self.i = p.index(">", i) + 1
            self.tokens.append(("text", "("))
            self.atom = False
        else:
            opening = "(?:" if p.startswith("(?:", i) else "("
            self.tokens.append(("text", opening))
            self.i += len(opening)
            self.atom = False

    def _class(self) -> None:
        p, start = self.p, self.i
        self.i += 1
        self.tokens.append(("text", "["))
        if p.startswith("^", self.i):
            self.needs_alphabet.append(("negated class [^", start))
            self.tokens.append(("text", "^"))
            self.i += 1
        first = True
        while first or p[self.i] != "]":
            first = False
            low = self._class_char()
            if low is not None and p[self.i] == "-" and p[self.i + 1] != "]":
                self.i += 1
                high = self._class_char()
                self.ranges.append((ord(low), ord(high)))
                self.tokens[-2:] = [("range", low + high)]
        self.tokens.append(("text", "]"))
        self.i += 1

    def _class_char(self) -> str | None:
        if self.p[self.i] == "\\":
            char = self._escape(in_class=True)
        else:
            char = self.p[self.i]
            self.i += 1
        if char is not None:
            self._char(char)
        return char


def regex_alphabet(alphabet: Iterable[str] | None) -> tuple[str, ...] | None:
    """Check an alphabet for :func:`regex_declaration`: sorted distinct characters.

    Examples
    --------
    >>> regex_alphabet("cabba")
    ('a', 'b', 'c')
    >>> regex_alphabet(["a", "bc"])
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: alphabet symbol 'bc' is not one character; ...
    """
    if alphabet is None:
        return None
    if isinstance(alphabet, (bytes, bytearray)) or not isinstance(alphabet, Iterable):
        raise TypeError(f"alphabet is a str or an iterable of characters, not "
                        f"{type(alphabet).__name__}")
    symbols = list(alphabet)
    for symbol in symbols:
        if not isinstance(symbol, str):
            raise TypeError(f"alphabet symbols are str, not {type(symbol).__name__}")
        if len(symbol) != 1:
            raise GrammarError(f"alphabet symbol {symbol!r} is not one character; "
                               "a regular expression matches characters")
    return tuple(sorted(set(symbols)))


def regex_declaration(
    pattern: str, alphabet: Iterable[str] | None = None, max_states: Any = None
) -> Declaration:
    """The declaration of a complete DFA fully matching `pattern` over the alphabet.

    Parameters
    ----------
    pattern : str
        A pattern in Python's :mod:`re` syntax (see the module docstring).
    alphabet : str or iterable of str, optional
        The characters words are made of; default: those the pattern names.
    max_states : int, optional
        The most DFA states the subset construction may create; default
        :data:`~grammar.io.regex_dfa.MAX_REGEX_STATES`.

    Raises
    ------
    TypeError
        If `pattern` is not a str, or `alphabet` is not made of str.
    GrammarError
        If the pattern is not valid :mod:`re` syntax, uses a construct no
        finite automaton expresses (named, with its position), needs an
        alphabet it was not given, is too large written out (naming the
        largest repeat), or needs more than `max_states` DFA states.

    Examples
    --------
    >>> regex_declaration("a(?=b)")
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: regular expression 'a(?=b)': lookahead (?= at position 1 ...
    """
    if not isinstance(pattern, str):
        raise TypeError(f"a regular expression is a str, not {type(pattern).__name__}")
    symbols = regex_alphabet(alphabet)
    where = f"regular expression {pattern!r}"
    try:
        re.compile(pattern)
    except re.error as err:
        raise GrammarError(f"{where}: {err.msg} at position {err.pos}") from None
    try:
        scan = _Scan(pattern)
    except _Refused as err:
        what, pos, why = err.args
        raise GrammarError(f"{where}: {what} at position {pos} {why}") from None
    if symbols is None:
        if scan.needs_alphabet:
            what, pos = scan.needs_alphabet[0]
            raise GrammarError(f"{where}: {what} at position {pos} stands for characters the "
                               "pattern does not name; pass alphabet= to say which")
        named = set(scan.named)
        for low, high in scan.ranges:
            if high - low >= MAX_DERIVED_ALPHABET:  # refused before spelling it out
                named = set(range(high - low + 1))
                break
            named.update(map(chr, range(low, high + 1)))
        if len(named) > MAX_DERIVED_ALPHABET:
            raise GrammarError(f"{where} names {len(named)} characters or more, more than "
                               f"{MAX_DERIVED_ALPHABET}; pass alphabet= to say which")
        symbols = tuple(sorted(named))
    tree = parse_tokens(scan.tokens, symbols, scan.quantifier_at)
    table, accepting = regex_dfa(tree, symbols, pattern, max_states)
    edges = [(state, target, symbol) for state, row in enumerate(table.tolist())
             for symbol, target in zip(symbols, row, strict=True)]  # fmt: skip
    final = np.flatnonzero(accepting).tolist()
    return declaration_from_edges(edges, start=0, accepting=final,
                                  graph_attrs=None if final else {"empty": True})
