"""Bulk membership: many words through one DFA, fast and in bounded memory.

This is the engine behind :meth:`grammar.Grammar.accepts_many` and
``grammar check --file``. Three engines share one meaning:

``"compiled"``
    The optional C extension ``grammar._fastdfa``: a loop over the bytes of
    newline-separated words (with the GIL released), or over the characters
    of a list of ``str`` read in place, with no join or encoding. It applies
    when every symbol is a single character with a code point below 256; the
    DFA is widened to a ``(n_states + 1, 256)`` byte table whose extra row is
    a rejecting sink for every other character.
``"numpy"``
    Vectorised over words: words are sorted by length and the automaton steps
    one position at a time over the words still running. It serves token
    grammars and other alphabets, and replaces the compiled loop when the
    extension was not built.
``"python"``
    A plain loop, which ``"auto"`` picks for a handful of words so that a
    single check pays no setup cost.

``"auto"`` (the default) picks the fastest engine that applies. Input is
processed in chunks of `chunk_words` words or `chunk_bytes` characters, so the
extra memory stays a fraction of the input's own size.

Newline-separated input (``bytes`` or ``str``) follows these line rules:

- each ``"\\n"`` ends a word; a final line without one is a word too, but a
  trailing ``"\\n"`` does not open an extra empty word, so ``b"a\\nb\\n"`` and
  ``b"a\\nb"`` both hold two words, ``b""`` holds none and ``b"\\n"`` holds one
  empty word;
- a ``"\\r"`` right before a ``"\\n"`` or at the very end is part of the line
  ending (CRLF files) and never a symbol; any other ``"\\r"`` is a character;
- ``bytes`` are UTF-8 text; in token grammars each line holds
  whitespace-separated tokens.

Words given in a list are taken as they are: a ``"\\n"`` or ``"\\r"`` inside
one is an ordinary character, which no line rule touches.

Examples
--------
>>> from grammar import library
>>> from grammar.bulk import accepts_many, count_lines
>>> reber = library.reber()
>>> accepts_many(reber, ["BTXSE", "BPVVE", "BTSE", ""]).tolist()
[True, True, False, False]
>>> accepts_many(reber, b"BTXSE\\r\\nBPVPVVE\\r\\n").tolist()
[True, False]
>>> count_lines(reber, "BTXSE\\nBPVVE\\nBTSE\\n")
(2, 3)
"""

from __future__ import annotations

import io
import mmap
import os
import stat
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from itertools import islice, repeat
from typing import IO, TYPE_CHECKING, Any, Literal

import numpy as np

from grammar.automaton import DFA

if TYPE_CHECKING:
    from grammar.core import Grammar

try:
    from grammar import _fastdfa
except ImportError:  # the extension is optional; numpy takes over
    _fastdfa = None

__all__ = [
    "CHUNK_BYTES",
    "CHUNK_WORDS",
    "Engine",
    "HAVE_EXTENSION",
    "accepts_many",
    "byte_table",
    "count_file",
    "count_lines",
    "split_lines",
]

#: Whether the compiled extension ``grammar._fastdfa`` was built and imports.
HAVE_EXTENSION: bool = _fastdfa is not None
#: Default number of words per chunk of a word list.
CHUNK_WORDS = 1 << 20
#: Default number of bytes (or characters) per chunk of newline-separated text.
CHUNK_BYTES = 16 << 20
# Fewer words than this go through the plain Python loop under "auto".
_SMALL_WORDS = 32
# Shorter newline-separated text than this goes through the Python loop too.
_SMALL_TEXT = 1024
# Once this few words are still running, numpy's per-step overhead exceeds
# the work, so the longest words are finished in Python.
_TAIL_WORDS = 32
# Newline-separated files are read in blocks this large, counted in threads.
_FILE_BLOCK = 4 << 20

Engine = Literal["auto", "compiled", "numpy", "python"]
_ENGINES = ("auto", "compiled", "numpy", "python")
Text = str | bytes | bytearray | memoryview | mmap.mmap
_BUFFER_TYPES = (bytes, bytearray, memoryview, mmap.mmap)


class _Tables:
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


_CACHE: weakref.WeakKeyDictionary[DFA, _Tables] = weakref.WeakKeyDictionary()


def _tables_for(automaton: DFA | Grammar) -> _Tables:
    dfa = getattr(automaton, "dfa", automaton)
    if not isinstance(dfa, DFA):
        raise TypeError(f"expected a Grammar or a DFA, not {type(automaton).__name__}")
    tables = _CACHE.get(dfa)
    if tables is None:
        tables = _CACHE[dfa] = _Tables(dfa)
    return tables


