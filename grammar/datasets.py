"""Labelled data sets whose every label was checked by the exact automaton.

:func:`make_dataset` draws members and non-members in equal numbers, and in
equal numbers *at each length*, so that length alone predicts nothing. The
members of a length are drawn uniformly without replacement (distinct ranks,
unranked on the DFA); the non-members are near misses (one edit from a
member, see :func:`grammar.negatives.near_misses`) and uniformly random
non-members, in the proportions asked for. Nothing is repeated.

:func:`split` cuts a data set into disjoint parts (no word in two parts),
stratified by kind. :func:`test_suite` builds the MLRegTest-style test sets:
random and adversarial (near-miss pairs), at training lengths and beyond.

A :class:`Dataset` saves to and loads from JSON lines (``.jsonl``) or numpy
(``.npz``) files that record the grammar's name and fingerprint and the seed.

Examples
--------
>>> from grammar import library
>>> from grammar.datasets import make_dataset, split
>>> g = library.embedded_reber()
>>> data = make_dataset(g, 1000, lengths=(9, 30), seed=0)
>>> len(data), int(data.labels.sum())
(1000, 500)
>>> bool((g.accepts_many(data.words) == data.labels).all())
True
>>> train, valid, test = split(data, seed=0)
>>> len(train), len(valid), len(test)
(800, 100, 100)
>>> set(train.words) & set(test.words)
set()
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from grammar.errors import EmptyLanguageError, GrammarError
from grammar.negatives import (
    KINDS,
    _check_fraction,
    _check_kinds,
    near_misses,
    near_misses_by_length,
)
from grammar.sampling import (
    Codec,
    check_count,
    check_length_range,
    count_table,
    describe_lengths,
    grammar_label,
    random_below,
    unrank_codes,
)

if TYPE_CHECKING:
    from grammar.core import Grammar, Word

__all__ = ["Dataset", "make_dataset", "split", "test_suite", "NEGATIVE_KINDS"]

#: Keys of the `negatives` mix: all near misses, one kind of near miss, or random non-members.
NEGATIVE_KINDS: tuple[str, ...] = ("near_miss", *KINDS, "random")
_FORMAT = "grammarlab-dataset"
_VERSION = 1
# Rounds of drawing near misses before random non-members take their place.
_RANK_RETRIES = 8


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
        str array: ``"member"``, a near-miss edit (``"substitute"``,
        ``"insert"``, ``"delete"``, ``"transpose"``) or ``"random"``.
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

    # -- files --------------------------------------------------------------------------------

    def _header(self) -> dict:
        single = all(isinstance(w, str) for w in self.words)
        return {
            "format": _FORMAT,
            "version": _VERSION,
            "grammar": self.grammar,
            "fingerprint": self.fingerprint,
            "seed": self.seed,
            "single_char": single,
            "size": len(self),
            "info": self.info,
        }

    def save(self, path: str | os.PathLike) -> None:
        """Write the data set to `path`: JSON lines (``.jsonl``) or numpy (``.npz``).

        A JSON lines file holds a header line (format, grammar name,
        fingerprint, seed, ...) and then one ``{"word", "label", "kind"}``
        object per line; token words are lists.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from grammar import library
        >>> data = make_dataset(library.reber(), 20, lengths=(5, 9), seed=3)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     for name in ("d.jsonl", "d.npz"):
        ...         data.save(pathlib.Path(tmp) / name)
        ...         back = Dataset.load(pathlib.Path(tmp) / name)
        ...         print(back.words == data.words, back.seed, back.fingerprint == data.fingerprint)
        True 3 True
        True 3 True
        """
        path = Path(path)
        header = self._header()
        if path.suffix == ".jsonl":
            with path.open("w", encoding="utf-8") as out:
                out.write(json.dumps(header) + "\n")
                for word, label, kind in zip(self.words, self.labels.tolist(),
                                             self.kinds.tolist(), strict=True):
                    value = word if isinstance(word, str) else list(word)
                    out.write(json.dumps({"word": value, "label": label, "kind": kind}) + "\n")
        elif path.suffix == ".npz":
            np.savez_compressed(
                path,
                header=np.array(json.dumps(header)),
                labels=self.labels,
                kinds=self.kinds,
                **_pack_words(self.words, header["single_char"]),
            )
        else:
            raise GrammarError(f"cannot save a Dataset as {path.name!r}; use .jsonl or .npz")

    @classmethod
    def load(cls, path: str | os.PathLike) -> Dataset:
        """Read a data set written by :meth:`save` (``.jsonl`` or ``.npz``)."""
        path = Path(path)
        if path.suffix == ".jsonl":
            with path.open(encoding="utf-8") as source:
                header = _check_header(json.loads(source.readline() or "{}"), path)
                records = [json.loads(line) for line in source if line.strip()]
            words = [r["word"] if isinstance(r["word"], str) else tuple(r["word"])
                     for r in records]
            labels = [bool(r["label"]) for r in records]
            kinds = [r["kind"] for r in records]
        elif path.suffix == ".npz":
            with np.load(path, allow_pickle=False) as archive:
                header = _check_header(json.loads(str(archive["header"])), path)
                words = _unpack_words(archive, header["single_char"])
                labels, kinds = archive["labels"], archive["kinds"]
        else:
            raise GrammarError(f"cannot load a Dataset from {path.name!r}; use .jsonl or .npz")
        return cls(
            words=words,
            labels=np.asarray(labels, dtype=bool),
            kinds=np.asarray(kinds, dtype=str),
            grammar=header.get("grammar"),
            fingerprint=header.get("fingerprint"),
            seed=header.get("seed"),
            info=header.get("info") or {},
        )


def _check_header(header: dict, path: Path) -> dict:
    if header.get("format") != _FORMAT:
        raise GrammarError(f"{path} is not a grammarlab data set (no {_FORMAT!r} header)")
    if header.get("version", 0) > _VERSION:
        raise GrammarError(f"{path} was written by a newer grammarlab (version "
                           f"{header['version']})")
    return header


def _blob(pieces: list[str]) -> tuple[np.ndarray, np.ndarray]:
    encoded = [piece.encode("utf-8") for piece in pieces]
    return (np.frombuffer(b"".join(encoded), dtype=np.uint8),
            np.array([len(e) for e in encoded], dtype=np.int64))


def _pack_words(words: list, single_char: bool) -> dict[str, np.ndarray]:
    if single_char:
        text, sizes = _blob(words)
        return {"text": text, "sizes": sizes}
    tokens = [token for word in words for token in word]
    text, sizes = _blob(tokens)
    return {"text": text, "sizes": sizes,
            "word_tokens": np.array([len(w) for w in words], dtype=np.int64)}


def _unpack_words(archive: Any, single_char: bool) -> list:
    data = archive["text"].tobytes()
    ends = np.cumsum(archive["sizes"]).tolist()
    pieces = [data[a:b].decode("utf-8") for a, b in zip([0, *ends[:-1]], ends, strict=True)]
    if single_char:
        return pieces
    ends = np.cumsum(archive["word_tokens"]).tolist()
    return [tuple(pieces[a:b]) for a, b in zip([0, *ends[:-1]], ends, strict=True)]


# -- making data sets -----------------------------------------------------------------------------


def _resolve_seed(seed: Any) -> int:
    """An int that reproduces the run: `seed` itself, or one drawn from it (or from entropy)."""
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return int(seed)
    if seed is not None and not isinstance(seed, np.random.Generator):
        raise TypeError(f"seed must be an int, None or a numpy Generator, not "
                        f"{type(seed).__name__}")
    return int(np.random.default_rng(seed).integers(2**63))


def _check_negatives(negatives: Any) -> list[tuple[str, float]]:
    if not isinstance(negatives, dict):
        raise TypeError(f"negatives must be a dict of kind -> fraction, not "
                        f"{type(negatives).__name__}")
    mix = []
    for kind, weight in negatives.items():
        if kind not in NEGATIVE_KINDS:
            raise GrammarError(f"unknown negative kind {kind!r}; choose from "
                               f"{', '.join(NEGATIVE_KINDS)}")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not (
                math.isfinite(weight) and weight >= 0):
            raise GrammarError(f"negatives[{kind!r}] must be a number >= 0, got {weight!r}")
        if weight > 0:
            mix.append((kind, float(weight)))
    if not mix:
        raise GrammarError("negatives must give some kind a positive fraction")
    total = sum(w for _, w in mix)
    return [(kind, w / total) for kind, w in mix]


def _water_fill(capacity: list[int], total: int) -> list[int]:
    """Split `total` as evenly as possible over slots with these capacities."""
    quota = [0] * len(capacity)
    open_slots = [i for i, c in enumerate(capacity) if c > 0]
    left = total
    while left > 0 and open_slots:
        share, extra = divmod(left, len(open_slots))
        still = []
        for rank, i in enumerate(open_slots):
            give = min(capacity[i] - quota[i], share + (rank < extra))
            quota[i] += give
            left -= give
            if quota[i] < capacity[i]:
                still.append(i)
        if len(still) == len(open_slots) and share == 0 and extra == 0:
            break
        open_slots = still
    return quota


def _parts(total: int, fractions: list[float], rng: np.random.Generator) -> list[int]:
    """`total` split by `fractions` (largest remainders, ties broken at random)."""
    raw = np.array(fractions) * total
    parts = np.floor(raw).astype(int)
    short = total - int(parts.sum())
    order = np.lexsort((rng.random(len(raw)), -(raw - parts)))
    parts[order[:short]] += 1
    return parts.tolist()


class _Builder:
    """Draws distinct words of one grammar, length by length."""

    def __init__(self, g: Grammar, rng: np.random.Generator, exclude: set) -> None:
        self.g, self.rng, self.exclude = g, rng, exclude
        self.codec = Codec.of(g)
        self.taken: set = set()

    def distinct(self, length: int, count: int, members: bool) -> list[Word]:
        """Up to `count` new distinct (non-)members of `length`, uniformly without replacement."""
        dfa = self.g.dfa
        counts = count_table(dfa, length, members)
        available = int(counts[length, dfa.start])
        found: list = []
        draw = count + len(self.exclude) + 8
        while len(found) < count and available:
            draw = min(available, draw)
            want = count - len(found)
            if available < 2**62:
                ranks = self.rng.choice(available, size=draw, replace=False)
            else:  # collisions are negligible; the set below removes any
                ranks = random_below(self.rng, np.full(draw, available, dtype=object))
            codes = unrank_codes(dfa, np.full(draw, length), ranks, members)
            for word in self.codec.decode(codes):
                if word not in self.taken and word not in self.exclude:
                    self.taken.add(word)
                    found.append(word)
                    want -= 1
                    if not want:
                        break
            if draw == available:
                break  # every word of the length was seen
            draw *= 2
        return found

    def misses(self, quotas: dict[int, int], kinds: tuple[str, ...],
               long_range: float) -> dict[int, tuple[list, list[str]]]:
        """Up to ``quotas[L]`` new distinct near misses of each length L, with their kinds."""
        found: dict[int, tuple[list, list[str]]] = {L: ([], []) for L in quotas}
        for attempt in range(_RANK_RETRIES):
            want = {L: q - len(found[L][0]) for L, q in quotas.items()}
            # Ask for a little more than is missing: some will be repeats.
            ask = {L: w + w // 4 + 2 * attempt for L, w in want.items() if w > 0}
            if not ask:
                break
            try:
                drawn = near_misses_by_length(self.g, ask, seed=self.rng, kinds=kinds,
                                              long_range=long_range)
            except EmptyLanguageError:
                break
            for word, kind in zip(drawn.words, drawn.kinds.tolist(), strict=True):
                words, labels = found[len(word)]
                if (len(words) < quotas[len(word)] and word not in self.taken
                        and word not in self.exclude):
                    self.taken.add(word)
                    words.append(word)
                    labels.append(kind)
        return found


def _progress_callback(progress: Any, total: int) -> tuple[Callable[[int], None], Callable]:
    if callable(progress):
        return progress, lambda: None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="word", leave=False)
        return bar.update, bar.close
    return (lambda _: None), (lambda: None)


def _normalise(g: Grammar, words: Iterable[Any]) -> set:
    """The words over g's alphabet among `words` (or a Dataset's), as g writes them."""
    if isinstance(words, Dataset):
        words = words.words
    codec = Codec.of(g)
    out = set()
    for word in words:
        try:
            symbols = g.symbols_of(word)
        except TypeError:
            continue
        if all(symbol in codec.column for symbol in symbols):
            out.add("".join(symbols) if g.single_char else tuple(symbols))
    return out


def _excluded_by_length(g: Grammar, excluded: set) -> tuple[Counter, Counter]:
    """How many excluded members, and non-members, each length has."""
    words = list(excluded)
    accepted = g.accepts_many(words).tolist() if words else []
    members, others = Counter(), Counter()
    for word, member in zip(words, accepted, strict=True):
        (members if member else others)[len(word)] += 1
    return members, others


def make_dataset(
    g: Grammar,
    n: int,
    *,
    lengths: int | tuple[int, int] = (1, 30),
    negatives: dict[str, float] | None = None,
    seed: Any = None,
    long_range: float = 0.0,
    exclude: Iterable[Word] = (),
    progress: bool | Callable[[int], None] = False,
) -> Dataset:
    """A balanced, deduplicated, labelled data set of `n` words.

    Half the words are members and half are not, and each length in the
    range holds as many members as non-members (as far as the language
    allows: a length with few members or few non-members gets fewer words,
    and the other lengths take up the slack). Members are drawn uniformly
    without replacement among those of their length; negatives follow the
    `negatives` mix. No word appears twice.

    Parameters
    ----------
    g : Grammar
    n : int
        Number of words (an odd n gives n - 1). Fewer when the lengths do
        not hold that many distinct members and non-members.
    lengths : int or (int, int)
        Word lengths, inclusive.
    negatives : dict, default ``{"near_miss": 0.5, "random": 0.5}``
        Fractions of the negatives: ``"near_miss"`` (all four edits), or one
        edit (``"substitute"``, ``"insert"``, ``"delete"``, ``"transpose"``),
        and ``"random"`` (uniform non-members). Near misses that a length
        cannot supply are replaced by random non-members.
    seed : int, None or numpy.random.Generator
        Recorded in the data set; None draws a fresh seed and records it.
    long_range : float in [0, 1]
        Passed to :func:`grammar.negatives.near_misses`: the fraction of near
        misses that are locally plausible.
    exclude : iterable of words
        Words never to include (for example, a training set's).
    progress : bool or callable
        True shows a tqdm bar; a callable is called with the number of words
        added after each length (the command line passes a tqdm ``update``).

    Returns
    -------
    Dataset
        Rows in random order; kinds ``"member"``, an edit, or ``"random"``.

    Raises
    ------
    EmptyLanguageError
        If no length in the range has both a member and a non-member.

    Examples
    --------
    >>> from grammar import library
    >>> g = library.tomita(2)
    >>> data = make_dataset(g, 12, lengths=(1, 6), seed=0)
    >>> sorted(w for w, y in zip(data.words, data.labels) if y)
    ['10', '1010', '101010']
    >>> all(len(w) % 2 == 0 for w, y in zip(data.words, data.labels) if y)
    True
    """
    n = check_count(n)
    lo, hi = check_length_range(lengths)
    mix = _check_negatives({"near_miss": 0.5, "random": 0.5} if negatives is None else negatives)
    long_range = _check_fraction(long_range, "long_range")
    seed = _resolve_seed(seed)
    rng = np.random.default_rng(seed)
    excluded = _normalise(g, exclude)

    dfa = g.dfa
    members = count_table(dfa, hi)[:, dfa.start]
    k = len(g.alphabet)
    # What each length can supply once the excluded words are taken out.
    taken_members, taken_others = _excluded_by_length(g, excluded)
    capacity = [
        min(int(members[L]) - taken_members[L], k**L - int(members[L]) - taken_others[L])
        for L in range(lo, hi + 1)
    ]
    if not any(capacity):
        raise EmptyLanguageError(
            f"{grammar_label(g)} has no {describe_lengths(lo, hi)} with both a member and a "
            "non-member (that is not excluded)"
        )
    quota = dict(zip(range(lo, hi + 1), _water_fill(capacity, n // 2), strict=True))
    builder = _Builder(g, rng, excluded)
    update, close = _progress_callback(progress, 2 * sum(quota.values()))
    try:
        positives = {}
        for length, pairs in quota.items():
            if pairs:
                positives[length] = builder.distinct(length, pairs, members=True)
                update(len(positives[length]))
        negatives_found = _negatives(builder, {L: len(p) for L, p in positives.items()}, mix,
                                     long_range, update)
    finally:
        close()
    words: list = []
    kinds: list[str] = []
    for length, members_found in positives.items():
        negative_words, negative_kinds = negatives_found[length]
        # Keep the length balanced should it run short of negatives.
        kept = members_found[: len(negative_words)]
        words += kept + negative_words
        kinds += ["member"] * len(kept) + negative_kinds
    order = rng.permutation(len(words))
    kinds_array = np.array(kinds, dtype="<U10")[order]
    return Dataset(
        words=[words[i] for i in order],
        labels=kinds_array == "member",
        kinds=kinds_array,
        grammar=g.name,
        fingerprint=g.fingerprint,
        seed=seed,
        info={"lengths": [lo, hi], "negatives": dict(mix), "long_range": long_range,
              "requested": n},
    )


def _negatives(builder: _Builder, counts: dict[int, int], mix: list[tuple[str, float]],
               long_range: float, update: Callable[[int], None]) -> dict[int, tuple[list, list]]:
    """``counts[L]`` distinct negatives of each length L, in the proportions of `mix`.

    Near misses of all lengths are drawn together per kind of the mix; random
    non-members then make up the random share and whatever near misses could
    not supply.
    """
    shares = {L: _parts(c, [w for _, w in mix], builder.rng) for L, c in counts.items()}
    found: dict[int, tuple[list, list]] = {L: ([], []) for L in counts}
    for i, (kind, _) in enumerate(mix):
        if kind == "random":
            continue
        edits = KINDS if kind == "near_miss" else _check_kinds(kind)
        drawn = builder.misses({L: s[i] for L, s in shares.items()}, edits, long_range)
        for L, (words, kinds) in drawn.items():
            found[L][0].extend(words)
            found[L][1].extend(kinds)
            update(len(words))
    for L, count in counts.items():
        words, kinds = found[L]
        extra = builder.distinct(L, count - len(words), members=False)
        words.extend(extra)
        kinds.extend(["random"] * len(extra))
        update(len(extra))
    return found


# -- splits and test suites -----------------------------------------------------------------------


def _apportion(sizes: np.ndarray, fractions: list[float]) -> np.ndarray:
    """Integer counts[kind, part] with rows summing to `sizes`, near ``size * fraction``,
    and columns summing to the parts' rounded totals (largest remainders)."""
    ideal = np.outer(sizes, fractions)
    counts = np.floor(ideal).astype(np.int64)
    total = ideal.sum(axis=0)
    target = np.floor(total).astype(np.int64)
    spare = int(sizes.sum() - target.sum())
    target[np.argsort(-(total - target), kind="stable")[:spare]] += 1
    for row in range(len(sizes)):
        for _ in range(int(sizes[row] - counts[row].sum())):
            deficit = target - counts.sum(axis=0)
            counts[row, int(np.argmax(deficit + (ideal[row] - counts[row]) * 1e-9))] += 1
    return counts


def split(
    ds: Dataset, fractions: Sequence[float] = (0.8, 0.1, 0.1), seed: Any = None
) -> tuple[Dataset, ...]:
    """Cut a data set into disjoint parts, stratified by kind.

    Copies of one word (if any) always land in the same part, so no word is
    shared between parts. Each kind is cut by `fractions` on its own, so
    every part keeps the data set's balance.

    Parameters
    ----------
    ds : Dataset
    fractions : sequence of float
        Sizes of the parts, summing to 1 (train, validation, test by default).
    seed : int, None or numpy.random.Generator
        None uses the data set's own seed, so a split is reproducible.

    Returns
    -------
    tuple of Dataset
        One per fraction; ``info["part"]`` is its index.

    Examples
    --------
    >>> from grammar import library
    >>> data = make_dataset(library.reber(), 200, lengths=(5, 12), seed=0)
    >>> parts = split(data, (0.5, 0.5))
    >>> [len(p) for p in parts], [int(p.labels.sum()) for p in parts]
    ([100, 100], [50, 50])
    """
    if not isinstance(ds, Dataset):
        raise TypeError(f"split needs a Dataset, not {type(ds).__name__}")
    fractions = [float(f) for f in fractions]
    if not fractions or any(f < 0 for f in fractions) or not math.isclose(sum(fractions), 1.0,
                                                                          abs_tol=1e-6):
        raise GrammarError(f"fractions must be >= 0 and sum to 1, got {tuple(fractions)}")
    rng = np.random.default_rng(ds.seed if seed is None else seed)
    group_of: dict = {}
    groups = np.array([group_of.setdefault(w, len(group_of)) for w in ds.words], dtype=np.intp)
    # A group's kind is that of its first row; each kind's groups are shuffled and cut.
    first_row = np.full(len(group_of), -1, dtype=np.intp)
    first_row[groups[::-1]] = np.arange(len(groups))[::-1]
    group_kind = ds.kinds[first_row] if len(first_row) else np.array([], dtype=str)
    part_of_group = np.empty(len(group_of), dtype=np.intp)
    kinds, sizes = np.unique(group_kind, return_counts=True)
    for kind, counts in zip(kinds, _apportion(sizes, fractions), strict=True):
        members = rng.permutation(np.flatnonzero(group_kind == kind))
        part_of_group[members] = np.repeat(np.arange(len(fractions)), counts)
    row_part = part_of_group[groups]
    return tuple(
        replace(ds.take(np.flatnonzero(row_part == part)), info={**ds.info, "part": part})
        for part in range(len(fractions))
    )


def _adversarial(g: Grammar, pairs: int, lengths: tuple[int, int], seed: int,
                 excluded: set, long_range: float) -> Dataset:
    """Near-miss pairs: each near miss next to the member it came from (rows 2i, 2i + 1)."""
    rng = np.random.default_rng(seed)
    words: list = []
    kinds: list[str] = []
    taken = set(excluded)
    for _ in range(_RANK_RETRIES):
        want = pairs - len(words) // 2
        if want <= 0:
            break
        found = near_misses(g, want + want // 4 + 8, seed=rng, length=lengths,
                            long_range=long_range)
        for miss, source, kind in zip(found.words, found.sources, found.kinds.tolist(),
                                      strict=True):
            if miss in taken or source in taken:
                continue
            taken.update((miss, source))
            words += [source, miss]
            kinds += ["member", kind]
            if len(words) == 2 * pairs:
                break
    kinds_array = np.array(kinds, dtype="<U10")
    return Dataset(words, kinds_array == "member", kinds_array, g.name, g.fingerprint, seed,
                   {"lengths": list(lengths), "pairs": True, "long_range": long_range})


def test_suite(
    g: Grammar,
    n_per_set: int,
    *,
    train_lengths: int | tuple[int, int] = (1, 30),
    long_lengths: int | tuple[int, int] = (31, 60),
    exclude: Iterable[Word] = (),
    seed: Any = None,
    long_range: float = 0.5,
) -> dict[str, Dataset]:
    """MLRegTest-style test sets: random and adversarial, at training lengths and beyond.

    Parameters
    ----------
    g : Grammar
    n_per_set : int
        Words per set (as far as the lengths allow).
    train_lengths, long_lengths : int or (int, int)
        The training lengths, and the longer lengths that test generalisation.
    exclude : iterable of words or Dataset
        Words to leave out of every set (typically the training words).
    seed : int, None or numpy.random.Generator
    long_range : float in [0, 1]
        Fraction of locally plausible near misses in the adversarial sets.

    Returns
    -------
    dict of str to Dataset
        ``"short_random"`` and ``"long_random"``: balanced members and random
        non-members. ``"short_adversarial"`` and ``"long_adversarial"``:
        near-miss pairs, rows ``2i`` (the member) and ``2i + 1`` (the near
        miss made from it).

    Examples
    --------
    >>> from grammar import library
    >>> suite = test_suite(library.embedded_reber(), 100, train_lengths=(9, 20),
    ...                    long_lengths=(21, 40), seed=0)
    >>> sorted(suite), len(suite["long_adversarial"])
    (['long_adversarial', 'long_random', 'short_adversarial', 'short_random'], 100)
    >>> adv = suite["short_adversarial"]
    >>> adv.kinds[:2].tolist()[0], bool(adv.labels[0]), bool(adv.labels[1])
    ('member', True, False)
    """
    n = check_count(n_per_set, "n_per_set")
    short = check_length_range(train_lengths)
    long = check_length_range(long_lengths)
    long_range = _check_fraction(long_range, "long_range")
    base = _resolve_seed(seed)
    seeds = [int(s) for s in np.random.default_rng(base).integers(2**63, size=4)]
    excluded = _normalise(g, exclude)
    random_mix = {"random": 1.0}
    return {
        "short_random": make_dataset(g, n, lengths=short, negatives=random_mix, seed=seeds[0],
                                     exclude=excluded),
        "long_random": make_dataset(g, n, lengths=long, negatives=random_mix, seed=seeds[1],
                                    exclude=excluded),
        "short_adversarial": _adversarial(g, n // 2, short, seeds[2], excluded, long_range),
        "long_adversarial": _adversarial(g, n // 2, long, seeds[3], excluded, long_range),
    }


test_suite.__test__ = False  # not a pytest test, whatever its name
