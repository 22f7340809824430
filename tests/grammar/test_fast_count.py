"""The cached file check: ``grammar check NAME --file F --count`` from a byte table on disk.

Every count is held against an independent oracle (``re.fullmatch`` with the
hand-derived regexes of conftest, or the naive set-of-states simulation of a
random declaration) and against the ordinary path that builds the grammar.
The cache lives in a temporary folder (``GRAMMARLAB_CACHE_DIR``) in every test.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import subprocess
import sys
from array import array
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grammar import Grammar, library, lookup
from grammar.bulk import byte_table, count_file, named, scan, table_cache
from grammar.bulk.named import count_named
from grammar.cli import main

ROOT = Path(__file__).resolve().parents[2]
needs_extension = pytest.mark.skipif(not scan.HAVE_EXTENSION, reason="C extension not built")


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch) -> Path:
    """A fresh cache folder; keys stamped from a still folder, not the package being edited."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(table_cache.CACHE_ENV, str(folder))
    monkeypatch.setattr(table_cache, "PACKAGE_DIR", str(tmp_path / "stamp"))
    return folder


# A subprocess stamps its keys the same way (see the fixture above).
PIN_STAMP = "from grammar.bulk import table_cache\ntable_cache.PACKAGE_DIR = {!r}\n"


def line_oracle(data: bytes, pattern: str) -> tuple[int, int]:
    """(accepted, total) by the line rules of grammar.bulk, each line held to re.fullmatch."""
    if not data:
        return 0, 0
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines.pop()
    lines = [line[:-1] if line.endswith(b"\r") else line for line in lines]
    regex = re.compile(pattern.encode())
    return sum(regex.fullmatch(line) is not None for line in lines), len(lines)


