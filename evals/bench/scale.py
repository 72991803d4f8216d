"""Scaling benchmark: ingest throughput and memory, and query p50/p95, at growing index sizes, with
Chroma embedded and as a server.

    python evals/bench/scale.py [--sizes 1000,10000,100000] [--modes embedded,server] [--out DIR]

For each size the corpus generator writes copies of the real PDFs until they hold that many chunks.
Every point runs in fresh processes so that memory figures are that point's own:
- ingest: the whole pipeline (parse, tables, facts, Chroma writes, BM25, catalog). Each distinct
  chunk text is embedded once and its copies reuse the vector with small noise: at ~27 chunks/s
  the encoder alone would need an hour per 100k chunks, and evals/bench/ingest.py measures it. The
  seconds spent in the encoder are reported apart, and excluded from the pipeline's rate.
- query: a warm `Assistant` answers every single-turn dev-suite question (query-vector cache cleared
  each time), and the same questions go to Chroma alone (top 40) and to BM25 alone, so growth can be
  traced to its part.
Writes scale.json, scale.md (a table) and scale.png (the plot) to --out.

    python evals/bench/scale.py --sizes "" --serve DATA --serve-corpus CORPUS

adds a server point for an index already built (a data folder of `assistant ingest` with embedded
Chroma, and the corpus it was built from): a Chroma server is started on that index's own Chroma
folder and only the query phase runs, so the server mode of a large index is measured without
ingesting it again over HTTP (about 270 chunks/s). With --sizes as well, those points run first.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

CHUNKS_PER_COPY = 227  # chunks in one copy of the five real documents
PAGES_PER_COPY = 42


def _settings(data: Path, corpus: Path, chroma_port: int | None):
    from core.settings import Settings

    if chroma_port:
        return Settings(data_dir=data, corpus_dir=corpus, chroma_host="127.0.0.1", chroma_port=chroma_port)
    return Settings(data_dir=data, corpus_dir=corpus)


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pct(values: list[float], p: float) -> float:
    from evals.bench.query import percentile

    return round(percentile(values, p), 1)


class _TimedEncoder:
    """Counts the seconds the real encoder spends, so they can be taken out of the pipeline's rate."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.dim, self.seconds = inner, inner.name, inner.dim, 0.0

    def embed_documents(self, texts: list[str]):
        started = time.perf_counter()
        try:
            return self.inner.embed_documents(texts)
        finally:
            self.seconds += time.perf_counter() - started

    def embed_query(self, text: str):
        return self.inner.embed_query(text)


def run_ingest_point(data: Path, corpus: Path, chroma_port: int | None) -> dict:
    from core.settings import PACKAGED_MODEL
    from evals.bench.query import ReusingEmbedder
    from index.embed import get_embedder
    from ingest.pipeline import run_ingest

    encoder = get_embedder(PACKAGED_MODEL)
    encoder.warm_up()
    timed = _TimedEncoder(encoder)
    embedder = ReusingEmbedder(timed)
    rss_before = _rss_mb()
    started = time.perf_counter()
    report = run_ingest(_settings(data, corpus, chroma_port), embedder=embedder)
    seconds = time.perf_counter() - started
    if report.failed:
        raise RuntimeError(f"{len(report.failed)} documents failed: {report.failed[0].error}")
    chunks = sum(d.chunks for d in report.docs)
    pages = sum(d.pages for d in report.docs)
    without_encoder = seconds - timed.seconds
    return {
        "documents": len(report.docs),
        "pages": pages,
        "chunks": chunks,
        "distinct_texts_encoded": embedder.encoded,
        "ingest_seconds": round(seconds, 1),
        "encoder_seconds": round(timed.seconds, 1),
        "ingest_chunks_per_s": round(chunks / without_encoder, 1),
        "ingest_pages_per_s": round(pages / without_encoder, 1),
        "ingest_rss_before_mb": round(rss_before),
        "ingest_peak_rss_mb": round(_peak_mb()),
    }


