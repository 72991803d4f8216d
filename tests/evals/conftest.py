"""Fixtures shared by the harness tests."""

from __future__ import annotations

import random

import pytest


@pytest.fixture(scope="session")
def fixture_runs() -> tuple[dict[str, set[str]], dict[str, list[str]]]:
    rng = random.Random(11)
    docs = [f"d{i}" for i in range(60)]
    qrels = {f"q{i}": set(rng.sample(docs, rng.randint(1, 4))) for i in range(40)}
    runs = {q: rng.sample(docs, 20) for q in qrels}
    return qrels, runs
