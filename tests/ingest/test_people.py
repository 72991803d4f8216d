"""[ingest] People and their roles, read off real Kent County Council papers (each expected role
checked by hand on its page), with every quote verbatim on its page."""

from __future__ import annotations

from functools import cache

import pytest

from core.records import Document, Role
from core.text import squash
from ingest.clean import CleanPage, clean_pages
from ingest.pdf import read_pdf
from ingest.people import extract_roles
from tests.conftest import shared

KENT = "realdocs/kent"


@cache
def kent_pages(relative: str) -> list[CleanPage]:
    """A Kent paper's pages exactly as ingest reads them."""
    return clean_pages(read_pdf(shared(f"{KENT}/{relative}")).pages)


def meta(relative: str) -> Document:
    return Document(doc_id=relative.rsplit("/", 1)[-1].removesuffix(".pdf").lower(), file=relative, title="")


@cache
def roles_of(relative: str) -> tuple[Role, ...]:
    return tuple(extract_roles(meta(relative), kent_pages(relative)))


def page(*lines: str, number: int = 1) -> CleanPage:
    return CleanPage(number=number, lines=tuple(lines))


BUDGET_REPORT = "full_council/2025-02-13/February 2025 Kent County Council Budget Report.pdf"
EDUCATION_REPORT = (
    "cabinet/2025-01-30/24-00096 - Commissioning Plan for Education Provision in Kent 2025-29 - Report.pdf"
)
RECORD_OF_DECISION = "full_council/2025-03-13/Appendix 4 - 24-00093 Record of Decision.pdf"
CABINET_MINUTES = "cabinet/2025-01-30/Minutes of the meeting held on 9th January 2025.pdf"

# (file, name, role, page, words the quote must hold) read by hand on each page.
KENT_ROLES = [
    # the budget report's cover, role first: "From / Leader of the Council; Roger Gough"
    (BUDGET_REPORT, "Roger Gough", "Leader of the Council", 1, "Leader of the Council; Roger Gough"),
    (BUDGET_REPORT, "Dave Shipton", "Report author", 1, "Report author Head of Finance Policy"),
    (BUDGET_REPORT, "John Betts", "Relevant Director", 1, "Interim Corporate Director Finance; John Betts"),
    # a report cover, name first: "From: Rory Love, Cabinet Member for Education and Skills"
    (
        EDUCATION_REPORT,
        "Rory Love",
        "Cabinet Member for Education and Skills",
        1,
        "From: Rory Love, Cabinet Member for Education and Skills",
    ),
    # its contact details: "Report Author: / Nick Abrahams / Assistant Director Education – West Kent"
    (EDUCATION_REPORT, "Nick Abrahams", "Report author", 6, "Report Author: Nick Abrahams"),
    (
        EDUCATION_REPORT,
        "Nick Abrahams",
        "Assistant Director Education – West Kent",
        6,
        "Nick Abrahams Assistant Director Education – West Kent",
    ),
    (EDUCATION_REPORT, "Christine McInnes", "Relevant Director", 6, "Relevant Director: Christine McInnes"),
    # the decision maker on a record of decision
    (
        RECORD_OF_DECISION,
        "Mrs Sue Chandler",
        "Decision maker",
        1,
        "DECISION TO BE TAKEN BY: Mrs Sue Chandler, Cabinet Member for Integrated Children’s Services",
    ),
    (
        RECORD_OF_DECISION,
        "Mrs Sue Chandler",
        "Cabinet Member for Integrated Children’s Services",
        1,
        "Mrs Sue Chandler, Cabinet Member for Integrated Children’s Services",
    ),
    # the chair, and an officer in attendance, in Cabinet minutes
    (CABINET_MINUTES, "Mr R W Gough", "Chairman", 1, "Mr R W Gough (Chairman)"),
    (CABINET_MINUTES, "Dr A Ghosh", "Director of Public Health", 1, "Dr A Ghosh (Director of Public Health)"),
    # the chair and vice-chairman of the County Council, and a chair of a panel
    (
        "full_council/2025-02-13/19 December 2024 - County Council minutes.pdf",
        "Mr A M Ridgers",
        "Vice-Chairman",
        1,
        "Mr A M Ridgers (Vice-Chairman)",
    ),
    (
        "full_council/2025-03-13/CPP Minutes 10.12.24.pdf",
        "Shellina Prendergast",
        "Chair",
        1,
        "Shellina Prendergast (Chair)",
    ),
    # a chair elected at the meeting the minutes record
    (
        "full_council/2025-01-09/Printed minutes 09th-Jan-2025 10.00 County Council.pdf",
        "Mr Cooke",
        "Chair",
        1,
        "Mr Cooke be elected to Chair",
    ),
    # the mover and seconder of a budget amendment
    (
        "full_council/2025-02-13/4 - Amendment - Liberal Democrats - Highway Asset Maintenance.pdf",
        "Mr Richard Streatfeild",
        "Proposer",
        1,
        "Proposer: Mr Richard Streatfeild, MBE",
    ),
    (
        "full_council/2025-02-13/4 - Amendment - Liberal Democrats - Highway Asset Maintenance.pdf",
        "Mr Antony Hook",
        "Seconder",
        1,
        "Seconder: Mr Antony Hook",
    ),
    # a motion's proposer and seconder, printed without honorifics on consecutive lines
    (
        "full_council/2025-03-13/Green Independents Group - MTLD - 13 March.pdf",
        "Mark Hood",
        "Proposer",
        1,
        "Proposer: Mark Hood",
    ),
    (
        "full_council/2025-03-13/Green Independents Group - MTLD - 13 March.pdf",
        "Jenni Hawkins",
        "Seconder",
        1,
        "Seconder: Jenni Hawkins",
    ),
    # the member a question was put to
    (
        "full_council/2025-03-13/Questions put and answers given - March 2025.pdf",
        "Roger Gough",
        "Leader of Kent County Council",
        9,
        "Question by Chris Passmore to Roger Gough, Leader of Kent County Council",
    ),
    # a cover whose "By" line puts the role first and the name after a comma
    (
        "cabinet/2025-01-30/24-00108 - Finance Monitoring Report - Q3 - November 2024-25.pdf",
        "Peter Oakford",
        "Deputy Leader and Cabinet Member for Finance, Corporate and Traded Services",
        1,
        "By Deputy Leader and Cabinet Member for Finance, Corporate and Traded Services, Peter Oakford",
    ),
    # a contact table row: "Head of Finance Operations Cath Head 03000 416 934 cath.head@kent.gov.uk"
    (
        "cabinet/2025-01-30/24-00108 - Finance Monitoring Report - Q3 - November 2024-25.pdf",
        "Cath Head",
        "Head of Finance Operations",
        1,
        "Head of Finance Operations Cath Head",
    ),
    # the Cabinet Member a decision report is addressed to, and its author's "Job title:"
    (
        "full_council/2025-03-13/Appendix 3 - 24-00093 Decision Report.pdf",
        "Sue Chandler",
        "Cabinet Member for Integrated Children’s Services",
        1,
        "To: Sue Chandler, Cabinet Member for Integrated Children’s Services",
    ),
    (
        "full_council/2025-03-13/Appendix 3 - 24-00093 Decision Report.pdf",
        "Ben Sherreard",
        "Programme Manager, Family Hub Transformation",
        24,
        "Report Author: Ben Sherreard Job title: Programme Manager, Family Hub Transformation",
    ),
    # a lead officer
    (
        "full_council/2025-03-13/KMWLP - County Council Report.pdf",
        "Sharon Thompson",
        "Lead Officer",
        11,
        "Lead Officer: Sharon Thompson – Head of Planning Applications Group",
    ),
]


