"""[people] item 3: honest filters. An unknown council or an impossible range is refused where the
filters are built (for the CLI and the API alike), every answer states the filters in force, and a
filter that left out the documents that answer says so without citing them."""

from __future__ import annotations

import httpx
import pytest
from pydantic import ValidationError

from assistant.answer.filtered import excluded_answer
from assistant.models import Answer, Citation, Filters

PIONEER = "2008-11-14-pioneer-somerset-update-report"


@pytest.mark.unit
def test_councils_are_named_as_the_manifest_names_them() -> None:
    assert Filters(councils=["SDC", "Sedgemoor", "sedgemoor district council"]).councils == ["Sedgemoor DC"]


@pytest.mark.unit
def test_an_unknown_council_is_refused_with_the_closest_names() -> None:
    with pytest.raises(ValidationError) as info:
        Filters(councils=["Sedgmoor"])
    assert "unknown council 'Sedgmoor'; did you mean 'Sedgemoor DC'?" in str(info.value)
    with pytest.raises(ValidationError, match="known councils are 'Somerset CC'"):
        Filters(councils=["Kent"])


@pytest.mark.unit
def test_a_range_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError, match="since 2019 is after until 2016"):
        Filters(since="2019", until="2016")
    assert Filters(since="2016", until="2016").describe() == "documents dated 2016"


def _citation(doc_id: str, title: str, date: str) -> Citation:
    return Citation(
        marker=1, doc_id=doc_id, file=f"{doc_id}.pdf", title=title, date=date, page=1,
        section=None, quote="q", url=f"/v1/documents/{doc_id}/file#page=1",
    )  # fmt: skip


@pytest.mark.unit
def test_an_answer_found_only_outside_the_filters_is_named_never_cited() -> None:
    filters = Filters(since="2016", until="2019")
    none = Answer(answer="I could not find this in the documents.", abstained=True, conversation_id="c")
    elsewhere = Answer(
        answer="£20m [1].",
        citations=[_citation(PIONEER, "Pioneer Somerset", "2008-11-14")],
        conversation_id="c",
    )
    said = excluded_answer(none, elsewhere, {"2016-doc"}, filters)
    assert said.answer.startswith(
        "Nothing in the documents dated 2016–2019 answers this; “Pioneer Somerset” (2008-11-14) does."
    )
    assert said.abstained and said.citations == []
    within = Answer(
        answer="£4.2m [1].", citations=[_citation("2016-doc", "Joint working", "2016")], conversation_id="c"
    )
    noted = excluded_answer(within, elsewhere, {"2016-doc"}, filters)
    assert noted.answer.startswith("£4.2m [1].") and "“Pioneer Somerset” (2008-11-14)" in noted.answer
    assert [c.doc_id for c in noted.citations] == ["2016-doc"]
    # When the unfiltered answer draws on a document the filters kept, nothing is added.
    assert excluded_answer(within, elsewhere, {"2016-doc", PIONEER}, filters) == within


@pytest.mark.integration
def test_the_assistant_says_when_the_filters_left_out_the_answer(assistant) -> None:
    answer = assistant.ask(
        "What was Pioneer Somerset's savings target?", filters=Filters(since="2016", until="2019")
    )
    assert answer.filters == Filters(since="2016", until="2019")
    assert answer.abstained and answer.citations == []
    assert answer.answer.startswith(
        "Nothing in the documents dated 2016–2019 answers this; “Pioneer Somerset – Update Report” "
        "(2008-11-14) does."
    )
    unfiltered = assistant.ask("What was Pioneer Somerset's savings target?")
    assert unfiltered.filters is None and not unfiltered.abstained


@pytest.mark.integration
def test_the_api_refuses_bad_filters_with_422_and_echoes_good_ones(api: str) -> None:
    question = "What savings target did Sedgemoor have?"
    typo = httpx.post(f"{api}/v1/ask", json={"question": question, "filters": {"councils": ["Sedgmoor"]}})
    assert typo.status_code == 422
    assert "did you mean 'Sedgemoor DC'?" in typo.json()["error"]["message"]
    backwards = httpx.post(
        f"{api}/v1/ask", json={"question": question, "filters": {"since": "2020", "until": "2010"}}
    )
    assert backwards.status_code == 422
    assert "since 2020 is after until 2010" in backwards.json()["error"]["message"]
    ok = httpx.post(
        f"{api}/v1/ask", json={"question": question, "filters": {"councils": ["SDC"], "since": "2008"}}
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["filters"]["councils"] == ["Sedgemoor DC"] and ok.json()["filters"]["since"] == "2008"


@pytest.mark.integration
def test_a_streamed_answer_ends_with_the_filters_in_force(api: str) -> None:
    from tests.servers import sse_events

    body = {
        "question": "What was Pioneer Somerset's savings target?",
        "filters": {"until": "2010"},
        "stream": True,
    }
    with httpx.stream("POST", f"{api}/v1/ask", json=body, timeout=120) as response:
        events = sse_events(response)
    name, done = events[-1]
    assert name == "done" and done["filters"] == {"until": "2010"}
