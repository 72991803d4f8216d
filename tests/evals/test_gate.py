"""[evals] acceptance 1 and [answer] acceptance 5 in CI: `assistant eval` over the dev, paraphrase and
blind suites passes each suite's minimums in the thresholds file, and its reports hold every figure,
overall and per suite, with its confidence interval."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, run_cli, shared

pytestmark = pytest.mark.integration


SUITES = ("dev", "paraphrase", "blind")


def test_dev_paraphrase_and_blind_meet_the_ci_thresholds(index_copy, tmp_path: Path) -> None:
    out = tmp_path / "eval"
    env = {
        "ASSISTANT_DATA_DIR": str(index_copy.data_dir),
        "ASSISTANT_CORPUS_DIR": str(index_copy.corpus_dir),
    }
    result = run_cli(
        "eval",
        *(f"evals/suites/{stem}.yaml" for stem in SUITES),
        "--thresholds",
        "evals/thresholds.yaml",
        "--out",
        str(out),
        env=env,
        timeout=900,
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1].endswith("failed") and " passed, " in lines[-1]
    report = json.loads((out / "report.json").read_text())
    thresholds = yaml.safe_load((REPO / "evals" / "thresholds.yaml").read_text())
    per_suite = thresholds.pop("suites")
    assert set(per_suite) == set(SUITES)
    checks = [(report["figures"], thresholds)] + [(report["suite_figures"][s], per_suite[s]) for s in SUITES]
    for figures, minimums in checks:
        for name, minimum in minimums.items():
            figure = figures[name]
            assert figure["value"] >= minimum and figure["n"] > 0 and len(figure["ci95"]) == 2
    assert (
        report["config"]["git_commit"]
        and report["config"]["corpus_sha256"]
        and report["config"]["suite_sha256"]
    )
    for name in ("report.md", "junit.xml", "qrels.tsv", "run.trec", "ragas.jsonl", "deepeval.jsonl"):
        assert (out / name).stat().st_size > 0
    ragas = json.loads((out / "ragas.jsonl").read_text().splitlines()[0])
    assert set(ragas) == {"user_input", "retrieved_contexts", "response", "reference", "reference_contexts"}
    deepeval = json.loads((out / "deepeval.jsonl").read_text().splitlines()[0])
    assert {"input", "actual_output", "expected_output", "context", "retrieval_context"} <= set(deepeval)


def test_a_threshold_not_met_fails_the_run(index_copy) -> None:
    env = {
        "ASSISTANT_DATA_DIR": str(index_copy.data_dir),
        "ASSISTANT_CORPUS_DIR": str(index_copy.corpus_dir),
    }
    suite = str(shared("evals/dev-sample.yaml"))
    result = run_cli("eval", suite, "--min", "latency_p50_ms=1", env=env, timeout=600)
    assert result.returncode == 2 and "expected metric=value" in result.stderr
    result = run_cli("eval", suite, "--min", "verified=1.01", env=env, timeout=600)
    assert result.returncode == 1 and "threshold not met: verified" in result.stdout


def test_an_evaluation_on_a_fresh_checkout_builds_its_index_first(tmp_path: Path) -> None:
    """`assistant eval` with no index ingests the corpus its suites quote, then answers from it, and a
    second run reuses that index."""
    env = {"ASSISTANT_DATA_DIR": str(tmp_path / "data"), "ASSISTANT_CORPUS_DIR": str(REPO / "corpus")}
    first = run_cli("eval", "evals/suites/dev.yaml", env=env, timeout=600)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "no index in" in first.stderr and "ingested 5 documents" in first.stderr
    assert first.stdout.splitlines()[-1].endswith("failed")
    again = run_cli("eval", "evals/suites/dev.yaml", env=env, timeout=600)
    assert again.returncode == 0 and "no index in" not in again.stderr
    assert again.stdout.splitlines()[-1] == first.stdout.splitlines()[-1]
