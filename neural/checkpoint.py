"""Checkpoints on disk: safetensors weights, JSON configs, atomic writes, no pickle.

A verifier directory holds

``model.safetensors``
    The network's weights (safetensors: plain tensors, no code, no pickle).
``config.json``
    Format marker, package version, the model and train configs, the
    alphabet, the grammar (name, source, fingerprint of its canonical DFA),
    metrics, and the SHA-256 of ``model.safetensors`` so that a truncated or
    swapped weights file is caught on load.

A training run adds ``resume.safetensors`` (weights, optimiser moments and
the run's history in one file, so one rename commits an epoch) and
``log.jsonl``. Every file is written to a temporary name in the same
directory, flushed, fsynced and moved into place with :func:`os.replace`, so
a crash, even ``kill -9``, leaves either the old file or the new one.

Anything wrong with a checkpoint raises :class:`CheckpointError`, a
:class:`grammar.GrammarError` (hence a ``ValueError``) whose message names
the file at fault.

Examples
--------
>>> import tempfile, torch
>>> with tempfile.TemporaryDirectory() as d:
...     digest = write_tensors(f"{d}/w.safetensors", {"x": torch.ones(2)}, {"epoch": 3})
...     tensors, meta = read_tensors(f"{d}/w.safetensors", sha256=digest)
>>> tensors["x"].tolist(), meta
([1.0, 1.0], {'epoch': 3})
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors

from grammar.errors import GrammarError

__all__ = [
    "CheckpointError",
    "FORMAT",
    "package_version",
    "atomic_write",
    "write_tensors",
    "read_tensors",
    "write_json",
    "read_json",
    "save_verifier_files",
    "load_verifier_files",
]

FORMAT = "grammarlab-neural-verifier"
FORMAT_VERSION = 1
WEIGHTS = "model.safetensors"
CONFIG = "config.json"


class CheckpointError(GrammarError):
    """A checkpoint file is missing, truncated, corrupt or not ours; the message names it.

    Examples
    --------
    >>> try:
    ...     load_verifier_files("/nonexistent/run")
    ... except CheckpointError as err:
    ...     print(err)
    no checkpoint at /nonexistent/run: /nonexistent/run/config.json does not exist
    """


def package_version() -> str:
    """The installed grammarlab version, or ``"unknown"`` when run from a bare checkout.

    Examples
    --------
    >>> isinstance(package_version(), str)
    True
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("grammarlab")
    except PackageNotFoundError:
        return "unknown"


