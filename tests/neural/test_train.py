"""Training: it learns, it is reproducible, it resumes, it fails clearly."""

from __future__ import annotations

import importlib
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
from dataclasses import replace

import numpy as np
import pytest
import torch

from grammar import library
from neural import DivergenceError, TrainConfig, Verifier, compare, resolve_device, train
from neural.checkpoint import CheckpointError

from .conftest import TINY

# `neural.train` is the function (from neural import train); this is the module.
train_module = importlib.import_module("neural.training.loop")


def test_tiny_model_learns_parity_and_compare_scores_it(parity_verifier):
    g = library.parity()
    words = ["", "1", "11", "0", "101", "1101", "1" * 25, "1" * 24 + "0"]
    assert (parity_verifier.accepts_many(words) == g.accepts_many(words)).all()
    report = compare(parity_verifier, g, n_per_set=200, seed=0)
    for name, score in report.sets.items():
        # Short and long (13-42, beyond training), random and adversarial.
        assert score.accuracy >= 0.99, name
    assert report.accuracy >= 0.99


def test_metrics_and_stop_reason(parity_verifier):
    m = parity_verifier.metrics
    assert m["stopped"] in ("target", "max_epochs")
    assert m["valid_accuracy"] >= 0.99 and m["test_accuracy"] >= 0.99
    assert m["samples_seen"] == m["steps"] * TINY.batch_size or m["samples_seen"] < (
        m["steps"] * TINY.batch_size)
    assert m["device"] == "cpu"


def test_empty_word_and_unknown_symbols(parity_verifier):
    answers = parity_verifier.classify(["", "1x1", "11", "2"])
    assert answers.unknown.tolist() == [False, True, False, True]
    assert answers.accepted[0]  # the empty word has no 1s: a member
    assert answers.probabilities[1] == 0.0 and answers.probabilities[3] == 0.0
    with pytest.raises(TypeError, match="list of words"):
        parity_verifier.predict("111")


def _weights(v: Verifier) -> dict:
    return {k: t.clone() for k, t in v.model.state_dict().items()}


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_cpu_runs_are_reproducible():
    config = replace(TINY, max_epochs=2, target_accuracy=1.0)
    a = train(library.parity(), config, device="cpu", progress=False)
    b = train(library.parity(), config, device="cpu", progress=False)
    assert _same(_weights(a), _weights(b))


