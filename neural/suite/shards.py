"""A suite spread over processes: which runs are this process's, and waiting for the rest.

A suite's runs are dealt round-robin: part ``i`` of ``n`` runs runs
``i, i + n, i + 2n, ...`` of the spec's run order. The part comes from
``neural suite --shard i/n`` (job arrays, with no launcher) or, under
``torchrun``, from the rank. Each run commits its ``row.json`` in the one
suite directory, so the directory must be on a file system that every part
shares; under ``torchrun`` each rank leaves a marker there at the start, and
rank 0 refuses to go on when it cannot see every rank's within
:func:`neural.distributed.timeout_seconds`.

Examples
--------
>>> Part.parse("1/4")
Part(index=1, count=4)
>>> Part(1, 4).select(list("abcdefghij"))
['b', 'f', 'j']
>>> Part.parse("4/4")
Traceback (most recent call last):
...
ValueError: shard must be i/n with 0 <= i < n, got '4/4'
"""

from __future__ import annotations

import os
import re
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

__all__ = ["Part", "part_of", "announce", "wait_for_rows", "MARKERS"]

#: The folder of a suite directory where the ranks of a torchrun job leave their markers.
MARKERS = "ranks"
T = TypeVar("T")
_POLL = 0.5


@dataclass(frozen=True)
class Part:
    """Part `index` (from 0) of a suite cut into `count` parts."""

    index: int
    count: int

    def __post_init__(self) -> None:
        for name in ("index", "count"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"shard {name} must be an int, not {type(value).__name__}")
        if not 0 <= self.index < self.count:
            raise ValueError(f"shard must be i/n with 0 <= i < n, got "
                             f"'{self.index}/{self.count}'")

    @classmethod
    def parse(cls, text: str) -> Part:
        """``"i/n"`` as a part; ValueError naming the text when it is not one."""
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
        if not match:
            raise ValueError(f"shard must be i/n with 0 <= i < n, got {text!r}")
        index, count = int(match[1]), int(match[2])
        if not 0 <= index < count:
            raise ValueError(f"shard must be i/n with 0 <= i < n, got {text!r}")
        return cls(index, count)

    def select(self, items: Sequence[T]) -> list[T]:
        """This part's share of `items`: every `count`-th one from `index`."""
        return list(items[self.index :: self.count])

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def part_of(shard: Part | str | None) -> tuple[Part, bool]:
    """This process's part, and whether it is a rank of a ``torchrun`` job.

    An explicit `shard` wins outside ``torchrun``; under ``torchrun`` the
    part is the rank, and an explicit one too is refused (ValueError).
    """
    from neural import distributed as ranks  # torch: not needed to parse a command line

    if isinstance(shard, str):
        shard = Part.parse(shard)
    if ranks.launched():
        if shard is not None:
            raise ValueError("--shard and torchrun both split the suite; use one of them")
        return Part(int(os.environ.get("RANK", "0")), int(os.environ["WORLD_SIZE"])), True
    return shard or Part(0, 1), False


def announce(out: Path, part: Part) -> None:
    """Leave this rank's marker in `out`; rank 0 then waits until it sees every rank's.

    Raises
    ------
    neural.distributed.DistributedError
        On rank 0, when some rank's marker is missing after
        :func:`~neural.distributed.timeout_seconds`: the ranks do not share
        the suite directory.
    """
    from neural import distributed as ranks
    from neural.checkpoint import write_json

    folder = out / MARKERS
    folder.mkdir(parents=True, exist_ok=True)
    write_json(folder / f"rank-{part.index}.json",
               {"rank": part.index, "ranks": part.count, "host": socket.gethostname()})
    if part.index != 0:
        return
    timeout = ranks.timeout_seconds()
    deadline = time.monotonic() + timeout
    while True:
        missing = [r for r in range(part.count) if not (folder / f"rank-{r}.json").exists()]
        if not missing:
            return
        if time.monotonic() > deadline:
            raise ranks.DistributedError(
                f"rank 0 of {part.count}: no sign of rank {', '.join(map(str, missing))} in "
                f"{folder} after {timeout:g} s; the suite directory must be on a file system "
                "that every rank shares"
            )
        time.sleep(_POLL)


def wait_for_rows(paths: Sequence[Path], echo: Callable[[str], None] | None = None, *,
                  done: Callable[[Path], bool] = Path.exists) -> None:
    """Wait until every path in `paths` (the runs' ``row.json``) is `done` (exists).

    Rank 0 calls it when its own runs are done. The other ranks' runs can
    take hours, so this polls the file system rather than holding a
    collective open past its timeout; if another rank dies, ``torchrun``
    stops the whole job.
    """
    told = False
    left = list(paths)
    while True:
        left = [p for p in left if not done(p)]
        if not left:
            return
        if echo is not None and not told:
            echo(f"waiting for {len(left)} run(s) on the other ranks")
            told = True
        time.sleep(_POLL)
