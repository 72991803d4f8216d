"""[answer] lists: a list whose items are numbered paragraphs running over pages is answered with
its introduction and every item, each cited on its own page."""

from __future__ import annotations

import pytest

from evals.verify import PageVerifier
from tests.conftest import CORPUS

pytestmark = pytest.mark.integration

# Peer challenge, pp. 2-3: "The following are the peer team's key recommendations to the council:"
# then five numbered paragraphs, the first with bullets that run onto page 3.
OPENINGS = [
    "1. To address its financial challenges SCC must ensure",
    "2. The council should align its vision",
    "3. The council should invest time in the development of its 'Top Team'",
    "4. SCC council's vision should be further developed",
    "5. SCC should review its overall approach to scrutiny",
]


@pytest.mark.parametrize(
    "question",
    [
        "What were the peer team's key recommendations to Somerset County Council?",
        "What were the main recommendations of the 2018 peer challenge?",
    ],
)
def test_every_recommendation_of_a_list_over_two_pages_is_cited(assistant, question: str) -> None:
    answer = assistant.ask(question, role="admin")
    quotes = [c.quote for c in answer.citations]
    for opening in OPENINGS:
        assert any(opening in q for q in quotes), (opening, quotes)
    assert any("key recommendations to the council:" in q for q in quotes)
    verifier = PageVerifier(CORPUS)
    assert all(verifier.on_page(c.file, c.page, c.quote) for c in answer.citations)
    assert {c.page for c in answer.citations} == {2, 3}


def test_an_introduction_is_quoted_with_the_first_item_it_introduces(assistant) -> None:
    # Collaboration plan, p. 4: "A number of overall approaches to resourcing were considered based on
    # the clustering model outlined above 30. A 'full participation' approach would see ..."
    answer = assistant.ask("Which approaches to resourcing did the consultancy team look at?", role="admin")
    first = answer.citations[0].quote
    assert first.startswith("A number of overall approaches to resourcing") and "full participation" in first
    verifier = PageVerifier(CORPUS)
    assert all(verifier.on_page(c.file, c.page, c.quote) for c in answer.citations)


def test_an_introduction_on_the_page_before_its_items_is_not_cited_alone(assistant) -> None:
    # Peer challenge: "These are the areas we believe are critical ...:" ends p. 3; the five numbered
    # areas are on p. 4.
    answer = assistant.ask("What five areas does every corporate peer challenge cover?", role="admin")
    assert {c.page for c in answer.citations} == {4}
    assert answer.citations[0].quote.startswith("1. Understanding of the local place")
