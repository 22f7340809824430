"""Where the network runs: device choice, precision, host-to-device copies, CPU threads.

Every other module asks this one. ``"auto"`` picks CUDA when it is
available, else the CPU. On CUDA the network runs under bf16 autocast where
the GPU supports bf16 (full precision otherwise); on the CPU it always runs
in float32. Batches reach CUDA through pinned memory with non-blocking
copies, so the host keeps preparing the next batch.

On the CPU these networks are small (a GRU of 32 units on batches of 32
words): one thread keeps them busy, and a second thread only helps when a
core is free for it. When another process keeps a core busy, torch's threads
wait on each other at every operation and training slows by two orders of
magnitude (see BENCHMARKS.md), so :func:`cpu_threads` defaults training to
:data:`DEFAULT_THREADS`.

Examples
--------
>>> import torch
>>> resolve_device("cpu")
device(type='cpu')
>>> to_device(torch.ones(2), torch.device("cpu")).device
device(type='cpu')
>>> with cpu_threads(1):
...     torch.get_num_threads()
1
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

__all__ = [
    "DEFAULT_THREADS",
    "resolve_device",
    "bf16_supported",
    "autocast",
    "to_device",
    "cpu_threads",
]

#: CPU threads that training uses unless told otherwise (measured in BENCHMARKS.md).
DEFAULT_THREADS = 1


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """``"auto"`` -> CUDA when available, else the CPU; check an explicit choice.

    Raises
    ------
    ValueError
        If CUDA is asked for and not available, or the name is unknown.
    TypeError
        If `device` is neither a str nor a :class:`torch.device`.

    Examples
    --------
    >>> resolve_device("cpu")
    device(type='cpu')
    >>> resolve_device("tpu")
    Traceback (most recent call last):
    ...
    ValueError: unknown device 'tpu'; use 'auto', 'cpu' or 'cuda'
    """
    if isinstance(device, torch.device):
        device = str(device)
    if not isinstance(device, str):
        raise TypeError(f"device must be a str or torch.device, not {type(device).__name__}")
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except RuntimeError:
        raise ValueError(f"unknown device {device!r}; use 'auto', 'cpu' or 'cuda'") from None
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' asked for, but CUDA is not available here; use 'cpu'")
    if resolved.type not in ("cpu", "cuda"):
        raise ValueError(f"unsupported device {device!r}; use 'auto', 'cpu' or 'cuda'")
    return resolved


def bf16_supported(device: torch.device) -> bool:
    """Whether `device` runs bf16 natively (CUDA GPUs from Ampere on); False on the CPU.

    Examples
    --------
    >>> bf16_supported(torch.device("cpu"))
    False
    """
    if device.type != "cuda":
        return False
    return bool(torch.cuda.is_bf16_supported())


def autocast(device: torch.device) -> contextlib.AbstractContextManager:
    """bf16 mixed precision on a CUDA device that supports it; nothing elsewhere.

    float16 is never chosen: it would need loss scaling, and full precision
    costs these small networks little.

    Examples
    --------
    >>> with autocast(torch.device("cpu")):
    ...     torch.ones(2).dtype
    torch.float32
    """
    if bf16_supported(device):
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def to_device(tensor: torch.Tensor, device: torch.device) -> torch.Tensor:
    """`tensor` on `device`; to CUDA through pinned memory, without blocking the host.

    A tensor already on `device` (every CPU tensor for the CPU) comes back as it is.

    Examples
    --------
    >>> t = torch.arange(3)
    >>> to_device(t, torch.device("cpu")) is t
    True
    """
    if device.type != "cuda" or tensor.device == device:
        return tensor
    return tensor.pin_memory().to(device, non_blocking=True)


@contextlib.contextmanager
def cpu_threads(threads: int | None) -> Iterator[int]:
    """Run the block with `threads` torch CPU threads (None: :data:`DEFAULT_THREADS`).

    The process-wide setting is restored on the way out, so a caller's own
    choice survives a training run.

    Raises
    ------
    ValueError
        If `threads` is not a positive int.

    Examples
    --------
    >>> before = torch.get_num_threads()
    >>> with cpu_threads(None) as n:
    ...     n == torch.get_num_threads() == DEFAULT_THREADS
    True
    >>> torch.get_num_threads() == before
    True
    """
    chosen = DEFAULT_THREADS if threads is None else threads
    if isinstance(chosen, bool) or not isinstance(chosen, int) or chosen < 1:
        raise ValueError(f"threads must be a positive int or None, got {threads!r}")
    before = torch.get_num_threads()
    if chosen != before:
        torch.set_num_threads(chosen)
    try:
        yield chosen
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)
