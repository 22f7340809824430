"""The ``neural`` console command: the neural extra's check, then :func:`neural.cli.main`.

``pip install grammarlab`` installs the exact side alone (numpy, networkx,
Hypothesis, pydot, tqdm); the ``neural`` command needs the ``neural`` extra
(torch, safetensors, matplotlib, Jinja2). Where a module of that extra is
missing, ``neural`` prints one line naming it and the extra to install, and
exits 2, before parsing anything (``--help`` included). The one exception is
``neural check-certificate``, whose checker needs numpy and safetensors only.

The check looks modules up (:func:`importlib.util.find_spec`) without
importing them, so ``neural --help`` still starts without torch.

Examples
--------
>>> needed(["train", "tomita-1", "--out", "runs/t1"])
('torch', 'safetensors', 'matplotlib', 'jinja2')
>>> needed(["check-certificate", "runs/t1"])
('safetensors',)
>>> missing(["json", "no_such_module_here"])
['no_such_module_here']
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Sequence

from grammar.cli_shared import ERROR

__all__ = ["EXTRA_MODULES", "INSTALL_HINT", "main", "missing", "needed"]

#: The modules that the ``neural`` extra installs and the command line imports.
EXTRA_MODULES = ("torch", "safetensors", "matplotlib", "jinja2")

#: What to run to get them; the ``neural`` command's line names it.
INSTALL_HINT = "pip install 'grammarlab[neural]' (in a checkout: pip install -e '.[neural]')"

# Subcommands that need less than the whole extra.
_NEEDS = {"check-certificate": ("safetensors",)}


def needed(argv: Sequence[str]) -> tuple[str, ...]:
    """The modules of the neural extra that the command in `argv` needs.

    Parameters
    ----------
    argv : sequence of str
        The arguments after the program name; the first one that is not an
        option names the subcommand (the top-level options take no values).

    Returns
    -------
    tuple of str
        Top-level module names, a subset of :data:`EXTRA_MODULES`.

    Examples
    --------
    >>> needed(["--help"])
    ('torch', 'safetensors', 'matplotlib', 'jinja2')
    """
    command = next((a for a in argv if not a.startswith("-")), None)
    return _NEEDS.get(command or "", EXTRA_MODULES)


def missing(names: Sequence[str]) -> list[str]:
    """Those of `names` that cannot be imported, looked up without importing them.

    Parameters
    ----------
    names : sequence of str
        Top-level module names.

    Returns
    -------
    list of str
        The names not found, in the order given.

    Examples
    --------
    >>> missing(["sys", "os"])
    []
    """
    return [name for name in names if importlib.util.find_spec(name) is None]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``neural`` command line once its modules are there; return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        :func:`neural.cli.main`'s status, or 2 after one line on stderr naming
        the missing modules and :data:`INSTALL_HINT`.

    Examples
    --------
    >>> main(["predict", "/nonexistent/run", "BTXSE"])
    2
    """
    args = list(sys.argv[1:] if argv is None else argv)
    absent = missing(needed(args))
    if absent:
        what = absent[0] if len(absent) == 1 else ", ".join(absent[:-1]) + " and " + absent[-1]
        verb = "is" if len(absent) == 1 else "are"
        print(f"neural: error: {what} {verb} not installed: the neural command needs the "
              f"neural extra: {INSTALL_HINT}", file=sys.stderr)
        return ERROR
    from neural.cli import main as run

    return run(args)
