"""Near misses drawn from counted (member, edit) pairs, checked against brute force.

:mod:`grammar.negatives.pairs` counts the pairs (u, edit) with u a member
and the edited word rejected, and draws them in proportion to the counts;
:mod:`grammar.weighted` makes those draws exact with float
weights. The oracles here enumerate every source word and every edit, and
decide membership with Python predicates (or, for random DFAs, with the
DFA's own acceptor: the edits are what is checked).
"""

from __future__ import annotations

import itertools
from collections import Counter, deque
from fractions import Fraction

import numpy as np
import pytest

from grammar import Grammar, datasets, library, random_grammar
from grammar.negatives import KINDS, near_misses, pair_tables
from grammar.negatives import pairs as pairs_module
from grammar.negatives.choice import pairs_pay
from grammar.negatives.pairs import EditPairs, edit_pairs
from grammar.weighted import choose, exact_choice

from .test_negatives_scale import explore

AB = ("a", "b", "c")


def avoids_with_parity():
    """Avoids the subsequence a b c a, with an even number of b."""
    pattern = "abca"

    def member(w):
        it = iter(w)
        return not all(any(x == y for y in it) for x in pattern) and list(w).count("b") % 2 == 0

    def step(s, x):
        matched, parity = s
        if matched < len(pattern) and x == pattern[matched]:
            matched += 1
        return matched, parity ^ (x == "b")

    return explore(AB, (0, 0), step, lambda s: s[0] < len(pattern) and s[1] == 0), member


def tier_avoids():
    """On the tier of a and b, no a b a."""

    def member(w):
        return "aba" not in "".join(x for x in w if x in "ab")

    def step(s, x):
        if x not in "ab":
            return s
        text = (s + x)[-3:]
        return "aba" if "aba" in text or s == "aba" else text[-2:]

    return explore(AB, "", step, lambda s: s != "aba"), member


def family():
    yield avoids_with_parity()
    yield tier_avoids()
    for seed in range(3):
        g = random_grammar(5, AB, seed=seed, accepting=0.4)
        yield g, g.accepts


def edits(u: tuple, kind: str):
    """Every edit of `kind` on u, as (word, position), as mutation numbers them."""
    n = len(u)
    if kind == "substitute":
        return [(u[:i] + (b,) + u[i + 1 :], i) for i in range(n) for b in AB if b != u[i]]
    if kind == "insert":
        return [(u[:i] + (b,) + u[i:], i) for i in range(n + 1) for b in AB]
    if kind == "delete":
        return [(u[:i] + u[i + 1 :], i) for i in range(n)]
    return [(u[:i] + (u[i + 1], u[i]) + u[i + 2 :], i) for i in range(n - 1) if u[i] != u[i + 1]]


def valid_pairs(member, kind: str, length: int) -> Counter:
    """(word, source, position) -> how many edits make it, over members of every length."""
    growth = {"substitute": 0, "insert": 1, "delete": -1, "transpose": 0}[kind]
    found: Counter = Counter()
    if length - growth < 0:
        return found
    for u in itertools.product(AB, repeat=length - growth):
        if member(u):
            for w, i in edits(u, kind):
                if not member(w):
                    found[(w, u, i)] += 1
    return found


def decoded(g: Grammar, words, sources, positions) -> list[tuple]:
    alphabet = g.alphabet
    word = lambda row: tuple(alphabet[c - 1] for c in row if c)  # noqa: E731
    return [(word(w), word(u), p) for w, u, p in
            zip(words.tolist(), sources.tolist(), positions.tolist(), strict=True)]


def assert_uniform(seen: Counter, expected: Counter, draws: int) -> None:
    assert set(seen) <= set(expected), set(seen) - set(expected)
    total = sum(expected.values())
    chi = sum((seen[key] - draws * c / total) ** 2 / (draws * c / total)
              for key, c in expected.items())
    dof = max(len(expected) - 1, 1)
    assert chi < dof + 6 * (2 * dof) ** 0.5, (chi, dof)


