"""[answer] shapes measured on the fresh suite: a question asking why is answered with the sentences
that give the reason; a table named by its number is read over every page it runs to; the total of
one named row is that row's total, not a sum with a neighbour."""

from __future__ import annotations

import pytest

from evals.verify import PageVerifier
from tests.conftest import CORPUS

pytestmark = pytest.mark.integration


def test_why_is_answered_with_the_reasons_the_paragraph_gives(assistant) -> None:
    # Pioneer report, p. 5, 3.7: "... this is currently below that predicted. There appear to be two
    # primary reasons for this. Firstly, with the current Programme Manager vacancy, ... And secondly,
    # the original PID identified a significant sum ... 'Independent expert facilitation ...'."
    answer = assistant.ask("Why was Pioneer spend running below the original PID profile?", role="admin")
    [quote] = [c.quote for c in answer.citations]
    assert "two primary reasons" in quote and "Programme Manager vacancy" in quote and "facilitation" in quote
    cited = answer.citations[0]
    assert PageVerifier(CORPUS).on_page(cited.file, cited.page, cited.quote)


def test_a_table_named_by_number_is_read_on_every_page_it_runs_to(assistant) -> None:
    # Pioneer report, Table 1 starts on p. 3; the Shared Services row (lead MDC) is on p. 5.
    answer = assistant.ask(
        "In Table 1 of the Pioneer update, which council was the lead for the Shared Services workstream?",
        role="admin",
    )
    assert answer.answer.startswith("Shared Services — Lead: MDC")
    assert {c.page for c in answer.citations} == {5}
    # A row of a table of text is quoted with its first cell, to the end of its first item, as a
    # reader quotes it; the quote is still on the page.
    [cited] = answer.citations
    assert (
        cited.quote == "Shared Services MDC Agreement of phased programme of shared service delivery (Nov 08)"
    )
    assert PageVerifier(CORPUS).on_page(cited.file, cited.page, cited.quote)


def test_the_total_of_one_named_row_is_not_a_sum(assistant) -> None:
    # Pioneer report, Table 4: "Shared Services 42 31 27 128 35 193"
    answer = assistant.ask(
        "Table 4 annual costs - what's the total for the Shared Services workstream after the RIEP funding?",
        role="admin",
    )
    assert not answer.tools and "193" in answer.answer


def test_an_amount_stated_per_year_is_quoted_not_averaged(assistant) -> None:
    # Productivity plan, p. 1: "The business case set out a plan to deliver £18.5m of savings per year"
    answer = assistant.ask("How much a year was the unitary business case supposed to save?", role="admin")
    assert not answer.tools and "£18.5m" in answer.answer


def test_a_pronoun_with_a_few_key_words_leans_on_the_last_turn(assistant) -> None:
    first = assistant.ask("When did Somerset Council actually come into being?", role="admin")
    then = assistant.ask(
        "How much a year was the business case for it supposed to save?",
        role="admin",
        conversation_id=first.conversation_id,
    )
    assert "£18.5m" in then.answer


def test_a_list_stops_at_the_number_asked_for(assistant) -> None:
    # Peer challenge, p. 3: five numbered core questions, then a further list of the council's own asks.
    answer = assistant.ask(
        "What are the five core questions every corporate peer challenge looks at?", role="admin"
    )
    lead = answer.answer.split("[1]")[0]
    assert lead.count(";") == 4 and lead.startswith("Understanding of the local place")


def test_a_list_a_paragraph_announces_is_its_following_paragraphs(assistant) -> None:
    # Plan for Collaboration, p. 4, 29: "A number of overall approaches to resourcing were considered
    # ..." then 30 'full participation', 31 'lead and scrutiny', 32 'best for the rest', 33 'alternative';
    # 34 "There are pros and cons to all these choices." looks back and ends the list.
    answer = assistant.ask(
        "What approaches to resourcing the collaboration programme did the team consider?", role="admin"
    )
    for item in ("full participation", "lead and scrutiny", "best for the rest", "alternative"):
        assert item in answer.answer
    assert "pros and cons" not in answer.answer
    # The announcement (29) is quoted with the first approach (30) that follows it on the page.
    assert {c.section for c in answer.citations} >= {"29", "31", "32", "33"}
    assert "30. A ‘full participation’ approach" in answer.citations[0].quote


