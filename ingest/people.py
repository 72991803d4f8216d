"""People named in a council paper with the role the paper gives them, so "who" questions (who wrote
this report, who chaired the meeting, who took the decision, who is the Cabinet Member for ...) can be
answered and cited.

Papers print these in a handful of conventions, and each gets a rule here:

- a report cover's "From:" / "By:" / "To:" lines, name first or role first:
  "From: Roger Gough, Leader of the Council", "From: Leader of the Council; Roger Gough",
  "By: Deputy Leader and Cabinet Member for Finance, ..., Peter Oakford";
- a cover's or a report's labelled people: "Report Author:", "Relevant Director:", "Lead Officer:",
  "Cabinet Member for Finance: Mr X", "DECISION TO BE TAKEN BY:" (the decision maker), with the job
  title printed beside or under the name, or a "Job title:" line;
- attendance lists and minutes: "Mr R W Gough (Chairman)", "Dr A Ghosh (Director of Public Health)",
  "Mr Cooke be elected to Chair the meeting", "Mr X in the Chair";
- forms and motions: "Proposer: Mr Alister Brady Seconder: Mrs Jackie Meade";
- questions to members: "Question by A to Roger Gough,\\nLeader of Kent County Council";
- a name on a line of its own with the role on the next (letterheads, signatures, contact blocks).

Precision comes first: a name must look like a person's name (an honorific, or two or three
capitalised words none of which is an organisation or role word), and a role must contain a role word
(Leader, Member, Director, Officer, Chair, ...). What is unclear is left out. Every quote is a run of
the page's own lines, so `squash(quote)` is a substring of `squash(page.text)`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from core.records import Document, Role
from core.text import squash
from ingest.clean import CleanPage

# -- what a name and a role look like -----------------------------------------------------------

_HONORIFIC = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Lord|Lady|Cllr|Councillor|Canon|Rev|Revd)\.?"
# One capitalised name: "Gough", "McInnes", "O'Neil", "Crow-Brown", "Barrington-King".
_NAME_WORD = r"(?:O['’])?(?:Ma?c)?[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)*"
_INITIAL = r"[A-Z]\.?"
# Honours printed after a name; part of the quote, not of the name.
_POST_NOMINALS = r"(?:,?\s+(?:OBE|MBE|CBE|KBE|DBE|MP|JP|DL|CC|QC|KC|FRSA))*"
# "Mr R W Gough", "Mrs Chandler", "Dr Anjan Ghosh", "Sir Paul Carter".
_NAME_WITH_HONORIFIC = rf"{_HONORIFIC}\s+(?:{_INITIAL}\s+){{0,3}}{_NAME_WORD}(?:\s+{_NAME_WORD})?"
# "Roger Gough", "Derek Crow-Brown", "Richard J Smith": two or three capitalised words.
_PLAIN_NAME = rf"{_NAME_WORD}(?:\s+{_INITIAL})?(?:\s+{_NAME_WORD}){{1,2}}"
_NAME = rf"(?:{_NAME_WITH_HONORIFIC}|{_PLAIN_NAME}){_POST_NOMINALS}"
_NAME_RX = re.compile(_NAME)
_HONORIFIC_RX = re.compile(rf"^{_HONORIFIC}$")
_POST_NOMINALS_RX = re.compile(rf"{_POST_NOMINALS}$")

# Words that make a capitalised phrase an organisation, a place, a document or a role, not a person.
_NOT_NAME_TEXT = """
    council county kent committee cabinet member members director directors directorate officer officers
    service services department group groups board authority authorities government fund plan strategy
    report policy hub hubs family families programme team school schools health care social education
    partnership trust borough district city limited ltd leader chair chairman executive chief head manager
    deputy corporate finance interim assistant general counsel public adult adults children young people
    the and for of appendix annex section summary total budget capital revenue transport highways
    environment growth economic development risk national local minister state house hall street road
    maidstone sessions labour liberal democrat democrats green greens independent independents conservative
    reform party scrutiny panel inspector secretary office division unit centre center college university
    academy church community communities data project strategic lead analyst accountant research democratic
    integrated operations operational quarter year email telephone phone tel date subject classification
    from to by decision key past future pathway electoral recommendation recommendations item minutes agenda
    unrestricted contact details author authors relevant approved responsible title name number proposer
    seconder amendment motion question answer answers questions purpose background introduction appendices
    january february march april may june july august september october november december monday tuesday
    wednesday thursday friday saturday sunday west east north south medway england english devolution white
    paper priority mayoral combined unitary reorganisation treasury management investment investments
    wellbeing independence strengthening commissioned commissioning provision planning minerals waste
    covenant armed forces military civilian gold award employer employers recognition analytics quarterly
    performance monitoring resilience reserves grant grants settlement context framework table appraisal
    non-technical sustainability consultation feedback draft final version proposed updated terms reference
    glossary bond capital receipts flexible use key statement church nhs joint overview ask for agenda
    present attendance apologies declarations interest interests resolved noted agreed carried lost
    further following thanks thank members yours sincerely dear regards welcome welcomed kind
    revised base staffing non gross net cost costs income spending expenditure attributable held
    not applicable none yes one you your our we all any each every new old more most other some such
    this that these those what when where which who why how see also here there about after before
    over under into only just very both many much business innovation
