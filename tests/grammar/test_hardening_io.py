"""Loaders and file checks held to their word: malformed input is named, never misread.

Each test states the answer by construction (the line a marker was written on, the
language a file was meant to hold, a Python predicate over the words), never by asking
the code under test.
"""

from __future__ import annotations

import io
import itertools
import json
import re
import sys
import time

import pytest

from grammar import Grammar, GrammarError, bulk, from_att, from_dot, from_json, from_regex, load
from grammar.bulk import table_cache
from grammar.bulk.named import count_named
from grammar.cli import main

ENGINES = ["numpy", "python", "auto"] + (["compiled"] if bulk.HAVE_EXTENSION else [])

# -- DOT: an attribute without a value -------------------------------------------------------

VALUELESS = {  # DOT text, with the valueless attribute "foo" on the line holding "<-"
    "edge": 'digraph {{\n __start__ -> 0\n 0 -> 1 [label=a, {foo}] // <-\n'
            ' 1 [shape=doublecircle]\n}}',
    "node": 'digraph {{\n __start__ -> 0; 0 -> 1 [label=a]\n'
            ' 1 [shape=doublecircle\n  {foo}] // <-\n}}',
    "graph": 'digraph {{\n graph [{foo}] // <-\n __start__ -> 0; 0 [accepting=true]\n}}',
    "defaults": 'digraph {{\n __start__ -> 0\n node [{foo}, shape=circle]; // <-\n'
                ' 0 [accepting=true]\n}}',
    "after quoted commas": 'digraph {{\n // [foo] in a comment is no attribute\n'
                           ' __start__ -> 0; 0 -> 0 [label="x,foo" + "]", {foo}] // <-\n'
                           ' 0 [accepting=true]\n}}',
}


@pytest.mark.parametrize("case", sorted(VALUELESS))
@pytest.mark.parametrize("spelling", ["foo", '"foo"'])
def test_a_dot_attribute_without_a_value_names_file_line_and_attribute(case, spelling, tmp_path):
    # Hardening 17: [label=a, foo] raised TypeError "object of type 'NoneType' has no len()".
    text = VALUELESS[case].format(foo=spelling)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "<-" in row)
    path = tmp_path / "g.dot"
    path.write_text(text, encoding="utf-8")
    expected = re.escape(f"{path}: line {line}: attribute 'foo' has no value")
    with pytest.raises(GrammarError, match=expected):
        from_dot(path)
    with pytest.raises(GrammarError, match=f"<DOT text>: line {line}: attribute 'foo'"):
        from_dot(text)
    # with the value given, the same text loads: "a" is a member where an arc reads it
    member = "a" if "label=a" in text else ""
    assert from_dot(VALUELESS[case].format(foo="foo=1")).accepts(member)


# -- a UTF-8 byte-order mark: refused by every loader ----------------------------------------

# (ab)* in each format; the start state (or the first key) is what a mark would stick to
AB_STAR = {
    ".att": "0\t1\ta\ta\n1\t0\tb\tb\n0\n",
    ".json": '{"start": 0, "accepting": [0], "edges": [{"source": 0, "target": 1, "symbol": "a"},'
             ' {"source": 1, "target": 0, "symbol": "b"}]}',
    ".dot": "digraph { __start__ -> 0; 0 [accepting=true]; 0 -> 1 [label=a];"
            " 1 -> 0 [label=b] }",
}
LOADERS = {".att": from_att, ".json": from_json, ".dot": from_dot}


