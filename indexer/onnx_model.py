"""The encoder's ONNX runtime: a one-off export of the model with torch, run by ONNX Runtime in fp32."""
import hashlib
import logging
import os
import threading

import numpy as np

from .encoder import MAX_SEQ_LENGTH, release_memory


def _model_digest(model_path):
    """A short digest of the model folder's files (names, sizes, modification times)."""
    h = hashlib.sha1()
    for name in sorted(os.listdir(model_path)):
        full = os.path.join(model_path, name)
        if os.path.isfile(full):
            st = os.stat(full)
            h.update(f"{name}:{st.st_size}:{int(st.st_mtime)};".encode())
    return h.hexdigest()[:12]


def export_onnx(model_path, cache_dir, force=False):
    """Path of the model's ONNX export under cache_dir, exporting it first if needed (torch, once).

    force: export again even if the file exists (it is unreadable); the new file replaces it atomically.
    """
    base = os.path.basename(os.path.normpath(model_path))
    path = os.path.join(cache_dir, f"{base}-{_model_digest(model_path)}.onnx")
    if os.path.exists(path) and not force:
        return path
    import warnings

    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # "Loading weights" bars on stderr would interleave with script output

    class Hidden(torch.nn.Module):
        """The transformer with plain tensor inputs and its last hidden state as the output."""

        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    model = Hidden(AutoModel.from_pretrained(model_path)).eval()
    sample = AutoTokenizer.from_pretrained(model_path)(["示例文本", "例"], padding=True, return_tensors="pt")
    names = ["input_ids", "attention_mask", "token_type_ids"]
    os.makedirs(cache_dir, exist_ok=True)
    tmp = f"{path}.{os.getpid()}-{threading.get_ident()}.tmp"
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(model, tuple(sample[n] for n in names), tmp, input_names=names,
                              output_names=["hidden"], opset_version=17, dynamo=False,
                              dynamic_axes={n: {0: "batch", 1: "tokens"} for n in names + ["hidden"]})
        os.replace(tmp, path)  # atomic: a concurrent process sees the whole file or none
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    release_memory()
    return path


def _check_onnx_folder(model_path):
    """Refuse a model folder the ONNX runtime would embed wrongly (it tokenizes and mean-pools itself)."""
    if not os.path.isfile(os.path.join(model_path, "tokenizer.json")):
        raise ValueError(f"{model_path} has no tokenizer.json: use the encoder runtime 'torch' for this model")
    pooling = os.path.join(model_path, "1_Pooling", "config.json")
    if os.path.isfile(pooling):
        import json

        with open(pooling, encoding="utf-8") as f:
            if not json.load(f).get("pooling_mode_mean_tokens"):
                raise ValueError(f"{model_path} does not mean-pool: use the encoder runtime 'torch' for this model")


class OnnxModel:
    """The model's ONNX export run by ONNX Runtime (fp32), with the model's own fast tokenizer."""

    def __init__(self, model_path, cache_dir):
        import onnxruntime
        from tokenizers import Tokenizer

        _check_onnx_folder(model_path)
        path = export_onnx(model_path, cache_dir)
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # errors only
        try:
            self.session = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own error types for a damaged file
            logging.getLogger(__name__).warning("exporting the model again: %s is unreadable (%s)", path, exc)
            path = export_onnx(model_path, cache_dir, force=True)  # replaces it atomically, never deletes
            self.session = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(os.path.join(model_path, "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_SEQ_LENGTH)
        pad = self.tokenizer.token_to_id("[PAD]")
        self.tokenizer.enable_padding(pad_id=pad or 0, pad_token="[PAD]")
        self.dim = int(self.session.get_outputs()[0].shape[-1])

    def embed(self, texts):
        """L2-normalised mean-pooled vectors of one batch (what sentence-transformers computes)."""
        batch = self.tokenizer.encode_batch(texts)
        feed = {"input_ids": np.array([e.ids for e in batch], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in batch], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in batch], dtype=np.int64)}
        hidden = self.session.run(None, feed)[0]
        mask = feed["attention_mask"][..., None].astype(np.float32)
        vecs = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1.0)
        return (vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)).astype(np.float32)
