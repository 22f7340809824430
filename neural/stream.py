"""Labelled training batches drawn straight from the grammar, without end and in flat memory.

:class:`GrammarStream` is a :class:`torch.utils.data.IterableDataset`. Each
batch is half members, drawn uniformly among the members of a uniformly
drawn length (:func:`grammar.sample_uniform`), and half non-members in the
proportions of the `negatives` mix: near misses
(:func:`grammar.near_misses`) and uniform non-members
(:func:`grammar.negatives.non_members`). Every label comes from the
automaton (:meth:`grammar.Grammar.accepts_many`) and is checked against the
generator that drew the word. Words are drawn a block at a time and nothing
is kept between blocks, so a run over 100 million words holds one block.

Every stream is reproducible from the seed: a stream's random generator is
:func:`neural.distributed.rank_generator` of the seed, its rank, its
DataLoader worker and the epoch (:meth:`GrammarStream.set_epoch`), so ranks
and workers draw independently. With ``disjoint=True`` (the default) the
*words* of the streams never overlap either: the words are cut into
``ranks * workers`` shards by a stable hash (CRC-32 of the word's UTF-8), and
each stream keeps only its own shard. Within one stream a word may come
again, as in any draw with replacement.

Examples
--------
>>> from grammar import library
>>> g = library.parity()
>>> stream = GrammarStream(g, batch_size=8, lengths=(1, 6), samples=20, seed=0,
...                        with_words=True)
>>> batches = list(stream)
>>> [len(b["labels"]) for b in batches]
[8, 8, 4]
>>> all((g.accepts_many(b["words"]) == b["labels"].numpy().astype(bool)).all()
...     for b in batches)
True
>>> sorted(batches[0])
['ids', 'labels', 'lengths', 'prefix', 'steps', 'words']
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import torch
from torch.utils.data import IterableDataset, get_worker_info

from grammar import Grammar
from grammar.checks import check_count, check_fraction, check_length_range
from grammar.datasets.kinds import check_negatives
from grammar.errors import EmptyLanguageError
from grammar.negatives import KINDS, near_misses, non_members
from grammar.sampling import sample_uniform
from neural import distributed
from neural.config import TrainConfig
from neural.data import Vocabulary
from neural.device import to_device
from neural.distributed import rank_generator
from neural.targets import TrainingTensors, training_tensors

__all__ = ["GrammarStream", "shard_of", "streamed_tensors", "DEFAULT_BLOCK"]

#: Words drawn per round before the shard filter: enough to amortise each generator's setup
#: (measured on parity at lengths 1-30: 5,000 words/s with blocks of 2048, 25,000 with 8192).
DEFAULT_BLOCK = 8192

# Rounds in a row that may keep no word before a stream gives up on its shard.
_EMPTY_ROUNDS = 50


def shard_of(words: list, shards: int, single_char: bool = True) -> np.ndarray:
    """The shard of each word, in ``range(shards)``: a stable hash, the same in every process.

    Python's own ``hash`` of a str changes from process to process, so
    CRC-32 of the word's UTF-8 (symbols joined by a space in a token grammar)
    is used instead.

    Examples
    --------
    >>> shard_of(["ab", "ba", ""], 4).tolist()
    [1, 0, 0]
    >>> shard_of([("open", "close")], 4, single_char=False).tolist() == shard_of(
    ...     ["open close"], 4).tolist()
    True
    """
    def key(word: Any) -> bytes:
        text = word if single_char else " ".join(word)
        return text.encode("utf-8", "surrogatepass")

    return np.fromiter((zlib.crc32(key(w)) % shards for w in words), dtype=np.int64,
                       count=len(words))


class GrammarStream(IterableDataset):
    """Batches of labelled words drawn from `g`, for a DataLoader, on every rank.

    Parameters
    ----------
    g : Grammar
        The language; its automaton labels every word.
    batch_size : int
        Words per batch (the last batch of a finite stream may be short).
    lengths : int or (int, int)
        Word lengths, inclusive.
    negatives : dict, optional
        The mix of non-members, as in :func:`grammar.datasets.make_dataset`
        (default half near misses, half random). A near-miss kind that the
        language cannot supply is replaced by random non-members.
    long_range : float
        Fraction of the near misses that are locally plausible.
    seed : int
        The base seed of every rank's and worker's stream.
    samples : int, optional
        Words yielded over all ranks and workers together (split as evenly
        as possible); None: an endless stream.
    disjoint : bool
        Keep only this stream's hash shard of the words, so that no word is
        drawn by two ranks or workers. Costs ``ranks * workers`` times the
        drawing.
    with_words : bool
        Also put the words themselves (a list) in each batch.
    rank, world : int, optional
        This stream's rank and the number of ranks (default: the process
        group's, see :mod:`neural.distributed`).
    block : int
        Words drawn per round.
    exclude : iterable of words
        Words never yielded (say, the validation and test words). They are
        held in a set, so keep it small.

    Yields
    ------
    dict
        ``ids``, ``lengths``, ``steps``, ``labels``, ``prefix`` as in
        :func:`neural.targets.training_tensors` (``lengths`` as a tensor),
        and ``words`` when asked for. Use ``DataLoader(stream,
        batch_size=None)``, since the stream batches itself.

    Raises
    ------
    EmptyLanguageError
        If the lengths hold no member or no non-member.
    ValueError
        If a stream's shard keeps no word for many rounds in a row (too few
        distinct words for this many shards).
    """

    def __init__(
        self, g: Grammar, *, batch_size: int = 32, lengths: int | tuple[int, int] = (1, 30),
        negatives: Mapping[str, float] | None = None, long_range: float = 0.0, seed: int = 0,
        samples: int | None = None, disjoint: bool = True, with_words: bool = False,
        rank: int | None = None, world: int | None = None, block: int = DEFAULT_BLOCK,
        exclude: Any = (),
    ) -> None:
        if not isinstance(g, Grammar):
            raise TypeError(f"GrammarStream needs a Grammar, not {type(g).__name__}")
        self.g = g
        self.batch_size = _positive(batch_size, "batch_size")
        self.lengths = check_length_range(lengths)
        self.mix = check_negatives(dict(negatives or {"near_miss": 0.5, "random": 0.5}))
        self.long_range = check_fraction(long_range, "long_range")
        self.seed = check_count(seed, "seed")
        self.samples = None if samples is None else check_count(samples, "samples")
        self.disjoint = bool(disjoint)
        self.with_words = bool(with_words)
        self.rank = _rank() if rank is None else check_count(rank, "rank")
        self.world = _world() if world is None else _positive(world, "world")
        if self.rank >= self.world:
            raise ValueError(f"rank must be below world={self.world}, got {self.rank}")
        self.block = _positive(block, "block")
        self.epoch = 0
        self.exclude = frozenset(exclude)
        self.vocab = Vocabulary.from_grammar(g)
        sample_uniform(g, 1, self.lengths, seed=0)  # fail now, not in a worker, when empty
        non_members(g, 1, self.lengths, seed=0)

    def set_epoch(self, epoch: int) -> None:
        """Draw epoch `epoch`'s streams from now on (each epoch gets fresh words)."""
        self.epoch = check_count(epoch, "epoch")

    def __iter__(self) -> Iterator[dict[str, Any]]:
        info = get_worker_info()
        worker, workers = (0, 1) if info is None else (info.id, info.num_workers)
        shards = self.world * workers
        me = self.rank * workers + worker
        budget = None if self.samples is None else _share(self.samples, shards, me)
        rng = rank_generator(self.seed, self.rank, worker, workers, self.epoch)
        pending: list[tuple[Any, bool]] = []
        empty = 0
        while budget is None or budget > 0:
            # A short budget draws what it needs (with room for the shard filter).
            size = self.block if budget is None else min(self.block, max(256, 2 * budget * shards))
            words, labels = self.draw(rng, size)
            if self.exclude:
                keep = np.array([w not in self.exclude for w in words], dtype=bool)
                words = [w for w, k in zip(words, keep, strict=True) if k]
                labels = labels[keep]
            if self.disjoint and shards > 1:
                keep = shard_of(words, shards, self.g.single_char) == me
                words = [w for w, k in zip(words, keep, strict=True) if k]
                labels = labels[keep]
            empty = 0 if words else empty + 1
            if empty >= _EMPTY_ROUNDS:
                raise ValueError(
                    f"shard {me} of {shards} (rank {self.rank}, worker {worker}) kept no word "
                    f"in {_EMPTY_ROUNDS} rounds: too few distinct words at "
                    f"lengths {self.lengths} for {shards} shards; use wider lengths, fewer "
                    "ranks or workers, or disjoint=False"
                )
            pending.extend(zip(words, labels.tolist(), strict=True))
            while len(pending) >= self.batch_size and (budget is None or budget > 0):
                size = self.batch_size if budget is None else min(self.batch_size, budget)
                yield self._batch(pending[:size])
                del pending[:size]
                budget = None if budget is None else budget - size
            if budget is not None and 0 < budget <= len(pending):
                yield self._batch(pending[:budget])
                budget = 0

    def draw(self, rng: np.random.Generator, size: int | None = None) -> tuple[list, np.ndarray]:
        """One round: `size` words (default `block`), half members, shuffled, labelled.

        Raises
        ------
        RuntimeError
            If the automaton disagrees with the generator that drew a word
            (a bug in a generator, never a property of the grammar).
        """
        g, lengths = self.g, self.lengths
        size = self.block if size is None else size
        n_members = size // 2
        words = list(sample_uniform(g, n_members, lengths, seed=rng))
        counts = rng.multinomial(size - n_members, [share for _, share in self.mix])
        for (kind, _), count in zip(self.mix, counts, strict=True):
            if count:
                words.extend(self._negatives(kind, int(count), rng))
        labels = g.accepts_many(words)
        expected = np.arange(len(words)) < n_members
        wrong = np.flatnonzero(labels != expected)
        if wrong.size:
            word = words[wrong[0]]
            raise RuntimeError(f"the automaton says {word!r} is "
                               f"{'' if labels[wrong[0]] else 'not '}a member, but it was "
                               "drawn as the opposite")
        order = rng.permutation(len(words))
        return [words[i] for i in order], labels[order]

    def _negatives(self, kind: str, count: int, rng: np.random.Generator) -> list:
        if kind != "random":
            kinds = KINDS if kind == "near_miss" else (kind,)
            try:
                return list(near_misses(self.g, count, seed=rng, kinds=kinds,
                                        length=self.lengths, long_range=self.long_range).words)
            except EmptyLanguageError:
                pass  # none at these lengths: random non-members take the share
        return list(non_members(self.g, count, self.lengths, seed=rng).words)

    def _batch(self, rows: list[tuple[Any, bool]]) -> dict[str, Any]:
        words = [w for w, _ in rows]
        t = training_tensors(self.g, self.vocab, words, [label for _, label in rows])
        batch = {"ids": t.ids, "lengths": torch.from_numpy(t.lengths), "steps": t.steps,
                 "labels": t.labels, "prefix": t.prefix}
        if self.with_words:
            batch["words"] = words
        return batch