def is_ab_star(word: str) -> bool:
    return len(word) % 2 == 0 and word == "ab" * (len(word) // 2)


@pytest.mark.parametrize("suffix", sorted(AB_STAR))
def test_a_byte_order_mark_is_refused_by_every_loader(suffix, tmp_path):
    # Hardening 7: an AT&T file with a BOM loaded with start state '\ufeff0', another language.
    text = AB_STAR[suffix]
    plain = tmp_path / f"plain{suffix}"
    plain.write_bytes(text.encode())
    for word in ["", "ab", "abab", "a", "ba", "aba"]:  # without the mark: (ab)*
        assert load(str(plain)).accepts(word) == is_ab_star(word), word
    marked = tmp_path / f"marked{suffix}"
    marked.write_bytes(b"\xef\xbb\xbf" + text.encode())
    message = "starts with a UTF-8 byte-order mark"
    for source, where in [
        (marked, str(marked)),
        (str(marked), str(marked)),
        ("\ufeff" + text, None),
    ]:
        if where is None:  # the text itself: named as text
            where = {".att": "<AT&T text>", ".json": "<JSON text>", ".dot": "<DOT text>"}[suffix]
        with pytest.raises(GrammarError, match=re.escape(f"{where}: {message}")):
            LOADERS[suffix](source)
    refused = pytest.raises(GrammarError, match=re.escape(f"{marked}: {message}"))
    with open(marked, "rb") as stream, refused:  # an open binary file
        LOADERS[suffix](stream)
    with pytest.raises(GrammarError, match=re.escape(f"{marked}: {message}")):
        load(str(marked))
    assert main(["check", str(marked), "ab"]) == 2


def test_a_byte_order_mark_in_a_symbol_table_is_refused(tmp_path):
    table = tmp_path / "syms.txt"
    table.write_bytes(b"\xef\xbb\xbfa\t1\nb\t2\n")
    with pytest.raises(GrammarError, match=re.escape(f"{table}: starts with a UTF-8 byte-order")):
        from_att("0\t1\t1\n1\t0\t2\n0\n", symbols=table)
    # a mark that is not the first character is an ordinary symbol
    g = from_att("0\t1\ta\n1\t0\t\ufeff\n0\n")
    assert g.accepts("a\ufeff") and not g.accepts("a")


# -- AT&T: a transducer arc is refused, or projected on request ------------------------------

# A transducer: the input side is a b*, the output side x y*; the last arc's cost is
# infinite (fifth field), so it is no arc at all.
TRANSDUCER = "0\t1\ta\tx\n1\t1\tb\ty\t0.5\n1\t2\tb\tb\n1\n1\t0\tz\tz\tInfinity\n"


def projected_words(text: str, side: int, max_length: int) -> set[str]:
    """Brute force: the words of one side's labels, walking the lines as an NFA."""
    arcs, finals, start = [], set(), None
    for line in text.splitlines():
        fields = line.split()
        start = fields[0] if start is None else start
        if len(fields) <= 2:
            finals.add(fields[0])
        elif not (len(fields) == 5 and fields[4] == "Infinity"):
            arcs.append((fields[0], fields[1], fields[2 + side]))
    words, frontier = set(), {("", start)}
    for _ in range(max_length + 1):
        words |= {w for w, q in frontier if q in finals}
        frontier = {(w + s, v) for w, q in frontier for u, v, s in arcs if u == q}
    return words


def test_a_transducer_arc_is_refused_naming_file_and_line(tmp_path):
    # Hardening 11: "0 1 3 4" loaded as label 3 with weight 4.
    path = tmp_path / "t.att"
    path.write_text("0\t1\t3\t3\n1\t2\t3\t4\n2\n", encoding="utf-8")
    with pytest.raises(GrammarError, match=re.escape(f"{path}: line 2: input '3' and output '4'")):
        from_att(path)
    with pytest.raises(GrammarError, match=re.escape(f"{path}: line 2: input '3'")):
        load(str(path))
    assert main(["check", str(path), "33"]) == 2
    path.write_text(TRANSDUCER, encoding="utf-8")
    with pytest.raises(GrammarError, match=re.escape(f"{path}: line 1: input 'a' and output 'x'")):
        from_att(path)


@pytest.mark.parametrize(("project", "side"), [("input", 0), ("output", 1)])
def test_a_transducer_projects_on_request(project, side):
    g = from_att(TRANSDUCER, project=project)
    expected = projected_words(TRANSDUCER, side, 5)
    first, loop = ("a", "b") if side == 0 else ("x", "y")
    assert expected == {first + loop * n for n in range(5)}  # the oracle, by hand
    alphabet = "abxyz"
    words = ["".join(w) for n in range(6) for w in itertools.product(alphabet, repeat=n)]
    assert {w for w in words if g.accepts(w)} == expected


def test_project_is_checked():
    with pytest.raises(GrammarError, match="project='both' is not one of input, output"):
        from_att(TRANSDUCER, project="both")
    with pytest.raises(TypeError, match="project must be a str or None"):
        from_att(TRANSDUCER, project=1)


# -- the byte-table cache: keyed by the grammar file as it was loaded ------------------------


def count_json(capsys, *args: str) -> tuple[int, dict]:
    status = main(["check", *args, "--count", "--json"])
    return status, json.loads(capsys.readouterr().out)


def test_the_table_cache_keys_a_count_by_the_bytes_it_loaded(tmp_path, monkeypatch, capsys):
    # Hardening 5: a grammar file edited during a long count had the old grammar's table
    # saved under the new content's key, and every later count was wrong.
    monkeypatch.setenv(table_cache.CACHE_ENV, str(tmp_path / "cache"))
    only_b, a_or_b = "0\t1\tb\n1\n", "0\t1\ta\n0\t1\tb\n1\n"  # {b} and {a, b}
    languages = {only_b: {"b"}, a_or_b: {"a", "b"}}
    path, words = tmp_path / "g.att", tmp_path / "words.txt"
    word_list = ["a", "b", "c"]
    words.write_text("".join(w + "\n" for w in word_list))

    def expected(text: str) -> dict:
        accepted = sum(w in languages[text] for w in word_list)
        return {"grammar": "g", "words": 3, "accepted": accepted, "rejected": 3 - accepted}

    path.write_text(only_b)
    real = bulk.count_file

    def edited_while_counting(*args, **kwargs):
        path.write_text(a_or_b)  # as a FIFO or a slow disk would let happen mid-count
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk, "count_file", edited_while_counting)
    assert count_json(capsys, str(path), "--file", str(words)) == (1, expected(only_b))
    monkeypatch.setattr(bulk, "count_file", real)
    assert path.read_text() == a_or_b
    for _ in range(2):  # built, then answered from the cache: right both times
        assert count_json(capsys, str(path), "--file", str(words)) == (1, expected(a_or_b))
    path.write_text(only_b)  # the first run's table, cached under its own content
    assert count_json(capsys, str(path), "--file", str(words)) == (1, expected(only_b))
    if bulk.HAVE_EXTENSION:  # both entries are there, each under its own content
        for text in (a_or_b, only_b):
            path.write_text(text)
            counted = count_named(str(path), words)
            assert counted is not None
            assert counted[:2] == (expected(text)["accepted"], 3)