def atomic_write(path: str | os.PathLike, data: bytes) -> None:
    """Write `data` to `path` so that readers only ever see the old or the new file.

    The bytes go to a temporary file in the same directory, are flushed and
    fsynced, and replace `path` with one :func:`os.replace`.

    Examples
    --------
    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     atomic_write(os.path.join(d, "f"), b"new")
    ...     os.listdir(d)
    ['f']
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: str | os.PathLike, obj: Any) -> None:
    """Atomically write `obj` as indented JSON.

    Examples
    --------
    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     write_json(os.path.join(d, "c.json"), {"a": 1})
    ...     read_json(os.path.join(d, "c.json"))
    {'a': 1}
    """
    atomic_write(path, (json.dumps(obj, indent=2, sort_keys=True) + "\n").encode())


def read_json(path: str | os.PathLike) -> dict[str, Any]:
    """Read a JSON object, raising :class:`CheckpointError` naming `path` on any problem.

    Examples
    --------
    >>> read_json("/nonexistent/config.json")
    Traceback (most recent call last):
    ...
    neural.checkpoint.CheckpointError: /nonexistent/config.json does not exist
    """
    path = Path(path)
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckpointError(f"{path} does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CheckpointError(f"{path} is not valid JSON (truncated or corrupt?): {err}") from None
    if not isinstance(obj, dict):
        raise CheckpointError(f"{path} holds a JSON {type(obj).__name__}, not an object")
    return obj


def write_tensors(
    path: str | os.PathLike, tensors: Mapping[str, torch.Tensor], meta: Any = None
) -> str:
    """Atomically write `tensors` (and JSON-able `meta`) as safetensors; return the SHA-256.

    `meta` goes into the file's header metadata, so one file, written with
    one rename, holds a whole training state.
    """
    data = save_safetensors(
        {k: v.detach().cpu().contiguous() for k, v in tensors.items()},
        metadata={"grammarlab": json.dumps(meta)},
    )
    atomic_write(path, data)
    return hashlib.sha256(data).hexdigest()


def read_tensors(
    path: str | os.PathLike, *, sha256: str | None = None
) -> tuple[dict[str, torch.Tensor], Any]:
    """Read a safetensors file written by :func:`write_tensors`.

    Parameters
    ----------
    path : path-like
        The file.
    sha256 : str, optional
        The expected digest; a mismatch means truncation or a swapped file.

    Raises
    ------
    CheckpointError
        Naming `path` when it is missing, truncated, corrupt or foreign.

    Examples
    --------
    >>> import os, tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = open(os.path.join(d, "w.safetensors"), "wb").write(b"junk")
    ...     read_tensors(os.path.join(d, "w.safetensors"))
    Traceback (most recent call last):
    ...
    neural.checkpoint.CheckpointError: .../w.safetensors is not a grammarlab safetensors file ...
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CheckpointError(f"{path} does not exist") from None
    except OSError as err:
        raise CheckpointError(f"cannot read {path}: {err}") from None
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise CheckpointError(
            f"{path} does not match its config.json (sha256 differs): truncated, corrupt or "
            "replaced by another file"
        )
    try:
        tensors = load_safetensors(data)
        (header_size,) = struct.unpack("<Q", data[:8])
        header = json.loads(data[8 : 8 + header_size])
        meta = json.loads(header["__metadata__"]["grammarlab"])
    except (SafetensorError, struct.error, ValueError, KeyError, TypeError) as err:
        raise CheckpointError(
            f"{path} is not a grammarlab safetensors file (truncated or foreign?): {err}"
        ) from None
    return tensors, meta


def save_verifier_files(
    directory: str | os.PathLike, state: Mapping[str, torch.Tensor], config: Mapping[str, Any]
) -> None:
    """Write ``model.safetensors`` then ``config.json`` (which records the weights' digest).

    Examples
    --------
    >>> import tempfile, torch
    >>> with tempfile.TemporaryDirectory() as d:
    ...     save_verifier_files(d, {"w": torch.zeros(1)}, {"model": {}, "alphabet": [],
    ...                         "single_char": True, "grammar": {}})
    ...     state, config = load_verifier_files(d)
    >>> list(state), config["format"]
    (['w'], 'grammarlab-neural-verifier')
    """
    directory = Path(directory)
    digest = write_tensors(directory / WEIGHTS, state, {"format": FORMAT})
    write_json(
        directory / CONFIG,
        {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "package_version": package_version(),
            "weights_sha256": digest,
            **config,
        },
    )


def load_verifier_files(
    directory: str | os.PathLike,
) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """Read and check a verifier directory; return ``(state_dict, config)``.

    Raises
    ------
    CheckpointError
        Naming the file when the directory or a file is missing, truncated,
        corrupt, or written by something else.

    Examples
    --------
    >>> load_verifier_files("/nonexistent")
    Traceback (most recent call last):
    ...
    neural.checkpoint.CheckpointError: no checkpoint at /nonexistent: ...
    """
    directory = Path(directory)
    config_path = directory / CONFIG
    if not config_path.is_file():
        raise CheckpointError(f"no checkpoint at {directory}: {config_path} does not exist")
    config = read_json(config_path)
    if config.get("format") != FORMAT:
        raise CheckpointError(
            f"{config_path} is not a grammarlab verifier config (format {config.get('format')!r})"
        )
    if config.get("format_version") != FORMAT_VERSION:
        raise CheckpointError(
            f"{config_path} has format version {config.get('format_version')!r}; "
            f"this grammarlab reads version {FORMAT_VERSION}"
        )
    for key in ("weights_sha256", "model", "alphabet", "single_char", "grammar"):
        if key not in config:
            raise CheckpointError(f"{config_path} lacks the {key!r} entry")
    state, _ = read_tensors(directory / WEIGHTS, sha256=config["weights_sha256"])
    return state, config
