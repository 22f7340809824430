"""The suite runner: spec checking, results, resume after a real ``kill -9``.

Oracles: the grammars themselves (DFA sizes, alphabets, membership of the
reported disagreements), :func:`grammar.random_grammar` for random families,
Python's csv module for the CSV, and the file system for "not rerun".
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grammar import library, random_grammar
from neural import Verifier
from neural.cli import main
from neural.suite import (
    COLUMNS,
    RESULTS_CSV,
    ROW,
    RUNS,
    SpecError,
    parse_spec,
    read_results,
    read_spec,
    run_suite,
)
from neural.suite.judges import JUDGES
from neural.suite.steps import run_judge
from neural.testing import PlantedVerifier

ROOT = Path(__file__).resolve().parents[2]

# Tiny settings (those of conftest.TINY): a run takes about a second.
TRAIN = """
[train]
n_examples = 300
lengths = [0, 8]
embedding = 4
batch_size = 16
lr = 0.03
grad_clip = 1.0
update_bias = 2.0
max_epochs = 4
target_accuracy = 1.0
min_samples = 0
threads = 1

[compare]
n_per_set = 60
seed = 0
"""

GOOD = """
name = "small"
seeds = [0, 1]
[grammars]
builtin = ["parity", "tomita-2"]
[[models]]
name = "tiny"
hidden = 8
""" + TRAIN


def _spec(text: str, tmp_path: Path, name: str = "spec.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- the spec ------------------------------------------------------------------------------------

BAD = [
    ("colour = 1\n" + GOOD, "colour"),
    (GOOD.replace("hidden = 8", "hiden = 8"), "models[0].hiden"),
    (GOOD.replace("hidden = 8", "hidden = 0"), "models[0].hidden"),
    (GOOD.replace("n_examples = 300", "n_examples = -3"), "train.n_examples"),
    (GOOD.replace("lr = 0.03", "lr = 'fast'"), "train.lr"),
    (GOOD.replace('"tomita-2"', '"tomita-9"'), "grammars.builtin[1]"),
    (GOOD.replace("seeds = [0, 1]", "seeds = [0, 0]"), "seeds"),
    (GOOD.replace("seeds = [0, 1]", "seeds = [-1]"), "seeds[0]"),
    (GOOD.replace("n_per_set = 60", "n_per_set = 0"), "compare.n_per_set"),
    (GOOD.replace('[grammars]\nbuiltin = ["parity", "tomita-2"]',
                  '[grammars]\nrandom = [{states = [5], alphabet = [0]}]'),
     "grammars.random[0].alphabet[0]"),
    (GOOD.replace('[grammars]\nbuiltin = ["parity", "tomita-2"]',
                  '[grammars]\nfiles = ["missing.dot"]'), "grammars.files[0]"),
    (GOOD.replace('name = "tiny"', 'name = "tiny"\ncell = "transformer"'), "models[0].cell"),
    (GOOD.replace("[[models]]\nname = \"tiny\"\nhidden = 8\n", ""), "models"),
    (GOOD + "\n[search]\nmax_length = -1\n", "search.max_length"),
    (GOOD + "\n[search]\nbudget = 0\n", "search.budget"),
    (GOOD.replace("threads = 1", "threads = 1\nseed = 3"), "train.seed"),
    (GOOD + "\nextract = 'yes'\n", "compare.extract"),  # a key after [compare] belongs to it
    (GOOD.replace("threads = 1", "threads = 1\nuntil = 'accurate'"), "train.until"),
    (GOOD.replace("threads = 1", "threads = 1\nprove_budget = 0"), "train.prove_budget"),
    (GOOD.replace("threads = 1", "threads = 1\nuntil = 'proved'").replace(
        "hidden = 8", "hidden = 8\ncell = 'lstm'"), "models[0]"),
]


@pytest.mark.parametrize(("text", "key"), BAD, ids=[k for _, k in BAD])
def test_bad_spec_names_the_key(text: str, key: str, tmp_path: Path) -> None:
    path = _spec(text, tmp_path)
    with pytest.raises(SpecError) as info:
        read_spec(path)
    message = str(info.value)
    assert message.startswith(f"{path}: {key}: "), message
    assert "\n" not in message


def test_bad_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="not valid TOML"):
        read_spec(_spec("seeds = [0", tmp_path))
    with pytest.raises(SpecError, match="no such suite spec"):
        read_spec(tmp_path / "nope.toml")


def test_bad_spec_exits_2_before_any_training(tmp_path: Path, capsys) -> None:
    path = _spec(GOOD.replace("hidden = 8", "hidden = -8"), tmp_path)
    out = tmp_path / "out"
    assert main(["suite", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "models[0].hidden" in err and "Traceback" not in err
    assert not out.exists()


def test_training_options_carry_until_proved_and_its_budget() -> None:
    spec = parse_spec(GOOD.replace("threads = 1", "threads = 1\nuntil = 'proved'\n"
                                   "prove_budget = 30.0"))
    configs = [run.train_config() for run in spec.runs]
    assert len(configs) == 4
    assert {(c.until, c.prove_budget) for c in configs} == {("proved", 30.0)}
    assert parse_spec(GOOD).runs[0].train_config().until is None


def test_runs_are_grammar_by_model_by_seed() -> None:
    spec = parse_spec(GOOD.replace('name = "tiny"', 'name = "a"') + """
