"""Near misses and non-members at benchmark scale (issue 9), and their guarantee by brute force.

The grammars are built here from Python predicates, in the manner of
MLRegTest's constructions: "contains a factor", "avoids a subsequence",
tier-based constraints, factor counts. Each construction explores the
states of its own step function, so the predicate (run on the word itself)
is an oracle independent of the package.

The regression tests for the failure cases of the issue run in a
subprocess under a memory cap (``resource.setrlimit(RLIMIT_AS)``) and a
time limit, so a regression fails the test instead of exhausting the
machine or hanging:

2. the transposition automaton of a tier-based grammar blew up;
3. a near-miss automaton too large to build was rebuilt on every round;
4. large alphabets were slow;
and the default near misses of grammars whose walks run thousands of symbols long.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import textwrap
from collections import deque
from collections.abc import Callable, Hashable

import numpy as np
import pytest

from grammar import EmptyLanguageError, Grammar, library, random_grammar
from grammar.negatives import KINDS, near_miss_dfa, near_misses
from grammar.negatives.automaton import build_failed, near_miss_dfa_or_none
from grammar.negatives.possible import possible_lengths

MEMORY_CAP = 2 << 30  # bytes of address space for a regression subprocess

# -- constructions (each with its predicate) --------------------------------------------------


def explore(alphabet, start: Hashable, step: Callable, accepting: Callable) -> Grammar:
    """The grammar of the states reachable from `start` under `step`."""
    index, queue, edges = {start: 0}, deque([start]), []
    while queue:
        state = queue.popleft()
        for symbol in alphabet:
            target = step(state, symbol)
            if target not in index:
                index[target] = len(index)
                queue.append(target)
            edges.append((index[state], index[target], symbol))
    final = [i for state, i in index.items() if accepting(state)]
    return Grammar.from_edges(edges, start=0, accepting=final)


def suffix_match(pattern: tuple) -> Callable[[int, str], int]:
    """How much of `pattern` the text read so far ends with (len(pattern): seen, sticks)."""

    def step(matched: int, symbol: str) -> int:
        if matched == len(pattern):
            return matched
        text = pattern[:matched] + (symbol,)
        return max(size for size in range(len(text) + 1)
                   if text[len(text) - size :] == pattern[:size])

    return step


def contains_factor(alphabet, factor) -> tuple[Grammar, Callable]:
    factor = tuple(factor)
    g = explore(alphabet, 0, suffix_match(factor), lambda s: s == len(factor))
    return g, lambda w: any(tuple(w[i : i + len(factor)]) == factor for i in range(len(w)))


def avoids_subsequence(alphabet, pattern) -> tuple[Grammar, Callable]:
    pattern = tuple(pattern)

    def step(s, a):
        return s + 1 if s < len(pattern) and a == pattern[s] else s

    def member(w):
        it = iter(w)
        return not all(any(a == b for b in it) for a in pattern)

    return explore(alphabet, 0, step, lambda s: s < len(pattern)), member


def tier_avoids(alphabet, tier, factors) -> tuple[Grammar, Callable]:
    """On the tier (the subsequence of tier symbols), none of `factors` occurs."""
    factors = [tuple(f) for f in factors]
    steps = [suffix_match(f) for f in factors]

    def step(s, a):
        return tuple(st(x, a) for st, x in zip(steps, s, strict=True)) if a in tier else s

    def member(w):
        projected = tuple(a for a in w if a in tier)
        return not any(projected[i : i + len(f)] == f for f in factors
                       for i in range(len(projected)))

    g = explore(alphabet, (0,) * len(factors), step,
                lambda s: all(x < len(f) for x, f in zip(s, factors, strict=True)))
    return g, member


def factor_at_least(alphabet, factor, times) -> tuple[Grammar, Callable]:
    """`factor` occurs (overlaps counted) at least `times` times: locally threshold testable."""
    factor = tuple(factor)
    match = suffix_match(factor + ("\\0",))  # never completes: tracks the longest match

    def step(s, a):
        matched, count = s
        matched = match(matched, a)
        if matched == len(factor):
            count = min(count + 1, times)
            matched = max(size for size in range(len(factor))
                          if factor[len(factor) - size :] == factor[:size])
        return matched, count

    def member(w):
        w = tuple(w)
        return sum(w[i : i + len(factor)] == factor for i in range(len(w))) >= times

    return explore(alphabet, (0, 0), step, lambda s: s[1] == times), member


# -- oracles -----------------------------------------------------------------------------------


def single_edits(word: tuple, alphabet):
    """Every word one insertion, deletion or substitution away (lazily: words may be long)."""
    for i in range(len(word) + 1):
        for a in alphabet:
            yield word[:i] + (a,) + word[i:]
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]
        for a in alphabet:
            if a != word[i]:
                yield word[:i] + (a,) + word[i + 1 :]


def sources_of_kind(word: tuple, kind: str, alphabet):
    """The words that one edit of `kind` turns into `word`."""
    n = len(word)
    if kind == "substitute":
        return [word[:i] + (a,) + word[i + 1 :] for i in range(n) for a in alphabet
                if a != word[i]]
    if kind == "insert":
        return [word[:i] + word[i + 1 :] for i in range(n)]
    if kind == "delete":
        return [word[:i] + (a,) + word[i:] for i in range(n + 1) for a in alphabet]
    return [word[:i] + (word[i + 1], word[i]) + word[i + 2 :] for i in range(n - 1)
            if word[i] != word[i + 1]]


def made_by(source: tuple, word: tuple, kind: str, position: int) -> bool:
    p = position
    if kind == "substitute":
        return (len(word) == len(source) and word[:p] == source[:p]
                and word[p + 1 :] == source[p + 1 :] and word[p] != source[p])
    if kind == "insert":
        return word[:p] + word[p + 1 :] == source
    if kind == "delete":
        return source[:p] + source[p + 1 :] == word
    return (source[p] != source[p + 1]
            and source[:p] + (source[p + 1], source[p]) + source[p + 2 :] == word)


def check_guarantee(misses, member: Callable, alphabet) -> None:
    for word, kind, position, source in zip(misses.words, misses.kinds.tolist(),
                                            misses.positions.tolist(), misses.sources,
                                            strict=True):
        w, s = tuple(word), tuple(source)
        assert not member(w), word
        assert member(s), source
        assert made_by(s, w, kind, position), (source, kind, position, word)
        assert any(member(e) for e in single_edits(w, alphabet)), word  # distance exactly 1


# -- the family, brute force -----------------------------------------------------------------


def small_family(seed: int):
    rng = np.random.default_rng(seed)
    ab = ("a", "b", "c")
    pick = lambda n: tuple(rng.choice(ab, n).tolist())  # noqa: E731
    yield contains_factor(ab, pick(3))
    yield avoids_subsequence(ab, pick(4))
    yield tier_avoids(ab, ("a", "b"), [pick(3), pick(2)])
    yield tier_avoids(ab, ("a", "b"), [("a", "b", "a", "b")])  # almost every word: rare misses
    yield factor_at_least(ab, pick(2), 2)
    g = random_grammar(6, ab, seed=seed, accepting=0.4)
    yield g, g.accepts  # the random DFA's own acceptor: the edits are still checked


@pytest.mark.parametrize("seed", range(3))
def test_near_miss_guarantee_on_the_family(seed):
    for g, member in small_family(seed):
        for kind in KINDS:
            try:
                misses = near_misses(g, 12, seed=seed, kinds=[kind], length=(3, 7))
            except EmptyLanguageError:
                # then brute force finds no such near miss either
                for length in range(3, 8):
                    for word in itertools.product(g.alphabet, repeat=length):
                        assert member(word) or not any(
                            member(s) for s in sources_of_kind(word, kind, g.alphabet)
                        ) or not any(member(e) for e in single_edits(word, g.alphabet)), (
                            word, kind)
                continue
            assert len(misses) == 12 and set(misses.kinds.tolist()) == {kind}
            assert {len(w) for w in misses} <= set(range(3, 8))
            check_guarantee(misses, member, g.alphabet)


@pytest.mark.parametrize("seed", range(3))
def test_near_misses_of_walks_keep_the_guarantee_whichever_route_draws_them(seed):
    # Default walks: where an edit rarely leaves the language, the words are counted at a
    # walk's length instead of mutated (exact=True); every word must still be what it claims.
    for g, member in small_family(seed):
        for kind in KINDS:
            try:
                misses = near_misses(g, 12, seed=seed, kinds=[kind])
            except EmptyLanguageError:
                continue  # the length-given test above checks "none" by brute force
            assert set(misses.kinds.tolist()) == {kind}
            check_guarantee(misses, member, g.alphabet)


def test_walk_near_misses_of_a_language_that_edits_rarely_leave_are_counted():
    # 16 symbols, a tier of four: mutating walks finds a near miss about once in 10**4 tries
    out = run_capped("""
        g, member = t.tier_avoids("abcdefghijklmnop", "abcd", ["ababab", "bababa"])
        misses = near_misses(g, 40, seed=0)
        t.check_guarantee(misses, member, g.alphabet)
        out = {"n": len(misses), "counted": int(misses.exact.sum())}
    """, timeout=120)
    assert out["n"] == 40 and out["counted"] > 0


def test_possible_lengths_match_the_automaton():
    grammars = [library.get(name) for name in library.names()]
    grammars += [random_grammar(6, "abc", seed=s) for s in range(20)]
    for g in grammars:
        if not g.dfa.live[g.dfa.start]:
            continue
        for code, kind in enumerate(KINDS):
            nm = near_miss_dfa_or_none(g, [kind])
            if nm is None:
                continue
            possible = possible_lengths(g.dfa, code, 8)
            for length in range(9):
                exists = nm.count(length) > 0
                # exact, except that a transposition may need a second edit to repair
                assert possible[length] == exists or (kind == "transpose" and not exists)


def test_a_failed_build_is_remembered():
    g, _ = tier_avoids("abcd", "abc", [("a", "b", "a", "b", "a", "b"), ("c", "c", "c")])
    assert near_miss_dfa_or_none(g, ["transpose"], max_states=20) is None
    assert build_failed(g, ["transpose"], 20) and build_failed(g, ["transpose"], 79)
    assert not build_failed(g, ["transpose"], 80)  # four times the bound: worth a retry
    assert near_miss_dfa(g, ["transpose"]).n_states > 20  # the public call still builds it


# -- regressions under a memory cap ------------------------------------------------------------


def run_capped(body: str, timeout: float) -> dict:
    """Run `body` in a subprocess with this module loaded as `t`, under MEMORY_CAP."""
    code = textwrap.dedent(f"""
        import importlib.util, json, resource, sys, time, warnings
        resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_CAP}, {MEMORY_CAP}))
        warnings.simplefilter("ignore")
        spec = importlib.util.spec_from_file_location("t", {__file__!r})
        t = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(t)
        from grammar.negatives import near_misses, non_members
        began = time.perf_counter()
    """) + textwrap.dedent(body) + textwrap.dedent("""
        out["seconds"] = time.perf_counter() - began
        print(json.dumps(out))
    """)
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"did not finish within {timeout} s")
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_transpose_near_misses_of_a_tier_grammar_stay_bounded():
    # failure case 2: on the tier a, b, c, none of aaaaaa, bbbbbb, bcbcbc
    out = run_capped("""
        g, member = t.tier_avoids("abcd", "abc", ["aaaaaa", "bbbbbb", "bcbcbc"])
        misses = near_misses(g, 40, seed=1, length=(20, 29), kinds=["transpose"])
        t.check_guarantee(misses, member, g.alphabet)
        out = {"n": len(misses)}
    """, timeout=60)  # the limit that fails a regression: minutes before, under a second now
    assert out["n"] == 40


def test_large_near_miss_automata_are_not_rebuilt():
    # failure case 3: 16 symbols, a tier of four, almost every word a member
    out = run_capped("""
        from grammar.negatives.pairs import EditPairs
        builds, real = [], EditPairs.build
        def counted(*args, **kwargs):
            builds.append("build")
            return real(*args, **kwargs)
        EditPairs.build = staticmethod(counted)
        g, member = t.tier_avoids("abcdefghijklmnop", "abcd", ["ababab", "bababa"])
        misses = near_misses(g, 40, seed=1, length=(20, 29), kinds=["transpose"])
        t.check_guarantee(misses, member, g.alphabet)
        first = list(builds)
        near_misses(g, 40, seed=2, length=(20, 29), kinds=["transpose"])
        out = {"n": len(misses), "first": first, "again": builds[len(first):]}
    """, timeout=60)
    # Mutation almost never leaves this language: the words come from counting the
    # (member, edit) pairs that do (grammar.negatives.pairs), built once and never again.
    assert out["n"] == 40
    assert out["first"].count("build") <= 1 and "build" not in out["again"]


def test_pair_draws_are_sized_by_what_is_still_wanted(monkeypatch):
    # Mutation almost never leaves this language, so the pairs are counted and drawn; a
    # draw passes by construction, so a round asks for about the words still wanted (plus
    # ROUND_EXTRA per length), not for what mutation's poor success rate would need.
    from grammar.negatives.pairs import EditPairs
    from grammar.negatives.quotas import ROUND_EXTRA

    drawn, real = [], EditPairs.draw_lengths
    monkeypatch.setattr(EditPairs, "draw_lengths",
                        lambda self, lengths, rng: drawn.append(len(lengths))
                        or real(self, lengths, rng))
    g, member = tier_avoids("abcdefghijklmnop", "abcd", ["ababab", "bababa"])
    for kind in KINDS:
        drawn.clear()
        misses = near_misses(g, 1000, seed=1, length=(20, 29), kinds=[kind])
        check_guarantee(misses, member, g.alphabet)
        assert len(misses) == 1000 and drawn  # drawn from the pairs (18,750 of them before)
        assert sum(drawn) <= 2 * (1000 + 10 * ROUND_EXTRA), (kind, drawn)  # ... as needed


def test_many_transposition_checks_on_a_small_grammar_build_the_distance_one_automaton(oracle):
    # Checking a transposition with the repair tables costs O(length x states) a word; once
    # the checks so far cost more than building the small automaton of words one edit from
    # the language would, it is built and every later check is one run.
    from grammar.negatives.automaton import built_near_miss_dfa

    g = Grammar(library.embedded_reber().to_graph())  # a fresh DFA: nothing cached on it
    edits = ("substitute", "insert", "delete")
    misses = near_misses(g, 20, seed=0, kinds=["transpose"])
    assert built_near_miss_dfa(g, edits) is None  # a few checks: not worth a build
    misses = near_misses(g, 200_000, seed=0, kinds=["transpose"])
    assert built_near_miss_dfa(g, edits) is not None
    assert len(misses) == 200_000 and not g.accepts_many(misses.words[:5000]).any()
    for word in misses.words[:300]:
        assert re.fullmatch(oracle.EMBEDDED_REBER_RE, word) is None
        assert any(re.fullmatch(oracle.EMBEDDED_REBER_RE, "".join(e))
                   for e in single_edits(tuple(word), g.alphabet))


def test_large_alphabets():
    # failure case 4: 64 symbols and 12 states
    out = run_capped("""
        symbols = [f"s{i}" for i in range(64)]
        g, member = t.contains_factor(symbols, [f"s{i}" for i in range(11)])
        assert g.dfa.n_states == 12
        misses = near_misses(g, 40, seed=0, length=(20, 29))
        t.check_guarantee(misses, member, g.alphabet)
        found = non_members(g, 1000, length=(31, 50), seed=0)
        assert not any(member(w) for w in found.words)
        out = {"n": len(misses), "non_members": len(found)}
    """, timeout=60)
    assert out["n"] == 40 and out["non_members"] == 1000


def test_near_misses_of_long_walks_are_bounded():
    # walks run about 4,000 symbols long: until abcdab shows up, then while the a's are odd
    out = run_capped("""
        step = t.suffix_match(tuple("abcdab"))
        g = t.explore("abcd", (0, 0), lambda s, a: (step(s[0], a), s[1] ^ (a == "a")),
                      lambda s: s == (6, 0))
        member = lambda w: "abcdab" in "".join(w) and tuple(w).count("a") % 2 == 0
        misses = near_misses(g, 20, seed=0)
        assert max(len(s) for s in misses.sources) > 1000
        t.check_guarantee(misses, member, g.alphabet)
        out = {"n": len(misses)}
    """, timeout=120)
    assert out["n"] == 20


@pytest.mark.slow
def test_near_misses_of_very_long_walks_are_bounded():
    # failure case 1: abcdab at least twice; walks of about 9,000 symbols, some of 30,000
    out = run_capped("""
        g, member = t.factor_at_least("abcd", "abcdab", 2)
        misses = near_misses(g, 50, seed=0)
        t.check_guarantee(misses, member, g.alphabet)
        out = {"n": len(misses), "longest": max(len(s) for s in misses.sources)}
    """, timeout=600)
    assert out["n"] == 50


# -- counting ------------------------------------------------------------------------------------


def test_counts_grow_only_to_the_lengths_asked_for(oracle):
    # Over 7 symbols, 7**22 < 2**62 <= 7**23: the tables meet int64's edge on the way.
    import re

    from grammar.codes import Codec
    from grammar.ranking import Counts, unrank_codes

    g = library.embedded_reber()
    dfa = g.dfa
    grown = Counts(dfa, members=False)
    for length in (9, 21, 22):
        grown.branches(length)
        assert len(grown.counts) == length + 1  # no length past the longest asked for
    assert grown.counts.dtype == np.int64  # every count so far fits
    grown.upto(23)
    direct = Counts(dfa, members=False)
    assert (grown.counts == direct.upto(23).counts).all()
    assert (grown.branches(23) == direct.branches(23)).all()  # grown in pieces, or at once
    top = int(direct.counts[23, dfa.start])
    ranks = np.array([0, top // 3, top - 1], dtype=object)
    words = Codec.of(dfa).decode(unrank_codes(dfa, np.full(3, 23), ranks, members=False))
    assert all(len(w) == 23 and not re.fullmatch(oracle.EMBEDDED_REBER_RE, w) for w in words)
    assert len(set(words)) == 3
