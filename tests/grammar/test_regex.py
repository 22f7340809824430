"""Grammars from Python regular expressions, held against ``re.fullmatch``.

The oracle is Python's own :mod:`re`: random patterns from a small generator
(literals, escapes, classes, ranges, negated classes, ``.``, alternation,
groups, every quantifier form, lazy ones too), random words, exhaustive
enumeration of short words, and members drawn from the new grammar must all
agree with ``re.fullmatch``.
"""

from __future__ import annotations

import itertools
import re
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grammar import EmptyLanguageError, Grammar, GrammarError, from_regex, load
from grammar.io.regex import MAX_DERIVED_ALPHABET, RegexExtraMissing

# "\n" is in the alphabet so that "." (which does not match it) is tested too.
ALPHABET = "abc\n"
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])  # fmt: skip


def words_up_to(alphabet: str, n: int) -> list[str]:
    return ["".join(w) for k in range(n + 1) for w in itertools.product(alphabet, repeat=k)]


# -- a small generator of patterns -------------------------------------------------------

NAMED_ATOMS = ["a", "b", "c", r"\x61", r"\u0062", r"\n", "[ab]", "[a-c]", "[b\\n]", r"[\x61c]",
               r"[\x62-c]"]
OPEN_ATOMS = [".", "[^a]", "[^bc]", "[^a-b]", r"[^\n]", r"\S", r"\W"]  # need an alphabet
QUANTIFIERS = ["*", "+", "?", "{2}", "{1,}", "{0,2}", "{1,3}", "{,2}"]


def patterns(open_atoms: bool = True) -> st.SearchStrategy[str]:
    atoms = st.sampled_from(NAMED_ATOMS + (OPEN_ATOMS if open_atoms else []))

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        group = st.sampled_from(["(", "(?:", "(?P<g>"])
        quantified = st.tuples(inner, st.sampled_from(QUANTIFIERS), st.sampled_from(["", "?"]))
        return st.one_of(
            st.lists(inner, min_size=2, max_size=3).map("".join),
            st.lists(inner, min_size=2, max_size=3).map("|".join),
            st.tuples(group, inner).map(lambda t: f"{t[0]}{t[1]})"),
            quantified.map(lambda t: f"(?:{t[0]}){t[1]}{t[2]}"),
        )

    # named groups may appear once only: number the second and later ones
    def unique_names(p: str) -> str:
        count = itertools.count()
        return re.sub(r"\(\?P<g>", lambda m: f"(?P<g{next(count)}>", p)

    return st.recursive(atoms, extend, max_leaves=6).map(unique_names)


@SETTINGS
@given(patterns(), st.lists(st.text(ALPHABET, max_size=8), max_size=20))
def test_random_words_agree_with_fullmatch(pattern, words):
    g = Grammar.from_regex(pattern, alphabet=ALPHABET)
    assert g.alphabet == tuple(sorted(ALPHABET))
    for word in words:
        assert g.accepts(word) == bool(re.fullmatch(pattern, word)), (pattern, word)


@SETTINGS
@given(patterns())
def test_short_words_agree_exhaustively(pattern):
    g = Grammar.from_regex(pattern, alphabet=ALPHABET)
    expected = {w for w in words_up_to(ALPHABET, 4) if re.fullmatch(pattern, w)}
    assert set(g.strings(4)) == expected
    for n in range(5):
        assert g.count(n) == sum(len(w) == n for w in expected)


@SETTINGS
@given(patterns(), st.integers(0, 2**32 - 1))
def test_drawn_members_fully_match(pattern, seed):
    g = Grammar.from_regex(pattern, alphabet=ALPHABET)
    try:
        members = g.sample_uniform(10, length=(0, 12), seed=seed)
    except EmptyLanguageError:
        assert not any(re.fullmatch(pattern, w) for w in words_up_to(ALPHABET, 4))
        return
    assert all(re.fullmatch(pattern, w) for w in members), pattern


