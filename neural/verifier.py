"""The :class:`Verifier`: a trained network that answers membership questions.

It wraps a :class:`~neural.model.RecurrentClassifier` (GRU or LSTM) with its
vocabulary and the record of how it was made. Questions are batched,
bucketed by length and packed, on the verifier's device (bf16 autocast on a
CUDA GPU with bf16, unless the recurrent kernel refuses it: then one
:class:`~neural.device.PrecisionWarning` and float32). Words holding a
symbol outside the alphabet are rejected without running the network, and
:meth:`Verifier.classify` says which ones those were.

Examples
--------
>>> from grammar import library
>>> from neural.model import ModelConfig
>>> v = Verifier.untrained(library.parity(), ModelConfig(vocab_size=4, hidden=4), seed=0)
>>> p = v.predict(["", "11", "1x"])
>>> p.shape, float(p[2])
((3,), 0.0)
>>> v.classify(["1x"]).unknown.tolist()
[True]
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import torch

from neural.checkpoint import (
    CONFIG,
    WEIGHTS,
    CheckpointError,
    grammar_info,
    load_verifier_files,
    read_training_words,
    save_verifier_files,
    write_training_words,
)
from neural.data import Vocabulary, bucket_batches
from neural.device import (
    answering,
    check_precision,
    resolve_device,
    resolve_precision,
    to_device,
)
from neural.model import ModelConfig, RecurrentClassifier

__all__ = ["Verifier", "Predictions"]

# Words per forward pass. On the CPU, batches that stay in cache beat big ones
# (measured at hidden 32 on 2 cores: 2048 words ~1.3x faster than 8192).
_BATCH = {"cpu": 2048, "cuda": 65536}


@dataclass(frozen=True)
class Predictions:
    """The verifier's answers for many words.

    Attributes
    ----------
    probabilities : numpy.ndarray
        float32 membership probabilities; 0.0 for words with unknown symbols.
    accepted : numpy.ndarray
        bool, ``probabilities > 0.5``.
    unknown : numpy.ndarray
        bool, True where a word holds a symbol outside the alphabet: rejected
        by definition, never run through the network.
    """

    probabilities: np.ndarray
    accepted: np.ndarray
    unknown: np.ndarray

    def __len__(self) -> int:
        return len(self.probabilities)


class Verifier:
    """A trained membership network with its vocabulary and provenance.

    Usually made by :func:`neural.train` or :meth:`Verifier.load`.

    Parameters
    ----------
    model : RecurrentClassifier
        The network (moved to `device`, put in eval mode).
    vocab : Vocabulary
        The ids the network was trained with.
    device : str or torch.device
        ``"auto"``, ``"cpu"`` or ``"cuda"``.
    info : mapping, optional
        JSON-able provenance saved in ``config.json``: ``grammar`` (name,
        source, fingerprint), ``train_config``, ``metrics`` and ``history``
        (one row per epoch, as in ``log.jsonl``).
    precision : {"auto", "bf16", "fp32"}
        Arithmetic for answering (see :mod:`neural.device`); ``"auto"`` is
        settled on the first question, to ``"bf16"`` or ``"fp32"``.
    threads : int, optional
        CPU threads for answering (None: :data:`neural.device.DEFAULT_THREADS`);
        the process-wide setting is restored after each call.

    Examples
    --------
    >>> from grammar import library
    >>> v = Verifier.untrained(library.reber(), seed=1)
    >>> v
    <Verifier for 'reber': GRU 1x32, 7 symbols, on cpu>
    >>> v.alphabet
    ('B', 'E', 'P', 'S', 'T', 'V', 'X')
    """

    def __init__(
        self,
        model: RecurrentClassifier,
        vocab: Vocabulary,
        *,
        device: str | torch.device = "auto",
        info: Mapping[str, Any] | None = None,
        precision: str = "auto",
        threads: int | None = None,
    ) -> None:
        if not isinstance(model, RecurrentClassifier):
            raise TypeError(f"model must be a RecurrentClassifier, not {type(model).__name__}")
        if model.config.vocab_size != vocab.size:
            raise ValueError(
                f"model has {model.config.vocab_size} embedding rows but the vocabulary "
                f"needs {vocab.size}"
            )
        self.device = resolve_device(device)
        self.model = model.to(self.device).eval()
        self.vocab = vocab
        self.info: dict[str, Any] = dict(info or {})
        #: "auto", "bf16" or "fp32"; "auto" becomes one of the others on the first question.
        self.precision = check_precision(precision)
        #: CPU threads for answering; None: the library's default (one).
        self.threads = threads
        #: Words the network was trained on (kept out of test sets), when known.
        self.training_words: list | None = None
        #: The certificate of a run trained with ``TrainConfig(until="proved")``, else None.
        self.certificate: Any = None

    @classmethod
    def untrained(
        cls, g: Any, config: ModelConfig | None = None, *, seed: int = 0, device: str = "cpu"
    ) -> Verifier:
        """A randomly initialised verifier for grammar `g` (for tests and baselines).

        Examples
        --------
        >>> from grammar import library
        >>> Verifier.untrained(library.parity()).metrics
        {}
        """
        vocab = Vocabulary.from_grammar(g)
        torch.manual_seed(seed)
        model = RecurrentClassifier(config or ModelConfig(vocab_size=vocab.size))
        return cls(model, vocab, device=device, info={"grammar": grammar_info(g)})

    # -- provenance ------------------------------------------------------------

    @property
    def alphabet(self) -> tuple[str, ...]:
        """The symbols the network reads."""
        return self.vocab.alphabet

    def _provenance(self, key: str) -> dict[str, Any]:
        # `info` is the caller's to fill: anything but a dict reads as unknown.
        value = self.info.get(key)
        return value if isinstance(value, dict) else {}

    @property
    def fingerprint(self) -> str | None:
        """Fingerprint of the language it was trained on (:attr:`grammar.Grammar.fingerprint`)."""
        value = self._provenance("grammar").get("fingerprint")
        return value if isinstance(value, str) else None

    @property
    def grammar_name(self) -> str | None:
        """Name (or source file) of the grammar it was trained on."""
        grammar = self._provenance("grammar")
        value = grammar.get("name") or grammar.get("source")
        return value if isinstance(value, str) else None

    @property
    def task(self) -> str:
        """What it was trained for: ``"membership"`` or ``"next_symbols"``.

        Examples
        --------
        >>> from grammar import library
        >>> Verifier.untrained(library.parity()).task
        'membership'
        """
        value = self._provenance("train_config").get("task")
        return value if isinstance(value, str) else "membership"

    @property
    def cell(self) -> str:
        """The recurrent cell, ``"gru"`` or ``"lstm"``."""
        return self.model.config.cell

    @property
    def metrics(self) -> dict[str, Any]:
        """Training metrics recorded with the checkpoint."""
        return dict(self._provenance("metrics"))

    def __repr__(self) -> str:
        c = self.model.config
        return (
            f"<Verifier for {self.grammar_name!r}: {c.cell.upper()} {c.layers}x{c.hidden}, "
            f"{len(self.alphabet)} symbols, on {self.device.type}>"
        )

    # -- answers -----------------------------------------------------------------

    def classify(self, words: Sequence[Any], *, batch_size: int | None = None) -> Predictions:
        """Probabilities, decisions and unknown-symbol flags for `words`.

        Parameters
        ----------
        words : sequence of words
            ``str`` words, or token tuples for multi-character alphabets.
        batch_size : int, optional
            Words per forward pass (default 2048 on the CPU, 65536 on CUDA).

        Raises
        ------
        TypeError
            If `words` is a single ``str`` rather than a list of words, or a
            word is neither a str nor a sequence of str.

        Examples
        --------
        >>> from grammar import library
        >>> answers = Verifier.untrained(library.reber()).classify(["BTXSE", "BTQ"])
        >>> answers.unknown.tolist(), float(answers.probabilities[1])
        ([False, True], 0.0)
        """
        if isinstance(words, (str, bytes)):
            raise TypeError("words must be a list of words; wrap a single word in a list")
        words = list(words)
        encoded = self.vocab.encode_many(words)
        probabilities = np.zeros(len(words), dtype=np.float32)
        known = np.flatnonzero(~encoded.unknown)
        size = batch_size or _BATCH[self.device.type]
        if self.precision == "auto":
            self.precision = resolve_precision("auto", self.device, self._probe)
        parts = list(self._forward(encoded, known, size))
        if parts:
            index = np.concatenate([i for i, _ in parts])
            probabilities[index] = torch.cat([p for _, p in parts]).float().cpu().numpy()
        return Predictions(probabilities, probabilities > 0.5, encoded.unknown)

    def _probe(self) -> None:
        # One short word through the network: does the kernel take this precision?
        ids = torch.tensor([[self.vocab.BOS] + [2] * 3], device=self.device)
        with answering(self.device, "fp32", self.threads):
            self.model(ids, torch.tensor([4]))

    def _forward(
        self, encoded: Any, known: np.ndarray, size: int
    ) -> Iterator[tuple[np.ndarray, torch.Tensor]]:
        with answering(self.device, self.precision, self.threads):
            for batch in bucket_batches(encoded.lengths[known], size):
                index = known[batch]
                ids, lengths = self.vocab.pad(encoded, index)
                yield index, torch.sigmoid(self.model(to_device(ids, self.device), lengths))

    def predict(self, words: Sequence[Any], *, batch_size: int | None = None) -> np.ndarray:
        """Membership probabilities of `words` as a float32 array (0.0 for unknown symbols).

        Examples
        --------
        >>> from grammar import library
        >>> Verifier.untrained(library.reber()).predict(["BTXSE", "", "BTXSEE"]).dtype
        dtype('float32')
        """
        return self.classify(words, batch_size=batch_size).probabilities

    def accepts_many(self, words: Sequence[Any], *, batch_size: int | None = None) -> np.ndarray:
        """The verifier's membership decisions (probability > 0.5) as a bool array.

        Examples
        --------
        >>> from grammar import library
        >>> Verifier.untrained(library.reber()).accepts_many(["BTXSE", "BTZ"]).dtype
        dtype('bool')
        """
        return self.classify(words, batch_size=batch_size).accepted

    def accepts(self, word: Any) -> bool:
        """The verifier's decision for one word.

        Examples
        --------
        >>> from grammar import library
        >>> Verifier.untrained(library.reber()).accepts("BT?")
        False
        """
        return bool(self.accepts_many([word])[0])

    # -- files -----------------------------------------------------------------------

    def save(self, directory: str | os.PathLike) -> None:
        """Write ``model.safetensors`` and ``config.json`` into `directory`, atomically.

        When the training words are known they go to ``train_words.json``,
        so that a later :func:`~neural.judge.compare.compare` keeps them out of its
        test sets.

        Examples
        --------
        >>> import os, tempfile
        >>> from grammar import library
        >>> with tempfile.TemporaryDirectory() as d:
        ...     Verifier.untrained(library.reber()).save(d)
        ...     sorted(os.listdir(d))
        ['config.json', 'model.safetensors']
        """
        if self.training_words is not None:
            write_training_words(directory, self.training_words)
        save_verifier_files(directory, self.model.state_dict(), self._config())

    def _config(self) -> dict[str, Any]:
        return {
            **self.info,
            "model": asdict(self.model.config),
            "alphabet": list(self.vocab.alphabet),
            "single_char": self.vocab.single_char,
            "grammar": self._provenance("grammar"),
        }

    @classmethod
    def load(cls, directory: str | os.PathLike, *, device: str | torch.device = "auto") -> Verifier:
        """Load a verifier saved by :meth:`save` or by training.

        Raises
        ------
        CheckpointError
            Naming the file (and the field of ``config.json``) when the
            checkpoint is missing, truncated, corrupt or foreign.

        Examples
        --------
        >>> import tempfile
        >>> from grammar import library
        >>> v = Verifier.untrained(library.reber())
        >>> with tempfile.TemporaryDirectory() as d:
        ...     v.save(d)
        ...     w = Verifier.load(d, device="cpu")
        >>> bool((w.predict(["BTXSE"]) == v.predict(["BTXSE"])).all())
        True
        """
        state, config = load_verifier_files(directory)  # every field checked
        where = os.path.join(directory, CONFIG)
        try:
            model_config = ModelConfig(**config["model"])
            vocab = Vocabulary(tuple(config["alphabet"]), bool(config["single_char"]))
            model = RecurrentClassifier(model_config)
            model.load_state_dict(state)
            info = {k: config[k] for k in ("grammar", "train_config", "metrics", "history")
                    if k in config}
            verifier = cls(model, vocab, device=device, info=info)
        except (TypeError, ValueError, RuntimeError) as err:
            if isinstance(err, CheckpointError):
                raise
            detail = str(err).splitlines()[0]
            raise CheckpointError(
                f"{where} and {WEIGHTS} do not describe a grammarlab network: {detail}"
            ) from None
        verifier.training_words = read_training_words(directory)
        return verifier

