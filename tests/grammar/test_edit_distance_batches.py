"""Edit distances computed for many words at once, against Levenshtein by hand.

Oracle: the distance of a word w to the language is the least Levenshtein
distance from w to a member. A member at distance d has at most len(w) + d
symbols, so enumerating every member up to that length, by brute force over
all words, decides whether the batched answer d is exact.
"""

from __future__ import annotations

import itertools

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from grammar import random_grammar
from grammar.negatives import distances

from ..oracles import levenshtein

ALPHABET = ("a", "b")
LONGEST_MEMBER = 11  # 2**12 words: enumerated per example


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 10**6),
       words=st.lists(st.lists(st.sampled_from(("a", "b", "z")), max_size=6), min_size=1,
                      max_size=30))
def test_batched_distances_are_the_least_levenshtein_distance_to_a_member(seed, words):
    g = random_grammar(5, ALPHABET, seed=seed, accepting=0.3)
    members = {n: [w for w in itertools.product(ALPHABET, repeat=n) if g.accepts(list(w))]
               for n in range(LONGEST_MEMBER + 1)}
    assume(any(members.values()))  # a minimal DFA of 5 states has a member this short if any
    words = [tuple(w) for w in words]  # "z" is a symbol the grammar does not have
    got = distances(g, [list(w) for w in words]).tolist()
    for word, d in zip(words, got, strict=True):
        if len(word) + d > LONGEST_MEMBER:
            continue  # the oracle would need longer members than it enumerates
        best = min(levenshtein(word, m) for n in range(len(word) + d + 1) for m in members[n])
        assert best == d, (word, d, best)