@SETTINGS
@given(patterns(open_atoms=False))
def test_alphabet_defaults_to_the_named_characters(pattern):
    g = Grammar.from_regex(pattern)
    named = set()
    for atom in NAMED_ATOMS:
        if atom in pattern:
            named |= {c for c in ALPHABET if re.fullmatch(atom, c)}
    assert set(g.alphabet) == named
    expected = {w for w in words_up_to("".join(g.alphabet), 4) if re.fullmatch(pattern, w)}
    assert set(g.strings(4)) == expected


# -- what a full match makes equal ----------------------------------------------------------

@pytest.mark.parametrize(("pattern", "same"), [
    ("a*?b", "a*b"),
    ("(ab)+?c??", "(ab)+c?"),
    ("a{1,3}?", "a{1,3}"),
    ("^(ab)*$", "(ab)*"),
    (r"\A(ab)*\Z", "(ab)*"),
    ("^a|b$", "a|b"),
    ("a{,2}", "a?a?"),
    ("a{}", r"a\{\}"),   # re: "{" that starts no quantifier is a literal
    ("a{2", r"a\{2"),
    ("(?#a comment)ab", "ab"),
    ("a(?#a comment)*", "a*"),  # re: a quantifier after a comment repeats what came before
])
def test_equivalent_patterns(pattern, same):
    assert Grammar.from_regex(pattern) == Grammar.from_regex(same)


def test_class_escapes_follow_re_over_a_unicode_alphabet():
    alphabet = "1a٣é_ \u00a0"  # an Arabic-Indic digit, a letter with an accent, a no-break space
    for pattern in [r"\d", r"\w", r"\s", r"\D", r"\W", r"\S", r"[^\d_]", r"[\w\s]+"]:
        g = Grammar.from_regex(pattern, alphabet=alphabet)
        for word in words_up_to(alphabet, 2):
            assert g.accepts(word) == bool(re.fullmatch(pattern, word)), (pattern, word)


def test_escapes_name_their_characters():
    g = Grammar.from_regex(r"\x41\u00e9\N{BULLET}\101\t[\b]\.")
    assert g.alphabet == tuple(sorted("Aé•\t\b."))
    assert list(g.strings(7)) == ["Aé•A\t\b."]


def test_huge_ranges_are_cut_to_the_alphabet():
    g = Grammar.from_regex("[\\x00-\\U0010ffff]b|[^\\x00-\\U0010ffff]", alphabet="ab")
    assert list(g.strings(2)) == ["ab", "bb"]


def test_empty_pattern_and_empty_language():
    assert list(Grammar.from_regex("").strings(3)) == [""]
    never = Grammar.from_regex("[^ab]", alphabet="ab")
    assert never.alphabet == ("a", "b") and never.count(1) == 0
    assert never.declaration.graph_attrs.get("empty") is True


def test_characters_outside_the_alphabet_never_occur():
    g = Grammar.from_regex("a|c", alphabet="ab")
    assert g.alphabet == ("a", "b") and list(g.strings(2)) == ["a"]


def test_name_description_and_io_face():
    g = from_regex("(ab)*", description="pairs")
    assert g.name == "re:(ab)*" and g.description == "pairs"
    assert Grammar.from_regex("(ab)*", name="pairs").name == "pairs"
    assert g == Grammar.from_edges([(0, 1, "a"), (1, 0, "b")], start=0, accepting=[0])


def test_load_takes_re_names():
    assert load("re:(ab)*") == Grammar.from_regex("(ab)*")
    with pytest.raises(GrammarError, match=r"lookahead \(\?= at position 1"):
        load("re:a(?=b)")


