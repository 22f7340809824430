"""A grammar by name: a built-in, a grammar file by path, or ``re:PATTERN``.

This is how both command-line tools read their ``NAME`` arguments, and the
one place that resolves a NAME. It sits above :mod:`grammar.core` and
:mod:`grammar.library`; the package exports :func:`load` as
:func:`grammar.load`. The suffixes it knows and the regex prefix are
declared once, in :mod:`grammar.io` (:data:`~grammar.io.FILE_SUFFIXES`,
:data:`~grammar.io.REGEX_PREFIX`).

Examples
--------
>>> load("tomita-2").accepts("1010")
True
>>> load("re:(ab)*").accepts("abab")
True
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from grammar import library
from grammar.core import Grammar
from grammar.errors import GrammarError
from grammar.io import FILE_SUFFIXES, REGEX_PREFIX, file_types

__all__ = ["FILE_SUFFIXES", "REGEX_PREFIX", "load", "load_with_content"]


def _loader(suffix: str) -> Any:
    # FILE_SUFFIXES names a format; grammar.from_<format> is Grammar's classmethod.
    return getattr(Grammar, f"from_{FILE_SUFFIXES[suffix]}")


def load(name_or_path: str | os.PathLike) -> Grammar:
    """A built-in grammar by name, a grammar file by path, or a regex.

    A file's suffix is one of :data:`grammar.io.FILE_SUFFIXES`, which says
    its format (a ``.att`` file is an AT&T acceptor whose labels are its
    symbols). A str ``re:PATTERN`` is the words that Python's
    ``re.fullmatch(PATTERN, word)`` accepts, over the characters the pattern
    names (see :func:`grammar.from_regex`).

    Raises
    ------
    TypeError
        If `name_or_path` is not a str or a path.
    GrammarError
        If the name is not a built-in and not a grammar file, the file is
        missing or malformed, or the regular expression is invalid, not
        regular, needs an alphabet or is past the budget of
        :func:`grammar.from_regex`.

    Examples
    --------
    >>> load("tomita-2").accepts("1010")
    True
    >>> load("re:a+b").accepts("aab")
    True
    >>> load("re:a.b")
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: regular expression 'a.b': any character . at position 1 ...
    >>> load("no-such-grammar")
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: no built-in grammar named 'no-such-grammar'; ...
    """
    if not isinstance(name_or_path, (str, os.PathLike)):
        raise TypeError(f"a grammar is named by a str or a path, not {type(name_or_path).__name__}")
    if isinstance(name_or_path, str) and name_or_path.startswith(REGEX_PREFIX):
        return Grammar.from_regex(name_or_path[len(REGEX_PREFIX):])
    suffix = Path(name_or_path).suffix.lower()
    if suffix in FILE_SUFFIXES:
        return _loader(suffix)(Path(name_or_path))
    if isinstance(name_or_path, os.PathLike) or os.path.exists(name_or_path):
        raise GrammarError(
            f"{name_or_path}: unknown grammar file type {suffix!r}; use {file_types()}"
        )
    try:
        return library.get(name_or_path)
    except GrammarError as err:
        raise GrammarError(
            f"{err} (or give a path to a {file_types()} file, or {REGEX_PREFIX}PATTERN)"
        ) from err


def load_with_content(name_or_path: str | os.PathLike) -> tuple[Grammar, bytes | None]:
    """:func:`load`, and for a grammar file the very bytes the grammar was built from.

    Whoever keys something by a file's content (the byte-table cache of
    :mod:`grammar.bulk.table_cache`) needs the bytes that were parsed: a
    second read may see a file edited in between. The file is read once, and
    the grammar parsed from those bytes.

    Returns
    -------
    (Grammar, bytes or None)
        None for a built-in or a ``re:`` name.

    Raises
    ------
    As :func:`load`.

    Examples
    --------
    >>> import os, tempfile
    >>> from grammar import library
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "parity.json")
    ...     with open(path, "w") as out:
    ...         _ = out.write(library.parity().to_json())
    ...     g, content = load_with_content(path)
    >>> g == library.parity(), content.startswith(b"{"), load_with_content("reber")[1]
    (True, True, None)
    """
    if (
        not isinstance(name_or_path, (str, os.PathLike))
        or (isinstance(name_or_path, str) and name_or_path.startswith(REGEX_PREFIX))
        or Path(name_or_path).suffix.lower() not in FILE_SUFFIXES
    ):
        return load(name_or_path), None
    path = Path(name_or_path)
    suffix = path.suffix.lower()
    try:
        content = path.read_bytes()
    except OSError:
        load(path)  # raises the loader's own message for a missing or unreadable file
        raise  # readable again a moment later: report what this read met
    stream = io.BytesIO(content)
    stream.name = str(path)  # messages and the grammar's name, as for the path itself
    return _loader(suffix)(stream), content
