"""Starter questions come from what ingest found: one per document, targets before decisions."""

from __future__ import annotations

import pytest

from assistant.starters import MAX_STARTERS, starters
from assistant.tools.decisions import ListedDecision
from assistant.tools.targets import ListedTarget
from core.records import Decision, Document, Target

pytestmark = pytest.mark.unit


def _doc(doc_id: str) -> Document:
    return Document(doc_id=doc_id, file=f"{doc_id}.pdf", title=f"Paper {doc_id}")


def _target(doc_id: str, **kw) -> ListedTarget:
    fields: dict = dict(
        doc_id=doc_id,
        kind="target",
        statement="…",
        amount=20e6,
        amount_high=None,
        unit="£",
        amount_text="£20m",
        approx=False,
        per_year=True,
        deadline="2012/13",
        start=None,
        base_year=None,
        baseline=None,
        councils=("Mendip DC",),
        programme=None,
        context=None,
        page=1,
        section=None,
        quote="…",
    )
    fields.update(kw)
    return ListedTarget(Target(**fields), _doc(doc_id))


def _decision(doc_id: str, **kw) -> ListedDecision:
    fields: dict = dict(doc_id=doc_id, kind="resolution", text="…", status="carried", page=2, quote="…")
    fields.update(kw)
    return ListedDecision(Decision(**fields), _doc(doc_id))


def test_a_partnership_programme_comes_first_and_each_document_once() -> None:
    found = starters(
        [
            _target("a", kind="requirement", deadline="2020", councils=("South Somerset DC",)),
            _target("b"),
            _target("c", programme="Pioneer Somerset", councils=("Mendip DC", "Sedgemoor DC")),
            _target("c", councils=("Mendip DC",), context="Table 5"),  # a table cell: no question
            _target("d", unit="%", amount_text="3%"),  # a rate: no question
        ],
        [],
    )
    assert [(s.doc_id, s.question) for s in found] == [
        ("c", "What was Pioneer Somerset's savings target?"),
        ("a", "What savings did South Somerset DC need to make by 2020?"),
        ("b", "What savings did Mendip DC aim to deliver by 2012/13?"),
    ]
    assert found[0].title == "Paper c"


def test_decisions_add_questions_about_their_committee_and_item() -> None:
    found = starters(
        [_target("t")],
        [
            _decision("m1", committee="Cabinet", item="5. Revenue Budget 2025-26"),
            _decision("m1", committee="Cabinet", item="6. Capital Programme"),  # same paper
            _decision("m2", committee=None, item="7. Something"),  # no committee: no question
            _decision("m3", committee="County Council", item="Motion on buses."),
        ],
    )
    assert [s.question for s in found[1:]] == [
        "What did Cabinet decide on Revenue Budget 2025-26?",
        "What did County Council decide on Motion on buses?",
    ]


def test_never_more_than_a_handful() -> None:
    found = starters([_target(f"d{i}") for i in range(20)], [])
    assert len(found) == MAX_STARTERS
