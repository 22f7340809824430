"""A suite spec: the grammars, models, training budget and seeds of a suite, read from TOML.

A spec is a small TOML file::

    name = "tomita"
    seeds = [0]

    [grammars]
    builtin = ["tomita-1", "embedded-reber"]         # grammar.library names
    files = ["my.dot"]                                # grammar files, relative to the spec
    random = [{states = [5, 20], alphabet = [2, 4], count = 10, seed = 0}]

    [[models]]
    name = "gru-16"
    cell = "gru"                                      # or "lstm": any of neural.cells.CELLS
    hidden = 16                                       # any TrainConfig field may follow

    [train]                                           # TrainConfig fields, for every model
    n_examples = 2000
    lengths = [1, 16]

    [compare]                                         # neural.compare's test sets
    n_per_set = 500
    seed = 0

    [search]                                          # optional: neural.search, where present
    max_length = 12
    budget = 10.0                                     # seconds

    [extract]                                         # optional (or `extract = true`)
    budget = 10.0

Every key is checked when the spec is read, and the grammars are built and
the training configs made, so that a bad spec fails at once, before any
training, with one :class:`SpecError` line naming the file and the key at
fault (``models[1].hidden``, ``grammars.random[0].alphabet``). The
optional steps (``search``, ``extract``) are asked for here; a suite runs
them when :mod:`neural.judge.search` / :mod:`neural.judge.extract` are installed, and
leaves their columns out otherwise (:attr:`SuiteSpec.notes` says so).

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
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from grammar.commandline import MAX_LENGTH
from neural.cells import CELLS
from neural.config import TrainConfig
from neural.suite.checks import TOP_KEYS, KeyChecker, SpecError
from neural.suite.grammars import GrammarEntry, read_grammars

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["SpecError", "SuiteSpec", "GrammarEntry", "ModelEntry", "Run", "OPTIONAL_STEPS",
           "parse_spec", "read_spec", "optional_step"]

_MODEL_KEYS = ("name", "cell")
# Where the optional steps live, and the function each module provides.
OPTIONAL_STEPS = {"search": ("neural.search", "search"), "extract": ("neural.extract", "extract")}


@dataclass(frozen=True)
class ModelEntry:
    """One model of a suite: its name, cell and the training config (seed aside)."""

    name: str
    cell: str
    config: TrainConfig = field(repr=False)


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
    search, extract : dict or None
        The optional steps' arguments (``max_length``; ``budget`` in
        seconds), None when not asked for.
    data : dict
        The spec as read (JSON-able), to tell a rerun of the same spec.
    """

    name: str
    description: str
    grammars: list[GrammarEntry]
    models: list[ModelEntry]
    seeds: list[int]
    compare: dict[str, int]
    search: dict[str, Any] | None
    extract: dict[str, Any] | None
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
    def notes(self) -> list[str]:
        """One line per optional step asked for but not installed (its columns left out)."""
        return [f"{step} asked for, but {OPTIONAL_STEPS[step][0]} is not installed: its "
                "columns are left out" for step in ("search", "extract")
                if getattr(self, step) is not None and optional_step(step) is None]


def optional_step(step: str) -> Any:
    """The function of optional step `step` (``search``, ``extract``), or None when absent.

    Examples
    --------
    >>> optional_step("nothing") is None
    True
    """
    import importlib

    if step not in OPTIONAL_STEPS:
        return None
    module, name = OPTIONAL_STEPS[step]
    try:
        found = importlib.import_module(module)
    except ModuleNotFoundError as err:
        if err.name == module:
            return None
        raise
    function = getattr(found, name, None)
    return function if callable(function) else None


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
    fail.unknown(data, TOP_KEYS, "")
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
    search = _optional(data, "search", {"max_length": 10, "budget": 10.0},
                       {"max_length": 0, "budget": 0.0}, fail)
    if search is not None and search["max_length"] > MAX_LENGTH:
        fail("search.max_length", f"must be <= {MAX_LENGTH} (lengths go up to {MAX_LENGTH}), "
             f"got {search['max_length']}")
    extract = _optional(data, "extract", {"budget": 10.0}, {"budget": 0.0}, fail)
    return SuiteSpec(name, description, grammars, models, list(seeds), compare, search, extract,
                     json.loads(json.dumps(data, default=str)))


def _models(models: Any, train: dict, fail: KeyChecker) -> list[ModelEntry]:
    if models is None:
        fail("models", "missing: list at least one [[models]] table")
    fail.type(models, list, "models")
    if not models:
        fail("models", "lists no model")
    known = tuple(f.name for f in fields(TrainConfig) if f.name != "seed")
    has_cell = "cell" in known
    for key, value in train.items():
        _check_field(key, value, f"train.{key}", known, fail)
    entries = []
    for k, model in enumerate(models):
        fail.type(model, dict, f"models[{k}]")
        settings = {}
        for key, value in model.items():
            if key not in _MODEL_KEYS:
                _check_field(key, value, f"models[{k}].{key}", known, fail)
                settings[key] = value
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
        entries.append(ModelEntry(name, cell, config))
    names = [m.name for m in entries]
    for name in names:
        if names.count(name) > 1:
            fail("models", f"two models are named {name!r}; give each its own name")
    return entries


def _tuples(settings: dict) -> dict:
    # TOML arrays arrive as lists; TrainConfig keeps its ranges as tuples.
    return {k: tuple(v) if isinstance(v, list) else v for k, v in settings.items()}


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

