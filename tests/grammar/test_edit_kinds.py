"""Kinds of edit as data: one record per kind, and every part of the generator reads it.

The registry (:mod:`grammar.edit_kinds`) is what the command line offers, and
a kind given only as a record works through mutation, the pair product, the
lengths that have near misses and the repair tables. The oracles enumerate
words and edits in Python, with membership from Python predicates.
"""

from __future__ import annotations

import inspect
import itertools
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from grammar import Grammar, datasets, library, strategies
from grammar.cli import main
from grammar.edit_kinds import DEFAULT_KINDS, EDIT_KINDS, KINDS, EditKind, edit_kind
from grammar.errors import GrammarError
from grammar.negatives import kinds as kinds_module
from grammar.negatives import near_miss_dfa, near_misses, near_misses_by_length
from grammar.negatives.kinds import mutate, random_edits
from grammar.negatives.pairs import EditPairs
from grammar.negatives.possible import possible_lengths
from grammar.negatives.repairs import INVERSE, Repairs, made_by, pick_sources

ROOT = Path(__file__).resolve().parents[2]

#: A kind that no module spells out: the member's symbol at the edit written twice.
UNDOUBLE = EditKind("undouble", reads=(0, 0), writes=(0,), inverse="insert")
DOUBLE = EditKind("double", reads=(0,), writes=(0, 0), inverse=UNDOUBLE)


def doubled(u: tuple, i: int) -> tuple:
    return u[: i + 1] + u[i:]


def grammars():
    """(grammar, Python membership) pairs over a, b."""
    yield Grammar.from_regex("(ab)*"), lambda w: len(w) % 2 == 0 and all(
        x == "ab"[i % 2] for i, x in enumerate(w))
    yield Grammar.from_regex("a*b*"), lambda w: "ba" not in "".join(w)
    yield Grammar.from_regex("(a|b)*aa(a|b)*"), lambda w: "aa" in "".join(w)


def words(alphabet, length):
    return itertools.product(alphabet, repeat=length)


def codes_of(g: Grammar, ws: list[tuple], width: int) -> np.ndarray:
    out = np.zeros((len(ws), width), dtype=np.uint8)
    for r, w in enumerate(ws):
        out[r, : len(w)] = [g.alphabet.index(x) + 1 for x in w]
    return out


def word_of(g: Grammar, row) -> tuple:
    return tuple(g.alphabet[c - 1] for c in row if c)


def test_the_registry_derives_every_table_from_the_records():
    assert KINDS == ("substitute", "insert", "delete", "transpose")
    assert kinds_module.GROWTH.tolist() == [0, 1, -1, 0]
    assert kinds_module.SHORTEST.tolist() == [1, 0, 1, 2]
    assert kinds_module.CONSUMED.tolist() == [1, 1, 0, 2]
    assert INVERSE == {0: 0, 1: 2, 2: 1, 3: 3}
    assert kinds_module.UNIT_KINDS == ("substitute", "insert", "delete")
    assert [kind.index for kind in EDIT_KINDS] == [0, 1, 2, 3]
    assert edit_kind("delete") is edit_kind(2) is edit_kind(EDIT_KINDS[2])
    with pytest.raises(GrammarError, match="'swap'"):
        edit_kind("swap")
    with pytest.raises(TypeError, match="float"):
        edit_kind(1.5)
    with pytest.raises(GrammarError, match="'bad'"):
        EditKind("bad", reads=(0,), writes=(1, 1, 1))