[[models]]
name = "b"
hidden = 4
""")
    got = [(r.grammar.label, r.model.name, r.seed) for r in spec.runs]
    assert got == [(g, m, s) for g in ("parity", "tomita-2") for m in ("a", "b") for s in (0, 1)]
    assert len({r.id for r in spec.runs}) == len(got)
    assert spec.runs[0].train_config().hidden == 8 and spec.runs[1].train_config().seed == 1


def test_random_family_matches_random_grammar() -> None:
    spec = parse_spec(GOOD.replace('builtin = ["parity", "tomita-2"]',
                                   'random = [{states = [5, 9], alphabet = [2, 3], count = 2, '
                                   'seed = 7}]'))
    got = {e.label: e.grammar for e in spec.grammars}
    assert len(got) == 2 * 2 * 2
    for n in (5, 9):
        for size, symbols in ((2, "ab"), (3, "abc")):
            for s in (7, 8):
                assert got[f"random-dfa-{n}x{size}-seed{s}"] == random_grammar(n, symbols, seed=s)


def test_files_are_relative_to_the_spec(tmp_path: Path) -> None:
    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "t4.json").write_text(library.tomita(4).to_json(), encoding="utf-8")
    spec = read_spec(_spec(GOOD.replace('builtin = ["parity", "tomita-2"]',
                                        'files = ["g/t4.json"]'), tmp_path))
    assert [e.grammar for e in spec.grammars] == [library.tomita(4)]
    assert spec.grammars[0].source == str((tmp_path / "g" / "t4.json").resolve())


def test_shipped_suites_are_valid() -> None:
    tomita = read_spec(ROOT / "suites" / "tomita.toml")
    assert [e.grammar for e in tomita.grammars] == [
        *(library.tomita(k) for k in range(1, 8)), library.embedded_reber()]
    assert len(tomita.models) == 1 and len(tomita.runs) == 8
    small = read_spec(ROOT / "suites" / "random-small.toml")
    assert len(small.runs) == 12
    assert all(e.grammar.dfa.n_states <= 10 for e in small.grammars)


# -- running -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> tuple[Path, list[dict]]:
    out = tmp_path_factory.mktemp("suite") / "small"
    rows = run_suite(parse_spec(GOOD), out, progress=False)
    return out, rows


def test_rows_hold_the_columns_and_agree_with_the_grammars(finished) -> None:
    out, rows = finished
    assert [(r["grammar"], r["seed"]) for r in rows] == [
        ("parity", 0), ("parity", 1), ("tomita-2", 0), ("tomita-2", 1)]
    for row in rows:
        assert set(COLUMNS) <= set(row)
        g = library.get(row["grammar"])
        assert row["dfa_states"] == g.dfa.n_states
        assert row["alphabet_size"] == len(g.alphabet)
        assert row["status"] == "ok" and row["model"] == "tiny" and row["hidden"] == 8
        for column in ("acc_short_random", "acc_long_random", "acc_short_adversarial",
                       "acc_long_adversarial", "accuracy"):
            assert 0.0 <= row[column] <= 1.0
        assert row["samples"] > 0 and row["seconds"] > 0
        assert row["reached_target"] == (row["stopped"] == "target")
        word = row["shortest_disagreement"]
        if word is not None:  # really a disagreement, by the automaton's own answer
            verifier = Verifier.load(out / RUNS / row["run"], device="cpu")
            assert verifier.accepts(word) != g.accepts(word)


def test_csv_and_json_hold_the_same_rows(finished) -> None:
    out, rows = finished
    data = read_results(out)
    assert data["rows"] == rows and data["suite"] == "small"
    with open(out / RESULTS_CSV, newline="", encoding="utf-8") as handle:
        table = list(csv.DictReader(handle))
    assert [r["run"] for r in table] == [r["run"] for r in rows]
    assert list(table[0]) == data["columns"]
    for line, row in zip(table, rows, strict=True):
        assert float(line["accuracy"]) == row["accuracy"]
        assert int(line["samples"]) == row["samples"]
    summary = json.loads((out / "summary.json").read_text())["models"]["tiny"]
    assert summary["runs"] == 4
    for states, cell in summary["by_dfa_states"].items():
        mine = [r["accuracy"] for r in rows if r["dfa_states"] == int(states)]
        assert cell["runs"] == len(mine) and cell["accuracy"] == pytest.approx(
            sum(mine) / len(mine))


def test_rerun_runs_nothing_and_another_spec_is_refused(finished, tmp_path: Path,
                                                         capsys) -> None:
    out, rows = finished
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("model.safetensors")}
    assert run_suite(parse_spec(GOOD), out, progress=False) == rows
    assert {p: p.stat().st_mtime_ns for p in out.rglob("model.safetensors")} == stamps
    other = _spec(GOOD.replace("seeds = [0, 1]", "seeds = [0, 2]"), tmp_path)
    assert main(["suite", str(other), "--out", str(out), "--quiet"]) == 2
    assert "another spec (seeds key differs)" in capsys.readouterr().err


def test_a_judge_not_asked_for_leaves_its_columns_out(tmp_path: Path) -> None:
    spec = parse_spec(GOOD.replace("seeds = [0, 1]", "seeds = [0]").replace(
        '["parity", "tomita-2"]', '["parity"]'))
    assert spec.search is None and spec.judges == {} and spec.notes == []
    (row,) = run_suite(spec, tmp_path / "s", progress=False)
    for judge in JUDGES.values():
        assert not set(judge.columns) & set(row)
        assert not set(judge.columns) & set(read_results(tmp_path / "s")["columns"])
        assert not (tmp_path / "s" / RUNS / row["run"] / judge.file).exists()


def test_search_columns_come_from_the_search_result(tmp_path: Path, monkeypatch) -> None:
    import neural.judge.search as search_package

    real, seen = search_package.search, {}

    def spy(verifier, g, **options):
        seen.update(options)
        return real(verifier, g, **options)

    monkeypatch.setattr(search_package, "search", spy)
    g = library.tomita(1)  # 1*: the planted 0 and 110 are non-members the network accepts
    columns = run_judge(JUDGES["search"], PlantedVerifier(g, ["110", "0"]), g,
                        {"max_length": 4, "budget": 10.0}, tmp_path)
    assert columns == {"counterexample": "0", "counterexample_length": 1,
                       "counterexample_shortest": True, "search_disagreements": 2}
    assert seen == {"max_length": 4, "budget": 10.0, "progress": False}
    saved = json.loads((tmp_path / "search.json").read_text())
    assert saved["verdict"] == "counterexample" and saved["words"] == 31
    assert [d["word"] for d in saved["disagreements"]] == ["0", "110"]


def test_adding_a_judge_is_one_registry_entry(tmp_path: Path, monkeypatch) -> None:
    from neural.judge.common import Verdict
    from neural.page import page_html
    from neural.suite.judges import Judge

    class Members:  # a judge's result: a verdict, and itself as JSON-able data
        def __init__(self, wrong: list[str], checked: int) -> None:
            self.wrong, self.checked = wrong, checked
            self.verdict = (Verdict("counterexample", f"wrong on {len(wrong)} members")
                            if wrong else
                            Verdict("agrees", f"right on all {checked} members", words=checked))

        def to_dict(self) -> dict:
            return {"verdict": self.verdict.name, "summary": self.verdict.text,
                    "wrong": self.wrong}

    def members(verifier, g, options):
        words = list(g.strings(options["max_length"]))
        said = verifier.predict(words) > 0.5
        return Members([w for w, yes in zip(words, said, strict=True) if not yes], len(words))

    judge = Judge("members", "Members", members, ("members_wrong",),
                  lambda result, run_dir: {"members_wrong": len(result.wrong)},
                  options={"max_length": 4}, lows={"max_length": 0})
    monkeypatch.setitem(JUDGES, "members", judge)
    with pytest.raises(SpecError, match="members.max_length: must be >= 0"):
        parse_spec(GOOD + "\n[members]\nmax_length = -1\n")
    spec = parse_spec(GOOD.replace("seeds = [0, 1]", "seeds = [0]").replace(
        '["parity", "tomita-2"]', '["tomita-1"]') + "\n[members]\n")
    assert spec.judges == {"members": {"max_length": 4}}
    (row,) = run_suite(spec, tmp_path / "s", progress=False)
    run_dir = tmp_path / "s" / RUNS / row["run"]
    v = Verifier.load(run_dir)
    # The oracle: tomita-1 (1*) has one member per length, 0 to 4.
    truth = ["1" * n for n in range(5)]
    assert row["members_wrong"] == sum(p <= 0.5 for p in v.predict(truth))
    assert read_results(tmp_path / "s")["columns"][-1] == "members_wrong"
    saved = json.loads((run_dir / "members.json").read_text())
    assert saved["verdict"] == ("agrees" if row["members_wrong"] == 0 else "counterexample")
    html = page_html(tmp_path / "s")
    assert "<h3>Members</h3>" in html and saved["summary"] in html


# -- kill -9 and resume ----------------------------------------------------------------------------


def _suite_process(spec: Path, out: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "neural", "suite", str(spec), "--out", str(out),
                             "--quiet"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def test_resume_after_kill_9_loses_no_row_and_reruns_no_finished_run(tmp_path: Path) -> None:
    text = GOOD.replace('["parity", "tomita-2"]', '["parity", "tomita-2", "tomita-1", "tomita-4"]')
    spec = _spec(text.replace("seeds = [0, 1]", "seeds = [0]"), tmp_path)
    out = tmp_path / "out"
    process = _suite_process(spec, out)
    deadline = time.monotonic() + 300
    try:
        while not list(out.glob(f"{RUNS}/*/{ROW}")):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no run finished in 300 s"
            time.sleep(0.01)
    finally:
        os.kill(process.pid, signal.SIGKILL)  # the whole suite, mid-run
        process.wait()
    assert process.returncode == -signal.SIGKILL
    done = sorted(out.glob(f"{RUNS}/*/{ROW}"))
    assert 1 <= len(done) < 4, "the kill came after the suite had finished"
    before = {p.parent.name: (p.read_bytes(), (p.parent / "model.safetensors").stat().st_mtime_ns)
              for p in done}

    again = _suite_process(spec, out)
    stdout, stderr = again.communicate(timeout=600)
    assert again.returncode == 0, stderr.decode()
    rows = read_results(out)["rows"]
    assert [r["grammar"] for r in rows] == ["parity", "tomita-2", "tomita-1", "tomita-4"]
    assert all(r["status"] == "ok" for r in rows)
    for run_id, (row_bytes, stamp) in before.items():  # finished before the kill: untouched
        assert (out / RUNS / run_id / ROW).read_bytes() == row_bytes
        assert (out / RUNS / run_id / "model.safetensors").stat().st_mtime_ns == stamp
        assert json.loads(row_bytes) in rows
    assert "| tomita-4 |" in stdout.decode()


# -- trained until proved ------------------------------------------------------------------------


def test_a_run_trained_until_proved_counts_by_its_certificate(tmp_path: Path) -> None:
    from neural.suite.classes import network_verdict

    spec = parse_spec("""
