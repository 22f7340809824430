"""What every file format shares: reading a source, naming the file in errors, portable labels.

A loader reads its source with :func:`read_source`, turns the text into a
validated :class:`~grammar.graph.Declaration` inside :func:`in_file` (so that
every :class:`~grammar.GrammarError` starts with the file's name) and returns
a :class:`Parsed`. :class:`~grammar.Grammar`'s classmethods build the grammar
from it; nothing here imports :mod:`grammar.core`.

Examples
--------
>>> text, where, stem = read_source("digraph { }", "DOT")
>>> where, stem
('<DOT text>', None)
"""

from __future__ import annotations

import contextlib
import numbers
import os
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from grammar.errors import GrammarError
from grammar.graph import Declaration

__all__ = [
    "BYTE_ORDER_MARK",
    "Source",
    "Parsed",
    "read_source",
    "in_file",
    "portable_names",
    "fresh_name",
    "text_flag",
]

Source = str | os.PathLike | TextIO  # a path, the text itself, or an open text file


@dataclass(frozen=True)
class Parsed:
    """A loaded declaration with the name and description its file gives.

    ``where`` names the source in messages: a path, or ``<DOT text>`` and the like.
    """

    declaration: Declaration
    name: str | None = None
    description: str = ""
    where: str = ""


#: What a text that starts with a UTF-8 byte-order mark decodes to first.
BYTE_ORDER_MARK = "\ufeff"


def read_source(source: Source, kind: str, text_marks: str = "{\n") -> tuple[str, str, str | None]:
    """The text behind `source`, a name for messages, and the file's stem (None for text).

    A str holding one of `text_marks` (by default ``{`` or a newline), or the
    empty str, is the text itself; any other str, or a path object, names a file; an object
    with ``read`` is an open file.

    Every format refuses a text that starts with a UTF-8 byte-order mark:
    JSON forbids it, OpenFst and graphviz would read it as part of the first
    state or keyword, and stripping it here would accept files those tools
    refuse. A mark anywhere else is an ordinary character.

    Raises
    ------
    TypeError
        If `source` is none of these.
    GrammarError
        If the file is missing, a directory, not UTF-8 or unreadable, or the
        text starts with a byte-order mark; the message starts with its path.

    Examples
    --------
    >>> read_source("\\ufeff0\\t1\\ta\\n", "AT&T")
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: <AT&T text>: starts with a UTF-8 byte-order mark; ...
    """
    text, where, stem = _read(source, kind, text_marks)
    if text.startswith(BYTE_ORDER_MARK):
        raise GrammarError(
            f"{where}: starts with a UTF-8 byte-order mark; save it as UTF-8 without one"
        )
    return text, where, stem


def _not_utf8(err: UnicodeDecodeError) -> str:
    return f"not UTF-8 text (byte {err.start}: {err.reason})"


def _read(source: Source, kind: str, text_marks: str) -> tuple[str, str, str | None]:
    if hasattr(source, "read"):
        named = hasattr(source, "name")
        where = str(source.name) if named else f"<{kind} stream>"
        try:
            text = source.read()
        except (OSError, UnicodeDecodeError) as err:
            raise GrammarError(f"{where}: cannot read: {err}") from err
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError as err:  # as for a path
                raise GrammarError(f"{where}: {_not_utf8(err)}") from err
        # a stream without a name gives the grammar none (the placeholder is for messages)
        return text, where, Path(where).stem if named else None
    if isinstance(source, str) and (not source or any(mark in source for mark in text_marks)):
        # "" names no file: it is empty text (an AT&T acceptor of the empty language)
        return source, f"<{kind} text>", None
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(
            f"a {kind} source is a path, the {kind} text or an open file, "
            f"not {type(source).__name__}"
        )
    path = Path(source)
    try:
        # newline="": a "\r" inside a quoted symbol is a character, not a line end
        with open(path, encoding="utf-8", newline="") as stream:
            return stream.read(), str(path), path.stem
    except FileNotFoundError as err:
        raise GrammarError(f"{path}: no such file") from err
    except IsADirectoryError as err:
        raise GrammarError(f"{path}: is a directory, not a {kind} file") from err
    except UnicodeDecodeError as err:
        raise GrammarError(f"{path}: {_not_utf8(err)}") from err
    except OSError as err:
        raise GrammarError(f"{path}: cannot read: {err.strerror or err}") from err


@contextlib.contextmanager
def in_file(where: str) -> Iterator[None]:
    """Prefix any GrammarError raised inside with `where`, the file at fault.

    Examples
    --------
    >>> with in_file("g.dot"):
    ...     raise GrammarError("no start node")
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: g.dot: no start node
    """
    if not where:
        yield
        return
    try:
        yield
    except GrammarError as err:
        if str(err).startswith(f"{where}: "):
            raise
        raise type(err)(f"{where}: {err}") from err


def portable_names(
    nodes: Iterable[Hashable], convert: Callable[[Any], Any], reserved: Iterable[str] = ()
) -> dict:
    """Map each node to a label the format can hold, numbering them if two would clash.

    Examples
    --------
    >>> portable_names([1, "1"], str), portable_names(["a", "b"], str)
    ({1: '0', '1': '1'}, {'a': 'a', 'b': 'b'})
    """
    nodes = list(nodes)
    names = {node: convert(node) for node in nodes}
    texts = {str(name) for name in names.values()}
    if len(texts) < len(nodes) or texts.intersection(reserved):
        names = {node: convert(i) for i, node in enumerate(nodes)}
    return names


def fresh_name(taken: Any, base: str) -> str:
    """`base`, with underscores appended until it is not in `taken`.

    Examples
    --------
    >>> fresh_name({"__start__"}, "__start__")
    '__start___'
    """
    name = base
    while name in taken:
        name += "_"
    return name


def text_flag(value: Any, what: str) -> bool:
    """Read a boolean written as text, the way graphviz does (true/false, yes/no, integers).

    For file formats only: a networkx declaration takes real booleans.

    Examples
    --------
    >>> text_flag("yes", "accepting"), text_flag("0", "accepting"), text_flag(True, "x")
    (True, False, True)
    >>> text_flag("maybe", "node 'q' has accepting")
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: node 'q' has accepting='maybe' is not a boolean; use true or false
    """
    if isinstance(value, (bool, numbers.Integral)):
        return bool(value)
    text = str(value).strip().lower()
    if text in ("true", "yes"):
        return True
    if text in ("false", "no", ""):
        return False
    try:
        return int(text) != 0
    except ValueError:
        raise GrammarError(f"{what}={value!r} is not a boolean; use true or false") from None
