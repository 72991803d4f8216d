"""Run a suite against the assistant: in-process by default, or over HTTP against a running API.

In-process runs also see which chunks were retrieved, for the retrieval metrics; over HTTP the
figures are those of what users actually hit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from core.records import Chunk
from evals.metrics import CaseResult, score_case
from evals.normalise import key
from evals.suite import Case, Suite
from evals.verify import PageVerifier

if TYPE_CHECKING:
    from assistant.service import Assistant


class Target(Protocol):
    name: str

    def ask(self, question: str, conversation_id: str | None) -> tuple[dict, float, list[str] | None]: ...


@dataclass
class InProcessTarget:
    assistant: Assistant
    role: str = "admin"
    name: str = "in-process"

    def ask(self, question: str, conversation_id: str | None) -> tuple[dict, float, list[str] | None]:
        from core.errors import QuestionError

        started = time.perf_counter()
        try:
            answer, trace = self.assistant.ask_traced(
                question, conversation_id=conversation_id, role=self.role
            )
        except QuestionError as exc:
            out = {
                "answer": exc.message,
                "citations": [],
                "tools": [],
                "abstained": True,
                "conversation_id": conversation_id,
            }
            return out, time.perf_counter() - started, []
        return answer.model_dump(), time.perf_counter() - started, list(trace.hits)


@dataclass
class HttpTarget:
    url: str
    api_key: str | None = None
    timeout: float = 60.0
    name: str = "http"

    def __post_init__(self) -> None:
        import httpx

        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        self._client = httpx.Client(base_url=self.url.rstrip("/"), headers=headers, timeout=self.timeout)

    def ask(self, question: str, conversation_id: str | None) -> tuple[dict, float, list[str] | None]:
        started = time.perf_counter()
        response = self._client.post(
            "/v1/ask", json={"question": question, "conversation_id": conversation_id}
        )
        seconds = time.perf_counter() - started
        if response.status_code >= 400:
            body = (
                response.json()
                if response.headers.get("content-type", "").startswith("application/json")
                else {}
            )
            message = (
                body.get("error", {}).get("message", response.text)
                if isinstance(body, dict)
                else response.text
            )
            if response.status_code in (400, 422):
                return {"answer": message, "citations": [], "tools": [], "abstained": True}, seconds, None
            response.raise_for_status()
        return response.json(), seconds, None


def relevant_chunks(
    chunks: Iterable[Chunk], files: dict[str, str], cases: Iterable[Case]
) -> dict[str, set[str]]:
    """For each case, the chunks whose text holds one of its gold spans (a span split across two
    chunks counts for both)."""
    keyed = [(c.id, files[c.doc_id], key(c.text)) for c in chunks]
    out: dict[str, set[str]] = {}
    for case in cases:
        found: set[str] = set()
        for ev in case.evidence:
            k = key(ev.quote)
            head, tail = k[: max(12, len(k) // 2)], k[-max(12, len(k) // 2) :]
            for cid, file, text in keyed:
                if file == ev.file and (k in text or head in text or tail in text):
                    found.add(cid)
        out[case.id] = found
    return out


def run_suite(
    suite: Suite,
    target: Target,
    verifier: PageVerifier,
    relevant: dict[str, set[str]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[CaseResult]:
    return run_cases(suite.cases, target, verifier, relevant, progress)


def run_cases(
    cases: list[Case],
    target: Target,
    verifier: PageVerifier,
    relevant: dict[str, set[str]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[CaseResult]:
    """Ask and score each case in order; turns of one conversation go to one conversation."""
    results: list[CaseResult] = []
    conversations: dict[str, str | None] = {}
    for i, case in enumerate(cases):
        cid = conversations.get(case.conversation) if case.conversation else None
        answer, seconds, retrieved = target.ask(case.q, cid)
        if case.conversation:
            conversations[case.conversation] = answer.get("conversation_id")
        results.append(score_case(case, answer, seconds, verifier, retrieved, (relevant or {}).get(case.id)))
        if progress:
            progress(i + 1, len(cases))
    return results