def run_query_point(data: Path, corpus: Path, chroma_port: int | None, rounds: int) -> dict:
    from assistant.service import Assistant
    from core.settings import PACKAGED_MODEL
    from evals.suite import load_suite
    from index.embed import get_query_embedder

    settings = _settings(data, corpus, chroma_port)
    embedder = get_query_embedder(
        PACKAGED_MODEL, settings.embedding_device, settings.embedding_batch_size, settings.query_encoder
    )
    embedder.embed_query("warm up")
    rss_model = _rss_mb()
    assistant = Assistant.from_settings(settings, embedder=embedder)
    started = time.perf_counter()
    assistant.warm_up()
    load_s = time.perf_counter() - started
    rss_loaded = _rss_mb()
    questions = [c.q for c in load_suite(REPO / "evals" / "suites" / "dev.yaml").cases if not c.conversation]
    retriever = assistant.retriever
    state = retriever.state
    vectors = {q: embedder.embed_query(q) for q in questions}
    for q in questions[:5]:
        assistant.ask(q, role="admin")

    ask_ms, dense_ms, lexical_ms = [], [], []
    for _ in range(rounds):
        for q in questions:
            t = time.perf_counter()
            retriever.vectors.query(state.collection, vectors[q], 40)
            dense_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            state.lexical.search(q, 40)
            lexical_ms.append((time.perf_counter() - t) * 1000)
            retriever._qcache.clear()
            t = time.perf_counter()
            assistant.ask(q, role="admin")
            ask_ms.append((time.perf_counter() - t) * 1000)
    return {
        "chunks": state.size,
        "questions": len(ask_ms),
        "ask_p50_ms": _pct(ask_ms, 50),
        "ask_p95_ms": _pct(ask_ms, 95),
        "ask_mean_ms": round(statistics.mean(ask_ms), 1),
        "chroma_p50_ms": _pct(dense_ms, 50),
        "chroma_p95_ms": _pct(dense_ms, 95),
        "bm25_p50_ms": _pct(lexical_ms, 50),
        "bm25_p95_ms": _pct(lexical_ms, 95),
        "index_load_seconds": round(load_s, 1),
        "api_rss_model_only_mb": round(rss_model),
        "api_rss_loaded_mb": round(rss_loaded),
        "api_peak_rss_mb": round(_peak_mb()),
    }


def _child(phase: str, data: Path, corpus: Path, port: int | None, rounds: int) -> dict:
    cmd = [sys.executable, __file__, "--phase", phase, "--data", str(data), "--corpus", str(corpus)]
    cmd += ["--rounds", str(rounds)] + (["--chroma-port", str(port)] if port else [])
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{phase} at {data} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _size_mb(path: Path) -> float:
    return (
        round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)
        if path.exists()
        else 0.0
    )


def measure(size: int, mode: str, work: Path, corpus: Path, rounds: int) -> dict:
    from evals.bench.chroma_server import ChromaServer

    data = work / f"data-{mode}-{size}"
    server = ChromaServer(work / f"chroma-{mode}-{size}").start() if mode == "server" else None
    try:
        port = server.port if server else None
        point = {"target_chunks": size, "mode": mode}
        point |= _child("ingest", data, corpus, port, rounds)
        point["chroma_server_rss_after_ingest_mb"] = round(server.peak_rss_mb()) if server else None
        point |= _child("query", data, corpus, port, rounds)
        point["chroma_server_peak_rss_mb"] = round(server.peak_rss_mb()) if server else None
        point["data_folder_mb"] = _size_mb(data)
        point["chroma_disk_mb"] = _size_mb(server.path if server else data / "chroma")
    finally:
        if server:
            server.stop()
            shutil.rmtree(server.path, ignore_errors=True)
        shutil.rmtree(data, ignore_errors=True)
    return point


SERVE_START_TIMEOUT_S = 600  # a Chroma server reading a large index's segments before it answers


def measure_serving(data: Path, corpus: Path, rounds: int, mode: str = "server") -> dict:
    """The query phase of an index already built: embedded, or served by a Chroma server on its
    Chroma folder (left in place: the index is not this run's to delete)."""
    from evals.bench.chroma_server import ChromaServer

    server = ChromaServer(data / "chroma").start(timeout=SERVE_START_TIMEOUT_S) if mode == "server" else None
    try:
        point = {"mode": mode, "reused_index": True}
        point |= _child("query", data, corpus, server.port if server else None, rounds)
        point["target_chunks"] = point["chunks"]
        point["chroma_server_peak_rss_mb"] = round(server.peak_rss_mb()) if server else None
        point["data_folder_mb"] = _size_mb(data)
        point["chroma_disk_mb"] = _size_mb(data / "chroma")
    finally:
        if server:
            server.stop()
    return point