@pytest.mark.integration
@pytest.mark.parametrize(
    ("file", "name", "role", "page_number", "said"),
    KENT_ROLES,
    ids=[f"{r[1]}: {r[2]}" for r in KENT_ROLES],
)
def test_roles_read_by_hand(file: str, name: str, role: str, page_number: int, said: str) -> None:
    found = [r for r in roles_of(file) if r.name == name and r.role == role]
    assert found, [(r.name, r.role) for r in roles_of(file)]
    hit = found[0]
    assert hit.page == page_number
    assert said in hit.quote
    assert hit.doc_id == meta(file).doc_id


@pytest.mark.integration
def test_a_report_gives_exactly_its_people() -> None:
    assert {(r.name, r.role, r.page) for r in roles_of(EDUCATION_REPORT)} == {
        ("Rory Love", "Cabinet Member for Education and Skills", 1),
        ("Sarah Hammond", "Corporate Director of Children, Young People and Education", 1),
        ("Nick Abrahams", "Assistant Director Education – West Kent", 6),
        ("Nick Abrahams", "Report author", 6),
        ("Christine McInnes", "Director of Education", 6),
        ("Christine McInnes", "Relevant Director", 6),
    }


@pytest.mark.integration
def test_names_in_tables_and_forms_are_not_people_with_roles() -> None:
    # Budget templates name each Cabinet Member in a column: no role is printed with them.
    assert roles_of("cabinet/2025-01-30/Appendix F List of Budget Templates.pdf") == ()
    # "Not Applicable" above "Responsible Officer for ..." in an EqIA is not a person.
    eqia = roles_of(
        "cabinet/2025-01-30/Item 7 - Supplementary - 24-00109 - Appendix B - EqIA Updated Jan 2025.pdf"
    )
    assert all(r.name != "Not Applicable" for r in eqia)
    # A Cabinet record of decision names a body, not a person, as its decision maker.
    assert all(r.role != "Decision maker" for r in roles_of("cabinet/2025-01-30/24-00096 - PRoD.pdf"))


