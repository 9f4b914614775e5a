"""BM25 over analyzed terms: per-slot term arrays, a weight matrix refreshed lazily after writes."""
import functools
import math
import os
import re
from collections import Counter

import numpy as np
from scipy import sparse

from .tokenize import DATA_DIR


KEY_TERM_CHARS = 20  # longer terms are not key terms (KeywordIndex.key_terms)
# Least weight (prior x idf share, KeywordIndex.informative_terms) of a word shown as a reason for a match:
# on CSL this keeps 电池, 回收, 废水 and 监测 and drops 成本, 工艺, 产生, 过程 and 材料.
INFORMATIVE = 0.36
_NUMBER = re.compile(r"^[0-9.,:+\-]+[a-z%]{0,3}$")  # 100, 2019, 3.5, 50mm, 10kg


@functools.lru_cache(maxsize=1)
def generic_terms():
    """Words that say how rather than what (保持, 提供, 显著...), never a reason for a match (data/generic_terms.txt)."""
    with open(os.path.join(DATA_DIR, "generic_terms.txt"), encoding="utf-8") as f:
        return frozenset(w.strip() for w in f if w.strip() and not w.startswith("#"))


def not_informative(term):
    """Whether a word is a number, a unit or a generic word: never shown as a shared term."""
    return bool(_NUMBER.match(term)) or term in generic_terms()


