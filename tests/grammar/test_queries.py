"""Queries on a grammar: membership, explain, next symbols, counting, enumeration, equivalence."""

from __future__ import annotations

import copy
import itertools
import pickle
import re
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grammar import Grammar, GrammarError, library

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- accepts ---------------------------------------------------------------------------


def test_accepts_str_list_and_tuple(reber):
    assert reber.accepts("BTSSXXTVVE")
    assert reber.accepts(list("BTSSXXTVVE"))
    assert reber.accepts(tuple("BTSSXXTVVE"))
    assert not reber.accepts("BTSSXXTVPE")
    assert not reber.accepts("")


@pytest.mark.parametrize("word", ["BTZ", "btssxse", "BTSSXSE!", "B T S S X S E", "Ω"])
def test_unknown_symbols_give_false(reber, word):
    assert reber.accepts(word) is False


def test_unknown_symbol_in_a_list(reber):
    assert reber.accepts(["B", "TT", "E"]) is False


@pytest.mark.parametrize("word", [5, None, 3.5, object(), {"B", "E"}, b"BTXSE"])
def test_accepts_rejects_wrong_types(reber, word):
    with pytest.raises(TypeError):
        reber.accepts(word)


def test_accepts_rejects_non_str_symbols(reber):
    with pytest.raises(TypeError):
        reber.accepts(["B", 1, "E"])


def test_accepts_returns_plain_bool(reber):
    assert type(reber.accepts("BTXSE")) is bool
    assert type(reber.accepts("BTXS")) is bool


def test_empty_word(only_empty_word, empty_language, reber):
    assert only_empty_word.accepts("")
    assert not only_empty_word.accepts("a")
    assert not empty_language.accepts("")
    assert not empty_language.accepts("aaa")
    assert not reber.accepts([])


# -- accepts_many ----------------------------------------------------------------------


def test_accepts_many_matches_accepts(oracle, reber):
    words = ["".join(w) for w in oracle.words_upto("BEPSTVX", 5)] + list(reber.strings(10))
    result = reber.accepts_many(words)
    assert isinstance(result, np.ndarray) and result.dtype == bool and result.shape == (len(words),)
    assert result.tolist() == [bool(re.fullmatch(oracle.REBER_RE, w)) for w in words]


def test_accepts_many_newline_separated(reber):
    words = ["BTXSE", "BTE", "BPVVE", "", "BPVPVVE", "BTZXSE"]
    expected = [True, False, True, False, False, False]
    assert reber.accepts_many("\n".join(words)).tolist() == expected
    assert reber.accepts_many("\n".join(words).encode()).tolist() == expected


def test_accepts_many_empty_input(reber):
    assert reber.accepts_many([]).shape == (0,)


def test_accepts_many_tokens(protocol):
    words = [("open", "close"), ("open", "read", "write", "close"), ("close",), ("open", "zip")]
    assert protocol.accepts_many(words).tolist() == [True, True, False, False]


@given(data=st.data())
@FAST
def test_accepts_many_agrees_with_naive_simulation(oracle, data):
    # ASCII, latin-1 and wider alphabets; long enough lists to leave the small-input path
    alphabet = data.draw(st.sampled_from(["abc", "é\x00", "αβ", "a\xff "]))
    G = data.draw(oracle.random_graphs(max_states=8, alphabet=alphabet))
    g = Grammar(G)
    nfa = oracle.NaiveNFA(G)
    words = data.draw(st.lists(st.text(alphabet + "dé€", max_size=12), max_size=100))
    expected = [nfa.accepts(w) for w in words]
    assert g.accepts_many(words).tolist() == expected
    assert g.accepts_many([tuple(w) for w in words]).tolist() == expected
    text = "".join(w + "\n" for w in words)  # a final newline ends a word, opens none
    assert g.accepts_many(text).tolist() == expected
    assert g.accepts_many(text.encode()).tolist() == expected


# -- tokens ----------------------------------------------------------------------------


def test_token_words_are_tuples(protocol):
    assert not protocol.single_char
    assert protocol.alphabet == ("close", "open", "read", "write")
    assert protocol.accepts(("open", "read", "write", "close"))
    assert protocol.accepts(["open", "close"])
    assert protocol.accepts("open read  write\tclose")  # whitespace-separated tokens
    assert not protocol.accepts("openclose")
    assert not protocol.accepts(("open", "read"))
    members = list(protocol.strings(3))
    assert members == [("open", "close"), ("open", "read", "close"), ("open", "write", "close")]
    assert protocol.count(6) == 2**4
    assert protocol.counterexample(protocol) is None


