"""An mkdocs hook: the docstrings' Sphinx roles, shown as plain code in the API reference.

The numpydoc docstrings write cross-references the Sphinx way (``:func:`sample```,
``:class:`~grammar.graph.Declaration```), which mkdocstrings renders as the role's text
followed by the code. This drops the role, and a leading ``~`` keeps the last name only,
as Sphinx shows it.
"""

from __future__ import annotations

import re

ROLE = re.compile(r":(?:func|class|meth|mod|attr|data|exc|obj|const):(?=<code)")
TILDE = re.compile(r"<code>~(?:[\w.]+\.)?(\w+(?:\(\))?)</code>")


def on_page_content(html: str, **kwargs: object) -> str:
    """Strip the roles from one page's HTML."""
    return TILDE.sub(r"<code>\1</code>", ROLE.sub("", html))