def check_count(name: str, path: Path) -> tuple[int, int, str | None]:
    """`grammar check NAME --file path --count --json`, in this process."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["check", name, "--file", str(path), "--count", "--json"])
    document = json.loads(out.getvalue())
    assert code == (0 if document["rejected"] == 0 else 1)
    assert document["words"] == document["accepted"] + document["rejected"]
    return document["accepted"], document["words"], document["grammar"]


def reber_lines(rng: random.Random, n: int) -> list[bytes]:
    """Members, one-letter near misses, junk, CR endings and empty lines."""
    members = [w.encode() for w in library.embedded_reber().sample(n, seed=rng.randrange(2**32))]
    lines = []
    for word in members:
        roll = rng.random()
        if roll < 0.4:
            k = rng.randrange(len(word))
            word = word[:k] + bytes([rng.choice(b"BEPSTVXa\r\xff")]) + word[k + 1 :]
        elif roll < 0.45:
            word = b""
        elif roll < 0.5:
            word += b"\r"
        lines.append(word)
    return lines


@needs_extension
def test_embedded_reber_cached_count_matches_regex(tmp_path, oracle, cache):
    rng = random.Random(13)
    data = b"\n".join(reber_lines(rng, 3000)) + b"BTBTXSETE\r"  # no final newline
    path = tmp_path / "words.txt"
    path.write_bytes(data)
    want = line_oracle(data, oracle.EMBEDDED_REBER_RE)
    assert 0 < want[0] < want[1]
    assert count_named("embedded-reber", path) is None  # nothing cached yet
    assert check_count("embedded-reber", path) == (*want, "embedded-reber")  # builds, caches
    assert count_named("embedded-reber", path) == (*want, "embedded-reber")
    assert check_count("embedded-reber", path) == (*want, "embedded-reber")  # from the cache
    assert count_file(library.embedded_reber(), path) == want
    assert len(list((cache / "tables").iterdir())) == 1


@needs_extension
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_grammar_files_cached_count_matches_brute_force(tmp_path_factory, oracle, data):
    G = data.draw(oracle.random_graphs(max_states=6, alphabet="abc"))
    naive = oracle.NaiveNFA(G)
    folder = tmp_path_factory.mktemp("grammar")
    os.environ[table_cache.CACHE_ENV] = str(folder / "cache")
    g = Grammar(G)
    suffix = data.draw(st.sampled_from([".json", ".dot", ".att"]))
    source = folder / f"g{suffix}"
    source.write_text({".json": g.to_json, ".dot": g.to_dot, ".att": g.to_att}[suffix]())
    words = ["".join(w) for w in oracle.words_upto("abcd", 5)]
    path = folder / "words.txt"
    path.write_text("\n".join(words) + "\n")
    want = sum(naive.accepts(w) for w in words), len(words)
    name = str(source)
    accepted, total, _ = check_count(name, path)
    assert (accepted, total) == want
    cached = count_named(name, path)
    assert cached is not None and (cached.accepted, cached.total) == want
    assert check_count(name, path)[:2] == want


@needs_extension
@pytest.mark.parametrize("pattern", ["(ab)*c?", "[a-c]{2,3}|d+", "x(y|z)*x"])
def test_regex_names_cached_count_matches_re(tmp_path, pattern):
    words = ["".join(w) for n in range(5) for w in itertools.product("abcdxyz", repeat=n)]
    path = tmp_path / "words.txt"
    path.write_text("\n".join(words) + "\n")
    want = sum(re.fullmatch(pattern, w) is not None for w in words), len(words)
    name = f"re:{pattern}"
    assert check_count(name, path)[:2] == want
    assert count_named(name, path)[:2] == want
    assert check_count(name, path)[:2] == want


def test_token_grammars_are_never_cached(tmp_path, cache):
    g = library.get("file-protocol")
    assert not all(len(s) == 1 for s in g.alphabet)
    member = " ".join(g.sample(1, seed=1)[0])
    path = tmp_path / "words.txt"
    path.write_text(f"{member}\nnot a member\n")
    assert check_count("file-protocol", path)[:2] == (1, 2)
    assert table_cache.store("file-protocol", g) is False
    assert count_named("file-protocol", path) is None
    assert not cache.exists()


def test_without_the_extension_the_fast_path_steps_aside(tmp_path, monkeypatch):
    path = tmp_path / "words.txt"
    path.write_text("BTXSE\nBTSE\n")
    table_cache.store("reber", library.reber())
    monkeypatch.setattr(named, "HAVE_EXTENSION", False)
    assert count_named("reber", path) is None
    assert check_count("reber", path) == (1, 2, "reber")


def test_cache_off_and_unwritable_cache(tmp_path, monkeypatch):
    path = tmp_path / "words.txt"
    path.write_text("BTXSE\nBTSE\n")
    monkeypatch.setenv(table_cache.CACHE_ENV, "")
    assert table_cache.cache_dir() is None
    assert check_count("reber", path) == (1, 2, "reber")
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    monkeypatch.setenv(table_cache.CACHE_ENV, str(blocker))
    assert table_cache.store("reber", library.reber()) is False
    assert check_count("reber", path) == (1, 2, "reber")


def test_default_cache_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv(table_cache.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert table_cache.cache_dir() == os.path.join(str(tmp_path), "grammarlab")


def test_dispatch_constants_match_lookup():
    assert table_cache.REGEX_PREFIX == lookup.REGEX_PREFIX
    assert set(table_cache.FILE_SUFFIXES) == set(lookup.FILE_SUFFIXES)


# -- invalidation -------------------------------------------------------------------------


@needs_extension
def test_editing_a_grammar_file_invalidates_its_entry(tmp_path):
    source = tmp_path / "g.json"
    source.write_text(library.tomita(1).to_json())
    path = tmp_path / "words.txt"
    path.write_text("111\n101\n\n")
    assert check_count(str(source), path)[:2] == (2, 3)  # 1*
    assert count_named(str(source), path)[:2] == (2, 3)
    source.write_text(library.tomita(2).to_json())  # (10)*
    assert count_named(str(source), path) is None
    assert check_count(str(source), path)[:2] == (1, 3)
    assert count_named(str(source), path)[:2] == (1, 3)


def test_source_key_follows_version_and_package_sources(tmp_path, monkeypatch):
    import grammar

    key = table_cache.source_key("reber")
    assert key == table_cache.source_key("reber") != table_cache.source_key("tomita-1")
    monkeypatch.setattr(grammar, "__version__", "999")
    assert table_cache.source_key("reber") != key
    monkeypatch.undo()
    package = tmp_path / "package"
    (package / "sub").mkdir(parents=True)
    module = package / "sub" / "core.py"
    module.write_text("x = 1\n")
    monkeypatch.setattr(table_cache, "PACKAGE_DIR", str(package))
    before = table_cache.source_key("reber")
    module.write_text("x = 22\n")
    assert table_cache.source_key("reber") != before
    assert table_cache.source_key(str(tmp_path / "missing.dot")) is None
    assert table_cache.source_key(str(module)) is None  # an existing non-grammar path


# -- corruption ------------------------------------------------------------------------------


def _entry_files(cache: Path) -> tuple[Path, Path]:
    (index,) = (cache / "names").iterdir()
    (table,) = (cache / "tables").iterdir()
    return index, table


def _damage_table(data: bytes) -> list[bytes]:
    return [
        b"",
        data[:100],
        data[:-1],
        data + b"\x00",
        data[:40] + bytes([data[40] ^ 1]) + data[41:],  # the fingerprint
        data[:200] + bytes([data[200] ^ 1]) + data[201:],  # the table: checksum fails
        data[:-1] + bytes([data[-1] ^ 1]),  # the checksum
        b"\x80\x03" + data,  # a pickle's first bytes
    ]


@needs_extension
def test_every_corrupt_table_falls_back_and_is_rewritten(tmp_path, cache):
    path = tmp_path / "words.txt"
    path.write_text("BTXSE\nBTSE\nBPVVE\n")
    assert check_count("reber", path) == (2, 3, "reber")
    _, table = _entry_files(cache)
    good = table.read_bytes()
    for bad in _damage_table(good):
        table.write_bytes(bad)
        assert table_cache.load("reber") is None
        assert count_named("reber", path) is None
        assert check_count("reber", path) == (2, 3, "reber")  # the ordinary path, then rewrite
        assert table.read_bytes() == good


@needs_extension
def test_corrupt_or_foreign_index_entries_fall_back(tmp_path, cache):
    path = tmp_path / "words.txt"
    path.write_text("BTXSE\nBTSE\n")
    check_count("reber", path)
    index, table = _entry_files(cache)
    good = json.loads(index.read_text())
    broken = [
        b"",
        b"not json",
        b"\xff\xfe",
        json.dumps([good]).encode(),
        json.dumps({**good, "format": "other"}).encode(),
        json.dumps({**good, "key": table_cache.source_key("tomita-1")}).encode(),
        json.dumps({**good, "fingerprint": "../../etc/passwd"}).encode(),
        json.dumps({**good, "fingerprint": "0" * 64}).encode(),  # no such table
        json.dumps({**good, "name": 3}).encode(),
    ]
    for bad in broken:
        index.write_bytes(bad)
        assert table_cache.load("reber") is None, bad
        assert check_count("reber", path) == (1, 2, "reber")
        assert json.loads(index.read_text()) == good
    table.unlink()
    assert count_named("reber", path) is None
    assert check_count("reber", path) == (1, 2, "reber")


@needs_extension
def test_a_table_the_extension_refuses_falls_back(tmp_path, cache):
    """A well-formed file (right checksum) whose table is no automaton: the C checks refuse it."""
    path = tmp_path / "words.txt"
    path.write_text("BTXSE\nBTSE\n")
    check_count("reber", path)
    index, table = _entry_files(cache)
    fingerprint = json.loads(index.read_text())["fingerprint"]
    rows = len(table_cache.load("reber").accepting)
    for entries, accepting in [
        (array("i", [rows] * (rows * 256)), bytes(rows)),  # a state out of range
        (array("i", [0] * (rows * 256)), bytes(rows)),  # the last row is no sink
        (array("i", [rows - 1] * (rows * 256)), b"\x01" * rows),  # an accepting sink
    ]:
        table.write_bytes(table_cache.encode_table(fingerprint, entries.tobytes(), 0, accepting))
        assert table_cache.load("reber") is not None
        assert count_named("reber", path) is None
        assert check_count("reber", path) == (1, 2, "reber")


def test_decode_refuses_other_byte_orders_and_bad_starts():
    table, accepting = byte_table(library.parity())
    data = table_cache.encode_table("a" * 64, table.tobytes(), 0, accepting.tobytes())
    assert table_cache.decode_table(data, "a" * 64) is not None
    header = bytearray(data[:-32])
    header[24 + 64] ^= 3  # the byte-order flag: 1 <-> 2
    assert table_cache.decode_table(bytes(header) + data[-32:], "a" * 64) is None
    assert table_cache.decode_table(
        table_cache.encode_table("a" * 64, table.tobytes(), 3, accepting.tobytes()), "a" * 64
    ) is None


@needs_extension
def test_missing_file_with_a_warm_cache_is_one_error_line(tmp_path, capsys):
    path = tmp_path / "words.txt"
    path.write_text("BTXSE\n")
    check_count("reber", path)
    assert count_named("reber", path) is not None
    missing = tmp_path / "missing.txt"
    assert main(["check", "reber", "--file", str(missing), "--count"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"grammar: error: {missing}: No such file or directory\n"


@needs_extension
def test_a_file_larger_than_the_address_space_limit(tmp_path, cache):
    """The cached check counts a file larger than RLIMIT_AS, which a whole-file map could not."""
    pytest.importorskip("resource")
    block = b"BTBTXSETE\nBTBTXSEPE\nBPBPVVETE\n" * 4096  # 1 of 3 lines a member
    cap, blocks = 64 << 20, (80 << 20) // len(block) + 1
    path = tmp_path / "big.txt"
    with open(path, "wb") as out:
        for _ in range(blocks):
            out.write(block)
    assert path.stat().st_size > cap
    small = tmp_path / "small.txt"
    small.write_bytes(block[:30])
    check_count("embedded-reber", small)  # fills the cache
    script = PIN_STAMP.format(table_cache.PACKAGE_DIR) + f"""
