"""Query benchmark: p50 and p95 of `Assistant.ask` with a warm process over a 10,000-chunk index,
beside the query-embedding time measured in the same run.

    python evals/bench/query.py [--chunks 10000] [--rounds 2] [--out evals/bench/out]

The index is built with the ingest pipeline from the corpus generator. Copies of the same chunk text
are embedded once and reuse the vector with small noise (this measures retrieval and answering, not
the encoder, which evals/bench/ingest.py measures). Questions are the dev suite's; the query cache
is cleared before every question, so each timing includes embedding the question.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))


class ReusingEmbedder:
    """Embeds each distinct text once; copies get the same vector plus small noise."""

    def __init__(self, inner, noise: float = 0.01, seed: int = 7) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.noise = noise
        self._cache: dict[str, np.ndarray] = {}
        self._rng = np.random.default_rng(seed)
        self.encoded = 0

    @staticmethod
    def _base(text: str) -> str:
        return re.sub(r" \(copy \d+\)", "", text)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        bases = [self._base(t) for t in texts]
        todo = sorted({b for b in bases if b not in self._cache})
        if todo:
            for b, v in zip(todo, self.inner.embed_documents(todo), strict=True):
                self._cache[b] = v
            self.encoded += len(todo)
        out = np.stack([self._cache[b] for b in bases]).astype(np.float32)
        out += self._rng.normal(0, self.noise, out.shape).astype(np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def build_index(work: Path, chunks: int, embedder) -> tuple:
    from core.settings import Settings
    from evals.bench.corpus_gen import generate
    from ingest.pipeline import run_ingest

    corpus = work / "corpus"
    per_copy_set = 227  # chunks in one copy of the five documents
    pages = int(chunks / per_copy_set * 42) + 42
    generate(corpus, pages)
    settings = Settings(data_dir=work / "data", corpus_dir=corpus)
    started = time.perf_counter()
    report = run_ingest(settings, embedder=ReusingEmbedder(embedder))
    return settings, report, time.perf_counter() - started


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=REPO / "evals" / "bench" / "out")
    parser.add_argument("--data", type=Path, default=None, help="reuse an index built earlier in this folder")
    parser.add_argument("--corpus", type=Path, default=None, help="index this real corpus folder instead")
    parser.add_argument("--suite", type=Path, default=REPO / "evals" / "suites" / "dev.yaml")
    args = parser.parse_args()

    from assistant.service import Assistant
    from core.errors import QuestionError
    from core.settings import PACKAGED_MODEL, Settings
    from evals.suite import load_suite
    from index.catalog import Catalog
    from index.embed import get_embedder, get_query_embedder

    embedder = get_embedder(PACKAGED_MODEL)  # ingest's encoder
    embedder.warm_up()
    if args.corpus:
        from ingest.pipeline import run_ingest

        # --data with --corpus reuses (and brings up to date) an index of that corpus built earlier.
        data = args.data or Path(tempfile.mkdtemp(prefix="bench-query-")) / "data"
        settings = Settings(data_dir=data, corpus_dir=args.corpus.resolve(), default_audience="public")
        started = time.perf_counter()
        run_ingest(settings, embedder=embedder)
        build_s = time.perf_counter() - started
    elif args.data and (args.data / "catalog.sqlite").exists():
        settings = Settings(data_dir=args.data, corpus_dir=args.data.parent / "corpus")
        build_s = None
    else:
        work = args.data.parent if args.data else Path(tempfile.mkdtemp(prefix="bench-query-"))
        settings, _, build_s = build_index(work, args.chunks, embedder)
    n_chunks = len(Catalog(settings.catalog_path).chunk_ids())

    # Questions are embedded as the API embeds them (settings.query_encoder), not by ingest's encoder.
    query_embedder = get_query_embedder(
        PACKAGED_MODEL, settings.embedding_device, settings.embedding_batch_size, settings.query_encoder
    )
    assistant = Assistant.from_settings(settings, embedder=query_embedder)
    assistant.warm_up()
    questions = [c.q for c in load_suite(args.suite).cases if not c.conversation]
    for q in questions[:10]:  # warm caches and code paths
        with contextlib.suppress(QuestionError):
            assistant.ask(q, role="admin")

    ask_ms, embed_ms = [], []
    for _ in range(args.rounds):
        for q in questions:
            assistant.retriever._qcache.clear()
            t = time.perf_counter()
            query_embedder.embed_query(q)
            embed_ms.append((time.perf_counter() - t) * 1000)
            assistant.retriever._qcache.clear()
            t = time.perf_counter()
            assistant.ask(q, role="admin")
            ask_ms.append((time.perf_counter() - t) * 1000)

    result = {
        "corpus": str(args.corpus) if args.corpus else "generated",
        "suite": str(args.suite),
        "chunks": n_chunks,
        "questions": len(questions),
        "asks": len(ask_ms),
        "ask_p50_ms": round(percentile(ask_ms, 50), 1),
        "ask_p95_ms": round(percentile(ask_ms, 95), 1),
        "ask_mean_ms": round(statistics.mean(ask_ms), 1),
        "query_embedding_p50_ms": round(percentile(embed_ms, 50), 1),
        "query_embedding_p95_ms": round(percentile(embed_ms, 95), 1),
        "index_build_seconds": round(build_s, 1) if build_s else None,
        "targets": {"ask_p50_ms": 50, "ask_p95_ms": 120},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "query.json").write_text(json.dumps(result, indent=2))
    for k, v in result.items():
        print(f"{k:26} {v}")
    print(f"data folder: {settings.data_dir}")
    return result


if __name__ == "__main__":
    main()
