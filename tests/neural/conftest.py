"""Shared fixtures for the neural tests: tiny configs that train in about a second.

The exact automaton is the oracle throughout: every expected answer comes
from :meth:`grammar.Grammar.accepts`, never from the code under test.
"""

from __future__ import annotations

import sys

import pytest
import torch

from grammar import library
from neural import TrainConfig, Verifier, train

# Real multi-process runs start torchrun and read /proc: Linux with torch.distributed.
needs_torchrun = pytest.mark.skipif(
    not torch.distributed.is_available() or sys.platform != "linux",
    reason="needs torch.distributed and /proc (Linux)",
)

# Parity (an even number of 1s) has members at every length, so 600 balanced words
# are plenty; eight GRU units learn it, long words included, in about ten epochs
# (with this clip, lr and update-gate init; the defaults are tuned for bigger networks).
# Checked on seeds 0-9: every one reached 100% validation accuracy within 11 epochs.
# Generalising past the training lengths depends on the seed: on seeds 0-5, seed 0 scored
# 77% on words of 13-42 symbols and seeds 1-5 at least 99%, so the fixture uses seed 1.
TINY = TrainConfig(n_examples=600, lengths=(0, 12), embedding=4, hidden=8, batch_size=16,
                   lr=0.03, grad_clip=1.0, update_bias=2.0, max_epochs=20, target_accuracy=1.0,
                   min_samples=0, threads=1, seed=1)


@pytest.fixture(autouse=True)
def _one_thread():
    # Reproducible CPU numerics, and no oversubscription under pytest-xdist.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def parity_verifier() -> Verifier:
    """A verifier trained on parity with the tiny settings."""
    return train(library.parity(), TINY, device="cpu", progress=False)
