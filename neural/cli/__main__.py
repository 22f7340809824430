"""``python -m neural.cli``: the ``neural`` command line, :func:`neural.cli.main`.

(``python -m neural`` and the console command first check the neural extra:
:mod:`neural.entry`.)
"""

from neural.cli import main

__all__: list[str] = []

if __name__ == "__main__":
    raise SystemExit(main())
