"""MLRegTest's protocol (grammar.datasets.mlregtest_sets): sizes, lengths, balance, labels,
adversarial pairs and seeds.

The oracles are independent of the automaton: each language here is also a
hand-written regular expression, matched with :func:`re.fullmatch`, and the
adversarial pairs are measured with a Levenshtein distance written here.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grammar import Grammar, GrammarError, library
from grammar.datasets import (
    MLREGTEST_SETS,
    MLREGTEST_SIZES,
    adversarial_pairs,
    mlregtest_sets,
)

from ..oracles import levenshtein

SHORT, LONG = range(20, 30), range(31, 51)
LENGTHS = {"train": SHORT, "dev": SHORT, "SR": SHORT, "SA": SHORT, "LR": LONG, "LA": LONG}
# No two a's in a row, over a b (strictly local); an even number of a's, over a b c (cyclic).
NO_AA = "(?:b|ab)*a?"
EVEN_A = "[bc]*(?:a[bc]*a[bc]*)*"



def test_levenshtein_oracle():
    assert [levenshtein(u, v) for u, v in [("", "ab"), ("ab", "ab"), ("ab", "ba"),
                                            ("abc", "ac"), ("kitten", "sitting")]] == [
        0 + 2, 0, 2, 1, 3]


@pytest.fixture(scope="module")
def no_aa() -> tuple[Grammar, dict]:
    g = Grammar.from_regex(NO_AA, alphabet="ab", name="no-aa")
    return g, mlregtest_sets(g, 200, seed=7)


def test_every_set_has_its_size_and_lengths(no_aa):
    _, sets = no_aa
    assert tuple(sets) == MLREGTEST_SETS == ("train", "dev", "SR", "SA", "LR", "LA")
    for name, data in sets.items():
        assert len(data) == 200, name
        assert len(set(data.words)) == 200, f"{name} repeats a word"
        assert {len(w) for w in data.words} <= set(LENGTHS[name]), name
        assert int(data.labels.sum()) == 100, name


def test_random_sets_are_balanced_at_every_length(no_aa):
    _, sets = no_aa
    for name in ("train", "dev", "SR", "LR"):
        data = sets[name]
        counts = Counter((len(w), bool(y)) for w, y in zip(data.words, data.labels, strict=True))
        share = 100 // len(LENGTHS[name])  # 10 members and 10 non-members a length, or 5 and 5
        assert counts == {(L, y): share for L in LENGTHS[name] for y in (True, False)}, name
        assert set(data.kinds.tolist()) == {"member", "random"}, name


def test_labels_agree_with_the_regex(no_aa):
    _, sets = no_aa
    pattern = re.compile(NO_AA)
    for name, data in sets.items():
        for word, label, kind in zip(data.words, data.labels.tolist(), data.kinds.tolist(),
                                     strict=True):
            assert (pattern.fullmatch(word) is not None) == label, (name, word)
            assert (kind == "member") == label, (name, word, kind)


def check_pairs(data, member) -> None:
    """Rows 2i and 2i + 1: a member and a non-member, one edit apart, of the edit named."""
    assert len(data) % 2 == 0
    for i in range(0, len(data), 2):
        source, miss = data.words[i : i + 2]
        assert member(source) and not member(miss), (source, miss)
        assert data.labels[i] and not data.labels[i + 1]
        assert levenshtein(source, miss) == 1, (source, miss)
        edit = data.kinds[i + 1].removesuffix("-long-range")
        grows = {"substitute": 0, "insert": 1, "delete": -1}[edit]  # no transposition
        assert len(miss) - len(source) == grows, (source, miss, edit)


def test_adversarial_sets_pair_words_one_edit_apart(no_aa):
    _, sets = no_aa
    pattern = re.compile(NO_AA)
    for name in ("SA", "LA"):
        check_pairs(sets[name], lambda w: pattern.fullmatch(w) is not None)
        # the members and non-members spread over the set's lengths
        assert {len(w) for w in sets[name].words} == set(LENGTHS[name]), name


def test_sets_share_no_word(no_aa):
    _, sets = no_aa
    short = ("train", "dev", "SR")
    for i, first in enumerate(short):
        for second in (*short[i + 1 :], "SA"):
            assert not set(sets[first].words) & set(sets[second].words), (first, second)


def test_the_seed_fixes_every_set(no_aa):
    g, sets = no_aa
    again = mlregtest_sets(g, 200, seed=7)
    for name in MLREGTEST_SETS:
        assert again[name].words == sets[name].words, name
        assert again[name].kinds.tolist() == sets[name].kinds.tolist(), name
        assert sets[name].info["protocol"] == "mlregtest" and sets[name].info["set"] == name
        assert sets[name].info["protocol_seed"] == 7
    other = mlregtest_sets(g, 200, seed=8)
    assert all(other[name].words != sets[name].words for name in MLREGTEST_SETS)
    assert len({sets[name].seed for name in MLREGTEST_SETS}) == 6  # each set its own seed


def test_small_is_the_benchmark_size():
    assert MLREGTEST_SIZES == {"small": 1_000, "mid": 10_000, "large": 100_000}
    g = Grammar.from_regex(EVEN_A, alphabet="abc", name="even-a")
    sets = mlregtest_sets(g, "Small", seed=0)
    pattern = re.compile(EVEN_A)
    for name, data in sets.items():
        assert len(data) == 1_000 and data.info["size"] == "small", name
        assert all((pattern.fullmatch(w) is not None) == y
                   for w, y in zip(data.words, data.labels.tolist(), strict=True)), name
    train = Counter((len(w), bool(y)) for w, y in zip(sets["train"].words, sets["train"].labels,
                                                      strict=True))
    assert set(train.values()) == {50}  # the benchmark's 50 members and 50 others a length
    check_pairs(sets["LA"], lambda w: pattern.fullmatch(w) is not None)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32))
def test_pairs_are_one_edit_apart_whatever_the_seed(seed):
    g = Grammar.from_regex(EVEN_A, alphabet="abc")
    pattern = re.compile(EVEN_A)
    found = adversarial_pairs(g, 10, (5, 8), seed=seed, kinds=["substitute", "insert", "delete"],
                              within=(5, 8))
    assert len(found) == 20
    assert {len(w) for w in found.words} <= set(range(5, 9))
    check_pairs(found, lambda w: pattern.fullmatch(w) is not None)


# -- errors ------------------------------------------------------------------------------------


def test_too_few_members_names_the_set_and_length():
    with pytest.raises(GrammarError, match=r"'tomita-2'.*train set needs 50 members of length 20"):
        mlregtest_sets(library.tomita(2), "small", seed=0)  # (10)*: no or one word a length
    # At most one a: 21 members of length 20, enough for the training set but not for dev too.
    g = Grammar.from_regex("b*a?b*", alphabet="ab", name="one-a")  # 21 members of length 20
    with pytest.raises(GrammarError, match=r"dev set needs 20 members of length 20 beside those "
                                           r"of train, and the language has 21"):
        mlregtest_sets(g, 400, seed=0)


def test_too_few_non_members_names_the_set_and_length():
    g = Grammar.from_regex("a*b[ab]*", alphabet="ab", name="some-b")  # all but a^n
    with pytest.raises(GrammarError, match=r"'some-b'.*train set needs 5 non-members of "
                                           r"length 20, and the language has 1"):
        mlregtest_sets(g, 100, seed=0)


@pytest.mark.parametrize("size, error, match", [
    ("huge", GrammarError, "small, mid, large"),
    (3, GrammarError, "even"),
    (0, GrammarError, "size must be >= 1"),
    (1.5, TypeError, "size must be a str or an int"),
    (True, TypeError, "size must be a str or an int"),
])
def test_bad_sizes(size, error, match):
    with pytest.raises(error, match=match):
        mlregtest_sets(library.parity(), size, seed=0)


def test_bad_seed():
    with pytest.raises(GrammarError, match="seed"):
        mlregtest_sets(library.parity(), 20, seed=-1)
