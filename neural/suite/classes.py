"""The table by MLRegTest class: mean accuracy on SR, LR, SA and LA, and the verdicts, per class.

MLRegTest's file names read ``Sigma.Tau.Class.k.t.i`` (``04.03.TLT.4.1.9``:
see ``suites/mlregtest/README.md``); :func:`grammar_class` reads the class
from a grammar's label. :func:`class_table` groups a suite's rows by class,
recipe, cell and size, and gives for each group:

- ``languages`` (distinct grammars) and ``runs`` (rows; ``trained``: those
  with status ``ok``);
- the mean accuracy on each of the benchmark's test sets
  (:data:`~neural.suite.mlregtest.MLREGTEST_COLUMNS`, over the runs that have
  it; None where none has);
- how many networks are ``proved``, ``counterexample``, ``agrees`` and
  ``undecided`` (:func:`network_verdict`);
- ``seconds``: the mean training time per language, in seconds.

A group with class ``"all"`` follows the classes of each recipe, cell and
size. :func:`class_blocks` lays the groups out as the tables
:func:`class_markdown` prints and the report page shows: one table per size
and cell, one row per class, the recipes side by side.

Examples
--------
>>> rows = [
...     {"grammar": "04.04.SL.2.1.0", "recipe": "default", "cell": "gru", "size": "small",
...      "status": "ok", "acc_SR": 1.0, "acc_LR": 1.0, "seconds": 2.0, "verdict": "agrees"},
...     {"grammar": "04.04.SL.4.1.1", "recipe": "default", "cell": "gru", "size": "small",
...      "status": "ok", "acc_SR": 0.5, "acc_LR": 1.0, "seconds": 4.0, "verdict": "undecided"}]
>>> sl, everything = class_table(rows)
>>> sl["class"], sl["languages"], sl["acc_SR"], sl["acc_LA"], sl["seconds"]
('SL', 2, 0.75, None, 3.0)
>>> sl["agrees"], sl["counterexample"], everything["class"]
(1, 1, 'all')
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from neural.judge.common import VERDICTS, percent, read_verdict
from neural.suite.mlregtest import MLREGTEST_COLUMNS

__all__ = ["MLREGTEST_CLASSES", "ALL", "OTHER", "grammar_class", "network_verdict",
           "class_table", "class_blocks", "class_markdown"]

#: MLRegTest's 13 classes, in the order of its README (local, piecewise, tier-based, ...).
MLREGTEST_CLASSES = ("SL", "SP", "TSL", "LT", "PT", "PLT", "TLT", "TPLT", "LTT", "TLTT", "SF",
                     "Zp", "Reg")
#: The class of the group that holds every language.
ALL = "all"
#: The class of a grammar whose label is not an MLRegTest file name.
OTHER = "other"
_SIZES = ("small", "mid", "large")
_NAME = re.compile(r"^\d+\.\d+\.([A-Za-z]+)\.")
# The judges' verdict columns (neural.suite.judges): extract's, then certify's.
_VERDICT_COLUMNS = ("verdict", "certify_verdict")
_TEST_COLUMNS = ("acc_short_random", "acc_long_random", "acc_short_adversarial",
                 "acc_long_adversarial", *MLREGTEST_COLUMNS)


def grammar_class(label: Any) -> str | None:
    """The MLRegTest class in a grammar's label (its third dot-separated field), or None.

    Examples
    --------
    >>> grammar_class("04.03.TLT.4.1.9"), grammar_class("64.64.Zp.3.1.5"), grammar_class("parity")
    ('TLT', 'Zp', None)
    """
    found = _NAME.match(label) if isinstance(label, str) else None
    return found.group(1) if found else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def network_verdict(row: Mapping[str, Any]) -> str | None:
    """What a run's judges and test sets say of its network, in one of :data:`VERDICTS`.

    ``"proved"`` when the certificate proved it; else ``"counterexample"``
    when any judge found a word it gets wrong (the certificate, the
    extraction, or the search: its ``counterexample`` column) or any test set
    holds one (an accuracy below 1); else ``"agrees"`` when a judge checked
    and found none (the extraction's ``agrees``, a search with no
    disagreement); else ``"undecided"`` (no judge ran, or none decided).
    None for a run that did not train.

    Examples
    --------
    >>> network_verdict({"status": "ok", "certify_verdict": "proved", "acc_SR": 1.0})
    'proved'
    >>> network_verdict({"status": "ok", "verdict": "agrees", "acc_LA": 0.99})
    'counterexample'
    >>> network_verdict({"status": "ok", "counterexample": None, "search_disagreements": 0})
    'agrees'
    >>> network_verdict({"status": "ok", "acc_SR": 1.0}), network_verdict({"status": "not trained"})
    ('undecided', None)
    """
    if row.get("status") != "ok":
        return None
    said = [read_verdict(row.get(column)) for column in _VERDICT_COLUMNS]
    if "proved" in said:
        return "proved"
    scores = [_number(row.get(column)) for column in _TEST_COLUMNS]
    wrong = any(score is not None and score < 1.0 for score in scores)
    if "counterexample" in said or row.get("counterexample") is not None or wrong:
        return "counterexample"
    if "agrees" in said or row.get("search_disagreements") == 0:
        return "agrees"
    return "undecided"


def _mean(values: Iterable[Any]) -> float | None:
    numbers = [v for v in map(_number, values) if v is not None]
    return sum(numbers) / len(numbers) if numbers else None


def _class_order(name: str) -> tuple[int, str]:
    if name in MLREGTEST_CLASSES:
        return MLREGTEST_CLASSES.index(name), ""
    return len(MLREGTEST_CLASSES) + (name == OTHER) + 2 * (name == ALL), name


def _size_order(size: Any) -> tuple[int, str]:
    return (_SIZES.index(size), "") if size in _SIZES else (len(_SIZES), str(size))


def _group(name: str, key: tuple[Any, Any, Any], rows: list[Mapping[str, Any]]) -> dict[str, Any]:
    recipe, cell, size = key
    trained = [r for r in rows if r.get("status") == "ok"]
    verdicts = [network_verdict(r) for r in trained]
    record: dict[str, Any] = {
        "class": name, "recipe": recipe, "cell": cell, "size": size,
        "languages": len({r.get("grammar") for r in rows}), "runs": len(rows),
        "trained": len(trained),
    }
    record.update({column: _mean(r.get(column) for r in trained) for column in MLREGTEST_COLUMNS})
    record.update({verdict: verdicts.count(verdict) for verdict in VERDICTS})
    record["seconds"] = _mean(r.get("seconds") for r in trained)
    return record


def class_table(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One record per MLRegTest class x recipe x cell x size of a suite's `rows`.

    Parameters
    ----------
    rows : iterable of mapping
        A suite's rows (:func:`neural.suite.read_results`' ``rows``).

    Returns
    -------
    list of dict
        Keys ``class``, ``recipe``, ``cell``, ``size``, ``languages``,
        ``runs``, ``trained``, the accuracies ``acc_SR``, ``acc_LR``,
        ``acc_SA`` and ``acc_LA`` (means; None where no run has one), the
        verdict counts ``proved``, ``counterexample``, ``agrees`` and
        ``undecided``, and ``seconds`` (mean training seconds per run). In
        the order of size (small, mid, large), class (:data:`MLREGTEST_CLASSES`,
        then any other, then :data:`OTHER`, then :data:`ALL`), recipe and
        cell. A grammar that is not named like an MLRegTest file is of class
        :data:`OTHER`; a row without a size, recipe or cell has None there.
    """
    groups: dict[tuple[Any, ...], list[Mapping[str, Any]]] = {}
    for row in rows:
        key = (row.get("recipe"), row.get("cell"), row.get("size"))
        groups.setdefault((grammar_class(row.get("grammar")) or OTHER, *key), []).append(row)
        groups.setdefault((ALL, *key), []).append(row)
    records = [_group(name, key, members) for (name, *key), members in groups.items()]
    records.sort(key=lambda r: (_size_order(r["size"]), _class_order(r["class"]),
                                str(r["recipe"]), str(r["cell"])))
    return records