# -- counts and draws --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_pair_counts_match_brute_force(kind):
    code = KINDS.index(kind)
    for g, member in family():
        pairs = EditPairs.build(g.dfa, code, 6, budget=1 << 20)
        assert pairs is not None
        for length in range(7):
            assert pairs.count(length) == sum(valid_pairs(member, kind, length).values()), (
                g, kind, length)


@pytest.mark.parametrize("kind", KINDS)
def test_pair_draws_are_uniform_valid_pairs(kind):
    code = KINDS.index(kind)
    for number, (g, member) in enumerate(family()):
        pairs = EditPairs.build(g.dfa, code, 5, budget=1 << 20)
        expected = valid_pairs(member, kind, 5)
        if not expected:
            continue
        draws = 60 * sum(expected.values())
        got = decoded(g, *pairs.draw(5, draws, np.random.default_rng(number)))
        assert_uniform(Counter(got), expected, draws)


@pytest.mark.parametrize("kind", KINDS)
def test_one_walk_of_mixed_lengths_draws_each_length_uniformly(kind):
    # Rows of lengths 3 and 5 share one walk: each length's rows are uniform over its pairs.
    code, checked = KINDS.index(kind), 0
    for number, (g, member) in enumerate(family()):
        pairs = EditPairs.build(g.dfa, code, 5, budget=1 << 20)
        expected = {n: valid_pairs(member, kind, n) for n in (3, 5)}
        if not all(expected.values()):
            continue
        checked += 1
        draws = {n: 40 * sum(e.values()) for n, e in expected.items()}
        lengths = np.random.default_rng(number).permutation(
            np.repeat([3, 5], [draws[3], draws[5]]))
        got = decoded(g, *pairs.draw_lengths(lengths, np.random.default_rng(number)))
        for n in (3, 5):
            mine = [row for row, size in zip(got, lengths.tolist(), strict=True) if size == n]
            assert all(len(w) == n for w, _, _ in mine)
            assert_uniform(Counter(mine), expected[n], draws[n])
    assert checked


def test_close_calls_and_python_ints_keep_draws_exact(monkeypatch):
    # Counts past a tiny int64 bound turn into Python ints; a huge float error sends
    # every choice down the exact path.
    monkeypatch.setattr(pairs_module, "INT64_SAFE", 64)
    monkeypatch.setattr(pair_tables, "INT64_SAFE", 64)
    g, member = avoids_with_parity()
    for kind in ("substitute", "transpose"):
        pairs = EditPairs.build(g.dfa, KINDS.index(kind), 5, budget=1 << 20)
        expected = valid_pairs(member, kind, 5)
        assert pairs.count(5) == sum(expected.values())
        pairs.error = 0.5
        draws = 30 * sum(expected.values())
        got = decoded(g, *pairs.draw(5, draws, np.random.default_rng(7)))
        assert_uniform(Counter(got), expected, draws)
        assert any(level.dtype == object for level in pairs.exact[2])


def test_exact_choice_matches_rational_arithmetic():
    rng = np.random.default_rng(0)
    for _ in range(300):
        weights = [int(x) for x in rng.integers(0, 2**40, size=4)]
        weights[int(rng.integers(4))] *= 2**70  # counts far past 53 bits
        if not sum(weights):
            continue
        y53 = int(rng.integers(0, 2**53))
        j = exact_choice(weights, y53, rng)
        total = sum(weights)
        point = Fraction(y53, 2**53) * total
        # the uniform number lies in [y53, y53 + 1) / 2**53, and its point in bin j
        assert sum(weights[:j]) - Fraction(total, 2**53) < point < sum(weights[: j + 1])
        assert weights[j] > 0


