"""The near-miss generator's state is held by the objects that own it.

The pair products, their failed budgets, the retired kinds and the tally of
pair draws live in a :class:`~grammar.negatives.pair_book.PairBook`, and the
near misses kept in the generator: the other modules change them through
their methods only (checked on the source), and the old attribute names read
them with a DeprecationWarning.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from grammar import Grammar, library
from grammar.negatives.automaton import RETRY_GROWTH
from grammar.negatives.generator import NearMissGenerator
from grammar.negatives.kinds import INSERT, TRANSPOSE
from grammar.negatives.pair_book import PairBook
from grammar.negatives.pairs import EditPairs

NEGATIVES = Path(__file__).resolve().parents[2] / "grammar" / "negatives"
OWNERS = {"generator.py", "pair_book.py"}
MUTATORS = {"append", "add", "extend", "update", "setdefault", "pop", "clear", "remove",
            "discard", "insert"}


def _root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def test_no_module_sets_the_generators_state_from_outside():
    found = []
    for path in sorted(NEGATIVES.glob("*.py")):
        if path.name in OWNERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = (node.targets if isinstance(node, ast.Assign) else
                       [node.target] if isinstance(node, ast.AugAssign) else [])
            for target in targets:
                if isinstance(target, (ast.Attribute, ast.Subscript)) and _root(target) == "gen":
                    found.append(f"{path.name}:{node.lineno} {ast.unparse(target)}")
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in MUTATORS
                    and isinstance(node.func.value, (ast.Attribute, ast.Subscript))
                    and _root(node.func.value) == "gen"):
                found.append(f"{path.name}:{node.lineno} {ast.unparse(node.func)}")
    assert found == []


def test_the_old_generator_attributes_read_the_book_with_a_warning():
    g = library.tomita(1)
    gen = NearMissGenerator(g, 0.0, np.random.default_rng(0), spill=True, top=6)
    gen.book.plan(INSERT, budget=10_000, largest=1 << 25)
    gen.book.count(INSERT, drawn=5, passed=4, plausible=1)
    gen.book.retire(TRANSPOSE)
    with pytest.warns(DeprecationWarning, match="book.products"):
        pairs = gen.pairs
    assert pairs[INSERT] is gen.book.serving(INSERT) and pairs[INSERT].count(4) == 4
    with pytest.raises(TypeError):
        pairs[INSERT] = None  # read-only: the book owns it
    with pytest.warns(DeprecationWarning, match="book.tallies"):
        assert gen.pair_stats == {INSERT: (5, 4, 1)}
    with pytest.warns(DeprecationWarning, match="book.retired_kinds"):
        assert gen.pairs_failed == {TRANSPOSE}
    with pytest.warns(DeprecationWarning, match="book.failed_budgets"):
        assert gen.pair_budgets == {}
    assert gen.pair_counts(INSERT) == (5, 4, 1) and gen.pair_yield(INSERT) == 5 / 6
    assert gen.blocks == ()
    gen.keep(np.array([[1, 2]]), INSERT, np.array([0]), np.array([[2]]), np.array([False]),
             exact=False)
    assert len(gen.blocks) == 1 and gen.blocks[0].kinds.tolist() == [INSERT]


def test_a_failed_pair_build_is_retried_only_with_a_much_larger_budget(monkeypatch):
    calls = []
    build = EditPairs.build.__func__

    def counting(cls, dfa, kind, top, budget):
        calls.append(budget)
        return build(cls, dfa, kind, top, budget)

    monkeypatch.setattr(EditPairs, "build", classmethod(counting))
    dfa = Grammar(library.embedded_reber().to_graph()).dfa  # nothing cached on it
    book = PairBook(dfa, top=12)
    book.plan(TRANSPOSE, budget=50, largest=10**6)
    assert calls == [50] and book.built(TRANSPOSE) is None
    assert book.failed_budgets == {TRANSPOSE: 50}
    book.plan(TRANSPOSE, budget=50 * RETRY_GROWTH - 1, largest=10**6)  # not worth a retry
    assert calls == [50]
    book.plan(TRANSPOSE, budget=150, largest=150)  # the largest budget is always tried
    assert calls == [50, 150]
    book.plan(TRANSPOSE, budget=1 << 22, largest=1 << 25)
    assert calls[-1] == 1 << 22 and book.serving(TRANSPOSE) is book.built(TRANSPOSE) is not None
    book.retire(TRANSPOSE)
    assert book.retired(TRANSPOSE) and book.serving(TRANSPOSE) is None
