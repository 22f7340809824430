"""Newline-separated words in ``str`` or bytes: line rules, chunking and running.

Text is cut into chunks that end just after a newline, so that no word is split
between chunks. Bytes in a UTF-8 alphabet run straight through the byte table
(compiled, or numpy over line spans); other text is decoded and split into
lists of words for :mod:`grammar.bulk.engines`. The line rules are those of
the package docstring; :func:`split_lines` states them in Python.

Examples
--------
>>> list(line_chunks(9, 4, *text_finders("ab\\ncd\\nef")))
[(0, 3), (3, 6), (6, 9)]
>>> [(int(s), int(n)) for s, n in zip(*line_spans(as_bytes_array(b"ab\\r\\n\\nc")))]
[(0, 2), (4, 0), (5, 1)]
"""

from __future__ import annotations

import mmap
from collections.abc import Callable, Iterator

import numpy as np

from grammar.bulk.engines import run_flat, run_word_chunk, word_chunks
from grammar.bulk.tables import Tables, fastdfa, use_compiled

__all__ = [
    "BUFFER_TYPES",
    "Text",
    "as_bytes_array",
    "line_chunks",
    "line_spans",
    "run_lines",
    "split_lines",
    "text_finders",
]

Text = str | bytes | bytearray | memoryview | mmap.mmap
BUFFER_TYPES = (bytes, bytearray, memoryview, mmap.mmap)
# Newline-separated text shorter than this goes through the Python loop under "auto".
SMALL_TEXT = 1024

Finder = Callable[[int, int], int]


def line_chunks(length: int, size: int, rfind: Finder, find: Finder) -> Iterator[tuple[int, int]]:
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


def _byte_finders(array: np.ndarray) -> tuple[Finder, Finder]:
    def rfind(lo: int, hi: int) -> int:
        hits = np.flatnonzero(array[lo:hi] == 10)
        return lo + int(hits[-1]) if hits.size else -1

    def find(lo: int, hi: int) -> int:
        hits = np.flatnonzero(array[lo:hi] == 10)
        return lo + int(hits[0]) if hits.size else -1

    return rfind, find


def text_finders(text: str) -> tuple[Finder, Finder]:
    """The newline finders of :func:`line_chunks` over a str."""
    return (lambda lo, hi: text.rfind("\n", lo, hi)), (lambda lo, hi: text.find("\n", lo, hi))


def line_spans(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def _run_byte_lines(tables: Tables, data: np.ndarray, engine: str, chunk: int) -> np.ndarray:
    """Newline-separated words in a uint8 array, through the byte table."""
    table, accepting = tables.bytes256
    results = []
    for lo, hi in line_chunks(len(data), chunk, *_byte_finders(data)):
        part = data[lo:hi]
        if use_compiled(engine):
            out = np.empty(int(np.count_nonzero(part == 10)) + 1, dtype=bool)
            n = fastdfa.run_lines(part, table, tables.start, accepting, out, True)
            results.append(out[:n])
        else:
            starts, lengths = line_spans(part)
            results.append(run_flat(table, accepting, tables.start, part, starts, lengths))
    return np.concatenate(results) if results else np.zeros(0, dtype=bool)


def split_lines(text: Text) -> list[str]:
    """The words of newline-separated text, by the line rules of :mod:`grammar.bulk`.

    Parameters
    ----------
    text : str, bytes, bytearray, memoryview or mmap
        Bytes are decoded as UTF-8; a byte that is not valid UTF-8 becomes a
        lone surrogate, as Python hands over such bytes from the command
        line, which no grammar's alphabet holds (a U+FFFD would be one a
        grammar may name).

    Returns
    -------
    list of str

    Raises
    ------
    TypeError
        If `text` is none of these types.

    Examples
    --------
    >>> split_lines("a\\nb\\r\\n\\n"), split_lines(b"a\\r"), split_lines("")
    (['a', 'b', ''], ['a'], [])
    >>> split_lines(b"a\\xff\\n")
    ['a\\udcff']
    """
    if isinstance(text, BUFFER_TYPES):
        text = _decode(text)
    elif not isinstance(text, str):
        raise TypeError(f"text must be a str or bytes-like, not {type(text).__name__}")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # a trailing newline ends the last word, it does not open one
    if "\r" in text:
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    return lines


def _decode(data: bytes | bytearray | memoryview | mmap.mmap | np.ndarray) -> str:
    return bytes(data).decode("utf-8", "surrogateescape")


def as_bytes_array(data: bytes | bytearray | memoryview | mmap.mmap) -> np.ndarray:
    """A uint8 view of a bytes-like object, without a copy."""
    return np.frombuffer(memoryview(data).cast("B"), dtype=np.uint8)


def _text_pieces(text: Text, size: int) -> Iterator[str]:
    """Newline-separated text as str pieces of about `size` that end at line ends."""
    if isinstance(text, BUFFER_TYPES):
        array = as_bytes_array(text)
        for lo, hi in line_chunks(len(array), size, *_byte_finders(array)):
            yield _decode(array[lo:hi])
    else:
        for lo, hi in line_chunks(len(text), size, *text_finders(text)):
            yield text[lo:hi]


def run_lines(
    tables: Tables, text: Text, engine: str, chunk_words: int, chunk_bytes: int
) -> np.ndarray:
    """Acceptance of every word of newline-separated `text`, chunk by chunk."""
    small = engine == "python" or (engine == "auto" and len(text) <= SMALL_TEXT)
    if not small and tables.encoding == "utf-8" and isinstance(text, BUFFER_TYPES):
        return _run_byte_lines(tables, as_bytes_array(text), engine, chunk_bytes)
    results = []
    for piece in _text_pieces(text, chunk_bytes):
        data = None if small or tables.encoding is None else tables.encode(piece)
        if data is not None:
            results.append(_run_byte_lines(tables, as_bytes_array(data), engine, chunk_bytes))
        else:  # token grammars and other alphabets: lists of words
            words = split_lines(piece)
            results += [run_word_chunk(tables, c, engine) for c in word_chunks(words, chunk_words)]
    return np.concatenate(results) if results else np.zeros(0, dtype=bool)
