"""[ingest] What a paper is, read off the paper: titles and dates of real Kent County Council papers
(expected values written by hand from each first page), the five Somerset papers against their
manifest, sources.yaml, and meeting folders."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from core.errors import ConfigError
from ingest.clean import CleanPage, clean_pages
from ingest.metadata import (
    Source,
    date_from_pages,
    load_sources,
    meeting_from_path,
    parse_date,
    title_from_pages,
)
from ingest.pdf import read_pdf
from tests.conftest import CORPUS, shared

KENT = "realdocs/kent"
FALLBACK = "FILE NAME"


@cache
def kent_pages(relative: str) -> list[CleanPage]:
    """A Kent paper's pages exactly as ingest reads them."""
    return clean_pages(read_pdf(shared(f"{KENT}/{relative}")).pages)


def page(*lines: str, number: int = 1) -> CleanPage:
    return CleanPage(number=number, lines=tuple(lines))


# (file, title, date) read by hand from each paper's first page (and, for a record of decision,
# its signature; for a County Council summons, its second sheet).
KENT_PAPERS = [
    # a report cover: "Subject:" and "To: Cabinet – 30 January 2025"
    (
        "cabinet/2025-01-30/24-00096 - Commissioning Plan for Education Provision in Kent 2025-29 - Report.pdf",
        "Commissioning Plan for Education Provision in Kent 2025-29",
        "2025-01-30",
    ),
    # a report whose cover has "By ..." and "To Cabinet – 30 January 2025" with no colons
    (
        "cabinet/2025-01-30/24-00108 - Finance Monitoring Report - Q3 - November 2024-25.pdf",
        "Finance Monitoring Report As at November 2024-25 – Quarter 3",
        "2025-01-30",
    ),
    # a cover whose "To:" value is on the next line
    (
        "full_council/2025-03-13/Council Report Mid Year 24-25.pdf",
        "Treasury Management Mid-Year Update 2024-25",
        "2025-03-13",
    ),
    # an appendix: "Appendix H" above its heading
    (
        "cabinet/2025-01-30/Appendix H - Assessment of FInancial Resilience.pdf",
        "Appendix H: Assessment of Financial Resilience",
        None,
    ),
    # minutes of the County Council
    (
        "full_council/2025-02-13/Printed minutes 13th-Feb-2025 09.30 County Council.pdf",
        "Minutes of a meeting of the County Council held on Thursday, 13 February 2025",
        "2025-02-13",
    ),
    # Cabinet minutes, filed with the next meeting's papers: the date is the meeting's, not the folder's
    (
        "cabinet/2025-01-30/Minutes of the meeting held on 9th January 2025.pdf",
        "Minutes of a meeting of the Cabinet held on Thursday, 9 January 2025",
        "2025-01-09",
    ),
    # a panel's minutes, whose body and date are on the line above "MINUTES of the meeting held in ..."
    (
        "full_council/2025-03-13/CPP Minutes 10.12.24.pdf",
        "Minutes of the meeting of the Corporate Parenting Panel held on 10th December 2024",
        "2024-12-10",
    ),
    # a signed record of decision: its decision title and the date written at the signature
    (
        "full_council/2025-03-13/Appendix 4 - 24-00093 Record of Decision.pdf",
        "Commissioned Family Hub Contracts",
        "2025-01-17",
    ),
    # a proposed record of decision: not signed, so no date of its own
    (
        "cabinet/2025-01-30/24-00115 - PROD.pdf",
        "Adoption of the Integrated Care Strategy Delivery Plan",
        None,
    ),
    # a Cabinet agenda frontsheet
    (
        "cabinet/2025-01-30/Agenda frontsheet 30th-Jan-2025 10.00 Cabinet.pdf",
        "Agenda: Cabinet, Thursday, 30th January, 2025",
        "2025-01-30",
    ),
    # a County Council summons, whose cover leaves out the year
    (
        "full_council/2025-03-13/Agenda frontsheet 13th-Mar-2025 10.00 County Council.pdf",
        "Agenda: County Council, Thursday, 13th March, 2025",
        "2025-03-13",
    ),
    (
        "full_council/2025-01-09/Agenda frontsheet 09th-Jan-2025 10.00 County Council.pdf",
        "Agenda: County Council (extraordinary meeting), Thursday, 9th January, 2025",
        "2025-01-09",
    ),
    # a slide deck (its PDF metadata title is "PowerPoint Presentation")
    (
        "cabinet/2025-01-30/24-00115 - Appendix B - KCC ICS priorities measures.pdf",
        "Improving Health and Wellbeing ~ Kent County Council Priorities and Actions",
        None,
    ),
    # a budget amendment form
    (
        "full_council/2025-02-13/4 - Amendment - Liberal Democrats - Highway Asset Maintenance.pdf",
        "Highway Asset Maintenance Amendment",
        None,
    ),
    (
        "full_council/2025-02-13/8 - Amendment - Greens and Independents - CTRS.pdf",
        "Reversal – Termination of Support for Council Tax Reduction Schemes (CTRS) paid to Districts Amendment",
        None,
    ),
    # a policy statement (its PDF metadata title is "PAY BARGAINING")
    (
        "full_council/2025-03-13/County Council - Pay Policy Statement 2025-2026.pdf",
        "Pay Policy Statement 2025/26",
        "2025-03-13",
    ),
    # a policy appendix with a plain heading
    ("cabinet/2025-01-30/Appendix G - Reserves Policy.pdf", "Reserves Policy", None),
    # a budget table appendix with a heading
    (
        "full_council/2025-02-13/Appendix E - 2025-26 Budget by Directorate.pdf",
        "APPENDIX E - 2025-26 Proposed Budget by Directorate",
        None,
    ),
    # a budget table with no heading: its column headers are not a title, so the file name stands
    ("cabinet/2025-01-30/Appendix A Capital Investment Summary.pdf", FALLBACK, None),
    # the budget book: its title above a contents list
    (
        "full_council/2025-02-13/February 2025 Kent County Council Budget Report.pdf",
        "Draft Revenue Budget 2025-26 and 2025-28 MTFP, and Draft Capital Programme 2025-35",
        None,
    ),
    # a planning inspector's report: "Report to Kent County Council / by ..." above its subject
    (
        "cabinet/2025-03-04/APPENDIX A - Planning Inspectors Report on the Examination of the KMWLP 2024-39.pdf",
        "Report on the Examination of the Kent Minerals & Waste Local Plan 2024 - 2039",
        "2025-02-06",
    ),
    # a consultant's cover with a narrow title box and a numeric date under it
    (
        "full_council/2025-03-13/Appendix D - Kent Minerals and Waste Local Plan - Non-Technical summary.pdf",
        "Sustainability Appraisal Report Non-Technical Summary of the Kent Minerals and Waste Local Plan 2024-2039",
        "2025-02-21",
    ),
    # an equality impact assessment form
    (
        "cabinet/2025-01-30/24-00096 - EQIA.pdf",
        "EQIA: Commissioning Plan for Education Provision in Kent 2025-29",
        None,
    ),
    # a letter with a subject line, dated in its letterhead
    (
        "full_council/2025-03-13/Appendix 1.pdf",
        "Kent and Medway request to be included in Devolution Priority Programme",
        "2025-01-10",
    ),
    # a letter without one: its letterhead is not a title
    ("full_council/2025-03-13/Appendix 2.pdf", FALLBACK, "2025-02-05"),
    # questions and answers open on the first question: no title of their own
    ("full_council/2025-03-13/Questions put and answers given - March 2025.pdf", FALLBACK, None),
    # a motion under a dated meeting header
    (
        "full_council/2025-03-13/Green Independents Group - MTLD - 13 March.pdf",
        "Motion for Time Limited Debate – Addressing the Environmental and Social Harm of Disposable Vapes",
        "2025-03-13",
    ),
]


