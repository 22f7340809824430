"""What the page shows, gathered from a suite or a training directory.

Everything here is plain data (dicts, lists, str, numbers) for the template,
which escapes it; only the SVG drawn by Graphviz and matplotlib is passed as
markup. A training directory is one verifier: its comparison, ``report.json``
(written by the suite runner), when present, otherwise a fresh
:func:`neural.compare`. A
suite directory is its ``results.json`` and one section per finished run,
with, when its runs were scored on MLRegTest's test sets, the table by class
(:func:`class_view`).

Examples
--------
>>> from grammar import library
>>> parts = highlighted(library.reber(), "BTXXE")
>>> parts["before"], parts["at"], parts["after"]
('BTXX', 'E', '')
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from markupsafe import Markup

from grammar import Grammar
from grammar.display import dfa_dot, svg_of_dot, too_large_to_draw
from grammar.words import word_text
from neural.checkpoint import CONFIG, CheckpointError, read_json
from neural.judge.common import OLD_VERDICTS, VERDICTS, percent, read_verdict
from neural.page.checks import check_comparison
from neural.page.plots import accuracy_by_length_svg, summary_svg

__all__ = ["suite_view", "class_view", "training_view", "verifier_view", "highlighted",
           "dfa_view", "is_suite", "cell", "judged"]

# Live states up to which the transition table stands in for a drawing.
_TABLE_STATES = 60
_UNSAFE_SVG = re.compile(r"<script|<foreignObject|\son[a-z]+\s*=|javascript:", re.IGNORECASE)
_SET_NAMES = ("short_random", "long_random", "short_adversarial", "long_adversarial")


def is_suite(directory: str | os.PathLike) -> bool:
    """Whether `directory` is a suite directory (it holds ``suite.json``)."""
    from neural.suite import MANIFEST

    return (Path(directory) / MANIFEST).is_file()


def _trusted_svg(svg: str | None) -> Markup | None:
    # Graphviz and matplotlib escape every text they draw; this check is a second lock.
    if svg is None or _UNSAFE_SVG.search(svg):
        return None
    return Markup(svg)


def _unsafe_note(alphabet: Any) -> str:
    """Why a drawing was left out: it held text that a browser could run."""
    symbols = [s for s in alphabet if _UNSAFE_SVG.search(f" {s}")]
    held = (f"the symbol{'s' if len(symbols) > 1 else ''} {', '.join(map(repr, symbols))}"
            if symbols else "a label")
    return (f"the drawing is left out: {held} holds script-like text (such as javascript:) "
            "that the page does not embed; the transition table stands in")


def dfa_view(g: Grammar, cache: dict[str, Any] | None = None) -> dict[str, Any]:
    """The grammar's minimal DFA: an SVG drawing, or a transition table, or a note.

    Returns
    -------
    dict
        ``svg`` (markup or None), ``table`` (rows of the fallback table or
        None), ``note`` (why there is no drawing), ``states`` and ``symbols``.
    """
    if cache is not None and g.fingerprint in cache:
        return cache[g.fingerprint]
    dfa = g.dfa
    view: dict[str, Any] = {"svg": None, "table": None, "note": None,
                            "states": int(dfa.n_states), "symbols": list(dfa.alphabet)}
    reason = too_large_to_draw(dfa)
    if reason is None:
        try:
            drawn = svg_of_dot(dfa_dot(dfa))
        except RuntimeError as err:
            drawn, reason = None, str(err)
        view["svg"] = _trusted_svg(drawn)
        if drawn is None and reason is None:
            reason = "Graphviz's dot is not installed: the transition table stands in"
        elif view["svg"] is None and reason is None:
            reason = _unsafe_note(dfa.alphabet)
    view["note"] = reason
    live = dfa.live
    shown = [s for s in range(dfa.n_states) if live[s] or s == dfa.start]
    if view["svg"] is None and len(shown) <= _TABLE_STATES:
        view["table"] = [{
            "state": s, "start": s == dfa.start, "accepting": bool(dfa.accepting[s]),
            "targets": [int(t) if live[t] else None for t in dfa.table[s]],
        } for s in shown]
    if cache is not None:
        cache[g.fingerprint] = view
    return view


def highlighted(g: Grammar, word: Any) -> dict[str, Any]:
    """`word` cut around the position where the automaton rejects it.

    ``before``, ``at`` and ``after`` are text; ``at`` is None for a member
    and for a word that ended too early (then ``ended_early`` is True).
    """
    symbols = g.symbols_of(word)
    why = g.explain(word)
    join = "" if g.single_char else " "
    p = why.position
    if why.accepted or p is None or p >= len(symbols):
        return {"before": join.join(symbols), "at": None, "after": "",
                "ended_early": bool(why.ended_early), "position": p}
    return {"before": join.join(symbols[:p]), "at": symbols[p],
            "after": join.join(symbols[p + 1:]), "ended_early": False, "position": p}


def _disagreements(g: Grammar, comparison: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for d in comparison.get("disagreements", []):
        word = d["word"] if isinstance(d["word"], str) else tuple(d["word"])
        made_by = d.get("made_by")
        rows.append({**highlighted(g, word), "length": d["length"], "set": d["set"],
                     "kind": d["kind"], "made_by": made_by if made_by != d["kind"] else None,
                     "member": d["member"], "probability": d["probability"],
                     "explanation": d["explanation"], "empty": len(g.symbols_of(word)) == 0})
    return rows


def judged(data: dict[str, Any]) -> tuple[str | None, str]:
    """The verdict and its line of a judge's saved result, as today's names say them.

    Results saved before ``"agrees"`` had its name said ``"equivalent"``, and
    a search's said its whole line under ``verdict``.

    Examples
    --------
    >>> judged({"verdict": "equivalent", "summary": "equivalent: the automaton equals it"})
    ('agrees', 'agrees: the automaton equals it')
    >>> judged({"verdict": "verdict: the network agrees with the automaton on all 7 words"})
    (None, 'the network agrees with the automaton on all 7 words')
    """
    verdict = read_verdict(data.get("verdict"))
    summary = data.get("summary") or data.get("verdict") or ""
    if not isinstance(summary, str):
        summary = str(summary)
    summary = summary.removeprefix("verdict: ")
    for old, new in OLD_VERDICTS.items():
        if summary.startswith(f"{old}:"):
            summary = f"{new}:{summary[len(old) + 1:]}"
    return (verdict if verdict in VERDICTS else None), summary


def _optional_json(path: Path) -> dict[str, Any] | None:
    try:
        return read_json(path) if path.is_file() else None
    except CheckpointError:
        return None


def verifier_view(g: Grammar, comparison: dict[str, Any], run_dir: Path | None, *,
                  anchor: str, title: str, row: dict[str, Any] | None = None,
                  metrics: dict[str, Any] | None = None,
                  cache: dict[str, Any] | None = None) -> dict[str, Any]:
    """One verifier's section: DFA, accuracy by length, tables, disagreements, verdict."""
    from neural.suite.judges import JUDGES

    sets = [{"name": name.replace("_", " "), **comparison["sets"][name]} for name in _SET_NAMES
            if name in comparison.get("sets", {})]
    kinds = [{"kind": k, **v} for k, v in comparison.get("by_kind", {}).items()]
    view = {
        "anchor": anchor, "title": title, "grammar": g.name or "grammar",
        "description": g.description, "alphabet": list(g.alphabet), "row": row,
        "single_char": g.single_char,
        "metrics": metrics or {}, "dfa": dfa_view(g, cache),
        "accuracy_svg": _trusted_svg(accuracy_by_length_svg(
            comparison.get("by_length", {}), comparison.get("train_lengths", (0, 0)),
            gid=f"{anchor}-accuracy")),
        "train_lengths": comparison.get("train_lengths"),
        "long_lengths": comparison.get("long_lengths"),
        "accuracy": comparison.get("accuracy"), "sets": sets, "kinds": kinds,
        "disagreements": _disagreements(g, comparison),
        "n_disagreements": comparison.get("n_disagreements", 0),
        "judges": [], "missing": None,
    }
    for judge in JUDGES.values() if run_dir is not None else ():
        data = _optional_json(run_dir / judge.file)
        if data is None and judge.command_file is not None:
            data = _optional_json(run_dir / judge.command_file)
        if data is None:
            continue
        verdict, summary = judged(data)
        drawing = None
        if judge.drawing is not None and (run_dir / judge.drawing).is_file():
            try:
                drawing = dfa_view(Grammar.from_json(str(run_dir / judge.drawing)))
            except (ValueError, OSError):
                drawing = None
        picture = _picture(judge.picture, run_dir, data) if verdict == "proved" else None
        view["judges"].append({"name": judge.name, "title": judge.title, "verdict": verdict,
                               "summary": summary, "drawing": drawing,
                               "drawing_title": judge.drawing_title, "picture": picture,
                               "picture_title": judge.picture_title})
    return view