"""
_NOT_NAME_WORDS = frozenset(_NOT_NAME_TEXT.split())

# A role is a noun phrase with one of these in it.
_ROLE_WORD = re.compile(
    r"\b(?:Leader|Members?|Directors?|Officers?|Executive|Counsel|Managers?|Head|Chair(?:man|woman|person)?|"
    r"Vice[- ]Chair(?:man|woman|person)?|Champion|Advis[eo]r|Analyst|Accountant|Lead|Secretary|Minister|"
    r"Clerk|Treasurer|Mayor|Inspector|Commissioner|Controller|Assistant|Deputy|Solicitor|Auditor|"
    r"Co-?ordinator|Consultant|Nurse|Specialist|Planner|President|Chief|Principal|Portfolio Holder|"
    r"Strategist|Engineer|Surveyor|Administrator|Governor|Counsellor|Councillor|Champion)\b",
    re.IGNORECASE,
)
_ROLE_MAX_CHARS = 140
_CONTACT_TEXT = re.compile(r"@|www\.|https?://|\+?\d[\d ]{8,}\d")


def _person(text: str, confirmed: bool = False) -> str | None:
    """`text` as a person's name (honours dropped), or None when it is not clearly one.

    An honorific ("Mr", "Cllr") or an e-mail address spelling the name (`confirmed`) is evidence
    enough, so "Councillor C Green" and "Cath Head" pass; two or three bare capitalised words pass
    only when none of them is an organisation, place, document or role word."""
    text = squash(text).strip(" ,.;:")
    m = _NAME_RX.fullmatch(text)
    if not m:
        return None
    name = _POST_NOMINALS_RX.sub("", text).strip(" ,")
    words = name.split()
    honorific = bool(_HONORIFIC_RX.match(words[0]))
    plain = [w for w in words[1 if honorific else 0 :] if len(w.rstrip(".")) > 1]
    if not plain:
        return None
    if not (honorific or confirmed) and any(
        w.lower().strip("'’") in _NOT_NAME_WORDS or _ROLE_WORD.fullmatch(w) for w in plain
    ):
        return None
    if not honorific and any(_HONORIFIC_RX.match(w) for w in words):
        return None
    return name


# A clause, not a title: "Interim Corporate Director Finance, was in attendance for this item".
_NOT_ROLE_WORDS = re.compile(
    r"\b(?:was|were|is|are|be|been|being|has|have|had|will|would|should|could|said|says|who|which|that|"
    r"this|these|on|formally|requesting|provided|presented|attended|thanked)\b"
)
_YEAR_IN = re.compile(r"\b(?:19|20)\d\d\b")


def _names_someone(role: str) -> bool:
    """A role that runs on into the next person ("Chief Executive Officer, David Whittle, Director ...")."""
    segments = [seg.strip() for seg in role.split(",")]
    for k, seg in enumerate(segments[1:], start=1):
        for size in (4, 3, 2):
            words = seg.split()
            if len(words) < size:
                continue
            head, tail = " ".join(words[:size]), " ".join(words[size:])
            if _person(head) and (
                _ROLE_WORD.search(tail) or (k + 1 < len(segments) and _ROLE_WORD.search(segments[k + 1]))
            ):
                return True
    return False


def _role(text: str) -> str | None:
    """`text` as a role ("Cabinet Member for Education and Skills"), or None when it is not clearly one."""
    role = squash(text).strip(" ,.;:–—-")
    if not role or len(role) > _ROLE_MAX_CHARS or not _ROLE_WORD.search(role):
        return None
    if _CONTACT_TEXT.search(role) or role.count("(") != role.count(")") or ":" in role:
        return None
    if re.search(rf"(?:^|\s){_HONORIFIC}\s+[A-Z]", role) or _person(role):
        return None
    if role[0].islower() or _NOT_ROLE_WORDS.search(role) or _YEAR_IN.search(role) or _names_someone(role):
        return None
    return role


@dataclass(frozen=True)
class _Found:
    """A person with a role, where a rule found them; becomes a `Role` once duplicates are merged."""

    name: str
    role: str
    page: int
    quote: str


# -- report covers and contact blocks -----------------------------------------------------------

# A labelled part of a cover: the label, then the people it names on its line or the lines below.
# Each label says which role, if any, the people under it hold by being listed there.
_LABELS: tuple[tuple[re.Pattern[str], str | None], ...] = (
    (re.compile(r"(?:From|By)\b", re.IGNORECASE), None),
    (re.compile(r"To\b", re.IGNORECASE), None),
    (re.compile(r"Report Authors? and Relevant Directors?\b", re.IGNORECASE), None),
    (re.compile(r"(?:Report )?Authors?(?:\(s\))?\b", re.IGNORECASE), "Report author"),
    (re.compile(r"Relevant Corporate Directors?(?:\(s\))?", re.IGNORECASE), "Relevant Corporate Director"),
    (re.compile(r"Relevant Directors?(?:\(s\))?", re.IGNORECASE), "Relevant Director"),
    (re.compile(r"Lead Directors?(?:\(s\))?", re.IGNORECASE), "Lead Director"),
    (re.compile(r"Lead Officers?(?:\(s\))?", re.IGNORECASE), "Lead Officer"),
    (re.compile(r"Contact Officers?(?:\(s\))?", re.IGNORECASE), "Contact officer"),
    (re.compile(r"Directors?(?:\(s\))?", re.IGNORECASE), "Director"),
    (re.compile(r"Responsible (?:Officer|Director|Head of Service)", re.IGNORECASE), "@label"),
    (re.compile(r"Decision (?:to be )?taken by|Decision[- ]maker", re.IGNORECASE), "Decision maker"),
    (re.compile(r"(?:Cabinet Member|Portfolio Holder)(?: for [A-Z][^:]{2,80})?(?=\s*:)"), "@label"),
    (re.compile(r"Chair(?:man)?(?=\s*:)"), "@label"),
)
# A numbered heading in front of a label ("7. Report Authors:").
_LABEL_NUMBER = re.compile(r"^\d{1,2}\.\s*")
# Lines that end a labelled block: other cover labels, a numbered paragraph, the report's own parts.
_BLOCK_END = re.compile(
    r"^(?:Subject|Classification|Summary|Decision (?:no|number)|Key decision|Circulated to|Past Pathway|"
    r"Future Pathway|Previous Pathway|Status|Electoral Divisions?|Appendix|Appendices|Background|"
    r"Recommendations?|For publication|Item No|Date|Ask for|Cc|Copy to|Is the decision)\b",
    re.IGNORECASE,
)
_OTHER_LABEL = re.compile(r"^[A-Z][A-Za-z ()/&'’-]{1,40}:(?:\s|$)")
_NUMBERED = re.compile(r"^\d{1,2}(?:\.\d+)*\.?\s+\S")
# Contact details separate the people of a block: "Telephone number", "03000 410058", an address.
_CONTACT_LINE = re.compile(
    r"@|^(?:Tel(?:ephone)?(?: number)?|Phone(?: number)?|E-?mail(?: address)?|Mobile|Ext)\b|^[+\d][\d ()/+-]{7,}$",
    re.IGNORECASE,
)
_JOB_TITLE = re.compile(r"^Job title\s*:\s*(?P<rest>.*)$", re.IGNORECASE)
_CONNECTOR_END = re.compile(r"(?:\b(?:and|or|of|for|the|to|in|with|&)|[,;&–—-])$", re.IGNORECASE)
_CONTINUES = re.compile(r"^(?:[a-z]|and\b|&)")
# "Name, Role", "Name – Role", "Name (Role)".
_NAME_FIRST = re.compile(rf"^(?P<name>{_NAME})(?:\s*[,;]\s*|\s+[–—-]\s+|\s*\(\s*)(?P<role>.+?)\)?[.,;]?$")
# "Role, Name", "Role; Name", "Role – Name".
_ROLE_FIRST = re.compile(rf"^(?P<role>.+)(?:\s*[,;]|\s[–—-])\s*(?P<name>{_NAME})[.,;]?$")
_BLOCK_MAX_LINES = 14
_LABEL_REACH = 12  # a "From"/"By" without a colon must be followed by a "To" within this many lines


def _match_label(line: str) -> tuple[str, str | None, str] | None:
    """(label as printed, role it confers, rest of the line) when `line` opens a labelled block."""
    text = _LABEL_NUMBER.sub("", line)
    for rx, role in _LABELS:
        m = rx.match(text)
        if not m:
            continue
        rest = text[m.end() :]
        colon = rest.lstrip().startswith(":")
        rest = rest.lstrip().removeprefix(":").strip()
        if not colon and rest and rest[:1].islower():
            return None  # a sentence that starts with the word ("To minimise ...")
        label = squash(m.group(0))
        return label, (label if role == "@label" else role), rest
    return None


def _label_line(lines: list[str], i: int) -> tuple[str, str | None, str, bool] | None:
    """A label at line `i` (also one broken over two short lines: "Relevant" / "Director(s)"):
    (label, role, rest, whether the label took two lines)."""
    line = lines[i]
    found = _match_label(line)
    if found:
        return (*found, False)
    if len(line) <= 12 and i + 1 < len(lines):
        found = _match_label(f"{line} {lines[i + 1]}")
        if found and found[2] == "":
            return (*found, True)
    return None


def _is_name_line(line: str) -> bool:
    return _person(line) is not None


def _has_name(line: str) -> bool:
    if _is_name_line(line):
        return True
    m = _NAME_FIRST.match(line) or _ROLE_FIRST.match(line)
    return bool(m and _person(m["name"]))


def _parse_entry(lines: list[str]) -> tuple[str, str | None] | None:
    """(name, role) from the lines of one person in a block."""
    first = lines[0]
    name = _person(first)
    if name:
        return name, _role(" ".join(lines[1:])) if len(lines) > 1 else None
    text = " ".join(lines)
    m = _NAME_FIRST.match(text)
    name = _person(m["name"]) if m else None
    if m and name:
        return name, _role(m["role"])
    m = _ROLE_FIRST.match(text)
    name = _person(m["name"]) if m else None
    role = _role(m["role"]) if m else None
    return (name, role) if name and role else None


@dataclass
class _Entry:
    """The lines of one person in a labelled block, while the block is being read."""

    start: int  # index of its first line
    end: int  # index of its last line
    lines: list[str]
    role_lines: list[str]  # a "Job title:" value
    open: bool = True  # False once contact details close it: the next line is someone else


def _entries(lines: list[str], start: int, stop: int, first: str) -> list[_Entry]:
    """The people of a block: lines[start:stop], its first line replaced by the label's rest `first`."""
    out: list[_Entry] = []
    for i in range(start, stop):
        line = first if i == start else lines[i]
        if not line:
            continue
        if _CONTACT_LINE.search(line):
            if out:
                out[-1].open = False
            continue
        job = _JOB_TITLE.match(line)
        if job:
            if out:
                out[-1].role_lines.append(job["rest"])
                out[-1].end = i
            continue
        cur = out[-1] if out else None
        if cur and cur.role_lines and not _has_name(line) and not _OTHER_LABEL.match(line):
            cur.role_lines.append(line)
            cur.end = i
            continue
        if cur and cur.open and _continues(cur, line):
            cur.lines.append(line)
            cur.end = i
            continue
        out.append(_Entry(start=i, end=i, lines=[line], role_lines=[]))
    return out


