"""Vocabulary, encoding and length-bucketed batches for the neural verifier.

Words become rows of symbol ids behind a BOS id, so the empty word is one
time step long and still has an answer. ``PAD`` is an id no symbol uses.
Ragged words are never handed to the network as Python lists: they are
encoded once into one flat int array plus lengths, sorted into buckets of
similar length, padded per batch and run through
:func:`torch.nn.utils.rnn.pack_padded_sequence`, which skips the padding.

A word holding a symbol outside the alphabet is not a member by definition;
:meth:`Vocabulary.encode_many` flags it so the verifier can reject it
without running the network.

Examples
--------
>>> from grammar import library
>>> vocab = Vocabulary.from_grammar(library.parity())
>>> vocab.size, vocab.PAD, vocab.BOS
(4, 0, 1)
>>> enc = vocab.encode_many(["10", "", "12"])
>>> enc.lengths.tolist(), enc.unknown.tolist()
([2, 0, 2], [False, False, True])
>>> ids, lengths = vocab.pad(enc, [0, 1])
>>> ids.tolist(), lengths.tolist()
([[1, 3, 2], [1, 0, 0]], [3, 1])
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from grammar.words import split_word

__all__ = ["Vocabulary", "Encoded", "bucket_batches"]


@dataclass(frozen=True)
class Encoded:
    """Many words encoded at once.

    Attributes
    ----------
    flat : numpy.ndarray
        int64 network ids of every symbol of every word, concatenated.
    offsets : numpy.ndarray
        int64, where each word starts in `flat`.
    lengths : numpy.ndarray
        int64 number of symbols of each word (BOS not counted).
    unknown : numpy.ndarray
        bool, True where a word holds a symbol outside the alphabet; such a
        word's ids are meaningless and it must not reach the network.
    """

    flat: np.ndarray
    offsets: np.ndarray
    lengths: np.ndarray
    unknown: np.ndarray

    def __len__(self) -> int:
        return len(self.lengths)


@dataclass(frozen=True)
class Vocabulary:
    """Network ids for a grammar's symbols: ``PAD = 0``, ``BOS = 1``, symbols from 2.

    Parameters
    ----------
    alphabet : tuple of str
        The grammar's sorted symbols; ``alphabet[j]`` gets id ``j + 2``.
    single_char : bool
        Whether words are plain ``str`` (one character per symbol) or tuples
        of tokens, as in :attr:`grammar.Grammar.single_char`.

    Examples
    --------
    >>> from grammar import library
    >>> vocab = Vocabulary.from_grammar(library.file_protocol())
    >>> vocab.single_char, vocab.encode_many([("open", "close"), "open close"]).flat.tolist()
    (False, [3, 2, 3, 2])
    """

    alphabet: tuple[str, ...]
    single_char: bool

    PAD = 0
    BOS = 1

    @classmethod
    def from_grammar(cls, g: Any) -> Vocabulary:
        """The vocabulary of grammar `g` (anything with ``alphabet`` and ``single_char``).

        Examples
        --------
        >>> from grammar import library
        >>> Vocabulary.from_grammar(library.tomita(3)).alphabet
        ('0', '1')
        """
        return cls(tuple(g.alphabet), bool(g.single_char))

    @property
    def size(self) -> int:
        """Number of embedding rows: PAD, BOS and one per symbol."""
        return len(self.alphabet) + 2

    def symbols_of(self, word: Any) -> list[str]:
        """Split `word` into symbols, with the same rules as :meth:`grammar.Grammar.symbols_of`.

        Raises
        ------
        TypeError
            If `word` is neither a str nor a sequence of str.

        Examples
        --------
        >>> from grammar import library
        >>> Vocabulary.from_grammar(library.file_protocol()).symbols_of("open close")
        ['open', 'close']
        """
        return split_word(word, self.single_char)

    def unknown_symbol(self, word: Any) -> str | None:
        """The first symbol of `word` outside the alphabet, or None.

        Examples
        --------
        >>> from grammar import library
        >>> Vocabulary.from_grammar(library.reber()).unknown_symbol("BTZE")
        'Z'
        """
        known = set(self.alphabet)
        return next((s for s in self.symbols_of(word) if s not in known), None)

    def encode_many(self, words: Sequence[Any]) -> Encoded:
        """Encode `words` into one flat id array plus lengths and unknown flags.

        Plain ``str`` words over a one-character alphabet take a vectorised
        path (one code-point lookup for the whole batch); anything else is
        split word by word.

        Examples
        --------
        >>> from grammar import library
        >>> enc = Vocabulary.from_grammar(library.parity()).encode_many(["01", "1"])
        >>> enc.flat.tolist(), enc.offsets.tolist(), enc.lengths.tolist()
        ([2, 3, 3], [0, 2], [2, 1])
        """
        if self.single_char and all(type(w) is str for w in words):
            return self._encode_chars(words)
        column = {symbol: j + 2 for j, symbol in enumerate(self.alphabet)}
        pieces = [[column.get(s, -1) for s in self.symbols_of(w)] for w in words]
        lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        flat = np.fromiter(
            (i for piece in pieces for i in piece), dtype=np.int64, count=int(lengths.sum())
        )
        return _finish(flat, lengths)

    def _encode_chars(self, words: Sequence[str]) -> Encoded:
        lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
        # A lone surrogate (from undecodable bytes) is a code point like any other: it
        # matches no symbol, so its word is unknown and rejected, not an encoding error.
        codes = np.frombuffer("".join(words).encode("utf-32-le", "surrogatepass"),
                              dtype=np.uint32)
        points = [ord(s) for s in self.alphabet]
        # Code points beyond the alphabet's largest map to -1 (unknown) via the clip.
        table = np.full(max(points, default=0) + 2, -1, dtype=np.int64)
        table[points] = np.arange(2, len(points) + 2)
        flat = table[np.minimum(codes, len(table) - 1)]
        return _finish(flat, lengths)

    def pad(self, encoded: Encoded, index: Sequence[int] | np.ndarray) -> tuple[Any, Any]:
        """Padded ids with BOS in front, for the words at `index`.

        Returns
        -------
        ids : torch.Tensor
            int64, shape ``(len(index), 1 + max length)``; PAD after each word.
        lengths : torch.Tensor
            int64, shape ``(len(index),)``: each word's length plus one (BOS).

        Examples
        --------
        >>> from grammar import library
        >>> vocab = Vocabulary.from_grammar(library.parity())
        >>> ids, lengths = vocab.pad(vocab.encode_many(["1", "011"]), [1, 0])
        >>> ids.tolist(), lengths.tolist()
        ([[1, 2, 3, 3], [1, 3, 0, 0]], [4, 2])
        """
        index = np.asarray(index, dtype=np.int64)
        lengths = encoded.lengths[index]
        width = int(lengths.max(initial=0))
        steps = np.arange(width)
        inside = steps < lengths[:, None]
        # Positions past a word's end read any valid slot and are then masked to PAD.
        source = np.minimum(encoded.offsets[index, None] + steps, max(len(encoded.flat) - 1, 0))
        body = np.where(inside, encoded.flat[source] if len(encoded.flat) else 0, self.PAD)
        ids = np.empty((len(index), width + 1), dtype=np.int64)
        ids[:, 0] = self.BOS
        ids[:, 1:] = body
        return torch.from_numpy(ids), torch.from_numpy(lengths + 1)


def _finish(flat: np.ndarray, lengths: np.ndarray) -> Encoded:
    offsets = np.zeros(len(lengths), dtype=np.int64)
    np.cumsum(lengths[:-1], out=offsets[1:])
    bad = flat < 0
    unknown = np.zeros(len(lengths), dtype=bool)
    if bad.any():
        owners = np.searchsorted(offsets, np.flatnonzero(bad), side="right") - 1
        unknown[owners] = True
    return Encoded(flat, offsets, lengths, unknown)


def bucket_batches(
    lengths: np.ndarray,
    batch_size: int,
    *,
    rng: np.random.Generator | None = None,
    bucket_factor: int = 16,
) -> Iterator[np.ndarray]:
    """Index batches of similar length, each sorted longest first.

    Without `rng` the batches follow the global length order (inference).
    With `rng` the words are shuffled, cut into pools of
    ``bucket_factor * batch_size``, sorted by length inside each pool and
    batched, and the batches are shuffled (training): little padding, yet
    every epoch mixes lengths differently.

    Examples
    --------
    >>> [b.tolist() for b in bucket_batches(np.array([1, 5, 3, 4]), 2)]
    [[1, 3], [2, 0]]
    """
    if rng is None:
        order = np.argsort(-lengths, kind="stable")
        yield from (order[i : i + batch_size] for i in range(0, len(order), batch_size))
        return
    order = rng.permutation(len(lengths))
    pool = batch_size * bucket_factor
    batches = []
    for start in range(0, len(order), pool):
        chunk = order[start : start + pool]
        chunk = chunk[np.argsort(-lengths[chunk], kind="stable")]
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    for k in rng.permutation(len(batches)):
        yield batches[k]