def _picture(name: str | None, run_dir: Path, data: dict[str, Any]) -> Markup | None:
    """A proved run's picture: the saved one, else drawn from the certificate and weights."""
    if name is None:
        return None
    try:
        if (run_dir / name).is_file():
            return _trusted_svg((run_dir / name).read_text(encoding="utf-8"))
        from neural.judge.certify.picture import proof_svg_from_files

        return _trusted_svg(proof_svg_from_files(run_dir, data))
    except (OSError, ValueError, KeyError, TypeError):  # a damaged file: the verdict alone
        return None


def _grammar_of(directory: Path, config: dict[str, Any], name: str | None) -> Grammar:
    from grammar.cli_shared import load_grammar
    from grammar.errors import GrammarError
    from neural.suite import GRAMMAR_FILE

    if name:
        return load_grammar(name)
    if (directory / GRAMMAR_FILE).is_file():
        return Grammar.from_json(str(directory / GRAMMAR_FILE))
    recorded = config.get("grammar") or {}
    where = recorded.get("source") or recorded.get("name")
    if not where:
        raise GrammarError(f"{directory / CONFIG} names no grammar; pass --grammar NAME")
    return load_grammar(where)


def training_view(directory: str | os.PathLike, *, n_per_set: int = 2000,
                  grammar: str | None = None, device: str = "cpu") -> dict[str, Any]:
    """The page's data for one training directory."""
    from neural.suite import COMPARISON_FILE

    directory = Path(directory)
    config = read_json(directory / CONFIG)
    g = _grammar_of(directory, config, grammar)
    comparison = _optional_json(directory / COMPARISON_FILE) if grammar is None else None
    if comparison is not None:
        check_comparison(comparison, directory / COMPARISON_FILE)
    if comparison is None:
        from neural.judge.compare import compare
        from neural.verifier import Verifier

        verifier = Verifier.load(directory, device=device)
        comparison = compare(verifier, g, n_per_set=n_per_set).to_dict()
    metrics = config.get("metrics") if isinstance(config.get("metrics"), dict) else {}
    view = verifier_view(g, comparison, directory, anchor="run", title=g.name or directory.name,
                         metrics=metrics)
    return {"kind": "verifier", "title": f"Verifier for {g.name or directory.name}",
            "runs": [view], "rows": [], "columns": [], "summary": []}


