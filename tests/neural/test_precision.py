"""GPU readiness without a GPU: the bf16 probe and its fallback, fp32 checkpoints, CPU loading.

No CUDA is needed. bf16 "support" is switched on by replacing
:func:`neural.device.bf16_supported`, so the probe runs under CPU autocast, and
the recurrent kernel is replaced by a stand-in that refuses bf16 with the
message old torch and cuDNN builds give.
"""

from __future__ import annotations

import importlib
import json
import warnings
from dataclasses import replace

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from grammar import library
from neural import TrainConfig, Verifier, train
from neural.device import PrecisionWarning, autocast, resolve_precision, uses_bf16
from neural.model import ModelConfig

from .conftest import TINY

device_module = importlib.import_module("neural.device")

# What torch raises where no bf16 kernel exists for the fused GRU cell.
REFUSAL = "\"_thnn_fused_gru_cell_cuda\" not implemented for 'BFloat16'"
CPU = torch.device("cpu")


@pytest.fixture
def bf16_gpu(monkeypatch):
    """Pretend the device has bf16: "auto" then probes (under CPU autocast)."""
    monkeypatch.setattr(device_module, "bf16_supported", lambda device: True)


@pytest.fixture
def refusing_kernel(monkeypatch):
    """A GRU kernel that raises as the real one does when asked for bf16; counts the calls."""
    real = torch.nn.GRU.forward
    calls = {"bf16": 0, "fp32": 0}

    def forward(self, *args, **kwargs):
        if torch.is_autocast_enabled("cpu"):
            calls["bf16"] += 1
            raise RuntimeError(REFUSAL)
        calls["fp32"] += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(torch.nn.GRU, "forward", forward)
    return calls


def _weights(v: Verifier) -> dict[str, torch.Tensor]:
    return {k: t.detach().clone() for k, t in v.model.state_dict().items()}


def test_auto_falls_back_to_fp32_with_one_warning(bf16_gpu, refusing_kernel):
    config = replace(TINY, max_epochs=3, target_accuracy=1.0, precision="auto")
    with pytest.warns(PrecisionWarning) as caught:
        v = train(library.parity(), config, device="cpu", progress=False)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert REFUSAL in message and "fp32" in message and "TrainConfig.precision" in message
    assert refusing_kernel["bf16"] == 1  # the probe, and nothing after it
    assert v.metrics["precision"] == "fp32" and v.precision == "fp32"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # answering afterwards warns no more
        v.predict(["11", "101"])
    # The refused probe left no trace: the run is exactly a fp32 run.
    plain = train(library.parity(), replace(config, precision="fp32"), device="cpu",
                  progress=False)
    assert v.info["history"] == [dict(r, seconds=s["seconds"]) for r, s in
                                 zip(plain.info["history"], v.info["history"], strict=True)]
    for key, value in _weights(plain).items():
        torch.testing.assert_close(_weights(v)[key], value, rtol=0, atol=0)


