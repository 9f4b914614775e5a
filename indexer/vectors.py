"""Dense vectors by slot: exact inner product below a size limit, faiss HNSW above it."""
import numpy as np

GROWTH = 1.5  # capacity factor of the exact store (2x would waste up to half of it)


class VectorIndex:
    """Slot-addressed vectors; faiss ids are the slots, so ids stay stable across updates and deletes.

    Below exact_limit the vectors live in one numpy array scanned exactly; above it they move into a
    faiss HNSW graph, whose own storage is then the only copy (read through a numpy view).
    """

    def __init__(self, dim, exact_limit=50000, hnsw_m=32, ef_search=128):
        self.dim, self.exact_limit = dim, exact_limit
        self.hnsw_m, self.ef_search = hnsw_m, ef_search
        self._vecs = np.zeros((0, dim), dtype=np.float32)
        self._size = 0
        self._hnsw = None

    @property
    def size(self):
        """Slots used."""
        return self._hnsw.ntotal if self._hnsw is not None else self._size

    @property
    def vecs(self):
        """Vectors of the used slots (a view, valid until the next add)."""
        if self._hnsw is None:
            return self._vecs[:self._size]
        import faiss

        storage = faiss.downcast_index(self._hnsw.storage)
        return faiss.rev_swig_ptr(storage.get_xb(), self.size * self.dim).reshape(self.size, self.dim)

    def reserve(self, n):
        """Make room for n vectors at once (a rebuild knows its total)."""
        if self._hnsw is None and n > len(self._vecs):
            self._grow(n)

    def _grow(self, n):
        """Reallocate the exact store to n rows."""
        grown = np.zeros((n, self.dim), dtype=np.float32)
        grown[:self._size] = self._vecs[:self._size]
        self._vecs = grown

    def add(self, slot, vec):
        """Store vec at slot (slots only grow)."""
        self.add_many(slot, vec[None, :])

    def add_many(self, first_slot, vecs):
        """Store consecutive vectors from first_slot on."""
        if first_slot != self.size:
            raise ValueError(f"vectors must be added at slot {self.size}, not {first_slot}")
        vecs = np.ascontiguousarray(vecs, dtype=np.float32)
        if self._hnsw is not None:
            self._hnsw.add(vecs)  # faiss numbers them in order, so its id is the slot
            return
        end = first_slot + len(vecs)
        if end > len(self._vecs):
            self._grow(max(end, int(GROWTH * len(self._vecs)), 1024))
        self._vecs[first_slot:end] = vecs
        self._size = end

    def maybe_build_graph(self, n_alive):
        """Move the vectors into an HNSW graph once the collection passes exact_limit."""
        if self._hnsw is not None or n_alive <= self.exact_limit:
            return
        import faiss

        graph = faiss.IndexHNSWFlat(self.dim, self.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        graph.hnsw.efConstruction = 80
        graph.hnsw.efSearch = self.ef_search
        for start in range(0, self._size, 8192):
            graph.add(np.ascontiguousarray(self._vecs[start:min(start + 8192, self._size)]))
        self._hnsw, self._vecs, self._size = graph, None, 0

    def similarity(self, qvec, slots):
        """Cosine of qvec with the given slots."""
        return self.vecs[slots] @ qvec

    def search(self, qvec, k, mask):
        """Top-k (slots, cosines) among slots where mask is true."""
        allowed = int(mask.sum())
        if allowed == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        k = min(k, allowed)
        if self._hnsw is None or allowed < 4 * self.exact_limit // 10:
            # exact: a filtered subset is small enough to scan, and a scan never misses
            slots = np.flatnonzero(mask)
            sims = self.vecs[slots] @ qvec if allowed < self.size else self.vecs @ qvec
            top = np.argpartition(-sims, k - 1)[:k] if k < len(sims) else np.arange(len(sims))
            return slots[top], sims[top]
        import faiss

        bitmap = np.packbits(mask, bitorder="little")
        params = faiss.SearchParametersHNSW(sel=faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bitmap)),
                                            efSearch=max(self.ef_search, k))
        sims, slots = self._hnsw.search(qvec[None, :], k, params=params)
        keep = slots[0] >= 0
        return slots[0][keep].astype(np.int64), sims[0][keep]

    def save(self, path_prefix):
        """Write the graph (it holds the vectors) or the exact store next to path_prefix."""
        if self._hnsw is not None:
            import faiss

            faiss.write_index(self._hnsw, path_prefix + ".faiss")
        else:
            np.save(path_prefix + ".npy", self.vecs)

    def load(self, path_prefix):
        """Read what save() wrote."""
        import os

        if os.path.exists(path_prefix + ".faiss"):
            import faiss

            self._hnsw, self._vecs, self._size = faiss.read_index(path_prefix + ".faiss"), None, 0
            self._hnsw.hnsw.efSearch = self.ef_search
            self.dim = self._hnsw.d
        else:
            self._hnsw, self._vecs = None, np.load(path_prefix + ".npy")
            self._size, self.dim = self._vecs.shape
