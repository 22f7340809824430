"""Run a suite: train, compare (and search, extract, certify) every grammar x model x seed.

A suite directory holds ``suite.json`` (the spec's fingerprint and the planned
runs), the results (``results.csv``, ``results.json``, ``summary.json``; see
:mod:`neural.suite.results`) and one directory per run under ``runs/``: the
training checkpoint (:func:`neural.train`'s files), ``grammar.json`` (the
grammar, for the page), :data:`COMPARISON_FILE` (:func:`neural.compare`'s
:class:`~neural.judge.compare.Comparison`, in ``report.json``), the result of each judge the spec
asks for (``search.json``, ...; see :mod:`neural.suite.judges`) and, last,
``row.json``: the run's row of results. A run whose model has a ``size`` (the
MLRegTest protocol) is also scored on the benchmark's four test sets, kept
once per grammar and size under ``sets/``, and keeps those scores in
``mlregtest.json`` (:mod:`neural.suite.mlregtest`).

``row.json`` is written atomically after everything else, so a run is
finished exactly when its ``row.json`` exists. Rerunning the same command
after an interruption, ``kill -9`` included, skips the finished runs, picks
the interrupted one up from its last finished epoch, and rewrites the results
from every ``row.json``: no finished row is lost and no finished run is rerun.
A run whose grammar has changed since (a grammar file edited, see
:mod:`neural.suite.freshness`) is the exception: the runner says so, clears
its directory and runs it again.

A run that cannot train (a random language with almost no words, a
diverging loss) gets a row with the reason in ``status``, and the suite goes
on.

Several processes share a suite (:mod:`neural.suite.shards`): under
``torchrun`` each rank trains its own runs alone, on its own device, and
rank 0 waits for every row and writes the table; ``shard="i/n"`` runs part
i of n for job arrays, each part writing the table of the rows finished so
far. Either way the rows, and so the table, are those one process writes.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grammar.words import word_text
from neural import distributed as ranks
from neural.checkpoint import CheckpointError, atomic_write, read_json, write_json
from neural.suite.freshness import FINGERPRINT, clear_run, grammar_change, recorded_row
from neural.suite.judges import JUDGES, Judge
from neural.suite.mlregtest import mlregtest_row
from neural.suite.results import SET_COLUMNS, read_row, write_results
from neural.suite.shards import Part, announce, part_of, wait_for_rows
from neural.suite.spec import Run, SpecError, SuiteSpec
from neural.suite.steps import run_judge

__all__ = ["run_suite", "MANIFEST", "ROW", "RUNS", "GRAMMAR_FILE", "COMPARISON_FILE", "run_dirs"]

MANIFEST = "suite.json"
RUNS = "runs"
ROW = "row.json"
GRAMMAR_FILE = "grammar.json"
#: The run's comparison (:meth:`neural.Comparison.to_dict`). The file keeps the name it had
#: when "report" meant it too, so that the suite directories already written read as before.
COMPARISON_FILE = "report.json"
_FORMAT = "grammarlab-suite"


def __getattr__(name: str) -> Any:
    if name == "REPORT_FILE":  # the constant's old name
        warnings.warn(f"{__name__}.REPORT_FILE is deprecated; use COMPARISON_FILE (the same "
                      "file name)", DeprecationWarning, stacklevel=2)
        return COMPARISON_FILE
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run_dirs(out: str | os.PathLike) -> list[Path]:
    """The run directories of suite directory `out`, in run order."""
    runs = Path(out) / RUNS
    return sorted(p for p in runs.iterdir() if p.is_dir()) if runs.is_dir() else []


def _manifest(out: Path, spec: SuiteSpec, where: str) -> None:
    """Write ``suite.json``, or check that the one there is this spec's."""
    path = out / MANIFEST
    ids = [run.id for run in spec.runs]
    if path.exists():
        try:
            old = read_json(path)
        except CheckpointError as err:
            raise SpecError(f"{where}: {err}") from None
        if old.get("format") != _FORMAT:
            raise SpecError(f"{where}: {path} is not a grammarlab suite file; use a fresh --out")
        if old.get("fingerprint") != spec.fingerprint:
            changed = sorted(k for k in set(old.get("spec", {})) | set(spec.data)
                             if old.get("spec", {}).get(k) != spec.data.get(k))
            raise SpecError(
                f"{where}: {out} holds a suite run from another spec ({', '.join(changed) or 'a'}"
                " key differs); rerun that spec or use a fresh --out directory"
            )
        return
    # Another part of the suite may be writing the manifest this moment: its temp file is fine.
    if out.exists() and any(not (p.name.startswith(f".{MANIFEST}.") and p.name.endswith(".tmp"))
                            for p in out.iterdir()):
        raise SpecError(f"{where}: {out} exists and is not a suite directory; use a fresh --out")
    write_json(path, {"format": _FORMAT, "name": spec.name, "fingerprint": spec.fingerprint,
                      "spec": spec.data, "runs": ids})


