"""A suite spec's ``size``: MLRegTest's data at one of its sizes, as TrainConfig fields.

The oracle is the benchmark's protocol as its README states it: Small = 1,000
and Mid = 10,000 training words, at lengths 20-29, half members and half not,
and a development set as large.
"""

from __future__ import annotations

import pytest

from neural.suite import SpecError, parse_spec

SPEC = """
[grammars]
builtin = ["parity"]
{train}
[[models]]
name = "a"
{model}
[[models]]
name = "b"
"""


def models(model: str = "", train: str = "") -> list:
    return parse_spec(SPEC.format(model=model, train=train), where="s.toml").models


@pytest.mark.parametrize(("size", "words"), [("small", 1_000), ("mid", 10_000),
                                             ("large", 100_000)])
def test_a_size_is_the_benchmarks_training_and_development_sets(size, words):
    a, b = models(model=f'size = "{size}"')
    assert (a.size, b.size) == (size, None)
    config = a.config
    assert config.lengths == (20, 29)
    assert dict(config.negatives) == {"random": 1.0}
    train, valid, test = (round(config.n_examples * f) for f in config.split)
    assert (train, valid, test) == (words, words, 0)
    assert b.config.n_examples != a.config.n_examples  # the other model keeps its own data


def test_a_size_in_train_is_every_models():
    a, b = models(train='[train]\nsize = "small"\nhidden = 8\n')
    assert (a.size, b.size) == ("small", "small")
    assert a.config.n_examples == b.config.n_examples == 2_000 and a.config.hidden == 8
    a, b = models(model='size = "mid"', train='[train]\nsize = "small"\n')
    assert (a.size, b.size) == ("mid", "small")


@pytest.mark.parametrize(("model", "train", "fragments"), [
    ('size = "medium"', "", ["models[0].size", "'small', 'mid', 'large'", "'medium'"]),
    ("size = 1000", "", ["models[0].size", "not 1000"]),
    ('size = "small"\nn_examples = 500', "", ["models[0].size", "give size or n_examples"]),
    ('size = "small"\nlengths = [1, 9]', "", ["models[0].size", "give size or lengths"]),
    ("", '[train]\nsize = "small"\nsplit = [0.8, 0.2, 0.0]\n',
     ["train.size", "give size or split"]),
    ("negatives = {random = 1.0}", '[train]\nsize = "small"\n',
     ["models[0] (with train.size)", "give size or negatives"]),
])
def test_bad_sizes_name_the_key(model, train, fragments):
    with pytest.raises(SpecError) as caught:
        models(model=model, train=train)
    assert str(caught.value).startswith("s.toml: ")
    for fragment in fragments:
        assert fragment in str(caught.value)
