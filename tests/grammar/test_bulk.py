"""The bulk engines (compiled, numpy, python) against a naive per-word simulation.

The oracle below walks a transition dictionary one symbol at a time and splits
newline-separated text by the documented line rules, written out again here.
Random automata are plain tables wrapped in :class:`grammar.automaton.DFA`,
so the engines are exercised on automata no grammar would compile to (several
accepting sinks, unreachable states, any start). Tiny chunk sizes force every
chunk boundary the inputs can have.
"""

from __future__ import annotations

import ast
import io
import re
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grammar import GrammarError, bulk
from grammar.automaton import DFA

ENGINES = ["numpy", "python", "auto"] + (["compiled"] if bulk.HAVE_EXTENSION else [])
needs_extension = pytest.mark.skipif(not bulk.HAVE_EXTENSION, reason="grammar._fastdfa not built")

# Symbols the random automata draw from: ASCII, a tab, a CR, latin-1, beyond latin-1.
SYMBOL_POOL = "abcz\t\r\xe9\u03bb"
# Characters words draw from: the symbols plus characters no automaton knows.
EXTRA_CHARS = "\n\x00\xff\u20ac\U0001f600"


# -- the oracle --------------------------------------------------------------------------


def naive_accepts(dfa: DFA, symbols) -> bool:
    """Walk the table symbol by symbol; an unknown symbol rejects."""
    column = {symbol: j for j, symbol in enumerate(dfa.alphabet)}
    state = dfa.start
    for symbol in symbols:
        if symbol not in column:
            return False
        state = int(dfa.table[state, column[symbol]])
    return bool(dfa.accepting[state])


def naive_lines(text: str) -> list[str]:
    """Words of newline-separated text: "\\n" ends a word, one CR before it is dropped."""
    words, current = [], []
    for char in text:
        if char == "\n":
            words.append("".join(current))
            current = []
        else:
            current.append(char)
    if current:
        words.append("".join(current))
    return [w[:-1] if w.endswith("\r") else w for w in words]


def expected(dfa: DFA, words, tokens: bool = False) -> list[bool]:
    return [naive_accepts(dfa, w.split() if tokens and isinstance(w, str) else w) for w in words]


# -- strategies --------------------------------------------------------------------------


@st.composite
def automata(draw, pool: str = SYMBOL_POOL) -> DFA:
    """A random complete DFA table over a sorted subset of `pool`."""
    alphabet = tuple(sorted(draw(st.sets(st.sampled_from(pool), max_size=len(pool)))))
    n = draw(st.integers(1, 6))
    cells = draw(
        st.lists(st.integers(0, n - 1), min_size=n * len(alphabet), max_size=n * len(alphabet))
    )
    accepting = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    return DFA(
        alphabet=alphabet,
        table=np.array(cells, dtype=np.int32).reshape(n, len(alphabet)),
        accepting=np.array(accepting, dtype=bool),
        start=draw(st.integers(0, n - 1)),
    )


def words_for(dfa: DFA, newline: bool = True) -> st.SearchStrategy[list[str]]:
    chars = "".join(dfa.alphabet) + EXTRA_CHARS
    if not newline:
        chars = chars.replace("\n", "")
    # Weight toward the alphabet, so that some words are accepted.
    char = (
        st.one_of(st.sampled_from(dfa.alphabet), st.sampled_from(chars))
        if dfa.alphabet
        else (st.sampled_from(chars))
    )
    return st.lists(st.lists(char, max_size=12).map("".join), max_size=80)


chunk_sizes = st.sampled_from([1, 2, 3, 7, 64, bulk.CHUNK_WORDS])


# -- lists of words -----------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(data=st.data(), dfa=automata(), chunk=chunk_sizes)
def test_word_lists_agree_with_the_oracle(data, dfa, chunk):
    words = data.draw(words_for(dfa))
    want = expected(dfa, words)
    for engine in ENGINES:
        got = bulk.accepts_many(dfa, words, engine=engine, chunk_words=chunk)
        assert got.dtype == bool and got.shape == (len(words),)
        assert got.tolist() == want, engine


