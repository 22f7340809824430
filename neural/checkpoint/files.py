"""Checkpoint files: their names, atomic writes, safetensors and JSON, no pickle.

Every file is written to a temporary name in the same directory, flushed,
fsynced and moved into place with :func:`os.replace`, so a crash, even
``kill -9``, leaves either the old file or the new one. Anything wrong with
a file raises :class:`CheckpointError` naming it.

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
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as save_safetensors

from grammar.atomic import atomic_write

__all__ = [
    "CheckpointError",
    "FORMAT",
    "FORMAT_VERSION",
    "WEIGHTS",
    "CONFIG",
    "WORDS",
    "RESUME",
    "LOG",
    "package_version",
    "atomic_write",
    "write_tensors",
    "read_tensors",
    "write_json",
    "read_json",
]

FORMAT = "grammarlab-neural-verifier"
FORMAT_VERSION = 1

# Every file name a checkpoint directory may hold.
#: The network's weights.
WEIGHTS = "model.safetensors"
#: Format marker, configs, alphabet, grammar provenance, metrics, the weights' digest.
CONFIG = "config.json"
#: The words the network was trained on (kept out of later test sets).
WORDS = "train_words.json"
#: Weights, optimiser moments and history of the last finished epoch.
RESUME = "resume.safetensors"
#: One JSON line per finished epoch.
LOG = "log.jsonl"


class CheckpointError(ValueError):
    """A checkpoint file is missing, truncated, corrupt or not ours; the message names it.

    A ``ValueError``, and deliberately not a :class:`grammar.GrammarError`:
    the grammar is fine, the file is not.

    Examples
    --------
    >>> from neural.checkpoint import load_verifier_files
    >>> try:
    ...     load_verifier_files("/nonexistent/run")
    ... except CheckpointError as err:
    ...     print(err)
    no checkpoint at /nonexistent/run: /nonexistent/run/config.json does not exist
    """

    # Shown (and pickled) under its public name.
    __module__ = "neural"


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
    neural.CheckpointError: /nonexistent/config.json does not exist
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
    one rename, holds a whole training state. Tensors are copied to the CPU
    and floating-point ones stored as float32, whatever device and precision
    they were trained in, so that any machine can load them.
    """
    data = save_safetensors(
        {k: _portable(v) for k, v in tensors.items()},
        metadata={"grammarlab": json.dumps(meta)},
    )
    atomic_write(path, data)
    return hashlib.sha256(data).hexdigest()


def _portable(tensor: torch.Tensor) -> torch.Tensor:
    tensor = tensor.detach().cpu()
    if tensor.is_floating_point() and tensor.dtype != torch.float32:
        tensor = tensor.float()
    return tensor.contiguous()


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
    neural.CheckpointError: .../w.safetensors is not a grammarlab safetensors file ...
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


