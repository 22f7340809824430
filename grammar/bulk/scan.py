"""Counting the lines of a regular file with the compiled byte loop, in bounded memory.

The file is mapped one window at a time (:data:`WINDOW` bytes, grown only for
a line longer than a window), each window is cut at line ends into one part
per thread, and the parts are scanned in parallel: the compiled loop
``grammar._fastdfa.count_lines`` releases the GIL. However large the file,
the address space used stays about one window, so a file larger than memory,
or than an address-space limit (``RLIMIT_AS``), is counted all the same.

This module imports neither numpy nor the rest of the package, so that
``grammar check NAME --file F --count`` can answer from a cached table
(:mod:`grammar.bulk.table_cache`) without paying their start-up cost. It
takes the automaton as the raw buffers of :func:`grammar.bulk.byte_table`: a
native int32 table of ``n_rows * 256`` entries whose last row is a rejecting
sink, and ``n_rows`` one-byte accepting flags. The line rules are those of
:mod:`grammar.bulk`.

Examples
--------
>>> import os, tempfile
>>> from array import array
>>> table = array("i", [1] * 512)          # any byte leads to the sink (row 1) ...
>>> table[ord("a")] = 0                    # ... except "a" from the start: a*
>>> with tempfile.TemporaryDirectory() as folder:
...     path = os.path.join(folder, "words.txt")
...     with open(path, "wb") as out:
...         _ = out.write(b"aa\\nab\\n\\r\\na")
...     count_path(path, table, 0, b"\\x01\\x00")
(3, 4)
"""

from __future__ import annotations

import mmap
import os
import stat
import threading
from typing import Any

try:
    from grammar import _fastdfa as fastdfa
except ImportError:  # the extension is optional; callers fall back to numpy
    fastdfa = None

__all__ = ["HAVE_EXTENSION", "MIN_PART", "WINDOW", "count_descriptor", "count_path"]

#: Whether the compiled extension ``grammar._fastdfa`` was built and imports.
HAVE_EXTENSION: bool = fastdfa is not None
#: Bytes mapped at a time: the bound on the address space a count uses.
WINDOW = 32 << 20
#: The least a thread scans; a smaller window is not split.
MIN_PART = 4 << 20


def default_workers() -> int:
    """Threads scanning a file by default: the CPUs this process may use, at most 4."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4))


def _parts(view: memoryview, begin: int, end: int, n: int, least: int) -> list[memoryview]:
    """`view[begin:end]` cut just after newlines into at most `n` parts of >= `least` bytes."""
    size = max(-(-(end - begin) // n), least)
    parts, lo = [], begin
    data = view.obj
    while lo < end:
        cut = data.find(b"\n", lo + size - 1, end) if lo + size < end else -1
        hi = end if cut < 0 else cut + 1
        parts.append(view[lo:hi])
        lo = hi
    return parts


def _count_parts(parts: list[memoryview], table: Any, start: int, accepting: Any) -> list[Any]:
    """Scan the parts in parallel threads; each result is (accepted, total) or an exception."""
    results: list[Any] = [None] * len(parts)

    def scan(i: int) -> None:
        try:
            results[i] = fastdfa.count_lines(parts[i], table, start, accepting, True)
        except BaseException as error:  # noqa: BLE001 - handed to the calling thread
            results[i] = error

    threads = []
    for i in range(1, len(parts)):
        thread = threading.Thread(target=scan, args=(i,))
        try:
            thread.start()
        except RuntimeError:  # no room for another thread (an address-space limit)
            scan(i)
            continue
        threads.append(thread)
    scan(0)
    for thread in threads:
        thread.join()
    return results


def count_descriptor(
    descriptor: int,
    table: Any,
    start: int,
    accepting: Any,
    *,
    offset: int = 0,
    workers: int | None = None,
    least: int = MIN_PART,
    window: int = WINDOW,
) -> tuple[int, int]:
    """Count the accepted lines of an open regular file from byte `offset` to its end.

    Parameters
    ----------
    descriptor : int
        A file descriptor open for reading on a regular file.
    table, start, accepting
        The byte automaton, as :func:`grammar.bulk.byte_table` gives it (any
        buffers: numpy arrays, ``array("i")``, ``memoryview``).
    offset : int, optional
        Where the words begin.
    workers : int, optional
        Threads per window (default :func:`default_workers`).
    least : int, optional
        The least number of bytes a thread scans.
    window : int, optional
        Bytes mapped at a time.

    Returns
    -------
    (accepted, total) : tuple of int

    Raises
    ------
    RuntimeError
        If the compiled extension is missing.
    ValueError
        If the table is malformed (the extension checks it).
    OSError
        If the file cannot be mapped or read.
    """
    if fastdfa is None:
        raise RuntimeError("counting a file this way needs the C extension grammar._fastdfa")
    workers = default_workers() if workers is None else workers
    size = os.fstat(descriptor).st_size
    granularity = mmap.ALLOCATIONGRANULARITY
    accepted = total = 0
    position = offset
    while position < size:
        base = position - position % granularity
        length = min(max(window, position - base + granularity), size - base)
        with mmap.mmap(descriptor, length, offset=base, access=mmap.ACCESS_READ) as mapped:
            end = length
            if base + length < size:
                end = mapped.rfind(b"\n", position - base) + 1
                if end == 0:  # a line longer than the window: map more of it
                    window *= 2
                    continue
            if hasattr(mapped, "madvise"):
                mapped.madvise(mmap.MADV_SEQUENTIAL)
            with memoryview(mapped) as view:
                parts = _parts(view, position - base, end, workers, least)
                try:
                    results = _count_parts(parts, table, start, accepting)
                finally:
                    for part in parts:
                        part.release()
        for result in results:
            if isinstance(result, BaseException):
                raise result
            accepted, total = accepted + result[0], total + result[1]
        position = base + end
    return accepted, total


def count_path(
    path: str | os.PathLike[str],
    table: Any,
    start: int,
    accepting: Any,
    *,
    workers: int | None = None,
    window: int = WINDOW,
) -> tuple[int, int] | None:
    """Count the accepted lines of the file at `path`, or None if it is not a regular file.

    See :func:`count_descriptor`. A named pipe or a device gives None, for
    the caller to read it another way; it is not even opened.
    """
    if not stat.S_ISREG(os.stat(path).st_mode):
        return None  # opening a named pipe would block, or take a writer's data
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        return count_descriptor(
            descriptor, table, start, accepting, workers=workers, window=window
        )
    finally:
        os.close(descriptor)