@settings(max_examples=60, deadline=None)
@given(data=st.data(), dfa=automata(), chunk=chunk_sizes)
def test_tuples_iterators_and_arrays_agree(data, dfa, chunk):
    words = data.draw(words_for(dfa))
    want = expected(dfa, words)
    as_tuples = [tuple(w) for w in words]
    for engine in ENGINES:
        options = {"engine": engine, "chunk_words": chunk}
        assert bulk.accepts_many(dfa, as_tuples, **options).tolist() == want
        assert bulk.accepts_many(dfa, iter(words), **options).tolist() == want
        assert bulk.accepts_many(dfa, tuple(words), **options).tolist() == want
        array = np.array(words, dtype=str) if words else np.array([], dtype=str)
        # numpy str arrays drop trailing NULs, so compare with what the array holds
        assert bulk.accepts_many(dfa, array, **options).tolist() == expected(dfa, array.tolist())


def test_a_word_holding_a_newline_is_one_word():
    dfa = DFA(
        alphabet=("\n", "a"),
        table=np.array([[1, 0], [1, 1]], dtype=np.int32),
        accepting=np.array([True, False]),
        start=0,
    )  # a*
    words = ["aa", "a\na", "", "a\n"] * 20
    for engine in ENGINES:
        assert bulk.accepts_many(dfa, words, engine=engine).tolist() == expected(dfa, words)


def test_long_words_are_finished_past_the_vectorised_steps():
    dfa = DFA(
        alphabet=("a", "b"),
        table=np.array([[1, 0], [0, 1]], dtype=np.int32),
        accepting=np.array([True, False]),
        start=0,
    )  # even number of a's
    words = ["ab" * 5000, "a" * 10001, "b"] + ["ab", "aab"] * 100
    for engine in ENGINES:
        assert bulk.accepts_many(dfa, words, engine=engine).tolist() == expected(dfa, words)


def test_empty_inputs():
    dfa = DFA(
        alphabet=("a",), table=np.array([[0]], dtype=np.int32), accepting=np.array([True]), start=0
    )
    for engine in ENGINES:
        for empty in ([], (), iter([]), "", b"", bytearray(), memoryview(b"")):
            got = bulk.accepts_many(dfa, empty, engine=engine)
            assert got.dtype == bool and got.shape == (0,)
        assert bulk.accepts_many(dfa, [""] * 40, engine=engine).tolist() == [True] * 40
        assert bulk.count_lines(dfa, b"", engine=engine) == (0, 0)


# -- newline-separated text ----------------------------------------------------------------


@st.composite
def texts(draw, dfa: DFA) -> tuple[str, list[str]]:
    """Newline-separated text and the words it holds, LF or CRLF, with or without a final LF."""
    words = draw(words_for(dfa, newline=False))
    ends = draw(st.lists(st.sampled_from(["\n", "\r\n"]), min_size=len(words), max_size=len(words)))
    text = "".join(w + e for w, e in zip(words, ends, strict=True))
    if words and draw(st.booleans()):
        text = text[: -len(ends[-1])]  # no line ending after the last word
    return text, naive_lines(text)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), dfa=automata(), chunk=st.sampled_from([1, 2, 5, 16, bulk.CHUNK_BYTES]))
