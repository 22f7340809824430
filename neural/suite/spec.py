"""A suite spec: the grammars, models, training budget and seeds of a suite, read from TOML.

A spec is a small TOML file::

    name = "tomita"
    seeds = [0]

    [grammars]
    builtin = ["tomita-1", "embedded-reber"]         # grammar.library names
    files = ["my.dot"]                                # grammar files, relative to the spec
    directories = ["mlregtest"]                       # every .att file there (see grammars)
    random = [{states = [5, 20], alphabet = [2, 4], count = 10, seed = 0}]

    [[models]]
    name = "gru-16"
    cell = "gru"                                      # or "lstm": any of neural.cells.CELLS
    size = "small"                                    # optional: MLRegTest's data, see below
    hidden = 16                                       # any TrainConfig field may follow
    patience = "off"                                  # "off" for a field's None

    [train]                                           # TrainConfig fields, for every model
    n_examples = 2000
    lengths = [1, 16]

    [compare]                                         # neural.compare's test sets
    n_per_set = 500
    seed = 0

    [search]                                          # optional: neural.search
    max_length = 12
    budget = 10.0                                     # seconds

    [extract]                                         # optional (or `extract = true`)
    budget = 10.0

    [certify]                                         # optional: neural.certify
    budget = 60.0

``size`` (in a ``[[models]]`` table or in ``[train]``: ``"small"``, ``"mid"``
or ``"large"``) draws the data as MLRegTest does at that size; it stands for
the TrainConfig fields :mod:`neural.suite.sizes` names.

Every key is checked when the spec is read, and the grammars are built and
the training configs made, so that a bad spec fails at once, before any
training, with one :class:`SpecError` line naming the file and the key at
fault (``models[1].hidden``, ``grammars.random[0].alphabet``). The
optional judges (``search``, ``extract``, ``certify``: one table each, as
:data:`neural.suite.judges.JUDGES` lists them, with their options' defaults
and bounds) are asked for here; a run adds their columns.

Examples
--------
>>> spec = parse_spec('''
... seeds = [0, 1]
... [grammars]
... builtin = ["parity", "tomita-2"]
... [[models]]
... hidden = 8
... ''', where="demo.toml")
>>> [run.id for run in spec.runs][:2]
['000-parity-gru-8-s0', '001-parity-gru-8-s1']
>>> parse_spec('[grammars]\\nbuiltin = ["parity"]\\n[[models]]\\nhiden = 8', where="x.toml")
Traceback (most recent call last):
...
neural.suite.SpecError: x.toml: models[0].hiden: unknown key; ...
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import warnings
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from neural.cells import CELLS
from neural.config import TrainConfig
from neural.suite.checks import KeyChecker, SpecError, top_keys
from neural.suite.grammars import GrammarEntry, read_grammars
from neural.suite.judges import JUDGES
from neural.suite.sizes import size_fields

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["SpecError", "SuiteSpec", "GrammarEntry", "ModelEntry", "Run", "parse_spec",
           "read_spec", "optional_step"]

_MODEL_KEYS = ("name", "cell", "size")


def __getattr__(name: str) -> Any:
    if name == "OPTIONAL_STEPS":
        warnings.warn("OPTIONAL_STEPS is deprecated; the judges are neural.suite.judges.JUDGES",
                      DeprecationWarning, stacklevel=2)
        return {step: (f"neural.judge.{step}", step) for step in ("search", "extract")}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class ModelEntry:
    """One model of a suite: its name, cell, the training config (seed aside), and the
    MLRegTest size its data follows (None for the config's own)."""

    name: str
    cell: str
    config: TrainConfig = field(repr=False)
    size: str | None = None


@dataclass(frozen=True)
class Run:
    """One grammar x model x seed of a suite; `id` names its directory."""

    id: str
    grammar: GrammarEntry
    model: ModelEntry
    seed: int

    def train_config(self) -> TrainConfig:
        """The model's config with this run's seed."""
        from dataclasses import replace

        return replace(self.model.config, seed=self.seed)


@dataclass(frozen=True)
class SuiteSpec:
    """A checked suite spec; see :func:`read_spec`.

    Attributes
    ----------
    name : str
    grammars : list of GrammarEntry
    models : list of ModelEntry
    seeds : list of int
    compare : dict
        ``n_per_set`` and ``seed`` of the test sets.
    judges : dict of str to dict
        The options of each judge asked for (``max_length``; ``budget`` in
        seconds), in the order of :data:`~neural.suite.judges.JUDGES`.
    search, extract : dict or None
        ``judges.get("search")``, ``judges.get("extract")``.
    data : dict
        The spec as read (JSON-able), to tell a rerun of the same spec.
    """

    name: str
    description: str
    grammars: list[GrammarEntry]
    models: list[ModelEntry]
    seeds: list[int]
    compare: dict[str, int]
    judges: dict[str, dict[str, Any]]
    data: dict[str, Any] = field(repr=False)

    @property
    def runs(self) -> list[Run]:
        """Every grammar x model x seed, in a fixed order."""
        runs = []
        for g in self.grammars:
            for m in self.models:
                for s in self.seeds:
                    run_id = f"{len(runs):03d}-{_slug(g.label)}-{_slug(m.name)}-s{s}"
                    runs.append(Run(run_id, g, m, s))
        return runs

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the spec as read, to tell a rerun of the same spec from another."""
        text = json.dumps(self.data, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def search(self) -> dict[str, Any] | None:
        """The search's options, None when not asked for."""
        return self.judges.get("search")

    @property
    def extract(self) -> dict[str, Any] | None:
        """The extraction's options, None when not asked for."""
        return self.judges.get("extract")

    @property
    def notes(self) -> list[str]:
        """Lines to show before a run (none: every judge ships with :mod:`neural`)."""
        return []


def optional_step(step: str) -> Any:
    """Deprecated: the function that runs judge `step` as a suite does, or None.

    A suite's judges are :data:`neural.suite.judges.JUDGES`.

    Examples
    --------
    >>> optional_step("nothing") is None
    True
    """
    from neural.suite.judges import JUDGES

    warnings.warn("optional_step is deprecated; the judges are neural.suite.judges.JUDGES",
                  DeprecationWarning, stacklevel=2)
    judge = JUDGES.get(step)
    if judge is None:
        return None

    def run(verifier: Any, g: Any, **options: Any) -> Any:
        return judge.run(verifier, g, options)

    return run


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._")[:40]
    return slug or "x"


def read_spec(path: str | os.PathLike) -> SuiteSpec:
    """Read and check the suite spec at `path`.

    Raises
    ------
    SpecError
        Naming the file and the key at fault, for a missing or unreadable
        file, bad TOML, an unknown key, a bad value or a grammar that cannot
        be built.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(f"{path}: no such suite spec") from None
    except (OSError, UnicodeDecodeError) as err:
        raise SpecError(f"{path}: cannot read the suite spec: {err}") from None
    return parse_spec(text, where=str(path), base=path.parent)


def parse_spec(text: str, *, where: str = "<spec>", base: str | os.PathLike = ".") -> SuiteSpec:
    """Check the suite spec in TOML `text`; `base` anchors relative grammar files.

    Raises
    ------
    SpecError
        As :func:`read_spec`.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise SpecError(f"{where}: not valid TOML: {err}") from None
    fail = KeyChecker(where)
    fail.unknown(data, top_keys(), "")
    name = data.get("name", Path(where).stem)
    fail.type(name, str, "name")
    description = data.get("description", "")
    fail.type(description, str, "description")
    seeds = data.get("seeds", [0])
    fail.type(seeds, list, "seeds")
    if not seeds:
        fail("seeds", "must list at least one seed")
    for k, s in enumerate(seeds):
        fail.integer(s, f"seeds[{k}]", low=0)
    if len(set(seeds)) != len(seeds):
        fail("seeds", "lists a seed twice")
    if "grammars" not in data:
        fail("grammars", "missing: a suite needs at least one grammar")
    grammars = read_grammars(data["grammars"], fail, Path(base))
    train = data.get("train", {})
    fail.type(train, dict, "train")
    models = _models(data.get("models"), train, fail)
    compare = _section(data.get("compare", {}), "compare", {"n_per_set": 2000, "seed": 0},
                       {"n_per_set": 1, "seed": 0}, fail)
    judges = {}
    for judge in JUDGES.values():
        options = _optional(data, judge.name, dict(judge.options), dict(judge.lows), fail)
        if options is None:
            continue
        for key, high in judge.highs.items():
            if options[key] > high:
                fail(f"{judge.name}.{key}", f"must be <= {high}, got {options[key]}")
        judges[judge.name] = options
    return SuiteSpec(name, description, grammars, models, list(seeds), compare, judges,
                     json.loads(json.dumps(data, default=str)))


def _models(models: Any, train: dict, fail: KeyChecker) -> list[ModelEntry]:
    if models is None:
        fail("models", "missing: list at least one [[models]] table")
    fail.type(models, list, "models")
    if not models:
        fail("models", "lists no model")
    known = tuple(f.name for f in fields(TrainConfig) if f.name != "seed")
    has_cell = "cell" in known
    train = dict(train)
    train_size = train.pop("size", None)
    for key, value in train.items():
        _check_field(key, value, f"train.{key}", known, fail)
    if train_size is not None:
        size_fields(train_size, "train.size", train, fail)
    entries = []
    for k, model in enumerate(models):
        fail.type(model, dict, f"models[{k}]")
        settings = {}
        for key, value in model.items():
            if key not in _MODEL_KEYS:
                _check_field(key, value, f"models[{k}].{key}", known, fail)
                settings[key] = value
        size = model.get("size", train_size)
        if size is not None:
            where = f"models[{k}]" + (".size" if "size" in model else " (with train.size)")
            settings.update(size_fields(size, where, settings, fail))
        cell = model.get("cell", "gru")
        if cell not in CELLS:
            fail(f"models[{k}].cell", f"must be one of {', '.join(CELLS)}, not {cell!r}")
        if cell != "gru" and not has_cell:
            fail(f"models[{k}].cell", f"{cell!r} needs a version of neural with that cell "
                 "(TrainConfig has no 'cell' field here)")
        merged = {**train, **settings}
        if has_cell:
            merged["cell"] = cell
        try:
            config = TrainConfig.from_dict(_tuples(merged))
        except (TypeError, ValueError) as err:
            fail(f"models[{k}]", f"with [train]: {err}")
        name = model.get("name", f"{cell}-{config.hidden}")
        fail.type(name, str, f"models[{k}].name")
        entries.append(ModelEntry(name, cell, config, size))
    names = [m.name for m in entries]
    for name in names:
        if names.count(name) > 1:
            fail("models", f"two models are named {name!r}; give each its own name")
    return entries


def _tuples(settings: dict) -> dict:
    # TOML arrays arrive as lists; TrainConfig keeps its ranges as tuples. TOML has no null:
    # "off" stands for None (patience = "off", max_steps = "off").
    return {k: tuple(v) if isinstance(v, list) else None if v == "off" else v
            for k, v in settings.items()}


def _check_field(key: str, value: Any, where: str, known: tuple[str, ...],
                 fail: KeyChecker) -> None:
    if key == "seed":
        fail(where, "set the seeds with the top-level 'seeds' list")
    if key not in known:
        fail(where, f"unknown key; expected a TrainConfig field ({', '.join(known)})")
    try:
        TrainConfig.from_dict(_tuples({key: value}))
    except (TypeError, ValueError) as err:
        fail(where, str(err))


def _section(table: Any, key: str, defaults: dict[str, Any], lows: dict[str, Any],
             fail: KeyChecker) -> dict[str, Any]:
    fail.type(table, dict, key)
    fail.unknown(table, tuple(defaults), f"{key}.")
    checked: dict[str, Any] = {}
    for k, default in defaults.items():
        value = table.get(k, default)
        if isinstance(default, float):  # seconds
            if (isinstance(value, bool) or not isinstance(value, (int, float))
                    or not value > lows[k]):
                fail(f"{key}.{k}", f"must be a number of seconds > {lows[k]}, not {value!r}")
            checked[k] = float(value)
        else:
            checked[k] = fail.integer(value, f"{key}.{k}", low=lows[k])
    return checked


def _optional(data: dict, key: str, defaults: dict[str, Any], lows: dict[str, Any],
              fail: KeyChecker) -> dict[str, Any] | None:
    value = data.get(key, False)
    if isinstance(value, bool):
        return dict(defaults) if value else None
    if not isinstance(value, dict):
        fail(key, f"must be true, false or a table, not {value!r}")
    return _section(value, key, defaults, lows, fail)

