"""One search over an embedded index: validate, retrieve candidates per signal under the filter mask, fuse, explain."""
import numpy as np

from . import analysis
from .base import Hit, QueryError

MAX_LIMIT = 1000
SCHEMES = {"words": "bm25", "bigrams": "bm25_bigram"}  # analyzer scheme -> signal name
CANDIDATES = 200  # per signal, before fusion
KEY_TERMS = 10  # key terms of a listing text embedded on their own (the dense_keys signal)


def validate(text, limit):
    """Reject requests the engine cannot answer sensibly."""
    if not isinstance(text, str):
        raise QueryError("query text must be a string")
    if not text.strip():
        raise QueryError("query text is empty")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be an integer between 1 and {MAX_LIMIT}, got {limit!r}")


def _top(scores, mask, k):
    """Slots of the k best scores among masked slots with a positive score."""
    scores = np.where(mask, scores, 0.0)
    positive = np.flatnonzero(scores > 0)
    if len(positive) <= k:
        return positive
    return positive[np.argpartition(-scores[positive], k - 1)[:k]]


class Query:
    """A query text analyzed once: its vectors, and per analyzer scheme (terms, scores of every slot, ceiling).

    BM25 terms are weighted by the index's term prior (generic words of needs count less). A listing text
    (not a short keyword search) also gets kvec: its key terms, by frequency times idf, embedded on their
    own, so that the dense side sees the subject without the prose around it.
    """

    def __init__(self, index, text):
        self.whole, title = analysis.query_texts(text)
        self.chars = len(self.whole)
        self.keyword = {}
        prior = index.term_prior.weight if index.term_prior else None
        for scheme, kw in index.keyword.items():
            terms = analysis.query_terms(text, scheme)
            self.keyword[scheme] = (terms, *kw.scores(terms, prior))
        self.key_terms = []
        if "words" in self.keyword and "dense_keys" in index.matcher.weights_for(self.chars):
            self.key_terms = index.keyword["words"].key_terms(self.keyword["words"][0], KEY_TERMS)
        self.qvec = index.encoder.encode([self.whole])[0]
        # the long focused text alone, the short title and key terms together: little padding either way
        short = {}
        if title != self.whole:
            short["title"] = title
        if self.key_terms:
            short["keys"] = " ".join(self.key_terms)
        vecs = dict(zip(short, index.encoder.encode(list(short.values())))) if short else {}
        self.tvec = vecs.get("title", self.qvec)
        self.kvec = vecs.get("keys")

    def signals(self, index, slots):
        """Absolute signals of the given slots: cosines, and BM25 as a share of the query's ceiling."""
        signals = {"dense": index.vectors.similarity(self.qvec, slots),
                   "dense_title": index.vectors.similarity(self.tvec, slots)}
        if self.kvec is not None:
            signals["dense_keys"] = index.vectors.similarity(self.kvec, slots)
        for scheme, (_, scores, ceiling) in self.keyword.items():
            signals[SCHEMES[scheme]] = scores[slots] / ceiling if ceiling > 0 else np.zeros(len(slots))
        return signals


def run_search(index, text, limit, filters):
    """Hits for text in index (the caller holds the index lock)."""
    validate(text, limit)
    size = len(index.slot_ids)
    mask = index.filters.mask(filters, size)  # validates filter shapes even on an empty index
    if not index.slots:
        return []
    mask &= index.alive_mask()
    k = max(CANDIDATES, limit)
    query = Query(index, text)
    candidates = [_top(scores, mask, k) for _, scores, _ in query.keyword.values()]
    candidates.append(index.vectors.search(query.qvec, k, mask)[0])
    slots = np.unique(np.concatenate(candidates)).astype(np.int64)
    if len(slots) == 0:
        return []
    signals = query.signals(index, slots)
    fused = index.matcher.fuse(signals, query_chars=query.chars)
    calibrated = index.matcher.calibrate(signals)
    order = np.argsort(-fused, kind="stable")[:limit]
    explain_scheme = "words" if "words" in query.keyword else next(iter(query.keyword))
    explain_terms = query.keyword[explain_scheme][0]
    hits = []
    for i in order:
        slot = int(slots[i])
        hits.append(Hit(
            id=index.slot_ids[slot],
            score=round(float(calibrated[i]), 1),
            fused=float(fused[i]),
            signals={name: round(float(v[i]), 4) for name, v in signals.items()},
            shared_terms=index.keyword[explain_scheme].shared_terms(explain_terms, slot),
        ))
    return hits
