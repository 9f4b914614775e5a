"""Fixtures for the engine's unit tests: the real m3e-small model, loaded once, and tiny indexes."""
import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from engine_cases import ACHIEVEMENTS  # noqa: E402
from indexer import open_index  # noqa: E402
from indexer.encoder import get_encoder  # noqa: E402


@pytest.fixture(scope="session")
def encoder():
    """The real model, loaded once for the whole session."""
    return get_encoder()


@pytest.fixture
def make_index(tmp_path, encoder):
    """Factory: an index named name under this test's folder, filled with docs."""
    def make(docs=ACHIEVEMENTS, name="achievements", **settings):
        index = open_index(name, {"index_dir": str(tmp_path), **settings})
        if docs:
            index.upsert(docs)
        return index
    return make
