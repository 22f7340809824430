"""Counting a file against a grammar named on the command line, without building the grammar.

This is the fast path of ``grammar check NAME --file F --count``: when the
byte table of NAME is in the cache (:mod:`grammar.bulk.table_cache`) and the
compiled extension is built, the file is counted straight from the cached
table (:mod:`grammar.bulk.scan`), and neither numpy nor the grammar is
loaded. Whenever it cannot answer, it returns None and the caller takes the
ordinary path, which builds the grammar and fills the cache for next time.

Examples
--------
>>> import os, tempfile
>>> from grammar import library
>>> from grammar.bulk import table_cache
>>> with tempfile.TemporaryDirectory() as folder:
...     os.environ[table_cache.CACHE_ENV] = folder
...     words = os.path.join(folder, "words.txt")
...     with open(words, "w") as out:
...         _ = out.write("BTXSE\\nBPVVE\\nBTSE\\n")
...     cold = count_named("reber", words)
...     _ = table_cache.store("reber", library.reber())
...     warm = count_named("reber", words)
...     del os.environ[table_cache.CACHE_ENV]
>>> cold, warm
(None, NamedCount(accepted=2, total=3, name='reber'))
"""

from __future__ import annotations

import os
from typing import NamedTuple

from grammar.bulk import table_cache
from grammar.bulk.scan import HAVE_EXTENSION, count_path

__all__ = ["NamedCount", "count_named"]


class NamedCount(NamedTuple):
    """The counts of a file, and the name of the grammar that counted it."""

    accepted: int
    total: int
    name: str | None


def count_named(
    name: str, path: str | os.PathLike[str], *, workers: int | None = None
) -> NamedCount | None:
    """Count the words of the file at `path` that the grammar NAME accepts, from the cache.

    Parameters
    ----------
    name : str
        A command-line grammar NAME (see :func:`grammar.load`).
    path : str or path
        A file of newline-separated words, by the line rules of :mod:`grammar.bulk`.
    workers : int, optional
        Threads scanning the file (see :func:`grammar.bulk.scan.count_descriptor`).

    Returns
    -------
    NamedCount or None
        None when the extension is missing, the cache has no valid table for
        NAME, or `path` is not a regular file (a pipe, a device).

    Raises
    ------
    OSError
        If `path` cannot be opened or read.
    """
    if not HAVE_EXTENSION:
        return None
    entry = table_cache.load(name)
    if entry is None:
        return None
    try:
        counts = count_path(path, entry.table, entry.start, entry.accepting, workers=workers)
    except ValueError:  # a table the extension refuses: out-of-range states, no sink
        return None
    return None if counts is None else NamedCount(*counts, entry.name)
