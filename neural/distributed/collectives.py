"""Collectives over the ranks of a run: sums, agreement, gathering, data-parallel gradients.

Every rank must make the same calls in the same order; without a group each
function is the identity.

Examples
--------
>>> all_reduce_sum([2.0, 3.0])
[2.0, 3.0]
>>> gather_json({"rank": 0})
[{'rank': 0}]
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
import torch
import torch.distributed as dist

from neural.distributed.group import DistributedError, is_active

__all__ = ["all_reduce_sum", "all_agree", "all_min", "gather_json", "require_same", "map_shards",
           "barrier", "data_parallel"]

T = TypeVar("T")


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


def all_min(value: float) -> float:
    """The smallest `value` over all ranks (`value` itself without a group).

    Every rank must call it. Ranks that each measured something (a speed, a
    length that fits a budget) settle on one answer with it.
    """
    return -_all_reduce([-value], "max")[0]


def gather_json(value: Any) -> list[Any]:
    """Every rank's `value`, in rank order, on every rank (``[value]`` without a group).

    `value` travels as JSON text (no pickle is sent or loaded), so it must be
    made of dicts with string keys, lists, strings, numbers, booleans and
    None; tuples come back as lists. Every rank must call it.

    Examples
    --------
    >>> gather_json([1, "a", None])
    [[1, 'a', None]]
    """
    text = json.dumps(value, allow_nan=True, separators=(",", ":"))
    if not is_active():
        return [json.loads(text)]
    where = _collective_device()
    raw = bytearray(text.encode("utf-8"))
    data = torch.frombuffer(raw, dtype=torch.uint8).to(where) if raw else torch.zeros(
        0, dtype=torch.uint8, device=where)
    sizes = [torch.zeros(1, dtype=torch.int64, device=where) for _ in range(dist.get_world_size())]
    dist.all_gather(sizes, torch.tensor([len(data)], dtype=torch.int64, device=where))
    longest = int(max(int(n.item()) for n in sizes))
    padded = torch.zeros(longest, dtype=torch.uint8, device=where)
    padded[: len(data)] = data
    parts = [torch.empty(longest, dtype=torch.uint8, device=where) for _ in sizes]
    dist.all_gather(parts, padded)
    return [json.loads(part[: int(n.item())].cpu().numpy().tobytes().decode("utf-8"))
            for part, n in zip(parts, sizes, strict=True)]


def require_same(values: dict[str, Any], shown: dict[str, str] | None = None) -> None:
    """Refuse to go on unless every rank holds the same `values` (nothing without a group).

    `values` is JSON-able (see :func:`gather_json`); `shown` gives, for some
    keys, the text that stands for the value in the message (a grammar's
    name for its fingerprint). Every rank must call it, and every rank
    raises the same error.

    Raises
    ------
    DistributedError
        Naming the first key whose value differs, and which ranks hold
        which value.

    Examples
    --------
    >>> require_same({"seed": 0, "grammar": "3f2a"}, {"grammar": "'parity'"})
    """
    gathered = gather_json({"values": values, "shown": shown or {}})
    keys = list(dict.fromkeys(key for part in gathered for key in part["values"]))
    for key in keys:
        held = [part["values"].get(key) for part in gathered]
        if all(value == held[0] for value in held):
            continue
        groups: dict[str, list[str]] = {}
        for r, part in enumerate(gathered):
            text = part["shown"].get(key) or json.dumps(part["values"].get(key))
            groups.setdefault(text, []).append(str(r))
        ranks = "; ".join(f"rank{'s' if len(rs) > 1 else ''} {', '.join(rs)}: {text}"
                          for text, rs in groups.items())
        raise DistributedError(
            f"rank {dist.get_rank()} of {len(gathered)}: the ranks were started with a different "
            f"{key} ({ranks}); start every rank with the same arguments"
        )


def map_shards(function: Callable[[Sequence[Any]], Any], items: Sequence[Any]) -> np.ndarray:
    """``function(items)`` as one array, each rank computing every `world`-th item.

    `function` maps a list to one number per item (a network's
    probabilities). Each rank applies it to its round-robin share and the
    shares are gathered back into the order of `items`, on every rank, with
    the dtype `function` gave. Every rank must call it.

    Examples
    --------
    >>> map_shards(lambda xs: [2 * x for x in xs], [1, 2, 3]).tolist()
    [2, 4, 6]
    """
    if not is_active() or not len(items):
        return np.asarray(function(items))
    me, world = dist.get_rank(), dist.get_world_size()
    share = list(items[me::world])
    mine = np.asarray(function(share)) if share else np.zeros(0)
    parts = gather_json({"values": mine.tolist(), "dtype": mine.dtype.str})
    dtype = np.dtype(parts[0]["dtype"])  # rank 0's share holds the first item
    out = np.empty(len(items), dtype=dtype)
    for r, part in enumerate(parts):
        out[r::world] = np.asarray(part["values"], dtype=dtype)
    return out


def _collective_device() -> torch.device:
    """Where a collective's tensors live: this rank's GPU under NCCL, else the CPU."""
    if dist.get_backend() == "nccl":
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")


def _all_reduce(values: Sequence[float], op: str) -> list[float]:
    if not is_active():
        return [float(v) for v in values]
    tensor = torch.tensor([float(v) for v in values], dtype=torch.float64,
                          device=_collective_device())
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
