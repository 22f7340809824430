"""The options of the bulk engines and the lookup tables they derive from a DFA.

Everything here is typed on :class:`~grammar.automaton.DFA`. The public entry
points also take a :class:`~grammar.Grammar`, recognised by its ``dfa``
attribute (:func:`as_dfa`), so this package never imports :mod:`grammar.core`.

Examples
--------
>>> from grammar import library
>>> tables = tables_for(as_dfa(library.reber(), "automaton"))
>>> tables.single_char, tables.encoding, tables.n_symbols
(True, 'utf-8', 7)
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Literal, Protocol

import numpy as np

from grammar.automaton import DFA
from grammar.checks import check_positive
from grammar.codes import cached
from grammar.errors import GrammarError

try:
    from grammar import _fastdfa as fastdfa
except ImportError:  # the extension is optional; numpy takes over
    fastdfa = None

__all__ = [
    "CHUNK_BYTES",
    "CHUNK_WORDS",
    "FILE_BLOCK",
    "HAVE_EXTENSION",
    "Automaton",
    "Engine",
    "HasDFA",
    "Tables",
    "as_dfa",
    "byte_table",
    "check_options",
    "fastdfa",
    "tables_for",
    "use_compiled",
]

#: Whether the compiled extension ``grammar._fastdfa`` was built and imports.
HAVE_EXTENSION: bool = fastdfa is not None
#: Default number of words per chunk of a word list.
CHUNK_WORDS = 1 << 20
#: Default number of bytes (or characters) per chunk of newline-separated text.
CHUNK_BYTES = 16 << 20
#: Default block size of a file: bytes read at a time, and the least a thread scans.
FILE_BLOCK = 4 << 20

Engine = Literal["auto", "compiled", "numpy", "python"]
ENGINES = ("auto", "compiled", "numpy", "python")


class HasDFA(Protocol):
    """Anything that carries a compiled DFA, as :class:`~grammar.Grammar` does."""

    @property
    def dfa(self) -> DFA: ...


#: What the public entry points accept as the automaton.
Automaton = DFA | HasDFA


def as_dfa(automaton: Any, name: str = "automaton") -> DFA:
    """The DFA of a Grammar (anything with a ``dfa`` attribute), or a DFA itself.

    Raises
    ------
    TypeError
        If `automaton` is neither, naming the argument `name`.

    Examples
    --------
    >>> from grammar import library
    >>> g = library.parity()
    >>> as_dfa(g) is as_dfa(g.dfa) is g.dfa
    True
    >>> as_dfa("parity")
    Traceback (most recent call last):
    ...
    TypeError: automaton: expected a Grammar or a DFA, not str
    """
    dfa = getattr(automaton, "dfa", automaton)
    if not isinstance(dfa, DFA):
        raise TypeError(f"{name}: expected a Grammar or a DFA, not {type(automaton).__name__}")
    return dfa


def check_options(engine: Any, **sizes: Any) -> None:
    """Check `engine`, and every size given by keyword: an int >= 1, or None for the default.

    Examples
    --------
    >>> check_options("numpy", chunk_words=4, workers=None)
    >>> check_options("numpy", chunk_words=0)
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: chunk_words must be >= 1, got 0
    >>> check_options("fast")
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: engine must be one of 'auto', 'compiled', 'numpy', ..., not 'fast'
    """
    if not isinstance(engine, str):
        raise TypeError(f"engine must be a str, not {type(engine).__name__}")
    if engine not in ENGINES:
        raise GrammarError(f"engine must be one of {', '.join(map(repr, ENGINES))}, not {engine!r}")
    if engine == "compiled" and not HAVE_EXTENSION:
        raise GrammarError(
            "engine='compiled' needs the C extension grammar._fastdfa; "
            "reinstall with a C compiler (pip install -e .) or use engine='numpy'"
        )
    for name, size in sizes.items():
        if size is not None:
            check_positive(size, name)


def use_compiled(engine: str) -> bool:
    """Whether `engine` runs the compiled loops: "compiled", or "auto" once they are built."""
    return engine == "compiled" or (engine == "auto" and HAVE_EXTENSION)


class Tables:
    """Lookup structures derived from one DFA, each built on first use."""

    def __init__(self, dfa: DFA) -> None:
        self.dfa = dfa
        self.start = int(dfa.start)
        self.n_states = int(dfa.table.shape[0])
        self.n_symbols = len(dfa.alphabet)
        self.column = {symbol: j for j, symbol in enumerate(dfa.alphabet)}
        self.single_char = all(len(symbol) == 1 for symbol in dfa.alphabet)
        codes = [ord(symbol) for symbol in dfa.alphabet] if self.single_char else []
        # How a str becomes bytes for the byte table. With an ASCII alphabet
        # UTF-8 is exact: every non-ASCII character turns into bytes >= 0x80,
        # which all lead to the sink. A latin-1 alphabet needs latin-1.
        self.encoding: str | None = None
        if self.single_char:
            self.encoding = "utf-8" if max(codes, default=0) < 128 else None
            if self.encoding is None and max(codes) < 256:
                self.encoding = "latin-1"

    @cached_property
    def rows(self) -> tuple[list[list[int]], list[bool]]:
        """The table and accepting mask as Python lists, for the Python engine."""
        return self.dfa.table.tolist(), self.dfa.accepting.tolist()

    @cached_property
    def bytes256(self) -> tuple[np.ndarray, np.ndarray]:
        """The byte table ``(n_states + 1, 256)`` int32 and its uint8 accepting flags."""
        return byte_table(self.dfa)

    @cached_property
    def extended(self) -> tuple[np.ndarray, np.ndarray]:
        """The table with a sink row and an "unknown symbol" column, and its accepting mask."""
        n, k = self.n_states, self.n_symbols
        table = np.full((n + 1, k + 1), n, dtype=np.intp)
        table[:n, :k] = self.dfa.table
        return table, np.append(self.dfa.accepting, False)

    @cached_property
    def code_points(self) -> tuple[np.ndarray, np.ndarray]:
        """Sorted code points of a character alphabet and their columns.

        A sentinel above every code point, in the "unknown symbol" column, ends
        the list, so a binary search always lands on a valid index.
        """
        codes = np.array([ord(symbol) for symbol in self.dfa.alphabet], dtype=np.uint32)
        order = np.argsort(codes)
        return (
            np.append(codes[order], np.uint32(0xFFFFFFFF)),
            np.append(order, self.n_symbols).astype(np.intp),
        )

    def encode(self, text: str) -> bytes | None:
        """`text` as bytes for the byte table, or None if it cannot be (a character >= 256)."""
        if self.encoding == "utf-8":
            return text.encode("utf-8", "surrogatepass")
        try:
            return text.encode("latin-1")
        except UnicodeEncodeError:
            return None


def tables_for(dfa: DFA) -> Tables:
    """The :class:`Tables` of `dfa`, built once and kept while `dfa` lives."""
    return cached(dfa, "bulk.tables", lambda: Tables(dfa))


def byte_table(automaton: Automaton) -> tuple[np.ndarray, np.ndarray]:
    """Widen a single-character DFA to a table over all 256 byte values.

    Row ``n_states`` is added as a rejecting sink, and every byte that is not
    a symbol leads there, so a word with an unknown character is rejected.

    Parameters
    ----------
    automaton : DFA or Grammar
        An automaton whose symbols are single characters below ``chr(256)``,
        or a grammar whose DFA is one.

    Returns
    -------
    table : numpy.ndarray
        C-contiguous int32 array of shape ``(n_states + 1, 256)``.
    accepting : numpy.ndarray
        uint8 array of shape ``(n_states + 1,)``, 1 for accepting states.

    Raises
    ------
    GrammarError
        If a symbol is longer than one character or above ``chr(255)``.
    TypeError
        If `automaton` is neither a DFA nor a Grammar.

    Examples
    --------
    >>> from grammar import library
    >>> table, accepting = byte_table(library.parity().dfa)
    >>> table.shape, table[:, ord("1")].tolist(), table[0, ord("x")].item(), accepting.tolist()
    ((3, 256), [1, 0, 2], 2, [1, 0, 0])
    """
    dfa = as_dfa(automaton)
    bad = [s for s in dfa.alphabet if len(s) != 1 or ord(s) > 255]
    if bad:
        raise GrammarError(f"symbol {bad[0]!r} is not a single byte-sized character")
    n = int(dfa.table.shape[0])
    table = np.full((n + 1, 256), n, dtype=np.int32)
    table[:n, [ord(symbol) for symbol in dfa.alphabet]] = dfa.table
    accepting = np.zeros(n + 1, dtype=np.uint8)
    accepting[:n] = dfa.accepting
    return table, accepting
