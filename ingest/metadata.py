"""What a council paper is, read from the paper itself: its title, its own date, and the committee and
meeting it was filed under.

Why this exists: the metadata inside council PDFs is boilerplate left by a template ("THE REPORT",
"PowerPoint Presentation", "Minutes", "Agenda Template") and its dates are when a file was last saved,
so neither can be shown to a reader. A folder of meeting papers also comes without a hand-written
manifest. ModernGov papers, though, print what they are in a few stable conventions, and these
functions read those conventions:

- a report cover: "From:" / "To: Cabinet – 30 January 2025" / "Subject: ..." (or "Title of report:");
- minutes: "MINUTES of a meeting of the Cabinet held in ... on Thursday, 9 January 2025";
- a record of decision: "RECORD OF DECISION" ... "Title of Decision: ..." and the signed date;
- an agenda frontsheet: "AGENDA" / "CABINET" / "Thursday, 30th January, 2025", or a County Council
  summons ("A meeting of the County Council will be held ... on Thursday, 13th March, 2025");
- forms: "Amendment Name: ...", "EQIA Title ...", "Title: ...";
- anything else: the heading at the top of its first page ("Treasury Management Strategy"), or the
  title on a cover or slide ("Improving Health and Wellbeing ~ Kent County Council Priorities ...").

Nothing here knows a particular council, person or file: the rules are printed shapes. Every function
but `load_sources` is pure; `fallback` (a title made from the file name) is returned whenever the page
gives nothing reliable, because a plain file name is better than a wrong title.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from core.errors import ConfigError
from core.text import squash
from ingest.clean import CleanPage

SOURCES_FILE = "sources.yaml"


# -- sources.yaml -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One entry of a sources.yaml beside the corpus."""

    file: str  # path relative to the corpus folder, '/'-separated
    committee: str | None
    meeting_date: str | None  # ISO YYYY-MM-DD
    category: str | None  # report, appendix, minutes, amendment, agenda frontsheet, ...
    source_url: str | None


_SOURCE_KEYS = ("file", "committee", "meeting_date", "category", "source_url")


def _optional_text(value: object, where: str, key: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str | int | float):
        return str(value)
    raise ConfigError(f"{where}: '{key}' must be text, not {type(value).__name__}")