def with_earlier_ingest(point: dict, previous: list[dict]) -> dict:
    """A reused index's point keeps the ingest figures an earlier run measured for the same mode and
    size (this run did not ingest), marked as such."""
    for p in previous:
        if (p["mode"], p["chunks"]) == (point["mode"], point["chunks"]) and p.get("ingest_peak_rss_mb"):
            earlier = {k: v for k, v in p.items() if k.startswith("ingest_") or k == "encoder_seconds"}
            return point | earlier | {"target_chunks": p["target_chunks"], "ingest_from_earlier_run": True}
    return point


COLUMNS = [
    ("mode", "mode"),
    ("chunks", "chunks"),
    ("ingest_chunks_per_s", "ingest chunks/s*"),
    ("ingest_peak_rss_mb", "ingest peak RSS MB"),
    ("ask_p50_ms", "ask p50 ms"),
    ("ask_p95_ms", "ask p95 ms"),
    ("chroma_p50_ms", "Chroma p50 ms"),
    ("chroma_p95_ms", "Chroma p95 ms"),
    ("bm25_p50_ms", "BM25 p50 ms"),
    ("bm25_p95_ms", "BM25 p95 ms"),
    ("api_rss_loaded_mb", "API RSS loaded MB"),
    # after every question: Chroma's embedded index and the memory-mapped BM25 are paged in by the
    # first queries, so this, not the figure after loading, is what a serving process holds
    ("api_peak_rss_mb", "API RSS serving MB"),
    ("chroma_server_peak_rss_mb", "Chroma server RSS MB"),
    ("index_load_seconds", "index load s"),
]


def table(points: list[dict]) -> str:
    head = "| " + " | ".join(label for _, label in COLUMNS) + " |"
    rule = "|" + "|".join("---" for _ in COLUMNS) + "|"
    rows = [
        "| "
        + " | ".join(
            "–" if p.get(k) is None else f"{p[k]:,}" if isinstance(p[k], int | float) else str(p[k])
            for k, _ in COLUMNS
        )
        + " |"
        for p in sorted(points, key=lambda p: (p["mode"], p["chunks"]))
    ]
    note = (
        "\n\n\\* the pipeline's own rate: each distinct chunk text is encoded once and the encoder's "
        "seconds are left out (evals/bench/ingest.py measures the encoder).\n"
    )
    return "\n".join([head, rule, *rows]) + note


def growth(points: list[dict]) -> list[str]:
    """How p50 grows per tenfold of chunks, for each mode: the slope on a log-log plot."""
    lines = []
    for mode in sorted({p["mode"] for p in points}):
        ps = sorted((p for p in points if p["mode"] == mode), key=lambda p: p["chunks"])
        if len(ps) < 2:
            continue
        a, b = ps[0], ps[-1]
        for key in ("ask_p50_ms", "chroma_p50_ms", "bm25_p50_ms"):
            slope = math.log(b[key] / a[key]) / math.log(b["chunks"] / a["chunks"])
            lines.append(
                f"- {mode}, {key[:-7]} p50: {a[key]} ms at {a['chunks']:,} chunks → {b[key]} ms at "
                f"{b['chunks']:,} ({b[key] / a[key]:.1f}×; grows as chunks^{slope:.2f})"
            )
    return lines


