"""Several processes, one run: the process group that ``torchrun`` asks for, and its helpers.

Under ``torchrun`` every process finds its place in the environment
(``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``, ``MASTER_ADDR``, ``MASTER_PORT``).
:func:`process_group` joins the group there: NCCL when the run is on CUDA
(one GPU per process, ``cuda:LOCAL_RANK``), gloo on the CPU. Outside
``torchrun`` (or with one process) it does nothing, so the single-process
path stays the default and pays nothing.

The rest is what a run needs from the group: who it is (:func:`rank`,
:func:`world_size`, :func:`is_main`, so that only rank 0 writes), its share
of a list (:func:`shard`), sums over all ranks (:func:`all_reduce_sum`), a
model whose gradients are averaged (:func:`data_parallel`) and a random
stream of its own (:func:`rank_generator`).

Every collective waits at most :func:`timeout_seconds` (environment variable
``NEURAL_DIST_TIMEOUT``, default :data:`DEFAULT_TIMEOUT`). When another rank
dies, the others fail in their next collective instead of waiting forever,
and :func:`process_group` turns that failure into one
:class:`DistributedError` naming the rank and what to do.

Examples
--------
>>> import torch
>>> with process_group(torch.device("cpu")) as device:   # not under torchrun: one process
...     device, rank(), world_size(), is_main()
(device(type='cpu'), 0, 1, True)
>>> shard(list("abcdefg"), rank=1, world=3)
['b', 'e']
>>> all_reduce_sum([2.0, 3.0])
[2.0, 3.0]
>>> int(rank_generator(0, rank=1).integers(10**9)) != int(rank_generator(0, rank=0).integers(
...     10**9))
True
"""

from __future__ import annotations

import contextlib
import datetime
import os
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import numpy as np
import torch
import torch.distributed as dist

__all__ = [
    "DEFAULT_TIMEOUT",
    "DistributedError",
    "launched",
    "timeout_seconds",
    "process_group",
    "is_active",
    "rank",
    "world_size",
    "is_main",
    "shard",
    "even_shard",
    "all_reduce_sum",
    "all_agree",
    "barrier",
    "data_parallel",
    "rank_generator",
]

#: Seconds a collective waits for the other ranks before the run fails.
DEFAULT_TIMEOUT = 300.0

T = TypeVar("T")


class DistributedError(RuntimeError):
    """A rank of a distributed run failed, or lost contact with the others.

    Examples
    --------
    >>> str(DistributedError("rank 0 of 2: lost contact"))
    'rank 0 of 2: lost contact'
    """


def launched() -> bool:
    """Whether this process is one of several started by ``torchrun`` (``WORLD_SIZE`` > 1).

    Examples
    --------
    >>> import os
    >>> launched() == (int(os.environ.get("WORLD_SIZE", "1")) > 1)
    True
    """
    try:
        return int(os.environ.get("WORLD_SIZE", "1")) > 1
    except ValueError:
        raise DistributedError(
            f"WORLD_SIZE={os.environ['WORLD_SIZE']!r} is not a number; start the run with "
            "torchrun"
        ) from None


def timeout_seconds() -> float:
    """How long a collective waits: ``NEURAL_DIST_TIMEOUT`` seconds, else :data:`DEFAULT_TIMEOUT`.

    Raises
    ------
    DistributedError
        If the variable is set to something other than a positive number.

    Examples
    --------
    >>> import os
    >>> timeout_seconds() == float(os.environ.get("NEURAL_DIST_TIMEOUT", DEFAULT_TIMEOUT))
    True
    """
    text = os.environ.get("NEURAL_DIST_TIMEOUT")
    if text is None:
        return DEFAULT_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise DistributedError(f"NEURAL_DIST_TIMEOUT must be a positive number of seconds, "
                               f"got {text!r}")
    return value


def is_active() -> bool:
    """Whether a process group with more than one rank is up in this process."""
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def rank() -> int:
    """This process's rank in the group; 0 without one."""
    return dist.get_rank() if is_active() else 0


def world_size() -> int:
    """How many ranks share the work; 1 without a group."""
    return dist.get_world_size() if is_active() else 1


def is_main() -> bool:
    """Whether this process writes files and prints: rank 0, or the only process.

    Outside a group it reads ``RANK`` from the environment, so that a
    command's own output after training (when the group is gone) still
    comes from rank 0 alone.

    Examples
    --------
    >>> import os
    >>> is_main() == (os.environ.get("RANK", "0") == "0")
    True
    """
    if is_active():
        return dist.get_rank() == 0
    return os.environ.get("RANK", "0") == "0"