def streamed_tensors(
    g: Grammar, vocab: Vocabulary, config: TrainConfig, words: int, epoch: int,
    exclude: Any = (), device: torch.device | None = None,
) -> TrainingTensors:
    """Epoch `epoch`'s fresh training words for this rank, as tensors on `device`.

    The `words` of an epoch are shared evenly among the ranks (each rank
    gets ``words // world`` of its own, so every rank takes as many steps),
    drawn with ``config``'s lengths, negatives mix and seed; the same epoch
    gives the same words, so a resumed run sees what it would have seen.
    Words in `exclude` (the validation and test words) are never drawn.

    Raises
    ------
    ValueError
        If there are fewer `words` than ranks.

    Examples
    --------
    >>> from grammar import library
    >>> g = library.parity()
    >>> t = streamed_tensors(g, Vocabulary.from_grammar(g), TrainConfig(lengths=(1, 8)), 40, 0)
    >>> t.ids.shape[0], sorted(set(t.labels.tolist()))
    (40, [0.0, 1.0])
    """
    world = distributed.world_size()
    per_rank = words // world
    if per_rank < 1:
        raise ValueError(f"{words} streamed words per epoch cannot be shared among {world} ranks")
    stream = GrammarStream(g, batch_size=4096, lengths=config.lengths,
                           negatives=dict(config.negatives), long_range=config.long_range,
                           seed=config.seed, samples=per_rank * world, with_words=True,
                           exclude=exclude)
    stream.set_epoch(epoch)
    drawn: list = []
    labels: list = []
    for batch in stream:
        drawn.extend(batch["words"])
        labels.extend(batch["labels"].tolist())
    data = training_tensors(g, vocab, drawn, labels)
    if device is not None and device.type == "cuda":
        data.to(lambda t: to_device(t, device))
    return data


def _share(total: int, parts: int, index: int) -> int:
    return total // parts + (1 if index < total % parts else 0)


def _rank() -> int:
    return distributed.rank()


def _world() -> int:
    return distributed.world_size()


def _positive(value: Any, name: str) -> int:
    if check_count(value, name) < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)
