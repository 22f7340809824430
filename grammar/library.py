"""Built-in grammars: Reber, embedded Reber, the Tomita languages and a few more.

Each built-in is a function returning a fresh :class:`~grammar.Grammar` and
is listed by :func:`names` with a one-line description; :func:`get` fetches
one by name, as the command line does.

Examples
--------
>>> from grammar import library
>>> library.names()[:3]
['reber', 'embedded-reber', 'tomita-1']
>>> library.get("tomita-4").accepts("1001")
True
"""

from __future__ import annotations

from collections.abc import Callable

from grammar.core import Grammar
from grammar.errors import GrammarError
from grammar.ops import concat, union

__all__ = [
    "reber",
    "embedded_reber",
    "tomita",
    "parity",
    "divisible_by_3",
    "file_protocol",
    "names",
    "get",
    "describe",
]

# Reber's transitions as in Hochreiter & Schmidhuber (1997); node 7 is the exit.
_REBER_EDGES = [
    (0, 1, "B"),
    (1, 2, "T"), (1, 3, "P"),
    (2, 2, "S"), (2, 4, "X"),
    (3, 3, "T"), (3, 5, "V"),
    (4, 3, "X"), (4, 6, "S"),
    (5, 4, "P"), (5, 6, "V"),
    (6, 7, "E"),
]  # fmt: skip


def reber() -> Grammar:
    """The Reber grammar; every branch has weight 1 (the classic coin flips).

    Examples
    --------
    >>> g = reber()
    >>> g.accepts("BTSSXXTVVE"), g.accepts("BTSSXXTVPE")
    (True, False)
    """
    return Grammar.from_edges(
        _REBER_EDGES, start=0, accepting=[7], name="reber", description=_DESCRIPTIONS["reber"]
    )


def embedded_reber() -> Grammar:
    """Embedded Reber: ``B``, then ``T`` Reber ``T`` or ``P`` Reber ``P``, then ``E``.

    Built by composing :func:`reber`, as the textbook defines it. A verifier
    must remember the second letter across the whole inner Reber word.

    Examples
    --------
    >>> g = embedded_reber()
    >>> g.accepts("BTBTXSETE"), g.accepts("BTBTXSEPE")
    (True, False)
    """
    inner = reber()
    return Grammar(
        concat("B", union(concat("T", inner, "T"), concat("P", inner, "P")), "E").declaration,
        name="embedded-reber",
        description=_DESCRIPTIONS["embedded-reber"],
    )


# Tomita's seven languages over {0, 1}, each as a complete DFA: rows are
# states, (target on '0', target on '1'), and the accepting set.
_TOMITA = {
    1: ([(1, 0), (1, 1)], {0}),  # 1*
    2: ([(2, 1), (0, 2), (2, 2)], {0}),  # (10)*
    # 0: no odd run of 1s yet (or inside an even one), 1: inside the first
    # odd run of 1s, 2: after an odd run of 1s, inside an odd run of 0s,
    # 3: after an odd run of 1s, not inside an odd run of 0s, 4: dead.
    3: ([(0, 1), (2, 0), (3, 4), (2, 3), (4, 4)], {0, 1, 3}),
    4: ([(1, 0), (2, 0), (3, 0), (3, 3)], {0, 1, 2}),  # no 000
    5: ([(1, 2), (0, 3), (3, 0), (2, 1)], {0}),  # even 0s and even 1s
    6: ([(1, 2), (2, 0), (0, 1)], {0}),  # (#0 - #1) divisible by 3
    7: ([(0, 1), (2, 1), (2, 3), (4, 3), (4, 4)], {0, 1, 2, 3}),  # 0*1*0*1*
}

_TOMITA_TEXT = {
    1: "1*",
    2: "(10)*",
    3: "no odd run of 1s followed later by an odd run of 0s",
    4: "no 000",
    5: "even number of 0s and even number of 1s",
    6: "(#0 - #1) divisible by 3",
    7: "0*1*0*1*",
}


def _table_grammar(rows: list, accepting: set, alphabet: str, name: str) -> Grammar:
    edges = [(q, t, s) for q, row in enumerate(rows) for s, t in zip(alphabet, row, strict=True)]
    return Grammar.from_edges(
        edges, start=0, accepting=accepting, name=name, description=_DESCRIPTIONS[name]
    )