VERBATIM_SAMPLE = [
    BUDGET_REPORT,
    EDUCATION_REPORT,
    RECORD_OF_DECISION,
    CABINET_MINUTES,
    "cabinet/2025-01-30/24-00108 - Finance Monitoring Report - Q3 - November 2024-25.pdf",
    "cabinet/2025-01-30/24-00109 - Transfer the 18-25 section of the Strengthening Independence Service - Report.pdf",
    "cabinet/2025-01-30/24-00115 - EqIA.pdf",
    "cabinet/2025-03-04/Cabinet QPR Q3 Cover.pdf",
    "full_council/2025-01-09/Devolution White Paper - County Council Report - FINAL.pdf",
    "full_council/2025-02-13/1 - Annex 1 - Labour Group Budget - covering report 2025.pdf",
    "full_council/2025-02-13/Printed minutes 13th-Feb-2025 09.30 County Council.pdf",
    "full_council/2025-02-13/Appendix G - Key Service Statement.pdf",
    "full_council/2025-03-13/Appendix 1.pdf",
    "full_council/2025-03-13/Appendix 3 - 24-00093 Decision Report.pdf",
    "full_council/2025-03-13/CPP Minutes 29.10.24.pdf",
    "full_council/2025-03-13/Final Kent CC Armed Forces Covenant - Annual Report 2024.pdf",
    "full_council/2025-03-13/Questions put and answers given - March 2025.pdf",
]


@pytest.mark.integration
def test_every_quote_is_verbatim_on_its_page() -> None:
    total = 0
    for file in VERBATIM_SAMPLE:
        pages = {p.number: p for p in kent_pages(file)}
        for role in roles_of(file):
            total += 1
            assert role.page in pages, (file, role)
            assert squash(role.quote) in squash(pages[role.page].text), (file, role)
            assert role.name in role.quote or role.name.split()[-1] in role.quote, (file, role)
            assert role.role and role.name and role.doc_id == meta(file).doc_id
    assert total > 100


# -- other councils' layouts --------------------------------------------------------------------


def _pairs(*lines: str) -> set[tuple[str, str]]:
    doc = Document(doc_id="d", file="d.pdf", title="d")
    roles = extract_roles(doc, [page(*lines)])
    for r in roles:
        assert squash(r.quote) in squash("\n".join(lines))
    return {(r.name, r.role) for r in roles}


@pytest.mark.unit
def test_cover_labels_of_other_templates() -> None:
    assert _pairs(
        "Report to Cabinet",
        "Cabinet Member for Finance: Cllr Jane Smith",
        "Decision taken by: Cllr Jane Smith, Leader of the Council",
        "Report Author: John Doe, Head of Planning Policy",
        "1. Purpose of the report",
    ) == {
        ("Cllr Jane Smith", "Cabinet Member for Finance"),
        ("Cllr Jane Smith", "Leader of the Council"),
        ("Cllr Jane Smith", "Decision maker"),
        ("John Doe", "Head of Planning Policy"),
        ("John Doe", "Report author"),
    }


@pytest.mark.unit
def test_from_lines_name_first_and_role_first() -> None:
    assert _pairs(
        "From: Leader of the Council; Jane Smith",
        "Corporate Director of Place, Alan Brown",
        "To: Cabinet – 3 March 2025",
        "Subject: Local Plan",
    ) == {("Jane Smith", "Leader of the Council"), ("Alan Brown", "Corporate Director of Place")}
    assert _pairs(
        "From: Jane Smith, Cabinet Member for Adult Social Care and",
        "Public Health",
        "To: Cabinet",
    ) == {("Jane Smith", "Cabinet Member for Adult Social Care and Public Health")}


@pytest.mark.unit
def test_attendance_and_chair() -> None:
    assert _pairs(
        "PRESENT: Councillor A Brown (in the Chair), Councillor C Green (Vice-Chair),",
        "Councillor D White and Councillor E Black",
        "IN ATTENDANCE: Mary Jones (Monitoring Officer)",
    ) == {
        ("Councillor A Brown", "Chair"),
        ("Councillor C Green", "Vice-Chair"),
        ("Mary Jones", "Monitoring Officer"),
    }


@pytest.mark.unit
def test_sentences_and_bodies_are_not_people() -> None:
    assert _pairs(
        "To minimise duplication of provision and to ensure that future specifications complimented the",
        "Following Mr Love (Cabinet Member for Education) the Committee (Labour Group) noted",
        "DECISION TO BE TAKEN BY:",
        "Cabinet",
        "Kent County Council (KCC) and Family Hubs (Millmead)",
    ) == {("Mr Love", "Cabinet Member for Education")}
