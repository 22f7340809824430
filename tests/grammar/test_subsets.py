"""The subset construction's budget, and the trimming and merging done before it.

Oracles: the language (a|b)* a (a|b)^k, whose minimal DFA has exactly 2**(k+1)
states, so any budget below that must be refused and any above accepted;
brute-force membership over all short words for the compiled results.
"""

from __future__ import annotations

import itertools
import pickle
import subprocess
import sys
import textwrap
import time

import pytest

from grammar import Grammar, GrammarError, subsets
from grammar.automaton import compile_declaration
from grammar.graph import declaration_from_edges


def kth_last_is_a(k: int, tag: str = "") -> list[tuple]:
    """Edges of the NFA for (a|b)* a (a|b)^k: it guesses where the a stands."""
    edges = [(f"{tag}0", f"{tag}0", "a"), (f"{tag}0", f"{tag}0", "b"), (f"{tag}0", f"{tag}1", "a")]
    edges += [(f"{tag}{i}", f"{tag}{i + 1}", s) for i in range(1, k + 1) for s in "ab"]
    return edges


def member(word: str, k: int) -> bool:
    return len(word) > k and word[-k - 1] == "a"


def test_the_issue_example_stops_with_a_clear_error():
    script = textwrap.dedent(
        """
        from grammar import GrammarError
        from grammar.random_grammars import random_grammar
        try:
            random_grammar(200, "abcdefgh", kind="nfa", epsilon=0.05)
        except GrammarError as err:
            print(err)
        """
    )
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "passed the budget of 1,000,000 DFA states" in done.stdout
    assert "subsets reached" in done.stdout and "MAX_DFA_STATES" in done.stdout
    assert time.perf_counter() - began < 120
    assert done.stderr == ""  # no progress bar when stderr is not a terminal


@pytest.mark.parametrize("k", [3, 6])
def test_budget_is_exact_at_the_minimal_size(k):
    declaration = declaration_from_edges(kth_last_is_a(k), start="0", accepting=[str(k + 1)])
    need = 2 ** (k + 1)
    dfa = compile_declaration(declaration, max_states=need)
    assert dfa.n_states == need
    with pytest.raises(GrammarError, match=f"budget of {need - 1:,} DFA states"):
        compile_declaration(declaration, max_states=need - 1)


def test_module_constant_is_the_default(monkeypatch):
    monkeypatch.setattr(subsets, "MAX_DFA_STATES", 10)
    with pytest.raises(GrammarError, match="raising grammar.subsets.MAX_DFA_STATES"):
        Grammar.from_edges(kth_last_is_a(4), start="0", accepting=["5"])


def test_a_copy_in_another_process_keeps_the_state_budget(monkeypatch):
    # DataLoader workers and spawned processes rebuild a grammar from its pickle: the budget
    # it was built with must come along, or the copy fails where the original did not.
    monkeypatch.setattr(subsets, "MAX_DFA_STATES", 10)
    g = Grammar(declaration_from_edges(kth_last_is_a(4), start="0", accepting=["5"]),
                max_states=32)
    copy = pickle.loads(pickle.dumps(g))
    words = ["".join(w) for n in range(8) for w in itertools.product("ab", repeat=n)]
    assert [copy.accepts(w) for w in words] == [len(w) >= 5 and w[-5] == "a" for w in words]


def test_useless_states_are_trimmed_before_the_subsets():
    # A second copy of the gadget that can never accept: without trimming, the subsets of
    # both copies multiply; trimmed, the 2**(k+1) states of the live copy suffice.
    k = 5
    edges = kth_last_is_a(k) + kth_last_is_a(k, tag="x") + [("0", "x0", "b")]
    declaration = declaration_from_edges(edges, start="0", accepting=[str(k + 1)])
    dfa = compile_declaration(declaration, max_states=2 ** (k + 1))
    g = Grammar(declaration)
    assert g.dfa.n_states == dfa.n_states == 2 ** (k + 1)
    words = ["".join(w) for n in range(9) for w in itertools.product("ab", repeat=n)]
    assert all(g.accepts(w) == member(w, k) for w in words)


def test_bisimilar_states_are_merged():
    # Two identical copies entered by epsilon moves (the start itself has no moves, so it is
    # trimmed): the error reports the merged size.
    k = 4
    edges = kth_last_is_a(k, "p") + kth_last_is_a(k, "q") + [("s", "p0", None), ("s", "q0", None)]
    declaration = declaration_from_edges(edges, start="s", accepting=[f"p{k + 1}", f"q{k + 1}"])
    with pytest.raises(GrammarError, match=r"NFA of 13 states \(12 after trimming, 6 after"):
        compile_declaration(declaration, max_states=5)
    g = Grammar(declaration)
    assert g.dfa.n_states == 2 ** (k + 1)
    assert all(g.accepts(w) == member(w, k) for w in ["a" * 5, "ab" * 4, "b" * 6, "abbbb"])


def test_bad_budgets():
    declaration = declaration_from_edges(kth_last_is_a(1), start="0", accepting=["2"])
    with pytest.raises(GrammarError, match="max_states must be >= 1"):
        compile_declaration(declaration, max_states=0)
    with pytest.raises(TypeError, match="max_states must be an int"):
        compile_declaration(declaration, max_states=2.5)
