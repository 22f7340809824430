"""``python -m neural``: the ``neural`` command line (see :mod:`neural.entry`)."""

from neural.entry import main

__all__: list[str] = []

if __name__ == "__main__":
    raise SystemExit(main())