def plot(points: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for mode, colour in (("embedded", "tab:blue"), ("server", "tab:orange")):
        ps = sorted((p for p in points if p["mode"] == mode), key=lambda p: p["chunks"])
        if not ps:
            continue
        x = [p["chunks"] for p in ps]
        ax1.plot(x, [p["ask_p50_ms"] for p in ps], "o-", color=colour, label=f"{mode} ask p50")
        ax1.plot(x, [p["ask_p95_ms"] for p in ps], "o--", color=colour, label=f"{mode} ask p95")
        ax1.plot(x, [p["chroma_p50_ms"] for p in ps], "s:", color=colour, label=f"{mode} Chroma p50")
        ax2.plot(x, [p["api_rss_loaded_mb"] for p in ps], "o-", color=colour, label=f"{mode} API loaded")
        ax2.plot(x, [p["api_peak_rss_mb"] for p in ps], "o:", color=colour, label=f"{mode} API serving")
        ingested = [p for p in ps if p.get("ingest_peak_rss_mb") is not None]  # a served index has none
        ax2.plot(
            [p["chunks"] for p in ingested],
            [p["ingest_peak_rss_mb"] for p in ingested],
            "^--",
            color=colour,
            label=f"{mode} ingest peak",
        )
        if mode == "server":
            ax2.plot(
                x, [p["chroma_server_peak_rss_mb"] for p in ps], "s:", color=colour, label="Chroma server"
            )
    for ax in (ax1, ax2):
        ax.set_xscale("log")
        ax.set_xlabel("chunks in the index")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    ax1.set_yscale("log")
    ax1.set_ylabel("latency (ms)")
    ax1.set_title("Query latency")
    ax2.set_ylabel("resident memory (MB)")
    ax2.set_title("Memory")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(points: list[dict], out: Path, machine: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "scale.json").write_text(json.dumps({"machine": machine, "points": points}, indent=2))
    md = ["# Scaling benchmark", "", f"Machine: {machine['cpus']} CPUs, Python {machine['python']}.", ""]
    md += [table(points), "Latency growth:", "", *growth(points), "", "![scaling plot](scale.png)", ""]
    (out / "scale.md").write_text("\n".join(md))
    plot(points, out / "scale.png")


def merged(previous: list[dict], points: list[dict]) -> list[dict]:
    """The points of earlier runs that this run did not measure again, and this run's."""
    measured = {(q["mode"], q["target_chunks"]) for q in points}
    return [p for p in previous if (p["mode"], p["target_chunks"]) not in measured] + points


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--modes", default="embedded,server")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--out", type=Path, default=REPO / "evals" / "bench" / "out")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    parser.add_argument(
        "--serve", type=Path, default=None, help="an index's data folder to serve (server mode)"
    )
    parser.add_argument("--serve-corpus", type=Path, default=None, help="the corpus folder of --serve")
    parser.add_argument(
        "--serve-modes",
        default="server",
        choices=["server", "embedded", "embedded,server", "server,embedded"],
        help="how to serve --serve: with a Chroma server, embedded, or both (comma-separated)",
    )
    parser.add_argument("--phase", choices=["ingest", "query"], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--chroma-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase == "ingest":
        print(json.dumps(run_ingest_point(args.data, args.corpus, args.chroma_port)))
        return
    if args.phase == "query":
        print(json.dumps(run_query_point(args.data, args.corpus, args.chroma_port, args.rounds)))
        return

    import platform

    from evals.bench.corpus_gen import generate

    machine = {"cpus": os.cpu_count(), "python": platform.python_version()}
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    previous = (
        json.loads((args.out / "scale.json").read_text())["points"]
        if (args.out / "scale.json").exists()
        else []
    )
    points: list[dict] = []
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        corpus = work / f"corpus-{size}"
        generate(corpus, max(1, round(size / CHUNKS_PER_COPY * PAGES_PER_COPY)))
        for mode in args.modes.split(","):
            print(f"{mode} at {size:,} chunks …", flush=True)
            point = measure(size, mode, work, corpus, args.rounds)
            print(json.dumps(point), flush=True)
            points.append(point)
            write(merged(previous, points), args.out, machine)
        shutil.rmtree(corpus, ignore_errors=True)
    if args.serve is not None and args.serve_corpus is None:
        parser.error("--serve needs --serve-corpus, the corpus the index was built from")
    for mode in args.serve_modes.split(",") if args.serve is not None else []:
        print(f"{mode} mode on the index at {args.serve} …", flush=True)
        point = with_earlier_ingest(
            measure_serving(args.serve, args.serve_corpus, args.rounds, mode), previous
        )
        print(json.dumps(point), flush=True)
        points.append(point)
        write(merged(previous, points), args.out, machine)
    print((args.out / "scale.md").read_text())


if __name__ == "__main__":
    main()
