"""The ``neural`` command line end to end, with tiny settings."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from grammar import library
from neural import Verifier
from neural.cli import main

TINY_ARGS = ["--examples", "600", "--hidden", "8", "--lengths", "0-12", "--max-epochs", "6",
             "--quiet", "--n-per-set", "100", "--device", "cpu"]


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "parity"
    assert main(["train", "parity", "--out", str(out), *TINY_ARGS]) == 0
    return out


def test_train_prints_the_comparison(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "parity", "--out", str(out), *TINY_ARGS,
                 "--plot", str(tmp_path / "p.png")]) == 0
    text = capsys.readouterr().out
    assert "saved to" in text and "short adversarial" in text and "FPR" in text
    assert (out / "model.safetensors").exists() and (out / "log.jsonl").exists()
    assert (tmp_path / "p.png").exists()


def test_predict(run_dir, capsys):
    # The CLI says what the saved verifier says (whether it learned is test_train's job).
    words = ["101", "111", "", "1x"]
    expected = Verifier.load(run_dir, device="cpu").classify(words)
    assert main(["predict", str(run_dir), *words]) == 0
    lines = capsys.readouterr().out.splitlines()
    said = ["accept" if a else "reject" for a in expected.accepted]
    assert [line.split("\t")[:2] for line in lines] == [
        [w or "''", s] for w, s in zip(words, said, strict=True)]
    assert [float(line.split("\t")[2]) for line in lines] == pytest.approx(
        expected.probabilities.tolist(), abs=1e-4)
    assert lines[3].split("\t")[1:] == [
        "reject", "0.0000", "unknown symbol 'x': rejected without running the network"]


def test_predict_json(run_dir, capsys):
    assert main(["predict", str(run_dir), "--json", "11", "1y"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["accepted"] for r in rows] == [True, False]
    assert [r["unknown_symbol"] for r in rows] == [False, True]


def test_eval_json(run_dir, capsys):
    assert main(["eval", str(run_dir), "--json", "--n-per-set", "50"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["grammar"] == "parity" and report["same_language"]
    assert set(report["sets"]) == {"short_random", "long_random", "short_adversarial",
                                   "long_adversarial"}
    assert report["train_lengths"] == [0, 12] and report["long_lengths"] == [13, 42]


def test_eval_against_another_grammar(run_dir, capsys):
    assert main(["eval", str(run_dir), "--grammar", "tomita-5", "--n-per-set", "50"]) == 0
    assert "trained on a different language" in capsys.readouterr().out


def test_eval_grammar_file(run_dir, tmp_path, capsys):
    path = tmp_path / "parity.json"
    path.write_text(library.parity().to_json())
    assert main(["eval", str(run_dir), "--grammar", str(path), "--n-per-set", "50"]) == 0
    assert "note:" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["predict", "/nonexistent/run", "1"], "config.json does not exist"),
        (["train", "no-such-grammar", "--out", "x"], "no built-in grammar named"),
        (["train", "parity", "--out", "x", "--target", "2"], "not in (0, 1]"),
        (["eval", "/nonexistent/run"], "does not exist"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_errors_are_one_line_exit_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_corrupt_checkpoint_names_the_file(run_dir, tmp_path, capsys):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(run_dir, broken)
    (broken / "model.safetensors").write_bytes(b"\x00" * 10)
    assert main(["predict", str(broken), "1"]) == 2
    assert "model.safetensors" in capsys.readouterr().err


def test_console_entry_point_runs_as_module():
    done = subprocess.run([sys.executable, "-m", "neural.cli", "--help"], capture_output=True,
                          text=True)
    assert done.returncode == 0 and "train" in done.stdout