_ENTRY_MAX_LINES = 4
_ROLE_LINE_MAX = 60  # a role wrapped under a name is printed in a narrow column


def _continues(entry: _Entry, line: str) -> bool:
    """Whether `line` continues the person being read rather than naming the next one."""
    prev = entry.lines[-1]
    if len(entry.lines) >= _ENTRY_MAX_LINES or line.startswith(("•", "▪", "-", "*")):
        return False
    if _CONNECTOR_END.search(prev) or _CONTINUES.match(line):
        return True
    if _has_name(line) or len(line) > _ROLE_LINE_MAX or re.fullmatch(r"[A-Z]{2,}(?:\s+[A-Z]{2,})+", line):
        return False
    head = entry.lines[0]
    if _is_name_line(head):
        # under a name on its own line: the role, which says what it is at once
        return len(entry.lines) > 1 or bool(_ROLE_WORD.search(line))
    return bool((m := _NAME_FIRST.match(head)) and _person(m["name"]))


def _block_end(lines: list[str], i: int) -> bool:
    line = lines[i]
    if _BLOCK_END.match(line) or _NUMBERED.match(line):
        return True
    if _CONTACT_LINE.search(line) or _JOB_TITLE.match(line):
        return False
    return bool(_OTHER_LABEL.match(line)) or _label_line(lines, i) is not None


