"""The engines that run lists of words through a DFA: python, numpy and compiled.

A chunk of words goes to the plain Python loop when it is small (or asked
for), to the compiled loop over a list of ``str`` when the extension is built
and the alphabet fits in bytes, and otherwise to numpy: the words are flattened
into one array of symbol ids and stepped one position at a time
(:func:`run_flat`), the longest words finished in Python.

Examples
--------
>>> from grammar import library
>>> from grammar.bulk.tables import tables_for
>>> tables = tables_for(library.tomita(1).dfa)  # 1*
>>> run_word_chunk(tables, ["11", "101", "", ("1",)], "python").tolist()
[True, False, True, True]
>>> run_word_chunk(tables, ["11", "101", "", ("1",)] * 10, "numpy").tolist()[:4]
[True, False, True, True]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice, repeat
from typing import Any

import numpy as np

from grammar.bulk.tables import Tables, fastdfa, use_compiled
from grammar.words import split_word

__all__ = ["run_flat", "run_word_chunk", "word_chunks"]

# Fewer words than this go through the plain Python loop under "auto".
SMALL_WORDS = 32
# Once this few words are still running, numpy's per-step overhead exceeds
# the work, so the longest words are finished in Python.
TAIL_WORDS = 32


def _run_python(tables: Tables, words: Iterable[Any]) -> np.ndarray:
    """The plain loop: no setup, for a handful of words."""
    rows, accepting = tables.rows
    column, single_char, start = tables.column, tables.single_char, tables.start
    results = []
    for word in words:
        state = start
        for symbol in split_word(word, single_char):  # checks every symbol is a str
            j = column.get(symbol)
            if j is None:
                state = -1
                break
            state = rows[state][j]
        results.append(state >= 0 and accepting[state])
    return np.array(results, dtype=bool)


def run_flat(
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

    Examples
    --------
    >>> table = np.array([[1, 0], [0, 1]])  # an even number of symbol 0
    >>> ids, starts, lengths = np.array([0, 0, 1, 0]), np.array([0, 2, 0]), np.array([2, 2, 1])
    >>> run_flat(table, np.array([True, False]), 0, ids, starts, lengths).tolist()
    [True, False, False]
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
    while n - first > TAIL_WORDS:
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


def _run_symbols(tables: Tables, words: Sequence[Any]) -> np.ndarray:
    """Any words (token tuples, token strings, mixed): dict lookups, then numpy steps."""
    single_char, column = tables.single_char, tables.column
    flat: list[str] = []
    lengths = []
    for word in words:
        symbols = split_word(word, single_char)  # checks every symbol is a str
        flat.extend(symbols)
        lengths.append(len(symbols))
    unknown = tables.n_symbols
    ids = np.fromiter(map(column.get, flat, repeat(unknown)), dtype=np.intp, count=len(flat))
    lengths_array = np.array(lengths, dtype=np.intp)
    starts = np.cumsum(lengths_array) - lengths_array
    table, accepting = tables.extended
    return run_flat(table, accepting, tables.start, ids, starts, lengths_array)


def _run_characters(tables: Tables, text: str, words: Sequence[str]) -> np.ndarray:
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
    return run_flat(table, accepting, tables.start, ids, starts, lengths)


def run_word_chunk(tables: Tables, words: Sequence[Any], engine: str) -> np.ndarray:
    """Acceptance of one chunk of words by the engine `engine` picks (see the package)."""
    if engine == "python" or (engine == "auto" and len(words) <= SMALL_WORDS):
        return _run_python(tables, words)
    if not tables.single_char:
        return _run_symbols(tables, words)
    if use_compiled(engine) and tables.encoding is not None:
        table, accepting = tables.bytes256
        out = np.empty(len(words), dtype=bool)
        if isinstance(words, (list, tuple)) and fastdfa.run_words(
            words, table, tables.start, accepting, out
        ) == len(words):
            return out
    try:
        text = "\n".join(words)
    except TypeError:  # not every word is a str
        return _run_symbols(tables, words)
    return _run_characters(tables, text, words)


def word_chunks(words: Iterable[Any], size: int) -> Iterator[Sequence[Any]]:
    """`words` in sequences of at most `size`; a list that fits is passed on uncopied.

    Examples
    --------
    >>> [list(c) for c in word_chunks(iter("abcde"), 2)]
    [['a', 'b'], ['c', 'd'], ['e']]
    """
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
