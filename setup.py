"""Build hook for the optional C accelerator ``grammar._fastdfa``.

All metadata lives in pyproject.toml; this file only declares the extension.
It is ``optional=True``: without a C compiler the install still succeeds and
:mod:`grammar.bulk` uses its numpy fallback.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("grammar._fastdfa", sources=["grammar/_fastdfa.c"], optional=True),
    ]
)
