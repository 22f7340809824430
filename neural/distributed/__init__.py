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

from neural.distributed.collectives import (
    all_agree,
    all_min,
    all_reduce_sum,
    barrier,
    data_parallel,
    gather_json,
    map_shards,
    require_same,
)
from neural.distributed.group import (
    DEFAULT_TIMEOUT,
    DistributedError,
    first_line,
    is_active,
    is_main,
    launched,
    local_rank,
    process_group,
    rank,
    single_process,
    timeout_seconds,
    world_size,
)
from neural.distributed.sharding import even_shard, rank_generator, shard

__all__ = [
    "DEFAULT_TIMEOUT",
    "DistributedError",
    "launched",
    "local_rank",
    "timeout_seconds",
    "process_group",
    "single_process",
    "is_active",
    "rank",
    "world_size",
    "is_main",
    "first_line",
    "shard",
    "even_shard",
    "all_reduce_sum",
    "all_agree",
    "all_min",
    "gather_json",
    "require_same",
    "map_shards",
    "barrier",
    "data_parallel",
    "rank_generator",
]
