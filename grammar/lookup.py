"""A grammar by name: a built-in, a grammar file by path, or ``re:PATTERN``.

This is how both command-line tools read their ``NAME`` arguments. It sits
above :mod:`grammar.core` and :mod:`grammar.library`, and is re-exported as
:func:`grammar.io.load`.

Examples
--------
>>> load("tomita-2").accepts("1010")
True
>>> load("re:(ab)*").accepts("abab")
True
"""

from __future__ import annotations

import os
from pathlib import Path

from grammar import library
from grammar.core import Grammar
from grammar.errors import GrammarError

__all__ = ["FILE_SUFFIXES", "REGEX_PREFIX", "load"]

#: The prefix that makes a NAME a regular expression: ``re:(ab)*``.
REGEX_PREFIX = "re:"

# File suffixes and the loader each one names.
FILE_SUFFIXES = {
    ".dot": Grammar.from_dot,
    ".gv": Grammar.from_dot,
    ".json": Grammar.from_json,
    ".att": Grammar.from_att,
}


def load(name_or_path: str | os.PathLike) -> Grammar:
    """A built-in grammar by name, a grammar file by path (.dot, .gv, .json or .att), or a regex.

    A ``.att`` file is an AT&T (OpenFst) acceptor whose labels are its symbols.
    A str ``re:PATTERN`` is the words that Python's ``re.fullmatch(PATTERN,
    word)`` accepts, over the characters the pattern names (see
    :func:`grammar.io.from_regex`; it needs ``grammarlab[regex]``).

    Raises
    ------
    TypeError
        If `name_or_path` is not a str or a path.
    GrammarError
        If the name is not a built-in and not a grammar file, the file is
        missing or malformed, or the regular expression is invalid, not
        regular or needs an alphabet.
    ImportError
        If a ``re:`` name is given and interegular is not installed.

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
        return FILE_SUFFIXES[suffix](Path(name_or_path))
    if isinstance(name_or_path, os.PathLike) or os.path.exists(name_or_path):
        raise GrammarError(
            f"{name_or_path}: unknown grammar file type {suffix!r}; use .dot, .gv, .json or .att"
        )
    try:
        return library.get(name_or_path)
    except GrammarError as err:
        raise GrammarError(
            f"{err} (or give a path to a .att, .dot or .json file, or re:PATTERN)"
        ) from err