@pytest.mark.integration
@pytest.mark.parametrize(("file", "title", "date"), KENT_PAPERS, ids=[p[0] for p in KENT_PAPERS])
def test_title_and_date_of_kent_papers(file: str, title: str, date: str | None) -> None:
    pages = kent_pages(file)
    assert title_from_pages(pages, FALLBACK) == title
    assert date_from_pages(pages) == date


@pytest.mark.integration
def test_somerset_titles_match_their_manifest_and_printed_dates_their_dates() -> None:
    manifest = yaml.safe_load((CORPUS / "manifest.yaml").read_text())["documents"]
    assert len(manifest) == 5
    for entry in manifest:
        pages = clean_pages(read_pdf(CORPUS / entry["file"]).pages)
        assert title_from_pages(pages, FALLBACK) == entry["title"], entry["file"]
        printed = date_from_pages(pages)
        # Two of the five print no date at all; the others print exactly the manifest's.
        assert printed in (None, str(entry["date"])), entry["file"]
    dates = {
        e["file"][:4]: date_from_pages(clean_pages(read_pdf(CORPUS / e["file"]).pages)) for e in manifest
    }
    assert dates == {"2008": "2008-11-14", "2016": None, "2018": "2018-03", "2019": None, "2024": "2024-07"}


# -- rules on their own, with pages laid out as other councils print them -----------------------


