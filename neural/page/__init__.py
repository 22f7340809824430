"""The page: one self-contained HTML file for a suite or a training directory.

``neural report DIR --html FILE`` writes it with :func:`write_page`, which
renders the page with Jinja2 (autoescape on: every word, symbol and grammar
name is escaped) from the data that :mod:`~neural.page.collect` gathers,
with the plots drawn by matplotlib (:mod:`~neural.page.plots`) and the DFA
by Graphviz, all inline. The page
loads nothing (its Content-Security-Policy forbids it) and runs only its own
small script, which sorts the results table.

For one verifier the page shows the minimal DFA, accuracy against length
with the training range shaded, the per-set and per-kind tables, the
shortest disagreements with the automaton's explanation and the offending
symbol marked, and the verdict of each judge that ran (search, extraction,
certificate: ``proved``, ``counterexample``, ``agrees`` or ``undecided``); next
to a ``proved`` verdict, the picture of the proof
(:mod:`~neural.judge.certify.picture`): the hidden states in 2-D, coloured by DFA
state, inside the certificate's boxes. For a
suite it adds the sortable results table, whose rows link to their runs'
sections, and the summary plots.

This package was ``neural.report``, and :func:`write_page` and
:func:`page_html` were ``write_report`` and ``render_report``; the old
spellings still work, with a :class:`DeprecationWarning`.

Examples
--------
>>> import os, tempfile
>>> from neural.suite import parse_spec, run_suite
>>> spec = parse_spec('''
... [grammars]
... builtin = ["tomita-2"]
... [[models]]
... hidden = 4
... [train]
... n_examples = 60
... lengths = [0, 6]
... max_epochs = 1
... [compare]
... n_per_set = 20
... ''')
>>> with tempfile.TemporaryDirectory() as d:
...     _ = run_suite(spec, os.path.join(d, "suite"), progress=False)
...     page = write_page(os.path.join(d, "suite"), os.path.join(d, "suite.html"))
...     html = page.read_text(encoding="utf-8")
>>> '<table class="sortable results"' in html and "tomita-2" in html
True
"""

from __future__ import annotations

import base64
import errno
import hashlib
import os
import warnings
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from neural.checkpoint import atomic_write, package_version
from neural.judge.common import VERDICTS, percent
from neural.page.checks import check_directory
from neural.page.collect import cell, is_suite, suite_view, training_view

__all__ = ["page_html", "write_page", "render_page"]

# Old names, still served with a DeprecationWarning: old name -> public name.
_DEPRECATED = {"render_report": "page_html", "write_report": "write_page"}


def __getattr__(name: str) -> Any:
    if name in _DEPRECATED:
        new = _DEPRECATED[name]
        warnings.warn(f"{name} is deprecated; use neural.page.{new} (the same function)",
                      DeprecationWarning, stacklevel=2)
        return globals()[new]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@lru_cache(maxsize=1)
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader

    # autoescape=True for every template: nothing reaches the page unescaped except
    # the SVG markup that collect.py marks as such.
    env = Environment(loader=PackageLoader("neural.page", "templates"), autoescape=True)
    env.globals.update(cell=cell, pct=partial(percent, missing="–"), verdicts=VERDICTS)
    return env


def render_page(page: dict[str, Any]) -> str:
    """The HTML text of a page gathered by :mod:`neural.page.collect`."""
    from markupsafe import Markup

    env = _environment()
    # The page's one script, our own file: inserted as is, and allowed by its hash alone.
    script = Markup(env.loader.get_source(env, "sort.js")[0])
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    return env.get_template("page.html.j2").render(
        page=page, script=script, script_hash=f"sha256-{digest}", version=package_version())


def page_html(directory: str | os.PathLike, *, n_per_set: int = 2000,
              grammar: str | None = None, device: str = "cpu") -> str:
    """The page of a suite directory or a training directory, as HTML text.

    Parameters
    ----------
    directory : path-like
        A suite directory (``neural suite --out``) or a training directory
        (``neural train --out``).
    n_per_set : int
        Words per test set when a training directory has no ``report.json``.
    grammar : str, optional
        Judge a training directory against this grammar (a built-in name or
        a file) instead of the one it was trained on.
    device : str
        Where the verifier runs when a comparison has to be made.

    Raises
    ------
    CheckpointError
        When the directory is neither (naming it and what it lacks), or its
        files are corrupt or of the wrong shape (naming the file and field).
    """
    from neural.suite import MANIFEST

    directory = Path(directory)
    check_directory(directory, MANIFEST)
    if is_suite(directory):
        if grammar is not None:
            raise ValueError("--grammar applies to a training directory, not a suite")
        page = suite_view(directory)
    else:
        page = training_view(directory, n_per_set=n_per_set, grammar=grammar, device=device)
    return render_page(page)


def write_page(directory: str | os.PathLike, html: str | os.PathLike, **options: Any) -> Path:
    """Write the page of `directory` to `html`, atomically; return its path.

    `options` are those of :func:`page_html`.

    Raises
    ------
    OSError
        Naming `html` (not a temporary file) when it is a directory or
        cannot be written; a directory is refused before any work.
    """
    path = Path(html)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a directory; give the file name of the page "
                                "to write", str(path))
    text = page_html(directory, **options)
    try:
        atomic_write(path, text.encode("utf-8"))
    except OSError as err:  # it names the temporary file beside the page
        raise OSError(err.errno, f"cannot write the page: {err.strerror or err}",
                      str(path)) from None
    return path
