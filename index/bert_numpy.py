"""The query encoder without torch: MiniLM's forward pass in numpy, on weights memory-mapped from disk.

Why: an answering process embeds one short question at a time, and importing torch and
sentence-transformers for that costs about 430 MB of resident memory per process against about 55 MB
here (measured at 300k chunks, where torch was a quarter of the API process). The same BERT forward pass in numpy gives vectors
that agree with sentence-transformers' to about 1e-7 (a test compares them on the real model), so
every ranking and every answer stays the same, in a process of a fraction of the size. The weights
are memory-mapped from the model's `model.safetensors`, so processes on one host share the pages and
only the vocabulary rows a question touches are read.

Ingest keeps sentence-transformers: it encodes thousands of chunks in batches, where torch is the
faster tool. Only a sentence-transformers folder of the shape Transformer(BERT) → mean pooling →
normalisation is supported; anything else raises `UnsupportedModel` and the caller falls back to torch.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# float32 weights only: float16 ones would be upcast here but run in float16 by transformers
_DTYPES = {"F32": np.float32, "I64": np.int64}
_ST_MODULES = (
    "sentence_transformers.models.Transformer",
    "sentence_transformers.models.Pooling",
    "sentence_transformers.models.Normalize",
)


class UnsupportedModel(ValueError):
    """The model folder is not a BERT mean-pooled, normalised sentence-transformers model."""


def _safetensors_mmap(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of a .safetensors file as a read-only memory map (the format is an 8-byte header
    length, a JSON header of dtype/shape/offsets, then the raw little-endian data)."""
    with path.open("rb") as handle:
        header_len = int.from_bytes(handle.read(8), "little")
        header = json.loads(handle.read(header_len))
    base = 8 + header_len
    tensors: dict[str, np.ndarray] = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(spec["dtype"])
        if dtype is None:
            raise UnsupportedModel(f"{path.name}: tensor {name} has dtype {spec['dtype']}")
        start, end = spec["data_offsets"]
        shape = tuple(spec["shape"])
        count = int(np.prod(shape)) if shape else 1
        if (end - start) != count * np.dtype(dtype).itemsize:
            raise UnsupportedModel(f"{path.name}: tensor {name} has an inconsistent size")
        tensors[name] = np.memmap(path, dtype=dtype, mode="r", offset=base + start, shape=shape)
    return tensors


def _erf(x: np.ndarray) -> np.ndarray:
    """erf with a fractional error below 1.2e-7 (Numerical Recipes' erfc by Chebyshev fitting), which
    is float32's own precision: GELU is exact, unlike its tanh approximation, and no scipy is needed."""
    z = np.abs(x.astype(np.float64))
    t = 1.0 / (1.0 + 0.5 * z)
    poly = -1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))
    poly = 0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * poly))
    poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * poly))
    erfc = t * np.exp(-z * z + poly)
    return np.where(x >= 0, 1.0 - erfc, erfc - 1.0)


@dataclass(frozen=True)
class _Layer:
    """One encoder layer's weights, as (out, in) matrices used transposed (no copies are made)."""

    query_w: np.ndarray
    query_b: np.ndarray
    key_w: np.ndarray
    key_b: np.ndarray
    value_w: np.ndarray
    value_b: np.ndarray
    attn_out_w: np.ndarray
    attn_out_b: np.ndarray
    attn_norm_g: np.ndarray
    attn_norm_b: np.ndarray
    inter_w: np.ndarray
    inter_b: np.ndarray
    out_w: np.ndarray
    out_b: np.ndarray
    out_norm_g: np.ndarray
    out_norm_b: np.ndarray


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UnsupportedModel(f"{path}: cannot be read ({exc})") from exc
    if not isinstance(data, dict):
        raise UnsupportedModel(f"{path}: not a JSON object")
    return data


