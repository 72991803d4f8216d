"""[security] issue 16, acceptance 3 in small: a mixed load of valid and hostile requests against a
real uvicorn gets no 500 and drops no connection. The full 20 clients × 60 s is
`python evals/bench/load.py --mixed`; this asserts counts, never timings."""

from __future__ import annotations

import asyncio

import pytest

pytestmark = pytest.mark.integration

CLIENTS = 4
SECONDS = 5.0


def test_a_short_mixed_load_gets_no_500_and_no_reset(api: str) -> None:
    from evals.bench.load import hostile_probes, load, mixed_probes

    questions = ["What was Pioneer Somerset's savings target?", "What is the Plan for Collaboration?"]
    result = asyncio.run(load([api], questions, CLIENTS, SECONDS, {}, mixed_probes(questions)))
    assert result["server_errors"] == 0 and result["connection_errors"] == 0, result
    assert result["errors"] == 0, result["errors_by_kind"]
    # Every hostile probe really was sent, and answered with its 4xx.
    assert sum(n for code, n in result["statuses"].items() if code.startswith("4")) >= len(hostile_probes())
