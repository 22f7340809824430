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
import sys
import types
import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from neural.certify import Certificate, certify
    from neural.checkpoint import CheckpointError
    from neural.compare import Disagreement, Report, SetScore, compare
    from neural.config import TrainConfig
    from neural.data import Vocabulary
    from neural.device import resolve_device
    from neural.extract import Extraction, extract
    from neural.model import ModelConfig, RecurrentClassifier
    from neural.search import SearchReport, search
    from neural.train import DivergenceError, train
    from neural.verifier import Predictions, Verifier

__all__ = [
    "Certificate",
    "CheckpointError",
    "Disagreement",
    "DivergenceError",
    "Extraction",
    "ModelConfig",
    "Predictions",
    "RecurrentClassifier",
    "Report",
    "SearchReport",
    "SetScore",
    "TrainConfig",
    "Verifier",
    "Vocabulary",
    "certify",
    "compare",
    "extract",
    "resolve_device",
    "search",
    "train",
]

# Where each public name lives.
_HOMES = {
    "Certificate": "neural.certify",
    "certify": "neural.certify",
    "CheckpointError": "neural.checkpoint",
    "Disagreement": "neural.compare",
    "Report": "neural.compare",
    "SetScore": "neural.compare",
    "compare": "neural.compare",
    "TrainConfig": "neural.config",
    "Vocabulary": "neural.data",
    "resolve_device": "neural.device",
    "Extraction": "neural.extract",
    "extract": "neural.extract",
    "SearchReport": "neural.search",
    "search": "neural.search",
    "ModelConfig": "neural.model",
    "RecurrentClassifier": "neural.model",
    "DivergenceError": "neural.train",
    "train": "neural.train",
    "Predictions": "neural.verifier",
    "Verifier": "neural.verifier",
}


# Old spellings, still served with a DeprecationWarning: old name -> public name.
_DEPRECATED = {"GRUClassifier": "RecurrentClassifier"}


def __getattr__(name: str) -> Any:
    if name in _DEPRECATED:
        new = _DEPRECATED[name]
        warnings.warn(f"neural.{name} is deprecated; use neural.{new} (the same class)",
                      DeprecationWarning, stacklevel=2)
        return __getattr__(new)
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'neural' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """The package object, so that ``neural.train`` and its like stay functions.

    Loading the submodule :mod:`neural.train` makes Python set the package's
    attribute ``train`` to that module; the function of the same name keeps
    the place instead (the module stays in ``sys.modules``). Likewise for
    :mod:`neural.compare` and :mod:`neural.certify`.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _HOMES.get(name) == value.__name__:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
