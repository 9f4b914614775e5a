"""The encoder runtimes: the ONNX export yields sentence-transformers' fp32 vectors, is made once, and heals."""
import os

import numpy as np
import pytest

from indexer import open_index
from indexer.encoder import Encoder, default_model_path, encoder_name, export_onnx, get_encoder

TEXTS = ["高镍三元锂离子电池正极材料的包覆改性", "", "🔋⚡ emoji 与 English mixed text\x07", "长" * 600]


def test_onnx_vectors_are_the_sentence_transformers_fp32_vectors(encoder):
    assert encoder.name == "m3e-small-onnx"
    onnx, torch_fp32 = encoder.encode(TEXTS), get_encoder(None, "torch").encode(TEXTS)
    assert onnx.shape == torch_fp32.shape == (len(TEXTS), encoder.dim)
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)
    assert (onnx * torch_fp32).sum(axis=1).min() > 0.9999


def test_the_export_is_made_once_and_a_damaged_one_is_made_again(tmp_path):
    path = export_onnx(default_model_path(), str(tmp_path))
    assert os.listdir(tmp_path) == [os.path.basename(path)]  # no temporary file left behind
    made = os.stat(path).st_mtime_ns
    assert export_onnx(default_model_path(), str(tmp_path)) == path and os.stat(path).st_mtime_ns == made
    with open(path, "wb") as f:
        f.write(b"not a model")  # a disk-full or half-copied file
    vecs = Encoder(None, "onnx", str(tmp_path)).encode(TEXTS[:1])
    assert os.path.getsize(path) > 1_000_000 and abs(float(np.linalg.norm(vecs)) - 1.0) < 1e-5


def test_an_unknown_runtime_is_refused_when_the_index_opens(tmp_path):
    with pytest.raises(ValueError, match="unknown encoder runtime 'gpu'"):
        open_index("achievements", {"index_dir": str(tmp_path), "encoder_runtime": "gpu"})
    assert encoder_name(None, "torch-int8") == "m3e-small-int8"