def _to_follows(lines: list[str], i: int) -> bool:
    return any(re.match(r"^To\b:?", ln) for ln in lines[i + 1 : i + 1 + _LABEL_REACH])


# Labels that are also ordinary words of a table or a sentence: only with a colon when a name follows.
_COLON_ONLY = re.compile(r"^(?:To|Directors?(?:\(s\))?|Authors?(?:\(s\))?)$", re.IGNORECASE)
_PLURAL = re.compile(r"(?:Authors|Directors|Officers|\(s\))$", re.IGNORECASE)
_QUOTE_REACH = 8  # lines: a quote runs from the label to the person when they are this close


def _cover_people(page: CleanPage, lines: list[str]) -> Iterator[_Found]:
    """People under a cover's labels: each gets the role printed with them and, where the label says
    one ("Report Author:", "DECISION TO BE TAKEN BY:"), the label's role."""
    i = 0
    while i < len(lines):
        found = _label_line(lines, i)
        if not found:
            i += 1
            continue
        label, label_role, rest, two_lines = found
        colon = bool(re.match(rf"^(?:\d{{1,2}}\.\s*)?{re.escape(label)}\s*:", lines[i]))
        labels = [(label, label_role)]
        body = i + (2 if two_lines else 1)
        # Two labels over one set of people ("Report Author Relevant Director", or a label whose
        # block is empty and runs straight into the next): the people are theirs in order, if the
        # counts agree.
        nested = _match_label(rest) if rest else None
        if nested and nested[2] == "":
            labels.append((nested[0], nested[1]))
            rest = ""
        if not colon and (
            (label.lower() in ("from", "by") and rest and not _to_follows(lines, i))
            or (rest and _COLON_ONLY.match(label))
            or (label.lower() == "to" and not rest)
        ):
            i += 1
            continue
        while not rest and body < len(lines):
            nxt = _label_line(lines, body)
            if not nxt or nxt[2] or nxt[0].lower() in ("to", "from", "by"):
                break
            labels.append((nxt[0], nxt[1]))
            body += 2 if nxt[3] else 1
        start = i if rest else body
        if start >= len(lines):
            break
        stop = start + 1
        while stop < min(len(lines), start + _BLOCK_MAX_LINES) and not _block_end(lines, stop):
            stop += 1
        entries = _entries(lines, start, stop, rest if rest else lines[start])
        people = [(e, p) for e in entries if (p := _parse_entry(e.lines))]
        plural = bool(_PLURAL.search(labels[0][0]))
        for n, (entry, (name, role)) in enumerate(people):
            if entry.role_lines:
                role = _role(" ".join(entry.role_lines)) or role
            first = i if entry.end - i < _QUOTE_REACH else entry.start
            quote = " ".join(lines[first : entry.end + 1])
            if role:
                yield _Found(name, role, page.number, quote)
            if len(labels) == 1:
                conferred = labels[0][1] if plural or n == 0 else None
            elif len(labels) == len(people):
                conferred = labels[n][1]
            else:
                conferred = None
            if conferred:
                yield _Found(name, conferred, page.number, quote)
        i = max(stop, i + 1)


