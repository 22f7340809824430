"""The optional steps of a suite run, through whatever :mod:`neural.judge.search` and
:mod:`neural.judge.extract` provide where they are installed.

Each step's result is saved whole (``search.json``, ``extract.json``, and
``extracted.json`` for an extracted automaton) and reduced to the row's
columns: the shortest counterexample the search found, whether every shorter
word was checked (a search the budget stopped may have missed a shorter one),
and how many it found;
the extraction's verdict and the size of the automaton it extracted. The
results are read through their ``to_dict()`` and a few attribute names, so
that the suite keeps working as those modules grow.

Examples
--------
>>> plain({"a": (1, 2), "b": {3}})
{'a': [1, 2], 'b': '{3}'}
"""

from __future__ import annotations

import dataclasses
import inspect
import math
from pathlib import Path
from typing import Any

from grammar.words import word_text
from neural.checkpoint import atomic_write, write_json

__all__ = ["plain", "run_search", "run_extract", "SEARCH_FILE", "EXTRACT_FILE",
           "EXTRACTED_GRAMMAR"]

SEARCH_FILE = "search.json"
EXTRACT_FILE = "extract.json"
#: The extracted automaton as grammar JSON, for the report to draw.
EXTRACTED_GRAMMAR = "extracted.json"


def plain(value: Any) -> Any:
    """`value` as JSON-able data: dicts, lists, str, numbers, bools, None."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return plain(value.item())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return str(value)


def _as_dict(result: Any) -> dict[str, Any]:
    to_dict = getattr(result, "to_dict", None)
    data = to_dict() if callable(to_dict) else plain(result)
    data = plain(data)
    return data if isinstance(data, dict) else {"result": data}


def _get(result: Any, *names: str) -> Any:
    for name in names:
        value = result.get(name) if isinstance(result, dict) else getattr(result, name, None)
        if callable(value) and not hasattr(value, "dfa"):
            value = value()
        if value is not None:
            return value
    return None


def _call(function: Any, *args: Any, **options: Any) -> Any:
    try:
        accepted = inspect.signature(function).parameters
    except (TypeError, ValueError):
        accepted = {}
    if "progress" in accepted:
        options["progress"] = False
    return function(*args, **options)


def run_search(function: Any, verifier: Any, g: Any, options: dict[str, Any],
               run_dir: Path) -> dict[str, Any]:
    """Run the search, save ``search.json``; the row's search columns."""
    result = _call(function, verifier, g, **options)
    write_json(run_dir / SEARCH_FILE, _as_dict(result))
    found = _get(result, "disagreements") or []
    first = found[0] if found else None
    word = _get(first, "word") if first is not None else None
    columns = {
        "counterexample": None if word is None else word_text(word),
        "counterexample_length": None if first is None else _get(first, "length"),
        "search_disagreements": _get(result, "n_disagreements"),
    }
    # Whether it is the shortest there is: a search the budget stopped may not know.
    proven = _get(result, "shortest_proven")
    if proven is not None:
        columns["counterexample_shortest"] = None if first is None else bool(proven)
    return columns


def run_extract(function: Any, verifier: Any, g: Any, options: dict[str, Any],
                run_dir: Path) -> dict[str, Any]:
    """Run the extraction, save ``extract.json`` (and the automaton); the row's columns."""
    result = _call(function, verifier, g, **options)
    write_json(run_dir / EXTRACT_FILE, _as_dict(result))
    extracted = _get(result, "grammar", "automaton", "extracted")
    states = None
    if extracted is not None and hasattr(extracted, "dfa") and hasattr(extracted, "to_json"):
        atomic_write(run_dir / EXTRACTED_GRAMMAR, extracted.to_json().encode("utf-8"))
        states = int(extracted.dfa.n_states)
    verdict = _get(result, "verdict")
    return {"verdict": None if verdict is None else str(verdict), "extracted_states": states}