def run_suite(
    spec: SuiteSpec,
    out: str | os.PathLike,
    *,
    device: str = "cpu",
    progress: bool = True,
    echo: Callable[[str], None] | None = None,
    shard: Part | str | None = None,
) -> list[dict[str, Any]]:
    """Run every run of `spec` not yet finished in `out`; return all rows, in run order.

    Parameters
    ----------
    spec : SuiteSpec
        From :func:`~neural.suite.spec.read_spec`.
    out : path-like
        The suite directory; created, or resumed when it holds this spec.
    device : str
        Where the networks train (``"cpu"``, ``"cuda"``, ``"auto"``).
    progress : bool
        One bar for the suite and one for the current run, on stderr when
        it is a terminal.
    echo : callable, optional
        Receives one line per finished run, and one per run run again because
        its grammar changed.
    shard : str or Part, optional
        ``"i/n"``: run only part i of n (runs i, i + n, ...) and return the
        rows finished so far, for job arrays without a launcher. Under
        ``torchrun`` the rank is the part (one device each, ``cuda:LOCAL_RANK``
        on GPUs) and rank 0 returns every row once all are finished.

    Raises
    ------
    SpecError
        When `out` holds a suite run from another spec.
    ValueError
        When `shard` is not ``i/n`` with 0 <= i < n, or is given under torchrun.

    Examples
    --------
    >>> import tempfile
    >>> from neural.suite.spec import parse_spec
    >>> spec = parse_spec('''
    ... [grammars]
    ... builtin = ["tomita-1"]
    ... [[models]]
    ... hidden = 4
    ... [train]
    ... n_examples = 100
    ... lengths = [0, 6]
    ... max_epochs = 1
    ... threads = 1
    ... [compare]
    ... n_per_set = 20
    ... ''')
    >>> with tempfile.TemporaryDirectory() as d:
    ...     rows = run_suite(spec, d, progress=False)
    ...     again = run_suite(spec, d, progress=False)      # nothing left to run
    >>> [r["grammar"] for r in rows], rows == again
    (['tomita-1'], True)
    """
    from tqdm.auto import tqdm

    out = Path(out)
    where = str(out)
    part, launched = part_of(shard)
    _manifest(out, spec, where)
    if launched:
        announce(out, part)
        device = _rank_device(device)
        progress = progress and part.index == 0
    runs = spec.runs
    mine = part.select(runs)
    rows: dict[str, dict[str, Any]] = {}
    _add_finished(out, runs, rows)
    if part.index == 0 or not launched:
        write_results(out, spec.name, [rows[r.id] for r in runs if r.id in rows])
    judges = [JUDGES[name] for name in spec.judges]
    bar = tqdm(total=len(mine), initial=sum(r.id in rows for r in mine), unit=" runs",
               desc=f"suite {spec.name}" + (f" (part {part})" if part.count > 1 else ""),
               disable=None if progress else True, position=0, dynamic_ncols=True)
    with bar:
        for run in mine:
            if run.id in rows:
                continue
            bar.set_postfix_str(f"{run.grammar.label} / {run.model.name} / seed {run.seed}")
            _clear_if_changed(run, out / RUNS / run.id, bar, echo)
            with ranks.single_process():  # each run trains alone, whatever torchrun says
                row = _execute(run, spec, out / RUNS / run.id, device, progress, judges)
            write_json(out / RUNS / run.id / ROW, row)  # the run's commit point
            rows[run.id] = row
            if part.count > 1:
                _add_finished(out, runs, rows)  # the other parts' rows too
            if part.index == 0 or not launched:
                write_results(out, spec.name, [rows[r.id] for r in runs if r.id in rows])
            bar.update(1)
            if echo is not None:
                line = (f"rank {part.index}: " if launched else "") + _line(len(rows), len(runs),
                                                                           row)
                if bar.disable:
                    echo(line)
                else:
                    bar.write(line, file=sys.stderr)
    if launched and part.index == 0:
        by_id = {r.id: r for r in runs}
        wait_for_rows([out / RUNS / r.id / ROW for r in runs], echo,
                      done=lambda path: _current_row(by_id[path.parent.name], path) is not None)
        _add_finished(out, runs, rows)
        write_results(out, spec.name, [rows[r.id] for r in runs])
    return [rows[r.id] for r in runs if r.id in rows]


def _add_finished(out: Path, runs: list[Run], rows: dict[str, dict[str, Any]]) -> None:
    """Add to `rows` (by run id) the rows of runs finished in `out` that it lacks
    (those made with a grammar that has changed since are not finished)."""
    for run in runs:
        if run.id not in rows:
            row = _current_row(run, out / RUNS / run.id / ROW)
            if row is not None:
                rows[run.id] = row


