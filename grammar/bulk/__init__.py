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

Every entry point takes the automaton first: a :class:`~grammar.Grammar` or
its :class:`~grammar.automaton.DFA`. The package works on the DFA alone and
never imports :mod:`grammar.core`. Its modules, from the bottom up:

- :mod:`~grammar.bulk.tables`: options, the extension handle and the lookup
  tables derived from a DFA (:func:`byte_table`);
- :mod:`~grammar.bulk.engines`: the python, numpy and compiled runs over lists
  of words;
- :mod:`~grammar.bulk.lines`: newline-separated text and bytes (:func:`split_lines`);
- :mod:`~grammar.bulk.membership`: :func:`accepts_many` and :func:`count_lines`;
- :mod:`~grammar.bulk.files`: :func:`count_file`, memory-mapped and threaded.

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

from grammar.bulk.files import count_file
from grammar.bulk.lines import split_lines
from grammar.bulk.membership import accepts_many, count_lines
from grammar.bulk.tables import (
    CHUNK_BYTES,
    CHUNK_WORDS,
    FILE_BLOCK,
    HAVE_EXTENSION,
    Engine,
    byte_table,
)

__all__ = [
    "CHUNK_BYTES",
    "CHUNK_WORDS",
    "Engine",
    "FILE_BLOCK",
    "HAVE_EXTENSION",
    "accepts_many",
    "byte_table",
    "count_file",
    "count_lines",
    "split_lines",
]
