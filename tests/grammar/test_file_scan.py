"""Counting a regular file window by window in threads (grammar.bulk.scan), in bounded memory.

Counts are held against a line oracle: the line rules of grammar.bulk written
out with bytes.split, each line held to re.fullmatch with conftest's regexes.
"""

from __future__ import annotations

import os
import random
import re
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grammar import library
from grammar.bulk import byte_table, scan

needs_extension = pytest.mark.skipif(not scan.HAVE_EXTENSION, reason="C extension not built")


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


@needs_extension
@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(st.text("BTSXPVE\r", max_size=12), max_size=60),
    final_newline=st.booleans(),
    workers=st.integers(1, 4),
    least=st.integers(1, 64),
    offset=st.integers(0, 20),
)
def test_count_descriptor_matches_the_line_oracle(
    tmp_path_factory, oracle, lines, final_newline, workers, least, offset
):
    data = "\n".join(lines).encode() + (b"\n" if final_newline and lines else b"")
    folder = tmp_path_factory.mktemp("scan")
    path = folder / "words.bin"
    path.write_bytes(b"x" * offset + data)
    table, accepting = byte_table(library.reber())
    start = int(library.reber().dfa.start)
    with open(path, "rb") as stream:
        got = scan.count_descriptor(
            stream.fileno(), table, start, accepting, offset=offset, workers=workers, least=least
        )
    assert got == line_oracle(data, oracle.REBER_RE)


@needs_extension
def test_lines_longer_than_a_window_and_windows_that_cut_lines(tmp_path, oracle):
    rng = random.Random(5)
    long_member = b"BT" + b"S" * 20_000 + b"XSE"
    lines = [long_member, b"BTXSE", long_member + b"E"]
    lines += [rng.choice([b"BTXSE", b"BPVVE", b"BTSE", b"BPTVPXVVE\r"]) for _ in range(5000)]
    data = b"\n".join(lines) + b"\n"
    path = tmp_path / "words.txt"
    path.write_bytes(data)
    table, accepting = byte_table(library.reber())
    want = line_oracle(data, oracle.REBER_RE)
    for window in (4096, 8192, 3 * 4096, 1 << 20):
        got = scan.count_path(path, table, 0, accepting, workers=3, window=window)
        assert got == want, window


def test_count_path_leaves_pipes_to_the_caller_unopened(tmp_path):
    """Opening a named pipe would block, or take data its writer meant for the ordinary path."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    table, accepting = byte_table(library.reber())
    result: list = []
    worker = threading.Thread(
        target=lambda: result.append(scan.count_path(fifo, table, 0, accepting))
    )
    worker.start()
    worker.join(timeout=30)
    if worker.is_alive():  # it opened the pipe: release it before failing
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        worker.join()
    assert result == [None]
    assert scan.count_path(tmp_path, table, 0, accepting) is None  # a folder


@needs_extension
def test_parts_are_scanned_in_place_when_no_thread_can_start(tmp_path, oracle, monkeypatch):
    def refuse(self):
        raise RuntimeError("can't start new thread")

    data = b"BTXSE\nBTSE\nBPVVE\r\n" * 5000
    path = tmp_path / "words.txt"
    path.write_bytes(data)
    table, accepting = byte_table(library.reber())
    monkeypatch.setattr(threading.Thread, "start", refuse)
    with open(path, "rb") as stream:
        got = scan.count_descriptor(
            stream.fileno(), table, 0, accepting, workers=4, least=1, window=1 << 16
        )
    assert got == line_oracle(data, oracle.REBER_RE) == (10000, 15000)
