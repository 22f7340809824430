"""Words as code arrays on a DFA: encoding, decoding, running, and the table cache.

Internally a batch of words is a 2-D array of *codes*: symbol j of the DFA's
alphabet is stored as j + 1 and 0 pads a row after its word, so rows need no
separate lengths. The code width is chosen from the alphabet size
(:func:`code_dtype`), so any alphabet, however large, round-trips.

Every table derived from a DFA is held in one cache, :func:`cached`, keyed
by the DFA's identity (the exact counts of :mod:`grammar.ranking` among
them). Everything here is typed on :class:`grammar.automaton.DFA`; nothing
imports :mod:`grammar.core`.

Examples
--------
>>> import numpy as np
>>> from grammar import library
>>> dfa = library.tomita(2).dfa            # (10)*
>>> codes = encode_words(dfa, [list("1010"), list("10")])
>>> codes.tolist(), Codec.of(dfa).decode(codes)
([[2, 1, 2, 1], [2, 1, 0, 0]], ['1010', '10'])
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

try:  # the optional compiled loops (setup.py builds them when a C compiler is present)
    from grammar import _kernels as kernels
except ImportError:  # pragma: no cover - the numpy fallback computes the same
    kernels = None

if TYPE_CHECKING:
    from grammar.automaton import DFA
    from grammar.words import Word

__all__ = [
    "COMPILED_KERNELS",
    "Codec",
    "cached",
    "code_dtype",
    "code_table",
    "compiled_kernels",
    "dfa_live",
    "encode_words",
    "run_codes",
]


_CACHE: dict[tuple[int, str], tuple[weakref.ref, Any]] = {}
#: Whether :func:`run_codes` uses the compiled loop when it is built (tests turn it off to
#: check that numpy computes the same).
COMPILED_KERNELS = True


def cached(owner: Any, key: str, build: Callable[[], Any]) -> Any:
    """Memoise ``build()`` on the identity of `owner` (a DFA or a Declaration).

    Grammars compare by language, so their derived tables are keyed by object
    identity instead; the entry goes when `owner` is garbage collected.
    """
    slot = (id(owner), key)
    entry = _CACHE.get(slot)
    if entry is not None and entry[0]() is owner:
        return entry[1]
    value = build()
    _CACHE[slot] = (weakref.ref(owner), value)
    weakref.finalize(owner, _CACHE.pop, slot, None)
    return value



# -- codes ---------------------------------------------------------------------------------------


def code_dtype(n_symbols: int) -> type:
    """The narrowest unsigned dtype holding codes 0..n_symbols.

    Examples
    --------
    >>> code_dtype(4).__name__, code_dtype(255).__name__, code_dtype(65_535).__name__
    ('uint8', 'uint16', 'uint32')
    """
    if n_symbols < 0xFF:
        return np.uint8
    return np.uint16 if n_symbols < 0xFFFF else np.uint32


@dataclass(frozen=True)
class Codec:
    """Turns code arrays into the words of one grammar."""

    alphabet: tuple[str, ...]
    single_char: bool
    points: np.ndarray  # uint32 code point of each code (0 for padding)
    column: dict

    @classmethod
    def of(cls, dfa: DFA) -> Codec:
        """The codec of `dfa`'s alphabet, built once per DFA."""

        def build() -> Codec:
            alphabet = dfa.alphabet
            single_char = all(len(symbol) == 1 for symbol in alphabet)
            points = np.zeros(len(alphabet) + 1, dtype=np.uint32)
            if single_char:
                points[1:] = [ord(symbol) for symbol in alphabet]
            column = {symbol: j + 1 for j, symbol in enumerate(alphabet)}
            return cls(alphabet, single_char, points, column)

        return cached(dfa, "codec", build)

    def decode(self, codes: np.ndarray) -> list[Word]:
        """The words of the rows of `codes`."""
        return self.decode_objects(codes).tolist()

    def decode_objects(self, codes: np.ndarray) -> np.ndarray:
        """The words of the rows of `codes`, as a 1-D object array."""
        rows, width = codes.shape
        if width == 0:
            return np.fromiter(["" if self.single_char else ()] * rows, dtype=object, count=rows)
        if self.single_char and self.points[1:].all():
            # A row of code points read as one fixed-width numpy str; trailing NULs drop off.
            points = np.ascontiguousarray(self.points[codes])
            return points.view(f"<U{width}").ravel().astype(object)
        lengths = np.count_nonzero(codes, axis=1)
        symbols = np.asarray(self.alphabet, dtype=object)[codes[codes > 0] - 1].tolist()
        ends = np.cumsum(lengths).tolist()
        starts = [0, *ends[:-1]]
        join = "".join if self.single_char else tuple
        # fromiter keeps each tuple whole (a plain assignment could unpack it).
        return np.fromiter((join(symbols[a:b]) for a, b in zip(starts, ends, strict=True)),
                           dtype=object, count=rows)