def test_command_line_takes_re_names(capsys):
    from grammar.cli import main

    assert main(["check", "re:(ab)*c", "ababc", "abb"]) == 1
    out = capsys.readouterr().out
    assert "ababc: accepted" in out and "abb: rejected" in out
    assert main(["count", "re:[ab]{2,3}", "-l", "3"]) == 0
    assert capsys.readouterr().out.split() == ["8"]
    assert main(["check", "re:(a)\\1", "aa"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "backreference \\1 at position 3" in err


# -- what regular languages (or this reader) cannot express ------------------------------------

@pytest.mark.parametrize(("pattern", "message"), [
    ("a^b", "anchor ^ at position 1"),
    ("(^a)", "anchor ^ at position 1"),
    ("a$b", "anchor $ at position 1"),
    ("(a$)", "anchor $ at position 2"),
    (r"a\Ab", r"anchor \A at position 1"),
    (r"a\Zb", r"anchor \Z at position 1"),
    (r"a\bb", r"word boundary \b at position 1"),
    (r"\Ba", r"word boundary \B at position 0"),
    (r"(a)\1", r"backreference \1 at position 3"),
    (r"(a)(b)\2+", r"backreference \2 at position 6"),
    ("(?P<x>a)(?P=x)", "backreference (?P= at position 8"),
    ("a(?=b)b", "lookahead (?= at position 1"),
    ("a(?!b)c", "negative lookahead (?! at position 1"),
    ("(?<=a)b", "lookbehind (?<= at position 0"),
    ("c(?<!a)b", "negative lookbehind (?<! at position 1"),
    ("a*+", "possessive quantifier *+ at position 1"),
    ("ba++", "possessive quantifier ++ at position 2"),
    ("a?+", "possessive quantifier ?+ at position 1"),
    ("a{1,2}+", "possessive quantifier {1,2}+ at position 1"),
    ("(?>ab)", "atomic group (?> at position 0"),
    ("(a)(?(1)b|c)", "conditional group (?( at position 3"),
])
def test_non_regular_constructs_are_named_with_their_position(pattern, message):
    with pytest.raises(GrammarError, match=re.escape(message)) as info:
        Grammar.from_regex(pattern, alphabet="abc")
    assert str(info.value).endswith(("not supported", "where it is redundant", "can express"))


@pytest.mark.parametrize(("pattern", "message"), [
    ("(?i)a", "inline flags (?i) at position 0"),
    ("b(?s:.)", "inline flags (?s: at position 1"),
    ("(a", "missing ), unterminated subpattern at position 0"),
    ("a**", "multiple repeat at position 2"),
    ("[b-a]", "bad character range b-a at position 1"),
])
def test_unsupported_or_invalid_patterns(pattern, message):
    with pytest.raises(GrammarError, match=re.escape(message)):
        Grammar.from_regex(pattern, alphabet="abc")


@pytest.mark.parametrize(("pattern", "message"), [
    ("a.", "any character . at position 1"),
    ("[^a]", "negated class [^ at position 0"),
    (r"a\D", r"class escape \D at position 1"),
    (r"[\W]", r"class escape \W at position 1"),
    (r"\S", r"class escape \S at position 0"),
])
def test_open_constructs_need_an_alphabet(pattern, message):
    with pytest.raises(GrammarError, match=re.escape(message) + ".*pass alphabet="):
        Grammar.from_regex(pattern)
    assert Grammar.from_regex(pattern, alphabet="ab").alphabet == ("a", "b")


def test_a_huge_derived_alphabet_is_refused():
    with pytest.raises(GrammarError, match=f"more than {MAX_DERIVED_ALPHABET}; pass alphabet="):
        Grammar.from_regex("[\\x00-\\u0fff]")


def test_bad_argument_types():
    with pytest.raises(TypeError, match="a regular expression is a str, not bytes"):
        Grammar.from_regex(b"ab")
    with pytest.raises(TypeError, match="alphabet is a str or an iterable"):
        Grammar.from_regex("ab", alphabet=5)
    with pytest.raises(TypeError, match="alphabet symbols are str, not int"):
        Grammar.from_regex("ab", alphabet=[1])
    with pytest.raises(GrammarError, match="alphabet symbol 'ab' is not one character"):
        Grammar.from_regex("ab", alphabet=["ab"])


def test_patterns_need_no_optional_extra(monkeypatch):
    # the automaton is built by grammarlab itself; interegular, once needed, is not imported
    monkeypatch.setitem(sys.modules, "interegular", None)  # an import would fail
    g = Grammar.from_regex("(ab)*c?")
    assert g.accepts("ababc") and not g.accepts("aba")
    assert issubclass(RegexExtraMissing, ImportError)  # kept for code that catches it