def _iso_day(value: object, where: str) -> str | None:
    """A meeting date as ISO text; YAML reads an unquoted 2025-01-30 as a date, a quoted one as text."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise ConfigError(f"{where}: meeting_date {text!r} is not an ISO date (YYYY-MM-DD)") from None


def load_sources(corpus_dir: Path) -> dict[str, Source]:
    """The entries of `corpus_dir/sources.yaml` keyed by their relative file path; {} without one.

    The file says where each paper came from (committee, meeting, category, public URL). A malformed
    file is a configuration error that names the file and the entry, so it is fixed rather than
    half-read.
    """
    path = Path(corpus_dir) / SOURCES_FILE
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from exc
    if data is None:
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("documents", []), list):
        raise ConfigError(f"{path}: expected a mapping with a 'documents' list")
    out: dict[str, Source] = {}
    for i, entry in enumerate(data.get("documents") or []):
        where = f"{path}: documents[{i}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where} is not a mapping")
        file = entry.get("file")
        if not isinstance(file, str) or not file.strip():
            raise ConfigError(f"{where} has no 'file'")
        file = file.strip().replace("\\", "/").removeprefix("./")
        where = f"{where} ({file})"
        unknown = sorted(set(entry) - set(_SOURCE_KEYS))
        if unknown:
            raise ConfigError(f"{where}: unknown keys {unknown}; expected {list(_SOURCE_KEYS)}")
        if file in out:
            raise ConfigError(f"{where}: the file is listed twice")
        out[file] = Source(
            file=file,
            committee=_optional_text(entry.get("committee"), where, "committee"),
            meeting_date=_iso_day(entry.get("meeting_date"), where),
            category=_optional_text(entry.get("category"), where, "category"),
            source_url=_optional_text(entry.get("source_url"), where, "source_url"),
        )
    return out


# -- meeting from a folder layout ---------------------------------------------------------------

# A meeting folder's name: 2025-01-30, 2025_01_30, 20250130 (year first) or 30-01-2025, 30_01_2025,
# 30.01.2025 (day first, the British order).
_FOLDER_YEAR_FIRST = re.compile(r"^(?P<y>\d{4})[-_.]?(?P<m>\d{2})[-_.]?(?P<d>\d{2})$")
_FOLDER_DAY_FIRST = re.compile(r"^(?P<d>\d{1,2})[-_.](?P<m>\d{1,2})[-_.](?P<y>\d{4})$")


def _folder_date(name: str) -> str | None:
    m = _FOLDER_YEAR_FIRST.match(name) or _FOLDER_DAY_FIRST.match(name)
    if not m:
        return None
    try:
        return dt.date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat()
    except ValueError:
        return None


def meeting_from_path(relative: str) -> tuple[str | None, str | None]:
    """Committee and ISO meeting date from '<committee>/<YYYY-MM-DD>/<file>.pdf'; (None, None) otherwise.

    Papers downloaded from a ModernGov site are naturally filed by committee and meeting; this reads
    that layout back, so a corpus needs no manifest to say which meeting a paper belongs to. A folder
    name spells spaces with underscores ("full_council" is the committee "full council").
    """
    parts = [p for p in relative.replace("\\", "/").split("/") if p not in ("", ".")]
    if len(parts) < 3:
        return None, None
    committee, folder = parts[-3], parts[-2]
    day = _folder_date(folder)
    if day is None or not re.search(r"[A-Za-z]", committee):
        return None, None  # a year folder ("2025/2025-01-30/...") names no committee
    return committee.replace("_", " ").strip(), day


# -- dates as printed ---------------------------------------------------------------------------

_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_YEAR = r"(?:19|20)\d\d"
# "Thursday, 30th January, 2025", "9 January 2025", "12 -15 March 2018" (a range: only the month is sure).
_DAY_MONTH_YEAR = re.compile(
    rf"\b(?:{_WEEKDAY},?\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?P<range>\s*[-–]\s*\d{{1,2}}(?:st|nd|rd|th)?)?"
    rf"\s+(?P<month>{_MONTH})\.?,?\s+(?P<year>{_YEAR})\b",
    re.IGNORECASE,
)
# "17/1/2025" or "21.02.2025": day first, as British papers print it.
_NUMERIC_DATE = re.compile(
    rf"(?<![\d/.])(?P<day>\d{{1,2}})[/.](?P<month>\d{{1,2}})[/.](?P<year>{_YEAR})(?![\d/])"
)
# "January 2025" on a strategy's cover: the month is all that is printed.
_MONTH_YEAR = re.compile(rf"\b(?P<month>{_MONTH})\.?,?\s+(?P<year>{_YEAR})\b", re.IGNORECASE)
# The same with a financial year after it ("November 2024-25"), to blank out of a heading line.
_MONTH_YEAR_SPAN = re.compile(
    rf"\b{_MONTH}\.?,?\s+{_YEAR}(?:\s*[-/]\s*\d{{2}}(?:\d{{2}})?)?\b", re.IGNORECASE
)
# "2025-01-30" as some templates print it.
_ISO_DATE = re.compile(rf"\b(?P<year>{_YEAR})-(?P<month>\d{{2}})-(?P<day>\d{{2}})\b")
# A year on a line of its own, on a cover.
_YEAR_LINE = re.compile(rf"^\s*(?P<year>{_YEAR})\s*$")


def _day_iso(year: str, month: int, day: str | int) -> str | None:
    try:
        return dt.date(int(year), month, int(day)).isoformat()
    except ValueError:
        return None


def parse_date(text: str) -> str | None:
    """The first date printed in `text` as ISO: 'YYYY-MM-DD', or 'YYYY-MM' when no day is printed."""
    found: list[tuple[int, str]] = []
    m = _DAY_MONTH_YEAR.search(text)
    if m:
        month = _MONTHS[m["month"].lower()]
        iso = f"{m['year']}-{month:02d}" if m["range"] else _day_iso(m["year"], month, m["day"])
        if iso:
            found.append((m.start(), iso))
    m2 = _NUMERIC_DATE.search(text)
    if m2:
        iso = _day_iso(m2["year"], int(m2["month"]), m2["day"])
        if iso:
            found.append((m2.start(), iso))
    m3 = _ISO_DATE.search(text)
    if m3:
        iso = _day_iso(m3["year"], int(m3["month"]), m3["day"])
        if iso:
            found.append((m3.start(), iso))
    if found:
        return min(found)[1]
    if m:
        return None  # "31 February 2025": a day that does not exist is not a month either
    m4 = _MONTH_YEAR.search(text)
    if m4:
        return f"{m4['year']}-{_MONTHS[m4['month'].lower()]:02d}"
    return None


def _is_date_only(line: str) -> bool:
    """A line that is nothing but a date ("06 February 2025", "July 2024", "21/02/2025")."""
    s = line.strip().strip(",.")
    return any(rx.fullmatch(s) for rx in (_DAY_MONTH_YEAR, _NUMERIC_DATE, _MONTH_YEAR, _ISO_DATE))


def _ends_with_date(line: str) -> bool:
    s = line.strip().rstrip(",.")
    return any(
        (m := rx.search(s)) is not None and m.end() == len(s)
        for rx in (_DAY_MONTH_YEAR, _NUMERIC_DATE, _MONTH_YEAR, _ISO_DATE)
    )


# -- shapes shared by title and date ------------------------------------------------------------

_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}


def _title_case(text: str) -> str:
    """'CORPORATE PARENTING PANEL' -> 'Corporate Parenting Panel'; mixed-case text is left as printed."""
    if text != text.upper():
        return text
    words = text.lower().split()
    return " ".join(w if i and w in _SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words))


def _text_pages(pages: list[CleanPage]) -> list[CleanPage]:
    """Pages with text on them; a cover or a blank verso carries no lines."""
    return [p for p in pages if p.text.strip()]


def _lines(page: CleanPage) -> list[str]:
    return [squash(line) for line in page.lines if line.strip()]


def _clean_title(text: str) -> str:
    return squash(text).strip(" .,;:–-")


# Minutes open with "MINUTES of a meeting of the Cabinet held in <place> on Thursday, 9 January 2025";
# a panel's minutes may name the body and date on the line above instead ("PANEL – 10th December 2024").
_MINUTES = re.compile(
    r"^(?i:minutes) of (?P<art>an?|the) (?:(?P<kind>extraordinary|special|annual|budget) )?meeting"
    r"(?: of (?P<body>(?:the )?[A-Z].*?))?\s+held\b(?P<rest>.*)$"
)
_MINUTES_ON = re.compile(
    rf"\bon\s+(?P<date>(?:{_WEEKDAY},?\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+{_YEAR})"
)
# The heading line above such minutes: "CORPORATE PARENTING PANEL – 10th December 2024".
_BODY_DATE_LINE = re.compile(r"^(?P<body>[A-Z][A-Za-z&,' ]+?)\s*[–—-]\s*(?P<date>.+)$")
_MINUTES_WITHIN = 8  # the minutes sentence opens the first page


def _minutes_heading(page: CleanPage) -> tuple[str, str | None] | None:
    """(title, printed date) of minutes, or None when the page does not open as minutes."""
    lines = _lines(page)
    for i, line in enumerate(lines[:_MINUTES_WITHIN]):
        if not re.match(r"^(?i:minutes) of ", line):
            continue
        sentence = " ".join(lines[i : i + 4])
        sentence = sentence.split(". ")[0]
        m = _MINUTES.match(sentence)
        if not m:
            return None
        body = m["body"]
        when = _MINUTES_ON.search(m["rest"] or "")
        date_text = when["date"] if when else None
        if (body is None or date_text is None) and i > 0:
            above = _BODY_DATE_LINE.match(lines[i - 1])
            if above and parse_date(above["date"]):
                body = body or "the " + _title_case(above["body"].strip())
                date_text = date_text or above["date"].strip()
        kind = f"{m['kind'].lower()} " if m["kind"] else ""
        title = f"Minutes of {m['art']} {kind}meeting"
        if body:
            title += f" of {_title_case(body.strip())}"
        if date_text:
            title += f" held on {date_text.strip(' ,.')}"
        return title, date_text
    return None


# A record of decision says so at the top ("KENT COUNTY COUNCIL – PROPOSED RECORD OF DECISION").
_DECISION_HEADING = re.compile(r"\bRECORD OF (?:EXECUTIVE )?DECISION\b", re.IGNORECASE)
# Its title field: "Subject Matter / Title of Decision: ...", "Title of Decision:", "Decision title:".
_DECISION_TITLE = re.compile(
    r"^(?:Subject Matter\s*/\s*)?(?:Title of (?:the )?Decision|Decision Title|Subject Matter)\s*:?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
# What ends it: the decision itself, or the reasons.
_DECISION_END = re.compile(r"^(?:Decision\b|Reasons?\b|Background\b|Key decision\b)", re.IGNORECASE)
# "........ signed   date" closes a signed record; the date is written just above or on that line.
_SIGNED_LINE = re.compile(r"\bsigned\s+date\s*$", re.IGNORECASE)


def _is_decision_record(page: CleanPage) -> bool:
    return any(_DECISION_HEADING.search(line) for line in _lines(page)[:3])


def _decision_title(page: CleanPage) -> str | None:
    lines = _lines(page)
    for i, line in enumerate(lines):
        m = _DECISION_TITLE.match(line)
        if not m:
            continue
        parts = [m["rest"]] if m["rest"] else []
        for nxt in lines[i + 1 : i + 6]:
            if _DECISION_END.match(nxt):
                break
            parts.append(nxt)
        title = _clean_title(" ".join(parts))
        return title or None
    return None


def _signed_date(pages: list[CleanPage]) -> str | None:
    """The date written at a record's signature, looked for from the last page back."""
    for page in reversed(pages):
        lines = _lines(page)
        for i, line in enumerate(lines):
            if _SIGNED_LINE.search(line):
                for near in reversed(lines[max(0, i - 3) : i + 1]):
                    found = parse_date(near)
                    if found:
                        return found
                return None
    return None


