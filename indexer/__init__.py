"""Matching engine: hybrid Chinese keyword (BM25) + embedding (m3e-small, faiss) retrieval.

Knows nothing of Flask: documents in, hits out. The model loads lazily on first use.
"""
import os

from .base import Document, Hit, QueryError, SearchIndex, StaleIndex

__all__ = ["Document", "Hit", "QueryError", "SearchIndex", "StaleIndex", "open_index", "BACKENDS"]

DEFAULT_INDEX_DIR = os.path.join(os.getcwd(), "instance", "index")


def _embedded(folder, settings):
    """The default backend (imported lazily to keep `import indexer` cheap)."""
    from .embedded import EmbeddedIndex

    return EmbeddedIndex(folder, settings)


# backend name -> constructor(folder, settings); an "elasticsearch" backend plugs in here later
BACKENDS = {"embedded": _embedded}


def open_index(name, settings=None):
    """Open (or create) the index `name` with the backend chosen by settings["backend"]."""
    settings = {k: v for k, v in (settings or {}).items() if v is not None}
    backend = settings.get("backend", "embedded")
    if backend not in BACKENDS:
        raise ValueError(f"unknown search backend {backend!r}; available: {sorted(BACKENDS)}")
    if not name or os.sep in name or name.startswith("."):
        raise ValueError(f"index name must be a plain folder name, got {name!r}")
    folder = os.path.join(settings.get("index_dir") or DEFAULT_INDEX_DIR, name)
    return BACKENDS[backend](folder, settings)