@contextlib.contextmanager
def process_group(device: torch.device) -> Iterator[torch.device]:
    """Join the ``torchrun`` group for the block; yield the device this rank runs on.

    Under ``torchrun`` with several processes, the group is set up with NCCL
    when `device` is CUDA (this rank gets ``cuda:LOCAL_RANK``) and gloo
    otherwise, and torn down on the way out. A group that is already up (set
    up by the caller) is used as it is and left up. Outside ``torchrun`` the
    block runs alone on `device`.

    Raises
    ------
    DistributedError
        If a collective inside the block fails: another rank died, was
        killed, or did not answer within :func:`timeout_seconds`. The
        message names this rank and says how to continue.
    """
    if dist.is_available() and dist.is_initialized():
        yield _rank_device(device)
        return
    if not launched():
        yield device
        return
    if not dist.is_available():
        raise DistributedError("this torch build has no torch.distributed; run one process")
    device = _rank_device(device)
    backend = "nccl" if device.type == "cuda" else "gloo"
    if device.type == "cuda":
        torch.cuda.set_device(device)
    timeout = timeout_seconds()
    try:
        dist.init_process_group(backend, timeout=datetime.timedelta(seconds=timeout))
    except (RuntimeError, ValueError) as err:
        raise DistributedError(
            f"rank {os.environ.get('RANK', '?')}: could not join the {backend} process group "
            f"within {timeout:g} s: {_first_line(err)}"
        ) from None
    me, world = dist.get_rank(), dist.get_world_size()
    try:
        yield device
        dist.barrier()  # nobody leaves while rank 0 still writes
    except RuntimeError as err:
        if not _lost_contact(err):
            raise
        raise DistributedError(
            f"rank {me} of {world}: lost contact with the other ranks ({_first_line(err)}); "
            f"another rank has died, was killed, or did not answer within {timeout:g} s "
            "(NEURAL_DIST_TIMEOUT); the last finished epoch is kept, continue with --resume"
        ) from None
    finally:
        with contextlib.suppress(RuntimeError, ValueError):
            dist.destroy_process_group()


def _rank_device(device: torch.device) -> torch.device:
    if device.type == "cuda" and device.index is None and launched():
        return torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
    return device


# How gloo, NCCL and the store say that a peer is gone or silent (some raise a bare
# RuntimeError from inside backward, not a DistError).
_LOST = re.compile(r"gloo|nccl|connection|timed out|timeout|broken pipe|socket|peer",
                   re.IGNORECASE)


def _lost_contact(err: RuntimeError) -> bool:
    return isinstance(err, dist.DistError) or bool(_LOST.search(str(err)))


def _first_line(err: BaseException) -> str:
    return (str(err).strip().splitlines() or [type(err).__name__])[0]


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


def all_reduce_sum(values: Sequence[float]) -> list[float]:
    """Each value summed over all ranks (float64); `values` itself without a group.

    Every rank must call it, with as many values.
    """
    return _all_reduce(values, "sum")


def all_agree(value: float) -> bool:
    """Whether every rank holds the same `value` (True without a group).

    Every rank must call it.
    """
    high, neg_low = _all_reduce([value, -value], "max")
    return high == -neg_low


def _all_reduce(values: Sequence[float], op: str) -> list[float]:
    if not is_active():
        return [float(v) for v in values]
    where = torch.device("cuda", torch.cuda.current_device()) if (
        dist.get_backend() == "nccl") else torch.device("cpu")
    tensor = torch.tensor([float(v) for v in values], dtype=torch.float64, device=where)
    dist.all_reduce(tensor, op=dist.ReduceOp.SUM if op == "sum" else dist.ReduceOp.MAX)
    return tensor.tolist()


def barrier() -> None:
    """Wait for every rank (nothing without a group)."""
    if is_active():
        dist.barrier()


def data_parallel(
    model: torch.nn.Module, loss: Callable[[torch.nn.Module, Any], T], device: torch.device
) -> Callable[[Any], T]:
    """A function of a batch that runs ``loss(model, batch)`` with gradients averaged over ranks.

    Without a group it is ``loss(model, batch)`` itself. With one, `model`
    and `loss` go inside :class:`~torch.nn.parallel.DistributedDataParallel`
    together, so that whichever of the model's methods `loss` calls, the
    backward pass all-reduces the gradients. The ranks start from rank 0's
    weights. `model` keeps its parameters, so it is saved as usual.

    Examples
    --------
    >>> net = torch.nn.Linear(2, 1)
    >>> step = data_parallel(net, lambda m, x: m(x).sum(), torch.device("cpu"))
    >>> bool(step(torch.zeros(3, 2)) == net(torch.zeros(3, 2)).sum())
    True
    """
    if not is_active():
        return lambda batch: loss(model, batch)
    ids = [device.index] if device.type == "cuda" else None
    return torch.nn.parallel.DistributedDataParallel(_Loss(model, loss), device_ids=ids)


class _Loss(torch.nn.Module):
    """A module whose forward is ``loss(model, batch)``, so DDP sees the whole step."""

    def __init__(self, model: torch.nn.Module, loss: Callable[[torch.nn.Module, Any], Any]):
        super().__init__()
        self.model = model
        self.loss = loss

    def forward(self, batch: Any) -> Any:
        return self.loss(self.model, batch)


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
