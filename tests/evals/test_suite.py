"""Suite format and content: schema errors name the line, every evidence quote is on a PDF page."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from evals.suite import SuiteError, load_suite
from tests.conftest import CORPUS, REPO, key, pdftotext_pages, shared

SUITES = sorted((REPO / "evals" / "suites").glob("*.yaml"))


@pytest.mark.unit
def test_schema_errors_name_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "documents:\n  a: a.pdf\nquestions:\n- id: q1\n  q: Fine?\n- id: q2\n  question: misspelt key\n"
    )
    with pytest.raises(SuiteError) as info:
        load_suite(bad)
    assert f"{bad}:6:" in str(info.value) and "'q' is a required property" in str(info.value)
    unknown_doc = tmp_path / "doc.yaml"
    unknown_doc.write_text(
        "documents:\n  a: a.pdf\nquestions:\n- id: q1\n  q: Why?\n  evidence:\n  - {doc: b, quote: xyz}\n"
    )
    with pytest.raises(SuiteError, match=r"doc\.yaml:7: evidence names document 'b'"):
        load_suite(unknown_doc)


@pytest.mark.integration
@pytest.mark.parametrize("path", SUITES, ids=[p.name for p in SUITES])
def test_every_evidence_quote_is_on_a_page_of_its_pdf(path: Path) -> None:
    suite = load_suite(path)
    pages = {f: [key(p) for p in pdftotext_pages(CORPUS / f)] for f in suite.documents.values()}
    missing = [
        (c.id, ev.quote[:60])
        for c in suite.cases
        for ev in c.evidence
        if not any(key(ev.quote) in p for p in pages[ev.file])
    ]
    assert missing == []


@pytest.mark.unit
def test_the_dev_suite_covers_every_document_and_kind_of_question() -> None:
    suite = load_suite(REPO / "evals" / "suites" / "dev.yaml")
    standalone = [c for c in suite.cases if c.conversation is None]
    assert len(standalone) >= 80
    assert sum(c.abstain for c in standalone) >= 12
    assert sum(c.tool for c in standalone) >= 8
    conversations: dict[str, int] = {}
    for c in suite.cases:
        if c.conversation:
            conversations[c.conversation] = conversations.get(c.conversation, 0) + 1
    assert len(conversations) >= 6 and all(2 <= n <= 3 for n in conversations.values())
    cited = {ev.file for c in suite.cases for ev in c.evidence}
    assert cited == {p.name for p in CORPUS.glob("*.pdf")}
    assert (
        sum(len({ev.file for ev in c.evidence}) >= 2 for c in standalone) >= 5
    )  # comparisons across documents
    assert (
        sum(
            any(ch.isdigit() for ch in ev.quote)
            and len(ev.quote.split()) > 6
            and ev.quote.count(" ") > 6
            and sum(t.replace(",", "").replace(".", "").isdigit() for t in ev.quote.split()) >= 5
            for c in standalone
            for ev in c.evidence
        )
        >= 5
    )  # table rows


@pytest.mark.unit
def test_the_dev_suite_includes_the_shared_sample() -> None:
    sample = yaml.safe_load(shared("evals/dev-sample.yaml").read_text())
    dev = yaml.safe_load((REPO / "evals" / "suites" / "dev.yaml").read_text())
    dev_questions = {q["id"]: q for q in dev["questions"]}
    for q in sample["questions"]:
        assert dev_questions[q["id"]]["q"] == q["q"]
    dev_conversations = {c["id"]: c for c in dev["conversations"]}
    for c in sample["conversations"]:
        assert [t["q"] for t in dev_conversations[c["id"]]["turns"]] == [t["q"] for t in c["turns"]]
