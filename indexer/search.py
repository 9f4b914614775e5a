"""One search over an embedded index: validate, retrieve candidates per signal under the filter mask, fuse,
score and explain."""
import numpy as np

from . import analysis, matcher
from .base import Hit, QueryError

MAX_LIMIT = 1000
SCHEMES = {"words": "bm25", "bigrams": "bm25_bigram"}  # analyzer scheme -> signal name
CANDIDATES = 200  # per signal, before fusion
KEY_TERMS = 10  # key terms of a listing text embedded on their own (the dense_keys signal)
BACKGROUND = 1000  # live vectors a query's cosines are compared with (its background)
VECTOR_SIGNALS = ("dense", "dense_title", "dense_keys")
# The typical background of an m3e-small query over CSL abstracts or enterprise needs (median over 80 needs,
# full texts and titles, and 80 achievements: centre 0.59-0.63, spread 0.028-0.036), and its weight in
# pseudo-documents (Query.background)
PRIOR_CENTRE, PRIOR_SPREAD, PRIOR_WEIGHT = 0.61, 0.034, 100


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
        self.prior = index.term_prior.weight if index.term_prior else None
        for scheme, kw in index.keyword.items():
            terms = analysis.query_terms(text, scheme)
            self.keyword[scheme] = (terms, *kw.scores(terms, self.prior))
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
        self._background = None
        self._informative = None

    def vectors(self):
        """{vector signal: query vector} (dense_keys only for a listing text)."""
        out = {"dense": self.qvec, "dense_title": self.tvec}
        if self.kvec is not None:
            out["dense_keys"] = self.kvec
        return out

    def signals(self, index, slots):
        """Absolute signals of the given slots: cosines, and BM25 as a share of the query's ceiling."""
        signals = {name: index.vectors.similarity(vec, slots) for name, vec in self.vectors().items()}
        for scheme, (_, scores, ceiling) in self.keyword.items():
            signals[SCHEMES[scheme]] = scores[slots] / ceiling if ceiling > 0 else np.zeros(len(slots))
        return signals

    def background(self, index):
        """{vector signal: (centre, spread)} of the query's cosines over a fixed sample of the collection.

        m3e puts almost any two Chinese texts at a cosine of 0.6-0.8, and a short query higher still, so an
        absolute cosine says little on its own; how far a document stands above the query's own background
        does (a weak best hit of a title stays weak).
        """
        if self._background is None:
            sample = index.background_slots(BACKGROUND)
            self._background = {}
            n = len(sample)
            for name, vec in self.vectors().items():
                sims = index.vectors.similarity(vec, sample) if n else np.zeros(0)
                # median and MAD (the few relevant documents of a small index stay outliers), shrunk towards
                # a typical m3e background by PRIOR_WEIGHT pseudo-documents: a new platform with a handful of
                # listings has no background of its own to speak of
                centre = float(np.median(sims)) if n else PRIOR_CENTRE
                spread = 1.4826 * float(np.median(np.abs(sims - centre))) if n else PRIOR_SPREAD
                k = PRIOR_WEIGHT
                self._background[name] = ((n * centre + k * PRIOR_CENTRE) / (n + k),
                                          max(((n * spread ** 2 + k * PRIOR_SPREAD ** 2) / (n + k)) ** 0.5, 0.02))
        return self._background

    def informative(self, index):
        """{term: weight} of the query's informative words: prior times idf, generic ones left out (computed once:
        the features and the shared terms of every hit read it)."""
        if self._informative is None:
            kw = index.keyword.get("words")
            self._informative = kw.informative_terms(self.keyword["words"][0], self.prior) if kw is not None else {}
        return self._informative


def candidates(index, query, k, mask):
    """Slots worth scoring: the union of each signal's top k under the mask."""
    found = [_top(scores, mask, k) for _, scores, _ in query.keyword.values()]
    found.append(index.vectors.search(query.qvec, k, mask)[0])
    return np.unique(np.concatenate(found)).astype(np.int64)


def features(index, query, slots, signals):
    """The calibration features of the given slots (matcher.FEATURES names them)."""
    background = query.background(index)
    out = {"chars": np.full(len(slots), float(query.chars))}
    for name in VECTOR_SIGNALS:
        source = name if name in signals else "dense"  # no key terms (a typed search): the whole text's
        mean, spread = background[source]
        out[name] = signals[source]
        out[name + "_z"] = (signals[source] - mean) / spread
    for name in SCHEMES.values():
        out[name] = signals.get(name, signals.get("bm25", np.zeros(len(slots))))
    weights = query.informative(index)
    kw = index.keyword.get("words")
    if kw is not None and weights:
        total = sum(weights.values())
        out["informative"] = np.array([sum(weights[t] for t in kw.doc_terms(int(s), weights)) / total
                                       for s in slots])
    else:
        out["informative"] = np.zeros(len(slots))
    return out


def run_search(index, text, limit, filters):
    """Hits for text in index (the caller holds the index lock)."""
    validate(text, limit)
    size = len(index.slot_ids)
    mask = index.filters.mask(filters, size)  # validates filter shapes even on an empty index
    if not index.slots:
        return []
    mask &= index.alive_mask()
    query = Query(index, text)
    slots = candidates(index, query, max(CANDIDATES, limit), mask)
    if len(slots) == 0:
        return []
    signals = query.signals(index, slots)
    fused = index.matcher.fuse(signals, query_chars=query.chars)
    order = np.argsort(-fused, kind="stable")[:limit]
    slots, fused = slots[order], fused[order]
    signals = {name: v[order] for name, v in signals.items()}
    columns = matcher.design(features(index, query, slots, signals))
    calibrated = index.matcher.calibrate(columns)
    informative = query.informative(index)
    kw = index.keyword.get("words")
    hits = []
    for i, slot in enumerate(slots.tolist()):
        hits.append(Hit(
            id=index.slot_ids[slot],
            score=round(float(calibrated[i]), 1),
            fused=float(fused[i]),
            signals={name: round(float(v[i]), 4) for name, v in signals.items()},
            shared_terms=kw.shared_terms(informative, slot) if kw is not None else [],
            reasons=matcher.reasons(columns, i, with_key_terms=query.kvec is not None),
        ))
    return hits
