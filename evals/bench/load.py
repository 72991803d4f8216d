"""HTTP load benchmark: N concurrent clients asking dev-suite questions on /v1/ask for a fixed time.

    python evals/bench/http.py [--clients 20] [--seconds 60] [--url URL] [--out evals/bench/out]

Without --url it ingests the corpus into a temporary data folder and starts `assistant serve` in its
own process (so the load generator does not share its CPU budget with the server's Python), with a
rate limit high enough not to throttle the benchmark. Reports requests/s, latency p50/p95/p99 and the
error count, which must be 0.
"""

from __future__ import annotations

import os
import sys

# This file shares its name with the standard library's http package: run as a script, its own folder
# would come first on the import path and shadow it.
if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    sys.path.pop(0)

import argparse
import asyncio
import json
import socket
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict[str, str], port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [str(BIN / "assistant"), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise RuntimeError("the server did not become ready")


async def load(url: str, questions: list[str], clients: int, seconds: float, headers: dict[str, str]) -> dict:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    stop = time.perf_counter() + seconds

    async def client(i: int) -> None:
        async with httpx.AsyncClient(base_url=url, timeout=60, headers=headers) as http:
            n = i
            while time.perf_counter() < stop:
                q = questions[n % len(questions)]
                n += clients
                started = time.perf_counter()
                try:
                    r = await http.post("/v1/ask", json={"question": q})
                    if r.status_code != 200:
                        errors[str(r.status_code)] = errors.get(str(r.status_code), 0) + 1
                        continue
                    r.json()
                except (httpx.HTTPError, ValueError) as exc:
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                    continue
                latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return (
            round(1000 * latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))], 1)
            if latencies
            else 0.0
        )

    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 2),
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "mean_ms": round(1000 * statistics.mean(latencies), 1) if latencies else 0.0,
        "errors": sum(errors.values()),
        "errors_by_kind": errors,
    }


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--url", default=None, help="benchmark a running API instead of starting one")
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--label", default="single process, embedded Chroma")
    parser.add_argument("--out", type=Path, default=REPO / "evals" / "bench" / "out")
    args = parser.parse_args()

    from evals.suite import load_suite

    questions = [c.q for c in load_suite(REPO / "evals" / "suites" / "dev.yaml").cases if not c.conversation]
    proc = None
    url = args.url
    if url is None:
        data = Path(tempfile.mkdtemp(prefix="bench-http-")) / "data"
        env = {
            **os.environ,
            "ASSISTANT_DATA_DIR": str(data),
            "ASSISTANT_CORPUS_DIR": str(REPO / "corpus"),
            "ASSISTANT_RATE_LIMIT_PER_MINUTE": "1000000",
            "HF_HUB_OFFLINE": "1",
        }
        subprocess.run([str(BIN / "assistant"), "ingest"], env=env, check=True, stdout=subprocess.DEVNULL)
        port = _free_port()
        proc = start_server(env, port)
        url = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {args.api_key}"} if args.api_key else {}
    try:
        result = asyncio.run(load(url, questions, args.clients, args.seconds, headers))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    result["setup"] = args.label
    args.out.mkdir(parents=True, exist_ok=True)
    name = "http.json" if args.url is None else f"http-{args.label.replace(' ', '-').replace(',', '')}.json"
    (args.out / name).write_text(json.dumps(result, indent=2))
    for k, v in result.items():
        print(f"{k:15} {v}")
    return result


if __name__ == "__main__":
    main()
