"""The engine's vocabulary: documents in, hits out, and the interface every backend implements."""
from typing import Iterable, NamedTuple


class QueryError(ValueError):
    """A search request the engine refuses (empty text, bad limit, bad filter)."""


class StaleIndex(ValueError):
    """A persisted index built by another analysis, analyzer set or encoder: its terms and vectors no longer fit."""


def build_stamp(analyzers, encoder: str) -> dict:
    """What an index was built with, recorded by every backend beside its data (a snapshot's meta.json, an
    Elasticsearch mapping's _meta): the analysis version, the analyzer schemes and the encoder."""
    from .analysis import ANALYSIS_VERSION

    return {"analysis": ANALYSIS_VERSION, "schemes": list(analyzers), "encoder": encoder}


def check_stamp(where: str, found: dict, wanted: dict) -> None:
    """StaleIndex unless the stamp ``found`` with an index is the one this engine would write (build_stamp)."""
    keys = ("analysis", "schemes", "encoder")
    built, current = tuple(found.get(k) for k in keys), tuple(wanted[k] for k in keys)
    if built != current:
        raise StaleIndex(f"index {where} was built with (analysis version, analyzers, encoder) {built}, this "
                         f"engine uses {current}: rebuild it")


class Document(NamedTuple):
    """A listing to index: id, text fields (title/body/keywords) and filter values."""

    id: str
    fields: dict
    filters: dict | None = None  # None: no filter values (never a shared mutable default)


class Hit(NamedTuple):
    """One result: calibrated 0-100 score, fused score, per-signal scores, shared key terms, and reasons.

    reasons: {evidence: "strong" | "medium" | "weak"} for "keywords" (informative words in common),
    "semantic" (the whole text against the query's background) and, for a listing text, "key_terms"
    (matcher.reasons says how each is graded).
    """

    id: str
    score: float
    fused: float
    signals: dict
    shared_terms: list
    reasons: dict = {}


class SearchIndex:
    """Base class of the backends; each method is documented once here."""

    # Why the backend found its persisted index stale and started empty (None when it did not): the
    # caller then owes it a rebuild from its own records. Backends reset only when asked to
    # (settings["on_stale"] == "reset"); otherwise opening a stale index raises StaleIndex.
    reset_reason = None

    def upsert(self, docs: Iterable[Document]) -> int:
        """Add or replace documents; visible to the next search. Returns how many were written."""
        raise NotImplementedError

    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id; unknown ids are ignored. Returns how many were removed."""
        raise NotImplementedError

    def search(self, text: str, limit: int = 10, filters: dict | None = None) -> list:
        """Best hits for a keyword query or a whole listing text, filters applied inside retrieval."""
        raise NotImplementedError

    def count(self) -> int:
        """Number of documents indexed."""
        raise NotImplementedError

    def ids(self) -> set:
        """Ids of the documents indexed."""
        raise NotImplementedError

    def save(self) -> None:
        """Persist the index crash-safely."""
        raise NotImplementedError

    def load(self) -> None:
        """Reload the index from its persisted state."""
        raise NotImplementedError

    def rebuild(self, docs: Iterable[Document], total: int | None = None, progress: bool = False) -> int:
        """Replace the whole index with docs from a stream; returns how many were indexed."""
        raise NotImplementedError