@pytest.mark.unit
def test_report_cover_labels_of_other_templates() -> None:
    cover = [
        page(
            "Report to: Executive",
            "Date: 5 March 2025",
            "Title of report: Medium Term Financial Strategy",
            "2025/26 to 2027/28",
            "Report of: Chief Finance Officer",
            "1. Purpose of the report",
        )
    ]
    assert title_from_pages(cover, FALLBACK) == "Medium Term Financial Strategy 2025/26 to 2027/28"
    assert date_from_pages(cover) == "2025-03-05"


@pytest.mark.unit
def test_a_strategy_cover_dated_by_month_and_a_cover_dated_by_year() -> None:
    strategy = [page("Kent County Council", "Climate Emergency Action Plan", "January 2025", "Introduction")]
    assert title_from_pages(strategy, FALLBACK) == "Climate Emergency Action Plan"
    assert date_from_pages(strategy) == "2025-01"
    plan = [page("A Plan for Collaboration", "2019", "1. This is the second of three documents")]
    assert date_from_pages(plan) == "2019"


@pytest.mark.unit
def test_nothing_reliable_gives_the_fallback_and_no_date() -> None:
    assert title_from_pages([], FALLBACK) == FALLBACK
    assert title_from_pages([page(""), page("   ")], FALLBACK) == FALLBACK
    table = [page("1,200.5 300.0 12.1 -4.0", "2,001.0 1.0 2.0 3.0", "Total 3,201.5 301.0 14.1 -1.0")]
    assert title_from_pages(table, FALLBACK) == FALLBACK
    body = [page("The council agreed in 2019 that the budget for 2020 would rise by 3%, as set out below.")]
    assert title_from_pages(body, FALLBACK) == FALLBACK
    # a date in the body is about something else
    assert date_from_pages(body) is None


@pytest.mark.unit
def test_minutes_and_record_of_decision_of_another_council() -> None:
    minutes = [
        page(
            "SOMEWHERE DISTRICT COUNCIL",
            "Minutes of the meeting of the Planning Committee held at the Civic Centre on",
            "Tuesday, 4 February 2025.",
            "Present: Councillor A Brown (in the Chair)",
        )
    ]
    assert title_from_pages(minutes, FALLBACK) == (
        "Minutes of the meeting of the Planning Committee held on Tuesday, 4 February 2025"
    )
    assert date_from_pages(minutes) == "2025-02-04"
    decision = [
        page("RECORD OF DECISION", "Decision title: Parking charges review", "Decision: to agree"),
        page("Reasons ...", "4/3/2025", ".......... signed   date", number=2),
    ]
    assert title_from_pages(decision, FALLBACK) == "Parking charges review"
    assert date_from_pages(decision) == "2025-03-04"


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Thursday, 30th January, 2025, at 10.00 am", "2025-01-30"),
        ("To: Cabinet – 30 January 2025", "2025-01-30"),
        ("17/1/2025", "2025-01-17"),
        ("21.02.2025", "2025-02-21"),
        ("12 -15 March 2018", "2018-03"),  # a range: only the month is certain
        ("July 2024", "2024-07"),
        ("As at November 2024-25", "2024-11"),
        ("2025-01-30", "2025-01-30"),
        ("31 February 2025", None),
        ("Quarter 3 2024/25", None),
    ],
)
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


