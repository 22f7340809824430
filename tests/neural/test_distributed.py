"""Distributed training under torchrun with gloo on the CPU: shards, metrics, faults, resume.

The real runs start ``torchrun --standalone --nproc-per-node 2`` on a tiny
parity run. What each rank fed its network is recorded from outside the
trainer, by a forward pre-hook on every embedding (a public torch API), so
the disjointness of the shards is observed, not taken from the code under
test. The oracle for accuracy is a single-process run of the same budget.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from grammar import library
from neural import TrainConfig, Verifier, train
from neural.checkpoint import load_resume, read_training_words
from neural.distributed import (
    DEFAULT_TIMEOUT,
    DistributedError,
    all_agree,
    all_reduce_sum,
    data_parallel,
    even_shard,
    is_main,
    process_group,
    rank,
    rank_generator,
    shard,
    timeout_seconds,
    world_size,
)
from neural.targets import training_splits

from .conftest import TINY, needs_torchrun

# One rank of a run: train parity, then write what this rank fed the network in each
# epoch (validation runs in eval mode, so a switch back to training mode starts an epoch).
RANK_SCRIPT = '''
import json, os, sys
import torch
from grammar import library
from neural import TrainConfig, train

settings, out, resume = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3] == "resume"
stream = int(sys.argv[4]) if len(sys.argv) > 4 else None
epochs, last = [], {"training": False}

def record(module, args):
    if not isinstance(module, torch.nn.Embedding):
        return
    if module.training and not last["training"]:
        epochs.append([])
    last["training"] = module.training
    if module.training:  # one batch
        epochs[-1].append(["".join(str(i - 2) for i in row[1:] if i >= 2)
                           for row in args[0].tolist()])

torch.nn.modules.module.register_module_forward_pre_hook(record)
v = train(library.parity(), TrainConfig(**settings), device="cpu", out=out, resume=resume,
          progress=False, stream=stream)
with open(os.path.join(out, "rank%s.json" % os.environ["RANK"]), "w") as f:
    json.dump({"epochs": epochs, "metrics": v.metrics, "history": v.info["history"]}, f)
'''

# Accuracy of a 2-process run against a single-process run of the same budget (epochs over
# the same training split): within 5 points. Measured: both reach 100% on parity.
TOLERANCE = 0.05


def _torchrun(script: Path, config: TrainConfig, out: Path, mode: str = "fresh",
              env: dict | None = None, stream: int | None = None) -> subprocess.Popen:
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone",
               "--nproc-per-node", "2", str(script), json.dumps(config.to_dict()), str(out), mode]
    command += [] if stream is None else [str(stream)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "NEURAL_DIST_TIMEOUT": "30", **(env or {})})


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "rank.py"
    path.write_text(RANK_SCRIPT)
    return path


# -- one process: every helper is the identity ------------------------------------------------


def test_outside_torchrun_everything_is_one_process(monkeypatch):
    monkeypatch.delenv("WORLD_SIZE", raising=False)
    monkeypatch.delenv("RANK", raising=False)
    with process_group(torch.device("cpu")) as device:
        assert device == torch.device("cpu")
        assert (rank(), world_size(), is_main()) == (0, 1, True)
        assert all_reduce_sum([1.5, 2]) == [1.5, 2.0]
        assert all_agree(3.0)
        assert shard([1, 2, 3]) == [1, 2, 3]
    net = torch.nn.Linear(3, 1)
    x = torch.ones(4, 3)
    assert torch.equal(data_parallel(net, lambda m, b: m(b), device)(x), net(x))


def test_rank_env_decides_who_writes_after_the_group_is_gone(monkeypatch):
    monkeypatch.setenv("RANK", "1")
    assert not is_main()
    monkeypatch.setenv("RANK", "0")
    assert is_main()


@given(st.lists(st.integers(), max_size=40), st.integers(1, 6))
def test_shards_are_disjoint_and_cover_the_items(items, world):
    parts = [list(shard(items, rank=r, world=world)) for r in range(world)]
    positions = [list(shard(range(len(items)), rank=r, world=world)) for r in range(world)]
    assert sorted(p for part in positions for p in part) == list(range(len(items)))
    assert sorted(x for part in parts for x in part) == sorted(items)


@given(st.integers(0, 40), st.integers(1, 6))
def test_even_shards_are_disjoint_equal_and_drop_under_world_items(n, world):
    if 0 < n < world:
        with pytest.raises(ValueError, match="cannot be shared among"):
            even_shard(list(range(n)), rank=0, world=world)
        return
    parts = [list(even_shard(list(range(n)), rank=r, world=world)) for r in range(world)]
    assert len({len(p) for p in parts}) == 1
    used = sorted(x for p in parts for x in p)
    assert used == list(range(n // world * world))


def test_bad_rank_is_refused():
    with pytest.raises(ValueError, match=r"rank must be in \[0, 2\), got 2"):
        shard([1, 2], rank=2, world=2)


def test_rank_streams_are_reproducible_and_independent():
    draw = [rank_generator(5, r, w).integers(2**62, size=64) for r in (0, 1) for w in (0, 1)]
    again = [rank_generator(5, r, w).integers(2**62, size=64) for r in (0, 1) for w in (0, 1)]
    assert all(np.array_equal(a, b) for a, b in zip(draw, again, strict=True))
    values = np.concatenate(draw)
    assert len(set(values.tolist())) == len(values)  # no stream repeats another's draws


def test_timeout_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("NEURAL_DIST_TIMEOUT", raising=False)
    assert timeout_seconds() == DEFAULT_TIMEOUT
    monkeypatch.setenv("NEURAL_DIST_TIMEOUT", "12.5")
    assert timeout_seconds() == 12.5
    for bad in ("0", "-3", "soon"):
        monkeypatch.setenv("NEURAL_DIST_TIMEOUT", bad)
        with pytest.raises(DistributedError, match="NEURAL_DIST_TIMEOUT must be a positive"):
            timeout_seconds()


# -- real runs under torchrun ----------------------------------------------------------------


@needs_torchrun
def test_two_process_run_shards_disjointly_and_matches_one_process(script, tmp_path):
    out = tmp_path / "run"
    run = _torchrun(script, TINY, out)
    log, _ = run.communicate(timeout=150)
    assert run.returncode == 0, log[-3000:]
    ranks = [json.loads((out / f"rank{r}.json").read_text()) for r in (0, 1)]

    # The shards: in every epoch each rank trains on its own words, none on both, all of
    # them from the training split, the same number of steps each (so nobody waits).
    trained = set(read_training_words(out))
    assert len(ranks[0]["epochs"]) == len(ranks[1]["epochs"]) == ranks[0]["metrics"]["epochs"]
    for mine_batches, theirs_batches in zip(ranks[0]["epochs"], ranks[1]["epochs"],
                                            strict=True):
        assert len(mine_batches) == len(theirs_batches)
        mine = [w for batch in mine_batches for w in batch]
        theirs = [w for batch in theirs_batches for w in batch]
        assert len(set(mine)) == len(mine) and len(set(theirs)) == len(theirs)
        assert not set(mine) & set(theirs)
        assert set(mine) | set(theirs) <= trained
        assert len(set(mine) | set(theirs)) >= len(trained) - TINY.batch_size
    # The metrics were reduced over the ranks: every rank saw the same numbers.
    untimed = [[{k: v for k, v in row.items() if k != "seconds"} for row in r["history"]]
               for r in ranks]
    assert untimed[0] == untimed[1]
    assert ranks[0]["metrics"]["ranks"] == 2
    samples = ranks[0]["history"][0]["samples"]
    assert samples == sum(len(batch) for r in ranks for batch in r["epochs"][0])

    # Rank 0's checkpoint loads and scores as the run said, on the exact automaton's labels.
    g = library.parity()
    loaded = Verifier.load(out, device="cpu")
    words = [format(i, "b") for i in range(300)] + ["1" * 25, "0" * 30 + "1"]
    assert (loaded.accepts_many(words) == g.accepts_many(words)).mean() >= 1 - TOLERANCE

    # The same budget in one process: the same training split, as many epochs.
    single = train(g, replace(TINY, max_epochs=ranks[0]["metrics"]["epochs"],
                              target_accuracy=1.0), device="cpu", progress=False)
    for key in ("valid_accuracy", "test_accuracy"):
        assert abs(ranks[0]["metrics"][key] - single.metrics[key]) <= TOLERANCE, key


@pytest.mark.slow
@needs_torchrun
def test_two_processes_train_on_disjoint_streamed_words(script, tmp_path):
    out = tmp_path / "run"
    config = replace(TINY, max_epochs=3, long_range=0.0, target_accuracy=1.0,
                     min_samples=10**9)
    run = _torchrun(script, config, out, stream=300)
    log, _ = run.communicate(timeout=150)
    assert run.returncode == 0, log[-3000:]
    ranks = [json.loads((out / f"rank{r}.json").read_text()) for r in (0, 1)]
    _, valid, test = training_splits(library.parity(), config)
    held_out = set(valid.words) | set(test.words)
    streamed: set = set()
    for mine_batches, theirs_batches in zip(ranks[0]["epochs"], ranks[1]["epochs"],
                                            strict=True):
        assert len(mine_batches) == len(theirs_batches)  # the same steps on each rank
        mine = [w for batch in mine_batches for w in batch]
        theirs = [w for batch in theirs_batches for w in batch]
        assert len(mine) == len(theirs) == 150
        assert not set(mine) & set(theirs)
        assert all(0 <= len(w) <= 12 for w in mine + theirs)
        streamed |= set(mine) | set(theirs)
    assert [row["samples"] for row in ranks[0]["history"]] == [300, 600, 900]
    assert not streamed & held_out  # never trained on a validation or test word
    assert Verifier.load(out, device="cpu").metrics["streamed_per_epoch"] == 300


def _ranks_of(launcher: int) -> dict[int, int]:
    """Rank -> pid of the worker processes that torchrun `launcher` started."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/environ", "rb") as f:
                env = dict(x.split(b"=", 1) for x in f.read().split(b"\0") if b"=" in x)
        except (OSError, ValueError, IndexError):
            continue
        if parent == launcher and b"RANK" in env:
            found[int(env[b"RANK"])] = int(entry)
    return found