def suite_view(directory: str | os.PathLike) -> dict[str, Any]:
    """The page's data for a suite directory: results table, summary plots, run sections."""
    from neural.suite import COMPARISON_FILE, GRAMMAR_FILE, RUNS, read_results

    directory = Path(directory)
    results = read_results(directory)
    rows, columns = results["rows"], [c for c in results["columns"] if c != "run"]
    cache: dict[str, Any] = {}
    runs = []
    for row in rows:
        run_dir = directory / RUNS / str(row.get("run"))
        anchor = "run-" + re.sub(r"[^A-Za-z0-9_-]", "_", str(row.get("run")))
        row["anchor"] = anchor
        comparison = _optional_json(run_dir / COMPARISON_FILE)
        if comparison is not None:
            check_comparison(comparison, run_dir / COMPARISON_FILE)
        if comparison is None or not (run_dir / GRAMMAR_FILE).is_file():
            runs.append({"anchor": anchor, "title": row.get("grammar"), "row": row,
                         "missing": row.get("status") or "no report"})
            continue
        g = Grammar.from_json(str(run_dir / GRAMMAR_FILE))
        runs.append(verifier_view(g, comparison, run_dir, anchor=anchor,
                                  title=f"{row.get('grammar')} / {row.get('model')} / seed "
                                  f"{row.get('seed')}", row=row, cache=cache))
    models = sorted({str(r.get("model")) for r in rows})
    summary = [
        {"title": "Accuracy against minimal DFA size", "svg": _trusted_svg(summary_svg(
            rows, "dfa_states", "states of the minimal DFA", gid="summary-states",
            log=_spread(rows, "dfa_states")))},
        {"title": "Accuracy against alphabet size", "svg": _trusted_svg(summary_svg(
            rows, "alphabet_size", "symbols in the alphabet", gid="summary-alphabet",
            log=_spread(rows, "alphabet_size")))},
    ]
    return {"kind": "suite", "title": f"Suite {results.get('suite', directory.name)}",
            "rows": rows, "columns": columns, "runs": runs, "summary": summary,
            "models": models, "classes": class_view(rows)}


