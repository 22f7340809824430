"""The report against the automaton, checked with verifiers whose answers we know."""

from __future__ import annotations

import json

import numpy as np
import pytest

from grammar import GrammarError, library
from neural import Verifier, compare

G = library.embedded_reber()


class Scripted(Verifier):
    """A verifier whose answer is a Python function of the word: a known oracle."""

    def __init__(self, g, rule):
        base = Verifier.untrained(g)
        super().__init__(base.model, base.vocab, device="cpu", info=base.info)
        self.rule = rule

    def predict(self, words, *, batch_size=None):
        return np.array([float(self.rule(w)) for w in words], dtype=np.float32)


@pytest.fixture(scope="module")
def perfect():
    return compare(Scripted(G, G.accepts), G, n_per_set=120, seed=3)


@pytest.fixture(scope="module")
def yes():
    return compare(Scripted(G, lambda w: True), G, n_per_set=120, seed=3)


def test_perfect_verifier(perfect):
    assert perfect.accuracy == 1.0 and perfect.n_disagreements == 0
    for score in perfect.sets.values():
        assert score.accuracy == 1.0
        assert score.false_positive_rate == 0.0 and score.false_negative_rate == 0.0
    assert set(perfect.by_kind) >= {"member", "random"}
    assert all(acc == 1.0 for _, acc in perfect.by_length.values())
    assert perfect.same_language and perfect.train_lengths == (1, 30)
    assert perfect.long_lengths == (31, 60)
    assert min(perfect.by_length) >= 8 and max(perfect.by_length) <= 61  # near misses: +-1


def test_always_yes(yes):
    for score in yes.sets.values():
        assert score.false_positive_rate == 1.0 and score.false_negative_rate == 0.0
        assert score.accuracy == pytest.approx(score.members / score.words)
    assert yes.by_kind["member"][1] == 1.0 and yes.by_kind["random"][1] == 0.0


def test_disagreements_are_the_shortest_and_explained(yes):
    d = yes.disagreements
    assert len(d) == 10 and yes.n_disagreements > 10
    assert [x.length for x in d] == sorted(x.length for x in d)
    for x in d:
        assert not G.accepts(x.word) and not x.member
        assert x.explanation == str(G.explain(x.word))
        assert x.explanation.startswith("rejected")


def test_json_and_text(yes):
    data = json.loads(yes.to_json())
    assert data["sets"]["short_random"]["false_positive_rate"] == 1.0
    assert len(data["disagreements"]) == 10
    text = str(yes)
    for name in ("short random", "long random", "short adversarial", "long adversarial"):
        assert name in text
    assert "FPR" in text and "10 shortest of" in text


def test_plot_writes_a_png(perfect, tmp_path):
    perfect.plot(tmp_path / "acc.png")
    assert (tmp_path / "acc.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_test_sets_leave_out_training_words():
    words = ["BTBTXSETE", "BPBPVVEPE"]
    v = Scripted(G, G.accepts)
    v.training_words = words
    report = compare(v, G, n_per_set=400, seed=0, train_lengths=(9, 9), long_lengths=(10, 11))
    # Length 9 has exactly 4 members; two were used for training.
    assert report.sets["short_random"].members <= 2


def test_mismatched_alphabet():
    with pytest.raises(GrammarError, match="shares no symbol"):
        compare(Scripted(library.parity(), lambda w: True), G, n_per_set=10)
    with pytest.raises(TypeError, match="Verifier"):
        compare(G, G)