# Contact tables print "Role Name phone email" on one line: the e-mail address says where the name is.
_CONTACT_ROW = re.compile(r"^(?P<pre>.+?)\s+(?P<phone>0\d{3,4}[\d ]{6,10}\d)\s+(?P<email>[\w.'-]+@[\w.-]+)$")


def _contact_rows(page: CleanPage, lines: list[str]) -> Iterator[_Found]:
    """ "Head of Finance Operations Cath Head 03000 416 934 cath.head@kent.gov.uk": the name is the words
    before the phone number that the e-mail address spells; the words before it are the role."""
    for line in lines:
        m = _CONTACT_ROW.match(line)
        if not m:
            continue
        local = m["email"].split("@")[0].lower().split(".")
        if len(local) < 2:
            continue
        words = m["pre"].split()
        for size in (2, 3):
            if len(words) <= size:
                continue
            name_words = words[-size:]
            given, surname = name_words[0].lower(), name_words[-1].lower()
            if surname == local[-1] and (local[0].startswith(given) or given.startswith(local[0])):
                name = _person(" ".join(name_words), confirmed=True)
                role = _role(" ".join(words[:-size]))
                if name and role:
                    yield _Found(name, role, page.number, line)
                break


# -- attendance lists and minutes ---------------------------------------------------------------

