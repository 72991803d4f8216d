"""[meetings] on real Kent County Council papers (a sample of nine, read from ../shared): decisions
and votes listed by the CLI and the API under the usual audience rules, questions about votes,
movers and outcomes answered from the decisions store, citing the minute on the council's own site,
and questions about a performance indicator answered from the indicators store."""

from __future__ import annotations

import json

import httpx
import pytest
from typer.testing import CliRunner

from assistant.answer.scope import committees_named, meeting_named, meeting_references
from cli.main import app
from core.records import Document
from evals.verify import PageVerifier
from ingest.decisions import states_person
from tests.servers import running

FEB = "full_council/2025-02-13/Printed minutes 13th-Feb-2025 09.30 County Council.pdf"


@pytest.fixture(scope="module")
def kent_assistant(kent_index, embedder):
    """The assistant on the Kent sample, shared by the tests that ask it questions."""
    from assistant.service import Assistant

    return Assistant.from_settings(kent_index, embedder=embedder)


@pytest.fixture(scope="module")
def verifier(kent_index) -> PageVerifier:
    return PageVerifier(kent_index.corpus_dir)


@pytest.fixture(scope="module")
def env(kent_index) -> dict[str, str]:
    return {
        "ASSISTANT_DATA_DIR": str(kent_index.data_dir),
        "ASSISTANT_CORPUS_DIR": str(kent_index.corpus_dir),
    }


@pytest.mark.integration
def test_decisions_lists_votes_movers_and_outcomes_with_verbatim_quotes(env, verifier) -> None:
    result = CliRunner().invoke(app, ["decisions", "--json"], env=env)
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    budget = [d for d in found if d["file"] == FEB]
    amendments = [d for d in budget if d["kind"] == "amendment"]
    # Six budget amendments were put to the vote on 13 February 2025 and all six were lost.
    assert len(amendments) == 6 and {d["status"] for d in amendments} == {"lost"}
    # The substantive budget motion, as the minutes record it on page 13: For (41), Against (10),
    # Abstain (7), "Substantive Motion Carried."
    [motion] = [d for d in budget if d["page"] == 13 and d["kind"] == "resolution"]
    assert (motion["status"], motion["votes_for"], motion["votes_against"], motion["abstentions"]) == (
        "carried",
        41,
        10,
        7,
    )
    assert motion["committee"] == "full council" and motion["meeting_date"] == "2025-02-13"
    assert (
        motion["source_url"].startswith("https://democracy.kent.gov.uk/")
        and "#page=13" in motion["source_url"]
    )
    assert all(verifier.on_page(d["file"], d["page"], d["quote"]) for d in found)
    # A mover or seconder is listed only where a quote of the page says they moved or seconded it,
    # not where their name merely appears among the votes.
    for d in found:
        said = [q for q in (d["quote"], d["mover_quote"]) if q]
        assert not d["mover"] or any(states_person(q, d["mover"]) for q in said), d
        assert not d["seconder"] or any(states_person(q, d["seconder"]) for q in said), d
        assert not d["mover_quote"] or verifier.on_page(d["file"], d["mover_page"], d["mover_quote"])
    # The Labour Group's alternative budget: its vote is printed on page 6, its mover on page 5.
    [labour] = [d for d in amendments if "Labour" in d["text"]]
    assert (labour["mover"], labour["seconder"], labour["page"]) == ("Mr Brady", "Ms Meade", 6)
    assert "Mr Brady proposed" in labour["mover_quote"]
    # Filters: a committee, a date range, words.
    cabinet = CliRunner().invoke(app, ["decisions", "--json", "--committee", "cabinet"], env=env)
    assert {d["committee"] for d in json.loads(cabinet.output)} == {"cabinet"}
    january = CliRunner().invoke(
        app, ["decisions", "--json", "--since", "2025-01-01", "--until", "2025-01-31"], env=env
    )
    assert {d["meeting_date"][:7] for d in json.loads(january.output)} == {"2025-01"}
    levi = CliRunner().invoke(app, ["decisions", "--json", "--search", "LEVI"], env=env)
    assert levi.exit_code == 0 and all("LEVI" in d["text"] for d in json.loads(levi.output))
    wrong = CliRunner().invoke(app, ["decisions", "--since", "2025-03-01", "--until", "2025-01-01"], env=env)
    assert wrong.exit_code != 0 and "after --until" in wrong.output