# -- sources.yaml -------------------------------------------------------------------------------


@pytest.mark.integration
def test_load_sources_reads_every_kent_entry() -> None:
    corpus = shared(KENT)
    sources = load_sources(corpus)
    assert len(sources) == 128
    on_disk = {p.relative_to(corpus).as_posix() for p in corpus.rglob("*.pdf")}
    assert set(sources) == on_disk
    report = sources[
        "cabinet/2025-01-30/24-00096 - Commissioning Plan for Education Provision in Kent 2025-29 - Report.pdf"
    ]
    assert report == Source(
        file=report.file,
        committee="cabinet",
        meeting_date="2025-01-30",
        category="report",
        source_url=report.source_url,
    )
    assert report.source_url and report.source_url.startswith("https://democracy.kent.gov.uk/documents/")
    # The folder layout says the same committee and meeting as the file, for every paper.
    for rel, source in sources.items():
        assert meeting_from_path(rel) == (source.committee, source.meeting_date), rel
    assert sum(s.category is None for s in sources.values()) > 0  # categories may be left blank


@pytest.mark.unit
def test_load_sources_without_a_file_is_empty(tmp_path: Path) -> None:
    assert load_sources(tmp_path) == {}


@pytest.mark.unit
def test_load_sources_accepts_an_unquoted_date(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(
        "documents:\n- file: cabinet/2025-01-30/a.pdf\n  committee: cabinet\n  meeting_date: 2025-01-30\n"
    )
    assert load_sources(tmp_path) == {
        "cabinet/2025-01-30/a.pdf": Source("cabinet/2025-01-30/a.pdf", "cabinet", "2025-01-30", None, None)
    }


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("documents: [file: a.pdf\n", "not valid YAML"),
        ("documents:\n- file: a.pdf\n- committee: cabinet\n", "documents[1] has no 'file'"),
        ("documents:\n- file: a.pdf\n  meeting_date: 30/01/2025\n", "documents[0] (a.pdf): meeting_date"),
        (
            "documents:\n- file: a.pdf\n  comittee: cabinet\n",
            "documents[0] (a.pdf): unknown keys ['comittee']",
        ),
        ("documents:\n- file: a.pdf\n- file: a.pdf\n", "documents[1] (a.pdf): the file is listed twice"),
        ("documents:\n- just a string\n", "documents[0] is not a mapping"),
        ("- file: a.pdf\n", "expected a mapping"),
    ],
)
def test_a_malformed_sources_file_names_the_file_and_entry(tmp_path: Path, text: str, names: str) -> None:
    (tmp_path / "sources.yaml").write_text(text)
    with pytest.raises(ConfigError) as info:
        load_sources(tmp_path)
    assert str(tmp_path / "sources.yaml") in info.value.message
    assert names in info.value.message


# -- meeting folders ----------------------------------------------------------------------------


@pytest.mark.unit
@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        ("cabinet/2025-01-30/24-00096 - PRoD.pdf", ("cabinet", "2025-01-30")),
        ("full_council/2025_02_13/Budget.pdf", ("full council", "2025-02-13")),
        ("planning/30-01-2025/report.pdf", ("planning", "2025-01-30")),
        ("planning/30.01.2025/report.pdf", ("planning", "2025-01-30")),
        ("planning/20250130/report.pdf", ("planning", "2025-01-30")),
        ("kent/cabinet/2025-01-30/report.pdf", ("cabinet", "2025-01-30")),
        ("cabinet\\2025-01-30\\report.pdf", ("cabinet", "2025-01-30")),
        ("report.pdf", (None, None)),
        ("cabinet/report.pdf", (None, None)),
        ("2025-01-30/report.pdf", (None, None)),
        ("cabinet/2025-13-45/report.pdf", (None, None)),
        ("cabinet/minutes/report.pdf", (None, None)),
        ("2025/2025-01-30/report.pdf", (None, None)),
    ],
)
def test_meeting_from_path(relative: str, expected: tuple[str | None, str | None]) -> None:
    assert meeting_from_path(relative) == expected
