"""Dense vectors by slot: exact inner product below a size limit, faiss HNSW above it."""
import numpy as np


class VectorIndex:
    """Slot-addressed vectors; faiss ids are the slots, so ids stay stable across updates and deletes."""

    def __init__(self, dim, exact_limit=50000, hnsw_m=32, ef_search=128):
        self.dim, self.exact_limit = dim, exact_limit
        self.hnsw_m, self.ef_search = hnsw_m, ef_search
        self._vecs = np.zeros((0, dim), dtype=np.float32)
        self.size = 0  # slots used
        self._hnsw = None

    @property
    def vecs(self):
        """Vectors of the used slots (a view)."""
        return self._vecs[:self.size]

    def add(self, slot, vec):
        """Store vec at slot (slots only grow)."""
        self.add_many(slot, vec[None, :])

    def add_many(self, first_slot, vecs):
        """Store consecutive vectors from first_slot on."""
        end = first_slot + len(vecs)
        if end > len(self._vecs):
            grown = np.zeros((max(end, 2 * len(self._vecs), 1024), self.dim), dtype=np.float32)
            grown[:self.size] = self._vecs[:self.size]
            self._vecs = grown
        self._vecs[first_slot:end] = vecs
        self.size = max(self.size, end)
        if self._hnsw is not None and self._hnsw.ntotal < self.size:
            self._hnsw_add()

    def maybe_build_graph(self, n_alive):
        """Switch to HNSW once the collection passes exact_limit."""
        if self._hnsw is None and n_alive > self.exact_limit:
            import faiss

            self._hnsw = faiss.IndexHNSWFlat(self.dim, self.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            self._hnsw.hnsw.efConstruction = 80
            self._hnsw_add()

    def _hnsw_add(self):
        """Add the slots the graph lacks (faiss numbers them in order, so its id is the slot)."""
        self._hnsw.add(np.ascontiguousarray(self._vecs[self._hnsw.ntotal:self.size]))

    def similarity(self, qvec, slots):
        """Cosine of qvec with the given slots."""
        return self._vecs[slots] @ qvec

    def search(self, qvec, k, mask):
        """Top-k (slots, cosines) among slots where mask is true."""
        allowed = int(mask.sum())
        if allowed == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        k = min(k, allowed)
        if self._hnsw is None or allowed < 4 * self.exact_limit // 10:
            # exact: a filtered subset is small enough to scan, and a scan never misses
            slots = np.flatnonzero(mask)
            sims = self._vecs[slots] @ qvec
            top = np.argpartition(-sims, k - 1)[:k] if k < len(sims) else np.arange(len(sims))
            return slots[top], sims[top]
        import faiss

        bitmap = np.packbits(mask, bitorder="little")
        params = faiss.SearchParametersHNSW(sel=faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bitmap)),
                                            efSearch=max(self.ef_search, k))
        sims, slots = self._hnsw.search(qvec[None, :], k, params=params)
        keep = slots[0] >= 0
        return slots[0][keep].astype(np.int64), sims[0][keep]

    def graph_bytes(self):
        """The HNSW graph serialised, or None when searching exactly."""
        if self._hnsw is None:
            return None
        import faiss

        return faiss.serialize_index(self._hnsw).tobytes()

    def restore(self, vecs, graph):
        """Load vectors and an optional serialised graph."""
        self._vecs = np.ascontiguousarray(vecs, dtype=np.float32)
        self.size = len(vecs)
        self._hnsw = None
        if graph is not None:
            import faiss

            self._hnsw = faiss.deserialize_index(np.frombuffer(graph, dtype=np.uint8))
            self._hnsw.hnsw.efSearch = self.ef_search
            if self._hnsw.ntotal < self.size:
                self._hnsw_add()
