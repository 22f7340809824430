"""Data-set files: JSON lines (``.jsonl``) and numpy archives (``.npz``).

Both formats hold a header (format, version, grammar name, fingerprint,
seed, size, how the set was made) and the rows. A JSON lines file is the
header line and then one ``{"word", "label", "kind"}`` object per line (token
words are lists). A ``.npz`` archive holds the header as a JSON string, the
words as UTF-8 bytes with their sizes, and the labels and kinds as arrays.

Files are written atomically (a temporary file moved into place), and read
without ever loading a pickle. Any file that is not a data set of this
version, or is damaged, raises :class:`grammar.GrammarError` naming the file
and the line, array or header field at fault; the row count in the header
catches a file cut short at a line boundary.

Examples
--------
>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = pathlib.Path(tmp) / "bad.jsonl"
...     _ = path.write_text('{"format": "grammarlab-dataset", "version": 1}\\n{"word": "ab"\\n')
...     read_fields(path)
Traceback (most recent call last):
...
grammar.errors.GrammarError: .../bad.jsonl, line 2: not valid JSON (Expecting ',' delimiter)
"""

from __future__ import annotations

import json
import numbers
import os
import zipfile
import zlib
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np

from grammar.atomic import atomic_writer
from grammar.errors import GrammarError

if TYPE_CHECKING:
    from grammar.datasets.record import Dataset

__all__ = ["FORMAT", "VERSION", "SUFFIXES", "header_of", "read_fields", "write_dataset"]

FORMAT = "grammarlab-dataset"
VERSION = 1
SUFFIXES = (".jsonl", ".npz")


