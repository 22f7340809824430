"""Build hook for the optional C accelerators ``grammar._fastdfa`` and ``grammar._kernels``.

All metadata lives in pyproject.toml; this file only declares the extensions.
They are ``optional=True``: without a C compiler the install still succeeds and
:mod:`grammar.bulk` and :mod:`grammar.codes` use their numpy fallbacks.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("grammar._fastdfa", sources=["grammar/_fastdfa.c"], optional=True),
        Extension("grammar._kernels", sources=["grammar/_kernels.c", "grammar/_kernels_walk.c"],
                  depends=["grammar/_kernels.h"], optional=True),
    ]
)