def test_float_choices_agree_with_exact_ones():
    rng = np.random.default_rng(1)
    exact = rng.integers(1, 2**30, size=(2000, 5)).astype(object) * (2**80)
    exact[:, 2] = 0
    exact[:, 3] += 1  # not a multiple of a power of two: floats round
    weights = exact.astype(np.float64)
    got = choose(weights, lambda rows: exact[rows[0]].tolist(), np.random.default_rng(3), 1e-12)
    ys = np.random.default_rng(3).random(len(weights))
    again = [exact_choice(row.tolist(), int(y * 2.0**53), None)
             for row, y in zip(exact, ys, strict=True)]
    assert got.tolist() == again and 2 not in got.tolist()


# -- in the generator ---------------------------------------------------------------------------


def test_pair_builds_are_remembered_and_answers_depend_on_the_call(monkeypatch):
    calls = []
    build = EditPairs.build.__func__

    def counting(cls, *args):
        calls.append(args)
        return build(cls, *args)

    monkeypatch.setattr(EditPairs, "build", classmethod(counting))
    dfa = random_grammar(40, AB, seed=3, accepting=0.5).dfa
    assert edit_pairs(dfa, 0, 10, 100) is None and len(calls) == 1  # too small a budget
    assert edit_pairs(dfa, 0, 10, 100) is None and len(calls) == 1  # known to fail
    assert edit_pairs(dfa, 0, 12, 50) is None and len(calls) == 1  # longer, and less
    built = edit_pairs(dfa, 0, 10, 1 << 20)
    assert built is not None and len(calls) == 2
    assert edit_pairs(dfa, 0, 10, 1 << 20) is built and len(calls) == 2  # cached
    # a budget too small for it gets what a fresh build would give: nothing
    assert edit_pairs(dfa, 0, 10, built.cost(10) - 1) is None and len(calls) == 2
    assert edit_pairs(dfa, 0, 10, built.cost(10)) is built


def test_near_misses_do_not_depend_on_earlier_calls():
    g, _ = avoids_with_parity()
    first = near_misses(g, 300, seed=4, length=(8, 11), kinds=["transpose"])
    near_misses(g, 50, seed=9, length=(6, 14))  # builds and caches other tables
    again = near_misses(g, 300, seed=4, length=(8, 11), kinds=["transpose"])
    assert first.words == again.words and first.sources == again.sources


@pytest.mark.parametrize("kind", KINDS)
def test_near_misses_from_pairs_keep_the_guarantee(kind):
    # Transpositions of members of avoids-abca rarely leave it: counted, not mutated.
    g, member = avoids_with_parity()
    misses = near_misses(g, 200, seed=0, length=(8, 11), kinds=[kind])
    assert len(misses) == 200 and not misses.exact.any()
    for word, position, source in zip(misses.words, misses.positions.tolist(),
                                      misses.sources, strict=True):
        w, u = tuple(word), tuple(source)
        assert not member(w) and member(u)
        assert (w, position) in edits(u, kind)
        assert any(member(e) for one in ("substitute", "insert", "delete")
                   for e, _ in edits(w, one))  # distance exactly 1


def test_float_choices_are_exact_at_the_error_bound():
    # Exact weights put a boundary within a few `error`s of each row's point y * T, and the
    # float weights err by the full `error`, in opposite directions: the float path must
    # still choose what exact arithmetic on the same 53 random bits allows.
    error, m = 1e-9, 4000
    ys = np.random.default_rng(5).random(m)
    noise = np.random.default_rng(6)
    total = 2**80 + 12345
    exact, floats = [], np.zeros((m, 3))
    for i, y in enumerate(ys.tolist()):
        first = int(Fraction(y) * total) + int(noise.uniform(-4, 4) * error * total)
        first = min(max(first, 1), total - 2)
        row = [first, 1, total - first - 1]
        signs = noise.choice([-1.0, 1.0], size=3)
        exact.append(row)
        floats[i] = [w * (1 + s * error * 0.999) for w, s in zip(row, signs, strict=True)]
    got = choose(floats, lambda rows: exact[rows[0]], np.random.default_rng(5), error)
    for row, y, j in zip(exact, ys.tolist(), got.tolist(), strict=True):
        lo = Fraction(int(y * 2**53), 2**53) * total
        hi = lo + Fraction(total, 2**53)
        cum = list(itertools.accumulate(row))
        allowed = {b for b in range(3) if (cum[b - 1] if b else 0) < hi and cum[b] > lo}
        assert j in allowed and row[j] > 0, (row, y, j)