@pytest.mark.integration
def test_the_decisions_route_keeps_to_the_callers_audience(kent_index, embedder, tmp_path) -> None:
    """The February minutes listed as staff-only in a manifest: a public caller gets none of their
    decisions, a staff caller all of them."""
    import shutil

    from assistant.api.app import create_app
    from assistant.service import Assistant
    from ingest.pipeline import run_ingest
    from tests.conftest import copy_data, make_settings

    corpus, data = tmp_path / "corpus", tmp_path / "data"
    shutil.copytree(kent_index.corpus_dir, corpus, symlinks=True)
    copy_data(kent_index.data_dir, data)
    (corpus / "manifest.yaml").write_text(
        f"documents:\n- file: {FEB}\n  title: Minutes of a meeting of the County Council held on Thursday, 13 February 2025\n  audience: staff\n"
    )
    staff_key = "kent-staff-key-0123456789abcdef"
    settings = make_settings(data, corpus, default_audience="public", api_keys={staff_key: "staff"})
    report = run_ingest(settings, embedder=embedder)
    assert report.embedded == 0 and not report.failed
    assistant = Assistant.from_settings(settings, embedder=embedder)
    with running(create_app(settings, assistant=assistant)) as base:
        public = httpx.get(f"{base}/v1/decisions", timeout=60).json()
        staff = httpx.get(
            f"{base}/v1/decisions", headers={"Authorization": f"Bearer {staff_key}"}, timeout=60
        ).json()
        assert public and not any(d["file"] == FEB for d in public)
        assert sum(d["file"] == FEB for d in staff) >= 8
        bad = httpx.get(
            f"{base}/v1/decisions", params={"since": "9999-01-01", "until": "0001-01-01"}, timeout=60
        )
        assert bad.status_code == 422 and "after until" in bad.json()["error"]["message"]


@pytest.mark.integration
def test_vote_and_mover_questions_are_answered_from_the_minute(kent_assistant, verifier) -> None:
    assistant = kent_assistant
    answer = assistant.ask(
        "What was the vote on the substantive budget motion at the County Council on 13 February 2025?"
    )
    assert "41 for and 10 against" in answer.answer and "7 abstaining" in answer.answer
    # The count is cited where it is printed: the call to vote and "For (41)" on page 12, a page
    # before the resolution's words.
    [c] = answer.citations
    assert c.page == 12 and "For (41)" in c.quote and "Abstain (7)" in c.quote
    assert c.url.startswith("https://democracy.kent.gov.uk/")
    assert verifier.on_page(kent_index_file(assistant, c.doc_id), c.page, c.quote)
    answer = assistant.ask(
        "Who moved the amendment on the Council Tax Reduction Scheme grant, and was it carried?"
    )
    assert "lost" in answer.answer and "Lehmann" in answer.answer
    # Each name the answer gives as mover or seconder is in a cited quote that says so.
    quotes = [c.quote for c in answer.citations]
    assert any(states_person(q, "Mr Lehmann") for q in quotes), quotes
    # Asked yes or no, the answer says so before how it went.
    answer = assistant.ask("Was the amendment on the Council Tax Reduction Scheme grant carried?")
    assert answer.answer.startswith("No. The amendment was lost")
    answer = assistant.ask("Was the amendment on the Council Tax Reduction Scheme grant rejected?")
    assert answer.answer.startswith("Yes. The amendment was lost")
    # An either-or question is answered by how it went, not yes or no.
    answer = assistant.ask("Was the amendment on the Council Tax Reduction Scheme grant carried or lost?")
    assert answer.answer.startswith("The amendment was lost")
    # A question about a decision the papers do not record is not answered from the nearest one.
    answer = assistant.ask("What was the vote on the community wardens amendment in March 2025?")
    assert "for and" not in answer.answer


@pytest.mark.integration
def test_what_was_decided_is_answered_from_the_minute_not_the_proposed_record(kent_assistant) -> None:
    # The proposed record of decision 24/00096 went to Cabinet with its report; the minute of
    # 30 January records what Cabinet resolved.
    answer = kent_assistant.ask(
        "What did Cabinet decide on 30 January 2025 about the Commissioning Plan for Education Provision?"
    )
    [c] = answer.citations
    assert "RESOLVED that Cabinet agree the Commissioning Plan" in c.quote
    assert "proposed" not in answer.answer
    assert answer.answer.startswith("The resolution was agreed: Cabinet agree the Commissioning Plan")
    # Of a long resolution, the lead gives the part asked about, as the quote prints it.
    answer = kent_assistant.ask("What was the council tax increase agreed for 2025-26?")
    assert "(e) To increase Council Tax band rates up to the maximum permitted" in answer.answer


