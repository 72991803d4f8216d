"""[answer] a definition question ("What does FOLGIS stand for?") is answered with the expansion a
document gives, cited where it spells it out; an acronym no document defines is not answered from a
sentence that only uses it."""

from __future__ import annotations

import pytest

from core.acronyms import acronym_pairs
from evals.verify import PageVerifier
from tests.conftest import CORPUS


def test_an_acronym_may_take_the_initials_of_its_small_words_too() -> None:
    text = "which is contained in the Future of Local Government in Somerset (FOLGIS) report"
    assert list(acronym_pairs(text)) == [("FOLGIS", "Future of Local Government in Somerset")]
    assert list(acronym_pairs("the Somerset Waste Partnership (SWP) saves")) == [
        ("SWP", "Somerset Waste Partnership")
    ]


@pytest.mark.integration
@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("What does FOLGIS stand for?", "FOLGIS: Future of Local Government in Somerset"),
        ("what does JLAG mean", "JLAG: Joint Leaders Advisory Group"),
        ("What's the full name of the SWP?", "SWP: Somerset Waste Partnership"),
    ],
)
def test_a_definition_is_the_expansion_a_document_gives(assistant, question: str, lead: str) -> None:
    answer = assistant.ask(question, role="admin")
    assert answer.answer.startswith(lead)
    [cited] = answer.citations
    assert lead.split(": ")[1] in cited.quote
    assert PageVerifier(CORPUS).on_page(cited.file, cited.page, cited.quote)


@pytest.mark.integration
def test_an_acronym_no_document_defines_is_not_answered(assistant) -> None:
    answer = assistant.ask("What does NHS stand for?", role="admin")
    assert answer.abstained and not answer.citations


@pytest.mark.integration
def test_what_an_acronym_means_by_something_is_no_definition(assistant) -> None:
    answer = assistant.ask("What does SCC mean by transformation?", role="admin")
    assert not answer.answer.startswith("SCC: Somerset County Council")