def test_segment_sums_keep_small_segments_after_large_ones():
    # A running-sum difference would lose the 3 after 2**80 (it did: a count of 0).
    values = [2.0**80, 1.0, 2.0, 7.0, 5.0]
    got = pair_tables.segment_sums(np.array(values), np.array([0, 1, 1, 3, 5]), exact=False)
    assert got.tolist() == [2.0**80, 0.0, 3.0, 12.0]
    ints = np.array([2**62, 3, 2**62, 5], dtype=np.int64)
    got = pair_tables.segment_sums(ints, np.array([0, 2, 2, 4]), exact=True)
    assert [int(v) for v in got] == [2**62 + 3, 0, 2**62 + 5]


def test_float_counts_are_within_their_error_bound_of_the_exact_ones():
    # 16 symbols to length 24: counts far past 2**53, of very different sizes from pair to
    # pair (a running-sum difference once lost small ones entirely, here).
    alphabet = [chr(ord("a") + i) for i in range(16)]

    def step(s, x):  # avoid the subsequence a b c d e f; count the a modulo 14
        matched, count = s
        if matched < 6 and x == "abcdef"[matched]:
            matched += 1
        return matched, (count + (x == "a")) % 14

    index, queue, edges = {(0, 0): 0}, deque([(0, 0)]), []
    while queue:
        state = queue.popleft()
        for x in alphabet:
            target = step(state, x)
            if target not in index:
                index[target] = len(index)
                queue.append(target)
            edges.append((index[state], index[target], x))
    g = Grammar.from_edges(edges, start=0, accepting=[i for s, i in index.items()
                                                      if s[0] < 6 and s[1] == 0])
    for kind in range(4):
        pairs = EditPairs.build(g.dfa, kind, 24, budget=1 << 22)
        assert pairs.count(24) > 2**53 or kind == 3
        exact = pairs.exact_counts(24)
        for floats, ints in zip(pairs.tables, exact, strict=True):
            for level, truth in zip(floats, ints, strict=True):
                truth = np.array([int(v) for v in truth], dtype=object)
                assert ((level == 0) == (truth == 0)).all()
                big = truth != 0
                err = [abs(Fraction(float(a)) - b) / b for a, b in zip(level[big], truth[big],
                                                                        strict=True)]
                assert max(err, default=0) <= pairs.error


def drawn_pairs(monkeypatch) -> list[int]:
    """Record how many pairs each draw asks for."""
    sizes: list[int] = []
    original = EditPairs.draw_lengths

    def spy(self, lengths, rng):
        sizes.append(len(lengths))
        return original(self, lengths, rng)

    monkeypatch.setattr(EditPairs, "draw_lengths", spy)
    return sizes


def test_pairs_are_drawn_only_where_mutation_rarely_succeeds(monkeypatch):
    # On embedded Reber one edit in three or more leaves the language: mutating is far
    # cheaper than a pair draw (which once asked for ~300,000 pairs a round here).
    sizes = drawn_pairs(monkeypatch)
    datasets.test_suite(library.embedded_reber(), 400, seed=0)
    assert sizes == []
    # Transpositions of avoids-abca members rarely leave it: those are counted and drawn.
    g, _ = avoids_with_parity()
    near_misses(g, 200, seed=0, length=(8, 11), kinds=["transpose"])
    assert sizes and max(sizes) < 20_000
    assert pairs_pay(0.001, k=3) and not pairs_pay(0.3, k=7)
