"""Module paths that moved: the old ones still work, with a DeprecationWarning.

The judges (compare, search, extract, certify) live under :mod:`neural.judge` and the
training loop under :mod:`neural.training`, so that no module shares its name with the
function that :mod:`neural` exports (``neural.search`` is the function, and
:mod:`neural.judge.search` its package); the command line's modules live in one package,
:mod:`neural.cli` (once ``neural/cli.py`` and ``neural/commands/``), and the HTML page
is :mod:`neural.page` (once ``neural.report``). The old paths in :data:`MOVED`
(``from neural.search import search``, ``import neural.train``) are served by stand-ins
that :func:`register` puts into ``sys.modules`` when :mod:`neural` is imported: each
forwards every name, read or set, to the module's new home (loaded on first use), with a
DeprecationWarning. As they are in ``sys.modules`` before any import asks for them,
importing an old path never sets the package's attribute of that name: ``neural.search``
stays the function whichever import comes first.

Examples
--------
>>> import sys, warnings
>>> old = sys.modules["neural.search.scope"]
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     from neural.search.scope import Scope
>>> Scope.__module__, caught[0].category.__name__
('neural.judge.search.scope', 'DeprecationWarning')
"""

from __future__ import annotations

import importlib
import sys
import types
import warnings
from typing import Any

__all__ = ["MOVED", "register"]

#: Old module path -> where it lives now.
MOVED = {
    "neural.train": "neural.training.loop",
    "neural.search": "neural.judge.search",
    "neural.search.counts": "neural.judge.search.counts",
    "neural.search.planted": "neural.testing",
    "neural.search.report": "neural.judge.search.result",
    "neural.search.run": "neural.judge.search.run",
    "neural.search.scope": "neural.judge.search.scope",
    "neural.search.stepper": "neural.judge.search.stepper",
    "neural.search.trie": "neural.judge.search.trie",
    "neural.extract": "neural.judge.extract",
    "neural.extract.lstar": "neural.judge.extract.lstar",
    "neural.extract.result": "neural.judge.extract.result",
    "neural.extract.run": "neural.judge.extract.run",
    "neural.extract.sampling": "neural.judge.extract.sampling",
    "neural.compare": "neural.judge.compare",
    "neural.compare.report": "neural.judge.compare.result",
    "neural.compare.run": "neural.judge.compare.run",
    "neural.certify": "neural.judge.certify",
    "neural.certify.boxes": "neural.judge.certify.boxes",
    "neural.certify.checker": "neural.judge.certify.checker",
    "neural.certify.construct": "neural.judge.certify.construct",
    "neural.certify.intervals": "neural.judge.certify.intervals",
    "neural.certify.margin": "neural.judge.certify.margin",
    "neural.certify.network": "neural.judge.certify.network",
    "neural.certify.pumping": "neural.judge.certify.pumping",
    "neural.certify.result": "neural.judge.certify.result",
    "neural.certify.run": "neural.judge.certify.run",
    # the command line: one package, neural.cli, beside grammar.cli
    "neural.commands": "neural.cli",
    "neural.commands.certify": "neural.cli.certify",
    "neural.commands.forensics": "neural.cli.forensics",
    "neural.commands.suite": "neural.cli.suite",
    # the HTML page: "report" named five things
    "neural.report": "neural.page",
    "neural.report.checks": "neural.page.checks",
    "neural.report.collect": "neural.page.collect",
    "neural.report.plots": "neural.page.plots",
}


class MovedModule(types.ModuleType):
    """The stand-in for an old module path: every name forwarded to `new`, with a warning."""

    def __init__(self, old: str, new: str) -> None:
        super().__init__(old, f"Moved to {new}; this name is deprecated.")
        self.__dict__["_new"] = new
        if any(name.startswith(old + ".") for name in MOVED):
            self.__dict__["__path__"] = []  # a package: its moved submodules are listed

    def _target(self) -> types.ModuleType:
        new = self.__dict__["_new"]
        warnings.warn(f"{self.__name__} is deprecated; use {new}", DeprecationWarning,
                      stacklevel=3)
        return importlib.import_module(new)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__") and name != "__all__":
            raise AttributeError(name)  # tools probing every module ask for dunders: no import
        return getattr(self._target(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        # Monkeypatching the old path patches the new; the first value replaced is kept, so
        # that deleting the name here (as a patch's undo does, seeing nothing in this
        # module's own namespace) puts it back instead of deleting it from the new module.
        target = self._target()
        replaced = self.__dict__.setdefault("_replaced", {})
        if name not in replaced and hasattr(target, name):
            replaced[name] = getattr(target, name)
        setattr(target, name, value)

    def __delattr__(self, name: str) -> None:
        replaced = self.__dict__.get("_replaced", {})
        if name in replaced:
            setattr(self._target(), name, replaced.pop(name))
        else:
            delattr(self._target(), name)

    def __dir__(self) -> list[str]:
        return dir(importlib.import_module(self.__dict__["_new"]))

    def __repr__(self) -> str:
        return f"<module {self.__name__!r}, moved to {self.__dict__['_new']!r}>"


def register() -> None:
    """Put the stand-ins of :data:`MOVED` into ``sys.modules``, where an import has not put
    the module itself already."""
    for old, new in MOVED.items():
        sys.modules.setdefault(old, MovedModule(old, new))