# -- bytes that are not UTF-8: an unknown symbol, wherever the word comes from ---------------

# a U+FFFD in the alphabet is what let a\xff (decoded with "replace") pass
PATTERNS = ["[a\ufffd]*", "[a\xe9]*", "a*"]  # beyond latin-1, latin-1, ASCII: each bulk route
RAW_WORDS = [b"a\xff", "a\ufffd".encode(), b"aa", b"\xff", b"", b"a\xef\xbf", b"\xe9",
             "a\xe9".encode(), b"a\xed\xa0\x80", b"aaa"]  # fmt: skip


def utf8_oracle(pattern: str, raw: bytes) -> bool:
    try:
        word = raw.decode("utf-8")  # strict: a word that is not UTF-8 is never a member
    except UnicodeDecodeError:
        return False
    return re.fullmatch(pattern, word) is not None


@pytest.mark.parametrize("pattern", PATTERNS)
def test_bytes_that_are_not_utf8_are_rejected_on_every_bulk_route(pattern):
    # Hardening 10: re:[a\ufffd]* accepted the bytes a\xff from a file, not as an argument.
    g = from_regex(pattern)
    for raws in (RAW_WORDS, RAW_WORDS * 40):  # a few words (python loop), many (numpy, C)
        data = b"".join(w + b"\n" for w in raws)
        want = [utf8_oracle(pattern, w) for w in raws]
        assert sum(want) < len(want)
        for engine in ENGINES:
            assert bulk.accepts_many(g, data, engine=engine).tolist() == want, engine
            assert bulk.count_lines(g, data, engine=engine) == (sum(want), len(want)), engine
            assert bulk.count_file(g, io.BytesIO(data), engine=engine) == (sum(want), len(want))
        assert g.accepts_many(bulk.split_lines(data)).tolist() == want