def tomita(k: int) -> Grammar:
    """Tomita language `k` (1 to 7) over ``{0, 1}``.

    Examples
    --------
    >>> [tomita(4).accepts(w) for w in ["", "1001", "10001"]]
    [True, True, False]
    """
    if k not in _TOMITA:
        raise GrammarError(f"there are seven Tomita languages, 1 to 7; got {k!r}")
    rows, accepting = _TOMITA[k]
    return _table_grammar(rows, accepting, "01", f"tomita-{k}")


def parity() -> Grammar:
    """Binary words with an even number of 1s.

    Examples
    --------
    >>> [parity().accepts(w) for w in ["", "101", "111"]]
    [True, True, False]
    """
    return _table_grammar([(0, 1), (1, 0)], {0}, "01", "parity")


def divisible_by_3() -> Grammar:
    """Non-empty binary numerals (leading zeros allowed) whose value is divisible by 3.

    Examples
    --------
    >>> [divisible_by_3().accepts(format(v, "b")) for v in range(7)]
    [True, False, False, True, False, False, True]
    """
    # State r+1 holds remainder r; state 0 is the start, before any digit.
    rows = [(1, 2)] + [(1 + (2 * r) % 3, 1 + (2 * r + 1) % 3) for r in range(3)]
    return _table_grammar(rows, {1}, "01", "divisible-by-3")


def file_protocol() -> Grammar:
    """Calls on a file handle: ``open``, then ``read``/``write``/``seek``, then ``close``.

    Its symbols are multi-character tokens, so its words are tuples.

    Examples
    --------
    >>> g = file_protocol()
    >>> g.accepts(("open", "read", "close")), g.accepts("open write write close")
    (True, True)
    >>> g.accepts(("open", "close", "read"))
    False
    """
    edges = [
        ("closed", "opened", "open"),
        ("opened", "opened", "read"),
        ("opened", "opened", "write"),
        ("opened", "opened", "seek"),
        ("opened", "done", "close"),
    ]
    return Grammar.from_edges(
        edges,
        start="closed",
        accepting=["done"],
        name="file-protocol",
        description=_DESCRIPTIONS["file-protocol"],
    )


_DESCRIPTIONS = {
    "reber": "Reber grammar (Reber 1967), the classic coin-flip walk",
    "embedded-reber": "embedded Reber: B (T reber T | P reber P) E, a long-range dependency",
    **{f"tomita-{k}": f"Tomita language {k}: {text}" for k, text in _TOMITA_TEXT.items()},
    "parity": "binary words with an even number of 1s",
    "divisible-by-3": "binary numerals whose value is divisible by 3",
    "file-protocol": "open (read | write | seek)* close, over multi-character tokens",
}

_BUILDERS: dict[str, Callable[[], Grammar]] = {
    "reber": reber,
    "embedded-reber": embedded_reber,
    **{f"tomita-{k}": (lambda k=k: tomita(k)) for k in _TOMITA},
    "parity": parity,
    "divisible-by-3": divisible_by_3,
    "file-protocol": file_protocol,
}


def names() -> list[str]:
    """The names of the built-in grammars, in a stable order."""
    return list(_BUILDERS)


def describe(name: str) -> str:
    """The one-line description of built-in `name`.

    Examples
    --------
    >>> describe("tomita-2")
    'Tomita language 2: (10)*'
    """
    get(name)  # same error for an unknown name
    return _DESCRIPTIONS[_normalise(name)]


def _normalise(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def get(name: str) -> Grammar:
    """Build the built-in grammar called `name` (``_`` and ``-`` are interchangeable).

    Raises
    ------
    GrammarError
        If there is no built-in of that name; the message lists the names.

    Examples
    --------
    >>> get("embedded_reber").name
    'embedded-reber'
    """
    if not isinstance(name, str):
        raise TypeError(f"a grammar name is a str, not {type(name).__name__}")
    builder = _BUILDERS.get(_normalise(name))
    if builder is None:
        raise GrammarError(f"no built-in grammar named {name!r}; choose from {', '.join(names())}")
    return builder()