# An agenda frontsheet: "AGENDA" on its own line, then the committee, then the meeting's day.
_AGENDA_WORD = re.compile(r"^(?:AGENDA|Agenda)$")
# A council summons: "Summons to and Agenda for a Meeting on ..." and, a page on, "A meeting of the
# County Council will be held in <place> on Thursday, 13th March, 2025 at 10.00 am".
_SUMMONS = re.compile(r"\bAgenda for\b", re.IGNORECASE)
_WILL_BE_HELD = re.compile(
    r"\b(?:An?|The) (?:(?P<kind>extraordinary|special|annual) )?meeting of the (?P<body>[A-Z][\w&' ]+?)"
    rf" will be held\b.*?\bon (?P<date>(?:{_WEEKDAY},?\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+{_YEAR})",
    re.IGNORECASE,
)
_AGENDA_PAGES = 4  # a summons names the meeting in full on its second sheet


def _agenda_heading(pages: list[CleanPage]) -> tuple[str, str] | None:
    """(title, printed meeting date) of an agenda frontsheet, or None."""
    first = _lines(pages[0])
    for i, line in enumerate(first[:3]):
        if not _AGENDA_WORD.match(line):
            continue
        body = first[i + 1] if i + 1 < len(first) else ""
        if not body or parse_date(body):
            break
        for nxt in first[i + 2 : i + 5]:
            m = _DAY_MONTH_YEAR.search(nxt)
            if m:
                when = m.group(0).strip(" ,")
                return f"Agenda: {_title_case(body)}, {when}", when
        break
    head = " ".join(first[:8])
    if not _SUMMONS.search(head):
        return None
    for page in pages[:_AGENDA_PAGES]:
        m = _WILL_BE_HELD.search(" ".join(_lines(page)))
        if m:
            kind = f" ({m['kind'].lower()} meeting)" if m["kind"] else ""
            when = m["date"].strip(" ,")
            return f"Agenda: {_title_case(m['body'].strip())}{kind}, {when}", when
    return None