def test_text_agrees_with_the_oracle(data, dfa, chunk):
    text, words = data.draw(texts(dfa))
    want = expected(dfa, words)
    encoded = text.encode("utf-8", "surrogatepass")
    assert bulk.split_lines(text) == bulk.split_lines(encoded) == words
    for engine in ENGINES:
        options = {"engine": engine, "chunk_bytes": chunk, "chunk_words": 3}
        for source in (text, encoded, bytearray(encoded), memoryview(encoded)):
            assert bulk.accepts_many(dfa, source, **options).tolist() == want, (engine, source)
        assert bulk.count_lines(dfa, text, engine=engine, chunk_bytes=chunk) == (
            sum(want),
            len(want),
        )
        assert bulk.count_lines(dfa, encoded, engine=engine) == (sum(want), len(want))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", []),
        ("\n", [""]),
        ("\n\n", ["", ""]),
        ("a\nb\n", ["a", "b"]),
        ("a\nb", ["a", "b"]),
        ("a\r\nb\r\n", ["a", "b"]),
        ("a\r", ["a"]),
        ("\r", [""]),
        ("a\r\r\n", ["a\r"]),
        ("\ra\r\n", ["\ra"]),
        ("a\n\r", ["a", ""]),
    ],
)
def test_line_rules(text, words):
    assert naive_lines(text) == words
    # \r is a symbol here, so a kept CR changes the answer: the language is "a" alone
    dfa = DFA(
        alphabet=("\r", "a", "b"),
        table=np.array([[3, 1, 2], [3, 3, 3], [3, 3, 3], [3, 3, 3]], dtype=np.int32),
        accepting=np.array([False, True, True, False]),
        start=0,
    )
    want = expected(dfa, words)
    for engine in ENGINES:
        assert bulk.accepts_many(dfa, text, engine=engine).tolist() == want
        assert bulk.accepts_many(dfa, text.encode(), engine=engine).tolist() == want
        assert bulk.count_file(dfa, io.BytesIO(text.encode()), engine=engine) == (
            sum(want),
            len(want),
        )


def test_bytes_are_utf8_text():
    dfa = DFA(
        alphabet=("a", "\xe9"),
        table=np.array([[0, 0]], dtype=np.int32),
        accepting=np.array([True]),
        start=0,
    )  # (a|é)*
    text = "a\xe9\n\xe9\u20ac\na\n"
    for engine in ENGINES:
        assert bulk.accepts_many(dfa, text.encode(), engine=engine).tolist() == [True, False, True]
        # a lone latin-1 byte is not valid UTF-8, so it is no symbol
        assert bulk.accepts_many(dfa, b"a\xe9\n", engine=engine).tolist() == [False]


# -- files -----------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(data=st.data(), dfa=automata(), block=st.sampled_from([1, 2, 3, 8, 1 << 16]))
def test_count_file_agrees_with_the_oracle(data, dfa, block):
    text, words = data.draw(texts(dfa))
    want = (sum(expected(dfa, words)), len(words))
    encoded = text.encode("utf-8", "surrogatepass")
    for engine in ENGINES:
        assert bulk.count_file(dfa, io.BytesIO(encoded), engine=engine, block_size=block) == want
        text_mode = io.StringIO(encoded.decode("utf-8", "surrogateescape"), newline="")
        assert bulk.count_file(dfa, text_mode, engine=engine, block_size=block) == want


def test_count_file_reads_a_path(tmp_path, embedded_reber, oracle):
    words = ["BTBTXSETE", "BPBPVVEPE", "BTBPVVEPE", "", "BPBTSXXVPSEPE"] * 1000
    path = tmp_path / "words.txt"
    path.write_text("\n".join(words) + "\n")
    want = sum(re.fullmatch(oracle.EMBEDDED_REBER_RE, w) is not None for w in words)
    for engine in ENGINES:
        assert bulk.count_file(embedded_reber, path, engine=engine, block_size=4096, workers=2) == (
            want,
            len(words),
        )
        assert bulk.count_file(embedded_reber.dfa, str(path), engine=engine) == (want, len(words))
    with path.open("rb") as stream:  # a file object is read from where it stands
        stream.readline()
        assert bulk.count_file(embedded_reber, stream) == (want - 1, len(words) - 1)
        assert stream.read() == b""
    with pytest.raises(FileNotFoundError):
        bulk.count_file(embedded_reber, tmp_path / "missing.txt")
    with pytest.raises(TypeError, match="path or a file object"):
        bulk.count_file(embedded_reber, 42)


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_count_file_splits_a_mapped_file_between_threads(tmp_path, workers):
    # block_size=16: each thread's part is about 16 bytes, so there are many cuts
    dfa = DFA(
        alphabet=("a", "b"),
        table=np.array([[1, 0], [0, 1]], dtype=np.int32),
        accepting=np.array([True, False]),
        start=0,
    )  # an even number of a's
    words = ["ab" * 20, "a", "", "baab", "a" * 7] * 30 + ["bab"]
    path = tmp_path / "words.txt"
    path.write_bytes("\r\n".join(words).encode())  # CRLF, no final line ending
    want = (sum(expected(dfa, words)), len(words))
    assert bulk.count_file(dfa, path, workers=workers, block_size=16) == want


