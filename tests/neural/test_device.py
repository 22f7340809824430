"""Device choice, precision, copies and CPU threads, and how training uses them."""

from __future__ import annotations

import importlib
from dataclasses import replace

import pytest
import torch

from grammar import library
from neural import resolve_device, train
from neural.device import DEFAULT_THREADS, autocast, bf16_supported, cpu_threads, to_device

from .conftest import TINY

train_module = importlib.import_module("neural.training.loop")


def test_resolve_device():
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device(torch.device("cpu")) == torch.device("cpu")
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(TypeError, match="device must be"):
        resolve_device(0)
    with pytest.raises(ValueError, match="unsupported device"):
        resolve_device("meta")


def test_cpu_needs_no_copy_and_no_autocast():
    t = torch.arange(4)
    assert to_device(t, torch.device("cpu")) is t
    assert not bf16_supported(torch.device("cpu"))
    with autocast(torch.device("cpu")):
        assert (torch.ones(2, 2) @ torch.ones(2, 2)).dtype == torch.float32


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_copy_and_precision():
    cuda = torch.device("cuda")
    assert to_device(torch.arange(4), cuda).device.type == "cuda"
    with autocast(cuda):
        product = torch.ones(2, 2, device=cuda) @ torch.ones(2, 2, device=cuda)
    expected = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float32
    assert product.dtype == expected


def test_cpu_threads_sets_and_restores():
    torch.set_num_threads(2)
    with cpu_threads(None) as n:
        assert n == DEFAULT_THREADS == torch.get_num_threads()
    assert torch.get_num_threads() == 2
    with pytest.raises(RuntimeError), cpu_threads(1):
        raise RuntimeError("restored even on an error")
    assert torch.get_num_threads() == 2
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="threads"), cpu_threads(bad):
            pass


def _threads_during_training(monkeypatch, config) -> set[int]:
    seen = set()
    real = train_module.batch_loss

    def spy(*args):
        seen.add(torch.get_num_threads())
        return real(*args)

    monkeypatch.setattr(train_module, "batch_loss", spy)
    train(library.parity(), config, device="cpu", progress=False)
    return seen


def test_training_defaults_to_one_thread_and_restores_the_setting(monkeypatch):
    # Issue 8 #1: torch's default pool (2 threads) starved training on a shared machine;
    # training now runs on DEFAULT_THREADS unless told otherwise, and leaves the
    # process-wide setting as it found it.
    torch.set_num_threads(2)
    seen = _threads_during_training(monkeypatch, replace(TINY, threads=None, max_epochs=1))
    assert seen == {DEFAULT_THREADS} == {1}
    assert torch.get_num_threads() == 2


def test_training_honours_threads(monkeypatch):
    torch.set_num_threads(1)
    seen = _threads_during_training(monkeypatch, replace(TINY, threads=2, max_epochs=1))
    assert seen == {2}
    assert torch.get_num_threads() == 1


def test_every_answer_runs_on_the_thread_policy(monkeypatch):
    """Predictions, next-symbol sets and generation run on DEFAULT_THREADS (or the
    verifier's own `threads`), whatever the process-wide setting, and restore it."""
    from neural.generate import generate
    from neural.nextsym import next_symbol_sets
    from neural.verifier import Verifier

    v = Verifier.untrained(library.tomita(1), seed=0)
    seen: list[int] = []
    for name in ("forward", "prefix_logits", "step"):
        original = getattr(v.model, name)

        def spy(*args, _original=original, **kwargs):
            seen.append(torch.get_num_threads())
            return _original(*args, **kwargs)

        monkeypatch.setattr(v.model, name, spy)
    before = torch.get_num_threads()
    other = DEFAULT_THREADS + 1
    torch.set_num_threads(other)
    try:
        v.predict(["1", "10", ""])
        next_symbol_sets(v, "11")
        generate(v, 2, max_length=3, seed=0)
        assert torch.get_num_threads() == other
        assert len(seen) >= 3 and set(seen) == {DEFAULT_THREADS}
        seen.clear()
        v.threads = other + 1
        v.predict(["1"])
        assert seen == [other + 1] and torch.get_num_threads() == other
    finally:
        torch.set_num_threads(before)