def _transformer_folder(folder: Path) -> Path:
    """The folder of the Transformer module, after checking the pipeline is Transformer → mean
    pooling → normalisation, with no prompt put before the text."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        kinds = tuple(m["type"] for m in modules)
        paths = [str(m.get("path", "")) for m in modules]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UnsupportedModel(f"{folder}: no readable modules.json ({exc})") from exc
    if kinds != _ST_MODULES:
        raise UnsupportedModel(f"{folder}: modules {kinds} are not Transformer → Pooling → Normalize")
    pooling = _read_json(folder / paths[1] / "config.json")
    modes = [k for k, v in pooling.items() if k.startswith("pooling_mode") and v]
    if modes != ["pooling_mode_mean_tokens"]:
        raise UnsupportedModel(f"{folder}: pooling {modes} is not mean pooling")
    st_config = folder / "config_sentence_transformers.json"
    if st_config.is_file():
        prompts = _read_json(st_config)
        if prompts.get("default_prompt_name") or any(prompts.get("prompts", {}).values()):
            raise UnsupportedModel(f"{folder}: puts a prompt before the text")
    return folder / paths[0]


class NumpyBertEncoder:
    """Embeds queries like `SentenceTransformer(folder).encode(..., normalize_embeddings=True)`."""

    def __init__(self, folder: Path, name: str) -> None:
        try:
            self._load(folder, name)
        except UnsupportedModel:
            raise
        except Exception as exc:  # a folder this reader does not understand is torch's to run
            raise UnsupportedModel(f"{folder}: {type(exc).__name__}: {exc}") from exc

    def _load(self, folder: Path, name: str) -> None:
        from tokenizers import Tokenizer

        module = _transformer_folder(folder)
        config = _read_json(module / "config.json")
        shape = (config.get("model_type"), config.get("hidden_act"), config.get("position_embedding_type"))
        if shape != ("bert", "gelu", "absolute"):
            raise UnsupportedModel(f"{folder}: {shape} is not a BERT with GELU and absolute positions")
        weights_file = module / "model.safetensors"
        if not weights_file.is_file():
            raise UnsupportedModel(f"{folder}: no model.safetensors")
        st_config = _read_json(module / "sentence_bert_config.json")
        if st_config.get("do_lower_case"):
            raise UnsupportedModel(f"{folder}: lowercases its input before the tokenizer")
        self.name = name
        self.max_tokens = int(st_config["max_seq_length"])
        if self.max_tokens > int(config["max_position_embeddings"]):
            raise UnsupportedModel(f"{folder}: max_seq_length is longer than its position table")
        self.dim = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        self.tokenizer = Tokenizer.from_file(str(module / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_tokens)
        self.tokenizer.no_padding()
        w = _safetensors_mmap(weights_file)
        prefix = "" if "embeddings.word_embeddings.weight" in w else "bert."
        try:
            self.words = w[f"{prefix}embeddings.word_embeddings.weight"]
            self.positions = w[f"{prefix}embeddings.position_embeddings.weight"]
            self.token_type = w[f"{prefix}embeddings.token_type_embeddings.weight"][0]
            self.embed_norm = (
                w[f"{prefix}embeddings.LayerNorm.weight"],
                w[f"{prefix}embeddings.LayerNorm.bias"],
            )
            self.layers = [
                self._layer(w, f"{prefix}encoder.layer.{i}.") for i in range(config["num_hidden_layers"])
            ]
        except KeyError as exc:
            raise UnsupportedModel(f"{weights_file}: missing tensor {exc}") from exc

    @staticmethod
    def _layer(w: dict[str, np.ndarray], p: str) -> _Layer:
        return _Layer(
            w[p + "attention.self.query.weight"],
            w[p + "attention.self.query.bias"],
            w[p + "attention.self.key.weight"],
            w[p + "attention.self.key.bias"],
            w[p + "attention.self.value.weight"],
            w[p + "attention.self.value.bias"],
            w[p + "attention.output.dense.weight"],
            w[p + "attention.output.dense.bias"],
            w[p + "attention.output.LayerNorm.weight"],
            w[p + "attention.output.LayerNorm.bias"],
            w[p + "intermediate.dense.weight"],
            w[p + "intermediate.dense.bias"],
            w[p + "output.dense.weight"],
            w[p + "output.dense.bias"],
            w[p + "output.LayerNorm.weight"],
            w[p + "output.LayerNorm.bias"],
        )

    def _norm(self, x: np.ndarray, gain: np.ndarray, bias: np.ndarray) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return np.asarray((x - mean) / np.sqrt(var + self.eps) * gain + bias, dtype=np.float32)

    def _attention(self, x: np.ndarray, layer: _Layer) -> np.ndarray:
        n, d = x.shape
        head = d // self.heads
        q = (x @ layer.query_w.T + layer.query_b).reshape(n, self.heads, head).transpose(1, 0, 2)
        k = (x @ layer.key_w.T + layer.key_b).reshape(n, self.heads, head).transpose(1, 2, 0)
        v = (x @ layer.value_w.T + layer.value_b).reshape(n, self.heads, head).transpose(1, 0, 2)
        scores = (q @ k) / math.sqrt(head)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(1, 0, 2).reshape(n, d)
        return np.asarray(context @ layer.attn_out_w.T + layer.attn_out_b, dtype=np.float32)

    def _encode(self, text: str) -> np.ndarray:
        ids = np.asarray(self.tokenizer.encode(text).ids, dtype=np.int64)
        x = self.words[ids] + self.positions[: len(ids)] + self.token_type
        x = self._norm(x, *self.embed_norm)
        for layer in self.layers:
            x = self._norm(self._attention(x, layer) + x, layer.attn_norm_g, layer.attn_norm_b)
            inter = x @ layer.inter_w.T + layer.inter_b
            inter = (0.5 * inter * (1.0 + _erf(inter / math.sqrt(2.0)))).astype(np.float32)
            x = self._norm(inter @ layer.out_w.T + layer.out_b + x, layer.out_norm_g, layer.out_norm_b)
        pooled = x.mean(0)
        return np.asarray(pooled / max(float(np.linalg.norm(pooled)), 1e-12), dtype=np.float32)

    def warm_up(self) -> None:
        """Nothing to load: the weights are mapped in the constructor and paged in on use."""

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode(text)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        """One at a time, so each text's mean pools over its own tokens only (no padding to mask)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._encode(t) for t in texts])
