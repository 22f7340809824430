"""The streaming data set: true labels, disjoint shards, reproducible, flat memory.

Labels are checked against hand-derived regexes (``re.fullmatch``) and Python
predicates, not against the automaton the stream itself uses.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader

import neural.stream as stream_module
from grammar import EmptyLanguageError, library
from neural.stream import GrammarStream, shard_of

PARITY = re.compile(r"0*(10*10*)*")  # an even number of 1s


def _words(stream, limit=None):
    return [w for b in itertools.islice(stream, limit) for w in b["words"]]


def test_every_label_is_true_and_the_tensors_match_the_words():
    g = library.parity()
    stream = GrammarStream(g, batch_size=16, lengths=(2, 9), samples=3000, seed=1,
                           with_words=True)
    total = members = 0
    for batch in stream:
        words, labels = batch["words"], batch["labels"].numpy()
        truth = np.array([PARITY.fullmatch(w) is not None for w in words])
        assert np.array_equal(labels.astype(bool), truth)
        assert all(2 <= len(w) <= 9 for w in words)
        # ids: BOS, then '0' -> 2 and '1' -> 3, then PAD; lengths count BOS.
        assert batch["lengths"].tolist() == [len(w) + 1 for w in words]
        for row, w in zip(batch["ids"].tolist(), words, strict=True):
            assert row[: len(w) + 1] == [1] + [2 + int(c) for c in w]
        # The per-prefix target after the last symbol is the word's own label.
        last = batch["steps"] - 1
        assert torch.equal(batch["prefix"][torch.arange(len(words)), last, 0], batch["labels"])
        total += len(words)
        members += int(truth.sum())
    assert total == 3000
    assert 0.45 <= members / total <= 0.55  # half members, by construction per block


def test_near_misses_and_random_negatives_on_a_long_range_grammar():
    g = library.tomita(4)  # no three 0s in a row
    stream = GrammarStream(g, batch_size=64, lengths=(3, 14), samples=2000, seed=2,
                           negatives={"near_miss": 1.0}, with_words=True)
    batches = list(stream)
    words = [w for b in batches for w in b["words"]]
    labels = torch.cat([b["labels"] for b in batches]).numpy().astype(bool)
    assert np.array_equal(labels, np.array(["000" not in w for w in words]))
    assert labels.mean() == pytest.approx(0.5, abs=0.05)
    # Every negative is a near miss: one edit (by brute force) makes it a member.
    for w in words:
        if "000" in w:
            assert any("000" not in e for e in _one_edit(w)), w


def _one_edit(w: str) -> set[str]:
    edits = {w[:i] + w[i + 1:] for i in range(len(w))}
    edits |= {w[:i] + c + w[i + 1:] for i in range(len(w)) for c in "01"}
    edits |= {w[:i] + c + w[i:] for i in range(len(w) + 1) for c in "01"}
    edits |= {w[:i] + w[i + 1] + w[i] + w[i + 2:] for i in range(len(w) - 1)}
    return edits


def test_token_grammar_streams_and_labels_tuples():
    g = library.file_protocol()
    stream = GrammarStream(g, batch_size=8, lengths=(2, 6), samples=64, seed=0,
                           with_words=True)
    batches = list(stream)
    words = [w for b in batches for w in b["words"]]
    labels = torch.cat([b["labels"] for b in batches]).numpy().astype(bool)
    assert all(isinstance(w, tuple) for w in words)
    assert np.array_equal(labels, np.array([g.accepts(w) for w in words]))


def test_the_same_seed_gives_the_same_words_and_epochs_differ():
    g = library.embedded_reber()

    def draw(epoch):
        s = GrammarStream(g, batch_size=32, lengths=(9, 20), samples=256, seed=4,
                          with_words=True)
        s.set_epoch(epoch)
        return _words(s)

    assert draw(0) == draw(0)
    assert draw(0) != draw(1)


def test_workers_and_ranks_never_share_a_word():
    g = library.parity()
    seen = {}
    for r in range(2):
        stream = GrammarStream(g, batch_size=32, lengths=(4, 16), samples=4000, seed=3,
                               with_words=True, rank=r, world=2, block=512)
        loader = DataLoader(stream, batch_size=None, num_workers=2)
        per_worker: dict[int, list] = {}
        for batch in loader:
            # Worker of each batch: its words all hash to one shard (rank * workers + worker).
            shards = set(shard_of(batch["words"], 4).tolist())
            assert len(shards) == 1
            per_worker.setdefault(shards.pop(), []).extend(batch["words"])
        for shard, words in per_worker.items():
            assert shard // 2 == r
            seen[shard] = set(words)
    assert sorted(seen) == [0, 1, 2, 3]
    for a, b in itertools.combinations(seen, 2):
        assert not seen[a] & seen[b]


def test_the_budget_is_split_exactly_over_ranks_and_workers():
    g = library.tomita(3)
    totals = []
    for r in range(3):
        s = GrammarStream(g, batch_size=10, lengths=(1, 12), samples=1001, seed=0, rank=r,
                          world=3, block=256)
        loader = DataLoader(s, batch_size=None, num_workers=2)
        totals.append(sum(len(b["labels"]) for b in loader))
    assert totals == [334, 334, 333]


def test_independent_streams_without_disjoint_are_still_distinct_streams():
    g = library.parity()
    a = _words(GrammarStream(g, lengths=(10, 20), samples=256, seed=0, rank=0, world=2,
                             disjoint=False, with_words=True))
    b = _words(GrammarStream(g, lengths=(10, 20), samples=256, seed=0, rank=1, world=2,
                             disjoint=False, with_words=True))
    assert len(a) == len(b) == 128 and a != b  # the 256 words are shared by the two ranks


def _resident_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc (Linux)")
def test_memory_stays_flat_over_many_batches():
    g = library.parity()
    stream = iter(GrammarStream(g, batch_size=64, lengths=(1, 30), seed=0))
    for _ in range(200):
        next(stream)
    early = _resident_bytes()
    for _ in range(2400):  # 153,600 more words, about 19 blocks
        next(stream)
    # Keeping the words would take about 12 MB, keeping the batches about 100 MB.
    assert _resident_bytes() - early < 4_000_000


def test_shard_of_is_the_same_in_another_process():
    words = ["", "0", "1", "0110", "10" * 20]
    here = shard_of(words, 7).tolist()
    code = ("from neural.stream import shard_of; "
            f"print(shard_of({words!r}, 7).tolist())")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    there = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=env, check=True).stdout.strip()
    assert there == str(here)


def test_a_shard_without_words_says_so():
    g = library.parity()  # length 1: member '0', non-member '1'
    k = next(k for k in range(2, 64) if len(set(shard_of(["0", "1"], k).tolist())) == 1)
    empty = next(r for r in range(k) if r != shard_of(["0"], k)[0])
    stream = GrammarStream(g, lengths=(1, 1), samples=10, seed=0, rank=empty, world=k,
                           block=8)
    with pytest.raises(ValueError, match=f"shard {empty} of {k} .* kept no word"):
        next(iter(stream))


def test_a_generator_that_lies_is_caught_by_the_automaton(monkeypatch):
    g = library.parity()
    monkeypatch.setattr(stream_module, "sample_uniform", lambda g, n, lengths, seed: ["1"] * n)
    with pytest.raises(RuntimeError, match="'1' is not a member, but it was drawn as"):
        next(iter(GrammarStream(g, lengths=(1, 5), samples=10, seed=0)))


def test_bad_arguments_are_refused():
    g = library.parity()
    with pytest.raises(TypeError, match="needs a Grammar"):
        GrammarStream("parity")
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        GrammarStream(g, batch_size=0)
    with pytest.raises(ValueError, match="rank must be below world=2"):
        GrammarStream(g, rank=2, world=2)
    with pytest.raises(EmptyLanguageError):
        GrammarStream(library.tomita(2), lengths=(3, 3))  # (10)*: nothing of odd length


# -- training on streamed words ----------------------------------------------------------------


def _untimed(history):
    return [{k: v for k, v in row.items() if k != "seconds"} for row in history]


def test_training_on_a_streamed_budget_learns_and_resumes_exactly(tmp_path):
    from dataclasses import replace

    from neural import train

    from .conftest import TINY

    g = library.parity()
    # Every near miss of parity is long-range (no window tells), so drawing them is slow:
    # the streamed epochs ask for ordinary ones.
    config = replace(TINY, max_epochs=12, long_range=0.0)
    v = train(g, config, device="cpu", progress=False, stream=400)
    history = v.info["history"]
    assert [row["samples"] for row in history] == [400 * (k + 1) for k in range(len(history))]
    assert v.metrics["streamed_per_epoch"] == 400 and v.training_words == []
    words = [format(i, "b") for i in range(200)]
    assert (v.accepts_many(words) == np.array([PARITY.fullmatch(w) is not None
                                               for w in words])).mean() >= 0.95

    # Interrupted after 2 epochs and resumed to 3: the same words, the same run.
    short = replace(config, max_epochs=2, target_accuracy=1.0, min_samples=10**9)
    train(g, short, device="cpu", progress=False, out=tmp_path, stream=200)
    resumed = train(g, replace(short, max_epochs=3), device="cpu", progress=False,
                    out=tmp_path, resume=True, stream=200)
    whole = train(g, replace(short, max_epochs=3), device="cpu", progress=False, stream=200)
    assert _untimed(resumed.info["history"]) == _untimed(whole.info["history"])