def test_log_has_one_json_line_per_epoch(tmp_path):
    config = replace(TINY, max_epochs=3, target_accuracy=1.0)
    v = train(library.parity(), config, device="cpu", progress=False, out=tmp_path)
    rows = [json.loads(line) for line in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert [r["epoch"] for r in rows] == list(range(1, v.metrics["epochs"] + 1))
    assert {"train_loss", "train_accuracy", "valid_accuracy", "samples", "seconds"} <= set(rows[0])
    assert Verifier.load(tmp_path, device="cpu").metrics == v.metrics


def test_resume_continues_where_it_stopped(tmp_path):
    # Three epochs in one go, against one epoch, "crash", then two more.
    config = replace(TINY, max_epochs=3, target_accuracy=1.0)
    whole = train(library.parity(), config, device="cpu", progress=False)
    train(library.parity(), replace(config, max_epochs=1), device="cpu", progress=False,
          out=tmp_path)
    resumed = train(library.parity(), config, device="cpu", progress=False, out=tmp_path,
                    resume=True)
    assert resumed.metrics["epochs"] == 3
    assert _same(_weights(whole), _weights(resumed))
    rows = (tmp_path / "log.jsonl").read_text().splitlines()
    assert [json.loads(r)["epoch"] for r in rows] == [1, 2, 3]


_KILLED_RUN = """
import os, signal, sys
import torch
torch.set_num_threads(1)
import importlib
t = importlib.import_module("neural.training.loop")
from dataclasses import replace
from grammar import library
sys.path.insert(0, {tests!r})
from conftest import TINY
save = t.save_epoch
def save_then_die(out, model, optimizer, history, *rest):
    save(out, model, optimizer, history, *rest)
    if len(history) == 2:
        os.kill(os.getpid(), signal.SIGKILL)
t.save_epoch = save_then_die
t.train(library.parity(), replace(TINY, max_epochs=4, target_accuracy=1.0), device="cpu",
        progress=False, out={out!r})
"""


@pytest.mark.slow
def test_resume_after_kill_9(tmp_path):
    script = _KILLED_RUN.format(tests=os.path.dirname(__file__), out=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    assert not (tmp_path / "config.json").exists()  # it died before finishing
    assert len((tmp_path / "log.jsonl").read_text().splitlines()) == 2
    config = replace(TINY, max_epochs=4, target_accuracy=1.0)
    resumed = train(library.parity(), config, device="cpu", progress=False, out=tmp_path,
                    resume=True)
    whole = train(library.parity(), config, device="cpu", progress=False)
    assert resumed.metrics["epochs"] == 4
    assert _same(_weights(whole), _weights(resumed))


def test_resume_refuses_other_settings(tmp_path):
    config = replace(TINY, max_epochs=1)
    train(library.parity(), config, device="cpu", progress=False, out=tmp_path)
    with pytest.raises(CheckpointError, match="hidden=8, not 9"):
        train(library.parity(), replace(config, hidden=9), device="cpu", progress=False,
              out=tmp_path, resume=True)
    with pytest.raises(CheckpointError, match="another grammar"):
        train(library.tomita(1), config, device="cpu", progress=False, out=tmp_path,
              resume=True)


def test_nan_loss_stops_with_clear_error_and_keeps_checkpoint(tmp_path, monkeypatch):
    real = train_module.batch_loss
    calls = []

    def poisoned(model, batch, weight):
        loss, logits = real(model, batch, weight)
        calls.append(1)
        # Fine for the first epoch (23 batches of 16), then NaN.
        return (loss * float("nan") if len(calls) > 30 else loss), logits

    monkeypatch.setattr(train_module, "batch_loss", poisoned)
    config = replace(TINY, max_epochs=5, target_accuracy=1.0)
    with pytest.raises(DivergenceError, match="loss became nan in epoch 2"):
        train(library.parity(), config, device="cpu", progress=False, out=tmp_path)
    rows = (tmp_path / "log.jsonl").read_text().splitlines()
    assert len(rows) == 1
    monkeypatch.setattr(train_module, "batch_loss", real)
    resumed = train(library.parity(), replace(config, max_epochs=2), device="cpu",
                    progress=False, out=tmp_path, resume=True)
    assert resumed.metrics["epochs"] == 2


def test_device_auto_falls_back_to_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto").type == "cpu"
    with pytest.raises(ValueError, match="CUDA is not available"):
        resolve_device("cuda")
    with pytest.raises(ValueError, match="unknown device"):
        resolve_device("tpu")
    v = train(library.parity(), replace(TINY, max_epochs=1), device="auto", progress=False)
    assert v.device.type == "cpu" and v.metrics["device"] == "cpu"


def test_arguments_are_checked():
    with pytest.raises(TypeError, match="Grammar"):
        train("parity", TINY)
    with pytest.raises(TypeError, match="TrainConfig"):
        train(library.parity(), {"hidden": 8})
    with pytest.raises(ValueError, match="batch_size"):
        TrainConfig(batch_size=0)
    with pytest.raises(ValueError, match="resume=True needs the out directory"):
        train(library.parity(), TINY, resume=True)


def test_tiny_language_with_tiny_splits():
    # Tomita 2 is (10)*: six words split 4/2/0, so there is no test word at all.
    config = replace(TINY, n_examples=6, max_epochs=3, seed=0)
    v = train(library.tomita(2), config, device="cpu", progress=True)
    assert v.metrics["epochs"] == 3 and v.metrics["stopped"] == "max_epochs"
    assert v.metrics["train_size"] == 4 and v.metrics["test_accuracy"] is None


def test_config_round_trips_through_json():
    config = replace(TINY, lengths=(2, 9), negatives={"random": 1.0})
    assert TrainConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config


def test_probabilities_are_probabilities(parity_verifier):
    p = parity_verifier.predict(["1" * k for k in range(50)] + ["0" * k for k in range(1, 50)])
    assert (p > 0.5).tolist() == library.parity().accepts_many(
        ["1" * k for k in range(50)] + ["0" * k for k in range(1, 50)]).tolist()
    assert p.dtype == np.float32 and ((p >= 0) & (p <= 1)).all()


def test_words_with_lone_surrogates_are_rejected_and_the_rest_answered(parity_verifier):
    # Issue 8 #8: Verifier.predict(['a\ud800']) raised UnicodeEncodeError for the batch.
    words = ["1\ud800", "11", "\udcff", "1"]
    answers = parity_verifier.classify(words)
    assert answers.unknown.tolist() == [True, False, True, False]
    assert answers.probabilities[0] == 0.0 and answers.probabilities[2] == 0.0
    expected = parity_verifier.predict(["11", "1"])
    assert answers.probabilities[[1, 3]].tolist() == expected.tolist()
    assert parity_verifier.predict(["a\ud800"]).tolist() == [0.0]


def test_no_progress_bar_into_a_non_terminal(capsys):
    # Issue 8 #1: the bar was drawn into any stderr, pipes and log files included.
    train(library.parity(), replace(TINY, max_epochs=1), device="cpu", progress=True)
    assert capsys.readouterr().err == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_counts_samples_without_a_false_total(monkeypatch):
    # Issue 8 #1: it showed "0/10000 steps" and a half-hour ETA for runs that stop after a
    # few hundred steps. It now counts the samples seen, with no total and no ETA.
    screen = _Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    v = train(library.parity(), replace(TINY, max_epochs=2), device="cpu", progress=True)
    text = screen.getvalue()
    final = text.replace("\r", "\n").strip().splitlines()[-1]
    assert f"{v.metrics['samples_seen']} samples" in final
    assert "epoch=2" in final and f"(target {TINY.target_accuracy:g})" in final
    assert "/10000" not in text and "steps" not in text and "<" not in final
