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
- :mod:`~grammar.bulk.scan`: a regular file counted window by window in
  threads, from the raw byte table, without numpy;
- :mod:`~grammar.bulk.files`: :func:`count_file`, memory-mapped and threaded;
- :mod:`~grammar.bulk.table_cache` and :mod:`~grammar.bulk.named`: byte tables
  cached on disk, and :func:`count_named`, the file check that needs no
  grammar built (``grammar check NAME --file F --count``).

Names load on first use, so that importing the package costs nothing.

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

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same names, eagerly, for type checkers and editors
    from grammar.bulk.files import count_file
    from grammar.bulk.lines import split_lines
    from grammar.bulk.membership import accepts_many, count_lines
    from grammar.bulk.named import count_named
    from grammar.bulk.tables import (
        CHUNK_BYTES,
        CHUNK_WORDS,
        FILE_BLOCK,
        HAVE_EXTENSION,
        Engine,
        byte_table,
    )

# Names load on first use (PEP 562): the cached file check imports
# grammar.bulk.named and grammar.bulk.scan, which must not pull numpy in.
_HOMES = {
    "count_file": "files",
    "split_lines": "lines",
    "accepts_many": "membership",
    "count_lines": "membership",
    "count_named": "named",
    **dict.fromkeys(
        ("CHUNK_BYTES", "CHUNK_WORDS", "FILE_BLOCK", "HAVE_EXTENSION", "Engine", "byte_table"),
        "tables",
    ),
}
_SUBMODULES = (
    "engines", "files", "lines", "membership", "named", "scan", "table_cache", "tables",
)  # fmt: skip


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        value = getattr(importlib.import_module(f"grammar.bulk.{_HOMES[name]}"), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"grammar.bulk.{name}")
    else:
        raise AttributeError(f"module 'grammar.bulk' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES) | set(_SUBMODULES))


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
    "count_named",
    "split_lines",
]
