"""[answer] acceptance on the real corpus: cited answers, abstention, conversations, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.models import Filters
from core.errors import EmptyQuestion, QuestionTooLong
from tests.conftest import CORPUS, REPO, key, pdftotext_pages, shared

pytestmark = pytest.mark.integration

SUITES = [REPO / "evals" / "suites" / "dev.yaml", REPO / "evals" / "suites" / "holdout.yaml"]


def _questions(path: Path) -> list[list[str]]:
    """Each conversation as a list of turns; standalone questions as one-turn conversations."""
    data = yaml.safe_load(path.read_text())
    out = [[q["q"]] for q in data.get("questions", [])]
    out += [[t["q"] for t in c["turns"]] for c in data.get("conversations", [])]
    return out


def test_every_citation_on_the_suites_is_on_its_cited_page(assistant) -> None:
    pages = {pdf.name: [key(p) for p in pdftotext_pages(pdf)] for pdf in CORPUS.glob("*.pdf")}
    paths = [*SUITES, shared("evals/dev-sample.yaml")]
    assert len(paths) >= 2
    checked, wrong = 0, []
    for path in paths:
        for turns in _questions(path):
            cid = None
            for question in turns:
                answer = assistant.ask(question, conversation_id=cid, role="admin")
                cid = answer.conversation_id
                for c in answer.citations:
                    checked += 1
                    if key(c.quote) not in pages[c.file][c.page - 1]:
                        wrong.append((question, c.page, c.quote[:80]))
    assert checked > 100
    assert wrong == []


def test_a_cited_answer_has_the_contract(assistant) -> None:
    answer = assistant.ask("What annual revenue savings target did Pioneer Somerset set, and by when?")
    assert not answer.abstained and answer.conversation_id.startswith("c-") and answer.answer_id
    c = answer.citations[0]
    assert c.marker == 1 and c.doc_id == "2008-11-14-pioneer-somerset-update-report"
    assert c.url == f"/v1/documents/{c.doc_id}/file#page={c.page}"
    assert "£20" in c.quote and "[1]" in answer.answer


def test_a_list_under_a_short_introduction_is_given(assistant) -> None:
    # "In particular:" and "Recommendations That Full Council:" introduce the lists that answer.
    risks = assistant.ask("What are the risks listed in the Pioneer report?")
    assert not risks.abstained and "Risk A" in risks.answer
    recommended = assistant.ask("What does the joint working report recommend?")
    assert "Does not create a Joint Authority" in recommended.answer


def test_a_later_part_is_read_in_the_numbered_paragraph_of_the_first(assistant) -> None:
    # Paragraph 3.3 lists (a) the savings required and (d) the Solo Business Case's; "on its own"
    # is the solo case.
    answer = assistant.ask("How much does SSDC need to save by 2020 and what could it save on its own?")
    quotes = " ".join(c.quote for c in answer.citations)
    assert "£4.1m" in quotes and "Solo Business Case" in quotes and "could not find" not in answer.answer


def test_unanswerable_questions_abstain_with_no_citations(assistant) -> None:
    for q in (
        "Who chaired the Pioneer Somerset Board?",
        "What is Somerset Council's carbon budget for 2030 in tonnes of CO2?",
        # The best match is the heading "Programme Management": a label, not an answer.
        "What was the name of the Pioneer Somerset programme manager who left in 2008?",
    ):
        answer = assistant.ask(q)
        assert (
            answer.abstained
            and answer.citations == []
            and answer.answer == "I could not find this in the documents."
        )


def test_comparisons_cite_both_documents(assistant) -> None:
    answer = assistant.ask(
        "How does Pioneer Somerset's annual savings target compare with the savings the unitary council's business case planned?"
    )
    assert {c.doc_id for c in answer.citations} == {
        "2008-11-14-pioneer-somerset-update-report",
        "2024-07-somerset-council-productivity-plan",
    }


def test_tool_answers_cite_every_operand(assistant) -> None:
    answer = assistant.ask(
        "How far short of its savings need would the joint authority leave South Somerset?"
    )
    tool = answer.tools[0]
    assert tool.name == "arithmetic.shortfall" and tool.output == 2_900_000
    assert tool.formula == "£4.1m − £1.2m = £2.9m"
    assert sorted(tool.cites) == [c.marker for c in answer.citations] and len(tool.cites) == 2
    assert any("shared pot" in n for n in tool.notes)


def test_a_conversation_survives_a_restart(built_index, embedder) -> None:
    from assistant.service import Assistant

    first = Assistant.from_settings(built_index, embedder=embedder)
    a1 = first.ask("What did Somerset Council spend on agency staff in 2023/24?")
    second = Assistant.from_settings(built_index, embedder=embedder)  # a new process would do the same
    a2 = second.ask(
        "And what reduction is it aiming for the following year?", conversation_id=a1.conversation_id
    )
    assert a2.conversation_id == a1.conversation_id and a2.notices == []
    assert "£3m" in a2.answer
    assert [t.question for t in second.conversations.history(a1.conversation_id)][-2:] == [
        "What did Somerset Council spend on agency staff in 2023/24?",
        "And what reduction is it aiming for the following year?",
    ]


def test_an_unknown_conversation_starts_a_new_one_and_says_so(assistant) -> None:
    answer = assistant.ask(
        "When did Somerset Council come into existence?", conversation_id="c-does-not-exist"
    )
    assert answer.conversation_id != "c-does-not-exist"
    assert "was not found" in answer.notices[0]


def test_filters_and_roles_narrow_the_documents(assistant) -> None:
    answer = assistant.ask(
        "What savings were required?", filters=Filters(councils=["South Somerset DC"], until="2016")
    )
    assert {c.doc_id for c in answer.citations} <= {
        "2016-joint-working-report-ssdc-sdc",
        "2008-11-14-pioneer-somerset-update-report",
    }
    answer = assistant.ask("What is the population of Somerset?", filters=Filters(since="2030"))
    assert answer.abstained


@pytest.mark.parametrize(
    ("question", "error"),
    [
        ("", EmptyQuestion),
        ("x" * 2001, QuestionTooLong),
    ],
)
def test_bad_questions_get_clear_messages(assistant, question: str, error) -> None:
    with pytest.raises(error) as info:
        assistant.ask(question)
    assert info.value.message and "Traceback" not in info.value.message


def test_a_question_in_another_language_is_answered_with_what_the_assistant_can_do(assistant) -> None:
    answer = assistant.ask("Wie hoch war das Sparziel von Pioneer Somerset?")
    assert answer.abstained and answer.citations == [] and "in English" in answer.answer