def test_char_grammar_words_are_str(reber):
    assert reber.single_char
    assert all(type(w) is str for w in reber.strings(8))


def test_encode_decode_round_trip(reber, protocol):
    ids = reber.encode("BTXSE")
    assert ids.dtype == np.int32
    assert [reber.alphabet[i] for i in ids] == list("BTXSE")
    assert reber.decode(ids) == "BTXSE"
    assert reber.encode("BTZ") is None
    assert protocol.decode(protocol.encode("open read close")) == ("open", "read", "close")


# -- explain ---------------------------------------------------------------------------


def test_explain_reber_example(reber):
    # 0 -B-> 1 -P-> 3 -V-> 5 -P-> 4, and state 4 only has X and S
    e = reber.explain("BPVPVVE")
    assert not e.accepted
    assert e.position == 4
    assert e.found == "V"
    assert tuple(e.expected) == ("S", "X")
    assert tuple(e.prefix) == tuple("BPVP")
    assert not e.ended_early


def test_explain_ended_early(reber):
    e = reber.explain("BTSSX")
    assert not e.accepted and e.ended_early
    assert e.position == 5 and e.found is None
    assert tuple(e.expected) == ("S", "X")  # state 4
    assert tuple(e.prefix) == tuple("BTSSX")


def test_explain_unknown_symbol(reber):
    e = reber.explain("BTQ")
    assert not e.accepted and not e.ended_early
    assert (e.position, e.found, tuple(e.expected)) == (2, "Q", ("S", "X"))


def test_explain_accepted(reber):
    e = reber.explain("BTXSE")
    assert e.accepted and not e.ended_early


def test_explain_empty_language(empty_language):
    e = empty_language.explain("a")
    assert not e.accepted and e.position == 0 and tuple(e.expected) == ()


def test_explain_shows_token_boundaries():
    # tokens "a" and "aa": the prefix of two "a" tokens must not read as the one token "aa"
    g = Grammar.from_edges([(0, 1, "a"), (1, 2, "a"), (2, 3, "b"), (0, 2, "aa")],
                           start=0, accepting=[3])
    e = g.explain(("a", "a", "a"))
    assert (e.position, e.found, e.prefix, e.expected) == (2, "a", ("a", "a"), ("b",))
    assert str(e) == "rejected at position 2: found 'a' after 'a a', expected one of 'b'"
    assert str(g.explain(("aa", "a"))) == (
        "rejected at position 1: found 'a' after 'aa', expected one of 'b'"
    )
    assert str(g.explain(("a",))) == "rejected: ended early after 'a', expected one of 'a'"


def test_explain_says_when_only_the_end_was_expected(reber, only_empty_word):
    # After a whole Reber word nothing may follow but the end of the word.
    e = reber.explain("BTXSEE")
    assert e.end_allowed and e.expected == () and e.position == 5
    assert str(e) == "rejected at position 5: found 'E' after 'BTXSE', expected the end of the word"
    assert "nothing" not in str(only_empty_word.explain("a"))
    assert str(only_empty_word.explain("a")).endswith("expected the end of the word")


def test_explain_lists_symbols_and_the_end_when_both_are_allowed():
    # a (b)*: after "a" another b, or the end, may come
    g = Grammar.from_edges([(0, 1, "a"), (1, 1, "b")], start=0, accepting=[1])
    e = g.explain("aa")
    assert e.end_allowed and e.expected == ("b",)
    assert str(e).endswith("expected one of 'b' or the end of the word")
    assert not g.explain("").end_allowed  # ended early: the end was not allowed there


def test_explain_empty_language_says_so(empty_language):
    assert str(empty_language.explain("a")) == "rejected: the language is empty"
    assert str(empty_language.explain("")) == "rejected: the language is empty"


def _check_explanation(g: Grammar, nfa, word: tuple[str, ...]) -> None:
    e = g.explain(word)
    assert e.accepted == nfa.accepts(word)
    if e.accepted:
        return
    # the first symbol after which no member can follow; None if every symbol is viable
    fail = next((i for i in range(len(word)) if not nfa.viable(word[: i + 1])), None)
    prefix = word if fail is None else word[:fail]
    assert tuple(e.prefix) == prefix
    assert tuple(e.expected) == tuple(s for s in g.alphabet if nfa.viable(prefix + (s,)))
    if fail is None:
        assert e.ended_early and e.found is None and e.position == len(word)
        assert not e.end_allowed
    else:
        assert not e.ended_early and e.position == fail and e.found == word[fail]
        assert e.end_allowed == nfa.accepts(prefix)
        assert ("the end of the word" in str(e)) == nfa.accepts(prefix)


