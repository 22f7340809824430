"""Byte tables cached on disk, so that a file check can skip building its grammar.

``grammar check NAME --file F --count`` spends most of a small run importing
numpy and building the grammar. Once a grammar has been built, its byte
table (:func:`grammar.bulk.byte_table`) is kept here, and later runs read it
back in a fraction of a millisecond, without importing numpy.

Two kinds of file live in the cache folder:

``tables/<fingerprint>.table``
    The byte table of a language, keyed by the grammar's fingerprint
    (:attr:`grammar.Grammar.fingerprint`), with a SHA-256 checksum over its
    content.
``names/<digest>.json``
    What a NAME stood for when it was built: its full source key, its
    fingerprint and the grammar's name. The key holds the NAME itself, the
    content of a grammar file, grammarlab's version and a stamp of its source
    files (which build ``re:PATTERN`` too), so editing the file or upgrading
    the package makes a new key, never a stale answer.

Only grammars whose every symbol is one ASCII character are cached: a token
grammar reads lines as whitespace-separated tokens, which a byte table does
not. Every read is validated (format, sizes, checksum, fingerprint, key); any
mismatch, a missing file or an unreadable folder gives None, and the caller
builds the grammar as usual. Nothing is ever unpickled; writes are atomic
(:mod:`grammar.atomic`).

The folder is ``$GRAMMARLAB_CACHE_DIR`` if set (an empty value turns the cache
off), else ``$XDG_CACHE_HOME/grammarlab``, else ``~/.cache/grammarlab``. It can
be deleted at any time.

Examples
--------
>>> import os, tempfile
>>> from grammar import library
>>> with tempfile.TemporaryDirectory() as folder:
...     os.environ[CACHE_ENV] = folder
...     before = load("reber")
...     stored = store("reber", library.reber())
...     entry = load("reber")
...     del os.environ[CACHE_ENV]
>>> before, stored, entry.name, entry.fingerprint == library.reber().fingerprint
(None, True, 'reber', True)
"""

from __future__ import annotations

import json
import os
import struct
import sys
from typing import TYPE_CHECKING, Any, NamedTuple

try:  # the built-in module: hashlib would load OpenSSL, a tenth of a small run
    from _sha256 import sha256
except ImportError:  # pragma: no cover - Python 3.12 renamed it; other builds
    try:
        from _sha2 import sha256
    except ImportError:
        from hashlib import sha256

# As grammar.lookup.load reads a NAME; the package face grammar.io imports nothing.
from grammar.io import FILE_SUFFIXES, REGEX_PREFIX

if TYPE_CHECKING:
    from grammar.core import Grammar

__all__ = [
    "CACHE_ENV",
    "FILE_SUFFIXES",
    "MAX_ROWS",
    "PACKAGE_DIR",
    "REGEX_PREFIX",
    "CachedTable",
    "cache_dir",
    "decode_table",
    "encode_table",
    "load",
    "source_key",
    "store",
]

#: The environment variable that names the cache folder ("" turns the cache off).
CACHE_ENV = "GRAMMARLAB_CACHE_DIR"
#: Larger tables (in DFA states) are not cached: building them is not the slow part.
MAX_ROWS = 1 << 16

_MAGIC = b"grammarlab-byte-table\x00\x00\x01"  # 24 bytes, format 1
_HEADER = struct.Struct("<24s64sBII")  # magic, fingerprint, byte order, rows, start
_ORDER = {"little": 1, "big": 2}[sys.byteorder]
_INDEX_FORMAT = "grammarlab-name-index"
#: The folder whose source files stamp every key: grammarlab itself.
PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class CachedTable(NamedTuple):
    """A byte table read back from the cache, ready for :mod:`grammar.bulk.scan`."""

    fingerprint: str
    name: str | None
    table: memoryview
    start: int
    accepting: bytes


def cache_dir() -> str | None:
    """The cache folder (which may not exist yet), or None when the cache is turned off.

    Examples
    --------
    >>> import os
    >>> os.environ[CACHE_ENV] = ""
    >>> cache_dir() is None
    True
    >>> del os.environ[CACHE_ENV]
    """
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return chosen or None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "grammarlab")