@pytest.mark.integration
def test_an_indicator_question_is_answered_from_the_performance_report(kent_assistant, verifier) -> None:
    assistant = kent_assistant
    answer = assistant.ask("How many foster households did KCC have at Quarter 3, against what target?")
    # Page 48 of the Quarter 3 report: "Number of foster households RED / Latest: 613 Target: 700
    # Floor: 650 Previous: 612 (Red)".
    assert answer.answer.startswith("Number of foster households: latest 613 against a target of 700")
    [c] = answer.citations
    assert c.page == 48 and "Latest: 613 Target: 700" in c.quote
    assert verifier.on_page(kent_index_file(assistant, c.doc_id), c.page, c.quote)
    # The rating is stated when it is asked for, citing the badge printed beside the name.
    answer = assistant.ask("What RAG rating did the number of foster households get at Quarter 3?")
    assert "rated Red" in answer.answer
    assert any(c.quote.endswith("RED") for c in answer.citations), answer.citations
    for c in answer.citations:
        assert verifier.on_page(kent_index_file(assistant, c.doc_id), c.page, c.quote)
    # A share that the report states as an indicator's latest figure is looked up, not computed.
    answer = assistant.ask(
        "What proportion of new Care Needs Assessments were delivered within 28 days at Q3, against what target?"
    )
    assert "latest 74% against a target of 85%" in answer.answer and not answer.tools
    # The same words about a quarter no report in the papers covers are not answered from Quarter 3's.
    answer = assistant.ask("How many foster households did KCC have at Quarter 4, against what target?")
    assert "latest 613" not in answer.answer
    # Nor is any passage of the Quarter 3 report the answer about Quarter 4.
    answer = assistant.ask("How many KPIs were green in the Quarter 4 2024/25 performance report?")
    assert answer.abstained and not answer.citations


@pytest.mark.integration
def test_a_motion_amended_before_it_passed_keeps_its_mover(kent_assistant, verifier) -> None:
    # 9 January 2025, item 285: "5) Mr Gough proposed, and Mr Oakford seconded the motion that …";
    # Mr Streatfeild's amendment to it was carried, so the resolution is no longer the motion's
    # words alone, but who moved and seconded the motion is still on the record.
    assistant = kent_assistant
    answer = assistant.ask(
        "Who proposed the English Devolution White Paper motion at full council in January 2025?"
    )
    assert "moved by Mr Gough and seconded by Mr Oakford" in answer.answer
    [c] = answer.citations
    assert "Mr Gough proposed, and Mr Oakford seconded the motion" in c.quote
    assert verifier.on_page(kent_index_file(assistant, c.doc_id), c.page, c.quote)
    # The call to vote on the substantive motion ends page 9 and the count, For (39) Against (19)
    # Abstain (1), is on page 10: the count is quoted from its own page.
    answer = assistant.ask(
        "What was the vote on the substantive motion on the English Devolution White Paper in January 2025?"
    )
    assert "39 for and 19 against, with 1 abstaining" in answer.answer
    [c] = answer.citations
    assert c.page == 10 and c.quote.startswith("For (39)")
    assert verifier.on_page(kent_index_file(assistant, c.doc_id), c.page, c.quote)


def kent_index_file(assistant, doc_id: str) -> str:
    return assistant.retriever.state.docs[doc_id].file


@pytest.mark.unit
def test_a_question_names_a_meeting_by_day_month_committee() -> None:
    when = meeting_named("What did Cabinet decide on 30 January 2025?")
    assert (when.year, when.month, when.day) == (2025, 1, 30)
    docs = [
        Document("a", "a.pdf", "A", committee="cabinet", meeting_date="2025-01-30"),
        Document("b", "b.pdf", "B", committee="full council", meeting_date="2025-01-09"),
        Document("c", "c.pdf", "C", committee="cabinet", meeting_date="2025-03-04"),
    ]
    assert set(meeting_references("What did Cabinet agree in January?", docs)) == {"a"}
    assert set(meeting_references("What did the council decide on 9 January?", docs)) == {"b"}
    assert meeting_references("What did Cabinet agree?", docs) == {}