def class_blocks(records: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """:func:`class_table`'s records as tables: one per size and cell, a row per class.

    Returns
    -------
    list of dict
        Each with ``size``, ``cell``, ``recipes`` (sorted) and ``rows``: one
        per class, with ``class``, ``languages`` and ``by_recipe`` (recipe ->
        its record, absent where the class has no run of that recipe).

    Examples
    --------
    >>> records = class_table([{"grammar": "04.04.SL.2.1.0", "recipe": r, "cell": "gru",
    ...                         "size": "small", "status": "ok"} for r in ("mlregtest", "default")])
    >>> [(b["size"], b["cell"], b["recipes"], [r["class"] for r in b["rows"]])
    ...  for b in class_blocks(records)]
    [('small', 'gru', ['default', 'mlregtest'], ['SL', 'all'])]
    """
    blocks: dict[tuple[Any, Any], dict[str, Any]] = {}
    for record in records:
        block = blocks.setdefault((record["size"], record["cell"]), {
            "size": record["size"], "cell": record["cell"], "recipes": set(), "rows": {}})
        block["recipes"].add(record["recipe"])
        line = block["rows"].setdefault(record["class"], {
            "class": record["class"], "languages": 0, "by_recipe": {}})
        line["languages"] = max(line["languages"], record["languages"])
        line["by_recipe"][record["recipe"]] = record
    ordered = sorted(blocks.values(), key=lambda b: (_size_order(b["size"]), str(b["cell"])))
    for block in ordered:
        block["recipes"] = sorted(block["recipes"], key=str)
        block["rows"] = sorted(block["rows"].values(), key=lambda r: _class_order(r["class"]))
    return ordered


def _verdicts(record: Mapping[str, Any] | None) -> str:
    if record is None:
        return "–"
    return " / ".join(str(record[verdict]) for verdict in VERDICTS)


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


def class_markdown(records: Sequence[Mapping[str, Any]]) -> str:
    """:func:`class_table`'s records as Markdown: a table per size and cell, a row per class.

    Each recipe has the columns SR, LR, SA and LA (mean accuracy), the
    verdicts (proved / counterexample / agrees / undecided: how many
    networks) and s (mean training seconds per language).

    Examples
    --------
    >>> print(class_markdown(class_table([{"grammar": "04.04.Zp.2.1.0", "recipe": "default",
    ...     "cell": "gru", "size": "small", "status": "ok", "acc_SR": 1.0, "seconds": 1.5}])))
    ### Size small, gru
    <BLANKLINE>
    | class | languages | default SR | default LR | ... | default verdicts | default s |
    |---|---|---|---|---|---|---|---|
    | Zp | 1 | 100.00% | – | – | – | 0 / 0 / 0 / 1 | 1.5 |
    | all | 1 | 100.00% | – | – | – | 0 / 0 / 0 / 1 | 1.5 |
    <BLANKLINE>
    Verdicts: how many networks are proved / counterexample / agrees / undecided.
    s: the mean training seconds per language.
    """
    parts = []
    for block in class_blocks(records):
        parts.append(f"### Size {block['size'] or '–'}, {block['cell'] or '–'}\n")
        header = ["class", "languages"]
        for recipe in block["recipes"]:
            header += [f"{recipe} {name}" for name in ("SR", "LR", "SA", "LA")]
            header += [f"{recipe} verdicts", f"{recipe} s"]
        lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
        for row in block["rows"]:
            cells = [str(row["class"]), str(row["languages"])]
            for recipe in block["recipes"]:
                record = row["by_recipe"].get(recipe)
                cells += [percent(None if record is None else record[c], missing="–")
                          for c in MLREGTEST_COLUMNS]
                cells += [_verdicts(record), _seconds(None if record is None else
                                                      record["seconds"])]
            lines.append("| " + " | ".join(cells) + " |")
        parts.append("\n".join(lines) + "\n")
    parts.append(f"Verdicts: how many networks are {' / '.join(VERDICTS)}.\n"
                 "s: the mean training seconds per language.")
    return "\n".join(parts)
