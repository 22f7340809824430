"""Each rank's share of the work: items dealt round-robin, and random streams of its own.

Examples
--------
>>> shard(list("abcdefg"), rank=1, world=3)
['b', 'e']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import numpy as np

from neural.distributed.group import rank, world_size

__all__ = ["shard", "even_shard", "rank_generator"]

T = TypeVar("T")


def shard(items: Sequence[T], rank: int | None = None, world: int | None = None) -> Sequence[T]:
    """Rank `rank`'s share of `items`: every `world`-th one, from index `rank`.

    The shares of all ranks are disjoint and together hold every item.
    By default the group's rank and size (the whole list without a group).

    Examples
    --------
    >>> [shard(range(5), rank=r, world=2) for r in (0, 1)]
    [range(0, 5, 2), range(1, 5, 2)]
    """
    rank, world = _place(rank, world)
    return items[rank::world]


def even_shard(
    items: Sequence[T], rank: int | None = None, world: int | None = None
) -> Sequence[T]:
    """Like :func:`shard`, but every rank gets the same number: the last ``len % world`` go.

    Data-parallel training needs it: every rank must take the same number of
    optimiser steps, since each step waits for all of them.

    Raises
    ------
    ValueError
        If there are fewer items than ranks.

    Examples
    --------
    >>> [list(even_shard(list("abcde"), rank=r, world=2)) for r in (0, 1)]
    [['a', 'c'], ['b', 'd']]
    """
    rank, world = _place(rank, world)
    usable = len(items) // world * world
    if usable == 0 and len(items) > 0:
        raise ValueError(f"{len(items)} batches cannot be shared among {world} ranks; use "
                         "more examples or a smaller batch size")
    return items[:usable][rank::world]


def _place(rank_: int | None, world: int | None) -> tuple[int, int]:
    rank_ = rank() if rank_ is None else rank_
    world = world_size() if world is None else world
    if not 0 <= rank_ < world:
        raise ValueError(f"rank must be in [0, {world}), got {rank_}")
    return rank_, world


def rank_generator(seed: int, rank: int = 0, *keys: int) -> np.random.Generator:
    """An independent random stream for `rank` (and any further `keys`: worker, epoch...).

    The streams come from :class:`numpy.random.SeedSequence` with the rank
    and keys as its spawn key: reproducible from `seed`, and independent of
    one another, so ranks and workers never share draws by construction.

    Examples
    --------
    >>> a = rank_generator(7, 0, 3).integers(10**9, size=3).tolist()
    >>> a == rank_generator(7, 0, 3).integers(10**9, size=3).tolist()
    True
    >>> a == rank_generator(7, 1, 3).integers(10**9, size=3).tolist()
    False
    """
    key = (int(rank), *(int(k) for k in keys))
    return np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=key))
