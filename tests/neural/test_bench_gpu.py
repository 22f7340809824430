"""bench/gpu.py on a machine without CUDA: one table, every figure "not measured", exit 0."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import torch

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "gpu.py"


def test_without_cuda_nothing_is_measured_and_the_exit_status_is_0(monkeypatch, capsys):
    spec = importlib.util.spec_from_file_location("bench_gpu", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert module.main([]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows[0] == "| measure | result | note | target |"
    measures = [row.split(" | ")[0][2:] for row in rows[1:]]
    assert measures == [name for name, _, _ in module.ROWS]
    assert any("search" in m for m in measures) and any("time to target" in m for m in measures)
    assert all(row.split(" | ")[1] == "not measured" for row in rows[1:])
