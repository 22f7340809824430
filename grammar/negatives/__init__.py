"""Negatives with guaranteed labels: near misses, random non-members, and edit distance.

:func:`distance` is the exact edit distance (insertions, deletions and
substitutions, each costing 1) from a word to the language
(:mod:`grammar.negatives.edit_distance`).

:func:`near_misses` mutates sampled members by one edit (substitute, insert,
delete, or transpose two adjacent symbols) and keeps the results that the
automaton rejects and that lie at distance exactly 1 from the language
(:mod:`grammar.negatives.near_miss`). A transposition is two substitutions,
so it is kept only when some single edit repairs it. When single edits
rarely leave the language, words of a given length are drawn instead from
the counted (member, edit) pairs that leave it (the *pair product*, the
same distribution as mutation without its failures), or the generator may
switch to the *near-miss automaton*, a DFA for exactly the rejected words one edit away
(:func:`near_miss_dfa`), which also tells when a kind or a length has no near
misses at all.

:func:`non_members` draws words uniformly among the non-members of a length
and reports each one's distance (:mod:`grammar.negatives.non_member`).

The modules, one idea each:

- :mod:`~grammar.negatives.kinds`: the kinds of edit (one record each, in
  :mod:`grammar.edit_kinds`) and how one is applied to a batch of words;
- :mod:`~grammar.negatives.edit_distance`: exact edit distance;
- :mod:`~grammar.negatives.repairs`: which single edits turn words into members;
- :mod:`~grammar.negatives.possible`: which kinds have near misses at which lengths;
- :mod:`~grammar.negatives.automaton`: the near-miss automaton;
- :mod:`~grammar.negatives.pairs`: counted (member, edit) pairs and draws from them
  (tables in :mod:`~grammar.negatives.pair_tables`, exact float-guided choices in
  :mod:`~grammar.weighted`);
- :mod:`~grammar.negatives.windows`: locally plausible (long-range) words;
- :mod:`~grammar.negatives.quotas`: the quota planner;
- :mod:`~grammar.negatives.pair_book`: the pair products of one call and their tallies;
- :mod:`~grammar.negatives.choice`: mutation, pairs or the exact draw, by estimated cost;
- :mod:`~grammar.negatives.generator`: the rounds of mutation and the exact draws;
- :mod:`~grammar.negatives.near_miss`: :func:`near_misses` and its result;
- :mod:`~grammar.negatives.non_member`: :func:`non_members` and its result.

Examples
--------
>>> from grammar import library
>>> from grammar.negatives import distance, near_misses, non_members
>>> g = library.reber()
>>> distance(g, "BTXSE"), distance(g, "BTXXE"), distance(g, "")
(0, 1, 5)
>>> misses = near_misses(g, 4, seed=0)
>>> [g.accepts(w) for w in misses], [distance(g, w) for w in misses]
([False, False, False, False], [1, 1, 1, 1])
>>> sorted(set(misses.kinds.tolist())) == sorted(["substitute", "insert", "delete", "transpose"])
True
"""

from grammar.negatives.automaton import near_miss_dfa
from grammar.negatives.edit_distance import distance, distances
from grammar.negatives.kinds import DEFAULT_KINDS, EDIT_KINDS, KINDS, EditKind, check_kinds
from grammar.negatives.near_miss import NearMisses, near_misses, near_misses_by_length
from grammar.negatives.non_member import NonMembers, non_members

__all__ = [
    "DEFAULT_KINDS",
    "EDIT_KINDS",
    "KINDS",
    "EditKind",
    "check_kinds",
    "NearMisses",
    "NonMembers",
    "distance",
    "distances",
    "near_miss_dfa",
    "near_misses",
    "near_misses_by_length",
    "non_members",
]
