"""Vocabulary, encoding and bucketing, checked against plain Python."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from grammar import library
from neural.data import Vocabulary, bucket_batches

REBER = Vocabulary.from_grammar(library.reber())  # alphabet B E P S T V X
PROTOCOL = Vocabulary.from_grammar(library.file_protocol())  # multi-character tokens


def naive_ids(vocab: Vocabulary, word) -> list[int] | None:
    symbols = list(word) if isinstance(word, str) and vocab.single_char else (
        word.split() if isinstance(word, str) else list(word))
    ids = {s: i + 2 for i, s in enumerate(vocab.alphabet)}
    return None if any(s not in ids for s in symbols) else [ids[s] for s in symbols]


def test_ids_pad_and_bos_are_not_symbols():
    ids = REBER.encode_many(["BTXSE"]).flat.tolist()
    assert Vocabulary.PAD not in ids and Vocabulary.BOS not in ids
    assert REBER.size == len(library.reber().alphabet) + 2


def test_empty_word_is_one_step_long():
    enc = REBER.encode_many(["", "B"])
    ids, lengths = REBER.pad(enc, [0, 1])
    assert lengths.tolist() == [1, 2]
    assert ids.tolist() == [[Vocabulary.BOS, Vocabulary.PAD], [Vocabulary.BOS, 2]]


def test_unknown_symbols_are_flagged():
    enc = REBER.encode_many(["BTXSE", "BTZSE", "", "é", "B\U0001F600"])
    assert enc.unknown.tolist() == [False, True, False, True, True]
    assert REBER.unknown_symbol("BTZSE") == "Z"
    assert REBER.unknown_symbol("BTXSE") is None


def test_token_words():
    enc = PROTOCOL.encode_many([("open", "close"), "open read close", ("open", "rm")])
    assert enc.lengths.tolist() == [2, 3, 2]
    assert enc.unknown.tolist() == [False, False, True]


def test_type_errors():
    with pytest.raises(TypeError, match="sequence of str"):
        REBER.encode_many([42])
    with pytest.raises(TypeError, match="symbols are str"):
        PROTOCOL.encode_many([("open", 3)])


@given(st.lists(st.text(alphabet="BEPSTVXZé", max_size=12), max_size=30))
def test_encoding_matches_naive(words):
    enc = REBER.encode_many(words)
    for i, word in enumerate(words):
        expected = naive_ids(REBER, word)
        assert enc.unknown[i] == (expected is None)
        if expected is not None:
            start = enc.offsets[i]
            assert enc.flat[start : start + enc.lengths[i]].tolist() == expected
    # The vectorised path and the word-by-word path agree.
    slow = REBER.encode_many([list(w) for w in words])
    assert slow.unknown.tolist() == enc.unknown.tolist()
    known = ~enc.unknown
    assert slow.lengths[known].tolist() == enc.lengths[known].tolist()


@given(st.lists(st.text(alphabet="BEPSTVX", max_size=10), min_size=1, max_size=20))
def test_pad_rows(words):
    enc = REBER.encode_many(words)
    ids, lengths = REBER.pad(enc, np.arange(len(words)))
    assert ids.dtype == torch.int64 and ids.shape == (len(words), 1 + max(map(len, words)))
    for row, word in enumerate(words):
        assert lengths[row] == len(word) + 1
        assert ids[row, 0] == Vocabulary.BOS
        assert ids[row, 1 : len(word) + 1].tolist() == naive_ids(REBER, word)
        assert (ids[row, len(word) + 1 :] == Vocabulary.PAD).all()


@given(st.lists(st.integers(0, 40), max_size=200), st.integers(1, 17), st.integers(0, 3))
def test_buckets_cover_every_index_once(lengths, batch, seed):
    lengths = np.array(lengths, dtype=np.int64)
    for rng in (None, np.random.default_rng(seed)):
        batches = list(bucket_batches(lengths, batch, rng=rng, bucket_factor=2))
        seen = np.concatenate(batches) if batches else np.zeros(0, dtype=int)
        assert sorted(seen.tolist()) == list(range(len(lengths)))
        assert all(1 <= len(b) <= batch for b in batches)
        # Longest first inside a batch, as packing wants.
        assert all((np.diff(lengths[b]) <= 0).all() for b in batches)


def test_lone_surrogates_are_unknown_symbols():
    # Issue 8 #8: undecodable bytes reach Python as lone surrogates ('\udcff' from
    # surrogateescape); such a word holds an unknown symbol, it is not an encoding error.
    enc = REBER.encode_many(["B\ud800", "BTXSE", "\udcff", ""])
    assert enc.unknown.tolist() == [True, False, True, False]
    assert enc.lengths.tolist() == [2, 5, 1, 0]
    assert REBER.unknown_symbol("BT\udcffXSE") == "\udcff"
    assert PROTOCOL.encode_many(["open \ud800", ("open", "close")]).unknown.tolist() == [
        True, False]
