"""[llm] acceptance 3: with a fake LLM scripted from the suite's gold answers (and a wrong sentence
added to every answer), `assistant eval` reports verified = 1.0: no unverifiable citation gets
through. The CLI runs as users run it, with ASSISTANT_LLM pointing at a fake OpenAI-compatible server."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from tests.conftest import REPO, run_cli
from tests.fakes_llm import FakeOpenAI, find, openai_prompt, question_of

pytestmark = pytest.mark.integration

SUITE = REPO / "evals" / "suites" / "dev.yaml"


def _gold() -> dict[str, dict]:
    suite = yaml.safe_load(SUITE.read_text())
    cases = {q["q"]: q for q in suite["questions"]}
    cases.update({t["q"]: t for c in suite.get("conversations", []) for t in c["turns"]})
    return cases


def gold_script(cases: dict[str, dict]):
    def script(body: dict) -> dict:
        prompt = openai_prompt(body)
        asked = question_of(prompt)
        case = next((c for q, c in cases.items() if asked.startswith(q)), None)
        if case is None or case.get("abstain"):
            return {"content": "NOT_FOUND"}
        sentences = []
        for ev in case.get("evidence", []):
            n = find(prompt, ev["quote"])
            if n is not None:
                sentences.append(f"{ev['quote'].rstrip('.:; ')} [{n}].")
        if not sentences:
            return {"content": "NOT_FOUND"}
        # A model's usual faults, which must never reach the user: an invented figure, or a claim
        # cited to a passage that does not make it.
        if len(asked) % 2:
            sentences.append("The council also saved £987.6m that year [1].")
        else:
            sentences.append("The chief executive resigned over the plan [2].")
        return {"content": " ".join(sentences)}

    return script


def test_gold_scripted_llm_answers_are_all_verified(index_copy, tmp_path) -> None:
    server = FakeOpenAI(gold_script(_gold())).start()
    try:
        out = tmp_path / "eval"
        env = {
            "ASSISTANT_DATA_DIR": str(index_copy.data_dir),
            "ASSISTANT_CORPUS_DIR": str(index_copy.corpus_dir),
            "ASSISTANT_LLM": server.base,
            "ASSISTANT_LLM_MODEL": "gold-scripted",
        }
        result = run_cli("eval", str(SUITE), "--out", str(out), "--min", "verified=1.0", env=env, timeout=900)
        print(result.stdout[-3000:])
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    finally:
        server.stop()
    report = json.loads((out / "report.json").read_text())
    verified = report["figures"]["verified"]
    assert verified["value"] == 1.0 and verified["n"] >= 100
    composers = report["config"]["composer"]
    assert composers.get(f"llm:{server.base}", 0) >= 80, composers  # the LLM wrote most answers
    assert report["config"]["prompt_version"] and report["config"]["prompt_version"][0].startswith("answer-")
    assert "prompts: answer-" in (out / "report.md").read_text()
    assert len(server.requests) >= 100
    answers = " ".join(json.dumps(c["answer"]) for c in report.get("cases", []))
    assert not re.search(r"987\.6|resigned over the plan", answers)
