"""Tests for grammar.datasets: balanced labelled data, splits, test suites, files.

Labels are checked against hand-derived regexes and the Tomita predicates,
never against the automaton that made them.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import numpy as np
import pytest

from grammar import EmptyLanguageError, GrammarError, library
from grammar import datasets as ds
from grammar.datasets import Dataset, make_dataset, split

EDITS = {"substitute", "insert", "delete", "transpose"}
# A locally plausible near miss: its edit and this suffix.
LONG_EDITS = {"substitute-long-range", "insert-long-range", "delete-long-range",
              "transpose-long-range"}


def check_labels(data: Dataset, member) -> None:
    assert len(data.words) == len(data.labels) == len(data.kinds)
    assert len(set(data.words)) == len(data.words), "duplicates"
    for word, label, kind in zip(data.words, data.labels.tolist(), data.kinds.tolist(),
                                 strict=True):
        assert member(word) == label, (word, label)
        assert (kind == "member") == label
        assert kind in EDITS | LONG_EDITS | {"member", "random"}


def per_length_balance(data: Dataset) -> dict[int, tuple[int, int]]:
    counts: dict[int, list[int]] = {}
    for word, label in zip(data.words, data.labels.tolist(), strict=True):
        counts.setdefault(len(word), [0, 0])[int(label)] += 1
    return {L: tuple(c) for L, c in counts.items()}


def test_make_dataset_is_balanced_and_correct(oracle):
    g = library.embedded_reber()
    data = make_dataset(g, 3000, lengths=(9, 30), seed=0)
    assert len(data) == 3000 and int(data.labels.sum()) == 1500
    check_labels(data, lambda w: re.fullmatch(oracle.EMBEDDED_REBER_RE, w) is not None)
    balance = per_length_balance(data)
    assert all(neg == pos for neg, pos in balance.values()), balance
    assert {L for L in balance} == {L for L in range(9, 31) if g.count(L)}
    kinds = Counter(data.kinds.tolist())
    near = sum(kinds[k] for k in EDITS)
    assert abs(near - kinds["random"]) <= 0.05 * 1500, kinds
    assert data.grammar == "embedded-reber" and data.fingerprint == g.fingerprint
    assert data.seed == 0 and data.info["lengths"] == [9, 30]


@pytest.mark.parametrize("k", range(1, 8))
def test_tomita_datasets(oracle, k):
    data = make_dataset(library.tomita(k), 400, lengths=(1, 12), seed=k)
    check_labels(data, oracle.TOMITA_PREDICATES[k])
    assert int(data.labels.sum()) * 2 == len(data)
    assert all(neg == pos for neg, pos in per_length_balance(data).values())


def test_small_languages_give_what_they_have(oracle):
    # (10)* has one member per even length: 3 members of length 1..6, so 6 words
    data = make_dataset(library.tomita(2), 100, lengths=(1, 6), seed=0)
    assert sorted(w for w, y in zip(data.words, data.labels, strict=True) if y) == [
        "10", "1010", "101010"]
    assert len(data) == 6 and data.info["requested"] == 100
    with pytest.raises(EmptyLanguageError, match="both a member and a non-member"):
        make_dataset(library.tomita(2), 10, lengths=(1, 1))


def test_negative_mixes(oracle):
    g = library.reber()
    only_random = make_dataset(g, 400, lengths=(5, 15), negatives={"random": 1}, seed=1)
    assert set(only_random.kinds.tolist()) == {"member", "random"}
    subs = make_dataset(g, 400, lengths=(5, 15), negatives={"substitute": 1.0}, seed=1)
    assert set(subs.kinds.tolist()) == {"member", "substitute"}
    check_labels(subs, lambda w: re.fullmatch(oracle.REBER_RE, w) is not None)
    with pytest.raises(GrammarError, match="unknown negative kind"):
        make_dataset(g, 10, negatives={"swap": 1.0})
    with pytest.raises(GrammarError, match="positive fraction"):
        make_dataset(g, 10, negatives={"random": 0})


def test_seeds_reproduce():
    g = library.reber()
    a = make_dataset(g, 200, lengths=(5, 12), seed=4)
    b = make_dataset(g, 200, lengths=(5, 12), seed=4)
    assert a.words == b.words and (a.kinds == b.kinds).all()
    fresh = make_dataset(g, 50, lengths=(5, 12))
    assert isinstance(fresh.seed, int)
    assert make_dataset(g, 50, lengths=(5, 12), seed=fresh.seed).words == fresh.words
    from_generator = make_dataset(g, 50, lengths=(5, 12), seed=np.random.default_rng(1))
    again = make_dataset(g, 50, lengths=(5, 12), seed=from_generator.seed)
    assert again.words == from_generator.words


def test_exclude_and_progress():
    g = library.reber()
    first = make_dataset(g, 100, lengths=(5, 12), seed=0)
    ticks = []
    second = make_dataset(g, 100, lengths=(5, 12), seed=1, exclude=first, progress=ticks.append)
    assert len(second) == 100 and not set(first.words) & set(second.words)
    assert sum(ticks) == len(second)
    # lengths 5 to 10 hold 43 members; once all are excluded nothing is left
    everything = make_dataset(g, 1000, lengths=(5, 10), seed=0)
    assert int(everything.labels.sum()) == 43
    with pytest.raises(EmptyLanguageError, match="5 to 10"):
        make_dataset(g, 10, lengths=(5, 10), exclude=everything)


def test_long_range_in_datasets():
    g = library.embedded_reber()
    data = make_dataset(g, 600, lengths=(9, 20), negatives={"near_miss": 1.0}, long_range=1.0,
                        seed=0)
    misses = [w for w, k in zip(data.words, data.kinds.tolist(), strict=True)
              if k in EDITS | LONG_EDITS]
    # every long-range near miss of embedded Reber has a wrong wrapper letter
    assert sum(w[1] != w[-2] for w in misses) > 0.9 * len(misses)
    # and is a kind of its own, so that a comparison by kind reports them
    far = [w for w, k in zip(data.words, data.kinds.tolist(), strict=True) if k in LONG_EDITS]
    assert len(far) > 0.9 * len(misses)
    assert sum(w[1] != w[-2] for w in far) > 0.9 * len(far)
    plain = make_dataset(g, 600, lengths=(9, 20), negatives={"near_miss": 1.0}, seed=0)
    assert not set(plain.kinds.tolist()) & LONG_EDITS


# -- split -------------------------------------------------------------------------------------


def test_split_is_disjoint_and_stratified():
    data = make_dataset(library.embedded_reber(), 1000, lengths=(9, 25), seed=0)
    train, valid, test = split(data, seed=1)
    assert [len(p) for p in (train, valid, test)] == [800, 100, 100]
    assert not set(train.words) & set(valid.words)
    assert not set(train.words) & set(test.words)
    assert not set(valid.words) & set(test.words)
    assert sorted(train.words + valid.words + test.words) == sorted(data.words)
    for part in (train, valid, test):
        assert 2 * int(part.labels.sum()) == len(part)
    assert [p.info["part"] for p in (train, valid, test)] == [0, 1, 2]
    assert split(data)[0].words == split(data)[0].words  # seed defaults to the data's


def test_split_keeps_copies_together():
    data = Dataset(["a", "b", "a", "c", "a", "d"], [True] * 6, ["member"] * 6)
    for part in split(data, (0.5, 0.5), seed=0):
        if "a" in part.words:
            assert part.words.count("a") == 3
    with pytest.raises(GrammarError, match="sum to 1"):
        split(data, (0.5, 0.6))
    with pytest.raises(TypeError):
        split(["a"])


# -- files -------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".jsonl", ".npz"])
def test_save_and_load(tmp_path, suffix):
    data = make_dataset(library.embedded_reber(), 300, lengths=(9, 20), seed=2)
    path = tmp_path / f"data{suffix}"
    data.save(path)
    back = Dataset.load(path)
    assert back.words == data.words
    assert (back.labels == data.labels).all() and (back.kinds == data.kinds).all()
    assert (back.grammar, back.fingerprint, back.seed) == ("embedded-reber",
                                                           data.fingerprint, 2)
    assert back.info == data.info


@pytest.mark.parametrize("suffix", [".jsonl", ".npz"])
def test_save_and_load_tokens(tmp_path, suffix):
    g = library.file_protocol()
    data = make_dataset(g, 100, lengths=(2, 6), seed=0)
    assert all(isinstance(w, tuple) for w in data.words)
    data.save(tmp_path / f"p{suffix}")
    assert Dataset.load(tmp_path / f"p{suffix}").words == data.words


def test_file_format_and_errors(tmp_path):
    data = make_dataset(library.reber(), 10, lengths=(5, 7), seed=0)
    data.save(tmp_path / "d.jsonl")
    lines = (tmp_path / "d.jsonl").read_text().splitlines()
    header = json.loads(lines[0])
    assert header["format"] == "grammarlab-dataset" and header["grammar"] == "reber"
    assert header["seed"] == 0 and len(lines) == 11
    assert set(json.loads(lines[1])) == {"word", "label", "kind"}
    with pytest.raises(GrammarError, match="use .jsonl or .npz"):
        data.save(tmp_path / "d.csv")
    (tmp_path / "x.jsonl").write_text('{"word": "a"}\n')
    with pytest.raises(GrammarError, match="not a grammarlab data set"):
        Dataset.load(tmp_path / "x.jsonl")
    with pytest.raises(GrammarError, match="as many labels"):
        Dataset(["a"], [True, False], ["member"])


# -- test suites -------------------------------------------------------------------------------


def test_test_suite(oracle):
    g = library.embedded_reber()
    train = make_dataset(g, 400, lengths=(9, 20), seed=0)
    suite = ds.test_suite(g, 200, train_lengths=(9, 20), long_lengths=(21, 40), exclude=train,
                          seed=3)
    assert set(suite) == {"short_random", "long_random", "short_adversarial", "long_adversarial"}
    member = re.compile(oracle.EMBEDDED_REBER_RE)
    for name, data in suite.items():
        assert len(data) == 200, name
        assert not set(data.words) & set(train.words), name
        check_labels(data, lambda w: member.fullmatch(w) is not None)
    for word in suite["long_random"].words:
        assert 21 <= len(word) <= 40
    adversarial = suite["long_adversarial"]
    for i in range(0, len(adversarial), 2):
        source, miss = adversarial.words[i : i + 2]
        assert adversarial.labels[i] and not adversarial.labels[i + 1]
        assert abs(len(source) - len(miss)) <= 1
    again = ds.test_suite(g, 200, train_lengths=(9, 20), long_lengths=(21, 40), exclude=train,
                          seed=3)
    assert again["short_adversarial"].words == suite["short_adversarial"].words


def test_test_suite_reports_long_range_near_misses(oracle):
    g = library.embedded_reber()
    member = re.compile(oracle.EMBEDDED_REBER_RE)
    suite = ds.test_suite(g, 400, train_lengths=(9, 20), long_lengths=(21, 40), seed=5,
                          long_range=0.5)
    for name in ("short_adversarial", "long_adversarial"):
        data = suite[name]
        check_labels(data, lambda w: member.fullmatch(w) is not None)
        kinds = data.kinds.tolist()
        misses = kinds[1::2]
        far = [data.words[2 * i + 1] for i, k in enumerate(misses) if k in LONG_EDITS]
        # about half the near misses were asked to be locally plausible
        assert 0.25 * len(misses) <= len(far) <= 0.75 * len(misses), (name, Counter(misses))
        # a locally plausible near miss of embedded Reber has a wrong wrapper letter
        assert sum(w[1] != w[-2] for w in far) > 0.9 * len(far)
    none = ds.test_suite(g, 100, train_lengths=(9, 20), long_lengths=(21, 40), seed=5,
                         long_range=0.0)
    assert not {k for data in none.values() for k in data.kinds.tolist()} & LONG_EDITS
    assert set(ds.ROW_KINDS) == EDITS | LONG_EDITS | {"member", "random"}


def test_seed_arguments_are_checked():
    g = library.reber()
    with pytest.raises(GrammarError, match="seed"):
        make_dataset(g, 10, lengths=(5, 9), seed=-1)
    with pytest.raises(TypeError, match="seed"):
        make_dataset(g, 10, lengths=(5, 9), seed=1.5)
    with pytest.raises(GrammarError, match="seed"):
        ds.test_suite(g, 10, train_lengths=(5, 9), long_lengths=(10, 12), seed=-3)
    with pytest.raises(GrammarError, match="train_lengths"):
        ds.test_suite(g, 10, train_lengths=(9, 5), long_lengths=(10, 12), seed=0)
    data = make_dataset(g, 20, lengths=(5, 9), seed=0)
    assert split(data, seed=np.random.default_rng(2))[0].words == split(data, seed=2)[0].words


# -- files: empty, damaged and foreign ------------------------------------------------------


@pytest.mark.parametrize("suffix", [".jsonl", ".npz"])
def test_empty_dataset_round_trips(tmp_path, suffix):
    # a small data set cut in many parts leaves some parts empty
    data = make_dataset(library.reber(), 4, lengths=(5, 5), seed=0)
    parts = split(data, (0.3, 0.3, 0.2, 0.1, 0.1))
    empty = next(part for part in parts if len(part) == 0)
    empty.save(tmp_path / f"e{suffix}")
    back = Dataset.load(tmp_path / f"e{suffix}")
    assert len(back) == 0 and back.words == [] and back.seed == 0
    assert back.info["part"] == empty.info["part"]
    tokens = Dataset([], [], [], grammar="file-protocol")
    tokens.save(tmp_path / f"t{suffix}")
    assert len(Dataset.load(tmp_path / f"t{suffix}")) == 0
    one_token_word = Dataset([("open", "close"), ()], [True, False], ["member", "random"])
    one_token_word.save(tmp_path / f"w{suffix}")
    assert Dataset.load(tmp_path / f"w{suffix}").words == [("open", "close"), ()]


def _saved(tmp_path, suffix: str):
    data = make_dataset(library.reber(), 6, lengths=(5, 7), seed=0)
    path = tmp_path / f"d{suffix}"
    data.save(path)
    return data, path


def _damage(path, mutate) -> None:
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join(mutate(lines)))


JSONL_DAMAGE = {
    "truncated line": (lambda ls: [*ls[:3], ls[3][:9]], "line 4: not valid JSON"),
    "truncated at a line end": (lambda ls: ls[:4], "header says 6 rows"),
    "header not JSON": (lambda ls: [b"{format", *ls[1:]], "line 1: not valid JSON"),
    "header wrong format": (lambda ls: [b'{"format": "other", "version": 1}', *ls[1:]],
                            "not a grammarlab data set"),
    "header is a list": (lambda ls: [b"[1, 2]", *ls[1:]], "not a grammarlab data set"),
    "newer version": (lambda ls: [ls[0].replace(b'"version": 1', b'"version": 99'), *ls[1:]],
                      "newer grammarlab"),
    "version a string": (lambda ls: [ls[0].replace(b'"version": 1', b'"version": "1"'),
                                     *ls[1:]], "'version'"),
    "seed a string": (lambda ls: [ls[0].replace(b'"seed": 0', b'"seed": "0"'), *ls[1:]],
                      "'seed'"),
    "no header": (lambda ls: [b"", *ls[1:]], "no header line"),
    "record without label": (lambda ls: [*ls[:2], b'{"word": "BTXSE", "kind": "random"}',
                                         *ls[3:]], "line 3: no 'label'"),
    "label not a bool": (lambda ls: [*ls[:2], ls[2].replace(b"false", b'"no"').replace(
        b"true", b'"yes"'), *ls[3:]], "line 3: 'label'"),
    "word a number": (lambda ls: [*ls[:5], b'{"word": 7, "label": false, "kind": "random"}',
                                  *ls[6:]], "line 6: 'word'"),
    "record not an object": (lambda ls: [ls[0], b"[1]", *ls[2:]], "line 2: expected an object"),
    "not UTF-8": (lambda ls: [ls[0], b'{"word": "\xff", "label": false, "kind": "random"}',
                              *ls[2:]], "line 2: not UTF-8"),
}


@pytest.mark.parametrize("case", sorted(JSONL_DAMAGE))
def test_damaged_jsonl_names_file_and_line(tmp_path, case):
    _, path = _saved(tmp_path, ".jsonl")
    mutate, message = JSONL_DAMAGE[case]
    _damage(path, mutate)
    with pytest.raises(GrammarError, match=re.escape(message)) as error:
        Dataset.load(path)
    assert str(path) in str(error.value)


def _rewrite_npz(path, **change) -> None:
    with np.load(path, allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    for key, value in change.items():
        if value is None:
            del arrays[key]
        else:
            arrays[key] = value
    path.unlink()
    np.savez(path, **arrays)


NPZ_DAMAGE = {
    "no labels": ({"labels": None}, "no 'labels' array"),
    "no kinds": ({"kinds": None}, "no 'kinds' array"),
    "no text": ({"text": None}, "no 'text' array"),
    "no header": ({"header": None}, "no 'header' array"),
    "sizes do not add up": ({"sizes": np.array([1, 2], dtype=np.int64)}, "'sizes'"),
    "labels as ints": ({"labels": np.zeros(6, dtype=np.int64)}, "'labels' has the wrong type"),
    "too few labels": ({"labels": np.zeros(5, dtype=bool)}, "6 words, 5 labels"),
    "header of another format": ({"header": np.array('{"format": "x"}')},
                                 "not a grammarlab data set"),
    "header not JSON": ({"header": np.array("{")}, "array 'header': not valid JSON"),
    "pickled header": ({"header": np.array([{"format": "grammarlab-dataset"}], dtype=object)},
                       "array 'header' cannot be read"),
}


@pytest.mark.parametrize("case", sorted(NPZ_DAMAGE))
def test_damaged_npz_names_file_and_array(tmp_path, case):
    _, path = _saved(tmp_path, ".npz")
    change, message = NPZ_DAMAGE[case]
    _rewrite_npz(path, **change)
    with pytest.raises(GrammarError, match=re.escape(message)) as error:
        Dataset.load(path)
    assert str(path) in str(error.value)


def test_foreign_and_missing_files(tmp_path):
    data, path = _saved(tmp_path, ".npz")
    cut = tmp_path / "cut.npz"
    cut.write_bytes(path.read_bytes()[:100])
    text = tmp_path / "text.npz"
    text.write_text("word,label\nBTXSE,1\n")
    single = tmp_path / "single.npz"
    with single.open("wb") as out:
        np.save(out, np.arange(3))
    bad_member = tmp_path / "member.npz"
    import zipfile

    with zipfile.ZipFile(bad_member, "w") as archive:
        archive.writestr("header.npy", b"not an array")
    for path_, message in [(cut, "not a .npz archive"), (text, "not a .npz archive"),
                           (single, "single .npy array"), (bad_member, "not a numpy array")]:
        with pytest.raises(GrammarError, match=re.escape(message)) as error:
            Dataset.load(path_)
        assert str(path_) in str(error.value)
    for name in ("missing.jsonl", "missing.npz"):
        with pytest.raises(FileNotFoundError) as missing:
            Dataset.load(tmp_path / name)
        assert str(tmp_path / name) in str(missing.value)
    with pytest.raises(GrammarError, match="use .jsonl or .npz"):
        Dataset.load(tmp_path / "d.csv")


@pytest.mark.parametrize("suffix", [".jsonl", ".npz"])
def test_save_is_atomic(tmp_path, suffix):
    data, path = _saved(tmp_path, suffix)
    before = path.read_bytes()
    broken = Dataset(["BTXSE", object()], [True, False], ["member", "random"])
    with pytest.raises(TypeError):
        broken.save(path)
    assert path.read_bytes() == before  # the old file is whole
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temporary left
    data.save(path)
    assert Dataset.load(path).words == data.words


def test_split_fractions_are_checked():
    data = Dataset(["a", "b"], [True, False], ["member", "random"])
    with pytest.raises(GrammarError, match=r"fractions must be in \[0, 1\]"):
        split(data, (1.5, -0.5))
    with pytest.raises(TypeError, match="fractions"):
        split(data, ("x",))
    with pytest.raises(GrammarError, match="sum to 1"):
        split(data, ())