def code_table(dfa: DFA) -> np.ndarray:
    """The DFA table read by codes: column 0 (padding) keeps the state, column j + 1 reads j."""

    def build() -> np.ndarray:
        n = dfa.n_states
        table = np.empty((n, len(dfa.alphabet) + 1), dtype=np.intp)
        table[:, 0] = np.arange(n)
        table[:, 1:] = dfa.table
        table.setflags(write=False)
        return table

    return cached(dfa, "code_table", build)


def compiled_kernels() -> Any:
    """The compiled loops of :mod:`grammar._kernels`, or None (not built, or turned off by
    :data:`COMPILED_KERNELS`); the callers' numpy forms compute the same."""
    return kernels if COMPILED_KERNELS else None


def run_codes(table: np.ndarray, codes: np.ndarray, start: int) -> np.ndarray:
    """Final state of each row of `codes` on a code table (see :func:`code_table`).

    The compiled loop of :mod:`grammar._kernels` runs it when built (see
    :func:`compiled_kernels`); numpy computes the same states otherwise
    (one vectorised step per column, which costs most on few long rows).

    Examples
    --------
    >>> from grammar import library
    >>> dfa = library.parity().dfa
    >>> run_codes(code_table(dfa), np.array([[2, 2, 0], [2, 0, 0]], np.uint8), dfa.start).tolist()
    [0, 1]
    """
    compiled = compiled_kernels()
    if compiled is not None and codes.dtype.itemsize in (1, 2, 4):
        out = np.empty(len(codes), dtype=np.int64)
        compiled.run_codes(np.ascontiguousarray(table, dtype=np.int64), table.shape[1],
                          np.ascontiguousarray(codes), codes.shape[1], int(start), out)
        return out.astype(np.intp, copy=False)
    width = table.shape[1]
    flat = (table * width).ravel()
    states = np.full(codes.shape[0], start * width, dtype=np.intp)
    for column in codes.T:
        states = flat[states + column]
    return states // width


def dfa_live(dfa: DFA) -> np.ndarray:
    """``dfa.live``, computed once per DFA."""
    return cached(dfa, "live", lambda: dfa.live)


def encode_words(dfa: DFA, words: Sequence[Sequence[str]]) -> np.ndarray:
    """Split words as a code matrix; a symbol outside the alphabet gets code ``k + 1``.

    `words` are already split into symbols (see :func:`grammar.words.split_word`).
    The extra code lets callers run unknown symbols into a dead state instead
    of failing.

    Examples
    --------
    >>> from grammar import library
    >>> encode_words(library.parity().dfa, [["1", "0"], ["2"]]).tolist()
    [[2, 1], [3, 0]]
    """
    k = len(dfa.alphabet)
    column = Codec.of(dfa).column
    width = max((len(w) for w in words), default=0)
    codes = np.zeros((len(words), width), dtype=code_dtype(k + 1))
    for i, symbols in enumerate(words):
        codes[i, : len(symbols)] = [column.get(s, k + 1) for s in symbols]
    return codes