def test_explain_against_brute_force_on_reber(oracle, reber, reber_graph):
    nfa = oracle.NaiveNFA(reber_graph)
    for word in itertools.islice(oracle.words_upto("BEPSTVX", 6), 0, None, 7):
        _check_explanation(reber, nfa, word)
    for member in reber.strings(9):
        for cut in range(len(member)):
            _check_explanation(reber, nfa, tuple(member[:cut] + "V" + member[cut:]))


@given(data=st.data())
@FAST
def test_explain_against_brute_force_on_random(oracle, data):
    G = data.draw(oracle.random_graphs(max_states=8, kinds=("dfa",)))
    g = Grammar(G)
    nfa = oracle.NaiveNFA(G)
    for word in oracle.words_upto("ab", 6):
        _check_explanation(g, nfa, word)


# -- next_symbols ----------------------------------------------------------------------


def test_next_symbols_reber(reber):
    assert reber.next_symbols("") == ("B",)
    assert reber.next_symbols("B") == ("P", "T")
    assert reber.next_symbols("BT") == ("S", "X")
    assert reber.next_symbols("BTXSE") == ()
    assert reber.next_symbols("BE") == ()  # not a viable prefix
    assert reber.next_symbols("BZ") == ()  # unknown symbol


def test_next_symbols_against_brute_force(oracle, reber, reber_graph, ends_in_ab, protocol):
    cases = [(reber, reber_graph, "BEPSTVX", 5)]
    for g, G, alphabet, depth in cases:
        nfa = oracle.NaiveNFA(G)
        for prefix in oracle.words_upto(alphabet, depth):
            expected = tuple(s for s in g.alphabet if nfa.viable(prefix + (s,)))
            assert g.next_symbols(prefix) == expected, prefix
    assert ends_in_ab.next_symbols("ab") == ("a", "b")
    assert protocol.next_symbols(("open",)) == ("close", "read", "write")
    assert protocol.next_symbols("open read") == ("close", "read", "write")


@given(data=st.data())
@FAST
def test_next_symbols_random(oracle, data):
    G = data.draw(oracle.random_graphs(max_states=8))
    g = Grammar(G)
    nfa = oracle.NaiveNFA(G)
    for prefix in oracle.words_upto("ab", 5):
        assert g.next_symbols(prefix) == tuple(s for s in g.alphabet if nfa.viable(prefix + (s,)))


# -- count and strings -----------------------------------------------------------------


def _by_length(words: list, n: int) -> int:
    return sum(1 for w in words if len(w) == n)


@given(data=st.data())
@FAST
def test_count_and_strings_against_brute_force(oracle, data):
    G = data.draw(oracle.random_graphs(max_states=8))
    g = Grammar(G)
    nfa = oracle.NaiveNFA(G)
    members = [w for w in oracle.words_upto("ab", 8) if nfa.accepts(w)]
    listed = list(g.strings(8))
    assert listed == ["".join(w) for w in members]  # shortlex, exact
    for n in range(9):
        assert g.count(n) == _by_length(members, n)


def test_strings_shortlex_over_fixtures(oracle, ends_in_ab, a_star_b_star, even_as):
    cases = [
        (ends_in_ab, lambda w: re.fullmatch("[ab]*ab", w)),
        (a_star_b_star, lambda w: re.fullmatch("a*b*", w)),
        (even_as, lambda w: w.count("a") % 2 == 0),
    ]
    for g, member in cases:
        expected = [w for w in map("".join, oracle.words_upto("ab", 9)) if member(w)]
        got = list(g.strings(9))
        assert got == expected
        assert got == sorted(got, key=lambda w: (len(w), w))


def test_strings_is_lazy():
    # 2**59 members up to length 60: only a lazy generator can answer this
    it = library.parity().strings(60)
    assert isinstance(it, Iterator)
    first = list(itertools.islice(it, 8))
    assert first == ["", "0", "00", "11", "000", "011", "101", "110"]


def test_strings_of_empty_and_epsilon(empty_language, only_empty_word):
    assert list(empty_language.strings(10)) == []
    assert list(only_empty_word.strings(10)) == [""]
    assert list(only_empty_word.strings(0)) == [""]


def test_count_empty_language(empty_language):
    assert [empty_language.count(n) for n in range(5)] == [0] * 5
    assert empty_language.count(500) == 0


@pytest.mark.parametrize("bad", [1.5, "3", None])
def test_count_type_errors(reber, bad):
    with pytest.raises(TypeError):
        reber.count(bad)


