"""Where the network runs: device choice, precision, host-to-device copies, CPU threads.

Every other module asks this one. ``"auto"`` picks CUDA when it is
available, else the CPU. The precision is one of :data:`PRECISIONS`:
``"auto"`` runs under bf16 autocast on a CUDA GPU that supports bf16 and in
float32 everywhere else; ``"bf16"`` asks for bf16 autocast (on the CPU too);
``"fp32"`` never autocasts. Some torch and cuDNN builds refuse bf16 in their
recurrent kernels even on a GPU that has it, so :func:`resolve_precision`
tries one batch first and, for ``"auto"``, falls back to float32 with one
:class:`PrecisionWarning`. Weights stay float32 throughout: autocast only
changes the arithmetic. Batches reach CUDA through pinned memory with
non-blocking copies, so the host keeps preparing the next batch.

On the CPU these networks are small (a GRU of 32 units on batches of 32
words): one thread keeps them busy, and a second thread only helps when a
core is free for it. When another process keeps a core busy, torch's threads
wait on each other at every operation and training slows by two orders of
magnitude (see BENCHMARKS.md). So every torch call the package makes runs
under :func:`cpu_threads`, which defaults to :data:`DEFAULT_THREADS`:
training through it directly, and every answer (a verifier's predictions,
next-symbol sets, generation, the search's steps) through :func:`answering`,
which adds inference mode and the precision's autocast.

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
>>> resolve_precision("auto", torch.device("cpu"))
'fp32'
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import torch

__all__ = [
    "DEFAULT_THREADS",
    "PRECISIONS",
    "PrecisionWarning",
    "resolve_device",
    "bf16_supported",
    "check_precision",
    "uses_bf16",
    "resolve_precision",
    "autocast",
    "to_device",
    "cpu_threads",
    "answering",
]

#: CPU threads that training uses unless told otherwise (measured in BENCHMARKS.md).
DEFAULT_THREADS = 1

#: The precisions a run may ask for.
PRECISIONS = ("auto", "bf16", "fp32")


class PrecisionWarning(UserWarning):
    """bf16 was refused by the recurrent kernel; the run goes on in float32."""


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


def check_precision(precision: Any, what: str = "precision") -> str:
    """`precision` if it is one of :data:`PRECISIONS`.

    Raises
    ------
    TypeError
        If it is not a str.
    ValueError
        If it is another str; the message names `what`.

    Examples
    --------
    >>> check_precision("bf16")
    'bf16'
    >>> check_precision("fp16")
    Traceback (most recent call last):
    ...
    ValueError: precision must be one of 'auto', 'bf16', 'fp32', got 'fp16'
    """
    if not isinstance(precision, str):
        raise TypeError(f"{what} must be a str, not {type(precision).__name__}")
    if precision not in PRECISIONS:
        raise ValueError(f"{what} must be one of {', '.join(map(repr, PRECISIONS))}, "
                         f"got {precision!r}")
    return precision


def uses_bf16(device: torch.device, precision: str = "auto") -> bool:
    """Whether `precision` on `device` means bf16 autocast.

    Examples
    --------
    >>> cpu = torch.device("cpu")
    >>> uses_bf16(cpu, "auto"), uses_bf16(cpu, "bf16"), uses_bf16(cpu, "fp32")
    (False, True, False)
    """
    check_precision(precision)
    if precision == "auto":
        return bf16_supported(device)
    return precision == "bf16"


def autocast(device: torch.device, precision: str = "auto") -> contextlib.AbstractContextManager:
    """bf16 mixed precision where `precision` asks for it (see :func:`uses_bf16`).

    float16 is never chosen: it would need loss scaling, and full precision
    costs these small networks little. The default, ``"auto"``, autocasts on
    a CUDA GPU with bf16 and nowhere else.

    Examples
    --------
    >>> with autocast(torch.device("cpu")):
    ...     torch.ones(2).dtype
    torch.float32
    >>> with autocast(torch.device("cpu"), "bf16"):
    ...     (torch.ones(2, 2) @ torch.ones(2, 2)).dtype
    torch.bfloat16
    """
    if uses_bf16(device, precision):
        return torch.autocast(device.type, dtype=torch.bfloat16)
    return contextlib.nullcontext()


def resolve_precision(
    precision: str, device: torch.device, probe: Callable[[], Any] | None = None,
    *, what: str = "precision",
) -> str:
    """The precision a run on `device` will use: ``"bf16"`` or ``"fp32"``.

    ``"fp32"`` and ``"bf16"`` are taken at their word (``"bf16"`` on a
    CUDA GPU without bf16 is refused). ``"auto"`` is ``"fp32"`` where
    :func:`bf16_supported` says no; where it says yes, `probe` (one batch
    through the network, forward and backward) runs under bf16 autocast, and
    if the kernel raises, one :class:`PrecisionWarning` says so and the
    answer is ``"fp32"``. Running out of memory is not a refusal: it is
    raised.

    Raises
    ------
    ValueError
        If `precision` is unknown, or ``"bf16"`` is asked of a CUDA GPU
        without bf16.

    Examples
    --------
    >>> resolve_precision("auto", torch.device("cpu")), resolve_precision(
    ...     "bf16", torch.device("cpu"))
    ('fp32', 'bf16')
    """
    check_precision(precision, what)
    if precision == "fp32":
        return "fp32"
    if precision == "bf16":
        if device.type == "cuda" and not bf16_supported(device):
            raise ValueError(f"{what} 'bf16' asked for, but this GPU has no bf16; use 'auto' "
                             "or 'fp32'")
        return "bf16"
    if not bf16_supported(device):
        return "fp32"
    if probe is None:
        return "bf16"
    try:
        with autocast(device, "bf16"):
            probe()
    except torch.cuda.OutOfMemoryError:
        raise
    except RuntimeError as err:
        reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
        warnings.warn(
            f"bf16 refused on {device} by the recurrent kernel ({reason}); running in fp32 "
            f"instead. Set {what}='fp32' to skip this check, or update torch and cuDNN "
            "for bf16.",
            PrecisionWarning,
            stacklevel=3,
        )
        return "fp32"
    return "bf16"


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


@contextlib.contextmanager
def answering(
    device: torch.device, precision: str, threads: int | None = None
) -> Iterator[None]:
    """Run the block as the package answers questions: no autograd, `precision`, `threads`.

    This is the one thread policy for inference: without it a forward pass
    runs on torch's default pool, which on a machine with one core busy is
    slower by orders of magnitude (see BENCHMARKS.md).

    Parameters
    ----------
    device : torch.device
        Where the network runs (its threads only matter on the CPU).
    precision : {"bf16", "fp32", "auto"}
        As for :func:`autocast`.
    threads : int, optional
        CPU threads for the block (None: :data:`DEFAULT_THREADS`).

    Examples
    --------
    >>> with answering(torch.device("cpu"), "fp32"):
    ...     torch.is_inference_mode_enabled(), torch.get_num_threads() == DEFAULT_THREADS
    (True, True)
    """
    with cpu_threads(threads), torch.inference_mode(), autocast(device, precision):
        yield
