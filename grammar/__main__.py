"""``python -m grammar``: the ``grammar`` command line (see :mod:`grammar.cli`)."""

from grammar.cli import main

__all__: list[str] = []

if __name__ == "__main__":
    raise SystemExit(main())