# "Mr R W Gough (Chairman)", "Dr A Ghosh (Director of Public Health)", "Harry Rayner – MEM (Chair)".
_NAME_PAREN_ROLE = re.compile(
    rf"(?P<name>{_NAME})\s*(?:[–—-]\s*[A-Z]{{2,6}}\s*)?\((?P<role>[^()]{{3,140}})\)"
)
# "RESOLVED that Mr Cooke be elected to Chair the meeting"; "Mr X in the Chair".
_ELECTED_CHAIR = re.compile(
    rf"(?P<name>{_NAME}) (?:be|was|is) (?:duly )?elected (?:as |to )?(?:the )?(?P<role>(?:Vice[- ])?Chair(?:man|woman|person)?)\b"
)
_IN_THE_CHAIR = re.compile(rf"(?P<name>{_NAME}),?\s+\(?in the Chair\)?", re.IGNORECASE)
_LIST_START = re.compile(r"(?:^|[\n:;,(]\s*|\band\s+)$")


def _starts_item(text: str, start: int, name: str) -> bool:
    """A name without an honorific must open a list item or a line ("PRESENT: Shellina Prendergast
    (Chair), ..."), so that "Following Mr Love (...)" is not read as a name "Following Mr Love"."""
    if _HONORIFIC_RX.match(name.split()[0]):
        return True
    return bool(_LIST_START.search(text[max(0, start - 8) : start]))