def class_view(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The table by MLRegTest class (:mod:`neural.suite.classes`) as the page shows it:
    one table per size and cell, a row per class, and per recipe the mean accuracy on SR, LR,
    SA and LA, the verdict counts and the mean training seconds. Empty when no run was scored
    on MLRegTest's test sets.

    Examples
    --------
    >>> (block,) = class_view([{"grammar": "04.04.SL.2.1.0", "recipe": "default", "cell": "gru",
    ...                         "size": "small", "status": "ok", "acc_SR": 0.5, "seconds": 2.0}])
    >>> [(r["class"], r["recipes"][0]["acc"][0], r["recipes"][0]["verdicts"])
    ...  for r in block["rows"]]
    [('SL', 0.5, [0, 1, 0, 0]), ('all', 0.5, [0, 1, 0, 0])]
    """
    from neural.suite.classes import class_blocks, class_table
    from neural.suite.mlregtest import MLREGTEST_COLUMNS

    if not any(row.get("acc_SR") is not None for row in rows):
        return []
    blocks = class_blocks(class_table(rows))
    for block in blocks:
        for line in block["rows"]:
            line["recipes"] = [None if record is None else {
                "acc": [record[column] for column in MLREGTEST_COLUMNS],
                "verdicts": [record[verdict] for verdict in VERDICTS],
                "seconds": record["seconds"]}
                for record in map(line["by_recipe"].get, block["recipes"])]
    return blocks


def _spread(rows: list[dict[str, Any]], key: str) -> bool:
    values = [r[key] for r in rows if isinstance(r.get(key), (int, float)) and r[key] > 0]
    return bool(values) and max(values) / min(values) >= 20


def cell(value: Any, column: str = "") -> str:
    """A results cell as text: accuracies as percentages, empty words as ε.

    Examples
    --------
    >>> cell(0.5, "accuracy"), cell(0.5, "seconds"), cell(None), cell("", "counterexample")
    ('50.00%', '0.5', '–', 'ε')
    """
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return percent(value) if column.startswith("acc") else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}" if column not in ("seed",) else str(value)
    return word_text(value) if not isinstance(value, str) else (value or "ε")
