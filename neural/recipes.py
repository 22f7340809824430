"""Named training recipes: grammarlab's own, and MLRegTest's, described as data.

A recipe is everything about a run that is not the language or its data: the
network's head, its initialisation, the optimiser, the learning rate, the
batch, how many epochs and when to stop. ``TrainConfig(recipe=NAME)`` reads
the recipe called NAME from :data:`REGISTRY`; the model
(:class:`~neural.model.RecurrentClassifier`), the optimiser
(:func:`neural.optimizers.make_optimizer`) and the training loop read the
rest of it from there. The module imports no torch.

``"default"``
    grammarlab's recipe, the :class:`~neural.config.TrainConfig` defaults: a
    linear head on every prefix (``prefix_weight``), the "chrono" gate init,
    AdamW, a clipped gradient, length-bucketed batches, and an early stop at
    the target validation accuracy.
``"mlregtest"``
    The recipe of the MLRegTest benchmark (van der Poel et al., JMLR 2024),
    from the authors' Keras code (``src/neural_net/tensorflow/main.py`` and
    ``model.py`` of ``heinz-jeffrey/subregular-learning``): embedding =
    hidden, then ``Dense(64, relu) -> Dense(64, relu) -> Dropout ->
    LayerNorm(eps=1e-6) -> Dense(2) -> softmax`` on the state after the last
    symbol, cross-entropy on the whole-word label only, RMSprop, batches of
    64 drawn uniformly at random, 64 epochs, no early stop, the last epoch's
    weights. Dropout is also applied to the recurrent layer's input (Keras'
    ``GRU(dropout=...)``: one mask per word, the same at every step). The
    GRU has embedding = hidden = 32, dropout 0.1 and learning rate 1e-2; the
    LSTM embedding = hidden = 256, dropout 0 and learning rate 1e-4.

**How explicit settings combine with a recipe.** The recipe fills every
field it names that the caller left at its :class:`TrainConfig` default; a
field the caller set to anything else keeps the caller's value (explicit
wins), so ``TrainConfig(recipe="mlregtest", max_epochs=3)`` is the benchmark's
recipe cut to 3 epochs. A value equal to the default cannot be told from no
value, so it too gets the recipe's (ask ``TrainConfig(recipe="mlregtest",
lr=0.02)`` and the run uses 0.01); so does a value the recipe gives another
cell, so that ``dataclasses.replace(config, cell="lstm")`` on a GRU config of
the recipe gives the recipe's LSTM, not a GRU's settings on an LSTM. The
fields a recipe's network cannot do without (:attr:`Recipe.fixed`: the
benchmark's 2-way head answers whole words only) are filled the same way,
but a conflicting explicit value raises a ``ValueError`` naming the field.
The recipe is applied once, when the config is made: a saved config holds
the values the run used, and reads back the same.

**What the mlregtest recipe does not reproduce exactly** (Keras on
TensorFlow against torch):

- *RMSprop.* Keras' defaults are rho = 0.9, epsilon = 1e-7, with epsilon
  *inside* the square root (``lr * g / sqrt(v + eps)``); torch's
  ``RMSprop`` has alpha = 0.99, eps = 1e-8, outside it. The recipe uses
  :class:`neural.optimizers.KerasRMSprop`, which follows Keras' rule and
  defaults; what remains is float rounding.
- *Initial weights.* The same distributions as Keras' (embedding uniform in
  ±0.05, Glorot-uniform input and dense kernels, an orthogonal recurrent
  kernel over all gates together, zero biases, the LSTM's forget bias 1),
  but not the same numbers: TensorFlow's random streams are not torch's.
- *The GRU.* Keras 2's default ``reset_after=True`` is torch's formula (the
  reset gate multiplies the recurrent part after its bias), with the same
  two bias vectors; only the gate order inside the weights differs.
- *The LSTM.* Keras has one bias vector, torch two (``bias_ih`` and
  ``bias_hh``); the recipe keeps ``bias_hh`` at zero and frozen, so the
  trained parameters are Keras', but the checkpoint holds 4 x hidden more
  numbers.
- *Padding.* The authors pad every word to 64 symbols without a mask, so
  their network reads the padding after the word, and the word must be at
  most 64 long. Here the state after the word's last symbol is read, and
  words of any length are answered. The network reads a BOS symbol first
  (one more embedding row than theirs), as every grammarlab network does.
- *The loss.* Keras' binary cross-entropy on the two softmax outputs equals
  the two-class cross-entropy computed here from the logits, except that
  Keras clips the probabilities to [1e-7, 1 - 1e-7].
- *LayerNorm.* The authors set epsilon = 1e-6 (Keras' default is 1e-3,
  torch's 1e-5); the recipe uses 1e-6.
- *Validation.* Keras held out a separate validation file; here the
  validation split of ``TrainConfig.split`` is scored after every epoch but
  never stops the run.

Examples
--------
>>> RECIPES
('default', 'mlregtest')
>>> get_recipe("mlregtest").settings["lstm"]["hidden"]
256
>>> defaults = {"lr": 0.02, "max_epochs": 1000, "task": "membership", "prefix_weight": 100.0}
>>> recipe_changes("mlregtest", "gru", {**defaults, "max_epochs": 3}, defaults)["lr"]
0.01
>>> get_recipe("keras")
Traceback (most recent call last):
...
ValueError: unknown recipe 'keras': expected one of 'default', 'mlregtest'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from neural.cells import CELLS

__all__ = ["Recipe", "REGISTRY", "RECIPES", "get_recipe", "recipe_changes", "OPTIMIZERS",
           "INITS"]

#: The optimisers a recipe can name (built by :func:`neural.optimizers.make_optimizer`).
OPTIMIZERS = ("adamw", "keras_rmsprop")

#: The weight initialisations a recipe can name.
INITS = ("chrono", "keras")


@dataclass(frozen=True)
class Recipe:
    """One named recipe: the settings it gives a run, and the parts it builds.

    Attributes
    ----------
    name : str
        ``TrainConfig.recipe`` and ``ModelConfig.recipe``; ``neural train
        --recipe`` on the command line.
    summary : str
        One line for help texts.
    settings : mapping
        Cell name -> :class:`~neural.config.TrainConfig` field -> value: what
        the recipe sets for a network of that cell (explicit settings win).
    fixed : mapping
        Field -> ``(value, why)``: settings the recipe's network cannot do
        without; an explicit other value is an error that gives `why`.
    optimizer : str
        One of :data:`OPTIMIZERS`.
    bucket_factor : int
        Batches are drawn from pools of this many batches sorted by length
        (:func:`neural.data.bucket_batches`); 1 draws each batch uniformly
        at random, as Keras' ``fit`` does.
    head : tuple of int
        Widths of the dense ReLU layers between the recurrent state and the
        output; empty for grammarlab's linear head, which gives membership
        and next-symbol logits after every prefix. With dense layers the
        head ends in dropout, LayerNorm and a 2-way output whose softmax
        gives membership (:class:`neural.recipe_parts.DenseHead`).
    layer_norm_eps : float
        The LayerNorm's epsilon in a dense head.
    input_dropout : bool
        Drop the recurrent layer's inputs with ``dropout``, one mask per
        word, as Keras' ``GRU(dropout=...)`` does.
    init : str
        One of :data:`INITS`: ``"chrono"`` is torch's init with the
        state-keeping gate's biases raised (``update_bias``); ``"keras"``
        is Keras' initialisers (:func:`neural.recipe_parts.keras_init`).
    """

    name: str
    summary: str
    settings: Mapping[str, Mapping[str, Any]]
    fixed: Mapping[str, tuple[Any, str]] = field(default_factory=dict)
    optimizer: str = "adamw"
    bucket_factor: int = 16
    head: tuple[int, ...] = ()
    layer_norm_eps: float = 1e-5
    input_dropout: bool = False
    init: str = "chrono"

    def __post_init__(self) -> None:
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"recipe {self.name!r}: unknown optimizer {self.optimizer!r}")
        if self.init not in INITS:
            raise ValueError(f"recipe {self.name!r}: unknown init {self.init!r}")


# MLRegTest's settings from the authors' main.py: one list per network type.
_MLREGTEST_GRU = MappingProxyType({
    "embedding": 32, "hidden": 32, "layers": 1, "dropout": 0.1, "lr": 1e-2,
    "batch_size": 64, "max_epochs": 64, "max_steps": None, "target_accuracy": None,
    "patience": None, "grad_clip": None, "update_bias": 0.0,
})
_WHOLE_WORDS = "its 2-way head answers whole words only"

#: Every recipe, by name.
REGISTRY: Mapping[str, Recipe] = MappingProxyType({recipe.name: recipe for recipe in (
    Recipe("default", "grammarlab's: per-prefix targets, AdamW, early stop at the target "
           "or a plateau",
           settings={cell: MappingProxyType({}) for cell in CELLS}),
    Recipe(
        "mlregtest",
        "MLRegTest's: 2 dense layers, RMSprop, batch 64, 64 epochs, no early stop",
        settings=MappingProxyType({
            "gru": _MLREGTEST_GRU,
            "lstm": MappingProxyType({**_MLREGTEST_GRU, "embedding": 256, "hidden": 256,
                                      "dropout": 0.0, "lr": 1e-4}),
        }),
        fixed=MappingProxyType({
            "task": ("membership", _WHOLE_WORDS),
            "prefix_weight": (0.0, _WHOLE_WORDS),
            "weight_decay": (0.0, "Keras' RMSprop, as the benchmark ran it, has no weight decay"),
        }),
        optimizer="keras_rmsprop", bucket_factor=1, head=(64, 64), layer_norm_eps=1e-6,
        input_dropout=True, init="keras",
    ),
)})

#: The names of the recipes.
RECIPES: tuple[str, ...] = tuple(REGISTRY)


def get_recipe(name: str) -> Recipe:
    """The recipe called `name`.

    Raises
    ------
    TypeError
        If `name` is not a string.
    ValueError
        If no recipe has that name.

    Examples
    --------
    >>> get_recipe("default").optimizer
    'adamw'
    """
    if not isinstance(name, str):
        raise TypeError(f"a recipe name must be a str, not {type(name).__name__}")
    recipe = REGISTRY.get(name)
    if recipe is None:
        raise ValueError(f"unknown recipe {name!r}: expected one of "
                         f"{', '.join(map(repr, RECIPES))}")
    return recipe


def recipe_changes(
    name: str, cell: str, current: Mapping[str, Any], defaults: Mapping[str, Any]
) -> dict[str, Any]:
    """The fields recipe `name` changes in a config, under the rule in the module docstring.

    Parameters
    ----------
    name, cell : str
        The recipe and the recurrent cell of the run.
    current : mapping
        The config's fields as the caller gave them.
    defaults : mapping
        :class:`~neural.config.TrainConfig`'s defaults: a field still at its
        default (or at the value the recipe gives another cell) takes the
        recipe's value.

    Returns
    -------
    dict
        Field -> the value the run uses instead of the caller's.

    Raises
    ------
    ValueError
        If a field the recipe fixes was set to another value (naming it as
        ``TrainConfig.<field>``), or the recipe has no settings for `cell`.

    Examples
    --------
    >>> defaults = {"lr": 0.02, "task": "membership", "prefix_weight": 100.0}
    >>> try:
    ...     recipe_changes("mlregtest", "gru", {**defaults, "prefix_weight": 1.0}, defaults)
    ... except ValueError as err:
    ...     print(str(err)[:62])
    TrainConfig.prefix_weight must be 0.0 with recipe 'mlregtest'
    """
    recipe = get_recipe(name)
    if cell not in recipe.settings:
        raise ValueError(f"recipe {name!r} has no settings for cell {cell!r} (it has "
                         f"{', '.join(map(repr, recipe.settings))})")
    wanted = {**recipe.settings[cell], **{k: v for k, (v, _) in recipe.fixed.items()}}

    def unset(key: str) -> bool:
        # The default, or what this recipe gives another cell (filled in before a cell change).
        others = (s[key] for c, s in recipe.settings.items() if c != cell and key in s)
        return current[key] == defaults[key] or any(current[key] == v for v in others)

    changes = {k: v for k, v in wanted.items() if k in current and unset(k)}
    for key, (value, why) in recipe.fixed.items():
        mine = changes.get(key, current.get(key, value))
        if mine != value:
            raise ValueError(f"TrainConfig.{key} must be {value!r} with recipe {name!r} "
                             f"({why}), got {mine!r}")
    return changes