def _inline_people(page: CleanPage, text: str) -> Iterator[_Found]:
    """ "Name (Role)" anywhere, and chairs elected or sitting in minutes."""
    for m in _NAME_PAREN_ROLE.finditer(text):
        raw = m["name"]
        # "Following Mr Love (...)": the name starts at its honorific.
        words = raw.split()
        at = next((k for k, w in enumerate(words) if _HONORIFIC_RX.match(w)), 0)
        raw = " ".join(words[at:])
        start = m.start() + m.group(0).find(raw)
        name, role = _person(raw), _role(m["role"])
        if role and role.lower() in ("in the chair",):
            role = "Chair"
        if name and role and _starts_item(text, start, raw):
            yield _Found(name, role, page.number, text[start : m.end()])
    for rx in (_ELECTED_CHAIR, _IN_THE_CHAIR):
        for m in rx.finditer(text):
            name = _person(m["name"])
            role = m.groupdict().get("role") or "Chair"
            if name and _starts_item(text, m.start(), m["name"]):
                yield _Found(name, role[:1].upper() + role[1:], page.number, m.group(0))


# "Proposer: Mr Alister Brady Seconder: Mrs Jackie Meade", "Proposed by Mr Alister Brady". The name is
# looked ahead at, not consumed, so that one greedily taking "Seconder" leaves the next label to match.
_MOVERS = re.compile(
    rf"\b(?P<label>Proposer|Seconder|Proposed by|Seconded by|Moved by|Mover)\s*:?\s*(?=(?P<name>{_NAME}))"
)
_MOVER_ROLES = {"proposer": "Proposer", "proposed by": "Proposer", "seconder": "Seconder",
                "seconded by": "Seconder", "moved by": "Mover", "mover": "Mover"}  # fmt: skip


def _movers(page: CleanPage, text: str) -> Iterator[_Found]:
    """Proposers and seconders of amendments, motions and call-ins."""
    for m in _MOVERS.finditer(text):
        found = _leading_person(m["name"])
        if found:
            name, length = found
            quote = text[m.start() : m.start("name") + length]
            yield _Found(name, _MOVER_ROLES[m["label"].lower()], page.number, quote)


def _leading_person(text: str) -> tuple[str, int] | None:
    """The longest run of `text`'s first words that is a person's name, and its length in `text`:
    a name matched greedily may have taken the next line's label ("Mark Hood\nSeconder")."""
    ends = [m.end() for m in re.finditer(r"\S+", text)]
    for end in reversed(ends):
        name = _person(text[:end])
        if name:
            return name, end
    return None


# "Question by Paul Stepto to Rory Love,\nCabinet Member for Education and Skills".
_QUESTION_TO = re.compile(rf"^Question (?:by|from) (?:{_NAME}) to (?P<name>{_NAME}),?\s*$")


def _questions(page: CleanPage, lines: list[str]) -> Iterator[_Found]:
    """The member a question was put to, with the role the heading gives them."""
    for i, line in enumerate(lines[:-1]):
        m = _QUESTION_TO.match(line)
        if not m:
            continue
        name, role = _person(m["name"]), _role(lines[i + 1])
        if name and role:
            yield _Found(name, role, page.number, f"{line} {lines[i + 1]}")


# -- a name with its role beside it or under it -------------------------------------------------

_ATTENDANCE_LABEL = re.compile(
    r"^(?:ALSO PRESENT|IN ATTENDANCE(?: VIRTUALLY)?|PRESENT|Attendance)\s*:\s*", re.IGNORECASE
)
_SHORT_TAIL = 4  # words: a short last line ending a sentence finishes the role above it


def _role_lines(lines: list[str], i: int, first: str) -> tuple[str, int]:
    """A role that starts with `first` (the end of line i) and the lines that continue it: after a
    line that breaks mid-phrase ("... for Finance,"), or with a line that carries on in lower case, or
    a short last line ending the sentence. (role, index of its last line)."""
    parts, end = [first], i
    for nxt in lines[i + 1 : i + 3]:
        prev = lines[end]
        tail = len(nxt.split()) <= _SHORT_TAIL and nxt.endswith(".") and not _has_name(nxt)
        if (_CONNECTOR_END.search(prev) or _CONTINUES.match(nxt) or tail) and not _CONTACT_LINE.search(nxt):
            parts.append(nxt)
            end += 1
        else:
            break
    return " ".join(parts), end


