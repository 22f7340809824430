"""A suite's results: one row per run, written as CSV and JSON, and the summary.

Columns (:data:`COLUMNS`), in order: the run and its grammar (label, minimal
DFA size, alphabet size), the model (name, cell, hidden size, recipe and the
MLRegTest size its data follows, if any) and seed, the accuracy on the four
test sets of :func:`neural.compare`, then, where a run has them, on
MLRegTest's own four (:data:`~neural.suite.mlregtest.MLREGTEST_COLUMNS`:
``acc_SR``, ``acc_LR``, ``acc_SA``, ``acc_LA``), the accuracy over
:func:`neural.compare`'s sets, the samples and seconds of training (the
training time, data drawing aside) and whether the target was reached, the
shortest disagreement the test sets found, and the status (``ok`` or why the
run could not train).
The columns of the judges that ran follow, in the order of
:data:`~neural.suite.judges.JUDGES` (:data:`SEARCH_COLUMNS`,
:data:`EXTRACT_COLUMNS`, then the certificate's verdict).

Rows written before ``"agrees"`` had its name say ``"equivalent"``;
:func:`read_row` reads them with today's name.

The summary averages accuracy per model against the minimal DFA's size and
against the alphabet's size.

Examples
--------
>>> rows = [{"model": "gru-8", "dfa_states": 3, "alphabet_size": 2, "accuracy": 1.0,
...          "reached_target": True, "status": "ok"},
...         {"model": "gru-8", "dfa_states": 3, "alphabet_size": 4, "accuracy": 0.5,
...          "reached_target": False, "status": "ok"}]
>>> summary = summarize(rows)
>>> summary["gru-8"]["by_dfa_states"]["3"]
{'runs': 2, 'accuracy': 0.75, 'reached_target': 0.5}
>>> print(csv_text(rows, ["model", "accuracy"]), end="")
model,accuracy
gru-8,1.0
gru-8,0.5
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from neural.checkpoint import CheckpointError, atomic_write, read_json, write_json
from neural.judge.common import percent, read_verdict
from neural.suite.judges import JUDGES
from neural.suite.mlregtest import MLREGTEST_COLUMNS

__all__ = [
    "COLUMNS", "SEARCH_COLUMNS", "EXTRACT_COLUMNS", "RESULTS_CSV", "RESULTS_JSON", "SUMMARY_JSON",
    "columns_of", "csv_text", "write_results", "read_results", "read_row", "summarize",
    "summary_text",
]

RESULTS_CSV = "results.csv"
RESULTS_JSON = "results.json"
SUMMARY_JSON = "summary.json"

SET_COLUMNS = ("acc_short_random", "acc_long_random", "acc_short_adversarial",
               "acc_long_adversarial")
COLUMNS = (
    "run", "grammar", "dfa_states", "alphabet_size", "model", "cell", "hidden", "recipe", "size",
    "seed", *SET_COLUMNS, "accuracy", "samples", "seconds", "reached_target", "stopped",
    "shortest_disagreement", "status",
)
#: From :func:`neural.search`, where the spec asks for it.
SEARCH_COLUMNS = JUDGES["search"].columns
#: From :func:`neural.extract`, likewise.
EXTRACT_COLUMNS = JUDGES["extract"].columns


def columns_of(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """:data:`COLUMNS`, with MLRegTest's set columns after :func:`neural.compare`'s where some
    row holds them, then the columns of each judge that some row holds.

    Examples
    --------
    >>> columns_of([{"verdict": "agrees"}])[-2:]
    ['verdict', 'extracted_states']
    >>> columns = columns_of([{"acc_SR": 1.0}])
    >>> columns[columns.index("acc_long_adversarial") + 1:][:5]
    ['acc_SR', 'acc_LR', 'acc_SA', 'acc_LA', 'accuracy']
    """
    present = set().union(*(row.keys() for row in rows)) if rows else set()
    columns = list(COLUMNS)
    if present & set(MLREGTEST_COLUMNS):
        at = columns.index(SET_COLUMNS[-1]) + 1
        columns[at:at] = MLREGTEST_COLUMNS
    for judge in JUDGES.values():
        if present & set(judge.columns):
            columns += judge.columns
    return columns


def read_row(row: dict[str, Any]) -> dict[str, Any]:
    """`row` as read from a saved suite, its verdicts under today's names.

    Examples
    --------
    >>> read_row({"verdict": "equivalent", "accuracy": 1.0})
    {'verdict': 'agrees', 'accuracy': 1.0}
    """
    for judge in JUDGES.values():
        for column in judge.columns:
            if column.endswith("verdict") and column in row:
                row[column] = read_verdict(row[column])
    return row


def _cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return value


def csv_text(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """The rows as CSV text with a header; missing and non-finite values are empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buffer.getvalue()