class KeywordIndex:
    """Okapi BM25 with stable slots: a weight matrix for the bulk, a small delta for recent writes."""

    # k1 well above the textbook 1.2: queries are whole listings and documents short abstracts, so
    # repeated (title) terms should keep adding evidence; measured on dev (k1 1.2 -> 4: +0.08 nDCG@10)
    def __init__(self, k1=4.0, b=0.75):
        self.k1, self.b = k1, b
        self.vocab = {}  # term -> term id
        self.terms = []  # term id -> term
        self.docs = []  # slot -> (term ids int32, term freqs float32) or None when deleted
        self._matrix = None  # terms x slots, BM25 weights, as of the last full refresh
        self._idf = None
        self._df = np.zeros(0, np.int32)  # live documents per term at the last refresh
        self._avgdl = 1.0
        self._added, self._removed = [], set()  # writes since the last full refresh

    def add(self, slot, tokens):
        """Index tokens under slot (slots only grow; a replaced doc gets a new slot)."""
        counts = Counter(tokens)
        tids = np.fromiter((self._tid(t) for t in counts), dtype=np.int32, count=len(counts))
        tfs = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        while len(self.docs) <= slot:
            self.docs.append(None)
        self.docs[slot] = (tids, tfs)
        self._added.append(slot)

    def remove(self, slot):
        """Forget the terms of slot."""
        if slot < len(self.docs) and self.docs[slot] is not None:
            self.docs[slot] = None
            self._removed.add(slot)

    def _tid(self, term):
        """Id of term, adding it to the vocabulary."""
        tid = self.vocab.get(term)
        if tid is None:
            tid = self.vocab[term] = len(self.terms)
            self.terms.append(term)
        return tid

    def _postings(self, slots):
        """(term ids, term freqs, doc length / avgdl, slot) of every posting of the live slots, by slot."""
        docs = [(s, self.docs[s]) for s in slots if self.docs[s] is not None]
        if not docs:
            return np.zeros(0, np.int32), np.zeros(0, np.float32), np.zeros(0, np.float32), np.zeros(0, np.int32)
        sizes = [len(d[0]) for _, d in docs]
        rows = np.concatenate([d[0] for _, d in docs])
        tfs = np.concatenate([d[1] for _, d in docs])
        dl = np.repeat(np.array([d[1].sum() for _, d in docs], dtype=np.float32), sizes)
        return rows, tfs, dl, np.repeat(np.array([s for s, _ in docs], dtype=np.int32), sizes)

    def _bm25(self, rows, tfs, dl):
        """BM25 weights of postings, computed in place over tfs (few temporaries: this runs over millions)."""
        dl *= self.b / self._avgdl
        dl += 1 - self.b
        dl *= self.k1
        dl += tfs  # denominator: tf + k1 * (1 - b + b * dl / avgdl)
        tfs *= self.k1 + 1
        tfs /= dl
        tfs *= self._idf[rows]
        return tfs

    def _weights(self, slots):
        """(term ids, slots, BM25 weights) of the given slots under the current statistics."""
        rows, tfs, dl, cols = self._postings(slots)
        return rows, cols, self._bm25(rows, tfs, dl)

    def _refresh(self):
        """Recompute idf, avgdl and the weight matrix from all live slots."""
        live = [s for s, d in enumerate(self.docs) if d is not None]
        rows, tfs, dl, cols = self._postings(live)
        del cols
        self._df = np.bincount(rows, minlength=len(self.terms)).astype(np.int32)
        df = self._df.astype(np.float32)
        self._idf = np.log1p((len(live) - df + 0.5) / (df + 0.5)).astype(np.float32)
        if live:
            lengths = np.array([self.docs[s][1].sum() for s in live])
            # lengths capped at 4x the median: one giant document (a pasted manual) must not make every
            # other document look short to the length normalisation
            self._avgdl = max(float(np.minimum(lengths, 4 * np.median(lengths)).mean()), 1.0)
        w = self._bm25(rows, tfs, dl)
        del dl
        # postings arrive grouped by slot: a CSC matrix needs no sort; CSR (by term) serves queries
        sizes = np.array([0 if d is None else len(d[0]) for d in self.docs], dtype=np.int64)
        indptr = np.concatenate([[0], np.cumsum(sizes)])
        self._matrix = None
        self._matrix = sparse.csc_matrix((w, rows, indptr), shape=(len(self.terms), len(self.docs))).tocsr()
        self._added, self._removed = [], set()

    def _fresh(self):
        """Make scoring current: a full refresh after heavy churn, else cheap delta handling."""
        churn = len(self._added) + len(self._removed)
        if self._matrix is None or churn > max(1000, len(self.docs) // 20):
            self._refresh()
        elif len(self._idf) < len(self.terms):  # terms first seen since the refresh count as rare
            n = self._matrix.shape[1]
            extra = np.full(len(self.terms) - len(self._idf), math.log1p((n + 0.5) / 1.5), dtype=np.float32)
            self._idf = np.concatenate([self._idf, extra])

    def query_weights(self, tokens, prior=None):
        """Known query terms and their weights: dampened query term frequency, times prior(term) if given."""
        counts = Counter(t for t in tokens if t in self.vocab)
        tids = np.array([self.vocab[t] for t in counts], dtype=np.int64)
        qw = np.array([(1.0 + math.log(c)) * (prior(t) if prior else 1.0) for t, c in counts.items()],
                      dtype=np.float32)
        return tids, qw

    def scores(self, tokens, prior=None):
        """BM25 score of every slot for the query tokens, and the query's best possible score.

        prior: term -> weight in [0, 1] (indexer.prior), scaling each term's share of the query.
        """
        self._fresh()
        tids, qw = self.query_weights(tokens, prior)
        scores = np.zeros(len(self.docs), dtype=np.float32)
        if len(tids) == 0:
            return scores, 0.0
        bulk = tids[tids < self._matrix.shape[0]]
        if len(bulk):
            scores[:self._matrix.shape[1]] = self._matrix[bulk].T @ qw[tids < self._matrix.shape[0]]
        if self._added:  # recent writes, weighted with the statistics of the last refresh
            rows, cols, w = self._weights(self._added)
            qmap = dict(zip(tids.tolist(), qw.tolist()))
            hit = np.isin(rows, tids)
            np.add.at(scores, cols[hit], w[hit] * np.array([qmap[t] for t in rows[hit].tolist()], dtype=np.float32))
        if self._removed:
            scores[list(self._removed)] = 0.0
        live = np.fromiter((self._live(t) for t in tids.tolist()), dtype=bool, count=len(tids))
        # a term only deleted documents had cannot be matched: it must not raise the ceiling either
        ceiling = float((qw[live] * self._idf[tids[live]]).sum() * (self.k1 + 1))
        return scores, ceiling

    def key_terms(self, tokens, limit):
        """The query's most telling terms: longest forms only, by dampened frequency times idf.

        Terms no live document has are skipped (a deleted document's words keep their ids but have no df),
        and so are terms over KEY_TERM_CHARS: a pasted hash or sequence is no phrase to embed, and would
        make the sub-term check below cost its length squared.
        """
        self._fresh()
        counts = Counter(t for t in tokens if len(t) <= KEY_TERM_CHARS and t in self.vocab)
        counts = {t: c for t, c in counts.items() if self._live(self.vocab[t])}
        within = {t[i:j] for t in counts for i in range(len(t)) for j in range(i + 1, len(t) + 1) if j - i < len(t)}
        longest = [t for t in counts if t not in within]  # 锂电池, not 锂电 or 电池
        weight = {t: (1.0 + math.log(counts[t])) * float(self._idf[self.vocab[t]]) for t in longest}
        return sorted(longest, key=lambda t: (-weight[t], t))[:limit]

    def _live(self, tid):
        """Whether some document indexed since the last refresh, or live at it, has the term."""
        return tid >= len(self._df) or self._df[tid] > 0

    def informative_terms(self, tokens, prior=None):
        """{term: weight} of the query's informative words, the ones worth showing as a reason for a match.

        weight = prior(term) * idf(term) / the idf of a word one document has: a word common in needs
        (the prior) or in the documents searched (idf) weighs little. Words under INFORMATIVE, numbers and
        units, and the generic words of data/generic_terms.txt (成本, 过程, 保持...) are left out.
        """
        self._fresh()
        n = max(self._matrix.shape[1], 2)
        top = math.log1p((n - 0.5) / 1.5)
        out = {}
        for t in set(tokens):
            tid = self.vocab.get(t)
            if tid is None or not self._live(tid) or not_informative(t):
                continue
            w = (prior(t) if prior else 1.0) * float(self._idf[tid]) / top
            if w >= INFORMATIVE:
                out[t] = w
        return out

    def doc_terms(self, slot, terms):
        """Which of terms (a collection of words) the document at slot contains."""
        doc = self.docs[slot] if slot < len(self.docs) else None
        if doc is None:
            return []
        have = set(doc[0].tolist())
        return [t for t in terms if self.vocab.get(t) in have]

    def shared_terms(self, weights, slot, limit=8):
        """Informative query terms (informative_terms) present in slot, longest form only, weightiest first."""
        found = set(self.doc_terms(slot, weights))
        found = {t for t in found if not any(t in other for other in found if other != t)}  # 锂电池, not 锂电
        return sorted(found, key=lambda t: (-weights[t], t))[:limit]

    def state(self):
        """Arrays to persist."""
        lens = np.array([0 if d is None else len(d[0]) for d in self.docs], dtype=np.int64)
        alive = np.array([d is not None for d in self.docs], dtype=bool)
        live = [d for d in self.docs if d is not None]
        return {
            "kw_lens": lens, "kw_alive": alive,
            "kw_tids": np.concatenate([d[0] for d in live]) if live else np.zeros(0, np.int32),
            "kw_tfs": np.concatenate([d[1] for d in live]) if live else np.zeros(0, np.float32),
        }, self.terms

    def restore(self, arrays, terms):
        """Load what state() produced."""
        self.terms = list(terms)
        self.vocab = {t: i for i, t in enumerate(self.terms)}
        self.docs, pos = [], 0
        for n, alive in zip(arrays["kw_lens"].tolist(), arrays["kw_alive"].tolist()):
            self.docs.append((arrays["kw_tids"][pos:pos + n], arrays["kw_tfs"][pos:pos + n]) if alive else None)
            pos += n
        self._matrix = None
        self._added, self._removed = [], set()