@pytest.mark.unit
def test_a_common_word_of_a_committee_name_does_not_name_it() -> None:
    committees = {"full council", "cabinet", "Selection and Member Services Committee"}
    idf = {"member": 0.5, "committe": 0.4, "select": 5.0, "servic": 2.0, "full": 3.0, "council": 0.2}
    weight = lambda t: idf.get(t, 4.0)  # noqa: E731
    assert committees_named("How did members vote on the update?", committees, weight) == set()
    assert committees_named("What did Cabinet resolve?", committees, weight) == {"cabinet"}
    assert committees_named("the vote at full council", committees, weight) == {"full council"}
    assert committees_named("Kent County Council's vote", committees, weight) == set()
    assert committees_named(
        "What did the Selection and Member Services Committee decide?", committees, weight
    ) == {"Selection and Member Services Committee"}


@pytest.mark.unit
def test_a_question_naming_the_asker_finds_the_member_it_was_put_to() -> None:
    from assistant.answer.meetings import _names_another
    from core.records import Role

    role = Role(
        "qa",
        "Rory Love",
        "Cabinet Member for Education and Skills",
        1,
        "Question by Paul Stepto to Rory Love, Cabinet Member for Education and Skills",
    )
    assert _names_another(role, "Which cabinet member responded to Paul Stepto's question?")
    assert not _names_another(role, "Which cabinet member answered about Education and Skills?")
    assert not _names_another(role, "Who is Rory Love?")


@pytest.mark.unit
def test_a_question_that_names_no_meeting_stays_with_the_meeting_the_conversation_is_about() -> None:
    from assistant.answer.meetings import Earlier, find_decision
    from assistant.answer.question import analyse
    from core.records import Decision

    def resolution(doc: str, date: str, votes: tuple[int, int], quote: str) -> Decision:
        return Decision(
            doc, "resolution", "the substantive motion be agreed", "carried", 3, quote,
            committee="full council", meeting_date=date, votes_for=votes[0], votes_against=votes[1],
        )  # fmt: skip

    january = resolution(
        "jan", "2025-01-09", (39, 19), "The substantive motion was put: For (39) Against (19)"
    )
    february = resolution(
        "feb", "2025-02-13", (41, 10), "The substantive motion was put: For (41) Against (10)"
    )
    moved = Decision(
        "jan", "motion", "the devolution motion", "proposed", 2, "Mr Gough proposed the motion",
        committee="full council", meeting_date="2025-01-09", mover="Mr Gough",
    )  # fmt: skip
    docs = {d: Document(d, f"{d}.pdf", f"Minutes {d}") for d in ("jan", "feb")}
    q = analyse("What was the final vote on the substantive motion?", lambda t: 1.0, lambda t: 0.01)
    decisions = [february, january, moved]
    # Out of a conversation the two votes match equally; the first stored is taken.
    alone = find_decision(q, decisions, docs, set(docs))
    assert alone is not None and "41 for" in alone.lead
    # The last turn cited January's minutes: a question that names no meeting is about that one.
    talked = Earlier(conversation=("Mr Gough proposed the motion",))
    found = find_decision(q, decisions, docs, set(docs), talked)
    assert found is not None and "39 for and 19 against" in found.lead