def write_results(out: str | os.PathLike, name: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Atomically write ``results.csv``, ``results.json`` and ``summary.json`` into `out`."""
    out = Path(out)
    columns = columns_of(rows)
    atomic_write(out / RESULTS_CSV, csv_text(rows, columns).encode("utf-8"))
    write_json(out / RESULTS_JSON, {"suite": name, "columns": columns, "rows": list(rows)})
    write_json(out / SUMMARY_JSON, {"suite": name, "models": summarize(rows)})


def read_results(out: str | os.PathLike) -> dict[str, Any]:
    """``results.json`` of suite directory `out`: ``suite``, ``columns`` and ``rows``.

    Raises
    ------
    CheckpointError
        Naming the file when it is missing or corrupt, or a row is not an object.
    """
    data = read_json(Path(out) / RESULTS_JSON)
    if not isinstance(data.get("rows"), list) or not isinstance(data.get("columns"), list):
        raise CheckpointError(f"{Path(out) / RESULTS_JSON}: needs the lists 'columns' and 'rows'")
    for k, row in enumerate(data["rows"]):
        if not isinstance(row, dict):
            raise CheckpointError(f"{Path(out) / RESULTS_JSON}: rows[{k}] must be an object, "
                                  f"not {type(row).__name__}")
        read_row(row)
    return data


def _group(rows: Iterable[Mapping[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    groups: dict[Any, list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row.get(key), []).append(row)
    out = {}
    for value in sorted(groups, key=lambda v: (v is None, v)):
        members = groups[value]
        scored = [r["accuracy"] for r in members if isinstance(r.get("accuracy"), (int, float))
                  and math.isfinite(r["accuracy"])]
        out[str(value)] = {
            "runs": len(members),
            "accuracy": sum(scored) / len(scored) if scored else None,
            "reached_target": sum(bool(r.get("reached_target")) for r in members) / len(members),
        }
    return out


def summarize(rows: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Mean accuracy and the share of runs that reached the target, per model,
    against the minimal DFA's size and against the alphabet's size."""
    by_model: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        by_model.setdefault(str(row.get("model")), []).append(row)
    return {model: {"runs": len(members),
                    "by_dfa_states": _group(members, "dfa_states"),
                    "by_alphabet_size": _group(members, "alphabet_size")}
            for model, members in by_model.items()}


def summary_text(summary: Mapping[str, Any]) -> str:
    """The summary as a short text table, one block per model.

    Examples
    --------
    >>> print(summary_text(summarize([{"model": "m", "dfa_states": 3, "alphabet_size": 2,
    ...                                "accuracy": 0.9, "reached_target": True}])))
    model m (1 runs)
      DFA states    3: accuracy 90.00%, reached target 100% (1 runs)
      alphabet      2: accuracy 90.00%, reached target 100% (1 runs)
    """
    lines = []
    for model, data in summary.items():
        lines.append(f"model {model} ({data['runs']} runs)")
        for title, key in (("DFA states", "by_dfa_states"), ("alphabet", "by_alphabet_size")):
            for value, cell in data[key].items():
                acc = percent(cell["accuracy"])
                lines.append(f"  {title:<10}{value:>5}: accuracy {acc}, reached target "
                             f"{100 * cell['reached_target']:.0f}% ({cell['runs']} runs)")
    return "\n".join(lines)

