"""What the page reads, checked: the directory it is given and each run's ``report.json``.

A ``report.json`` (a comparison, as :meth:`neural.Comparison.to_dict`
writes it) written by hand, by another version or damaged can hold JSON of
the wrong shape; the page refuses it with one
:class:`~neural.checkpoint.CheckpointError` naming the file and the field,
instead of failing deep inside the page. Fields that are absent are left
to the page's defaults; those present must have the shape that
:meth:`neural.Comparison.to_dict` writes.

Examples
--------
>>> check_comparison({"accuracy": 0.5, "sets": {"short_random": {"words": 4, "members": 2,
...     "accuracy": 0.5, "false_positive_rate": None, "false_negative_rate": 0.0}}}, "r.json")
>>> check_comparison({"sets": 3}, "r.json")
Traceback (most recent call last):
...
neural.CheckpointError: r.json: field 'sets' must be an object, not int
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from neural.checkpoint import CONFIG, CheckpointError

__all__ = ["check_comparison", "check_directory"]


def __getattr__(name: str) -> Any:
    if name == "check_report":  # check_comparison's old name
        warnings.warn("check_report is deprecated; use neural.page.checks.check_comparison (the "
                      "same function)", DeprecationWarning, stacklevel=2)
        return check_comparison
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _kind(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _rate(value: Any) -> bool:
    return value is None or _number(value)


def _length_key(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lstrip("-").isdigit()


_SCORE = {"words": (_integer, "an integer"), "accuracy": (_rate, "a number or null")}
_SET = {**_SCORE, "members": (_integer, "an integer"),
        "false_positive_rate": (_rate, "a number or null"),
        "false_negative_rate": (_rate, "a number or null")}
_DISAGREEMENT = {
    "word": (lambda v: isinstance(v, str) or (isinstance(v, list)
                                              and all(isinstance(s, str) for s in v)),
             "a string or an array of strings"),
    "length": (_integer, "an integer"), "set": (lambda v: isinstance(v, str), "a string"),
    "kind": (lambda v: isinstance(v, str), "a string"),
    "member": (lambda v: isinstance(v, bool), "a boolean"),
    "probability": (_number, "a number"),
    "explanation": (lambda v: isinstance(v, str), "a string"),
}
_Fields = dict[str, tuple[Callable[[Any], bool], str]]


def _fields(value: Any, fields: _Fields, where: str, field: str) -> None:
    if not isinstance(value, dict):
        raise CheckpointError(f"{where}: field {field!r} must be an object, not {_kind(value)}")
    for key, (ok, what) in fields.items():
        if key not in value:
            raise CheckpointError(f"{where}: field '{field}.{key}' is missing")
        if not ok(value[key]):
            raise CheckpointError(f"{where}: field '{field}.{key}' must be {what}, not "
                                  f"{_kind(value[key])}")


def _table(report: dict, key: str, fields: _Fields, where: str,
           key_ok: Callable[[str], bool] = lambda k: True) -> None:
    table = report[key]
    if not isinstance(table, dict):
        raise CheckpointError(f"{where}: field {key!r} must be an object, not {_kind(table)}")
    for name, value in table.items():
        if not key_ok(name):
            raise CheckpointError(f"{where}: field {key!r} has the key {name!r}, not a length")
        _fields(value, fields, where, f"{key}.{name}")


def _pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(_integer(v) for v in value)


def check_comparison(comparison: Any, path: str | os.PathLike) -> None:
    """Refuse a comparison's ``report.json`` (read from `path`) whose fields have the wrong shape.

    Raises
    ------
    CheckpointError
        Naming `path` and the first field at fault.
    """
    where = str(path)
    if not isinstance(comparison, dict):
        raise CheckpointError(f"{where}: must hold an object, not {_kind(comparison)}")
    if "sets" in comparison:
        _table(comparison, "sets", _SET, where)
    if "by_kind" in comparison:
        _table(comparison, "by_kind", _SCORE, where)
    if "by_length" in comparison:
        _table(comparison, "by_length", _SCORE, where, _length_key)
    for key in ("train_lengths", "long_lengths"):
        if key in comparison and not (_pair(comparison[key]) or (key == "long_lengths"
                                                              and comparison[key] is None)):
            raise CheckpointError(f"{where}: field {key!r} must be an array of two integers, "
                                  f"not {_kind(comparison[key])}")
    if "accuracy" in comparison and not _rate(comparison["accuracy"]):
        raise CheckpointError(f"{where}: field 'accuracy' must be a number or null, not "
                              f"{_kind(comparison['accuracy'])}")
    if "n_disagreements" in comparison and not _integer(comparison["n_disagreements"]):
        raise CheckpointError(f"{where}: field 'n_disagreements' must be an integer, not "
                              f"{_kind(comparison['n_disagreements'])}")
    if "disagreements" in comparison:
        found = comparison["disagreements"]
        if not isinstance(found, list):
            raise CheckpointError(f"{where}: field 'disagreements' must be an array, not "
                                  f"{_kind(found)}")
        for k, item in enumerate(found):
            _fields(item, _DISAGREEMENT, where, f"disagreements[{k}]")


def check_directory(directory: Path, manifest: str) -> None:
    """Refuse a `directory` that is neither a suite (holds `manifest`) nor a training directory.

    Raises
    ------
    CheckpointError
        Naming `directory` and what it lacks.
    """
    if not directory.exists():
        raise CheckpointError(f"{directory}: no such directory")
    if not directory.is_dir():
        raise CheckpointError(f"{directory}: not a directory; give a suite directory "
                              "(neural suite --out) or a training directory (neural train --out)")
    if not (directory / manifest).is_file() and not (directory / CONFIG).is_file():
        raise CheckpointError(f"{directory}: neither a suite directory (no {manifest}) nor a "
                              f"training directory (no {CONFIG})")
