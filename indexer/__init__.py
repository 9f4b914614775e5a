"""Matching engine: hybrid Chinese keyword (BM25) + embedding (m3e-small, faiss) retrieval.

Knows nothing of Flask: documents in, hits out. The model loads lazily on first use.
"""
import re

from .base import Document, Hit, QueryError, SearchIndex, StaleIndex

__all__ = ["Document", "Hit", "QueryError", "SearchIndex", "StaleIndex", "open_index", "BACKENDS"]


def _embedded(name, settings):
    """The default backend (imported lazily to keep `import indexer` cheap): a folder under settings["index_dir"]."""
    from .embedded import EmbeddedIndex

    return EmbeddedIndex(name, settings)


# backend name -> constructor(name, settings): each backend finds its own storage from the settings (a folder,
# a cluster URL); an "elasticsearch" backend plugs in here
BACKENDS = {"embedded": _embedded}


def open_index(name, settings=None):
    """Open (or create) the index `name` with the backend chosen by settings["backend"]."""
    settings = {k: v for k, v in (settings or {}).items() if v is not None}
    backend = settings.get("backend", "embedded")
    if backend not in BACKENDS:
        raise ValueError(f"unknown search backend {backend!r}; available: {sorted(BACKENDS)}")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name):
        raise ValueError(f"index name must be lower-case letters, digits, '-' and '_', got {name!r}")
    return BACKENDS[backend](name, settings)