def test_count_negative(reber):
    with pytest.raises(ValueError):
        reber.count(-1)
    with pytest.raises(ValueError):
        list(reber.strings(-1))


def test_count_500_ends_in_ab(ends_in_ab):
    # (a|b)*ab: any prefix of length n - 2
    assert ends_in_ab.count(500) == 2**498


# -- equality and counterexample -------------------------------------------------------


def test_equality_and_hash(reber, even_as, even_as_redundant):
    assert reber == library.reber()
    assert even_as == even_as_redundant
    assert len({reber, library.reber(), even_as, even_as_redundant}) == 2
    assert reber != even_as
    assert (reber == "reber") is False


def test_grammar_is_immutable(reber):
    with pytest.raises(AttributeError):
        reber.name = "other"
    with pytest.raises(AttributeError):
        reber.dfa = None


@pytest.mark.parametrize(
    "clone",
    [copy.copy, copy.deepcopy, lambda g: pickle.loads(pickle.dumps(g))],
    ids=["copy", "deepcopy", "pickle"],
)
def test_grammar_copies_and_pickles(reber, clone):
    # as networkx graphs do: needed by multiprocessing workers and copied configs
    twin = clone(reber)
    assert twin == reber and twin.name == reber.name
    assert twin.accepts("BTXSE") and not twin.accepts("BTXS")
    assert np.array_equal(twin.dfa.table, reber.dfa.table)


def _check_counterexample(oracle, g: Grammar, h: Grammar, nfa_g, nfa_h, alphabet: str) -> None:
    word = g.counterexample(h)
    if word is None:
        assert g == h
        for w in oracle.words_upto(alphabet, 8):
            assert nfa_g.accepts(w) == nfa_h.accepts(w)
        return
    assert nfa_g.accepts(word) != nfa_h.accepts(word)
    assert g != h
    assert h.counterexample(g) == word
    # nothing shorter, and nothing of the same length earlier in shortlex order, distinguishes
    for w in oracle.words_upto(alphabet, len(word)):
        if tuple(w) == tuple(word):
            break
        assert nfa_g.accepts(w) == nfa_h.accepts(w), w


@given(data=st.data())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_counterexample_random_pairs(oracle, data):
    G = data.draw(oracle.random_graphs(max_states=5))
    H = data.draw(st.one_of(oracle.random_graphs(max_states=5), st.just(G.copy())))
    _check_counterexample(
        oracle, Grammar(G), Grammar(H), oracle.NaiveNFA(G), oracle.NaiveNFA(H), "ab"
    )


def test_counterexample_across_alphabets(oracle, reber, reber_graph):
    # Tomita 1 accepts the empty word, Reber does not
    t1 = library.tomita(1)
    assert t1.counterexample(reber) == ""
    # a grammar over {B, E}: BE. Shortest Reber words have length 5.
    be = Grammar(oracle.graph_from_edges([(0, 1, "B"), (1, 2, "E")], 0, [2]))
    assert be.counterexample(reber) == "BE"


def test_counterexample_builtins(oracle):
    pairs = [
        (library.tomita(1), library.tomita(2)),
        (library.tomita(4), library.tomita(7)),
        (library.parity(), library.tomita(5)),
        (library.tomita(3), library.tomita(4)),
    ]
    for g, h in pairs:
        word = g.counterexample(h)
        assert word is not None
        g_accepts, h_accepts = (oracle.NaiveNFA(x.to_graph()).accepts for x in (g, h))
        assert g_accepts(word) != h_accepts(word)
        for w in oracle.words_upto("01", len(word)):
            if "".join(w) == word:
                break
            assert g_accepts(w) == h_accepts(w)


def test_counterexample_embedded_vs_plain(reber, embedded_reber):
    # the shortest Reber word is BPVVE; the shortest embedded ones have length 9
    assert reber.counterexample(embedded_reber) == "BPVVE"


def test_counterexample_tokens_vs_chars(protocol, reber):
    word = protocol.counterexample(reber)
    assert word == ("open", "close")


def test_counterexample_type_error(reber):
    with pytest.raises(TypeError):
        reber.counterexample("BTXSE")


def test_fingerprint(reber, embedded_reber):
    assert reber.fingerprint == library.reber().fingerprint
    assert reber.fingerprint != embedded_reber.fingerprint
    assert isinstance(reber.fingerprint, str) and len(reber.fingerprint) == 64
    assert int(reber.fingerprint, 16) >= 0


def test_count_negative_is_a_grammar_error(reber):
    with pytest.raises(GrammarError):
        reber.count(-3)