def byte_table(dfa: DFA) -> tuple[np.ndarray, np.ndarray]:
    """Widen a single-character DFA to a table over all 256 byte values.

    Row ``n_states`` is added as a rejecting sink, and every byte that is not
    a symbol leads there, so a word with an unknown character is rejected.

    Parameters
    ----------
    dfa : DFA
        An automaton whose symbols are single characters below ``chr(256)``.

    Returns
    -------
    table : numpy.ndarray
        C-contiguous int32 array of shape ``(n_states + 1, 256)``.
    accepting : numpy.ndarray
        uint8 array of shape ``(n_states + 1,)``, 1 for accepting states.

    Raises
    ------
    ValueError
        If a symbol is longer than one character or above ``chr(255)``.

    Examples
    --------
    >>> from grammar import library
    >>> table, accepting = byte_table(library.parity().dfa)
    >>> table.shape, table[:, ord("1")].tolist(), table[0, ord("x")].item(), accepting.tolist()
    ((3, 256), [1, 0, 2], 2, [1, 0, 0])
    """
    bad = [s for s in dfa.alphabet if len(s) != 1 or ord(s) > 255]
    if bad:
        raise ValueError(f"symbol {bad[0]!r} is not a single byte-sized character")
    n = int(dfa.table.shape[0])
    table = np.full((n + 1, 256), n, dtype=np.int32)
    table[:n, [ord(symbol) for symbol in dfa.alphabet]] = dfa.table
    accepting = np.zeros(n + 1, dtype=np.uint8)
    accepting[:n] = dfa.accepting
    return table, accepting


def _check_options(engine: str, **sizes: int | None) -> None:
    if engine not in _ENGINES:
        raise ValueError(f"engine must be one of {', '.join(map(repr, _ENGINES))}, not {engine!r}")
    if engine == "compiled" and not HAVE_EXTENSION:
        raise RuntimeError(
            "engine='compiled' needs the C extension grammar._fastdfa; "
            "reinstall with a C compiler (pip install -e .) or use engine='numpy'"
        )
    for name, size in sizes.items():
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 1):
            raise ValueError(f"{name} must be a positive int, not {size!r}")


def _compiled(engine: str) -> bool:
    return engine == "compiled" or (engine == "auto" and HAVE_EXTENSION)


# -- words -> symbols ------------------------------------------------------------


def _symbols(word: Any, single_char: bool) -> Sequence[Any]:
    """The symbols of one word, as :meth:`grammar.Grammar.symbols_of` splits it."""
    if isinstance(word, str):
        return word if single_char else word.split()
    if isinstance(word, (tuple, list)):
        return word
    if isinstance(word, (bytes, bytearray)) or not isinstance(word, (Sequence, np.ndarray)):
        raise TypeError(f"a word is a str or a sequence of str symbols, not {type(word).__name__}")
    return list(word)


def _bad_symbol(symbol: Any) -> TypeError:
    return TypeError(f"a word's symbols are str, not {type(symbol).__name__} ({symbol!r})")


def _run_python(tables: _Tables, words: Iterable[Any]) -> np.ndarray:
    """The plain loop: no setup, for a handful of words."""
    rows, accepting = tables.rows
    column, single_char, start = tables.column, tables.single_char, tables.start
    results = []
    for word in words:
        state = start
        for symbol in _symbols(word, single_char):
            try:
                j = column.get(symbol)
            except TypeError:
                raise _bad_symbol(symbol) from None
            if j is None:
                if not isinstance(symbol, str):
                    raise _bad_symbol(symbol)
                state = -1  # rejected, but later symbols still get their type checked
            elif state >= 0:
                state = rows[state][j]
        results.append(state >= 0 and accepting[state])
    return np.array(results, dtype=bool)


