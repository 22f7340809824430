""":func:`search`: hold a verifier against the automaton on every word in scope.

Examples
--------
>>> from grammar import library
>>> from neural.verifier import Verifier
>>> g = library.tomita(2)
>>> report = search(Verifier.untrained(g, seed=0), g, max_length=8, progress=False)
>>> report.exhaustive_length, report.words
(8, 511)
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

from grammar import Grammar
from grammar.checks import check_count, check_length
from grammar.cli_shared import MAX_LENGTH
from grammar.errors import GrammarError
from grammar.negatives.automaton import MAX_STATES
from neural import distributed as ranks
from neural.device import cpu_threads, resolve_device
from neural.judge.common import KINDS, Disagreement, check_budget
from neural.judge.search.result import SearchResult
from neural.judge.search.scope import COUNT_CAP, KIND_NAMES, MEMBER, NEAR_MISS, OTHER, Scope
from neural.judge.search.stepper import Stepper, stepper_for
from neural.judge.search.trie import Tally, walk

__all__ = ["search", "affordable_length", "check_max_length", "near_miss_states", "single_char",
           "CHUNK", "MAX_LENGTH", "NEAR_MISS_COST"]

#: Trie rows per network step, by device type (CPU batches that stay in cache run fastest).
CHUNK = {"cpu": 16384, "cuda": 1 << 20}
#: Seconds per state and symbol of the near-miss automaton, its build and the scope's
#: product together (measured at 1-10 microseconds; the larger figure plans).
NEAR_MISS_COST = 10e-6
# The share of a budget that the near-miss automaton may take.
_NEAR_MISS_SHARE = 0.25
# The share of a budget that the walk plans for; the rest covers the estimate's error.
_PLANNED = 0.8


def search(
    verifier: Any,
    g: Grammar,
    *,
    max_length: int,
    budget: float | None = None,
    exhaustive: int | None = None,
    device: str | torch.device | None = None,
    threads: int | None = None,
    chunk: int | None = None,
    keep: int = 10,
    progress: bool = True,
) -> SearchResult:
    """Run `verifier` over every word in scope and report where it disagrees with `g`.

    In scope are every word up to the *exhaustive length*, then every member
    of `g` and every near miss (a non-member one edit from the language) up
    to `max_length`. The words share their prefixes in a trie, so each
    prefix costs one network step, however many words extend it; the trie is
    walked in chunks, so memory stays bounded at any length.

    Parameters
    ----------
    verifier : Verifier
        The network (or any object with ``alphabet``, ``predict`` and a
        ``model`` or a ``stepper(device)``; see :mod:`neural.judge.search.stepper`).
    g : Grammar
        The judge. Its symbols must all be in the verifier's alphabet.
    max_length : int
        The longest words checked, at most :data:`MAX_LENGTH` (100,000).
    budget : float, optional
        Seconds for the whole search, from the call to the report: the
        preparation counts (the near-miss automaton is built only as large
        as the budget affords, see :func:`near_miss_states`; a preparation
        that overruns it leaves the walk no time, and the report says the
        budget stopped it). The exhaustive length is the largest
        whose walk is estimated to fit (from the network's measured speed and
        the exact number of trie nodes); the walk stops when the budget runs
        out, and the report says what it left unchecked. None: no limit, and
        the exhaustive length is `max_length` (``|alphabet|**(max_length+1)``
        words for a large one: mind the size).
    exhaustive : int, optional
        Force the exhaustive length (0 to `max_length`) instead of fitting it
        to the budget.
    device : str or torch.device, optional
        Where to run; default the verifier's device (CUDA when it was loaded
        with ``"auto"`` on a CUDA machine).
    threads : int, optional
        CPU threads for torch during the search (None:
        :data:`neural.device.DEFAULT_THREADS`); restored afterwards.
    chunk : int, optional
        Trie rows per network step (default :data:`CHUNK` for the device).
    keep : int
        Disagreements to report (the shortest, shortlex-first).
    progress : bool
        A progress bar on stderr, when it is a terminal.

    Returns
    -------
    SearchResult

    Notes
    -----
    Inside a process group of several ranks (``torchrun``, with
    :func:`neural.distributed.process_group` around the call, as
    ``neural search`` does) the ranks share the walk by subtrees and every
    rank gets the merged report, the same as one process would give.

    The walk runs the network in float32 on every device, one cell step at a
    time; :meth:`Verifier.predict` may use bf16 on CUDA. Every reported
    disagreement is run again through ``predict`` on its own, and
    :attr:`Disagreement.confirmed` says whether it gave the same wrong answer.

    Raises
    ------
    GrammarError
        If `g` has a symbol the verifier cannot read, or an argument is out
        of range.
    TypeError
        If an argument has the wrong type.

    Examples
    --------
    >>> from grammar import library
    >>> from neural.verifier import Verifier
    >>> g = library.tomita(1)
    >>> report = search(Verifier.untrained(g, seed=0), g, max_length=10, exhaustive=4,
    ...                 progress=False)
    >>> report.checked["member"], report.checked["near_miss"], report.left_out
    (11, 55, 1965)
    """
    started = time.perf_counter()
    if not isinstance(g, Grammar):
        raise TypeError(f"search needs a Grammar, not {type(g).__name__}")
    max_length = check_max_length(max_length)
    budget = check_budget(budget, optional=True)
    keep = check_count(keep, "keep")
    if exhaustive is not None:
        exhaustive = check_length(exhaustive, "exhaustive")
        if exhaustive > max_length:
            raise GrammarError(f"exhaustive must be <= max_length ({max_length}), got "
                               f"{exhaustive}")
    dev = resolve_device(device) if device is not None else None
    scope = Scope.build(g, verifier.alphabet,
                        max_states=near_miss_states(budget, len(verifier.alphabet)))
    with cpu_threads(threads):
        stepper = stepper_for(verifier, dev)
        size = chunk or CHUNK.get(stepper.device.type, CHUNK["cpu"])
        world = ranks.world_size()
        if exhaustive is None:
            exhaustive = max_length if budget is None else _fit(
                stepper, scope, max_length, size,
                (budget - (time.perf_counter() - started)) * world)
            exhaustive = int(ranks.all_min(exhaustive))  # each rank timed its own network
        deadline = None if budget is None else started + budget
        total = scope.nodes(max_length, exhaustive)
        bar = tqdm(total=None if world > 1 else total, unit=" steps", unit_scale=True,
                   disable=None if progress and ranks.is_main() else True,
                   desc=f"search {g.name or 'grammar'}", dynamic_ncols=True)
        with bar:
            tally = walk(stepper, scope, max_length=max_length, exhaustive=exhaustive,
                         chunk=size, keep=keep, deadline=deadline, advance=bar.update,
                         part=(ranks.rank(), world),
                         split=scope.split_depth(max_length, exhaustive, world))
        if world > 1:
            tally = Tally.merge(ranks.gather_json(tally.to_plain()), scope.alphabet, keep)
        return _report(verifier, g, scope, tally, max_length, exhaustive, budget, keep,
                       time.perf_counter() - started, stepper.device.type)


def affordable_length(
    verifier: Any,
    g: Grammar,
    *,
    budget: float,
    cap: int,
    device: str | torch.device | None = None,
    threads: int | None = None,
    share: float = 0.5,
) -> int:
    """The longest `max_length` (up to `cap`) whose members and near misses fit a budget.

    The walk over the members and near misses alone (exhaustive length 0)
    is planned to take at most `share` of `budget` seconds at the network's
    measured speed, leaving the rest for a longer exhaustive part.

    Examples
    --------
    >>> from grammar import library
    >>> from neural.verifier import Verifier
    >>> g = library.tomita(1)
    >>> affordable_length(Verifier.untrained(g), g, budget=10.0, cap=25)
    25
    """
    budget = check_budget(budget, optional=True)
    cap = check_max_length(cap, "cap")
    scope = Scope.build(g, verifier.alphabet)
    dev = resolve_device(device) if device is not None else None
    with cpu_threads(threads):
        stepper = stepper_for(verifier, dev)
        rate = _rate(stepper, len(scope.alphabet), CHUNK.get(stepper.device.type, CHUNK["cpu"]))
    steps = rate * budget * share * _PLANNED
    over = np.flatnonzero(scope.shallow_nodes(cap) > steps)
    return max(0, int(over[0]) - 1) if len(over) else cap


def check_max_length(length: Any, name: str = "max_length") -> int:
    """Check a longest word length: an int from 0 to :data:`MAX_LENGTH`.

    Examples
    --------
    >>> check_max_length(100_000)
    100000
    >>> check_max_length(100_001)
    Traceback (most recent call last):
    ...
    grammar.errors.GrammarError: max_length must be <= 100,000 (the longest length allowed), \
