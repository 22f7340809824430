"""An mkdocs hook: what the pages' doctests need, shown as a reader expects it.

- The numpydoc docstrings write cross-references the Sphinx way (``:func:`sample```,
  ``:class:`~grammar.graph.Declaration```), which mkdocstrings renders as the role's text
  followed by the code. The role is dropped, and a leading ``~`` keeps the last name only,
  as Sphinx shows it.
- A doctest writes an empty line of output as ``<BLANKLINE>``; the page shows it empty.
"""

from __future__ import annotations

import re

ROLE = re.compile(r":(?:func|class|meth|mod|attr|data|exc|obj|const):(?=<code)")
TILDE = re.compile(r"<code>~(?:[\w.]+\.)?(\w+(?:\(\))?)</code>")
BLANKLINE = "&lt;BLANKLINE&gt;"


def on_page_content(html: str, **kwargs: object) -> str:
    """Strip the roles and the doctests' blank-line markers from one page's HTML."""
    return TILDE.sub(r"<code>\1</code>", ROLE.sub("", html)).replace(BLANKLINE, "")
