"""Training a verifier: :func:`train` and what it raises.

The loop is :mod:`~neural.training.loop`; what the network learns from
(:mod:`neural.targets`), when it stops (:mod:`neural.stopping`) and the
streamed data (:mod:`neural.stream`) sit beside it for now.

Examples
--------
>>> from grammar import library
>>> config = TrainConfig(n_examples=200, hidden=4, max_epochs=1, lengths=(0, 6))
>>> train(library.parity(), config, device="cpu", progress=False).alphabet
('0', '1')
"""

from neural.training.loop import (
    DivergenceError,
    TrainConfig,
    train,
    training_splits,
    with_overrides,
)

__all__ = ["train", "DivergenceError", "TrainConfig", "training_splits", "with_overrides"]
