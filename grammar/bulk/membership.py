"""The public entry points over words held in memory: accepts_many and count_lines.

Examples
--------
>>> from grammar import library
>>> count_lines(library.parity(), "11\\n1\\n")
(1, 2)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from grammar.bulk.engines import run_word_chunk, word_chunks
from grammar.bulk.lines import BUFFER_TYPES, Text, run_lines
from grammar.bulk.tables import (
    CHUNK_BYTES,
    CHUNK_WORDS,
    Automaton,
    Engine,
    as_dfa,
    check_options,
    fastdfa,
    tables_for,
    use_compiled,
)

__all__ = ["accepts_many", "count_lines"]


def accepts_many(
    automaton: Automaton,
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
        newline-separated words instead, read by the line rules of
        :mod:`grammar.bulk`.
    engine : {"auto", "compiled", "numpy", "python"}, optional
        Which engine to use (see :mod:`grammar.bulk`); "compiled" raises
        GrammarError when the extension is missing.
    chunk_words, chunk_bytes : int, optional
        How many words, or how many bytes of text, are processed at a time.

    Returns
    -------
    numpy.ndarray
        Boolean array, one entry per word, in order.

    Raises
    ------
    TypeError
        If `automaton` is not a Grammar or a DFA, an option has the wrong type,
        or a word is not a str or a sequence of str.
    GrammarError
        If `engine` is unknown (or "compiled" without the extension) or a chunk
        size is below 1.

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
    check_options(engine, chunk_words=chunk_words, chunk_bytes=chunk_bytes)
    tables = tables_for(as_dfa(automaton))
    if isinstance(words, (str, *BUFFER_TYPES)):
        return run_lines(tables, words, engine, int(chunk_words), int(chunk_bytes))
    chunks = word_chunks(words, int(chunk_words))
    results = [run_word_chunk(tables, chunk, engine) for chunk in chunks]
    return np.concatenate(results) if results else np.zeros(0, dtype=bool)


def count_lines(
    automaton: Automaton,
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
        Newline-separated words, read by the line rules of :mod:`grammar.bulk`.
    engine : {"auto", "compiled", "numpy", "python"}, optional
        As in :func:`accepts_many`.
    chunk_bytes : int, optional
        How many bytes of text are processed at a time.

    Returns
    -------
    (accepted, total) : tuple of int

    Raises
    ------
    TypeError
        If `automaton` is not a Grammar or a DFA, or `text` is not text.
    GrammarError
        As in :func:`accepts_many`.

    Examples
    --------
    >>> from grammar import library
    >>> count_lines(library.tomita(1), b"111\\n101\\n\\n")
    (2, 3)
    """
    check_options(engine, chunk_bytes=chunk_bytes)
    tables = tables_for(as_dfa(automaton))
    if not isinstance(text, (str, *BUFFER_TYPES)):
        raise TypeError(f"text must be a str or bytes-like, not {type(text).__name__}")
    if use_compiled(engine) and tables.encoding == "utf-8" and isinstance(text, BUFFER_TYPES):
        table, accepting = tables.bytes256
        return fastdfa.count_lines(text, table, tables.start, accepting, True)
    results = run_lines(tables, text, engine, CHUNK_WORDS, int(chunk_bytes))
    return int(np.count_nonzero(results)), len(results)