def _wait_for_epochs(out: Path, n: int, run: subprocess.Popen, limit: float = 90) -> int:
    log = out / "log.jsonl"
    end = time.monotonic() + limit
    while time.monotonic() < end:
        done = len(log.read_text().splitlines()) if log.exists() else 0
        if done >= n:
            return done
        if run.poll() is not None:
            pytest.fail(f"the run ended early:\n{run.communicate()[0][-3000:]}")
        time.sleep(0.1)
    run.kill()
    pytest.fail(f"no {n} epochs within {limit} s")


@needs_torchrun
def test_killing_one_rank_ends_the_job_and_resume_continues(script, tmp_path):
    out = tmp_path / "run"
    endless = replace(TINY, max_epochs=10_000, min_samples=10**9)  # never stops by itself
    run = _torchrun(script, endless, out)
    _wait_for_epochs(out, 2, run)
    ranks = _ranks_of(run.pid)
    assert sorted(ranks) == [0, 1]
    os.kill(ranks[1], signal.SIGKILL)
    killed = time.monotonic()
    try:
        log, _ = run.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        run.kill()
        pytest.fail("the job hung after one rank was killed")
    assert time.monotonic() - killed < 60
    assert run.returncode != 0
    # The launcher names the rank that died and how.
    assert "rank      : 1" in log and "SIGKILL" in log, log[-3000:]

    # The last committed epoch is loadable, and --resume continues from it.
    state = load_resume(out, library.parity(), endless)
    done = len(state.history)
    assert done >= 2
    more = replace(TINY, max_epochs=done + 1, target_accuracy=1.0, min_samples=10**9)
    run = _torchrun(script, more, out, "resume")
    log, _ = run.communicate(timeout=150)
    assert run.returncode == 0, log[-3000:]
    history = json.loads((out / "rank0.json").read_text())["history"]
    assert history[:done] == state.history
    assert [row["epoch"] for row in history] == list(range(1, done + 2))
    assert Verifier.load(out, device="cpu").metrics["epochs"] == done + 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _two_ranks_by_hand(out: Path, timeout: str) -> list[subprocess.Popen]:
    """Two ranks of ``neural train`` started without torchrun's agent (as on two machines)."""
    port = str(_free_port())
    procs = []
    for r in (0, 1):
        env = {**os.environ, "RANK": str(r), "LOCAL_RANK": str(r), "WORLD_SIZE": "2",
               "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": port, "NEURAL_DIST_TIMEOUT": timeout}
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "neural", "train", "parity", "--out", str(out), "--device",
             "cpu", "--examples", "600", "--lengths", "0-12", "--hidden", "8", "--max-epochs",
             "10000", "--target", "1.0", "--quiet"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env))
    return procs


@needs_torchrun
def test_a_survivor_stops_with_one_clear_line_when_its_peer_dies(tmp_path):
    out = tmp_path / "run"
    procs = _two_ranks_by_hand(out, "20")
    try:
        _wait_for_epochs(out, 1, procs[0])
        procs[1].kill()
        _, err = procs[0].communicate(timeout=60)
    finally:
        for p in procs:
            p.kill()
    assert procs[0].returncode == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err[-3000:]
    assert lines[0].startswith("neural: error: rank 0 of 2: lost contact with the other ranks")
    assert "continue with --resume" in lines[0]


@pytest.mark.slow
@needs_torchrun
def test_a_silent_peer_fails_the_run_at_the_timeout(tmp_path):
    out = tmp_path / "run"
    procs = _two_ranks_by_hand(out, "5")
    try:
        _wait_for_epochs(out, 1, procs[0])
        os.kill(procs[1].pid, signal.SIGSTOP)  # alive, but never answers
        stopped = time.monotonic()
        _, err = procs[0].communicate(timeout=60)
        waited = time.monotonic() - stopped
    finally:
        for p in procs:
            p.kill()
    assert procs[0].returncode == 2
    assert "did not answer within 5 s" in err
    assert waited < 30