def test_the_command_line_offers_the_registry_kinds_without_numpy():
    code = ("import sys; from grammar.cli.generators import NEAR_MISS_KINDS; "
            "print(list(NEAR_MISS_KINDS), 'numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    assert out.strip() == f"{list(KINDS)} False"


def test_the_default_kinds_come_from_the_registry(capsys):
    assert DEFAULT_KINDS == tuple(kind.name for kind in EDIT_KINDS if kind.default) == KINDS
    assert not EditKind("later", reads=(), writes=(1,), default=False).default
    for function in (near_misses, near_misses_by_length, near_miss_dfa, strategies.near_misses):
        assert inspect.signature(function).parameters["kinds"].default is DEFAULT_KINDS
    g = library.tomita(3)
    assert main(["near-miss", "tomita-3", "-n", "30", "--seed", "4"]) == 0
    lines = capsys.readouterr().out.splitlines()
    misses = near_misses(g, 30, seed=4, kinds=DEFAULT_KINDS)
    assert [line.split("\t")[1] for line in lines] == misses.kinds.tolist()
    mixed = datasets.make_dataset(g, 200, lengths=(3, 8), negatives={"near_miss": 1}, seed=0)
    assert set(mixed.kinds.tolist()) - {"member"} <= set(DEFAULT_KINDS)


def test_a_new_kind_mutates_words_as_its_slots_say():
    u = [(1, 2, 3), (2, 2), (3,)]
    codes = codes_of(Grammar.from_regex("(a|b|c)*"), [tuple("abc"), tuple("bb"), tuple("c")], 3)
    positions = np.array([1, 0, 0])
    got = mutate(codes, DOUBLE, positions, None)
    want = [doubled(w, i) for w, i in zip(u, positions.tolist(), strict=True)]
    assert [tuple(c for c in row if c) for row in got.tolist()] == want
    words_, positions, applies = random_edits(DOUBLE, codes, 3, np.random.default_rng(0))
    assert applies.all()
    for row, w, i in zip(words_.tolist(), u, positions.tolist(), strict=True):
        assert tuple(c for c in row if c) == doubled(w, i) and 0 <= i < len(w)


@pytest.mark.parametrize("index", range(3))
def test_a_new_kind_is_counted_drawn_and_repaired_exactly(index):
    g, member = list(grammars())[index]
    top = 7
    pairs = EditPairs.build(g.dfa, DOUBLE, top, budget=1 << 20)
    possible = possible_lengths(g.dfa, DOUBLE, top)
    for length in range(top + 1):
        members = [u for u in words(g.alphabet, length - 1) if member(u)] if length else []
        made = [(doubled(u, i), u, i) for u in members for i in range(len(u))
                if not member(doubled(u, i))]
        assert pairs.count(length) == len(made), length
        assert possible[length] == bool(made), length
        if made:
            w, u, p = pairs.draw(length, 50, np.random.default_rng(length))
            drawn = {(word_of(g, a), word_of(g, b), int(c))
                     for a, b, c in zip(w, u, p.tolist(), strict=True)}
            assert drawn <= set(made)
        # The repair tables undo the edit: which words it makes from a member, and from which.
        every = list(words(g.alphabet, length))
        codes = codes_of(g, every, length)
        from_member = {doubled(u, i) for u in members for i in range(len(u))}
        assert made_by(g.dfa, codes, DOUBLE).tolist() == [w in from_member for w in every]
        rows = [w for w in every if w in from_member]
        if rows:
            sources, at = pick_sources(g.dfa, codes_of(g, rows, length), DOUBLE,
                                       np.random.default_rng(0))
            for w, source, i in zip(rows, sources, at.tolist(), strict=True):
                u = word_of(g, source)
                assert member(u) and doubled(u, i) == w


def test_repairs_of_the_four_kinds_match_brute_force():
    g = library.tomita(3)
    member = g.accepts
    every = [w for n in range(6) for w in words(g.alphabet, n)]
    codes = codes_of(g, every, 5)
    repairs = Repairs(g.dfa, codes)
    for kind, table in [("substitute", repairs.substitutions()), ("insert", repairs.insertions()),
                        ("delete", repairs.deletions()), ("transpose", repairs.transpositions())]:
        for r, w in enumerate(every):
            want = set()
            for i in range(len(w) + 1):
                for a in g.alphabet:
                    edited = {"substitute": w[:i] + (a,) + w[i + 1 :] if i < len(w) and a != w[i]
                              else None,
                              "insert": w[:i] + (a,) + w[i:],
                              "delete": w[:i] + w[i + 1 :] if i < len(w) else None,
                              "transpose": w[:i] + (w[i + 1], w[i]) + w[i + 2 :]
                              if i + 1 < len(w) and w[i] != w[i + 1] else None}[kind]
                    if edited is not None and member("".join(edited)):
                        want.add((i, a) if kind in ("substitute", "insert") else i)
            hits = np.argwhere(table[r])
            got = {(int(i), g.alphabet[int(a)]) if table.ndim == 3 else int(i)
                   for i, *rest in hits for a in (rest or [0])}
            assert got == want, (kind, w)