name = "proved"
seeds = [0]
[grammars]
builtin = ["tomita-4"]
[[models]]
name = "gru-8"
hidden = 8
[train]
n_examples = 1500
until = "proved"
prove_budget = 40.0
threads = 1
[compare]
n_per_set = 60
seed = 0
""")
    [row] = run_suite(spec, tmp_path, progress=False)
    certificate = json.loads((tmp_path / RUNS / row["run"] / "certificate.json").read_text())
    assert row["certify_verdict"] == certificate["verdict"] == "proved"
    assert network_verdict(row) == "proved" and row["reached_target"]
    logged = [json.loads(line)["valid_accuracy"]
              for line in (tmp_path / RUNS / row["run"] / "log.jsonl").read_text().splitlines()]
    assert max(logged) >= 0.999


def test_off_stands_for_none_in_a_spec() -> None:
    spec = parse_spec(GOOD.replace('hidden = 8', 'hidden = 8\npatience = "off"\nmax_steps = "off"'))
    assert {(r.train_config().patience, r.train_config().max_steps) for r in spec.runs} == {
        (None, None)}
    with pytest.raises(SpecError, match=r"models\[0\]\.hidden: .*must be an int"):
        parse_spec(GOOD.replace('hidden = 8', 'hidden = "off"'))
