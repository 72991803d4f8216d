"""Decisions from minutes and records of decision.

The expected values below were read by hand from Kent County Council's published papers (the PDFs
under shared/realdocs/kent), not from the extractor's output: status, recorded votes, mover and
seconder as printed, the page that records the outcome, and a phrase of the wording.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.records import Decision, Document
from core.text import squash
from ingest.clean import CleanPage, clean_pages
from ingest.decisions import MAX_QUOTE, extract_decisions
from ingest.pdf import read_pdf
from tests.conftest import shared

KENT = "realdocs/kent"
JAN_CC = "full_council/2025-01-09/Printed minutes 09th-Jan-2025 10.00 County Council.pdf"
FEB_CC = "full_council/2025-02-13/Printed minutes 13th-Feb-2025 09.30 County Council.pdf"
MAR_CC = "full_council/2025-03-13/Printed minutes 13th-Mar-2025 10.00 County Council.pdf"
DEC_CC = "full_council/2025-02-13/19 December 2024 - County Council minutes.pdf"
JAN_CC_FILED_IN_FEB = "full_council/2025-02-13/9 January 2025 - County Council minutes.pdf"
CABINET_JAN30 = "cabinet/2025-01-30/Printed minutes 30th-Jan-2025 10.00 Cabinet.pdf"
CABINET_JAN9 = "cabinet/2025-01-30/Minutes of the meeting held on 9th January 2025.pdf"
ROD_FAMILY_HUBS = "full_council/2025-03-13/Appendix 4 - 24-00093 Record of Decision.pdf"
PROD_EDUCATION = "cabinet/2025-01-30/24-00096 - PRoD.pdf"


@functools.cache
def _sources() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(shared(f"{KENT}/sources.yaml").read_text())
    return {entry["file"]: entry for entry in data["documents"]}


@functools.cache
def _read(file: str) -> tuple[Document, tuple[CleanPage, ...]]:
    """A Kent paper read the way ingest reads it, with the metadata ingest gives it."""
    entry = _sources()[file]
    meta = Document(
        doc_id=Path(file).stem,
        file=file,
        title=Path(file).stem,
        committee=entry["committee"],
        meeting_date=str(entry["meeting_date"]),
        category=entry.get("category"),
    )
    pages = clean_pages(read_pdf(shared(f"{KENT}/{file}")).pages)
    return meta, tuple(pages)


@functools.cache
def _decisions(file: str) -> tuple[Decision, ...]:
    meta, pages = _read(file)
    return tuple(extract_decisions(meta, list(pages)))


def _find(file: str, kind: str, phrase: str, mover: str | None = None, item: str | None = None) -> Decision:
    """The one decision of `kind` whose wording holds `phrase` (and, when given, with that mover and
    under an item heading that starts with `item`)."""
    found = [
        d
        for d in _decisions(file)
        if d.kind == kind
        and squash(phrase) in d.text
        and (mover is None or d.mover == mover)
        and (item is None or (d.item or "").startswith(item))
    ]
    assert len(found) == 1, (file, kind, phrase, [(d.kind, d.status, d.text[:80]) for d in _decisions(file)])
    return found[0]


@dataclass(frozen=True)
class Expected:
    file: str
    kind: str
    phrase: str  # a phrase of the wording, unique among the file's decisions of that kind
    status: str
    page: int
    votes: tuple[int | None, int | None, int | None] = (None, None, None)
    mover: str | None = None
    seconder: str | None = None
    item: str | None = None  # the start of the agenda item's heading
    quoted: str | None = None  # what the quote must show: the outcome line, or the count


HAND_CHECKED = [
    # County Council, 9 January 2025: the English Devolution White Paper debate.
    Expected(
        JAN_CC,
        "amendment",
        "(5) Expects there to be as much transparency as possible in this process.",
        "carried",
        5,
        mover="Mr Streatfeild",
        seconder="Mr Sole",
        item="285. English Devolution White Paper",
        quoted="Amendment carried.",
    ),
    Expected(
        JAN_CC,
        "amendment",
        "commence the Foundation Strategic Authority route",
        "lost",
        6,
        (14, 45, 4),
        "Mr Hood",
        "Mr Baldock",
        "285. English Devolution White Paper",
        quoted="For (14)",
    ),
    Expected(
        JAN_CC,
        "amendment",
        "express a strong preference that elections happen as planned in May 2025",
        "lost",
        9,
        (14, 40, 7),
        "Mr Lehmann",
        "Mr Streatfeild",
        quoted="Against (40)",
    ),
    # The substantive motion was the motion as amended at paragraph 15, so nobody moved it as worded.
    Expected(
        JAN_CC,
        "resolution",
        "Endorses the ongoing joint work between KCC, Medway Council and",
        "carried",
        10,
        (39, 19, 1),
        item="285. English Devolution White Paper",
        quoted="Substantive Motion carried.",
    ),
    # County Council, 13 February 2025: the budget.
    Expected(
        FEB_CC,
        "amendment",
        "Labour Group’s Alternative Budget in accordance with sections 8.10 – 14",
        "lost",
        6,
        (12, 42, 7),
        "Mr Brady",
        "Ms Meade",
        "291. Capital Programme 2025-35 and Revenue Budget 2025-26",
        quoted="Abstain (7)",
    ),
    Expected(
        FEB_CC,
        "amendment",
        "allocate to the Local Electric Vehicle Infrastructure (LEVI) capital project",
        "lost",
        9,
        (9, 41, 8),
        "Mr Hook",
        "Mr Streatfeild",
        quoted="Abstain (8)",
    ),
    Expected(
        FEB_CC,
        "amendment",
        "Reverse the proposed £1.75m cut to the grant paid to districts",
        "lost",
        12,
        (15, 43, 1),
        "Mr Lehmann",
        "Mr Hood",
        quoted="For (15)",
    ),
    Expected(
        FEB_CC,
        "resolution",
        "The net revenue budget requirement of £1,530.9m for 2025-26.",
        "carried",
        13,
        (41, 10, 7),
        "Mr Oakford",
        "Mr Gough",
        "291. Capital Programme 2025-35",
        quoted="Substantive Motion Carried.",
    ),
    Expected(
        FEB_CC,
        "resolution",
        "County Council noted the report and agreed to have due regard",
        "carried",
        3,
        (57, 0, 2),
        "Mr Oakford",
        "Mr Gough",
        "290. Section 25 Report",
        quoted="For (57)",
    ),
    # County Council, 13 March 2025.
    Expected(
        MAR_CC,
        "amendment",
        "subject to amend the item in relation to proposed changes to 14.60",
        "carried",
        13,
        (32, 11, 0),
        "Mr Holden",
        "Mr Lewis",
        "306. Governance Updates",
        quoted="Amendment carried",
    ),
    Expected(
        MAR_CC,
        "motion",
        "debates and decides whether the Chair of the Scrutiny Committee should be mandated",
        "agreed",
        14,
        (36, 4, 0),
        quoted="Abstain (0)\nAgreed.",
    ),
    Expected(
        MAR_CC,
        "motion",
        "Council resolve to extend the meeting beyond 4.30pm",
        "carried",
        13,
        (39, 3, 0),
        "Chairman",
        "Vice-Chairman",
        quoted="Against (3)",
    ),
    Expected(
        MAR_CC,
        "resolution",
        "Adopts the Kent Minerals and Waste Local Plan 2024-2039",
        "carried",
        8,
        (52, 0, 11),
        "Mr Derek Murphy",
        "Mr Rob Thomas",
        "299. Kent Minerals and Waste Local Plan 2024-39",
        quoted="Motion carried.",
    ),
    Expected(
        MAR_CC,
        "resolution",
        "makes comments but does not require reconsideration of the decision",
        "carried",
        9,
        mover="Mr Booth",
        seconder="Mrs Binks",
        item="300. Review of Decision 24/00093",
    ),
    # Taken up by the motion's movers rather than voted on.
    Expected(
        MAR_CC,
        "amendment",
        "welcomes news that from 1 June 2025 it will be illegal to sell single-use",
        "agreed",
        17,
        mover="Mr Watkins",
        seconder="Mr Brazier",
        quoted="The proposer and seconder of the original motion agreed to the",
    ),
    Expected(
        MAR_CC,
        "resolution",
        "Council endorses the attached Pay Policy Statement.",
        "carried",
        15,
        (32, 1, 2),
        "Mr Oakford",
        "Mr Jeffrey",
        quoted="Motion carried.",
    ),
    # County Council, 19 December 2024.
    Expected(
        DEC_CC,
        "motion",
        "Replace the ‘first past the post’ system for Kent County Council",
        "lost",
        11,
        (14, 37, 0),
        "Mr Streatfeild",
        "Mr Hook",
        "281. Motions for Time Limited Debate",
        quoted="Motion lost.",
    ),
    Expected(
        DEC_CC,
        "decision",
        "This item was deferred",
        "deferred",
        8,
        item="279. Governance Working Party Update",
    ),
    # Cabinet, 30 January 2025 and 9 January 2025.
    Expected(
        CABINET_JAN30,
        "resolution",
        "transfer the statutory functions delivered by the 18-25 section of the Strengthening",
        "agreed",
        14,
        item="90. 24/00109 - Transfer the 18-25 section",
    ),
    Expected(
        CABINET_JAN30,
        "resolution",
        "Note the forecast revenue overspend of £23.3m (excluding Schools).",
        "agreed",
        10,
        item="88. 24/00108 - Revenue and Capital Budget Monitoring Report",
    ),
    Expected(
        CABINET_JAN9,
        "resolution",
        "Cabinet note the report.",
        "noted",
        5,
        item="82. Corporate Risk Register",
    ),
    Expected(
        CABINET_JAN9,
        "amendment",
        "Agree to request that the Minister for Local Government and English",
        "agreed",
        8,
        mover="Mr Love",
    ),
    Expected(
        CABINET_JAN9,
        "resolution",
        "Agree to submit a request to Government, jointly with Medway Council",
        "agreed",
        9,
        mover="Leader",
        seconder="Mr Oakford",
        item="83. English Devolution White Paper",
    ),
]


@pytest.mark.integration
@pytest.mark.parametrize("want", HAND_CHECKED, ids=lambda e: f"{Path(e.file).stem[:24]}|{e.phrase[:30]}")
def test_decisions_read_by_hand_from_the_minutes(want: Expected) -> None:
    got = _find(want.file, want.kind, want.phrase, want.mover, want.item)
    assert got.status == want.status
    assert got.page == want.page
    assert (got.votes_for, got.votes_against, got.abstentions) == want.votes
    assert got.mover == want.mover
    assert got.seconder == want.seconder
    if want.item is not None:
        assert got.item is not None and got.item.startswith(want.item)
    if want.quoted is not None:
        assert want.quoted in got.quote


@pytest.mark.integration
def test_budget_amendments_are_all_there_and_all_lost() -> None:
    amendments = [d for d in _decisions(FEB_CC) if d.kind == "amendment"]
    assert [(d.votes_for, d.votes_against, d.abstentions) for d in amendments] == [
        (12, 42, 7),
        (16, 41, 0),
        (9, 41, 8),
        (8, 40, 10),
        (13, 39, 3),
        (15, 43, 1),
    ]
    assert {d.status for d in amendments} == {"lost"}
    # Who moved each is quoted with what they moved: the sentence that ends in a colon goes on.
    study = next(d for d in amendments if d.mover == "Mr Hood" and d.votes_for == 16)
    assert study.mover_quote is not None and "Allocate up to £75k" in study.mover_quote
    # A count that the decision's own quote leaves out is quoted where it is printed.
    [substantive] = [d for d in _decisions(FEB_CC) if d.kind == "resolution" and d.votes_for == 41]
    assert substantive.vote_quote is not None and "For (41)" in substantive.vote_quote
    assert all(d.committee == "full council" and d.meeting_date == "2025-02-13" for d in amendments)


@pytest.mark.integration
def test_a_signed_record_of_decision_names_its_decision_maker() -> None:
    (rod,) = _decisions(ROD_FAMILY_HUBS)
    assert rod.kind == "decision"
    assert rod.status == "agreed"
    assert rod.decision_maker == "Mrs Sue Chandler, Cabinet Member for Integrated Children’s Services"
    assert rod.item == "24/00093 - Commissioned Family Hub Contracts"
    assert rod.page == 1
    assert "not re-commission the Family Hub services that are currently" in rod.text
    assert rod.text.endswith("as required to implement this decision.")


@pytest.mark.integration
def test_a_proposed_record_of_decision_is_proposed() -> None:
    (prod,) = _decisions(PROD_EDUCATION)
    assert (prod.kind, prod.status, prod.decision_maker) == ("decision", "proposed", "Cabinet")
    assert prod.text == "Cabinet agree to: A) the Commissioning Plan for Education Provision in Kent 2025-29"
    assert "PROPOSED RECORD OF DECISION" in prod.quote


@pytest.mark.integration
def test_minutes_filed_with_a_later_meeting_are_dated_by_their_own_meeting() -> None:
    filed = _decisions(JAN_CC_FILED_IN_FEB)
    printed = _decisions(JAN_CC)
    assert {d.meeting_date for d in filed} == {"2025-01-09"}
    assert [(d.kind, d.status, d.votes_for) for d in filed] == [
        (d.kind, d.status, d.votes_for) for d in printed
    ]
    panel = _decisions("full_council/2025-03-13/CPP Minutes 29.10.24.pdf")
    assert {(d.committee, d.meeting_date) for d in panel} == {("Corporate Parenting Panel", "2024-10-29")}


def _decision_papers() -> list[str]:
    """Every minutes, record of decision and tabled amendment or motion in the Kent corpus."""
    papers = []
    for file, entry in _sources().items():
        name = Path(file).name.lower()
        category = (entry.get("category") or "").lower()
        if category in ("minutes", "amendment", "motion") or "prod" in name or "record of decision" in name:
            papers.append(file)
    return sorted(papers)


@pytest.mark.integration
def test_every_quote_is_verbatim_text_of_its_page() -> None:
    papers = _decision_papers()
    assert len(papers) >= 15
    misses = []
    for file in papers:
        _, pages = _read(file)
        texts = {p.number: squash(p.text) for p in pages}
        decisions = _decisions(file)
        assert decisions, f"{file}: no decisions found"
        for d in decisions:
            if squash(d.quote) not in texts.get(d.page, ""):
                misses.append((file, d.page, d.quote[:80]))
            for page, quote in ((d.mover_page, d.mover_quote), (d.vote_page, d.vote_quote)):
                if quote is not None and (page is None or squash(quote) not in texts.get(page, "")):
                    misses.append((file, page or 0, quote[:80]))
            assert len(d.quote) <= MAX_QUOTE + 200, (file, d.page, len(d.quote))
            assert d.text and d.quote
    assert misses == []


# -- synthetic papers of another council -----------------------------------------------------

OTHER_MINUTES = """MINUTES of the meeting of the Cabinet of Anytown Borough Council held at the Town Hall
on Tuesday, 4 March 2025.
PRESENT: Councillor A Brown (Chair), Councillor C Davis, Councillor E Fox
45.   Waste Collection Contract
(Item 6)
1) Councillor Smith proposed, and Councillor Jones seconded the motion that
“The contract for waste collection be awarded to Greenco Ltd.”
2) Councillor Fox proposed and Councillor Hill seconded the following amendment:
“To add: and that a review of the contract be reported in six months.”
3) The Chair put the amendment set out in paragraph 2 to the vote and the voting was as follows:
For (5)
Against (3)
Abstain (1)
Amendment carried.
4) RESOLVED that the contract for waste collection be awarded to Greenco Ltd and that a review
of the contract be reported in six months.
46.   Local Plan Review
(Item 7)
It was moved by Councillor A Brown, seconded by Councillor C Davis, that the Local Plan Review
timetable be approved.
An amendment was moved by Councillor E Fox, seconded by Councillor G Hill, that the timetable be
deferred for three months.
On being put to the vote the amendment was lost (For 10, Against 20, Abstentions 1).
RESOLVED: That the Local Plan Review timetable be approved.
47.   Leisure Centre Fees
(Item 8)
This item was deferred to the next meeting."""

OTHER_RECORD = """ANYTOWN BOROUGH COUNCIL
RECORD OF DECISION
Decision Maker: Cabinet Member for Highways
Decision Number: HW/25/003
Title of Decision: Residents' parking scheme, Mill Road
Decision:
To approve the introduction of a residents' parking scheme in Mill Road.
Reasons for decision:
The scheme was supported at consultation."""


def _pages(text: str) -> list[CleanPage]:
    return [CleanPage(1, tuple(text.split("\n")))]


META = Document(
    doc_id="anytown", file="anytown.pdf", title="Anytown", committee="cabinet", meeting_date="2025-03-04"
)


@pytest.mark.unit
def test_rules_read_another_councils_minutes() -> None:
    got = extract_decisions(META, _pages(OTHER_MINUTES))
    summary = [
        (d.kind, d.status, d.item, (d.votes_for, d.votes_against, d.abstentions), d.mover, d.seconder)
        for d in got
    ]
    assert summary == [
        (
            "amendment",
            "carried",
            "45. Waste Collection Contract",
            (5, 3, 1),
            "Councillor Fox",
            "Councillor Hill",
        ),
        # Amended, so the resolution is no longer the mover's wording; no vote on it was recorded.
        ("resolution", "agreed", "45. Waste Collection Contract", (None, None, None), None, None),
        ("amendment", "lost", "46. Local Plan Review", (10, 20, 1), "Councillor E Fox", "Councillor G Hill"),
        (
            "resolution",
            "agreed",
            "46. Local Plan Review",
            (None, None, None),
            "Councillor A Brown",
            "Councillor C Davis",
        ),
        ("decision", "deferred", "47. Leisure Centre Fees", (None, None, None), None, None),
    ]
    assert got[0].text == "To add: and that a review of the contract be reported in six months."
    assert got[2].text == "the timetable be deferred for three months."
    assert got[3].text == "the Local Plan Review timetable be approved."
    assert {d.meeting_date for d in got} == {"2025-03-04"}
    page = squash(OTHER_MINUTES)
    assert all(squash(d.quote) in page for d in got)


@pytest.mark.unit
def test_rules_read_another_councils_record_of_decision() -> None:
    (got,) = extract_decisions(META, _pages(OTHER_RECORD))
    assert (got.kind, got.status, got.decision_maker) == ("decision", "agreed", "Cabinet Member for Highways")
    assert got.text == "To approve the introduction of a residents' parking scheme in Mill Road."
    assert got.item == "HW/25/003 - Residents' parking scheme, Mill Road"
    assert squash(got.quote) in squash(OTHER_RECORD)


@pytest.mark.unit
def test_a_report_that_quotes_a_resolution_yields_nothing() -> None:
    report = "Report to Cabinet\nBackground\nRESOLVED that the scheme be approved.\nThe scheme began in 2024."
    assert extract_decisions(META, _pages(report)) == []
