"""The :class:`Dataset` record: words, labels and kinds, with where they came from."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from grammar.datasets.files import read_fields, write_dataset
from grammar.errors import GrammarError

__all__ = ["Dataset"]


@dataclass(frozen=True, eq=False)
class Dataset:
    """Words with membership labels and the kind of each word.

    Attributes
    ----------
    words : list
        str words (tuples of tokens for a token grammar).
    labels : numpy.ndarray
        bool array: True for members.
    kinds : numpy.ndarray
        str array: ``"member"``, a near-miss edit (one of
        :data:`grammar.negatives.KINDS`, such as ``"substitute"``), that edit suffixed
        ``"-long-range"`` for a locally plausible near miss (such as
        ``"substitute-long-range"``), or ``"random"``. All of them are in
        :data:`grammar.datasets.ROW_KINDS`.
    grammar : str or None
        The grammar's name.
    fingerprint : str or None
        The grammar's fingerprint (:attr:`grammar.Grammar.fingerprint`).
    seed : int or None
        The seed that reproduces the data set.
    info : dict
        How it was made (lengths, negatives mix, ...), JSON-able.

    Examples
    --------
    >>> from grammar import library
    >>> from grammar.datasets import make_dataset
    >>> data = make_dataset(library.tomita(4), 8, lengths=(3, 4), seed=1)
    >>> data.kinds.tolist().count("member"), data.grammar, data.seed
    (4, 'tomita-4', 1)
    >>> data.take([0]).words == data.words[:1]
    True
    """

    words: list
    labels: np.ndarray
    kinds: np.ndarray
    grammar: str | None = None
    fingerprint: str | None = None
    seed: int | None = None
    info: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        labels = np.asarray(self.labels, dtype=bool)
        kinds = np.asarray(self.kinds, dtype=str)
        if not len(self.words) == len(labels) == len(kinds):
            raise GrammarError(
                f"a Dataset needs as many labels and kinds as words: {len(self.words)} words, "
                f"{len(labels)} labels, {len(kinds)} kinds"
            )
        object.__setattr__(self, "words", list(self.words))
        object.__setattr__(self, "labels", labels)
        object.__setattr__(self, "kinds", kinds)

    def __len__(self) -> int:
        return len(self.words)

    def __repr__(self) -> str:
        return (
            f"<Dataset {self.grammar!r}: {len(self)} words, {int(self.labels.sum())} members, "
            f"seed {self.seed}>"
        )

    @property
    def lengths(self) -> np.ndarray:
        """The length of each word (in symbols)."""
        return np.array([len(w) for w in self.words], dtype=np.int64)

    def take(self, indices: Sequence[int] | np.ndarray) -> Dataset:
        """The rows at `indices`, with the same metadata."""
        indices = np.asarray(indices, dtype=np.intp)
        words = np.fromiter(self.words, dtype=object, count=len(self.words))
        return replace(
            self,
            words=words[indices].tolist(),
            labels=self.labels[indices],
            kinds=self.kinds[indices],
        )

    def save(self, path: str | os.PathLike) -> None:
        """Write the data set to `path`: JSON lines (``.jsonl``) or numpy (``.npz``).

        A JSON lines file holds a header line (format, grammar name,
        fingerprint, seed, ...) and then one ``{"word", "label", "kind"}``
        object per line; token words are lists. The file is replaced
        atomically: a reader never sees half of it.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from grammar import library
        >>> from grammar.datasets import make_dataset
        >>> data = make_dataset(library.reber(), 20, lengths=(5, 9), seed=3)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     for name in ("d.jsonl", "d.npz"):
        ...         data.save(pathlib.Path(tmp) / name)
        ...         back = Dataset.load(pathlib.Path(tmp) / name)
        ...         print(back.words == data.words, back.seed, back.fingerprint == data.fingerprint)
        True 3 True
        True 3 True
        """
        write_dataset(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> Dataset:
        """Read a data set written by :meth:`save` (``.jsonl`` or ``.npz``).

        No pickle is ever loaded.

        Raises
        ------
        FileNotFoundError
            If there is no such file (the message names it).
        GrammarError
            If the file is not a data set this version reads, or is damaged;
            the message names the file and the line, array or header field.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = pathlib.Path(tmp) / "empty.npz"
        ...     Dataset([], [], []).save(path)
        ...     len(Dataset.load(path))
        0
        """
        return cls(**read_fields(path))