def _run_flat(
    table: np.ndarray,
    accepting: np.ndarray,
    start: int,
    ids: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
) -> np.ndarray:
    """Acceptance of the words ``ids[starts[i] : starts[i] + lengths[i]]``, vectorised.

    Words are sorted by length, so at position ``p`` the words still running
    are a suffix of that order, and each step is one gather over them. States
    are kept as row offsets into the flattened table, which saves a multiply
    per step.
    """
    n = len(lengths)
    # numpy radix-sorts 16-bit keys, ten times faster than a merge sort here.
    key = lengths.astype(np.uint16) if n and lengths.max() < 2**16 else lengths
    order = np.argsort(key, kind="stable")
    lengths = lengths[order]
    width = table.shape[1]
    offsets = (table.astype(np.intp) * width).ravel()
    cursor = starts[order].astype(np.intp)
    states = np.full(n, start * width, dtype=np.intp)
    position = 0
    first = int(np.searchsorted(lengths, position, side="right"))
    while n - first > _TAIL_WORDS:
        running, reading = states[first:], cursor[first:]
        running += ids[reading]
        np.take(offsets, running, out=running, mode="clip")
        reading += 1
        position += 1
        first += int(np.searchsorted(lengths[first:], position, side="right"))
    for i in range(first, n):
        state, begin = int(states[i]), int(cursor[i])
        for symbol in ids[begin : begin + int(lengths[i]) - position].tolist():
            state = int(offsets[state + symbol])
        states[i] = state
    result = np.empty(n, dtype=bool)
    result[order] = accepting[states // width] != 0
    return result


def _run_symbols(tables: _Tables, words: Sequence[Any]) -> np.ndarray:
    """Any words (token tuples, token strings, mixed): dict lookups, then numpy steps."""
    single_char, column = tables.single_char, tables.column
    flat: list[Any] = []
    lengths = []
    for word in words:
        symbols = _symbols(word, single_char)
        flat.extend(symbols)
        lengths.append(len(symbols))
    unknown = tables.n_symbols
    try:
        ids = np.fromiter(map(column.get, flat, repeat(unknown)), dtype=np.intp, count=len(flat))
    except TypeError:
        raise _bad_symbol(next(s for s in flat if not isinstance(s, str))) from None
    for i in np.flatnonzero(ids == unknown).tolist():
        if not isinstance(flat[i], str):
            raise _bad_symbol(flat[i])
    lengths_array = np.array(lengths, dtype=np.intp)
    starts = np.cumsum(lengths_array) - lengths_array
    table, accepting = tables.extended
    return _run_flat(table, accepting, tables.start, ids, starts, lengths_array)


def _run_characters(tables: _Tables, text: str, words: Sequence[str]) -> np.ndarray:
    """Character words joined by newlines in `text`, vectorised over code points."""
    if text.isascii() and tables.encoding is not None:
        units = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
        table, accepting = tables.bytes256
        ids = units
    else:
        units = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        codes, columns = tables.code_points
        where = np.searchsorted(codes, units)
        ids = np.where(codes[where] == units, columns[where], tables.n_symbols)
        table, accepting = tables.extended
    breaks = np.flatnonzero(units == 10)
    if len(breaks) == len(words) - 1:  # the joining newlines only: no word holds one
        starts = np.concatenate(([0], breaks + 1))
        lengths = np.append(breaks, len(units)) - starts
    else:
        lengths = np.fromiter(map(len, words), dtype=np.intp, count=len(words))
        starts = np.cumsum(lengths + 1) - (lengths + 1)
    return _run_flat(table, accepting, tables.start, ids, starts, lengths)


def _run_word_chunk(tables: _Tables, words: Sequence[Any], engine: str) -> np.ndarray:
    if engine == "python" or (engine == "auto" and len(words) <= _SMALL_WORDS):
        return _run_python(tables, words)
    if not tables.single_char:
        return _run_symbols(tables, words)
    if _compiled(engine) and tables.encoding is not None:
        table, accepting = tables.bytes256
        out = np.empty(len(words), dtype=bool)
        if isinstance(words, (list, tuple)) and _fastdfa.run_words(
            words, table, tables.start, accepting, out
        ) == len(words):
            return out
    try:
        text = "\n".join(words)
    except TypeError:  # not every word is a str
        return _run_symbols(tables, words)
    return _run_characters(tables, text, words)


def _word_chunks(words: Iterable[Any], size: int) -> Iterator[Sequence[Any]]:
    if isinstance(words, np.ndarray):
        for i in range(0, len(words), size):
            yield words[i : i + size].tolist()
    elif isinstance(words, Sequence) and len(words) <= size:
        yield words  # slicing would copy it
    elif isinstance(words, Sequence):
        yield from (words[i : i + size] for i in range(0, len(words), size))
    else:
        iterator = iter(words)
        while chunk := list(islice(iterator, size)):
            yield chunk


# -- newline-separated text --------------------------------------------------------


def _line_chunks(
    length: int, size: int, rfind: Callable[[int, int], int], find: Callable[[int, int], int]
) -> Iterator[tuple[int, int]]:
    """Bounds ``(lo, hi)`` of chunks of about `size` that end just after a newline.

    `rfind(lo, hi)` and `find(lo, hi)` give the last and first newline index in
    ``[lo, hi)``, or -1. Only the final chunk may end without a newline.
    """
    lo = 0
    while lo < length:
        hi = lo + size
        cut = rfind(lo, hi) if hi < length else -1
        if cut < 0 and hi < length:
            cut = find(hi, length)  # one line longer than `size`
        if cut < 0:
            yield lo, length
            return
        yield lo, cut + 1
        lo = cut + 1


def _byte_finders(array: np.ndarray) -> tuple[Callable[[int, int], int], ...]:
    def rfind(lo: int, hi: int) -> int:
        hits = np.flatnonzero(array[lo:hi] == 10)
        return lo + int(hits[-1]) if hits.size else -1

    def find(lo: int, hi: int) -> int:
        hits = np.flatnonzero(array[lo:hi] == 10)
        return lo + int(hits[0]) if hits.size else -1

    return rfind, find


def _text_finders(text: str) -> tuple[Callable[[int, int], int], ...]:
    return (lambda lo, hi: text.rfind("\n", lo, hi)), (lambda lo, hi: text.find("\n", lo, hi))


def _line_spans(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and length of every line of a uint8 array, CR of a CRLF excluded."""
    ends = np.flatnonzero(data == 10)
    if data.size and data[-1] != 10:
        ends = np.append(ends, data.size)
    starts = np.zeros_like(ends)
    starts[1:] = ends[:-1] + 1
    nonempty = ends > starts
    carriage = nonempty & (data[np.maximum(ends - 1, 0)] == 13)
    ends -= carriage
    return starts, ends - starts


def _run_byte_lines(tables: _Tables, data: np.ndarray, engine: str, chunk: int) -> np.ndarray:
    """Newline-separated words in a uint8 array, through the byte table."""
    table, accepting = tables.bytes256
    results = []
    for lo, hi in _line_chunks(len(data), chunk, *_byte_finders(data)):
        part = data[lo:hi]
        if _compiled(engine):
            out = np.empty(int(np.count_nonzero(part == 10)) + 1, dtype=bool)
            n = _fastdfa.run_lines(part, table, tables.start, accepting, out, True)
            results.append(out[:n])
        else:
            starts, lengths = _line_spans(part)
            results.append(_run_flat(table, accepting, tables.start, part, starts, lengths))
    return np.concatenate(results) if results else np.zeros(0, dtype=bool)


def split_lines(text: Text) -> list[str]:
    """The words of newline-separated text, by the module's line rules.

    Parameters
    ----------
    text : str, bytes, bytearray, memoryview or mmap
        Bytes are decoded as UTF-8; an invalid byte becomes U+FFFD, which no
        grammar's alphabet holds.

    Returns
    -------
    list of str

    Examples
    --------
    >>> split_lines("a\\nb\\r\\n\\n"), split_lines(b"a\\r"), split_lines("")
    (['a', 'b', ''], ['a'], [])
    """
    if isinstance(text, _BUFFER_TYPES):
        text = _decode(text)
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # a trailing newline ends the last word, it does not open one
    if "\r" in text:
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    return lines


# grammar.cli imports the private name; drop this once it imports split_lines.



def _decode(data: bytes | bytearray | memoryview | mmap.mmap | np.ndarray) -> str:
    return bytes(data).decode("utf-8", "replace")


def _as_bytes_array(data: bytes | bytearray | memoryview | mmap.mmap) -> np.ndarray:
    return np.frombuffer(memoryview(data).cast("B"), dtype=np.uint8)


def _text_pieces(text: Text, size: int) -> Iterator[str]:
    """Newline-separated text as str pieces of about `size` that end at line ends."""
    if isinstance(text, _BUFFER_TYPES):
        array = _as_bytes_array(text)
        for lo, hi in _line_chunks(len(array), size, *_byte_finders(array)):
            yield _decode(array[lo:hi])
    else:
        for lo, hi in _line_chunks(len(text), size, *_text_finders(text)):
            yield text[lo:hi]


def _run_lines(
    tables: _Tables, text: Text, engine: str, chunk_words: int, chunk_bytes: int
) -> np.ndarray:
    small = engine == "python" or (engine == "auto" and len(text) <= _SMALL_TEXT)
    if not small and tables.encoding == "utf-8" and isinstance(text, _BUFFER_TYPES):
        return _run_byte_lines(tables, _as_bytes_array(text), engine, chunk_bytes)
    results = []
    for piece in _text_pieces(text, chunk_bytes):
        data = None if small or tables.encoding is None else tables.encode(piece)
        if data is not None:
            results.append(_run_byte_lines(tables, _as_bytes_array(data), engine, chunk_bytes))
        else:  # token grammars and other alphabets: lists of words
            words = split_lines(piece)
            results += [
                _run_word_chunk(tables, c, engine) for c in _word_chunks(words, chunk_words)
            ]
    return np.concatenate(results) if results else np.zeros(0, dtype=bool)


# -- public API -----------------------------------------------------------------


def accepts_many(
    automaton: DFA | Grammar,
    words: Iterable[Any] | Text,
    *,
    engine: Engine = "auto",
    chunk_words: int = CHUNK_WORDS,
    chunk_bytes: int = CHUNK_BYTES,
) -> np.ndarray:
    """Membership of many words at once, as a boolean array.

    Parameters
    ----------
    automaton : Grammar or DFA
        The grammar, or its compiled :class:`~grammar.automaton.DFA`.
    words : iterable of words, or str / bytes
        A list (or any iterable) of words: ``str`` (a whitespace-separated
        token string in token grammars) or sequences of symbols. A ``str``,
        ``bytes``, ``bytearray``, ``memoryview`` or ``mmap`` holds
        newline-separated words instead, read by the module's line rules.
    engine : {"auto", "compiled", "numpy", "python"}, optional
        Which engine to use (see the module docstring); "compiled" raises
        RuntimeError when the extension is missing.
    chunk_words, chunk_bytes : int, optional
        How many words, or how many bytes of text, are processed at a time.

    Returns
    -------
    numpy.ndarray
        Boolean array, one entry per word, in order.

    Raises
    ------
    TypeError
        If a word is not a str or a sequence of str.

    Examples
    --------
    >>> from grammar import library
    >>> g = library.embedded_reber()
    >>> accepts_many(g, ["BTBTXSETE", "BPBPVVEPE", "BTBPVVETE", "BPBTXSEPF"]).tolist()
    [True, True, True, False]
    >>> bool(accepts_many(g, iter(["BTBTXSETE"] * 40), engine="numpy").all())
    True
    >>> accepts_many(g, "BTBTXSETE\\nBPBTSXSETE\\n").tolist()
    [True, False]
    """
    _check_options(engine, chunk_words=chunk_words, chunk_bytes=chunk_bytes)
    tables = _tables_for(automaton)
    if isinstance(words, (str, *_BUFFER_TYPES)):
        return _run_lines(tables, words, engine, chunk_words, chunk_bytes)
    results = [_run_word_chunk(tables, chunk, engine) for chunk in _word_chunks(words, chunk_words)]
    return np.concatenate(results) if results else np.zeros(0, dtype=bool)


def count_lines(
    automaton: DFA | Grammar,
    text: Text,
    *,
    engine: Engine = "auto",
    chunk_bytes: int = CHUNK_BYTES,
) -> tuple[int, int]:
    """Count the accepted words of newline-separated text, without a per-word result.

    Parameters
    ----------
    automaton : Grammar or DFA
        The grammar, or its compiled DFA.
    text : str, bytes, bytearray, memoryview or mmap
        Newline-separated words, read by the module's line rules.
    engine : {"auto", "compiled", "numpy", "python"}, optional
        As in :func:`accepts_many`.
    chunk_bytes : int, optional
        How many bytes of text are processed at a time.

    Returns
    -------
    (accepted, total) : tuple of int

    Examples
    --------
    >>> from grammar import library
    >>> count_lines(library.tomita(1), b"111\\n101\\n\\n")
    (2, 3)
    """
    _check_options(engine, chunk_bytes=chunk_bytes)
    tables = _tables_for(automaton)
    if _compiled(engine) and tables.encoding == "utf-8" and isinstance(text, _BUFFER_TYPES):
        table, accepting = tables.bytes256
        return _fastdfa.count_lines(text, table, tables.start, accepting, True)
    results = _run_lines(tables, text, engine, CHUNK_WORDS, chunk_bytes)
    return int(np.count_nonzero(results)), len(results)


def _pieces(stream: IO[Any], block_size: int) -> Iterator[Any]:
    """Whole-line pieces of a stream, read in blocks; large blocks are not copied."""
    carry: list[Any] = []
    while block := stream.read(block_size):
        newline = "\n" if isinstance(block, str) else b"\n"
        first = block.find(newline)
        if first < 0:
            carry.append(block)  # a line longer than a block
            continue
        last = block.rfind(newline)
        carry.append(block[: first + 1])
        yield block[:0].join(carry)
        if last > first:
            yield (
                block[first + 1 : last + 1]
                if isinstance(block, str)
                else (memoryview(block)[first + 1 : last + 1])
            )
        carry = [block[last + 1 :]] if last + 1 < len(block) else []
    if carry:
        yield carry[0][:0].join(carry)


def _map_file(stream: IO[Any]) -> mmap.mmap | None:
    """A read-only map of a binary stream on a non-empty regular file, else None."""
    if isinstance(stream, io.TextIOBase):
        return None
    try:
        descriptor = stream.fileno()
        info = os.fstat(descriptor)
    except (AttributeError, OSError):  # io.UnsupportedOperation is an OSError
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size == 0:
        return None
    return mmap.mmap(descriptor, 0, access=mmap.ACCESS_READ)


def _count_mapped(tables: _Tables, mapped: mmap.mmap, offset: int, workers: int):
    """Count the lines of a mapped file from `offset`, in `workers` threads.

    The text is cut at line ends into one part per thread; the compiled loop
    releases the GIL, so the parts are scanned in parallel, without a copy.
    """
    size = max(-(-(len(mapped) - offset) // workers), _FILE_BLOCK)
    bounds = list(
        _line_chunks(
            len(mapped) - offset,
            size,
            lambda lo, hi: mapped.rfind(b"\n", offset + lo, offset + hi) - offset,
            lambda lo, hi: mapped.find(b"\n", offset + lo, offset + hi) - offset,
        )
    )
    table, accepting = tables.bytes256

    def count(bound: tuple[int, int]) -> tuple[int, int]:
        with memoryview(mapped)[offset + bound[0] : offset + bound[1]] as part:
            return _fastdfa.count_lines(part, table, tables.start, accepting, True)

    if len(bounds) == 1:
        return count(bounds[0])
    with ThreadPoolExecutor(max_workers=workers) as pool:
        counts = list(pool.map(count, bounds))
    return sum(a for a, _ in counts), sum(t for _, t in counts)


def count_file(
    source: str | os.PathLike[str] | IO[Any],
    automaton: DFA | Grammar,
    *,
    engine: Engine = "auto",
    block_size: int = _FILE_BLOCK,
    workers: int | None = None,
) -> tuple[int, int]:
    """Count the accepted words of a file of newline-separated words.

    With the compiled engine and an ASCII alphabet, a regular file is mapped
    into memory and scanned in parallel threads; other files (pipes, text
    streams) and other engines are read in blocks cut at line ends. Either way
    the extra memory stays within a few blocks.

    Parameters
    ----------
    source : path or file object
        A path, or a file object opened in binary or text mode
        (``sys.stdin.buffer`` works), read from its current position.
        Binary content is UTF-8 text.
    automaton : Grammar or DFA
        The grammar, or its compiled DFA.
    engine : {"auto", "compiled", "numpy", "python"}, optional
        As in :func:`accepts_many`.
    block_size : int, optional
        Bytes read at a time from a stream.
    workers : int, optional
        Threads scanning a mapped file (default: the number of CPUs, at most 4).

    Returns
    -------
    (accepted, total) : tuple of int

    Raises
    ------
    OSError
        If the path cannot be opened or read.
    TypeError
        If `source` is neither a path nor a file object.

    Examples
    --------
    >>> import io
    >>> from grammar import library
    >>> count_file(io.BytesIO(b"BTXSE\\nBPVVE\\nBTSE"), library.reber())
    (2, 3)
    """
    _check_options(engine, block_size=block_size, workers=workers)
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as stream:
            return count_file(
                stream, automaton, engine=engine, block_size=block_size, workers=workers
            )
    if not hasattr(source, "read"):
        raise TypeError(f"source must be a path or a file object, not {type(source).__name__}")
    tables = _tables_for(automaton)
    mapped = _map_file(source) if _compiled(engine) and tables.encoding == "utf-8" else None
    if mapped is not None:
        with mapped:
            offset = source.tell()
            counts = _count_mapped(tables, mapped, offset, workers or min(os.cpu_count() or 1, 4))
            source.seek(0, io.SEEK_END)  # consumed, as a read would leave it
            return counts
    accepted = total = 0
    for piece in _pieces(source, block_size):
        a, t = count_lines(tables.dfa, piece, engine=engine, chunk_bytes=block_size)
        accepted, total = accepted + a, total + t
    return accepted, total
