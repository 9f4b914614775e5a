"""The encoder runtimes: the ONNX export yields sentence-transformers' fp32 vectors, is made once, and heals."""
import os

import numpy as np
import pytest

from indexer import open_index
from indexer.encoder import Encoder, default_model_path, encoder_name, get_encoder
from indexer.onnx_model import export_onnx

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


def test_threads_loading_the_encoder_at_once_share_one_export(tmp_path):
    import threading

    got, errors = [], []

    def load():
        try:
            got.append(get_encoder(None, "onnx", str(tmp_path)))
        except Exception as exc:  # a failed load is what this test looks for
            errors.append(exc)

    threads = [threading.Thread(target=load) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(got) == 3 and got[0] is got[1] is got[2]
    assert [name for name in os.listdir(tmp_path) if name.endswith(".onnx")] == os.listdir(tmp_path)


def test_model_folders_the_onnx_runtime_would_embed_wrongly_are_refused(tmp_path):
    import json
    import shutil

    with pytest.raises(ValueError, match="no tokenizer.json: use the encoder runtime 'torch'"):
        Encoder(str(tmp_path), "onnx", str(tmp_path / "cache"))
    shutil.copy(os.path.join(default_model_path(), "tokenizer.json"), tmp_path)
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_cls_token": True}))
    with pytest.raises(ValueError, match="does not mean-pool"):
        Encoder(str(tmp_path), "onnx", str(tmp_path / "cache"))


def test_a_query_remembered_in_memory_is_the_vector_a_batch_computes(encoder):
    """Short calls (queries) come from the in-memory cache the second time: the same vector, and bounded."""
    from indexer import encoder as module

    texts = ["市政污泥低温干化", "高镍三元正极材料包覆", "农作物病虫害图像识别"]
    batch = encoder.encode(texts)  # a batch is never remembered
    once = np.stack([encoder.encode([t])[0] for t in texts])
    again = np.stack([encoder.encode([t])[0] for t in texts])
    assert np.allclose(once, batch, atol=1e-5) and np.array_equal(once, again)
    assert len(encoder._recent) <= module.QUERY_CACHE_SIZE and set(texts) <= set(encoder._recent)