got 100,001
    """
    length = check_length(length, name)
    if length > MAX_LENGTH:
        raise GrammarError(f"{name} must be <= {MAX_LENGTH:,} (the longest length allowed), "
                           f"got {length:,}")
    return length


def near_miss_states(budget: float | None, n_symbols: int) -> int:
    """The most states the near-miss automaton may have for a search within `budget`.

    A quarter of the budget at :data:`NEAR_MISS_COST` per state and symbol
    (the build stops, and the search checks only members beyond the
    exhaustive length, when the automaton would be larger); the build's own
    limit without a budget. The bound depends on the budget alone, so that
    the ranks of a shared walk build the same scope.

    Examples
    --------
    >>> near_miss_states(1.0, 64), near_miss_states(None, 64) == MAX_STATES
    (390, True)
    """
    if budget is None:
        return MAX_STATES
    affordable = budget * _NEAR_MISS_SHARE / (NEAR_MISS_COST * max(1, n_symbols))
    return int(max(1, min(MAX_STATES, affordable)))


def _fit(stepper: Stepper, scope: Scope, max_length: int, size: int, seconds: float) -> int:
    """The largest exhaustive length whose walk should take at most a share of `seconds`."""
    if seconds <= 0:  # the preparation spent the budget: no time to measure the network
        return 0
    rate = _rate(stepper, len(scope.alphabet), size)
    return max(0, scope.fit(max_length, rate * max(seconds, 0.0) * _PLANNED))


def _rate(stepper: Stepper, n_symbols: int, size: int) -> float:
    """Network steps per second on full chunks, measured (the second of two runs)."""
    parents = max(1, size // n_symbols)
    device = stepper.device
    root = stepper.start()
    zeros = torch.zeros(parents, dtype=torch.long, device=device)
    block = stepper.step(root, 0, 1, zeros, torch.arange(parents, device=device) % n_symbols)
    best = float("inf")
    for _ in range(2):
        began = time.perf_counter()
        children = stepper.step(block, 0, parents, None, None)
        stepper.logits(children).cpu()
        best = min(best, time.perf_counter() - began)
    return parents * n_symbols / max(best, 1e-9)


def _report(
    verifier: Any, g: Grammar, scope: Scope, tally: Tally, max_length: int, exhaustive: int,
    budget: float | None, keep: int, seconds: float, device: str,
) -> SearchResult:
    # Words in scope per length and kind, capped at COUNT_CAP like every count here.
    counts = scope.kind_counts(max_length)
    totals = np.zeros_like(counts)
    totals[:, MEMBER] = counts[:, MEMBER]
    if scope.near_misses:
        totals[:, NEAR_MISS] = counts[:, NEAR_MISS]
        totals[: exhaustive + 1, OTHER] = counts[: exhaustive + 1, OTHER]
    else:  # with no near-miss automaton they count as other, up to the exhaustive length
        totals[: exhaustive + 1, OTHER] = np.minimum(
            counts[: exhaustive + 1, OTHER] + counts[: exhaustive + 1, NEAR_MISS], COUNT_CAP)
    complete = tally.checked == totals
    caps = {OTHER: exhaustive, MEMBER: max_length, NEAR_MISS: max_length}
    complete_to = {}
    for code, cap in caps.items():
        bad = np.flatnonzero(~complete[: cap + 1, code])
        complete_to[KIND_NAMES[code]] = int(bad[0]) - 1 if len(bad) else cap
    beyond = counts[exhaustive + 1 :]
    left_out = _capped(beyond[:, OTHER].sum(dtype=np.float64) + (
        0 if scope.near_misses else beyond[:, NEAR_MISS].sum(dtype=np.float64)))
    in_scope = _capped(totals.sum(dtype=np.float64))
    unchecked = (in_scope - int(tally.checked.sum()) if in_scope < COUNT_CAP
                 else int(COUNT_CAP))
    findings = _findings(verifier, g, tally, keep)
    by_kind = tally.disagreed.sum(axis=0)
    return SearchResult(
        grammar=g.name or "grammar",
        trained_on=getattr(verifier, "grammar_name", None),
        max_length=max_length,
        exhaustive_length=exhaustive,
        budget=budget,
        stopped=tally.stopped,
        complete_to=complete_to,
        checked={k: int(tally.checked[:, KIND_NAMES.index(k)].sum()) for k in KINDS},
        checked_by_length=[
            {"length": n, **{k: int(tally.checked[n, KIND_NAMES.index(k)]) for k in KINDS}}
            for n in range(max_length + 1)
        ],
        left_out=left_out,
        unchecked=unchecked,
        near_misses=scope.near_misses,
        n_disagreements=int(by_kind.sum()),
        disagreements_by_kind={k: int(by_kind[KIND_NAMES.index(k)]) for k in KINDS},
        disagreements=findings,
        nodes=tally.nodes,
        seconds=round(seconds, 3),
        device=device,
    )


def single_char(verifier: Any) -> bool:
    """Whether `verifier` reads its words as strings of one-character symbols.

    Its vocabulary says, where it has one; otherwise its alphabet does, as it
    does for a vocabulary. A verifier that reads a multi-character symbol
    takes, and its findings show, words as token sequences, whatever the
    grammar that judges them.

    Examples
    --------
    >>> from grammar import library
    >>> from neural.testing import PlantedVerifier
    >>> g = library.tomita(1)
    >>> single_char(PlantedVerifier(g)), single_char(PlantedVerifier(g, alphabet="0 1 10".split()))
    (True, False)
    """
    vocab = getattr(verifier, "vocab", None)
    if vocab is not None and hasattr(vocab, "single_char"):
        return bool(vocab.single_char)
    return all(len(symbol) == 1 for symbol in verifier.alphabet)


def _capped(total: float) -> int:
    """A float64 sum of capped counts, capped again: exact below the cap, as each term is."""
    return int(min(total, COUNT_CAP))


def _findings(verifier: Any, g: Grammar, tally: Tally, keep: int) -> list[Disagreement]:
    """The `keep` shortest disagreements, confirmed by the verifier's own predict."""
    found = [f for length in sorted(tally.found) for f in tally.found[length]][:keep]
    if not found:
        return []
    single = single_char(verifier)
    words = ["".join(f.symbols) if single else tuple(f.symbols) for f in found]
    p = np.asarray(verifier.predict(words), dtype=np.float32)
    out = []
    for f, word, prob in zip(found, words, p, strict=True):
        member = f.kind == MEMBER
        out.append(Disagreement(
            word=word if isinstance(word, str) else list(word),
            length=len(f.symbols),
            kind=KIND_NAMES[f.kind],
            member=member,
            probability=float(prob),
            confirmed=bool((prob > 0.5) != member),
            explanation=str(g.explain(word)),
        ))
    return out