def _current_row(run: Run, row_path: Path) -> dict[str, Any] | None:
    """The run's row when it is finished with the grammar the spec gives now, else None."""
    row = recorded_row(row_path)
    if row is None or grammar_change(run.grammar.grammar, row_path,
                                     row_path.parent / GRAMMAR_FILE) is not None:
        return None
    return read_row(row)


def _clear_if_changed(run: Run, run_dir: Path, bar: Any,
                      echo: Callable[[str], None] | None) -> None:
    """Clear the directory of a run made (or begun) with another grammar, saying so."""
    row_path = run_dir / ROW
    why = grammar_change(run.grammar.grammar, row_path, run_dir / GRAMMAR_FILE)
    if why is None:
        return
    state = "finished" if row_path.exists() else "started"
    where = f" ({run.grammar.source})" if run.grammar.source else ""
    line = (f"{run.id}: grammar {run.grammar.label}{where} has changed since this run {state}"
            f" ({why}); running it again")
    clear_run(run_dir, row_path)
    if echo is not None:
        if bar.disable:
            echo(line)
        else:
            bar.write(line, file=sys.stderr)


def _rank_device(device: str) -> str:
    """This rank's device: its own GPU (``cuda:LOCAL_RANK``) when the suite runs on CUDA."""
    from neural.device import resolve_device

    if resolve_device(device).type == "cuda":
        return f"cuda:{ranks.local_rank()}"
    return device


def _line(done: int, total: int, row: dict[str, Any]) -> str:
    acc = row.get("accuracy")
    result = f"accuracy {100 * acc:.2f}%" if isinstance(acc, float) else row["status"]
    return (f"[{done}/{total}] {row['grammar']} / {row['model']} / seed {row['seed']}: {result}"
            f" ({row.get('samples') or 0} samples, {row.get('seconds') or 0:.1f} s)")


def _execute(run: Run, spec: SuiteSpec, run_dir: Path, device: str, progress: bool,
             judges: list[Judge]) -> dict[str, Any]:
    from neural.device import cpu_threads

    # The whole run on the spec's threads, scoring included: a row must not depend on how many
    # threads the process happened to have (a torchrun rank gets 1, an interpreter all cores).
    with cpu_threads(run.train_config().threads):
        return _train_and_score(run, spec, run_dir, device, progress, judges)


def _train_and_score(run: Run, spec: SuiteSpec, run_dir: Path, device: str, progress: bool,
                     judges: list[Judge]) -> dict[str, Any]:
    from grammar.errors import GrammarError
    from neural.judge.compare import compare
    from neural.training import DivergenceError, train

    g = run.grammar.grammar
    run_dir.mkdir(parents=True, exist_ok=True)
    atomic_write(run_dir / GRAMMAR_FILE, g.to_json().encode("utf-8"))
    row: dict[str, Any] = {
        "run": run.id, "grammar": run.grammar.label, "dfa_states": int(g.dfa.n_states),
        "alphabet_size": len(g.alphabet), "model": run.model.name, "cell": run.model.cell,
        "hidden": run.model.config.hidden, "recipe": run.model.config.recipe,
        "size": run.model.size, "seed": run.seed, FINGERPRINT: g.fingerprint,
    }
    started = time.perf_counter()
    try:
        verifier = train(g, run.train_config(), device=device, out=run_dir, resume=True,
                         progress=progress, source=run.grammar.source)
    except CheckpointError:
        raise  # a damaged run directory is the user's to look at, not a finished row
    except (DivergenceError, GrammarError) as err:
        return {**row, "status": f"not trained: {' '.join(str(err).split())}"}
    report = compare(verifier, g, seed=spec.compare["seed"], n_per_set=spec.compare["n_per_set"])
    write_json(run_dir / COMPARISON_FILE, report.to_dict())
    m = verifier.metrics
    for column, name in zip(SET_COLUMNS, ("short_random", "long_random", "short_adversarial",
                                          "long_adversarial"), strict=True):
        row[column] = report.sets[name].accuracy
    if run.model.size is not None:  # the benchmark's protocol: its own four test sets too
        row.update(mlregtest_row(verifier, g, out=run_dir.parents[1], label=run.grammar.label,
                                 size=run.model.size, seed=spec.compare["seed"],
                                 run_dir=run_dir))
    first = report.disagreements[0] if report.disagreements else None
    row.update({
        "accuracy": report.accuracy,
        "samples": m.get("samples_seen"),
        "seconds": m.get("seconds"),
        "reached_target": m.get("stopped") in ("target", "proved"),
        "stopped": m.get("stopped"),
        "shortest_disagreement": None if first is None else word_text(first.word),
        "status": "ok",
    })
    if "proof" in m:  # trained until proved: the certificate's verdict, as a certify step's
        row["certify_verdict"] = m["proof"]["verdict"]
    for judge in judges:
        row.update(run_judge(judge, verifier, g, spec.judges[judge.name], run_dir))
    row["run_seconds"] = round(time.perf_counter() - started, 3)
    return row
