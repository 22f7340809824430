"""grammarlab's learned side: GRU verifiers trained on grammar samples.

Train a small GRU to tell a grammar's members from non-members, on the CPU or
on CUDA, then hold it against the exact automaton word by word. Imports
torch and :mod:`grammar`; :mod:`grammar` never imports this package.

Examples
--------
>>> from grammar import library
>>> from neural import TrainConfig, train, compare
>>> g = library.tomita(1)
>>> v = train(g, TrainConfig(n_examples=400, hidden=8, max_epochs=2), device="cpu",
...           progress=False)
>>> v.predict(["111", "101"]).shape
(2,)
"""

from neural.checkpoint import CheckpointError
from neural.compare import Disagreement, Report, SetScore, compare
from neural.data import Vocabulary
from neural.model import GRUClassifier, ModelConfig
from neural.train import DivergenceError, TrainConfig, train
from neural.verifier import Predictions, Verifier, resolve_device

__all__ = [
    "CheckpointError",
    "Disagreement",
    "DivergenceError",
    "GRUClassifier",
    "ModelConfig",
    "Predictions",
    "Report",
    "SetScore",
    "TrainConfig",
    "Verifier",
    "Vocabulary",
    "compare",
    "resolve_device",
    "train",
]