def _tree_stamp(folder: str, digest: Any) -> None:
    """Feed the name, size and modification time of every source file under `folder`."""
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    stack.append(entry.path)
            elif entry.name.endswith((".py", ".c", ".so", ".pyd")):
                info = entry.stat()
                digest.update(f"{entry.path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())


def source_key(name: str, content: bytes | None = None) -> str | None:
    """What decides the language a command-line NAME stands for, as one string.

    None when the NAME is a path that is not a readable grammar file: the
    caller then builds it as usual, which reports the error. `content` is
    the grammar file's bytes as they were read to build it (see
    :func:`grammar.lookup.load_with_content`); None reads the file now, which
    is right for a lookup but not for a grammar built a while ago.

    Examples
    --------
    >>> source_key("reber") == source_key("reber") != source_key("tomita-1")
    True
    >>> source_key("missing.dot") is None
    True
    """
    from grammar import __version__

    digest = sha256()
    if name.startswith(REGEX_PREFIX):
        kind = "regex"
    elif os.path.splitext(name)[1].lower() in FILE_SUFFIXES:  # as grammar.lookup.load
        kind = "file"
        if content is None:
            try:
                with open(name, "rb") as stream:
                    content = stream.read()
            except OSError:
                return None
        digest.update(content)
    elif os.path.exists(name):
        return None
    else:
        kind = "builtin"
    _tree_stamp(PACKAGE_DIR, digest)
    return json.dumps([kind, name, __version__, digest.hexdigest()], ensure_ascii=True)


def encode_table(fingerprint: str, table: bytes, start: int, accepting: bytes) -> bytes:
    """A cache file: header, accepting flags, the native int32 table, then a SHA-256.

    Examples
    --------
    >>> from array import array
    >>> data = encode_table("0" * 64, array("i", [1] * 512).tobytes(), 0, b"\\x01\\x00")
    >>> decode_table(data, "0" * 64).accepting, decode_table(data, "1" * 64)
    (b'\\x01\\x00', None)
    """
    rows = len(accepting)
    header = _HEADER.pack(_MAGIC, fingerprint.encode("ascii"), _ORDER, rows, start)
    body = header + bytes(accepting) + bytes(table)
    return body + sha256(body).digest()


def decode_table(data: bytes, fingerprint: str, name: str | None = None) -> CachedTable | None:
    """The table in a cache file's bytes, or None if anything about it is wrong."""
    if len(data) < _HEADER.size + 32:
        return None
    body, checksum = data[:-32], data[-32:]
    magic, stored, order, rows, start = _HEADER.unpack_from(body)
    if (
        magic != _MAGIC
        or stored != fingerprint.encode("ascii", "replace")
        or order != _ORDER
        or not 0 <= start < rows
        or len(body) != _HEADER.size + rows + rows * 256 * 4
        or sha256(body).digest() != checksum
    ):
        return None
    accepting = body[_HEADER.size : _HEADER.size + rows]
    table = memoryview(body)[_HEADER.size + rows :].cast("i")
    return CachedTable(fingerprint, name, table, start, accepting)


def _name_path(folder: str, key: str) -> str:
    return os.path.join(folder, "names", sha256(key.encode()).hexdigest()[:40] + ".json")


def _table_path(folder: str, fingerprint: str) -> str:
    return os.path.join(folder, "tables", fingerprint + ".table")


def _is_fingerprint(value: Any) -> bool:
    return (
        isinstance(value, str)
        and len(value) == 64
        and all(c in "0123456789abcdef" for c in value)
    )


def load(name: str) -> CachedTable | None:
    """The cached byte table of the grammar a command-line NAME stands for, or None.

    None when the cache is off, has no entry for the NAME as it is now, or
    holds anything malformed.
    """
    folder = cache_dir()
    key = None if folder is None else source_key(name)
    if folder is None or key is None:
        return None
    try:
        with open(_name_path(folder, key), "rb") as stream:
            entry = json.loads(stream.read())
        if not (
            isinstance(entry, dict)
            and entry.get("format") == _INDEX_FORMAT
            and entry.get("key") == key
            and _is_fingerprint(entry.get("fingerprint"))
            and isinstance(entry.get("name"), (str, type(None)))
        ):
            return None
        with open(_table_path(folder, entry["fingerprint"]), "rb") as stream:
            data = stream.read()
    except (OSError, ValueError):  # missing or unreadable; not JSON, not UTF-8
        return None
    return decode_table(data, entry["fingerprint"], entry["name"])


def store(name: str, grammar: Grammar, *, key: str | None = None) -> bool:
    """Cache the byte table of `grammar`, built from the command-line NAME `name`.

    `key` is the :func:`source_key` of what the grammar was built from, taken
    when it was loaded (for a file, from the bytes parsed); by default it is
    taken now, which is right only if the file has not changed since: an
    entry keyed by newer content than its table would answer wrongly for good.

    Returns whether it was stored: not when the cache is off or cannot be
    written, the NAME has no source key, a symbol is not one ASCII character,
    or the DFA has :data:`MAX_ROWS` states or more.
    """
    folder = cache_dir()
    if key is None and folder is not None:
        key = source_key(name)
    dfa = grammar.dfa
    if (
        folder is None
        or key is None
        or not all(len(symbol) == 1 and symbol.isascii() for symbol in dfa.alphabet)
        or dfa.table.shape[0] >= MAX_ROWS
    ):
        return False
    # numpy and tempfile: only once a grammar was built anyway.
    from grammar.atomic import atomic_write
    from grammar.bulk.tables import byte_table

    table, accepting = byte_table(dfa)
    fingerprint = grammar.fingerprint
    entry = {"format": _INDEX_FORMAT, "key": key, "fingerprint": fingerprint, "name": grammar.name}
    try:
        data = encode_table(fingerprint, table.tobytes(), int(dfa.start), accepting.tobytes())
        atomic_write(_table_path(folder, fingerprint), data)
        atomic_write(_name_path(folder, key), json.dumps(entry).encode())
    except OSError:
        return False
    return True
