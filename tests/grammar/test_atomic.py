"""grammar.atomic: a write is all or nothing, and the file looks like any other."""

import os
import stat

import pytest

from grammar.atomic import atomic_write, atomic_writer


def test_atomic_writes_get_the_mode_of_a_plain_file(tmp_path):
    plain = tmp_path / "plain"
    plain.write_bytes(b"x")
    atomic_write(tmp_path / "atomic", b"x")
    mode = stat.S_IMODE(os.stat(tmp_path / "atomic").st_mode)
    assert mode == stat.S_IMODE(os.stat(plain).st_mode)


def test_a_failed_write_keeps_the_old_file_and_leaves_no_litter(tmp_path):
    path = tmp_path / "f"
    atomic_write(path, b"old")
    with pytest.raises(RuntimeError), atomic_writer(path) as out:
        out.write(b"half")
        raise RuntimeError("stop")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["f"]
