"""Deprecated: the old name of :mod:`grammar.cli_shared`.

What the ``grammar`` and ``neural`` command lines share lives in
:mod:`grammar.cli_shared` (beside :mod:`grammar.cli_options`, its option
types), a name that says both command lines use it. Every public name of
that module is still served here, with a :class:`DeprecationWarning`, as
:mod:`grammar.io` serves its moved names.

Examples
--------
>>> import warnings
>>> import grammar.cli_shared, grammar.commandline
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     same = grammar.commandline.load_grammar is grammar.cli_shared.load_grammar
>>> same, caught[0].category.__name__
(True, 'DeprecationWarning')
"""

from __future__ import annotations

import warnings
from typing import Any

from grammar import cli_shared

__all__ = list(cli_shared.__all__)


def __getattr__(name: str) -> Any:
    if name in cli_shared.__all__:
        warnings.warn(f"grammar.commandline.{name} is deprecated; use grammar.cli_shared.{name} "
                      "(the same object)", DeprecationWarning, stacklevel=2)
        return getattr(cli_shared, name)
    raise AttributeError(f"module 'grammar.commandline' has no attribute {name!r}")