# -- grammars ---------------------------------------------------------------------------------


def test_embedded_reber_agrees_with_the_regex(embedded_reber, oracle):
    rng = np.random.default_rng(0)
    letters = np.array(list("BEPSTVX"))
    words = ["BTBTXSETE", "BPBPTVPXVVEPE", "BTBPVPSETE"]
    words += ["".join(rng.choice(letters, size=rng.integers(0, 14))) for _ in range(3000)]
    want = [re.fullmatch(oracle.EMBEDDED_REBER_RE, w) is not None for w in words]
    for engine in ENGINES:
        assert bulk.accepts_many(embedded_reber, words, engine=engine).tolist() == want
        text = "".join(w + "\n" for w in words).encode()
        assert bulk.accepts_many(embedded_reber, text, engine=engine).tolist() == want


@settings(max_examples=60, deadline=None)
@given(data=st.data(), chunk=chunk_sizes)
def test_token_grammars_agree_with_the_oracle(protocol, data, chunk):
    tokens = st.sampled_from(["open", "read", "write", "close", "seek", "o"])
    words = data.draw(st.lists(st.lists(tokens, max_size=6).map(tuple), max_size=60))
    want = expected(protocol.dfa, words)
    as_text = "".join(" ".join(w) + "\n" for w in words)
    for engine in ENGINES:
        options = {"engine": engine, "chunk_words": chunk}
        assert bulk.accepts_many(protocol, words, **options).tolist() == want
        assert bulk.accepts_many(protocol, [" ".join(w) for w in words], **options).tolist() == want
        assert bulk.accepts_many(protocol, as_text, chunk_bytes=7, **options).tolist() == want
        assert bulk.accepts_many(protocol, as_text.encode(), **options).tolist() == want
        assert bulk.count_lines(protocol, as_text, engine=engine) == (sum(want), len(want))


def test_a_grammar_and_its_dfa_give_the_same_answers(reber):
    words = ["BTXSE", "BPVVE", "BTSSXXVPSE", "BTE"] * 10
    assert (bulk.accepts_many(reber, words) == bulk.accepts_many(reber.dfa, words)).all()


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["ab", 5] * 20, "a word is a str or a sequence of str symbols, not int"),
        (["ab", b"ab"] * 20, "a word is a str or a sequence of str symbols, not bytes"),
        ([("a", 5)] * 40, r"a word's symbols are str, not int \(5\)"),
        ([("a", ["b"])] * 40, r"a word's symbols are str, not list"),
    ],
)
def test_bad_words_raise_type_error(reber, engine, words, message):
    with pytest.raises(TypeError, match=message):
        bulk.accepts_many(reber, words, engine=engine)


def test_bad_options(reber):
    with pytest.raises(GrammarError, match="engine must be one of"):
        bulk.accepts_many(reber, ["B"], engine="fast")
    with pytest.raises(TypeError, match="engine must be a str, not int"):
        bulk.count_lines(reber, "B", engine=1)
    with pytest.raises(GrammarError, match="chunk_words must be >= 1, got 0"):
        bulk.accepts_many(reber, ["B"], chunk_words=0)
    with pytest.raises(TypeError, match="chunk_bytes must be an int, not str"):
        bulk.accepts_many(reber, "B", chunk_bytes="8")
    with pytest.raises(GrammarError, match=r"block_size must be >= \d, got -1"):
        bulk.count_file(reber, io.BytesIO(b""), block_size=-1)
    with pytest.raises(GrammarError, match="block_size must be >= 1, got 0"):
        bulk.count_file(reber, io.BytesIO(b""), block_size=0)
    with pytest.raises(TypeError, match="workers must be an int, not float"):
        bulk.count_file(reber, io.BytesIO(b""), workers=1.5)
    with pytest.raises(TypeError, match="workers must be an int, not bool"):
        bulk.count_file(reber, io.BytesIO(b""), workers=True)
    with pytest.raises(TypeError, match="expected a Grammar or a DFA, not str"):
        bulk.accepts_many("reber", ["B"])
    for call in (bulk.accepts_many, bulk.count_lines, bulk.count_file):
        with pytest.raises(TypeError, match="^automaton: expected a Grammar or a DFA, not list"):
            call([], "B")
    with pytest.raises(TypeError, match="text must be a str or bytes-like, not list"):
        bulk.count_lines(reber, ["BTXSE"])
    with pytest.raises(TypeError, match="text must be a str or bytes-like, not int"):
        bulk.split_lines(5)