_FULL_LINE = 0.75  # of the page's text width: a line this long may have wrapped onto the next


def _text_width(lines: list[str]) -> int:
    """The page's text width in characters: the length of its longer lines (90th percentile)."""
    lengths = sorted(len(line) for line in lines)
    return lengths[int(0.9 * (len(lengths) - 1))]


def _may_run_on(lines: list[str], end: int, width: int) -> bool:
    """Whether the role ending on line `end` may go on over the next line, unseen: the line fills the
    page's width and the next one starts with a capitalised word that is neither a person, a label,
    contact details, a numbered paragraph nor a new role ("Jim McMahon OBE MP, Minister of State for
    Local Government and English" / "Devolution, 16 December 2024")."""
    if end + 1 >= len(lines) or len(lines[end]) < _FULL_LINE * width:
        return False
    nxt = lines[end + 1]
    if not nxt[:1].isupper() or _has_name(nxt) or _label_line(lines, end + 1) or _CONTACT_LINE.search(nxt):
        return False
    return not (_NUMBERED.match(nxt) or _OTHER_LABEL.match(nxt) or _ROLE_WORD.match(nxt))


def _line_people(page: CleanPage, lines: list[str]) -> Iterator[_Found]:
    """A name on a line of its own above its role (letterheads, signatures, contact blocks), or a
    line that is all "Name, Role" / "Name – Role"."""
    width = _text_width(lines)
    for i, line in enumerate(lines):
        text = _ATTENDANCE_LABEL.sub("", line)
        name = _person(text)
        under = lines[i + 1] if i + 1 < len(lines) else ""
        if name and _ROLE_WORD.search(" ".join(under.split()[:4])) and not _label_line(lines, i + 1):
            role_text, end = _role_lines(lines, i + 1, lines[i + 1])
            role = _role(role_text)
            if role and not _may_run_on(lines, end, width):
                yield _Found(name, role, page.number, " ".join(lines[i : end + 1]))
            continue
        m = _NAME_FIRST.match(text)
        if not m or "(" in text[m.end("name") :]:
            continue  # "Name (Role)" is read by `_inline_people`, which knows where the role ends
        name = _person(m["name"])
        if not name:
            continue
        role_text, end = _role_lines(lines, i, text[m.start("role") :])
        role = _role(role_text)
        if role and not _may_run_on(lines, end, width):
            yield _Found(name, role, page.number, " ".join(lines[i : end + 1]))


# -- all together -------------------------------------------------------------------------------


def _dedupe(found: list[_Found]) -> list[_Found]:
    """One Role per (name, role) in a document, first mention kept; a role cut short by a line break
    ("Cabinet Member for Integrated Children’s") gives way to its whole form found elsewhere."""
    seen: dict[tuple[str, str], _Found] = {}
    for f in found:
        seen.setdefault((f.name, f.role), f)
    roles_of: dict[str, list[str]] = {}
    for name, role in seen:
        roles_of.setdefault(name, []).append(role)
    return [
        f
        for (name, role), f in seen.items()
        if not any(other != role and other.startswith(role + " ") for other in roles_of[name])
    ]


def extract_roles(meta: Document, pages: list[CleanPage]) -> list[Role]:
    """Every person the paper names with a clear role, each with the page and verbatim quote saying so."""
    found: list[_Found] = []
    for page in pages:
        lines = [squash(line) for line in page.lines if line.strip()]
        if not lines:
            continue
        text = "\n".join(lines)
        found.extend(_cover_people(page, lines))
        found.extend(_contact_rows(page, lines))
        found.extend(_inline_people(page, text))
        found.extend(_movers(page, text))
        found.extend(_questions(page, lines))
        found.extend(_line_people(page, lines))
    return [
        Role(doc_id=meta.doc_id, name=f.name, role=f.role, page=f.page, quote=squash(f.quote))
        for f in _dedupe(found)
    ]
