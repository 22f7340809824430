"""grammarlab's learned side: GRU verifiers trained on grammar samples.

Train a small GRU to tell a grammar's members from non-members, on the CPU or
on CUDA, then hold it against the exact automaton word by word. Uses torch
and :mod:`grammar`; :mod:`grammar` never imports this package.

The names below are loaded on first use, so ``import neural`` (and the
``neural`` command's ``--help``) does not import torch.

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

from __future__ import annotations

import importlib
import os
import sys
import warnings
from typing import TYPE_CHECKING, Any

from neural import moved

if TYPE_CHECKING:
    from neural.checkpoint import CheckpointError
    from neural.config import TrainConfig
    from neural.data import Vocabulary
    from neural.device import resolve_device
    from neural.judge.certify import Certificate, certify
    from neural.judge.common import Disagreement, Verdict
    from neural.judge.compare import Comparison, SetScore, compare
    from neural.judge.extract import Extraction, extract
    from neural.judge.search import SearchResult, search
    from neural.model import ModelConfig, RecurrentClassifier
    from neural.training import DivergenceError, train
    from neural.verifier import Predictions, Verifier

__all__ = [
    "Certificate",
    "CheckpointError",
    "Comparison",
    "Disagreement",
    "DivergenceError",
    "Extraction",
    "ModelConfig",
    "Predictions",
    "RecurrentClassifier",
    "SearchResult",
    "SetScore",
    "TrainConfig",
    "Verdict",
    "Verifier",
    "Vocabulary",
    "certify",
    "compare",
    "extract",
    "resolve_device",
    "search",
    "train",
]

# Where each public name lives, the judges' functions aside (below). No module shares its
# name with a function here (neural.search is the function, neural.judge.search its
# package; the old module paths are served by neural.moved).
_HOMES = {
    "CheckpointError": "neural.checkpoint",
    "TrainConfig": "neural.config",
    "Vocabulary": "neural.data",
    "resolve_device": "neural.device",
    "Certificate": "neural.judge.certify",
    "Disagreement": "neural.judge.common",
    "Verdict": "neural.judge.common",
    "Comparison": "neural.judge.compare",
    "SetScore": "neural.judge.compare",
    "Extraction": "neural.judge.extract",
    "SearchResult": "neural.judge.search",
    "ModelConfig": "neural.model",
    "RecurrentClassifier": "neural.model",
    "DivergenceError": "neural.training",
    "train": "neural.training",
    "Predictions": "neural.verifier",
    "Verifier": "neural.verifier",
}

# The judges: a package each under neural/judge/, whose function bears the package's name
# (neural.search is neural.judge.search.search). Read off the directory, importing nothing,
# so that a new judge's function is neural.<name> without a line here.
_JUDGE_DIR = os.path.join(os.path.dirname(__file__), "judge")
_JUDGE_FUNCTIONS = tuple(sorted(
    entry.name for entry in os.scandir(_JUDGE_DIR)
    if entry.is_dir() and os.path.isfile(os.path.join(entry.path, "__init__.py"))
))
__all__ += [name for name in _JUDGE_FUNCTIONS if name not in __all__]


# Old spellings, still served with a DeprecationWarning: old name -> public name.
_DEPRECATED = {"GRUClassifier": "RecurrentClassifier", "Report": "Comparison",
               "SearchReport": "SearchResult"}


def __getattr__(name: str) -> Any:
    if name in _DEPRECATED:
        new = _DEPRECATED[name]
        warnings.warn(f"neural.{name} is deprecated; use neural.{new} (the same class)",
                      DeprecationWarning, stacklevel=2)
        return __getattr__(new)
    home = _HOMES.get(name) or (f"neural.judge.{name}" if name in _JUDGE_FUNCTIONS else None)
    if home is None:
        if f"neural.{name}" in moved.MOVED:  # an old module path (neural.report): its stand-in
            return sys.modules[f"neural.{name}"]
        raise AttributeError(f"module 'neural' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


# The old module paths (neural.search, neural.train, ...), served with a DeprecationWarning.
moved.register()
