"""Hardening of suites, torchrun training, the report command and streaming.

Oracles: grammars written by hand whose languages are known by construction
(the number of ``a`` modulo 2 or 3), checked against Python predicates; the
file system for "not rerun"; the command line's own exit codes and stderr.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from grammar import Grammar
from neural import TrainConfig, train
from neural.cli import main
from neural.judge.compare import compare
from neural.page.collect import dfa_view
from neural.suite import ROW, RUNS, parse_spec, run_suite

from .conftest import needs_torchrun

TINY_SUITE = """
name = "changing"
[grammars]
files = ["mine.json"]
[[models]]
hidden = 4
[train]
n_examples = 100
lengths = [0, 6]
embedding = 4
max_epochs = 1
min_samples = 0
threads = 1
[compare]
n_per_set = 20
"""


def _count_a_mod(n: int, *, reverse: bool = False) -> str:
    """A grammar file: the words over {a, b} whose number of ``a`` is divisible by `n`."""
    edges = [{"source": s, "target": (s + 1) % n, "symbol": "a"} for s in range(n)]
    edges += [{"source": s, "target": s, "symbol": "b"} for s in range(n)]
    if reverse:
        edges.reverse()
    return json.dumps({"name": "mine", "nodes": list(range(n)), "start": 0, "accepting": [0],
                       "edges": edges})


def _check_language(path: Path, n: int) -> None:
    # The oracle: the file's language is the predicate it was written from.
    g = Grammar.from_json(str(path))
    for word in ("", "a", "aa", "aaa", "abab", "baaab", "aaaaaa"):
        assert g.accepts(word) == (word.count("a") % n == 0), word


# -- 6: a suite reruns the runs whose grammar file changed -----------------------------------------


def test_suite_reruns_a_run_whose_grammar_file_changed(tmp_path: Path) -> None:
    grammar_file = tmp_path / "mine.json"
    grammar_file.write_text(_count_a_mod(3), encoding="utf-8")
    spec_text = TINY_SUITE
    out = tmp_path / "out"
    (first,) = run_suite(parse_spec(spec_text, base=tmp_path), out, progress=False)
    assert first["dfa_states"] == 3 and first["status"] == "ok"

    # The same language written otherwise: the finished row stays, nothing is retrained.
    grammar_file.write_text(_count_a_mod(3, reverse=True), encoding="utf-8")
    row_path = out / RUNS / first["run"] / ROW
    stamp = row_path.stat().st_mtime_ns
    lines: list[str] = []
    assert run_suite(parse_spec(spec_text, base=tmp_path), out, progress=False,
                     echo=lines.append) == [first]
    assert row_path.stat().st_mtime_ns == stamp and lines == []

    # Another language: the run is redone, and the suite says why.
    grammar_file.write_text(_count_a_mod(4), encoding="utf-8")
    _check_language(grammar_file, 4)
    (again,) = run_suite(parse_spec(spec_text, base=tmp_path), out, progress=False,
                         echo=lines.append)
    assert again["dfa_states"] == 4 and again["status"] == "ok"
    assert json.loads(row_path.read_text())["dfa_states"] == 4
    said = [line for line in lines if "has changed" in line]
    assert len(said) == 1 and str(grammar_file) in said[0]
    assert "had 3 states and has 4 now" in said[0] and "running it again" in said[0]
    results = json.loads((out / "results.json").read_text())
    assert [r["dfa_states"] for r in results["rows"]] == [4]


def test_suite_restarts_an_interrupted_run_whose_grammar_file_changed(tmp_path: Path) -> None:
    grammar_file = tmp_path / "mine.json"
    grammar_file.write_text(_count_a_mod(3), encoding="utf-8")
    out = tmp_path / "out"
    (first,) = run_suite(parse_spec(TINY_SUITE, base=tmp_path), out, progress=False)
    # As if killed after its checkpoint, before its row: the run is unfinished.
    (out / RUNS / first["run"] / ROW).unlink()
    assert (out / RUNS / first["run"] / "resume.safetensors").exists()
    grammar_file.write_text(_count_a_mod(4), encoding="utf-8")
    lines: list[str] = []
    # Before: a CheckpointError (the checkpoint was written on another grammar).
    (again,) = run_suite(parse_spec(TINY_SUITE, base=tmp_path), out, progress=False,
                         echo=lines.append)
    assert again["dfa_states"] == 4 and again["status"] == "ok"
    assert any("has changed since this run started" in line for line in lines)


# -- 9: torchrun ranks given different arguments refuse to train together -----------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _two_ranks(out: Path, arguments: tuple[list[str], list[str]]) -> list[tuple[int, str]]:
    """Two ranks of ``neural train`` in one gloo group, each with its own arguments, as
    torchrun starts them (the environment), but with a command line of their own."""
    port = str(_free_port())
    procs = []
    for r, own in enumerate(arguments):
        env = {**os.environ, "RANK": str(r), "LOCAL_RANK": str(r), "WORLD_SIZE": "2",
               "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": port, "NEURAL_DIST_TIMEOUT": "60"}
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "neural", "train", *own, "--out", str(out), "--device", "cpu",
             "--examples", "200", "--lengths", "0-6", "--max-epochs", "1", "--n-per-set", "10",
             "--threads", "1", "--quiet"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env))
    try:
        return [(p.wait(timeout=120), p.communicate()[1]) for p in procs]
    finally:
        for p in procs:
            p.kill()


DIFFERENT_RANKS = [
    (["parity"], ["tomita-3"], "grammar", ["rank 0: 'parity'", "rank 1: 'tomita-3'"]),
    (["parity", "--seed", "1"], ["parity", "--seed", "2"], "seed", ["rank 0: 1", "rank 1: 2"]),
    (["parity", "--hidden", "8"], ["parity", "--hidden", "9"], "hidden",
     ["rank 0: 8", "rank 1: 9"]),
]


@needs_torchrun
@pytest.mark.parametrize(("first", "second", "key", "values"), DIFFERENT_RANKS,
                         ids=[case[2] for case in DIFFERENT_RANKS])
def test_ranks_given_different_arguments_refuse_to_train(tmp_path: Path, first, second, key,
                                                         values) -> None:
    out = tmp_path / "run"
    results = _two_ranks(out, (first, second))
    for r, (code, err) in enumerate(results):
        lines = err.strip().splitlines()
        assert code == 2 and len(lines) == 1 and "Traceback" not in err, err[-3000:]
        assert lines[0].startswith(f"neural: error: rank {r} of 2: the ranks were started with "
                                   f"a different {key} (")
        assert all(value in lines[0] for value in values), lines[0]
    # Refused before the first step: nothing was trained, nothing saved as a verifier.
    assert not (out / "model.safetensors").exists() and not (out / "log.jsonl").exists()


# -- 18: neural report names the path and the problem in one line ---------------------------------


@pytest.fixture(scope="module")
def training_dir(tmp_path_factory) -> Path:
    """A training directory of a tiny verifier, with its report.json as the suite writes it."""
    out = tmp_path_factory.mktemp("report") / "run"
    g = Grammar.from_json(_count_a_mod(3))
    verifier = train(g, TrainConfig(n_examples=100, lengths=(0, 6), hidden=4, embedding=4,
                                    max_epochs=1, min_samples=0, threads=1),
                     device="cpu", out=out, progress=False)
    (out / "grammar.json").write_text(g.to_json(), encoding="utf-8")
    (out / "report.json").write_text(json.dumps(compare(verifier, g, n_per_set=10).to_dict()),
                                     encoding="utf-8")
    return out


def _report_error(capsys, *args: str) -> str:
    assert main(["report", *args]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("neural: error: "), captured.err
    return lines[0]


def test_report_of_a_missing_or_foreign_directory_names_it(tmp_path: Path, capsys) -> None:
    missing = tmp_path / "nowhere"
    line = _report_error(capsys, str(missing), "--html", str(tmp_path / "a.html"))
    assert line == f"neural: error: {missing}: no such directory"
    (tmp_path / "empty").mkdir()
    line = _report_error(capsys, str(tmp_path / "empty"), "--html", str(tmp_path / "a.html"))
    assert line.startswith(f"neural: error: {tmp_path / 'empty'}: neither a suite directory")
    assert "config.json does not exist" not in line
    a_file = tmp_path / "spec.toml"
    a_file.write_text("", encoding="utf-8")
    line = _report_error(capsys, str(a_file), "--html", str(tmp_path / "a.html"))
    assert line.startswith(f"neural: error: {a_file}: not a directory")
    assert not (tmp_path / "a.html").exists()


def test_report_html_into_a_directory_names_that_directory(training_dir: Path, tmp_path: Path,
                                                           capsys) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    line = _report_error(capsys, str(training_dir), "--html", str(folder))
    assert line.startswith(f"neural: error: {folder}: is a directory") and ".tmp" not in line
    assert list(folder.iterdir()) == []
    # The same directory and a file name: the page is written.
    assert main(["report", str(training_dir), "--html", str(folder / "page.html")]) == 0
    assert "<html" in (folder / "page.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("change", "field"), [
    ({"sets": 3}, "'sets' must be an object, not int"),
    ({"by_length": {"3": 1}}, "'by_length.3' must be an object, not int"),
    ({"disagreements": {"word": "a"}}, "'disagreements' must be an array, not object"),
    ({"train_lengths": "0-6"}, "'train_lengths' must be an array of two integers"),
    ({"sets": {"short_random": {"words": "4"}}}, "'sets.short_random.words' must be an integer"),
], ids=["sets", "by_length", "disagreements", "train_lengths", "words"])
def test_report_with_a_wrongly_shaped_report_json_names_file_and_field(
        training_dir: Path, tmp_path: Path, capsys, change: dict, field: str) -> None:
    run = tmp_path / "run"
    shutil.copytree(training_dir, run)
    report = json.loads((run / "report.json").read_text(encoding="utf-8"))
    (run / "report.json").write_text(json.dumps({**report, **change}), encoding="utf-8")
    line = _report_error(capsys, str(run), "--html", str(tmp_path / "a.html"))
    assert line.startswith(f"neural: error: {run / 'report.json'}: field {field}"), line


def test_report_of_a_suite_whose_rows_are_not_objects_names_the_file(tmp_path: Path,
                                                                      capsys) -> None:
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "suite.json").write_text('{"format": "grammarlab-suite"}', encoding="utf-8")
    (suite / "results.json").write_text('{"suite": "s", "columns": ["run"], "rows": [1]}',
                                        encoding="utf-8")
    line = _report_error(capsys, str(suite), "--html", str(tmp_path / "a.html"))
    assert line == f"neural: error: {suite / 'results.json'}: rows[0] must be an object, not int"


# -- 19: a one-symbol grammar is refused, saying why ----------------------------------------------


def test_one_symbol_grammar_is_refused_with_the_reason(tmp_path: Path, capsys) -> None:
    import itertools
    import re

    from grammar.cli_shared import load_grammar

    g = load_grammar("re:(aa)*")
    # The oracle: one symbol gives one word per length, so no length has both kinds.
    for length in range(9):
        words = ["".join(w) for w in itertools.product(g.alphabet, repeat=length)]
        assert len(words) == 1
        assert g.accepts(words[0]) == bool(re.fullmatch("(aa)*", words[0]))
    code = main(["train", "re:(aa)*", "--out", str(tmp_path / "run"), "--device", "cpu",
                 "--examples", "200", "--lengths", "0-8", "--max-epochs", "1", "--quiet"])
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1, err
    assert lines[0].startswith("neural: error: grammar 're:(aa)*' cannot be trained: its "
                               "alphabet has one symbol ('a'), so every length has exactly one "
                               "word")
    assert not (tmp_path / "run").exists()


def test_suite_row_of_a_one_symbol_grammar_says_why(tmp_path: Path) -> None:
    spec = parse_spec(TINY_SUITE.replace('files = ["mine.json"]',
                                         "random = [{states = 3, alphabet = 1}]"))
    (row,) = run_suite(spec, tmp_path / "out", progress=False)
    assert row["alphabet_size"] == 1
    assert row["status"].startswith("not trained: ")
    assert "alphabet has one symbol ('a')" in row["status"]


# -- 20: a drawing dropped for a javascript: symbol says so ---------------------------------------


def _script_like_grammar() -> Grammar:
    return Grammar.from_json(json.dumps({"name": "links", "start": 0, "accepting": [1], "edges": [
        {"source": 0, "target": 1, "symbol": "javascript:"},
        {"source": 1, "target": 0, "symbol": "b"}]}))


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_dfa_drawing_dropped_for_a_script_like_symbol_says_why() -> None:
    g = _script_like_grammar()
    view = dfa_view(g)
    assert view["svg"] is None
    assert "not installed" not in view["note"]
    assert "'javascript:'" in view["note"] and "script-like" in view["note"]
    # The table stands in, state by state as the automaton has it.
    live = g.dfa.live
    assert [row["state"] for row in view["table"]] == [s for s in range(g.dfa.n_states)
                                                       if live[s] or s == g.dfa.start]
    # A harmless grammar is still drawn.
    assert dfa_view(Grammar.from_json(_count_a_mod(3)))["svg"] is not None


def test_dfa_drawing_without_graphviz_still_says_it_is_not_installed(monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    view = dfa_view(_script_like_grammar())
    assert view["svg"] is None and view["note"].startswith("Graphviz's dot is not installed")


# -- 21: a streamed run says how many words it streamed -------------------------------------------


def test_streamed_training_line_says_words_per_epoch(tmp_path: Path, capsys) -> None:
    import re

    from neural.checkpoint import read_training_words

    common = ["--device", "cpu", "--lengths", "0-6", "--max-epochs", "2", "--n-per-set", "10",
              "--examples", "100", "--threads", "1", "--quiet"]
    assert main(["train", "tomita-4", "--stream", "1", "--out", str(tmp_path / "s"),
                 *common]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    assert "None" not in line
    # One word per epoch for two epochs: two samples in all.
    assert re.match(r"trained on 1 fresh word per epoch, streamed, for 2 epochs \(2 samples, ",
                    line), line
    assert main(["train", "tomita-4", "--out", str(tmp_path / "f"), *common]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    kept = len(read_training_words(tmp_path / "f"))  # the training split, as saved
    assert line.startswith(f"trained on {kept} words for 2 epochs ({2 * kept} samples, "), line