@pytest.mark.unit
def test_the_conversations_meeting_is_found_as_minutes_print_it() -> None:
    """Minutes break lines inside a quote, and end a vote's list of names with the outcome: the
    cited quote is the folded text, and the outcome's words are not a member's name."""
    from assistant.answer.meetings import Earlier, find_decision
    from assistant.answer.question import analyse
    from core.records import Decision

    def vote(doc: str, date: str, votes: tuple[int, int], vote_quote: str) -> Decision:
        return Decision(
            doc, "resolution", "Endorses the ongoing joint work", "carried", 10, "[Cabinet] to submit a request",
            committee="full council", meeting_date=date, votes_for=votes[0], votes_against=votes[1],
            vote_quote=vote_quote,
        )  # fmt: skip

    january = vote(
        "jan",
        "2025-01-09",
        (39, 19),
        "For (39)\nMr Baker, Mr\nCarter\nAgainst (19)\nMs Constantine\nSubstantive Motion carried.",
    )
    february = vote(
        "feb",
        "2025-02-13",
        (41, 10),
        "the Chairman put to the vote the substantive motion: For (41) Against (10)",
    )
    moved = Decision(
        "jan", "motion", "the devolution motion", "proposed", 3, "County Council is asked to:",
        committee="full council", meeting_date="2025-01-09", mover="Mr Gough",
        mover_quote="5) Mr Gough proposed, and Mr Oakford seconded the motion that\n“County Council is asked to:",
    )  # fmt: skip
    docs = {d: Document(d, f"{d}.pdf", f"Minutes {d}") for d in ("jan", "feb")}
    q = analyse("What was the final vote on the substantive motion?", lambda t: 1.0, lambda t: 0.01)
    cited = ("5) Mr Gough proposed, and Mr Oakford seconded the motion that “County Council is asked to:",)
    found = find_decision(q, [february, january, moved], docs, set(docs), Earlier(conversation=cited))
    assert found is not None and "39 for and 19 against" in found.lead


@pytest.mark.unit
def test_minutes_tell_of_the_meeting_they_record_not_the_one_they_are_filed_with() -> None:
    from assistant.answer.meetings import _held, _role_tokens

    filed_later = Document(
        "m", "m.pdf", "Minutes of a meeting of the Cabinet held on Thursday, 9 January 2025",
        date="2025-01-09", meeting_date="2025-01-30", category="minutes",
    )  # fmt: skip
    report = Document(
        "r", "r.pdf", "Quarterly Performance Report", date="2025-01-20", meeting_date="2025-01-30"
    )
    assert _held(filed_later) == "2025-01-09" and _held(report) == "2025-01-30"
    assert "chair" in _role_tokens("Chairman") and "chair" not in _role_tokens("Leader of the Council")


@pytest.mark.integration
def test_who_chaired_a_meeting_is_read_from_its_own_minutes(kent_assistant) -> None:
    assistant = kent_assistant
    answer = assistant.ask("Who chaired the Cabinet meeting on 30 January 2025?")
    assert answer.answer.startswith("Mr R W Gough — Chairman")
    [c] = answer.citations
    assert "Mr R W Gough (Chairman)" in c.quote
    assert "30 January 2025" in assistant.retriever.state.docs[c.doc_id].title


@pytest.mark.unit
def test_what_was_decided_is_said_in_the_words_of_the_part_of_the_resolution_asked() -> None:
    from assistant.answer.meetings import decided_words
    from assistant.answer.question import analyse
    from core.records import Decision

    text = (
        "Council: (i) Notes the Inspector's Report on the examination of the Kent Minerals and Waste "
        "Local Plan 2024-2039 for Council approval; (ii) Adopts the Kent Minerals and Waste Local Plan "
        "2024-2039 as set out in Appendix B; and (iii) Notes the timetable for the Council Tax base"
    )
    # The quote ends within the last part: the lead says only what the quote shows.
    quote = "RESOLVED that " + text[: text.index("timetable") + len("timetable")]
    d = Decision("m", "resolution", text, "carried", 8, quote, committee="full council")

    def ask(question: str) -> str | None:
        return decided_words(d, analyse(question, lambda t: 1.0, lambda t: 0.01))

    # A part that decides comes before one that only notes the same subject.
    assert ask("What did the Council decide about the Minerals and Waste Local Plan?") == (
        "(ii) Adopts the Kent Minerals and Waste Local Plan 2024-2039 as set out in Appendix B; and"
    )
    assert ask("What did the Council resolve about the timetable?") == "(iii) Notes the timetable"
    # No part about what was asked: no part is guessed (the quote says what was resolved).
    assert ask("What did the Council decide on 9 January 2025?") is None
    # A cross-reference is not a part, and a part is quoted only where the quote shows that part.
    crossed = Decision(
        "m", "resolution", "Council: (a) Agrees the plan as amended (see para 3.3 (a) above)", "carried",
        8, "RESOLVED that Council: (a) Agrees the plan as amended (see para 3.3 (a) above)",
    )  # fmt: skip
    assert decided_words(
        crossed, analyse("What did the Council decide about the plan?", lambda t: 1.0, lambda t: 0.01)
    ) == ("(a) Agrees the plan as amended (see para 3.3 (a) above)")