def test_a_who_question_naming_an_office_needs_a_passage_naming_it(assistant) -> None:
    # The peer challenge names its LGA principal adviser, not the council's chief executive.
    answer = assistant.ask(
        "Who was SCC's chief executive when the LGA did the 2018 peer challenge?", role="admin"
    )
    assert answer.abstained and not answer.citations
    holder = assistant.ask(
        "Who was the executive portfolio holder on the SSDC/SDC joint working report?", role="admin"
    )
    assert "Ric Pallister" in holder.answer


def test_what_actually_happened_is_not_answered_with_a_target(assistant) -> None:
    # The Pioneer report commits to £20 million by 2012/13; no paper says what was saved in the end.
    answer = assistant.ask("How much did Pioneer Somerset actually end up saving by 2012/13?", role="admin")
    assert answer.abstained and not answer.citations


def test_a_yes_no_follow_up_asks_past_the_figure_just_given(assistant) -> None:
    # Productivity plan, p. 1: "... deliver £18.5m of savings per year ... By 31 March 2025, we are
    # projected to exceed this by saving £20.3m per year."
    first = assistant.ask("How much a year was the unitary business case supposed to save?", role="admin")
    then = assistant.ask(
        "And is it on track to hit that?", role="admin", conversation_id=first.conversation_id
    )
    assert "£20.3m" in then.answer and "£18.5m" not in then.answer.split("[1]")[0]


def test_a_follow_up_naming_another_subject_never_gives_the_earlier_figure_again(assistant) -> None:
    # Peer challenge, p. 7: adult social care "had overspent by £9.1m"; the next sentence mentions
    # children's services but gives no figure of theirs.
    first = assistant.ask(
        "What was the adult social care overspend the year before the peer challenge?", role="admin"
    )
    assert first.answer.startswith("£9.1m")
    then = assistant.ask("And children's services?", role="admin", conversation_id=first.conversation_id)
    assert "£9.1m" not in then.answer.split("\n")[0]
    # Asking more of the same passage may find the answer in the same words.
    first = assistant.ask("What annual savings did Pioneer Somerset commit to?", role="admin")
    then = assistant.ask("What was the deadline?", role="admin", conversation_id=first.conversation_id)
    assert "2012" in then.answer.split("\n")[0]


def test_a_figure_of_another_financial_year_is_no_answer(assistant) -> None:
    # Productivity plan, p. 3: "For 2022/23 the % for central staff was 0.03% ..." answers 2022/23,
    # not 2023/24.
    asked = "What was Trade Union time as a percentage of the pay bill for central staff in {}?"
    assert assistant.ask(asked.format("2023/24"), role="admin").abstained
    answer = assistant.ask(asked.format("2022/23"), role="admin")
    assert answer.answer.startswith("0.03%")


def test_a_sentence_running_onto_the_next_page_is_quoted_on_both(assistant) -> None:
    # Productivity plan: "... in May we signed the first historic" ends p. 1; "devolution deal with
    # Bridgwater Town Council." opens p. 2. A quote lies on one page, so the rest is a second quote.
    answer = assistant.ask(
        "When was the Asset & Devolution Framework agreed, and which council signed the first devolution deal?",
        role="admin",
    )
    assert [c.page for c in answer.citations] == [1, 2]
    assert "Bridgwater Town Council" in answer.citations[1].quote
    verifier = PageVerifier(CORPUS)
    assert all(verifier.on_page(c.file, c.page, c.quote) for c in answer.citations)
