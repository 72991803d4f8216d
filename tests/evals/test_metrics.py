"""The harness catches planted faults, and its retrieval metrics agree with pytrec_eval (and with ranx:
test_metrics_ranx.py)."""

from __future__ import annotations

import pytest

from evals.metrics import figures, score_case
from evals.retrieval import evaluate
from evals.suite import Case, Evidence
from evals.verify import PageVerifier
from tests.conftest import CORPUS

pytestmark = pytest.mark.unit

JOINT = "2016-joint-working-report-ssdc-sdc.pdf"
GOLD = "The savings within the Solo Business Case show a total that could be achieved of £4.2m over a period of 4 years."
CASE = Case(
    id="jw-solo",
    q="What savings could South Somerset achieve on its own?",
    answer_any=[["£4.2m"], ["4 years", "four years"]],
    evidence=[Evidence(JOINT, GOLD)],
    suite="t",
)
VERIFIER = PageVerifier(CORPUS)


def _answer(
    quote: str, page: int, text: str | None = None, tools: list | None = None, abstained: bool = False
) -> dict:
    citations = (
        []
        if abstained
        else [{"marker": 1, "doc_id": "j", "file": JOINT, "page": page, "section": "3.3(d)", "quote": quote}]
    )
    return {
        "answer": text if text is not None else f"According to the report: “{quote}” [1]",
        "citations": citations,
        "tools": tools or [],
        "abstained": abstained,
    }


def test_a_correct_answer_passes_every_check() -> None:
    r = score_case(CASE, _answer(GOLD, 2), 0.01, VERIFIER)
    assert r.passed and r.facts and r.recall and (r.precise, r.verified, r.citations) == (1, 1, 1)


def test_a_quote_that_is_not_on_its_page_drops_verified() -> None:
    r = score_case(CASE, _answer(GOLD, 1), 0.01, VERIFIER)  # the sentence is on page 2
    assert r.verified == 0 and not r.passed
    assert figures([r])["verified"].value == 0.0


def test_a_citation_to_the_wrong_paragraph_drops_precision() -> None:
    wrong = "The savings required by South Somerset District Council by 2020 are £4.1m."
    r = score_case(CASE, _answer(wrong, 1), 0.01, VERIFIER)
    assert r.verified == 1 and r.precise == 0 and not r.recall
    assert figures([r])["precision"].value == 0.0


def test_a_fabricated_number_fails_facts_and_tool_accuracy() -> None:
    r = score_case(
        CASE, _answer(GOLD, 2, text="South Somerset could save £4.7m over 4 years [1]."), 0.01, VERIFIER
    )
    assert r.facts is False and not r.passed
    tool_case = Case(
        id="t",
        q="What would 4 days a week at £750 a day for 46 weeks cost?",
        answer_any=[["£138,000"]],
        tool=True,
        suite="t",
    )
    fabricated = {
        "answer": "£138,000",
        "citations": [],
        "abstained": False,
        "tools": [{"name": "costing.day_rate", "output": 183000}],
    }
    r = score_case(tool_case, fabricated, 0.01, VERIFIER)
    assert r.tool is False and "no tools entry with the right output" in r.problems


def test_answering_an_unanswerable_question_fails_abstention() -> None:
    unanswerable = Case(id="na", q="Who chaired the Pioneer Somerset Board?", abstain=True, suite="t")
    r = score_case(unanswerable, _answer(GOLD, 2), 0.01, VERIFIER)
    assert not r.abstention and r.precise == 0
    assert figures([r])["abstention"].value == 0.0
    r = score_case(unanswerable, _answer("", 0, abstained=True), 0.01, VERIFIER)
    assert r.abstention and r.passed


def test_a_fact_is_not_found_inside_a_bigger_number() -> None:
    case = Case(id="c", q="?", answer_any=[["£2.9m"]], suite="t")
    assert (
        score_case(case, {"answer": "a shortfall of £12.9m", "citations": []}, 0.0, VERIFIER).facts is False
    )
    assert score_case(case, {"answer": "a shortfall of £2.9m.", "citations": []}, 0.0, VERIFIER).facts is True


def test_retrieval_metrics_agree_with_pytrec_eval(fixture_runs) -> None:
    import pytrec_eval

    qrels, runs = fixture_runs
    ours = evaluate(qrels, runs, k=8)
    evaluator = pytrec_eval.RelevanceEvaluator(
        {q: dict.fromkeys(rel, 1) for q, rel in qrels.items()}, {"recall.8", "recip_rank"}
    )
    scores = evaluator.evaluate(
        {q: {d: float(len(ranked) - i) for i, d in enumerate(ranked)} for q, ranked in runs.items()}
    )
    assert ours["recall@8"] == pytest.approx(
        sum(s["recall_8"] for s in scores.values()) / len(scores), abs=1e-9
    )
    assert ours["mrr"] == pytest.approx(sum(s["recip_rank"] for s in scores.values()) / len(scores), abs=1e-9)


def test_a_signed_tool_output_matches_a_signed_required_figure() -> None:
    from evals.metrics import numbers_in, tool_output_matches

    assert numbers_in("-£111.6m") == [-111_600_000.0]
    assert numbers_in("2024-25") == [2024.0, 25.0]  # a period's hyphen is not a sign
    assert tool_output_matches(-111_600_000, [["£111.6m", "-£111.6m"]])
    assert tool_output_matches(-111_600_000, [["£111.6m"]])  # a size without a sign
    assert not tool_output_matches(111_600_000, [["-£111.6m"]])
