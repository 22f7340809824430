"""The settings of a training run: :class:`TrainConfig`, stored with every checkpoint.

Every field is checked when the config is made, so that a bad value fails at
once with the field's name, not minutes into a run, and a config read back
from a checkpoint is as trustworthy as one written in code.

Examples
--------
>>> config = TrainConfig(hidden=16, max_epochs=3)
>>> config.model_config(vocab_size=9).hidden
16
>>> with_overrides(config, max_epochs=5, seed=None).max_epochs
5
>>> TrainConfig(n_examples=1)
Traceback (most recent call last):
...
ValueError: TrainConfig.n_examples must be >= 2 (one member, one non-member), got 1
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from neural.cells import CELLS
from neural.device import PRECISIONS
from neural.model import ModelConfig
from neural.recipes import RECIPES, recipe_changes

__all__ = ["TrainConfig", "with_overrides", "MIN_EXAMPLES", "TASKS", "UNTIL"]

#: The fewest labelled words a run may ask for: one member and one non-member.
MIN_EXAMPLES = 2

#: What a run trains the network to do (see :attr:`TrainConfig.task`).
TASKS = ("membership", "next_symbols")
# update_bias's default, which until="proved" replaces by 0.
_DEFAULT_UPDATE_BIAS = 5.0
#: What ``TrainConfig.until`` may ask for beyond the accuracy target.
UNTIL = ("proved",)


@dataclass(frozen=True)
class TrainConfig:
    """Everything that shapes a training run (stored in the checkpoint).

    Parameters
    ----------
    n_examples : int
        Labelled words drawn from :func:`grammar.datasets.make_dataset`,
        before the train/validation/test split; at least
        :data:`MIN_EXAMPLES`, since the words are drawn in member/non-member
        pairs.
    lengths : tuple of int
        Word lengths (inclusive) of the training data.
    negatives : dict
        Mix of negative kinds passed to ``make_dataset``.
    long_range : float
        Fraction of the near misses that are locally plausible (only
        far-away context rejects them, like embedded Reber's wrapper letter).
    split : tuple of float
        Train, validation and test fractions, summing to 1. A large
        validation split makes the early stop at 99.9% trustworthy; short
        epochs check it often.
    embedding, hidden, layers, dropout, update_bias, cell
        The network's shape, init and recurrent cell, one of
        :data:`~neural.cells.CELLS` (see :class:`~neural.model.ModelConfig`).
    batch_size : int
        Words per optimiser step.
    lr, weight_decay, grad_clip : float
        AdamW learning rate and weight decay; gradient-norm clip. The default
        clip is small enough to act on nearly every step, so each step's
        gradient reaches AdamW at the same norm and rare large gradients do
        not inflate its second-moment estimates. ``grad_clip=None`` does not
        clip. (The recipe names the optimiser: see `recipe`.)
    prefix_weight : float
        Weight of the per-prefix loss (member, and which symbols may come next,
        labelled by the automaton) against the whole-word loss; 0 trains on
        whole-word labels only. The default lets the prefixes dominate, which
        cuts the samples a run needs. Not used by the ``"next_symbols"`` task.
    max_epochs : int
        Passes over the training split at most.
    max_steps : int or None
        Optimiser steps at most; None for no limit.
    target_accuracy : float or None
        Stop once validation accuracy reaches this (for the
        ``"next_symbols"`` task: the fraction of validation words solved)...
        None never stops early: the run goes on to `max_epochs` (or
        `max_steps`).
    min_samples : int
        ...but not before this many training samples were seen: a language
        with few members per length (Tomita 1 and 2) gives a data set of a few
        dozen words, whose validation split says little.
    patience : int or None
        Stop after this many epochs in a row without a new best validation
        accuracy (once `min_samples` were seen), and keep the best epoch's
        weights: a language the network cannot learn to the target does not
        run on to `max_steps`. None never stops on a plateau.
    seed : int
        Seeds the data, the initial weights and the batch order.
    threads : int or None
        CPU threads for torch during the run; None uses
        :data:`neural.device.DEFAULT_THREADS`. The process-wide setting is
        restored when the run ends.
    task : {"membership", "next_symbols"}
        ``"membership"`` trains a verifier: whole-word labels plus the
        weighted per-prefix targets. ``"next_symbols"`` is the next-symbol
        prediction task of Hochreiter and Schmidhuber's LSTM paper: after
        every prefix the network predicts the set of legal next symbols and
        whether the word may end there, every target from the automaton, and
        the run stops on the fraction of validation words *solved* (every
        step's thresholded prediction right). Either way the result is a
        :class:`~neural.verifier.Verifier`: "may end here" after the last
        symbol is membership.
    precision : {"auto", "bf16", "fp32"}
        ``"auto"`` uses bf16 autocast on a CUDA GPU that has bf16, after one
        probe batch; if the recurrent kernel refuses bf16 the run warns once
        and continues in float32. ``"bf16"`` insists (on the CPU too, through
        CPU autocast); ``"fp32"`` never autocasts. Weights and checkpoints
        are float32 in every case.
    stream : int or None
        Train on this many fresh words per epoch (over all ranks), drawn
        straight from the grammar and labelled by its automaton
        (:mod:`neural.stream`), instead of the fixed training split of
        `n_examples`; only one epoch's words are held at a time. None (the
        default) trains on the fixed split. The validation and test splits
        come from `n_examples` either way, and are never streamed.
    recipe : str
        A named recipe of :mod:`neural.recipes`: ``"default"`` (grammarlab's,
        the defaults above) or ``"mlregtest"`` (the MLRegTest benchmark's
        network, optimiser and schedule). The recipe sets every field it
        names that was left at its default; a field given another value
        keeps it, but a field the recipe's network cannot do without (for
        ``"mlregtest"``: ``task``, ``prefix_weight``, ``weight_decay``)
        raises on a conflicting value. The config holds the values the run
        uses.
    until : {None, "proved"}
        ``"proved"`` goes on past the accuracy target, in rounds of training
        with a contraction penalty and certification
        (:mod:`neural.training.proving`), until :func:`neural.certify`
        proves the network or `prove_budget` is spent. It needs a one-layer
        GRU with the default recipe and the membership task, and starts the
        update gates at 0 (`update_bias` left at its default becomes 0: a
        gate held near 1 keeps its unit's value, which no box proof holds,
        and saturated there it barely learns).
    prove_budget : float
        Seconds of those rounds; the last certification may add 30 s.

    Raises
    ------
    TypeError
        If a field has the wrong type.
    ValueError
        If a field has a bad value; the message names the field.

    Examples
    --------
    >>> TrainConfig().hidden, TrainConfig(hidden=64).hidden
    (32, 64)
    >>> TrainConfig(batch_size=0)
    Traceback (most recent call last):
    ...
    ValueError: TrainConfig.batch_size must be a positive int, got 0
    >>> TrainConfig(task="next_symbols", cell="lstm").model_config(9).cell
    'lstm'
    >>> TrainConfig(task="next_symbol")
    Traceback (most recent call last):
    ...
    ValueError: TrainConfig.task must be one of 'membership', 'next_symbols', got 'next_symbol'
    """

    n_examples: int = 6000
    lengths: tuple[int, int] = (1, 30)
    negatives: dict[str, float] = field(
        default_factory=lambda: {"near_miss": 0.5, "random": 0.5}
    )
    long_range: float = 0.5
    split: tuple[float, float, float] = (0.6, 0.3, 0.1)
    embedding: int = 8
    hidden: int = 32
    layers: int = 1
    dropout: float = 0.0
    update_bias: float = _DEFAULT_UPDATE_BIAS
    batch_size: int = 32
    lr: float = 0.02
    weight_decay: float = 0.01
    grad_clip: float | None = 0.01
    prefix_weight: float = 100.0
    max_epochs: int = 1000
    max_steps: int | None = 10_000
    target_accuracy: float | None = 0.999
    min_samples: int = 8000
    patience: int | None = 10
    seed: int = 0
    threads: int | None = None
    task: str = "membership"
    cell: str = "gru"
    precision: str = "auto"
    stream: int | None = None
    recipe: str = "default"
    until: str | None = None
    prove_budget: float = 120.0

    def __post_init__(self) -> None:
        _check_choice("recipe", self.recipe, RECIPES)
        if self.recipe != "default" and self.cell in CELLS:  # a bad cell is named below
            defaults = {f.name: f.default for f in fields(self) if f.init}
            for name, value in recipe_changes(self.recipe, self.cell, asdict(self),
                                              defaults).items():
                object.__setattr__(self, name, value)
        for name in ("n_examples", "batch_size", "max_epochs", "embedding", "hidden", "layers"):
            _check_int(name, getattr(self, name), low=1)
        if self.n_examples < MIN_EXAMPLES:
            raise ValueError(
                f"TrainConfig.n_examples must be >= {MIN_EXAMPLES} (one member, one "
                f"non-member), got {self.n_examples}"
            )
        for name in ("max_steps", "threads", "stream", "patience"):
            if getattr(self, name) is not None:
                _check_int(name, getattr(self, name), low=1, none=True)
        _check_int("min_samples", self.min_samples, low=0)
        _check_int("seed", self.seed, low=0)
        object.__setattr__(self, "lengths", _lengths(self.lengths))
        object.__setattr__(self, "split", _split(self.split))
        object.__setattr__(self, "negatives", _negatives(self.negatives))
        _check_float("long_range", self.long_range, 0.0, 1.0)
        _check_float("dropout", self.dropout, 0.0, 1.0, open_high=True)
        _check_float("update_bias", self.update_bias)
        _check_float("lr", self.lr, 0.0, open_low=True)
        _check_float("weight_decay", self.weight_decay, 0.0)
        if self.grad_clip is not None:
            _check_float("grad_clip", self.grad_clip, 0.0, open_low=True)
        _check_float("prefix_weight", self.prefix_weight, 0.0)
        if self.target_accuracy is not None:
            _check_float("target_accuracy", self.target_accuracy, 0.0, 1.0, open_low=True)
        _check_choice("task", self.task, TASKS)
        _check_choice("cell", self.cell, CELLS)
        _check_choice("precision", self.precision, PRECISIONS)
        _check_float("prove_budget", self.prove_budget, 0.0, open_low=True)
        if self.until is not None:
            _check_choice("until", self.until, UNTIL)
            _check_provable(self)
            if self.update_bias == _DEFAULT_UPDATE_BIAS:  # a gate held near 1 is never proved
                object.__setattr__(self, "update_bias", 0.0)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able dict (tuples become lists).

        Examples
        --------
        >>> TrainConfig().to_dict()["lengths"]
        [1, 30]
        """
        return json.loads(json.dumps(asdict(self)))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrainConfig:
        """Inverse of :meth:`to_dict`; unknown keys raise ``TypeError``.

        Examples
        --------
        >>> TrainConfig.from_dict(TrainConfig(hidden=16).to_dict()) == TrainConfig(hidden=16)
        True
        >>> TrainConfig.from_dict({"hiden": 16})
        Traceback (most recent call last):
        ...
        TypeError: TrainConfig has no field 'hiden'
        """
        if not isinstance(data, Mapping):
            raise TypeError(f"TrainConfig.from_dict needs a mapping, not {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(str(k) for k in data if k not in known)
        if unknown:
            raise TypeError(f"TrainConfig has no field {unknown[0]!r}")
        return cls(**data)

    def model_config(self, vocab_size: int) -> ModelConfig:
        """The :class:`ModelConfig` for a vocabulary of `vocab_size` ids.

        Examples
        --------
        >>> TrainConfig(hidden=16).model_config(9).hidden
        16
        """
        return ModelConfig(vocab_size, self.embedding, self.hidden, self.layers, self.dropout,
                           self.update_bias, self.cell, self.recipe)


def with_overrides(config: TrainConfig, **changes: Any) -> TrainConfig:
    """`config` with the given fields replaced, ignoring None values.

    Examples
    --------
    >>> with_overrides(TrainConfig(), max_epochs=3, target_accuracy=None).max_epochs
    3
    """
    known = {f.name for f in fields(TrainConfig)}
    unknown = set(changes) - known
    if unknown:
        raise TypeError(f"TrainConfig has no field {sorted(unknown)[0]!r}")
    return replace(config, **{k: v for k, v in changes.items() if v is not None})


def _check_provable(config: TrainConfig) -> None:
    """Refuse ``until="proved"`` for a network that :func:`neural.certify` cannot prove."""
    why = {"cell": (config.cell, "gru"), "layers": (config.layers, 1),
           "recipe": (config.recipe, "default"), "task": (config.task, "membership")}
    for name, (value, needed) in why.items():
        if value != needed:
            raise ValueError(f"TrainConfig.until='proved' needs {name}={needed!r}, got "
                             f"{value!r}: only one-layer GRU verifiers with a linear head "
                             "get a proof")


def _check_int(name: str, value: Any, *, low: int, none: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        kind = "an int or None" if none else "an int"
        raise TypeError(f"TrainConfig.{name} must be {kind}, not {type(value).__name__}")
    if value < low:
        what = "a positive int" if low == 1 else f"an int >= {low}"
        raise ValueError(f"TrainConfig.{name} must be {what}, got {value!r}")


def _check_choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    if not isinstance(value, str):
        raise TypeError(f"TrainConfig.{name} must be a str, not {type(value).__name__}")
    if value not in choices:
        raise ValueError(f"TrainConfig.{name} must be one of {', '.join(map(repr, choices))}, "
                         f"got {value!r}")


def _check_float(
    name: str, value: Any, low: float | None = None, high: float | None = None, *,
    open_low: bool = False, open_high: bool = False,
) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"TrainConfig.{name} must be a number, not {type(value).__name__}")
    below = low is not None and (value <= low if open_low else value < low)
    above = high is not None and (value >= high if open_high else value > high)
    if not math.isfinite(value) or below or above:
        if low is None:
            where = "finite"
        elif high is None:
            where = f"{'>' if open_low else '>='} {low:g}"
        else:
            where = (f"in {'(' if open_low else '['}{low:g}, {high:g}"
                     f"{')' if open_high else ']'}")
        raise ValueError(f"TrainConfig.{name} must be {where}, got {value!r}")


def _pair(name: str, value: Any, size: int) -> tuple:
    if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__len__"):
        raise TypeError(f"TrainConfig.{name} must be a sequence of {size} numbers, "
                        f"not {type(value).__name__}")
    if len(value) != size:
        raise ValueError(f"TrainConfig.{name} must hold {size} numbers, got {len(value)}")
    return tuple(value)


def _lengths(value: Any) -> tuple[int, int]:
    low, high = _pair("lengths", value, 2)
    for bound in (low, high):
        if isinstance(bound, bool) or not isinstance(bound, int):
            raise TypeError(f"TrainConfig.lengths must be two ints, got {value!r}")
    if not 0 <= low <= high:
        raise ValueError(f"TrainConfig.lengths must be (low, high) with 0 <= low <= high, "
                         f"got {tuple(value)}")
    return int(low), int(high)


def _split(value: Any) -> tuple[float, float, float]:
    parts = _pair("split", value, 3)
    if any(isinstance(f, bool) or not isinstance(f, (int, float)) for f in parts):
        raise TypeError(f"TrainConfig.split must be three numbers, got {value!r}")
    parts = tuple(float(f) for f in parts)
    if (not all(math.isfinite(f) and f >= 0 for f in parts)
            or not math.isclose(sum(parts), 1.0, abs_tol=1e-6) or parts[0] == 0):
        raise ValueError("TrainConfig.split must be three fractions >= 0 summing to 1, with a "
                         f"training fraction above 0, got {parts}")
    return parts  # type: ignore[return-value]


def _negatives(value: Any) -> dict[str, float]:
    if not isinstance(value, Mapping):
        raise TypeError(f"TrainConfig.negatives must be a dict of kind -> weight, "
                        f"not {type(value).__name__}")
    for kind, weight in value.items():
        if not isinstance(kind, str):
            raise TypeError(f"TrainConfig.negatives has a key {kind!r} that is not a str")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)):
            raise TypeError(f"TrainConfig.negatives[{kind!r}] must be a number, got {weight!r}")
        if not (math.isfinite(weight) and weight >= 0):
            raise ValueError(f"TrainConfig.negatives[{kind!r}] must be >= 0, got {weight!r}")
    return dict(value)
