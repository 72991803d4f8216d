"""HTTP load benchmark: N concurrent clients asking dev-suite questions on /v1/ask for a fixed time.

    python evals/bench/load.py [--clients 20] [--seconds 60] [--url URL] [--out evals/bench/out]

Without --url it ingests the corpus into a temporary data folder and starts `assistant serve` in its
own process (so the load generator does not share its CPU budget with the server's Python), with a
rate limit high enough not to throttle the benchmark. Reports requests/s, latency p50/p95/p99 and the
error count, which must be 0.

    python evals/bench/load.py --replicas 2 --chroma-server

runs the deployed shape instead: a `chroma run` server holding the vectors and two `assistant serve`
processes sharing one data folder (catalog, conversations, feedback in SQLite WAL), each client
talking to one of them in turn, as a load balancer would spread them.

    python evals/bench/load.py --mixed

mixes valid questions with invalid and hostile requests (issue 16): NaN, Infinity and 1e-308 tool
inputs, broken JSON, questions of NUL or zero-width characters, over-long questions, since after
until, a wrong key, an oversized body, someone else's conversation. Each gets a 4xx, never a 500,
and no kept-alive connection is dropped: `server_errors` and `connection_errors` must both be 0.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
BIN = Path(sys.executable).parent

from evals.bench.chroma_server import ChromaServer, free_port  # noqa: E402  (after the path is set)


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


@dataclass(frozen=True)
class Probe:
    """One request of the mixed load and the statuses it may get."""

    name: str
    method: str
    path: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    expect: frozenset[int] = frozenset({200})


JSON = (("Content-Type", "application/json"),)
ANY_4XX = frozenset(range(400, 500))
OVER_LIMIT_BYTES = 70 * 1024


def hostile_probes() -> list[Probe]:
    """The invalid requests of the security test (issue 16), each answered with a 4xx."""

    def tool(name: str, body: str) -> Probe:
        return Probe(
            f"tool {name} {body}", "POST", f"/v1/tools/{name}", body.encode(), JSON, frozenset({422})
        )

    def ask(name: str, payload: object, expect: frozenset[int] = frozenset({422})) -> Probe:
        return Probe(name, "POST", "/v1/ask", json.dumps(payload).encode(), JSON, expect)

    return [
        tool("costing.staff_time", '{"salary": 30000, "days": 5, "working_days": NaN}'),
        tool("costing.staff_time", '{"salary": 30000, "days": 5, "working_days": Infinity}'),
        tool("costing.staff_time", '{"salary": 30000, "days": 5, "working_days": 1e-308}'),
        tool("arithmetic.ratio", '{"a": 1e13, "b": 1e-308}'),
        tool("arithmetic.sum", '{"values": [1, NaN]}'),
        Probe("broken json", "POST", "/v1/ask", b'{"question": ', JSON, frozenset({400, 422})),
        ask("NUL question", {"question": "\x00\x00"}),
        ask("zero-width question", {"question": "\u200b\u200d"}),
        ask("over-long question", {"question": "What was the target? " * 200}),
        ask(
            "since after until",
            {"question": "What was the target?", "filters": {"since": "9999", "until": "0001"}},
        ),
        Probe(
            "wrong key",
            "GET",
            "/v1/documents",
            headers=(("Authorization", "Bearer wrong-key-0123456789abcdef"),),
            expect=frozenset({200, 401, 429}),  # 200 where no keys are configured (public for all)
        ),
        Probe("oversized body", "POST", "/v1/ask", b"x" * OVER_LIMIT_BYTES, JSON, frozenset({413})),
        Probe(
            "someone else's conversation",
            "GET",
            "/v1/conversations/c-00000000000000000000",
            expect=frozenset({404}),
        ),
        Probe("feedback as anonymous", "GET", "/v1/feedback", expect=frozenset({403})),
    ]


def valid_probes(questions: list[str]) -> list[Probe]:
    asks = [Probe("ask", "POST", "/v1/ask", json.dumps({"question": q}).encode(), JSON) for q in questions]
    tool = Probe(
        "tool ok",
        "POST",
        "/v1/tools/costing.day_rate",
        json.dumps({"rate": 750, "days_per_week": 4, "weeks": 46}).encode(),
        JSON,
    )
    return [*asks, tool]


def mixed_probes(questions: list[str]) -> list[Probe]:
    """Valid and hostile requests interleaved, about one hostile request to each valid one."""
    valid, hostile = valid_probes(questions), hostile_probes()
    out: list[Probe] = []
    for i in range(max(len(valid), len(hostile))):
        out += [valid[i % len(valid)], hostile[i % len(hostile)]]
    return out


async def load(
    urls: list[str],
    questions: list[str],
    clients: int,
    seconds: float,
    headers: dict[str, str],
    probes: list[Probe] | None = None,
) -> dict:
    """`probes`: the requests to cycle through (default: each question on /v1/ask). A status a
    probe may get counts as answered; any other is an error by status, and a failed connection
    (reset, refused, timed out) an error by exception name."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    statuses: dict[str, int] = {}
    answered_by_url: dict[str, int] = dict.fromkeys(urls, 0)
    stop = time.perf_counter() + seconds
    cycle = probes or valid_probes(questions)[:-1]

    async def client(i: int) -> None:
        url = urls[i % len(urls)]
        async with httpx.AsyncClient(base_url=url, timeout=60, headers=headers) as http:
            n = i
            while time.perf_counter() < stop:
                probe = cycle[n % len(cycle)]
                n += clients
                started = time.perf_counter()
                try:
                    r = await http.request(
                        probe.method, probe.path, content=probe.body, headers=dict(probe.headers)
                    )
                    statuses[str(r.status_code)] = statuses.get(str(r.status_code), 0) + 1
                    if r.status_code not in probe.expect:
                        errors[str(r.status_code)] = errors.get(str(r.status_code), 0) + 1
                        continue
                    r.json()
                except (httpx.HTTPError, ValueError) as exc:
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                    continue
                latencies.append(time.perf_counter() - started)
                answered_by_url[url] += 1

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
        "statuses": statuses,
        "answered_by_url": answered_by_url,
        "server_errors": sum(n for code, n in statuses.items() if code.startswith("5")),
        "connection_errors": sum(n for kind, n in errors.items() if not kind.isdigit()),
    }


