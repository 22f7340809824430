"""``python -m neural``: the ``neural`` command line (see :mod:`neural.cli`)."""

from neural.cli import main

__all__: list[str] = []

if __name__ == "__main__":
    raise SystemExit(main())
