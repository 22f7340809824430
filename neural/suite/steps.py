"""Running a judge in a suite run: its result saved whole, and its columns of the row.

:func:`run_judge` calls a :class:`~neural.suite.judges.Judge` of
:data:`~neural.suite.judges.JUDGES`, saves its whole result as
``<name>.json`` in the run's directory (``search.json``, ``extract.json``,
``certify.json``; the report page shows them) and returns the columns it
adds to the row: for the search, the shortest counterexample it found,
whether every shorter word was checked (a search the budget stopped may have
missed a shorter one) and how many it found; for the extraction, its
verdict and the size of the automaton it extracted (saved as
``extracted.json``); for the certificate, its verdict.

Examples
--------
>>> plain({"a": (1, 2), "b": {3}})
{'a': [1, 2], 'b': '{3}'}
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from neural.checkpoint import write_json
from neural.suite.judges import EXTRACTED_GRAMMAR, JUDGES, Judge

__all__ = ["plain", "run_judge", "run_search", "run_extract", "SEARCH_FILE", "EXTRACT_FILE",
           "EXTRACTED_GRAMMAR"]

SEARCH_FILE = JUDGES["search"].file
EXTRACT_FILE = JUDGES["extract"].file


def plain(value: Any) -> Any:
    """`value` as JSON-able data: dicts, lists, str, numbers, bools, None."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return str(value)  # a Verdict is its name
    if value is None or isinstance(value, (int, bool)):
        return value
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return plain(value.item())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return str(value)


def run_judge(judge: Judge, verifier: Any, g: Any, options: Mapping[str, Any],
              run_dir: Path) -> dict[str, Any]:
    """Run `judge` on the verifier, save ``<name>.json`` in `run_dir`; its columns of the row."""
    result = judge.run(verifier, g, options)
    write_json(run_dir / judge.file, plain(result.to_dict()))
    return judge.row(result, run_dir)


def _deprecated(judge: Judge, function: Callable[..., Any], verifier: Any, g: Any,
                options: Mapping[str, Any], run_dir: Path) -> dict[str, Any]:
    warnings.warn(f"run_{judge.name} is deprecated; use run_judge(JUDGES[{judge.name!r}], ...)",
                  DeprecationWarning, stacklevel=3)
    own = dataclasses.replace(judge, run=lambda v, grammar, given: function(
        v, grammar, progress=False, **given))
    return run_judge(own, verifier, g, options, run_dir)


def run_search(function: Callable[..., Any], verifier: Any, g: Any, options: dict[str, Any],
               run_dir: Path) -> dict[str, Any]:
    """Deprecated: :func:`run_judge` with ``JUDGES["search"]``, calling `function` instead."""
    return _deprecated(JUDGES["search"], function, verifier, g, options, run_dir)


def run_extract(function: Callable[..., Any], verifier: Any, g: Any, options: dict[str, Any],
                run_dir: Path) -> dict[str, Any]:
    """Deprecated: :func:`run_judge` with ``JUDGES["extract"]``, calling `function` instead."""
    return _deprecated(JUDGES["extract"], function, verifier, g, options, run_dir)
