"""A saved verifier: ``model.safetensors``, ``config.json`` and ``train_words.json``.

``config.json`` is read back field by field: each is checked for its type
and for agreement with the others (the alphabet with ``single_char`` and with
the model's embedding rows), so that a corrupt or hand-edited file fails on
load with :class:`CheckpointError` naming the file and the field, never
later with a traceback or with a verifier that rejects every word.

Examples
--------
>>> import tempfile, torch
>>> from grammar import library
>>> with tempfile.TemporaryDirectory() as d:
...     save_verifier_files(d, {"w": torch.zeros(1)}, {
...         "model": {"vocab_size": 4}, "alphabet": ["0", "1"], "single_char": True,
...         "grammar": grammar_info(library.parity())})
...     state, config = load_verifier_files(d)
>>> list(state), config["format"], config["grammar"]["name"]
(['w'], 'grammarlab-neural-verifier', 'parity')
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch

from neural.checkpoint.files import (
    CONFIG,
    FORMAT,
    FORMAT_VERSION,
    WEIGHTS,
    WORDS,
    CheckpointError,
    atomic_write,
    package_version,
    read_json,
    read_tensors,
    write_json,
    write_tensors,
)
from neural.config import TrainConfig
from neural.model import ModelConfig

__all__ = [
    "grammar_info",
    "save_verifier_files",
    "load_verifier_files",
    "check_verifier_config",
    "write_training_words",
    "read_training_words",
]

# The provenance entries of a grammar, each a str or None.
_GRAMMAR_KEYS = ("name", "source", "fingerprint", "description")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def grammar_info(g: Any, source: str | None = None) -> dict[str, Any]:
    """The provenance of grammar `g` as stored in checkpoints.

    Examples
    --------
    >>> from grammar import library
    >>> grammar_info(library.parity())["name"]
    'parity'
    """
    return {
        "name": g.name,
        "source": source,
        "fingerprint": g.fingerprint,
        "description": g.description,
    }


def save_verifier_files(
    directory: str | os.PathLike, state: Mapping[str, torch.Tensor], config: Mapping[str, Any]
) -> None:
    """Write ``model.safetensors`` then ``config.json`` (which records the weights' digest).

    Examples
    --------
    >>> import os, tempfile, torch
    >>> with tempfile.TemporaryDirectory() as d:
    ...     save_verifier_files(d, {"w": torch.zeros(1)}, {"model": {"vocab_size": 3},
    ...                         "alphabet": ["a"], "single_char": True, "grammar": {}})
    ...     sorted(os.listdir(d))
    ['config.json', 'model.safetensors']
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
        Naming the file (and the field) when the directory or a file is
        missing, truncated, corrupt, or written by something else.

    Examples
    --------
    >>> load_verifier_files("/nonexistent")
    Traceback (most recent call last):
    ...
    neural.CheckpointError: no checkpoint at /nonexistent: ...
    """
    directory = Path(directory)
    config_path = directory / CONFIG
    if not config_path.is_file():
        raise CheckpointError(f"no checkpoint at {directory}: {config_path} does not exist")
    config = read_json(config_path)
    check_verifier_config(config, config_path)
    state, _ = read_tensors(directory / WEIGHTS, sha256=config["weights_sha256"])
    return state, config


def check_verifier_config(config: Mapping[str, Any], path: str | os.PathLike) -> None:
    """Check every field of a verifier's ``config.json`` (read from `path`).

    Raises
    ------
    CheckpointError
        Naming `path` and the first field at fault.

    Examples
    --------
    >>> check_verifier_config({"format": "grammarlab-neural-verifier", "format_version": 1,
    ...     "weights_sha256": "0" * 64, "model": {"vocab_size": 4}, "alphabet": ["0", "0"],
    ...     "single_char": True, "grammar": {}}, "run/config.json")
    Traceback (most recent call last):
    ...
    neural.CheckpointError: run/config.json: field 'alphabet' lists '0' twice
    """
    if config.get("format") != FORMAT:
        raise CheckpointError(
            f"{path} is not a grammarlab verifier config (format {config.get('format')!r})"
        )
    if config.get("format_version") != FORMAT_VERSION:
        raise CheckpointError(
            f"{path} has format version {config.get('format_version')!r}; "
            f"this grammarlab reads version {FORMAT_VERSION}"
        )
    for key in ("weights_sha256", "model", "alphabet", "single_char", "grammar"):
        if key not in config:
            raise CheckpointError(f"{path} lacks the {key!r} entry")

    def bad(key: str, why: str) -> CheckpointError:
        return CheckpointError(f"{path}: field {key!r} {why}")

    digest = config["weights_sha256"]
    if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
        raise bad("weights_sha256", f"must be 64 hex digits, got {_short(digest)}")
    if "package_version" in config and not isinstance(config["package_version"], str):
        raise bad("package_version", f"must be a str, got {_short(config['package_version'])}")
    alphabet = _alphabet(config["alphabet"], bad)
    single_char = config["single_char"]
    if not isinstance(single_char, bool):
        raise bad("single_char", f"must be true or false, got {_short(single_char)}")
    if single_char != all(len(s) == 1 for s in alphabet):
        raise bad("single_char", f"is {str(single_char).lower()}, but the alphabet has "
                  f"{'a multi-character symbol' if single_char else 'only one-character symbols'}")
    model = _mapping(config["model"], "model", bad)
    try:
        model_config = ModelConfig(**model)
    except (TypeError, ValueError) as err:
        raise bad("model", f"does not describe a network: {_first_line(err)}") from None
    if model_config.vocab_size != len(alphabet) + 2:
        raise bad("model", f"has vocab_size {model_config.vocab_size}, but the alphabet of "
                  f"{len(alphabet)} symbols needs {len(alphabet) + 2}")
    grammar = _mapping(config["grammar"], "grammar", bad)
    for key in _GRAMMAR_KEYS:
        if grammar.get(key) is not None and not isinstance(grammar[key], str):
            raise bad("grammar", f"entry {key!r} must be a str or null, got "
                      f"{_short(grammar[key])}")
    if "train_config" in config:
        try:
            train_config = TrainConfig.from_dict(
                _mapping(config["train_config"], "train_config", bad))
        except (TypeError, ValueError) as err:
            if isinstance(err, CheckpointError):
                raise
            raise bad("train_config", f"is not a valid TrainConfig: {_first_line(err)}") from None
        if train_config.cell != model_config.cell:
            raise bad("train_config", f"has cell {train_config.cell!r}, but the model is "
                      f"{model_config.cell!r}")
        if train_config.recipe != model_config.recipe:
            raise bad("train_config", f"has recipe {train_config.recipe!r}, but the model "
                      f"was built by {model_config.recipe!r}")
    if "metrics" in config:
        _mapping(config["metrics"], "metrics", bad)
    if "history" in config:
        history = config["history"]
        if not isinstance(history, list) or not all(isinstance(r, dict) for r in history):
            raise bad("history", f"must be a list of objects, got {_short(history)}")


def write_training_words(directory: str | os.PathLike, words: Sequence[Any]) -> None:
    """Atomically write the words a network was trained on to ``train_words.json``.

    Token words (tuples) are stored as JSON lists.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     write_training_words(d, ["ab", ("open", "close")])
    ...     read_training_words(d)
    ['ab', ('open', 'close')]
    """
    rows = [w if isinstance(w, str) else list(w) for w in words]
    atomic_write(Path(directory) / WORDS, json.dumps({"words": rows}).encode())


def read_training_words(directory: str | os.PathLike) -> list[Any] | None:
    """The words in ``train_words.json`` (token words as tuples), or None without the file.

    Raises
    ------
    CheckpointError
        Naming the file and the entry when it is corrupt or holds something
        other than words (a str, or a list of str).

    Examples
    --------
    >>> read_training_words("/nonexistent") is None
    True
    """
    path = Path(directory) / WORDS
    if not path.exists():
        return None
    words = read_json(path).get("words")
    if not isinstance(words, list):
        raise CheckpointError(f"{path} holds no list of words")
    out: list[Any] = []
    for i, word in enumerate(words):
        if isinstance(word, str):
            out.append(word)
        elif isinstance(word, list) and all(isinstance(s, str) and s for s in word):
            out.append(tuple(word))
        else:
            raise CheckpointError(f"{path}: entry words[{i}] is {_short(word)}, not a word "
                                  "(a str, or a list of non-empty str)")
    return out


def _alphabet(value: Any, bad: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise bad("alphabet", f"must be a list of symbols, got {_short(value)}")
    seen: set[str] = set()
    for symbol in value:
        if not isinstance(symbol, str) or not symbol:
            raise bad("alphabet", f"holds {_short(symbol)}, not a non-empty str")
        if symbol in seen:
            raise bad("alphabet", f"lists {symbol!r} twice")
        seen.add(symbol)
    # Symbol ids follow the sorted order: a shuffled alphabet would silently swap them.
    if list(value) != sorted(value):
        raise bad("alphabet", "is not sorted, so its symbol ids would not be the network's")
    return tuple(value)


def _mapping(value: Any, key: str, bad: Any) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise bad(key, f"must be an object, got {_short(value)}")
    return value


def _short(value: Any) -> str:
    # The value as the JSON file spells it (null, true, "text"), cut short.
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _first_line(err: BaseException) -> str:
    return (str(err).splitlines() or [type(err).__name__])[0]
