"""The retrieval metrics agree with ranx too. Apart from the unit tests because ranx compiles with
numba on first import, which takes 20 s to two minutes."""

from __future__ import annotations

import pytest

from evals.retrieval import evaluate

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_retrieval_metrics_agree_with_ranx(fixture_runs) -> None:
    from ranx import Qrels, Run
    from ranx import evaluate as ranx_evaluate

    qrels, runs = fixture_runs
    ours = evaluate(qrels, runs, k=8)
    theirs = ranx_evaluate(
        Qrels({q: dict.fromkeys(rel, 1) for q, rel in qrels.items()}),
        Run({q: {d: 1.0 / (i + 1) for i, d in enumerate(ranked)} for q, ranked in runs.items()}),
        ["recall@8", "hit_rate@8", "mrr"],
    )
    assert ours["recall@8"] == pytest.approx(theirs["recall@8"], abs=1e-9)
    assert ours["hit@8"] == pytest.approx(theirs["hit_rate@8"], abs=1e-9)
    assert ours["mrr"] == pytest.approx(theirs["mrr"], abs=1e-9)