def header_of(ds: Dataset) -> dict:
    """The header that a file of `ds` starts with."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "grammar": ds.grammar,
        "fingerprint": ds.fingerprint,
        "seed": ds.seed,
        "single_char": all(isinstance(w, str) for w in ds.words),
        "size": len(ds),
        "info": ds.info,
    }


def _suffix(path: Path, verb: str) -> str:
    if path.suffix not in SUFFIXES:
        raise GrammarError(f"cannot {verb} a Dataset {'as' if verb == 'save' else 'from'} "
                           f"{path.name!r}; use .jsonl or .npz")
    return path.suffix


# -- writing ---------------------------------------------------------------------------------


def write_dataset(ds: Dataset, path: str | os.PathLike) -> None:
    """Write `ds` to `path` (``.jsonl`` or ``.npz``), atomically."""
    path = Path(path)
    header = header_of(ds)
    if _suffix(path, "save") == ".jsonl":
        def write(out: IO[bytes]) -> None:
            out.write((json.dumps(header) + "\n").encode("utf-8"))
            for word, label, kind in zip(ds.words, ds.labels.tolist(), ds.kinds.tolist(),
                                         strict=True):
                value = word if isinstance(word, str) else list(word)
                line = json.dumps({"word": value, "label": label, "kind": kind}) + "\n"
                out.write(line.encode("utf-8"))
    else:
        def write(out: IO[bytes]) -> None:
            np.savez_compressed(out, header=np.array(json.dumps(header)), labels=ds.labels,
                                kinds=ds.kinds, **_pack_words(ds.words, header["single_char"]))
    with atomic_writer(path) as out:
        write(out)


def _blob(pieces: list[str]) -> tuple[np.ndarray, np.ndarray]:
    encoded = [piece.encode("utf-8") for piece in pieces]
    return (np.frombuffer(b"".join(encoded), dtype=np.uint8),
            np.array([len(e) for e in encoded], dtype=np.int64))


def _pack_words(words: list, single_char: bool) -> dict[str, np.ndarray]:
    if single_char:
        text, sizes = _blob(words)
        return {"text": text, "sizes": sizes}
    text, sizes = _blob([token for word in words for token in word])
    return {"text": text, "sizes": sizes,
            "word_tokens": np.array([len(w) for w in words], dtype=np.int64)}


# -- reading ---------------------------------------------------------------------------------


def read_fields(path: str | os.PathLike) -> dict[str, Any]:
    """The fields of the data set in `path`, as keyword arguments of :class:`Dataset`.

    Raises
    ------
    FileNotFoundError
        If `path` does not exist (the message names it).
    GrammarError
        If the file is not a data set this version can read, or is damaged.
    """
    path = Path(path)
    if _suffix(path, "load") == ".jsonl":
        header, words, labels, kinds = _read_jsonl(path)
    else:
        header, words, labels, kinds = _read_npz(path)
    size = header.get("size")
    if size is not None and size != len(words):
        raise GrammarError(f"{path}: the header says {size} rows but the file holds "
                           f"{len(words)}; it may have been cut short")
    return {
        "words": words,
        "labels": labels,
        "kinds": kinds,
        "grammar": header.get("grammar"),
        "fingerprint": header.get("fingerprint"),
        "seed": header.get("seed"),
        "info": header.get("info") or {},
    }


def _check_header(header: Any, path: Path) -> dict:
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise GrammarError(f"{path} is not a grammarlab data set (no {FORMAT!r} header)")
    version = header.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise GrammarError(f"{path}: header field 'version' must be an int >= 1, "
                           f"got {version!r}")
    if version > VERSION:
        raise GrammarError(f"{path} was written by a newer grammarlab (data set version "
                           f"{version}; this one reads up to {VERSION})")
    checks = {
        "grammar": (lambda v: v is None or isinstance(v, str), "a string or null"),
        "fingerprint": (lambda v: v is None or isinstance(v, str), "a string or null"),
        "seed": (lambda v: v is None or _is_int(v) and v >= 0, "an int >= 0 or null"),
        "single_char": (lambda v: v is None or isinstance(v, bool), "true or false"),
        "size": (lambda v: v is None or _is_int(v) and v >= 0, "an int >= 0"),
        "info": (lambda v: v is None or isinstance(v, dict), "an object"),
    }
    for key, (ok, what) in checks.items():
        if not ok(header.get(key)):
            raise GrammarError(f"{path}: header field {key!r} must be {what}, "
                               f"got {header[key]!r}")
    return header


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _json(text: bytes, where: str) -> Any:
    try:
        return json.loads(text.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise GrammarError(f"{where}: not UTF-8 text (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise GrammarError(f"{where}: not valid JSON ({error.msg})") from None


def _read_jsonl(path: Path) -> tuple[dict, list, list[bool], list[str]]:
    words: list = []
    labels: list[bool] = []
    kinds: list[str] = []
    with path.open("rb") as source:
        first = source.readline()
        if not first.strip():
            raise GrammarError(f"{path} is not a grammarlab data set (it has no header line)")
        header = _check_header(_json(first, f"{path}, line 1"), path)
        for number, line in enumerate(source, start=2):
            if not line.strip():
                continue
            where = f"{path}, line {number}"
            record = _json(line, where)
            if not isinstance(record, dict):
                raise GrammarError(f"{where}: expected an object with 'word', 'label' and "
                                   f"'kind', got {type(record).__name__}")
            for key in ("word", "label", "kind"):
                if key not in record:
                    raise GrammarError(f"{where}: no {key!r}")
            word, label, kind = record["word"], record["label"], record["kind"]
            if isinstance(word, list) and all(isinstance(t, str) for t in word):
                word = tuple(word)
            elif not isinstance(word, str):
                raise GrammarError(f"{where}: 'word' must be a string or a list of strings, "
                                   f"got {word!r}")
            if not isinstance(label, bool):
                raise GrammarError(f"{where}: 'label' must be true or false, got {label!r}")
            if not isinstance(kind, str):
                raise GrammarError(f"{where}: 'kind' must be a string, got {kind!r}")
            words.append(word)
            labels.append(label)
            kinds.append(kind)
    return header, words, labels, kinds


# Errors numpy and zipfile raise for a file that is not a sound .npz archive.
_ARCHIVE_ERRORS = (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile, zlib.error)


def _read_npz(path: Path) -> tuple[dict, list, np.ndarray, np.ndarray]:
    try:
        archive = np.load(path, allow_pickle=False)
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise  # their messages name the path
    except _ARCHIVE_ERRORS:
        # numpy's own message speaks of pickles, which are never loaded here
        raise GrammarError(f"{path} is not a .npz archive, or is damaged") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise GrammarError(f"{path} is a single .npy array, not a .npz data set")
    with archive:
        def array(key: str, kinds: str, ndim: int = 1) -> np.ndarray:
            if key not in archive.files:
                raise GrammarError(f"{path} has no {key!r} array; it is not a grammarlab "
                                   "data set, or is damaged")
            try:
                value = archive[key]
            except _ARCHIVE_ERRORS as error:
                raise GrammarError(f"{path}: array {key!r} cannot be read ({error})") from None
            if not isinstance(value, np.ndarray):  # numpy gives the raw bytes of a bad member
                raise GrammarError(f"{path}: array {key!r} is not a numpy array")
            if value.dtype.kind not in kinds or value.ndim != ndim:
                raise GrammarError(f"{path}: array {key!r} has the wrong type "
                                   f"({value.dtype}, {value.ndim}-d)")
            return value

        header = _check_header(_json(str(array("header", "U", 0)).encode("utf-8"),
                                     f"{path}, array 'header'"), path)
        single_char = header.get("single_char")
        if single_char is None:  # token words are stored with their token counts
            single_char = "word_tokens" not in archive.files
        text = array("text", "u")
        if text.dtype != np.uint8:
            raise GrammarError(f"{path}: array 'text' must hold bytes (uint8), not {text.dtype}")
        sizes = array("sizes", "iu")
        pieces = _pieces(path, text.tobytes(), sizes, "sizes")
        if single_char:
            words: list = pieces
        else:
            groups = _spans(path, array("word_tokens", "iu"), len(pieces), "word_tokens")
            words = [tuple(pieces[a:b]) for a, b in groups]
        labels = array("labels", "b")
        kinds = array("kinds", "U")
    if not len(words) == len(labels) == len(kinds):
        raise GrammarError(f"{path}: {len(words)} words, {len(labels)} labels and "
                           f"{len(kinds)} kinds; each row needs all three")
    return header, words, labels, kinds


def _spans(path: Path, sizes: np.ndarray, total: int, key: str) -> list[tuple[int, int]]:
    """(start, end) of consecutive pieces of these sizes, which must add up to `total`."""
    sizes = sizes.astype(np.int64)
    if (sizes < 0).any() or int(sizes.sum()) != total:
        raise GrammarError(f"{path}: array {key!r} does not add up to the {total} items it "
                           "describes")
    ends = np.cumsum(sizes)
    return list(zip((ends - sizes).tolist(), ends.tolist(), strict=True))


def _pieces(path: Path, data: bytes, sizes: np.ndarray, key: str) -> list[str]:
    try:
        return [data[a:b].decode("utf-8") for a, b in _spans(path, sizes, len(data), key)]
    except UnicodeDecodeError:
        raise GrammarError(f"{path}: array 'text' is not UTF-8") from None
