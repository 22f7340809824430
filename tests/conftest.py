"""Settings shared by every test."""

import os

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_table_cache(tmp_path_factory):
    # The file check caches compiled tables; tests (and their subprocesses) use a
    # folder of their own, never the user's cache.
    os.environ["GRAMMARLAB_CACHE_DIR"] = str(tmp_path_factory.mktemp("grammarlab-cache"))
    yield