import mmap, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
with open({str(path)!r}, "rb") as stream:
    try:
        mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
        print("whole map fits")
    except (OSError, MemoryError, ValueError):
        pass
from grammar.cli import main
code = main(["check", "embedded-reber", "--file", {str(path)!r}, "--count"])
print(sorted(m for m in ("numpy", "networkx") if m in sys.modules))
sys.exit(code)
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, table_cache.CACHE_ENV: str(cache)},
        timeout=300,
    )
    lines = blocks * 4096 * 3
    assert done.stdout == f"{lines // 3} accepted, {lines - lines // 3} rejected\n[]\n", done
    assert done.returncode == 1


@needs_extension
def test_the_fast_path_imports_neither_numpy_nor_networkx(tmp_path, cache):
    path = tmp_path / "words.txt"
    path.write_text("BTXSE\nBTSE\n")
    check_count("reber", path)
    script = PIN_STAMP.format(table_cache.PACKAGE_DIR) + (
        "import sys\nfrom grammar.cli import main\n"
        f"code = main(['check', 'reber', '--file', {str(path)!r}, '--count'])\n"
        "print(sorted({'numpy', 'networkx', 'grammar.core', 'decimal'}"
        " & set(sys.modules)))\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, table_cache.CACHE_ENV: str(cache)}, timeout=120,
    )
    assert done.stdout == "1 accepted, 1 rejected\n[]\n", done
