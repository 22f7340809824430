"""Counting the accepted words of a file: memory-mapped and threaded, or read in blocks.

A regular file read with the compiled engine and an ASCII alphabet is mapped
into memory one window at a time, each window cut at line ends into one part
per thread and scanned in parallel: the compiled loop releases the GIL (see
:mod:`grammar.bulk.scan`). Pipes, text streams and the other engines are read
in blocks cut at line ends.

Examples
--------
>>> import io
>>> [bytes(p) for p in stream_pieces(io.BytesIO(b"ab\\ncd\\nef"), 4)]
[b'ab\\n', b'cd\\n', b'ef']
"""

from __future__ import annotations

import io
import os
import stat
import warnings
from collections.abc import Iterator
from typing import IO, Any

from grammar.bulk.membership import count_lines
from grammar.bulk.scan import count_descriptor
from grammar.bulk.tables import (
    FILE_BLOCK,
    Automaton,
    Engine,
    as_dfa,
    check_options,
    tables_for,
    use_compiled,
)

__all__ = ["count_file", "stream_pieces"]

Source = str | os.PathLike[str] | IO[Any]


def stream_pieces(stream: IO[Any], block_size: int) -> Iterator[Any]:
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


def _regular_descriptor(stream: IO[Any]) -> int | None:
    """The descriptor of a binary stream on a non-empty regular file, else None."""
    if isinstance(stream, io.TextIOBase):
        return None
    try:
        descriptor = stream.fileno()
        info = os.fstat(descriptor)
    except (AttributeError, OSError):  # io.UnsupportedOperation is an OSError
        return None
    if not stat.S_ISREG(info.st_mode) or info.st_size == 0:
        return None
    return descriptor


def _is_automaton(value: Any) -> bool:
    try:
        as_dfa(value)
    except TypeError:
        return False
    return True


def count_file(
    automaton: Automaton,
    source: Source,
    *,
    engine: Engine = "auto",
    block_size: int = FILE_BLOCK,
    workers: int | None = None,
) -> tuple[int, int]:
    """Count the accepted words of a file of newline-separated words.

    With the compiled engine and an ASCII alphabet, a regular file is mapped
    into memory a window at a time and scanned in parallel threads, each
    given at least `block_size` bytes; other files (pipes, text streams) and other engines
    are read in blocks cut at line ends. Either way the extra memory stays
    within a few blocks.

    Parameters
    ----------
    automaton : Grammar or DFA
        The grammar, or its compiled DFA.
    source : path or file object
        A path, or a file object opened in binary or text mode
        (``sys.stdin.buffer`` works), read from its current position.
        Binary content is UTF-8 text.
    engine : {"auto", "compiled", "numpy", "python"}, optional
        As in :func:`~grammar.bulk.accepts_many`.
    block_size : int, optional
        Bytes read at a time from a stream, and the least a thread scans of
        a mapped file.
    workers : int, optional
        Threads scanning a mapped file (default: the CPUs this process may
        use, at most 4).

    Returns
    -------
    (accepted, total) : tuple of int

    Raises
    ------
    OSError
        If the path cannot be opened or read.
    TypeError
        If `automaton` is not a Grammar or a DFA, or `source` is neither a
        path nor a file object.
    GrammarError
        If `engine` is unknown, or `block_size` or `workers` is below 1.

    Warns
    -----
    DeprecationWarning
        When called in the old order ``count_file(source, automaton)``,
        which still works in this release.

    Examples
    --------
    >>> import io
    >>> from grammar import library
    >>> count_file(library.reber(), io.BytesIO(b"BTXSE\\nBPVVE\\nBTSE"))
    (2, 3)
    """
    if not _is_automaton(automaton) and _is_automaton(source):
        warnings.warn(
            "count_file(source, automaton) is deprecated; "
            "pass the automaton first: count_file(automaton, source)",
            DeprecationWarning,
            stacklevel=2,
        )
        automaton, source = source, automaton
    check_options(engine, block_size=block_size, workers=workers)
    tables = tables_for(as_dfa(automaton))
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as stream:
            return count_file(
                tables.dfa, stream, engine=engine, block_size=block_size, workers=workers
            )
    if not hasattr(source, "read"):
        raise TypeError(f"source must be a path or a file object, not {type(source).__name__}")
    usable = use_compiled(engine) and tables.encoding == "utf-8"
    descriptor = _regular_descriptor(source) if usable else None
    if descriptor is not None:
        table, accepting = tables.bytes256
        counts = count_descriptor(
            descriptor,
            table,
            tables.start,
            accepting,
            offset=source.tell(),
            workers=None if workers is None else int(workers),
            least=int(block_size),
        )
        source.seek(0, io.SEEK_END)  # consumed, as a read would leave it
        return counts
    accepted = total = 0
    for piece in stream_pieces(source, int(block_size)):
        a, t = count_lines(tables.dfa, piece, engine=engine, chunk_bytes=block_size)
        accepted, total = accepted + a, total + t
    return accepted, total
