"""Atomic file writes, the one home for every file grammarlab writes.

The bytes go to a temporary file in the same folder, are flushed and fsynced,
and replace the target with one :func:`os.replace`, so a reader (or a run
killed with ``kill -9`` halfway) sees the old file or the whole new one,
never a part.

Examples
--------
>>> import os, tempfile
>>> with tempfile.TemporaryDirectory() as folder:
...     path = os.path.join(folder, "words.txt")
...     atomic_write(path, b"ab\\n")
...     with atomic_writer(path) as out:
...         _ = out.write(b"ba\\n")
...     open(path, "rb").read(), os.listdir(folder)
(b'ba\\n', ['words.txt'])
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

__all__ = ["atomic_write", "atomic_writer"]

_PLAIN_MODE = 0o666


def _umask() -> int:
    # os.umask can only be read by setting it; set it straight back
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike) -> Iterator[IO[bytes]]:
    """A binary file whose content replaces `path` only when the block ends without error.

    Missing parent folders are created. On an error the temporary file is
    removed and `path` keeps its old content.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); give it the mode a plain open() would
        os.chmod(tmp, _PLAIN_MODE & ~_umask())
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: str | os.PathLike, data: bytes) -> None:
    """Write `data` to `path` atomically (see :func:`atomic_writer`)."""
    with atomic_writer(path) as out:
        out.write(data)