def test_auto_keeps_bf16_when_the_kernel_takes_it(bf16_gpu, tmp_path):
    config = replace(TINY, max_epochs=2, target_accuracy=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", PrecisionWarning)
        v = train(library.parity(), config, device="cpu", progress=False, out=tmp_path)
    assert v.metrics["precision"] == "bf16" and v.precision == "bf16"
    # Trained under bf16 autocast, saved in fp32: the weights and the resume state.
    for name in ("model.safetensors", "resume.safetensors"):
        dtypes = {t.dtype for t in load_file(tmp_path / name).values() if t.is_floating_point()}
        assert dtypes == {torch.float32}, name


def test_explicit_bf16_does_not_fall_back(bf16_gpu, refusing_kernel):
    with pytest.raises(RuntimeError, match="not implemented for 'BFloat16'"):
        train(library.parity(), replace(TINY, precision="bf16", max_epochs=1), device="cpu",
              progress=False)


def test_fp32_never_probes_and_never_autocasts(bf16_gpu, refusing_kernel):
    with warnings.catch_warnings():
        warnings.simplefilter("error", PrecisionWarning)
        v = train(library.parity(), replace(TINY, precision="fp32", max_epochs=1),
                  device="cpu", progress=False)
    assert refusing_kernel["bf16"] == 0 and refusing_kernel["fp32"] > 0
    assert v.metrics["precision"] == "fp32"


def test_the_cpu_default_is_fp32_without_a_probe(refusing_kernel):
    v = train(library.parity(), replace(TINY, max_epochs=1), device="cpu", progress=False)
    assert refusing_kernel["bf16"] == 0 and v.metrics["precision"] == "fp32"


def test_resolve_precision():
    assert resolve_precision("fp32", CPU) == "fp32"
    assert resolve_precision("auto", CPU, probe=lambda: 1 / 0) == "fp32"  # no bf16: no probe
    assert uses_bf16(CPU, "bf16") and not uses_bf16(CPU, "auto")
    with pytest.raises(ValueError, match="precision must be one of"):
        resolve_precision("half", CPU)
    with pytest.raises(TypeError, match="precision must be a str"):
        resolve_precision(None, CPU)


def test_running_out_of_memory_is_not_a_refusal(bf16_gpu):
    def probe():
        raise torch.cuda.OutOfMemoryError("CUDA out of memory")

    with pytest.raises(torch.cuda.OutOfMemoryError):
        resolve_precision("auto", CPU, probe)


def test_the_probe_runs_under_bf16_autocast(bf16_gpu):
    seen = []
    assert resolve_precision("auto", CPU, lambda: seen.append(
        (torch.ones(2, 2) @ torch.ones(2, 2)).dtype)) == "bf16"
    assert seen == [torch.bfloat16]
    with autocast(CPU, "fp32"):
        assert (torch.ones(2, 2) @ torch.ones(2, 2)).dtype == torch.float32


def test_a_verifier_falls_back_on_its_first_question(bf16_gpu, refusing_kernel):
    g = library.parity()
    v = Verifier.untrained(g, seed=0)
    expected = Verifier.untrained(g, seed=0, device="cpu")
    expected.precision = "fp32"
    words = ["", "1", "11", "1011"]
    with pytest.warns(PrecisionWarning) as caught:
        answers = v.predict(words)
    assert len(caught) == 1 and v.precision == "fp32"
    np.testing.assert_array_equal(answers, expected.predict(words))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v.predict(words)


def test_checkpoints_are_saved_in_fp32_whatever_the_weights(tmp_path):
    g = library.parity()
    v = Verifier.untrained(g, ModelConfig(vocab_size=4, hidden=6), seed=0)
    v.model.to(torch.bfloat16)
    v.save(tmp_path)
    stored = load_file(tmp_path / "model.safetensors")
    assert {t.dtype for t in stored.values()} == {torch.float32}
    w = Verifier.load(tmp_path, device="cpu")
    assert {p.dtype for p in w.model.parameters()} == {torch.float32}
    for key, value in v.model.state_dict().items():
        torch.testing.assert_close(w.model.state_dict()[key], value.float())


def test_a_checkpoint_trained_on_cuda_loads_on_the_cpu(tmp_path, monkeypatch):
    # A CUDA run writes the same files; only its provenance says cuda and bf16. Loading
    # maps every tensor to the CPU (safetensors stores no device) and must not touch CUDA.
    g = library.parity()
    v = train(g, replace(TINY, max_epochs=2, target_accuracy=1.0), device="cpu",
              progress=False, out=tmp_path)
    path = tmp_path / "config.json"
    config = json.loads(path.read_text())
    config["metrics"].update(device="cuda", precision="bf16")
    config["train_config"]["precision"] = "bf16"
    path.write_text(json.dumps(config))

    def no_cuda(*args, **kwargs):
        raise AssertionError("loading touched CUDA")

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.Tensor, "cuda", no_cuda)
    monkeypatch.setattr(torch.cuda, "init", no_cuda)
    w = Verifier.load(tmp_path)  # device "auto": no CUDA here, so the CPU
    assert w.device == CPU and w.metrics["device"] == "cuda"
    assert {p.device.type for p in w.model.parameters()} == {"cpu"}
    words = g.sample(30, seed=0) + ["1", "10"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", PrecisionWarning)
        np.testing.assert_array_equal(w.predict(words), v.predict(words))
    assert w.precision == "fp32"  # "auto" on the CPU, whatever the training used
    # The interrupted CUDA run resumes on the CPU too (precision may differ on resume).
    more = train(g, replace(TINY, max_epochs=3, target_accuracy=1.0, precision="fp32"),
                 device="cpu", progress=False, out=tmp_path, resume=True)
    assert more.metrics["epochs"] == 3


def test_cuda_asked_for_without_cuda_is_a_clear_error(tmp_path):
    Verifier.untrained(library.parity()).save(tmp_path)
    if torch.cuda.is_available():
        pytest.skip("CUDA is here")
    with pytest.raises(ValueError, match="CUDA is not available"):
        Verifier.load(tmp_path, device="cuda")


def test_train_config_precision_is_stored():
    assert TrainConfig(precision="bf16").to_dict()["precision"] == "bf16"