def start_replicas(replicas: int, chroma_server: bool, work: Path) -> tuple[list[str], list]:
    """Ingest the corpus and start `replicas` API processes on one data folder; returns their URLs and
    the processes to stop (the Chroma server last)."""
    env = {
        **os.environ,
        "ASSISTANT_DATA_DIR": str(work / "data"),
        "ASSISTANT_CORPUS_DIR": str(REPO / "corpus"),
        "ASSISTANT_RATE_LIMIT_PER_MINUTE": "1000000",
        "HF_HUB_OFFLINE": "1",
    }
    owned: list = []
    if chroma_server:
        chroma = ChromaServer(work / "chroma").start()
        owned.append(chroma)
        env |= {"ASSISTANT_CHROMA_HOST": "127.0.0.1", "ASSISTANT_CHROMA_PORT": str(chroma.port)}
    subprocess.run([str(BIN / "assistant"), "ingest"], env=env, check=True, stdout=subprocess.DEVNULL)
    urls = []
    for _ in range(replicas):
        port = free_port()
        owned.insert(0, start_server(env, port))
        urls.append(f"http://127.0.0.1:{port}")
    return urls, owned


def main() -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--url", action="append", default=None, help="benchmark running APIs instead (repeat for replicas)"
    )
    parser.add_argument("--replicas", type=int, default=1, help="API processes to start on one data folder")
    parser.add_argument("--chroma-server", action="store_true", help="vectors in a `chroma run` server")
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--label", default=None)
    parser.add_argument("--mixed", action="store_true", help="mix in invalid and hostile requests (issue 16)")
    parser.add_argument("--out", type=Path, default=REPO / "evals" / "bench" / "out")
    args = parser.parse_args()

    from evals.suite import load_suite

    questions = [c.q for c in load_suite(REPO / "evals" / "suites" / "dev.yaml").cases if not c.conversation]
    owned: list = []
    urls = args.url
    if urls is None:
        urls, owned = start_replicas(
            args.replicas, args.chroma_server, Path(tempfile.mkdtemp(prefix="bench-http-"))
        )
    label = args.label or (
        f"{len(urls)} API process{'es' if len(urls) > 1 else ''}, "
        + ("one Chroma server" if args.chroma_server else "embedded Chroma")
        + (", mixed valid and hostile requests" if args.mixed else "")
    )
    headers = {"Authorization": f"Bearer {args.api_key}"} if args.api_key else {}
    try:
        probes = mixed_probes(questions) if args.mixed else None
        result = asyncio.run(load(urls, questions, args.clients, args.seconds, headers, probes))
    finally:
        for proc in owned:  # API processes first, the Chroma server last
            if isinstance(proc, subprocess.Popen):
                proc.terminate()
                proc.wait(timeout=30)
            else:
                proc.stop()
    result["setup"] = label
    args.out.mkdir(parents=True, exist_ok=True)
    name = (
        "http.json"
        if label.startswith("1 API process, embedded")
        else "http-" + re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") + ".json"
    )
    (args.out / name).write_text(json.dumps(result, indent=2))
    for k, v in result.items():
        print(f"{k:15} {v}")
    return result


if __name__ == "__main__":
    main()
