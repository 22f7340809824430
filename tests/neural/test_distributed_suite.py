"""A suite shared among processes: the same table as one process, and resume after a kill.

Oracles: a single process's rows for the same spec, column by column (all
but the timings); the file system for "not rerun"; a real ``kill -9`` of the
whole ``torchrun`` job.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from neural.distributed import DistributedError
from neural.suite import ROW, RUNS, Part, parse_spec, read_results, run_suite
from neural.suite.shards import announce

from .conftest import needs_torchrun
from .test_suite import TRAIN

SPEC = """
name = "shared"
seeds = [0]
[grammars]
builtin = ["parity", "tomita-2", "tomita-1", "tomita-4"]
[[models]]
name = "tiny"
hidden = 8
""" + TRAIN
TIMINGS = ("seconds", "run_seconds")


def _untimed(rows):
    return [{k: v for k, v in row.items() if k not in TIMINGS} for row in rows]


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    """The rows one process writes for SPEC."""
    out = tmp_path_factory.mktemp("single") / "suite"
    return run_suite(parse_spec(SPEC), out, progress=False)


def test_parts_are_disjoint_and_cover_every_run():
    runs = list(range(11))
    parts = [Part(i, 3).select(runs) for i in range(3)]
    assert sorted(x for part in parts for x in part) == runs
    assert Part.parse(" 2 / 3 ") == Part(2, 3)
    for bad in ("3/3", "-1/2", "1", "a/b", "1/0"):
        with pytest.raises(ValueError, match="shard must be i/n"):
            Part.parse(bad)
    with pytest.raises(TypeError):
        Part(True, 2)


def test_job_array_parts_give_the_table_of_one_process(single, tmp_path):
    out = tmp_path / "suite"
    first = run_suite(parse_spec(SPEC), out, progress=False, shard="1/2")
    assert [r["grammar"] for r in first] == ["tomita-2", "tomita-4"]  # runs 1 and 3 only
    run_suite(parse_spec(SPEC), out, progress=False, shard="0/2")
    assert _untimed(read_results(out)["rows"]) == _untimed(single)


def test_shard_and_torchrun_together_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "0")
    with pytest.raises(ValueError, match="--shard and torchrun"):
        run_suite(parse_spec(SPEC), tmp_path / "suite", progress=False, shard="0/2")


def test_rank_0_stops_when_the_suite_directory_is_not_shared(tmp_path, monkeypatch):
    # Rank 1 wrote its marker on another machine's disk: rank 0 never sees it.
    monkeypatch.setenv("NEURAL_DIST_TIMEOUT", "1")
    announce(tmp_path, Part(1, 3))
    began = time.monotonic()
    with pytest.raises(DistributedError, match=r"rank 0 of 3: no sign of rank 2 in .*shares"):
        announce(tmp_path, Part(0, 3))
    assert time.monotonic() - began < 30


def _torchrun_suite(spec: Path, out: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node",
               "2", "-m", "neural", "suite", str(spec), "--out", str(out), "--quiet"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "NEURAL_DIST_TIMEOUT": "60"})


def _tree(pid: int) -> list[int]:
    """`pid` and every process below it, from /proc (torchrun's ranks get sessions of their own,
    so a process-group kill would miss them)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo += children.get(found[-1], [])
    return found


@needs_torchrun
def test_two_process_suite_gives_one_process_table_and_resumes_after_kill_9(single, tmp_path):
    spec = tmp_path / "spec.toml"
    spec.write_text(SPEC, encoding="utf-8")
    out = tmp_path / "out"
    job = _torchrun_suite(spec, out)
    deadline = time.monotonic() + 300
    try:
        while not list(out.glob(f"{RUNS}/*/{ROW}")):
            assert job.poll() is None, job.communicate()
            assert time.monotonic() < deadline, "no run finished in 300 s"
            time.sleep(0.01)
    finally:
        for pid in _tree(job.pid):  # the launcher and both ranks, mid-suite, as a scheduler would
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        job.communicate()
    done = sorted(out.glob(f"{RUNS}/*/{ROW}"))
    assert 1 <= len(done) < 4, "the kill came after the suite had finished"
    before = {p.parent.name: (p.read_bytes(), (p.parent / "model.safetensors").stat().st_mtime_ns)
              for p in done}

    again = _torchrun_suite(spec, out)
    stdout, stderr = again.communicate(timeout=600)
    assert again.returncode == 0, stderr[-3000:]
    rows = read_results(out)["rows"]
    assert _untimed(rows) == _untimed(single)
    for run_id, (row_bytes, stamp) in before.items():  # finished before the kill: untouched
        assert (out / RUNS / run_id / ROW).read_bytes() == row_bytes
        assert (out / RUNS / run_id / "model.safetensors").stat().st_mtime_ns == stamp
        assert json.loads(row_bytes) in rows
    assert stdout.count("| tomita-4 |") == 1  # rank 0 alone prints the table
