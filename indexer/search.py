"""One search over an embedded index: validate, retrieve candidates per signal under the filter mask, fuse, explain."""
import numpy as np

from . import analysis
from .base import Hit, QueryError

MAX_LIMIT = 1000
SCHEMES = {"words": "bm25", "bigrams": "bm25_bigram"}  # analyzer scheme -> signal name
CANDIDATES = 200  # per signal, before fusion


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


def run_search(index, text, limit, filters):
    """Hits for text in index (the caller holds the index lock)."""
    validate(text, limit)
    size = len(index.slot_ids)
    mask = index.filters.mask(filters, size)  # validates filter shapes even on an empty index
    if not index.slots:
        return []
    mask &= index.alive_mask()
    k = max(CANDIDATES, limit)
    whole, title = analysis.query_texts(text)
    qvec = index.encoder.encode([whole])[0]
    tvec = index.encoder.encode([title])[0] if title != whole else qvec  # apart: no padding to the long one
    keyword, candidates = {}, []
    for scheme, kw in index.keyword.items():
        terms = analysis.query_terms(text, scheme)
        scores, ceiling = kw.scores(terms)
        keyword[scheme] = (terms, scores, ceiling)
        candidates.append(_top(scores, mask, k))
    dense_slots, _ = index.vectors.search(qvec, k, mask)
    candidates.append(dense_slots)
    slots = np.unique(np.concatenate(candidates)).astype(np.int64)
    if len(slots) == 0:
        return []
    signals = {"dense": index.vectors.similarity(qvec, slots), "dense_title": index.vectors.similarity(tvec, slots)}
    for scheme, (terms, scores, ceiling) in keyword.items():
        signals[SCHEMES[scheme]] = scores[slots] / ceiling if ceiling > 0 else np.zeros(len(slots))
    fused = index.matcher.fuse(signals, query_chars=len(whole.strip()))
    calibrated = index.matcher.calibrate(signals)
    order = np.argsort(-fused, kind="stable")[:limit]
    explain_scheme = "words" if "words" in keyword else next(iter(keyword))
    explain_terms = keyword[explain_scheme][0]
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