def test_numpy_ints_are_sizes(reber):
    words = ["BTXSE", "BTE"] * 20
    got = bulk.accepts_many(reber, words, chunk_words=np.int64(3), chunk_bytes=np.int32(5))
    assert got.tolist() == [True, False] * 20
    text = "\n".join(words).encode()
    assert bulk.count_file(reber, io.BytesIO(text), block_size=np.int64(4), workers=np.int8(2)) == (
        20,
        40,
    )


def test_count_file_in_the_old_order_warns_and_still_counts(tmp_path, reber):
    path = tmp_path / "words.txt"
    path.write_bytes(b"BTXSE\nBTE\nBPVVE\n")
    with pytest.warns(DeprecationWarning, match=r"count_file\(automaton, source\)"):
        assert bulk.count_file(path, reber) == (2, 3)
    with pytest.warns(DeprecationWarning):
        assert bulk.count_file(io.BytesIO(b"BTXSE\n"), reber.dfa, engine="numpy") == (1, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the new order does not warn
        assert bulk.count_file(reber, path) == (2, 3)


def test_the_package_never_imports_core_at_run_time():
    # Grammar's methods import grammar.bulk lazily; an import of core here would close a circle.
    folder = Path(bulk.__file__).parent
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text())
        hints = {
            id(node)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
            for node in ast.walk(block)
        }
        for node in ast.walk(tree):
            if id(node) in hints:
                continue
            if isinstance(node, ast.ImportFrom):
                names = [f"{node.module}.{a.name}" for a in node.names] + [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            assert not any(n == "grammar.core" or n.startswith("grammar.core.") for n in names), (
                path.name
            )


# Makes importing the extension fail, as on a machine without a C compiler.
BLOCK_EXTENSION = """
import sys

class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "grammar._fastdfa":
            raise ImportError("blocked for the test")

sys.meta_path.insert(0, Block())
"""


def _without_extension(body: str) -> None:
    """Run `body` in a fresh interpreter where the extension fails to import."""
    script = BLOCK_EXTENSION + textwrap.dedent(body) + "\nprint('ok')\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_compiled_engine_without_the_extension(tmp_path):
    path = tmp_path / "words.txt"
    _without_extension(
        f"""
        import io
        from grammar import GrammarError, bulk, library
        reber = library.reber()
        try:
            bulk.accepts_many(reber, ["BTXSE"], engine="compiled")
        except GrammarError as error:
            assert "needs the C extension" in str(error), error
        else:
            raise AssertionError("engine='compiled' ran without the extension")
        # "auto" falls back to numpy for every kind of input
        words = ["BTXSE", "BTE", "BPVVE", ""] * 50
        want = [True, False, True, False] * 50
        assert bulk.accepts_many(reber, words).tolist() == want
        text = "".join(w + "\\n" for w in words).encode()
        assert bulk.accepts_many(reber, text).tolist() == want
        assert bulk.count_file(reber, io.BytesIO(text)) == (100, 200)
        open({str(path)!r}, "wb").write(text)
        assert bulk.count_file(reber, {str(path)!r}, workers=2) == (100, 200)
        """
    )


def test_package_works_when_the_extension_is_missing():
    _without_extension(
        """
        from grammar import bulk, library
        assert not bulk.HAVE_EXTENSION
        g = library.reber()
        words = ["BTXSE", "BTE"] * 100
        assert g.accepts_many(words).tolist() == [True, False] * 100
        assert bulk.count_lines(g, "\\n".join(words)) == (100, 200)
        """
    )


# -- the extension itself -----------------------------------------------------------------------


@needs_extension
class TestExtension:
    """The C functions' own contract: validation, capacity and line handling."""

    @pytest.fixture
    def parity(self):
        # even number of "1"s over {0, 1}, as a byte table with its sink in row 2
        return bulk.byte_table(
            DFA(
                alphabet=("0", "1"),
                table=np.array([[0, 1], [1, 0]], dtype=np.int32),
                accepting=np.array([True, False]),
                start=0,
            )
        )

    def test_run_lines_writes_what_fits_and_counts_all(self, parity):
        from grammar import _fastdfa

        table, accepting = parity
        out = np.zeros(2, dtype=bool)
        assert _fastdfa.run_lines(b"11\n1\n0\n", table, 0, accepting, out) == 3
        assert out.tolist() == [True, False]

    def test_strip_cr_can_be_turned_off(self, parity):
        from grammar import _fastdfa

        table, accepting = parity
        out = np.zeros(2, dtype=bool)
        assert _fastdfa.run_lines(b"0\r\n0\r", table, 0, accepting, out, strip_cr=False) == 2
        assert out.tolist() == [False, False]
        assert _fastdfa.count_lines(b"0\r\n0\r", table, 0, accepting) == (2, 2)

    def test_run_words_stops_at_a_non_str(self, parity):
        from grammar import _fastdfa

        table, accepting = parity
        out = np.zeros(4, dtype=bool)
        assert _fastdfa.run_words(["11", "1\u20ac", "\n", 5], table, 0, accepting, out) == 3
        assert out[:3].tolist() == [True, False, False]
        with pytest.raises(ValueError, match="room for 4 words, not 5"):
            _fastdfa.run_words(["1"] * 5, table, 0, accepting, out)
        with pytest.raises(TypeError, match="list or tuple"):
            _fastdfa.run_words(iter(["1"]), table, 0, accepting, out)

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (lambda t, a: (t.astype(np.int64), a), "C-contiguous int32"),
            (lambda t, a: (t[:, :128].copy(), a), "n_rows \\* 256"),
            (lambda t, a: (np.asfortranarray(t), a), "contiguous"),
            (lambda t, a: (t, a[:2]), "2 flags for 3 table rows"),
            (lambda t, a: (np.where(t == 1, 7, t).astype(np.int32), a), "table\\[0, 49\\] = 7"),
            (lambda t, a: (np.where(t == 2, 0, t).astype(np.int32), a), "last row .* sink"),
            (lambda t, a: (t, np.array([1, 0, 1], dtype=np.uint8)), "sink .* must not accept"),
        ],
    )
    def test_malformed_automata_are_refused(self, parity, change, message):
        from grammar import _fastdfa

        table, accepting = change(*parity)
        with pytest.raises((ValueError, BufferError), match=message):
            _fastdfa.count_lines(b"0\n", table, 0, accepting)

    def test_start_must_be_a_state(self, parity):
        from grammar import _fastdfa

        with pytest.raises(ValueError, match="start 3 is not a state"):
            _fastdfa.count_lines(b"0\n", parity[0], 3, parity[1])


def test_byte_table_refuses_wide_symbols():
    dfa = DFA(
        alphabet=("ab",), table=np.array([[0]], dtype=np.int32), accepting=np.array([True]), start=0
    )
    with pytest.raises(GrammarError, match="symbol 'ab' is not a single byte-sized character"):
        bulk.byte_table(dfa)


def test_byte_table_takes_a_grammar_or_its_dfa(reber):
    table, accepting = bulk.byte_table(reber)
    same_table, same_accepting = bulk.byte_table(reber.dfa)
    assert (table == same_table).all() and (accepting == same_accepting).all()
    with pytest.raises(TypeError, match="expected a Grammar or a DFA, not dict"):
        bulk.byte_table({})