# A report cover's labelled lines. The title: "Subject:", "Title of report:", "Report title:", "Re:".
_SUBJECT = re.compile(
    r"^(?:Subject|Title of (?:the )?report|Report title|Re)\s*:\s*(?P<rest>.*)$", re.IGNORECASE
)
# A form's title field: "Title:", "EQIA Title", "1. Name of Activity (EQIA Title): ...".
_FORM_TITLE = re.compile(
    r"^(?:\d+\.\s*)?(?:Name of [A-Za-z ]+\()?(?P<form>[A-Z]{2,6}\s+)?Title\)?\s*:?\s*(?P<rest>.*)$"
)
# Any other cover label ("Classification:", "Decision no:", "Past Pathway of report:") ends a value;
# so do the unlabelled parts of a cover.
_LABEL = re.compile(r"^[A-Z][A-Za-z ()/'’-]{1,40}\s*:(?:\s|$)")
_COVER_WORDS = re.compile(
    r"^(?:Classification|Summary|Recommendations?|Status|Decision|Key decision|Past Pathway|Future Pathway|"
    r"Previous Pathway|Electoral Divisions?|Wards?|Purpose|Exempt|Appendices|Background|Introduction|"
    r"Project ID|Type of Activity|Responsible Officer|Section [A-Z0-9])\b",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^\(?\d{1,2}(?:\.\d+)*[.)]?\s")
_COVER_WITHIN = 40  # labels are at the top of a cover


_VALUE_LINE_MAX = 75  # a cover's value column is narrow; a longer line is the body below it


def _label_value(lines: list[str], i: int, rest: str) -> str | None:
    """A label's value: the rest of its line and the lines that continue it (wrapped in the value column)."""
    parts = [rest] if rest else []
    for nxt in lines[i + 1 : i + 5]:
        if _LABEL.match(nxt) or _COVER_WORDS.match(nxt) or _NUMBERED.match(nxt):
            break
        wrapped = bool(parts) and (
            _CONNECTOR_END.search(parts[-1]) is not None or _CONTINUES.match(nxt) is not None
        )
        if parts and not wrapped and not (_is_heading_line(nxt) and len(nxt) <= _VALUE_LINE_MAX):
            break
        parts.append(nxt)
    value = _clean_title(" ".join(parts))
    return value or None


def _subject_title(page: CleanPage) -> str | None:
    lines = _lines(page)
    for i, line in enumerate(lines[:_COVER_WITHIN]):
        m = _SUBJECT.match(line)
        if m:
            return _label_value(lines, i, m["rest"])
    return None


def _form_title(page: CleanPage) -> str | None:
    """A form's title field, named after the form ("EQIA: ...") when the form names itself."""
    lines = _lines(page)
    first_word = lines[0].split()[0] if lines else ""
    for i, line in enumerate(lines[:_COVER_WITHIN]):
        m = _FORM_TITLE.match(line)
        if not m:
            continue
        value = _label_value(lines, i, m["rest"])
        if not value:
            return None
        form = (m["form"] or "").strip()
        if not form and re.fullmatch(r"[A-Z]{2,6}", first_word):
            form = first_word
        return f"{form}: {value}" if form else value
    return None


# A budget amendment form: "Amendment Name: <name>" ... "Amendment Number: 4". The printed label
# word "Amendment" lands on the name's line, which reads naturally ("Highway Asset Maintenance Amendment").
_FORM_NAME = re.compile(r"^Name:\s*(?P<rest>.*)$")
_FORM_NUMBER = re.compile(r"^Number:\s*\S")


def _amendment_title(page: CleanPage) -> str | None:
    lines = _lines(page)
    if not lines or "amendment" not in " ".join(lines[:3]).lower():
        return None
    for i, line in enumerate(lines[:10]):
        m = _FORM_NAME.match(line)
        if not m:
            continue
        parts = [m["rest"]] if m["rest"] else []
        for nxt in lines[i + 1 : i + 6]:
            if _FORM_NUMBER.match(nxt):
                title = _clean_title(" ".join(parts))
                return title or None
            parts.append(nxt)
        return None
    return None


# A compilation of questions and answers opens on its first question; it has no title of its own.
_QUESTION = re.compile(r"^Question (?:by|from|to) [A-Z]")
# A planning inspector's report: "Report to <council> by <inspector>" on top, its subject lower down.
_INSPECTOR_SUBJECT = re.compile(r"^Report on the Examination of\b")


# -- the heading at the top of a first page -----------------------------------------------------

_DEAR = re.compile(r"^Dear\b")  # a letter's salutation
_HEADING_MAX_CHARS = 110  # longer lines are body text
_HEADING_MAX_LINES = 8
_TITLE_MAX_CHARS = 180
_LONG_LINE = 45  # a heading line this long probably wrapped: the next line continues it
_LONG_APPENDIX_LINE = 65
_SHORT_LINE = 40  # two short heading lines in a row are a cover's narrow title box
# Lines that mark a document's status, not its title.
_STATUS = re.compile(
    r"^(?:DRAFT(?: VERSION)?|FINAL|OFFICIAL(?:[- ]SENSITIVE)?|UNRESTRICTED|RESTRICTED|CONFIDENTIAL|EXEMPT|"
    r"NOT PROTECTIVELY MARKED|FOR PUBLICATION|PUBLIC)$",
    re.IGNORECASE,
)
# The council's own name on a line of its own, above the real heading.
_ORG_LINE = re.compile(
    r"^(?:The )?(?:[A-Z][\w&'’-]*\s+){0,4}(?:County |District |Borough |City |Town |Parish )?Council$",
    re.IGNORECASE,
)
# Section headings that begin the body.
_SECTION_WORD = re.compile(
    r"^(?:Introduction|Summary|Executive Summary|Contents|Table of Contents|Background|Purpose|Foreword|"
    r"Section|Agenda|Recommendations?|Overview|Context)(?:\s+(?:Page|Pages|No\.?))?$",
    re.IGNORECASE,
)
# Who wrote or commissioned it, printed under a title ("Prepared by ...", "Report for ...", "by J Smith").
_BYLINE = re.compile(
    r"^(?:(?:Prepared|Produced|Written|Published|Report|Presented|Proposed|Seconded|Moved)\s+(?:for|by|to)\b|by\s)",
    re.IGNORECASE,
)
# An agenda item's marker starts the body of a paper that quotes minutes ("Item 6 – ...").
_ITEM = re.compile(r"^Item\s+\d+\b", re.IGNORECASE)
_CONTACT = re.compile(r"@|www\.|https?://|\b0\d{3,4}\s?\d{3}\s?\d{3,4}\b|\|")
_APPENDIX = re.compile(r"^(?:Appendix|Annex|Annexe|Schedule)\s+[A-Z0-9]{1,3}\b", re.IGNORECASE)
_APPENDIX_ONLY = re.compile(r"^(?:Appendix|Annex|Annexe|Schedule)\s+[A-Z0-9]{1,3}[.:]?$", re.IGNORECASE)
_CONNECTOR_END = re.compile(
    r"(?:\b(?:and|or|of|for|the|to|in|on|with|from|at|a|an)|[,&~:;–—-])$", re.IGNORECASE
)
_CONTINUES = re.compile(r"^(?:[a-z]|and\b|&|\()")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


# A cell of a table row: an amount, a percentage, a year range ("2025-26").
_NUMBER_TOKEN = re.compile(r"[-+(£]*\d[\d.,/%-]*[)%kmsbn'’]*,?")
# A year or financial year printed alone under a title ("2024/25").
_YEAR_ONLY = re.compile(rf"^{_YEAR}(?:\s*[/-]\s*\d{{2}}(?:\d{{2}})?)?$")
# A table's column header: "£000s", "(£m)".
_MONEY_HEADER = re.compile(r"£0{3}|£k\b|£m\b|\(£")


def _numeric_share(line: str) -> float:
    """How much of a line is numbers, not counting a printed date ("TMG 14 November 2024" is words)."""
    tokens = _undated(line).split()
    tokens = [t for t in tokens if re.search(r"\w", t)]
    if not tokens:
        return 0.0
    return sum(bool(_NUMBER_TOKEN.fullmatch(t)) for t in tokens) / len(tokens)


def _undated(text: str) -> str:
    """`text` without its printed dates (a financial year after a month goes with it: "November 2024-25")."""
    for rx in (_DAY_MONTH_YEAR, _NUMERIC_DATE, _MONTH_YEAR_SPAN):
        text = rx.sub(" ", text)
    return text


_YEARISH = re.compile(rf"{_YEAR}(?:[-/]\d{{2}}(?:\d{{2}})?)?,?")


def _is_table_row(line: str) -> bool:
    """A row of figures. Years do not count: titles carry them ("Local Plan 2024 - 2039")."""
    tokens = [t for t in _undated(line).split() if re.search(r"\w", t)]
    figures = sum(bool(_NUMBER_TOKEN.fullmatch(t)) and not _YEARISH.fullmatch(t) for t in tokens)
    return len(tokens) > 3 and figures / len(tokens) > 0.3


def _is_heading_line(line: str) -> bool:
    """A line that may belong to a title: short, capitalised like a title, not a sentence or table row."""
    if _YEAR_ONLY.match(line):
        return True
    if len(line) > _HEADING_MAX_CHARS or _CONTACT.search(line) or line.endswith("."):
        return False
    if _is_table_row(line) or _numeric_share(line) >= 1 or _MONEY_HEADER.search(line):
        return False
    if _NUMBERED.match(line) or _SECTION_WORD.match(line) or _ITEM.match(line):
        return False
    if _BYLINE.match(line) or line.startswith(("•", "-", "*", "▪")):
        return False
    if _LABEL.match(line) and not _APPENDIX.match(line):
        return False
    words = [w for w in _WORD.findall(line) if len(w) >= 4]
    if not words:
        return bool(_WORD.search(line)) or bool(re.fullmatch(r"\d{4}", line))
    capitalised = sum(w[0].isupper() for w in words) / len(words)
    return capitalised >= 0.5


def _repeats(block: list[str], line: str) -> bool:
    """The heading printed again under itself (running title, title box and first line)."""
    seen = {w.lower() for w in _WORD.findall(" ".join(block))}
    words = [w.lower() for w in _WORD.findall(line)]
    return bool(words) and sum(w in seen for w in words) / len(words) >= 0.8


def _joins(cur: str, nxt: str) -> bool:
    """Whether `nxt` continues the heading line `cur` rather than starting something else."""
    if _is_date_only(nxt) and not re.search(r"[\d–—-]$", cur):
        return False  # a date printed under a title ("January 2025") is not part of it
    if _APPENDIX_ONLY.match(cur):
        return True
    if _CONNECTOR_END.search(cur) or _CONTINUES.match(nxt):
        return True
    if _APPENDIX.match(cur):
        return len(cur) >= _LONG_APPENDIX_LINE
    return len(cur) >= _LONG_LINE or (len(cur) < _SHORT_LINE and len(nxt) < _LONG_LINE + 15)


def _join(text: str, line: str, after_label: bool) -> str:
    if after_label:
        return f"{text.rstrip(':.')}: {line}"
    if re.search(r"\d-$", text) and line[:1].isdigit():
        return text + line
    return f"{text} {line}"


def _heading_blocks(lines: list[str]) -> list[str]:
    """Titles printed at the top of a page, in order. A dated line ("TMG 14 November 2024") is a block
    of its own; any other complete heading ends the search, because what follows it is something else
    (a table's header, a subtitle, the body)."""
    blocks: list[str] = []
    block: list[str] = []
    text = ""
    for line in lines[:20]:
        if (
            not block
            and not blocks
            and (_STATUS.match(line) or _ORG_LINE.match(line) or _CONTACT.search(line))
        ):
            continue
        if _STATUS.match(line):
            break
        if not _is_heading_line(line):
            if block or blocks or len(line) >= _SHORT_LINE or _is_table_row(line):
                break
            continue
        if block:
            if _repeats(block, line):
                break
            dated = _ends_with_date(block[-1])
            if dated or not _joins(block[-1], line) or len(block) >= _HEADING_MAX_LINES:
                blocks.append(text)
                block, text = [], ""
                if not dated:
                    return blocks
        text = _join(text, line, _APPENDIX_ONLY.match(block[-1]) is not None) if block else line
        block.append(line)
        if len(text) > _TITLE_MAX_CHARS:
            break
    if text:
        blocks.append(text)
    return blocks


_TABLE_PAGE_LINES = 12


_TABLE_PAGE_ROWS = 3


def _is_table_page(lines: list[str]) -> bool:
    """A page that opens with a table: its first short lines are column headers, not a title.

    Told by rows of several numbers ("Adult Case Management 40.7 42.6 1.9") or by column headers
    broken onto lines of their own ("£000's", "2026-27"); a contents list's single page numbers are
    not enough."""
    rows = 0
    for line in lines[:_TABLE_PAGE_LINES]:
        tokens = [t for t in _undated(line).split() if re.search(r"\w", t)]
        numbers = sum(bool(_NUMBER_TOKEN.fullmatch(t)) for t in tokens)
        if tokens and (numbers == len(tokens) or (numbers >= 3 and numbers / len(tokens) > 0.3)):
            rows += 1
    return rows >= _TABLE_PAGE_ROWS


def _undated_words(text: str) -> int:
    return len(_WORD.findall(_undated(text)))


def _generic_heading(page: CleanPage) -> str | None:
    """The heading at the top of a page, when it looks like a title rather than a table's header, a
    letterhead or a running header."""
    lines = _lines(page)
    if any(_DEAR.match(line) for line in lines[:40]):
        return None  # a letter: what is at the top is the sender's letterhead
    for i, line in enumerate(lines[:30]):
        if _INSPECTOR_SUBJECT.match(line):
            lines = lines[i:]
            break
    blocks = [_clean_title(b) for b in _heading_blocks(lines)]
    blocks = [b for b in blocks if b]
    if not blocks:
        return None
    # A dated line above the title is a header ("County Council Meeting - 13th March 2025"), not the
    # title; alone, it is the title only when it says more than a name ("TMG 14 November 2024" does not).
    undated = [b for b in blocks if not _ends_with_date(b)]
    title = undated[0] if undated else blocks[0]
    if not undated and _undated_words(title) < 3:
        return None
    if len(title) > _TITLE_MAX_CHARS or len(_WORD.findall(title)) < 2:
        return None
    if _is_table_page(lines) and not _APPENDIX.match(title):
        return None
    return title


def title_from_pages(pages: list[CleanPage], fallback: str) -> str:
    """The document's title as printed on its first page(s); `fallback` when nothing reliable is found.

    Tried in order, most specific first: minutes, record of decision, agenda frontsheet, a report
    cover's subject line, a budget amendment form, a form's title field, then the heading at the top
    of the first page. Never PDF metadata: council templates leave it wrong.
    """
    text_pages = _text_pages(pages)
    if not text_pages:
        return fallback
    first = text_pages[0]
    lines = _lines(first)
    if lines and _QUESTION.match(lines[0]):
        return fallback
    minutes = _minutes_heading(first)
    if minutes:
        return minutes[0]
    if _is_decision_record(first):
        return _decision_title(first) or fallback
    agenda = _agenda_heading(text_pages)
    if agenda:
        return agenda[0]
    for rule in (_subject_title, _amendment_title, _form_title, _generic_heading):
        title = rule(first)
        if title:
            return title
    return fallback


# -- the document's own date --------------------------------------------------------------------

# "Date: 13 March 2025", "Meeting date: ...", "Date of meeting: ..." anywhere on a cover line.
_DATE_LABEL = re.compile(
    r"\b(?:Meeting )?Date(?: of (?:meeting|report|decision))?\s*:\s*(?P<rest>.+)$", re.IGNORECASE
)
# "To: Cabinet – 30 January 2025", "To County Council 13th February 2025", "To: Cabinet, 30 January 2025".
_TO_LINE = re.compile(r"^To:?\s+(?P<rest>.+)$")
_COVER_DATE_WITHIN = 15


def date_from_pages(pages: list[CleanPage]) -> str | None:
    """The document's own date as printed on it: ISO 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'; None if none.

    Which date is "its own" depends on the kind of paper: the meeting's on minutes and agendas, the
    signature's on a record of decision, the "Date:" or "To: Cabinet – <date>" line on a report cover,
    the letterhead's on a letter, and a date or month printed on its own on a cover ("January 2025").
    A date in the body text is about something else and is never taken. Never PDF metadata.
    """
    text_pages = _text_pages(pages)
    if not text_pages:
        return None
    first = text_pages[0]
    minutes = _minutes_heading(first)
    if minutes:
        return parse_date(minutes[1]) if minutes[1] else None
    if _is_decision_record(first):
        return _signed_date(text_pages)
    agenda = _agenda_heading(text_pages)
    if agenda:
        return parse_date(agenda[1])
    lines = _lines(first)
    for line in lines[:_COVER_WITHIN]:
        m = _DATE_LABEL.search(line)
        if m and parse_date(m["rest"]):
            return parse_date(m["rest"])
    for i, line in enumerate(lines[:_COVER_WITHIN]):
        m = _TO_LINE.match(line)
        if m and _ends_with_date(m["rest"]):
            return parse_date(m["rest"])
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if (m or line in ("To:", "To")) and (
            _is_date_only(nxt) or (line in ("To:", "To") and _ends_with_date(nxt))
        ):
            return parse_date(nxt)
    dear = next((i for i, line in enumerate(lines[:40]) if _DEAR.match(line)), None)
    if dear is not None:
        for line in reversed(lines[:dear]):
            if _ends_with_date(line):
                return parse_date(line)
    head = lines[:_COVER_DATE_WITHIN]
    for line in head[:2]:
        if _is_heading_line(line) and _ends_with_date(line):
            return parse_date(line)
    for line in head:
        if _is_date_only(line):
            return parse_date(line)
    for line in head[:8]:
        if _is_heading_line(line) and _ends_with_date(line):
            return parse_date(line)
    for line in head[:8]:
        m = _YEAR_LINE.match(line)
        if m:
            return m["year"]
    return None