@pytest.mark.parametrize("pattern", PATTERNS)
def test_bytes_that_are_not_utf8_are_rejected_from_file_stdin_and_arguments(
    pattern, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv(table_cache.CACHE_ENV, "")  # the plain path; the cache has its tests
    name = "re:" + pattern
    data = b"".join(w + b"\n" for w in RAW_WORDS)
    want = [utf8_oracle(pattern, w) for w in RAW_WORDS]
    counts = {"accepted": sum(want), "rejected": len(want) - sum(want)}
    path = tmp_path / "words.txt"
    path.write_bytes(data)
    # as Python hands command-line bytes over: undecodable ones become lone surrogates
    arguments = [w.decode("utf-8", "surrogateescape") for w in RAW_WORDS]
    runs = {
        "file": ["--file", str(path)],
        "stdin": ["--file", "-"],
        "arguments": arguments,
    }
    for where, extra in runs.items():
        for count in (False, True):
            monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
            status = main(["check", name, *extra, "--json", *(["--count"] if count else [])])
            document = json.loads(capsys.readouterr().out)
            assert status == 1, where
            assert {k: document[k] for k in counts} == counts, (where, count)
            if not count:
                assert [r["accepted"] for r in document["results"]] == want, where


def test_a_symbol_cannot_hold_a_lone_surrogate():
    # so that the rejection above holds for every grammar, not only for these patterns
    for symbol in ["\udcff", "a\ud800"]:
        with pytest.raises(GrammarError, match="lone surrogate"):
            Grammar.from_edges([(0, 1, symbol)], start=0, accepting=[1])
    with pytest.raises(GrammarError, match="<JSON text>: .*lone surrogate"):
        from_json('{"start": 0, "accepting": [1], '
                  '"edges": [{"source": 0, "target": 1, "symbol": "\\udcff"}]}')
    with pytest.raises(GrammarError, match="lone surrogate"):
        from_regex("[a\udcff]")


# -- regular expressions: a budget of size and states ----------------------------------------

RUNAWAY = {  # each ran for a minute or more, or for ever, before the budget
    "(a|b)*a(a|b){16}": "needs more than 65,536 DFA states",
    "a{20000}": "stands for 20,000 characters, more than 4,096; the repeat at position 1 asks "
                "for 20,000 copies",
    "a{4294967294}": "the repeat at position 1 asks for 4,294,967,294 copies",
    "(xy|z)(a{70}){70}": "stands for 4,903 characters, more than 4,096; the repeat at "
                         "position 13 asks for 70 copies",
}


@pytest.mark.parametrize("pattern", sorted(RUNAWAY))
def test_a_runaway_pattern_is_refused_at_once(pattern, capsys):
    # Hardening 14: from_regex had no budget: the first ran past 120 s, a{20000} took 60 s,
    # a{4294967294} never ended. Generous slack: the point is that it stops, not how fast.
    started = time.perf_counter()
    with pytest.raises(GrammarError, match=re.escape(f"regular expression {pattern!r}")) as info:
        from_regex(pattern)
    assert RUNAWAY[pattern] in str(info.value)
    assert main(["check", "re:" + pattern, "ab"]) == 2
    assert capsys.readouterr().err.count("\n") == 1  # one line, no traceback
    assert time.perf_counter() - started < 15


def test_max_states_moves_the_budget():
    pattern = "(a|b)*a(a|b){5}"  # 64 states at least: the 6th symbol from the end is an a
    with pytest.raises(GrammarError, match="needs more than 40 DFA states"):
        from_regex(pattern, max_states=40)
    g = from_regex(pattern, max_states=200)
    words = ["".join(w) for n in range(9) for w in itertools.product("ab", repeat=n)]
    assert [w for w in words if g.accepts(w)] == [w for w in words if re.fullmatch(pattern, w)]
    with pytest.raises(GrammarError, match="max_states must be >= 1"):
        from_regex("a", max_states=0)
    with pytest.raises(TypeError, match="max_states must be an int"):
        from_regex("a", max_states="many")


LONG_REPEATS = {  # pattern: which words a^n it holds, as a predicate on n
    "a{2000}": lambda n: n == 2000,
    "a{0,2000}": lambda n: n <= 2000,
    "(a?){2000}": lambda n: n <= 2000,
    "((a?){40}){40}": lambda n: n <= 1600,
    "(a{3}){2,}": lambda n: n >= 6 and n % 3 == 0,
    "(a+){0,2}": lambda n: True,
}


@pytest.mark.parametrize("pattern", sorted(LONG_REPEATS))
def test_long_repeats_within_the_budget_still_work(pattern):
    holds = LONG_REPEATS[pattern]
    assert all(holds(n) == (re.fullmatch(pattern, "a" * n) is not None) for n in range(40))
    g = from_regex(pattern)
    for n in [*range(40), 1599, 1600, 1601, 1999, 2000, 2001]:
        assert g.accepts("a" * n) == holds(n), n
