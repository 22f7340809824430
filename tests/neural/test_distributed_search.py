"""The search and the comparison shared among ranks: the same report as one process.

Oracles: the disagreements of every word in scope, found by running the
network on each word alone (``Verifier.predict``) and judging it with
``Grammar.accepts``; and a single process's report, field by field. The
shared walks are run in one process (every rank's part in turn) and for
real under ``torchrun --nproc-per-node 2`` with gloo.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from grammar import library, random_grammar
from neural import TrainConfig, train
from neural.judge.search.scope import Scope
from neural.judge.search.stepper import stepper_for
from neural.judge.search.trie import Tally, walk
from neural.verifier import Verifier

from .conftest import needs_torchrun


def shared_walk(verifier, g, max_length, exhaustive, world, chunk=8, keep=5):
    """Every rank's part of the walk, run here one after the other, then merged."""
    scope = Scope.build(g, verifier.alphabet)
    split = scope.split_depth(max_length, exhaustive, world)
    parts = [walk(stepper_for(verifier), scope, max_length=max_length, exhaustive=exhaustive,
                  chunk=chunk, keep=keep, part=(r, world), split=split).to_plain()
             for r in range(world)]
    # What travels between ranks is JSON: send it through JSON here too.
    return Tally.merge(json.loads(json.dumps(parts)), scope.alphabet, keep)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10**6), world=st.integers(2, 4),
       max_length=st.integers(0, 7), exhaustive=st.integers(0, 7),
       chunk=st.sampled_from([3, 8, 64]))
def test_shared_walks_add_up_to_one_walk(seed, world, max_length, exhaustive, chunk):
    exhaustive = min(exhaustive, max_length)
    g = random_grammar(6, "ab", seed=seed)
    verifier = Verifier.untrained(g, seed=seed % 7)
    scope = Scope.build(g, verifier.alphabet)
    one = walk(stepper_for(verifier), scope, max_length=max_length, exhaustive=exhaustive,
               chunk=chunk, keep=5)
    shared = shared_walk(verifier, g, max_length, exhaustive, world, chunk=chunk)
    assert np.array_equal(shared.checked, one.checked)
    assert np.array_equal(shared.disagreed, one.disagreed)
    assert shared.nodes == one.nodes
    assert {n: [f.symbols for f in found] for n, found in shared.found.items()} == {
        n: [f.symbols for f in found] for n, found in one.found.items()}


def test_shared_walk_finds_what_brute_force_finds():
    g = library.tomita(3)
    verifier = Verifier.untrained(g, seed=0)
    max_length = 7
    words = ["".join(w) for n in range(max_length + 1)
             for w in itertools.product(verifier.alphabet, repeat=n)]
    wrong = (verifier.predict(words) > 0.5) != g.accepts_many(words)
    tally = shared_walk(verifier, g, max_length, max_length, world=3, keep=1000)
    assert int(tally.disagreed.sum()) == int(wrong.sum())
    assert int(tally.checked.sum()) == len(words)
    found = sorted("".join(f.symbols) for fs in tally.found.values() for f in fs)
    assert found == sorted(w for w, bad in zip(words, wrong, strict=True) if bad)


def _untimed(value):
    """A report without its timings (the one thing two runs need not share)."""
    if isinstance(value, dict):
        return {k: _untimed(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [_untimed(v) for v in value]
    return value


def _neural(*args, ranks=1):
    launcher = ([sys.executable, "-m", "torch.distributed.run", "--standalone",
                 "--nproc-per-node", str(ranks), "-m", "neural"] if ranks > 1
                else [sys.executable, "-m", "neural"])
    return subprocess.run([*launcher, *args], capture_output=True, text=True, timeout=240,
                          env={**os.environ, "NEURAL_DIST_TIMEOUT": "60"})


@needs_torchrun
def test_two_process_search_and_eval_report_what_one_process_reports(tmp_path):
    # An untrained network disagrees with Tomita 3 on many words: plenty to compare.
    Verifier.untrained(library.tomita(3), seed=0).save(tmp_path / "v")
    search = ["search", str(tmp_path / "v"), "--max-length", "12", "--exhaustive", "8",
              "--json", "--quiet", "--device", "cpu"]
    one, two = _neural(*search), _neural(*search, ranks=2)
    assert one.returncode == 1 and two.returncode == 1, two.stderr[-3000:]
    single, shared = json.loads(one.stdout), json.loads(two.stdout)
    assert single["n_disagreements"] > 100
    assert _untimed(shared) == _untimed(single)

    # A network trained briefly on short words: its search (up to the training length)
    # fits the budget whole, so both runs check the same words.
    config = TrainConfig(n_examples=200, lengths=(0, 9), hidden=4, max_epochs=1, min_samples=0)
    train(library.tomita(3), config, device="cpu", out=tmp_path / "t", progress=False)
    evaluate = ["eval", str(tmp_path / "t"), "--n-per-set", "60", "--search", "--json",
                "--device", "cpu"]
    one, two = _neural(*evaluate), _neural(*evaluate, ranks=2)
    assert one.returncode == 0 and two.returncode == 0, two.stderr[-3000:]
    single, shared = json.loads(one.stdout), json.loads(two.stdout)
    assert single["search"]["exhaustive_length"] == 9 and not single["search"]["stopped"]
    assert _untimed(shared) == _untimed(single)
