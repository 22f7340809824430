"""The process group of a ``torchrun`` job: joining it, who this process is, and failing clearly.

Examples
--------
>>> import torch
>>> with process_group(torch.device("cpu")) as device:   # not under torchrun: one process
...     device, rank(), world_size(), is_main()
(device(type='cpu'), 0, 1, True)
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import os
import re
from collections.abc import Iterator

import torch
import torch.distributed as dist

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
]

#: Seconds a collective waits for the other ranks before the run fails.
DEFAULT_TIMEOUT = 300.0

# Set inside single_process(): this process works alone, whatever torchrun says.
_ALONE: contextvars.ContextVar[bool] = contextvars.ContextVar("alone", default=False)


class DistributedError(RuntimeError):
    """A rank of a distributed run failed, or lost contact with the others.

    Examples
    --------
    >>> str(DistributedError("rank 0 of 2: lost contact"))
    'rank 0 of 2: lost contact'
    """


def launched() -> bool:
    """Whether this process is one of several started by ``torchrun`` (``WORLD_SIZE`` > 1).

    False inside :func:`single_process`.

    Examples
    --------
    >>> import os
    >>> launched() == (int(os.environ.get("WORLD_SIZE", "1")) > 1)
    True
    """
    if _ALONE.get():
        return False
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
    """Whether a process group with more than one rank is up and this process works in it."""
    return (not _ALONE.get() and dist.is_available() and dist.is_initialized()
            and dist.get_world_size() > 1)


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
    return _ALONE.get() or os.environ.get("RANK", "0") == "0"


def local_rank() -> int:
    """This process's index on its machine (``LOCAL_RANK``; 0 outside ``torchrun``).

    Examples
    --------
    >>> import os
    >>> local_rank() == int(os.environ.get("LOCAL_RANK", "0"))
    True
    """
    try:
        return int(os.environ.get("LOCAL_RANK", "0"))
    except ValueError:
        raise DistributedError(f"LOCAL_RANK={os.environ['LOCAL_RANK']!r} is not a number; "
                               "start the run with torchrun") from None


@contextlib.contextmanager
def single_process() -> Iterator[None]:
    """Inside the block this process works alone: no group is joined, and it is main.

    For work that ranks share out whole (a suite gives each rank its own
    runs) rather than together: a training run inside the block neither
    joins the ``torchrun`` group nor waits for the other ranks, and writes
    its own files.

    Examples
    --------
    >>> with single_process():
    ...     launched(), is_main(), world_size()
    (False, True, 1)
    """
    token = _ALONE.set(True)
    try:
        yield
    finally:
        _ALONE.reset(token)


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
    if _ALONE.get():
        yield device
        return
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
            f"within {timeout:g} s: {first_line(err)}"
        ) from None
    me, world = dist.get_rank(), dist.get_world_size()
    broken = False
    try:
        yield device
        dist.barrier()  # nobody leaves while rank 0 still writes
    except DistributedError:
        raise  # already one line that says what happened
    except RuntimeError as err:
        if not _lost_contact(err):
            raise
        broken = True
        raise DistributedError(
            f"rank {me} of {world}: lost contact with the other ranks ({first_line(err)}); "
            f"another rank has died, was killed, or did not answer within {timeout:g} s "
            "(NEURAL_DIST_TIMEOUT); the last finished epoch is kept, continue with --resume"
        ) from None
    finally:
        if not broken:  # tearing down a group whose peer is gone can abort inside gloo
            with contextlib.suppress(RuntimeError, ValueError):
                dist.destroy_process_group()


def _rank_device(device: torch.device) -> torch.device:
    if device.type == "cuda" and device.index is None and launched():
        return torch.device("cuda", local_rank())
    return device


# How gloo, NCCL and the store say that a peer is gone or silent (some raise a bare
# RuntimeError from inside backward, not a DistError).
_LOST = re.compile(r"gloo|nccl|connection|timed out|timeout|broken pipe|socket|peer",
                   re.IGNORECASE)


def _lost_contact(err: RuntimeError) -> bool:
    return isinstance(err, dist.DistError) or bool(_LOST.search(str(err)))


def first_line(err: BaseException) -> str:
    """The first line of `err`'s message (its type's name when it has none)."""
    return (str(err).strip().splitlines() or [type(err).__name__])[0]
