"""Decisions recorded in council papers: resolutions, motions, amendments and their votes.

Three shapes of paper record decisions, and each is read by its own layout rather than by a list of
known documents, so that any ModernGov council's papers work:

- *minutes* ("MINUTES of a meeting ..."): numbered agenda items ("285. English Devolution White
  Paper" over "(Item 3)"), inside which members propose motions and amendments ("Mr X proposed, and
  Mrs Y seconded the following amendment: ..."), the chair puts them to the vote ("the Chairman put
  the amendment set out in paragraph 17 to the vote"), a recorded vote is printed ("For (14) <names>
  Against (45) <names> Abstain (4) <names>"), an outcome line closes it ("Amendment lost.") and the
  meeting's decision is minuted ("RESOLVED that ..."). The paragraph numbers the minutes give each
  step are how a vote is tied to what it decided, because a debate may hold several amendments and
  procedural motions before the substantive vote.
- *records of decision* ("KENT COUNTY COUNCIL – PROPOSED RECORD OF DECISION"): who takes the decision,
  its number and title, and the decision's wording between "Decision:" and "Reason(s) for decision".
- *proposal forms* (a budget amendment form or a motion for debate): "Proposer:"/"Seconder:" labels
  and the wording that was tabled, which is a proposal and nothing more until minutes record it.

Every decision carries the page that records its outcome and a quote that is verbatim text of that
page (a run of whole lines of the clean page), so an answer can cite it. Where the papers do not say
something (no recorded vote, a motion changed by an amendment so that its mover no longer speaks for
it), the field is left empty rather than guessed.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from core.records import Decision, DecisionKind, DecisionStatus, Document
from core.text import sentence_spans, squash
from ingest.clean import CleanPage

# A quote longer than this is cut to whole lines: room for an amendment's outcome with its recorded
# vote and names, short enough to show beside an answer.
MAX_QUOTE = 1200

# -- names ------------------------------------------------------------------------------------

# Someone who moves or seconds: an office ("the Chairman", "the Leader") or a name with an optional
# title ("Mr G Cooke", "Jenni Hawkins", "Sir Paul Carter"), words on one line so that the last word
# of the line above is never taken for a first name; an aside in brackets may follow.
_OFFICE = r"(?:[Tt]he\s+)?(?:Vice[- ]Chairman|Vice[- ]Chair|Chairman|Chair|Deputy\s+Leader|Leader|Mayor)"
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Sir|Dame|Lord|Lady|Prof\.?|Professor|Cllr\.?|Councillor)"
_PERSON = rf"(?:{_TITLE}[ \t]+)?[A-Z][A-Za-z'’\-]*(?:[ \t]+[A-Z][A-Za-z'’\-]*){{0,3}}"
_NAME = rf"(?:{_OFFICE}|{_PERSON})(?:[ \t]*\([^)\n]{{1,80}}\))?"

# -- minutes: agenda items ----------------------------------------------------------------------

# ModernGov prints the agenda item number under each minute's heading: "(Item 3)".
_ITEM_MARK = re.compile(r"^\(?\s*Item\s+\d+[A-Za-z]?\s*\)?\.?$", re.I)
# An extract's heading names the item on one line: "Item 6 – Governance Working Party Updates".
_ITEM_TITLE = re.compile(r"^\s*Item\s+\d+[A-Za-z]?\s*[–\-:]\s*\S.{2,120}$")
# A minute's number opens its heading: "285.   English Devolution White Paper".
_MINUTE_NUMBER = re.compile(r"^\d{1,4}\.\s+\S")
# A paragraph of a minute opens with its number: "5)", "(5)" or "5.".
_PARA_MARKER = re.compile(r"^\s*(?:\((?P<a>\d{1,2})\)|(?P<b>\d{1,2})\)|(?P<c>\d{1,2})\.)\s+")
# The first paragraph of an item, or a bare resolution: what follows an unnumbered heading.
_FIRST_PARA = re.compile(r"^\s*(?:\(?1[).]|RESOLVED\b|Resolved\b)")
# Where a sentence or a heading block ends: the line before an unnumbered heading ends like this.
_LINE_END = re.compile(r"[.:;)\"”]\s*$")
# The end of a sentence at a line's end, and how many lines a mover's quote may run past its colon.
_SENTENCE_END = re.compile(r"[.;][\"”’]?\s*$")
_MOTION_LINES = 6

# -- minutes: events --------------------------------------------------------------------------

# "Mr Brady proposed, and Ms Meade seconded the following amendment:", "the Leader proposed and Mr
# Oakford, Deputy Leader and Cabinet Member for ..., seconded the above motion that", "Mr Sweetland
# proposed, and Mr Ridgers seconded, that the Council ...". The object (motion or amendment) is
# optional: "X proposed and Y seconded that the motion be put to the vote" is a procedural motion.
_PROPOSAL = re.compile(
    rf"(?P<mover>{_NAME})\s+(?i:proposed|moved),?\s+(?i:and)\s+(?P<seconder>{_NAME})"
    r"(?:,\s+[^;.]{1,160}?,)?\s+(?i:seconded)\b,?"
    r"(?P<object>\s+(?i:(?:the|an?)\s+(?:above\s+|following\s+|further\s+)?(?P<kind>motion|amendment)\b"
    r"(?:\s+to\s+the\s+(?:substantive\s+|original\s+)?motion(?:\s+set\s+out)?\s+(?:in|at)\s+paragraph\s+\d+)?"
    r"(?:\s+that\b)?\s*:?)|\s+(?i:that)\b)?"
)
# The other councils' order: "It was moved by Councillor A, seconded by Councillor B, that ...".
_MOVED_BY = re.compile(
    r"(?:(?:It|An?\s+(?P<kind>amendment|motion))\s+was\s+)?"
    rf"(?i:moved|proposed)\s+by\s+(?P<mover>{_NAME}),?\s+(?:(?i:and)\s+)?(?i:seconded)\s+by\s+"
    rf"(?P<seconder>{_NAME}),?(?P<object>\s+(?i:that)\b\s*:?|\s*:)?"
)
# A proposal with no seconder: "The Chairman proposed that Council resolve to extend the meeting".
_SOLE_PROPOSAL = re.compile(rf"(?P<mover>{_NAME})\s+(?i:proposed|moved)\s+(?P<object>(?i:that)\b)")
# An amendment taken up without a vote: "Mr Love suggested and the Leader and Cabinet agreed to the
# following amendment (...) to the proposal ...:".
_AGREED_SUGGESTION = re.compile(
    rf"(?P<mover>{_NAME})\s+(?i:suggested|proposed)\s+and\s+[^.]{{1,80}}?\s+(?i:agreed)\s+to\s+the\s+"
    r"(?i:following\s+)?(?P<kind>amendment|motion)\b[^:]{0,200}:"
)
# The chair calls a vote: "the Chairman put the amendment set out in paragraph 17 to the vote",
# "put to the vote the substantive motion as set out in Item 6, paragraph 4", "put part 4 of the
# substantive motion ... to the vote". What follows up to the sentence's end may name the paragraph
# and may give the outcome ("and it was agreed unanimously").
_VOTE_CALL = re.compile(
    r"\bput\s+(?:to\s+the\s+vote\s+)?(?P<part>part\s+\d+\s+of\s+)?the\s+"
    r"(?P<what>substantive\s+motion|original\s+motion|motion|amendment|recommendations?|proposal)\b"
    r"(?P<rest>[^.:]*)",
    re.I,
)
_PARAGRAPH_REF = re.compile(r"\bparagraph\s+(\d{1,2})\b", re.I)
_QUOTED = re.compile(r"[“\"](?P<q>[^”\"]{3,600})[”\"]")
_INLINE_RESULT = re.compile(r"\bit\s+was\s+(?P<result>agreed|carried|lost|defeated)\b", re.I)
# One count of a recorded vote, at the start of a line ("For (41)", "Against (10)", "Abstain (2)")
# or inside a bracket or list ("(For 23, Against 12, Abstentions 2)", "For: 23").
_TALLY = re.compile(
    r"(?:^|(?<=\()|(?<=,\s)|(?<=;\s))[ \t]*"
    r"(?P<label>For|In\s+favour|Against|Abstain(?:ed|ing|ers)?|Abstentions?)"
    r"[ \t]*(?:\((?P<n1>\d{1,3})\)|[:\-–][ \t]*(?P<n2>\d{1,3})\b|[ \t](?P<n3>\d{1,3})\b)",
    re.M | re.I,
)
# A line that gives an outcome: "Amendment lost.", "Substantive Motion carried.", "Agreed unanimously."
_OUTCOME_LINE = re.compile(
    r"^[ \t]*(?:The\s+)?(?:(?P<what>substantive\s+motion|original\s+motion|motion|amendment|recommendations?|proposal)s?"
    r"(?:\s+\(as\s+amended\))?\s+(?:was\s+|were\s+|is\s+)?(?:declared\s+)?)?"
    r"(?P<result>carried|lost|agreed|defeated|fell|approved|rejected|withdrawn)"
    r"(?:\s+unanimously|\s+by\s+a\s+majority)?[ \t]*\.?[ \t]*$",
    re.I | re.M,
)
# An outcome told in a sentence: "On being put to the vote the amendment was lost".
_OUTCOME_SENTENCE = re.compile(
    r"\bthe\s+(?P<what>substantive\s+motion|motion|amendment|recommendations?)(?:\s+\(as\s+amended\))?\s+"
    r"(?:was|were)\s+(?:declared\s+)?(?P<result>carried|lost|agreed|defeated|approved|rejected|withdrawn)\b",
    re.I,
)
# The movers of a motion take up an amendment, so that no vote on it is needed.
_ACCEPTED = re.compile(
    r"\b(?:proposer|mover)\s+and\s+seconder\s+of\s+the\s+(?:original\s+)?motion\s+(?:agreed\s+to|accepted)"
    r"\s+the\s+amendment\b",
    re.I,
)
# What the meeting decided: "RESOLVED that ...", "RESOLVED – to note ...", "Resolved: ...".
_RESOLVED = re.compile(
    r"(?:^[ \t]*(?:(?:\(\d{1,2}\)|\d{1,2}[.)])[ \t]*)?(?:RESOLVED|Resolved)|\bRESOLVED)\b"
    r"(?:[ \t]*(?::|–|-|—))?(?:\s+(?i:that)\b)?[ \t]*:?",
    re.M,
)
# An item put off or taken back: "This item was deferred to the next appropriate meeting",
# "Cabinet Member updates were deferred to the next meeting of the Cabinet".
_SET_ASIDE = re.compile(
    r"^[ \t]*(?P<subject>[A-Z][^\n.]{0,80}?)\s+(?:was|were|has\s+been|have\s+been)\s+"
    r"(?P<result>deferred|withdrawn)\b[^\n.]*\.?",
    re.M,
)
# Lines that end the wording of a motion or resolution whatever their paragraph number: a note added
# after the meeting, or a member's vote recorded at their request.
_AFTERWORD = re.compile(
    r"^[ \t]*(?:Post[- ]meeting\s+note|In\s+accordance\s+with\s+(?:paragraph|section|standing\s+order))",
    re.I | re.M,
)
# A resolution that only takes note of something is "noted": it speaks of noting (_NOTES) and of no
# act of decision (_ACTS: approving, adopting, delegating, commenting ...).
_NOTES = re.compile(r"\bnot(?:e|es|ed|ing)\b", re.I)
_ACTS = re.compile(
    r"\b(?:agree[sd]?|approv(?:e|es|ed)|adopt(?:s|ed)?|endors(?:e|es|ed)|delegat(?:e|es|ed)|resolv(?:e|es|ed)|"
    r"request(?:s|ed)?|elect(?:s|ed)?|appoint(?:s|ed)?|recommend(?:s|ed)?|authori[sz](?:e|es|ed)|"
    r"comment(?:s|ed)?|commend(?:s|ed)?|confirm(?:s|ed)?|ask(?:s|ed)?|urg(?:e|es|ed)|call(?:s|ed)?\s+on|"
    r"writ(?:e|es)|support(?:s|ed)?|reject(?:s|ed)?|refer(?:s|red)?|accept(?:s|ed)?|declar(?:e|es|ed)|"
    r"record(?:s|ed)?\s+(?:the|its|their)|extend(?:s|ed)?|sign(?:s|ed)?)\b",
    re.I,
)

# -- records of decision ----------------------------------------------------------------------

_ROD_HEADER = re.compile(r"\b(?P<proposed>PROPOSED\s+)?RECORD\s+OF\s+(?:KEY\s+)?DECISION\b", re.I)
_TAKEN_BY = re.compile(
    r"^\s*(?:DECISION\s+TO\s+BE\s+TAKEN\s+BY|DECISION[- ]MAKER|DECISION\s+TAKEN\s+BY)\s*:?\s*(?P<rest>.*)$",
    re.I,
)
_DECISION_NUMBER = re.compile(r"^\s*DECISION\s+(?:NO|NUMBER|REF(?:ERENCE)?)\.?\s*:?\s*(?P<rest>.*)$", re.I)
_DECISION_TITLE = re.compile(
    r"^\s*(?:Subject\s+Matter\s*/\s*)?Title\s+of\s+Decision\s*:?\s*(?P<rest>.*)$", re.I
)
_DECISION_LABEL = re.compile(r"^\s*Decision\s*:\s*(?P<rest>.*)$", re.I)
_DECISION_END = re.compile(
    r"^\s*(?:Reasons?(?:\s*\(s\))?\s+for\s+(?:the\s+)?decision|Background\b|Financial\s+Implications|"
    r"Cabinet\s+Committee\s+recommendations|Any\s+alternatives\s+considered)",
    re.I,
)
# Labels of a record of decision's header, none of which is part of who takes the decision.
_HEADER_LABEL = re.compile(r"^\s*(?:DECISION\s+(?:NO|NUMBER)|For\s+publication|Key\s+decision)\b", re.I)

# -- proposal forms ---------------------------------------------------------------------------

_PROPOSER = re.compile(r"^\s*Proposer\s*:\s*(?P<mover>.+?)(?:\s+Seconder\s*:\s*(?P<seconder>.+?))?\s*$", re.I)
_SECONDER = re.compile(r"^\s*Seconder\s*:\s*(?P<seconder>.+?)\s*$", re.I)
_FORM_BODY = re.compile(
    r"^\s*(?:Proposed\s+Purpose|Motion|Amendment\s+wording|Proposed\s+motion)\s*:\s*(?P<rest>.*)$", re.I
)
_FORM_END = re.compile(
    r"^\s*(?:Proposed\s+Amount|Proposed\s+Funding|Background\s+Information|Signed)\b", re.I
)
_MINUTES_TITLE = re.compile(r"\bminutes\b", re.I)


# -- a document as one text -------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    page: int  # 1-based page number
    index: int  # index in the page's lines
    text: str


class _Text:
    """The pages joined into one text, with the way back from an offset to a page line.

    Minutes run across page breaks (a motion on one page, its vote on the next), so patterns are
    matched over the whole document; quotes are then cut from single pages, whole lines at a time,
    which keeps them verbatim.
    """

    def __init__(self, pages: list[CleanPage]) -> None:
        self.pages = {p.number: p for p in pages}
        self.lines = [_Line(p.number, i, ln) for p in pages for i, ln in enumerate(p.lines)]
        self.starts: list[int] = []
        offset = 0
        for line in self.lines:
            self.starts.append(offset)
            offset += len(line.text) + 1
        self.text = "\n".join(line.text for line in self.lines)

    def line_at(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def line_end(self, i: int) -> int:
        return self.starts[i] + len(self.lines[i].text)


# -- the decision being assembled -------------------------------------------------------------


@dataclass
class _Draft:
    kind: DecisionKind
    text: str
    start: int  # offset of the line that opens it
    mover: str | None = None
    seconder: str | None = None
    para: int | None = None  # the minute paragraph that records it
    status: DecisionStatus | None = None
    votes: tuple[int | None, int | None, int | None] = (None, None, None)
    call: int | None = None  # offset of the chair's call to vote on it
    tally: int | None = None  # offset of its first recorded count
    outcome: int | None = None  # offset of the line that gives its outcome
    end: int = 0  # offset where its wording ends
    substantive: bool = False  # a vote on "the substantive motion" rather than on a proposal
    consumed: bool = False  # told by the resolution it led to, so not a decision of its own
    basis: _Draft | None = None  # for a resolution, the vote that passed it
    outcome_end: int | None = None  # offset where the outcome's sentence ends
    proposed_at: int | None = None  # offset of the line that names its mover and seconder

    @property
    def last(self) -> int:
        """Where the minutes last say something about it: its outcome, count, call or proposal."""
        return max(x for x in (self.start, self.call, self.tally, self.outcome) if x is not None)


@dataclass(order=True)
class _Event:
    start: int
    end: int
    kind: str = field(compare=False)
    match: re.Match[str] | None = field(compare=False, default=None)
    extra: dict[str, object] = field(compare=False, default_factory=dict)


# -- entry point ------------------------------------------------------------------------------


def extract_decisions(meta: Document, pages: list[CleanPage]) -> list[Decision]:
    """The decisions that `pages` record, each with its page and a verbatim quote of that page.

    The paper's own layout says which reader applies: a record of decision's header, a proposal
    form's "Proposer:" label, or minutes (a "minutes" title, or the manifest's category). Any other
    paper (a report, an appendix) yields nothing, because the resolutions it quotes were made
    elsewhere and would be counted twice.
    """
    if not pages:
        return []
    doc = _Text(pages)
    head = [ln.text for ln in doc.lines[:12]]
    if any(_ROD_HEADER.search(t) for t in head[:6]) and any(
        _DECISION_LABEL.match(ln.text) for ln in doc.lines
    ):
        return list(_record_of_decision(meta, doc))
    if any(_PROPOSER.match(ln.text) for ln in doc.lines[:40]) and not _is_minutes(meta, head):
        return list(_proposal_form(meta, doc))
    if _is_minutes(meta, head):
        return list(_minutes(meta, doc))
    return []


def _is_minutes(meta: Document, head: list[str]) -> bool:
    return (meta.category or "").lower() == "minutes" or any(_MINUTES_TITLE.search(t) for t in head[:6])


# -- minutes ----------------------------------------------------------------------------------


def _minutes(meta: Document, doc: _Text) -> Iterator[Decision]:
    """Each agenda item's decisions, read in the order the minutes tell them, dated by the meeting
    the minutes record (a previous meeting's minutes are filed with the meeting that approves them)."""
    body, date = _minutes_header(doc)
    committee = meta.committee
    if body and meta.committee and not _same_body(body, meta.committee):
        committee = body  # another body's minutes, appended to this meeting's papers
    meeting_date = date or meta.meeting_date
    if date and meta.meeting_date and date > meta.meeting_date:
        meeting_date = None  # a misprinted date: minutes cannot be of a later meeting
    headings = _item_headings(doc)
    first = headings[0][0] if headings else len(doc.lines)
    regions: list[tuple[int, int, str | None, bool]] = [(0, first, None, True)] if first > 0 else []
    ends = [h[0] for h in headings[1:]] + ([len(doc.lines)] if headings else [])
    regions += [
        (start, end, title, marked) for (start, title, marked), end in zip(headings, ends, strict=True)
    ]
    for start_line, end_line, title, marked in regions:
        if start_line >= end_line:
            continue
        lo = doc.starts[start_line]
        hi = doc.line_end(end_line - 1)
        for draft in _item_decisions(doc, lo, hi):
            item = title if marked or not _restarts_before(doc, start_line, draft.start) else None
            yield _to_decision(meta, doc, draft, item, committee, meeting_date)


# The minutes' own heading: "MINUTES of a meeting of the County Council held ... on Thursday,
# 9 January 2025.", "CORPORATE PARENTING PANEL – 10th December 2024", "Minutes extract from the
# Selection and Member Services Committee – 13 December 2024".
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_DATE = rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTH})\s+(?P<year>(?:19|20)\d{{2}})"
_HELD = re.compile(
    rf"\bMINUTES\s+of\s+(?:a|the)\s+meeting\s+of\s+(?:the\s+)?(?P<body>[^\n]+?)\s+held\b[^.]*?{_DATE}",
    re.I | re.S,
)
_TITLE_LINE = re.compile(rf"^(?P<body>[A-Z][A-Z &,'’\-]{{3,80}}?)\s*[–\-]\s*{_DATE}\s*$", re.M)
_EXTRACT = re.compile(
    rf"\bMinutes\s+ex\w+\s+(?:from|of)\s+(?:the\s+)?(?P<body>[^\n–]+?)\s+[–\-]\s+{_DATE}", re.I | re.S
)


def _minutes_header(doc: _Text) -> tuple[str | None, str | None]:
    """The body whose meeting the minutes record, and its date (ISO), from the first lines."""
    head = "\n".join(ln.text for ln in doc.lines[:10])
    for pattern in (_HELD, _TITLE_LINE, _EXTRACT):
        m = pattern.search(head)
        if m:
            months = ["january", "february", "march", "april", "may", "june", "july", "august",
                      "september", "october", "november", "december"]  # fmt: skip
            month = months.index(m.group("month").lower()) + 1
            date = f"{int(m.group('year')):04d}-{month:02d}-{int(m.group('day')):02d}"
            return squash(m.group("body")).title() if m.group("body").isupper() else squash(
                m.group("body")
            ), date
    return None, None


def _same_body(printed: str, committee: str) -> bool:
    """Whether the minutes' printed body ("County Council", "Cabinet") is the committee the paper
    is filed under ("full_council", "cabinet"): they share a word other than a generic one."""
    generic = {"the", "of", "and", "committee", "kent", "county"}
    words = {w for w in re.findall(r"[a-z]+", printed.lower()) if w not in generic}
    slug = {w for w in re.findall(r"[a-z]+", committee.lower()) if w not in generic}
    return bool(words & slug) or not words


def _restarts_before(doc: _Text, heading_line: int, offset: int) -> bool:
    """True when paragraph numbering starts again at 1 between an unmarked heading and `offset`:
    a new item began under a heading too irregular to be found, so this heading is not its item."""
    last = doc.line_at(offset)
    ones = [i for i in range(heading_line + 1, last) if re.match(r"^\s*\(?1[.)]\s", doc.lines[i].text)]
    return any(i > heading_line + 1 for i in ones)


def _item_headings(doc: _Text) -> list[tuple[int, str, bool]]:
    """(first line, heading, marked) of each agenda item, in order.

    A heading is what stands above an "(Item N)" mark, from its minute number ("285.") when the
    title wraps over lines that do not end a sentence, or a line that names its item ("Item 6 –
    Governance Working Party Updates"). Papers without the marks (a panel's minutes)
    have unnumbered headings: a short title line between a finished sentence and the item's first
    paragraph or resolution. Those are also looked for before the first marked item, where the
    minutes' opening business sits.
    """
    lines = [ln.text for ln in doc.lines]
    marked: list[tuple[int, str, bool]] = []
    for i, text in enumerate(lines):
        if not _ITEM_MARK.match(text.strip()) or i == 0:
            continue
        first = i - 1
        for back in range(i - 1, max(-1, i - 4), -1):
            if back < i - 1 and _LINE_END.search(lines[back]):
                break
            if _MINUTE_NUMBER.match(lines[back]):
                first = back
                break
        marked.append((first, squash(" ".join(lines[first:i])), True))
    marked += [(i, squash(text), True) for i, text in enumerate(lines) if _ITEM_TITLE.match(text)]
    marked.sort()
    limit = marked[0][0] if marked else len(lines)
    unmarked = [(i, squash(lines[i]), False) for i in range(1, limit - 1) if _is_bare_heading(lines, i)]
    return sorted(unmarked + marked)


def _is_bare_heading(lines: list[str], i: int, first_only: bool = True) -> bool:
    """A short title line after a finished sentence, before a paragraph (the first one, when
    `first_only`) or a resolution: "Participation Team update", "Motion for Time Limited Debate 2 –
    Electoral Reform in Kent"."""
    if i <= 0 or i + 1 >= len(lines):
        return False
    text = lines[i].strip()
    words = text.split()
    if not (3 <= len(text) <= 100 and 1 <= len(words) <= 14):
        return False
    if not text[0].isupper() or text[-1] in ".,;:" or _PARA_MARKER.match(text) or "RESOLVED" in text:
        return False
    prev = lines[i - 1].strip()
    prev_closed = bool(_LINE_END.search(prev)) or (prev.isupper() and len(prev) > 3)
    after = lines[i + 1]
    opens = _FIRST_PARA.match(after) if first_only else _PARA_MARKER.match(after) or _RESOLVED.match(after)
    return prev_closed and bool(opens)


def _para_number(doc: _Text, offset: int) -> tuple[int | None, str | None]:
    """The paragraph number and its style ("(N)", "N)", "N.") of the line holding `offset`, if the
    line opens a numbered paragraph and `offset` is near its start."""
    i = doc.line_at(offset)
    m = _PARA_MARKER.match(doc.lines[i].text)
    if not m:
        return None, None
    style = "(N)" if m.group("a") else "N)" if m.group("b") else "N."
    return int(m.group("a") or m.group("b") or m.group("c")), style


def _next_para(doc: _Text, offset: int, hi: int, number: int | None, style: str | None) -> int:
    """Offset of the next paragraph of the same numbering after `offset` (its number + 1), or `hi`.

    A motion's wording often holds numbered lists of its own, "(1)" inside a "5)" paragraph, so only
    the next number in the paragraph's own style ends it.
    """
    if number is None:
        return hi
    first = doc.line_at(offset) + 1
    for i in range(first, len(doc.lines)):
        if doc.starts[i] >= hi:
            break
        m = _PARA_MARKER.match(doc.lines[i].text)
        if not m:
            continue
        this_style = "(N)" if m.group("a") else "N)" if m.group("b") else "N."
        if this_style == style and int(m.group("a") or m.group("b") or m.group("c")) == number + 1:
            return doc.starts[i]
    return hi


def _events(doc: _Text, lo: int, hi: int) -> list[_Event]:
    """Everything in one item that moves the story on, in order of place."""
    text = doc.text
    events: list[_Event] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for kind, pattern in (
        ("suggestion", _AGREED_SUGGESTION),
        ("proposal", _PROPOSAL),
        ("proposal", _MOVED_BY),
        ("proposal", _SOLE_PROPOSAL),
    ):
        for m in pattern.finditer(text, lo, hi):
            if free(m.start(), m.end()):
                events.append(_Event(m.start(), m.end(), kind, m))
                taken.append((m.start(), m.end()))
    for m in _VOTE_CALL.finditer(text, lo, hi):
        if free(m.start(), m.end()) and not _is_request_to_vote(text, m.start()):
            events.append(_Event(m.start(), m.end(), "call", m))
    events += _tallies(text, lo, hi)
    for m in _OUTCOME_LINE.finditer(text, lo, hi):
        events.append(_Event(m.start(), m.end(), "outcome", m))
    for m in _OUTCOME_SENTENCE.finditer(text, lo, hi):
        if free(m.start(), m.end()):
            events.append(_Event(m.start(), m.end(), "outcome", m))
    for m in _ACCEPTED.finditer(text, lo, hi):
        events.append(_Event(m.start(), m.end(), "accepted", m))
    for m in _RESOLVED.finditer(text, lo, hi):
        events.append(_Event(m.start(), m.end(), "resolved", m))
    for m in _SET_ASIDE.finditer(text, lo, hi):
        if free(m.start(), m.end()) and _opens_paragraph(doc, m.start()):
            events.append(_Event(m.start(), m.end(), "set_aside", m))
    for m in _AFTERWORD.finditer(text, lo, hi):
        events.append(_Event(m.start(), m.end(), "afterword", m))
    # A sub-heading inside an item ("Motion for Time Limited Debate 2 – ...") ends what is above it.
    lines = [ln.text for ln in doc.lines]
    for i in range(doc.line_at(lo) + 1, doc.line_at(hi)):
        if _is_bare_heading(lines, i, first_only=False):
            events.append(_Event(doc.starts[i], doc.line_end(i), "heading"))
    return sorted(events)


def _is_request_to_vote(text: str, at: int) -> bool:
    """True for "... seconded that the motion be put to the vote": a procedural motion's wording,
    not the chair's call."""
    before = text[max(0, at - 12) : at]
    return bool(re.search(r"\bbe\s*$", before))


def _opens_paragraph(doc: _Text, offset: int) -> bool:
    i = doc.line_at(offset)
    if i == 0:
        return True
    prev = doc.lines[i - 1].text.strip()
    return bool(_LINE_END.search(prev)) or bool(_ITEM_MARK.match(prev))


def _tallies(text: str, lo: int, hi: int) -> list[_Event]:
    """Recorded votes: runs of For/Against/Abstain counts, a new run at each "For"."""
    out: list[_Event] = []
    current: _Event | None = None
    for m in _TALLY.finditer(text, lo, hi):
        label = m.group("label").lower()
        count = int(m.group("n1") or m.group("n2") or m.group("n3"))
        slot = (
            "for"
            if label.startswith(("for", "in"))
            else "against"
            if label.startswith("against")
            else "abstain"
        )
        if current is None or slot == "for" or slot in current.extra or m.start() - current.end > 2500:
            current = _Event(m.start(), m.end(), "tally", m)
            out.append(current)
        current.extra[slot] = count
        current.end = m.end()
    return [e for e in out if "for" in e.extra and "against" in e.extra]


_RESULTS: dict[str, DecisionStatus] = {
    "carried": "carried",
    "approved": "carried",
    "agreed": "agreed",
    "lost": "lost",
    "defeated": "lost",
    "fell": "lost",
    "rejected": "lost",
    "withdrawn": "withdrawn",
    "deferred": "deferred",
}


def _item_decisions(doc: _Text, lo: int, hi: int) -> list[_Draft]:
    """Walk one item's events, tying each vote and outcome to what it decided.

    A call to vote names the paragraph it puts ("the amendment set out in paragraph 17"); without
    one it is the latest undecided proposal of the kind named. A vote on "the substantive motion"
    is on the motion as it stands after amendments, so it is its own draft, which the resolution
    that follows takes its vote from. A resolution takes the mover of the motion it passed, but
    only when no amendment was carried after that motion was moved: then the words are no longer
    the mover's alone.
    """
    events = _events(doc, lo, hi)
    stops = [e.start for e in events]
    drafts: list[_Draft] = []
    target: _Draft | None = None  # what the latest call to vote (or tally) is about
    last_resolution = lo

    def stop_after(offset: int, para: int | None, style: str | None) -> int:
        nxt = min([s for s in stops if s > offset] + [hi])
        return min(nxt, _next_para(doc, offset, hi, para, style))

    def latest(kind: str | None = None) -> _Draft | None:
        """The latest proposal still undecided, of `kind` when given."""
        for d in reversed(drafts):
            if d.kind in ("resolution", "decision") or d.substantive or d.status is not None:
                continue
            if kind is None or d.kind == kind:
                return d
        return None

    for ev in events:
        m = ev.match
        if m is None:  # a sub-heading only bounds the wording above it
            continue
        if ev.kind in ("proposal", "suggestion"):
            para, style = _para_number(doc, ev.start)
            end = stop_after(ev.end, para, style)
            kind_word = (m.groupdict().get("kind") or "motion").lower()
            words, inline = _wording(doc.text[ev.end : end])
            words = _motion_sentence(words)
            draft = _Draft(
                kind="amendment" if kind_word == "amendment" else "motion",
                text=words,
                start=doc.starts[doc.line_at(ev.start)],
                mover=_name(m.group("mover")),
                seconder=_name(m.groupdict().get("seconder")),
                para=para,
                end=end,
                proposed_at=doc.starts[doc.line_at(ev.start)],
            )
            if ev.kind == "suggestion":
                _decide(draft, "agreed", ev.start, ev.end)
            elif inline is not None:
                _decide(draft, inline, ev.start, end)
            drafts.append(draft)
            target = None
        elif ev.kind == "call":
            target = _call_target(drafts, m, ev, doc)
            if target not in drafts:
                drafts.append(target)
            target.call = target.call if target.call is not None else ev.start
            result = _INLINE_RESULT.search(m.group("rest"))
            if result and target.status is None:
                _decide(target, _RESULTS[result.group("result").lower()], ev.start, ev.end)
        elif ev.kind == "tally":
            told_long_ago = (
                target is not None
                and target.outcome is not None
                and ev.start - (target.outcome_end or target.outcome) > 400
            )
            if target is None or target.tally is not None or told_long_ago:
                target = latest() or _bare_vote(doc, ev)
                if target not in drafts:
                    drafts.append(target)
            if target.tally is None:
                target.tally = ev.start
                target.votes = (
                    _int(ev.extra.get("for")),
                    _int(ev.extra.get("against")),
                    _int(ev.extra.get("abstain")),
                )
        elif ev.kind == "outcome":
            what = (m.group("what") or "").lower()
            result_word = m.group("result").lower()
            chosen = target if target is not None and target.status is None else None
            if chosen is None:
                chosen = latest("amendment" if what == "amendment" else None)
            if chosen is not None and chosen.status is None:
                _decide(chosen, _RESULTS[result_word], ev.start, ev.end)
            # A count printed after its outcome ("... was lost (For 10, Against 20)") is still its.
            target = chosen if chosen is not None and chosen.tally is None else None
        elif ev.kind == "accepted":
            amendment = latest("amendment")
            if amendment is not None:
                _decide(amendment, "agreed", ev.start, ev.end)
        elif ev.kind == "set_aside":
            subject = m.group("subject").lower()
            status = _RESULTS[m.group("result").lower()]
            proposal = (
                latest("amendment" if "amendment" in subject else "motion")
                if re.search(r"\b(?:amendment|motion)\b", subject)
                else None
            )
            if proposal is not None:
                _decide(proposal, status, ev.start, ev.end)
            else:
                end = doc.line_end(doc.line_at(ev.end - 1))
                drafts.append(
                    _Draft(
                        kind="decision",
                        text=squash(doc.text[ev.start : end]),
                        start=ev.start,
                        status=status,
                        outcome=ev.start,
                        end=end,
                    )
                )
        elif ev.kind == "resolved":
            para, style = _para_number(doc, ev.start)
            end = _first_sentence(doc, ev.start, stop_after(ev.end, para, style))
            words, _ = _wording(doc.text[ev.end : end])
            if not words:
                continue
            resolution = _Draft(
                kind="resolution", text=words, start=ev.start, para=para, end=end, outcome=ev.start
            )
            _settle(resolution, drafts, last_resolution)
            drafts.append(resolution)
            last_resolution = ev.start
            target = None
    return [d for d in drafts if not d.consumed and _worth_keeping(d)]


def _first_sentence(doc: _Text, start: int, end: int) -> int:
    """Where a resolution that does not open a list ends: at its first line that ends a sentence.

    "RESOLVED that the Panel note the report." is followed, in minutes without numbered items, by
    the next item's heading; a resolution whose first line ends with ":" holds a list and runs on.
    """
    first = doc.line_at(start)
    if doc.lines[first].text.rstrip().endswith(":"):
        return end
    for i in range(first, len(doc.lines)):
        if doc.starts[i] >= end:
            break
        if re.search(r"[.;]\s*$", doc.lines[i].text):
            return min(end, doc.line_end(i))
    return end


def _decide(d: _Draft, status: DecisionStatus, start: int, end: int) -> None:
    d.status, d.outcome, d.outcome_end = status, start, end


def _call_target(drafts: list[_Draft], m: re.Match[str], ev: _Event, doc: _Text) -> _Draft:
    """The draft a call to vote is about: the paragraph it names, else the latest of its kind."""
    what = m.group("what").lower()
    rest = m.group("rest")
    ref = _PARAGRAPH_REF.search(rest)
    named = None
    if ref:
        number = int(ref.group(1))
        named = next(
            (d for d in reversed(drafts) if d.para == number and d.kind in ("motion", "amendment")), None
        )
    if m.group("part") or (what.startswith("substantive") and (named is None or named.status is not None)):
        return _bare_vote(doc, ev, substantive=True)
    if named is not None:
        return named
    kind = "amendment" if what == "amendment" else "motion"
    for d in reversed(drafts):
        if d.kind == kind and not d.substantive and d.status is None:
            return d
    return _bare_vote(doc, ev, substantive=what.startswith("substantive"))


def _bare_vote(doc: _Text, ev: _Event, substantive: bool = False) -> _Draft:
    """A vote on something not moved in these minutes: what the chair put, in their words."""
    i = doc.line_at(ev.start)
    sentence_end = doc.text.find(".", ev.start)
    end = doc.line_end(doc.line_at(sentence_end if sentence_end != -1 else ev.end))
    said = doc.text[doc.starts[i] : end]
    quoted = _QUOTED.search(said)
    text = squash(quoted.group("q")) if quoted else squash(_PARA_MARKER.sub("", said, count=1))
    return _Draft(kind="motion", text=text, start=doc.starts[i], substantive=substantive, end=end)


def _settle(resolution: _Draft, drafts: list[_Draft], since: int) -> None:
    """Give a resolution the vote that passed it, and its mover when that is still theirs."""
    basis: _Draft | None = None
    for d in drafts:
        if d.kind != "motion" or d.consumed or d.status not in (None, "carried", "agreed"):
            continue
        if d.last < since:
            continue
        if basis is None or d.last > basis.last:
            basis = d
    if basis is None:
        status: DecisionStatus = "noted" if _noting_only(resolution.text) else "agreed"
        resolution.status = status
        return
    resolution.basis = basis
    basis.consumed = True
    resolution.votes = basis.votes
    if basis.status == "carried":
        resolution.status = "carried"
    else:
        resolution.status = "noted" if _noting_only(resolution.text) and basis.tally is None else "agreed"
    motion = basis if not basis.substantive else _main_motion(drafts, since)
    if motion is None:
        return
    amended = any(
        d.kind == "amendment" and d.status in ("carried", "agreed") and d.start > motion.start for d in drafts
    )
    if basis.substantive and not amended:
        motion.consumed = True  # the motion as moved is told by what it became
    if not amended:
        resolution.mover, resolution.seconder = motion.mover, motion.seconder
        resolution.proposed_at = motion.proposed_at
    elif motion.status is None:
        # Amended before it passed: the resolution is no longer the mover's words alone, but who
        # moved and seconded the motion is still a fact of the meeting, kept as the motion proposed.
        motion.status = "proposed"


def _main_motion(drafts: list[_Draft], since: int) -> _Draft | None:
    """The motion a substantive vote is about: the first one moved in the item since the last
    resolution (later motions are procedural: to extend the meeting, to put the question)."""
    for d in drafts:
        if d.kind == "motion" and not d.substantive and d.start >= since:
            return d
    return None


def _noting_only(text: str) -> bool:
    return bool(_NOTES.search(text)) and not _ACTS.search(text)


def _worth_keeping(d: _Draft) -> bool:
    """A motion with no outcome, no vote and no resolution is a fragment (a quoted motion in a
    debate) rather than a decision; an amendment is kept, as proposed, even then."""
    if not d.text:
        return False
    return not (d.kind == "motion" and d.status is None and d.tally is None)


def _wording(raw: str) -> tuple[str, DecisionStatus | None]:
    """The words of a motion or resolution: whitespace squashed, surrounding quotes dropped, and an
    outcome given in the same sentence ("... and it was agreed unanimously.") taken off."""
    text = squash(raw)
    inline: DecisionStatus | None = None
    m = re.search(r"\s*,?\s+and\s+it\s+was\s+(agreed|carried|lost)(?:\s+unanimously)?\.?(?:\s|$)", text, re.I)
    if m:
        inline = _RESULTS[m.group(1).lower()]
        text = text[: m.start()]
    text = text.strip(" :,–-")
    if text.startswith(("“", '"')) and text.endswith(("”", '"', "”.")) and text.count("“") <= 1:
        text = text[1:].rstrip(".").rstrip('”"')
    elif text.startswith("“") and "”" not in text:
        text = text[1:]  # a quotation the minutes never close
    return text.strip(), inline


def _motion_sentence(words: str) -> str:
    """An unquoted motion without a list is one sentence ("that the timetable be deferred for three
    months."); what follows it is the minutes' narrative, not the motion."""
    if not words or words[0] in '“"' or re.match(r"\(?\w{1,3}[.)]\s", words):
        return words  # a quotation or a list
    spans = sentence_spans(words)
    first = words[: spans[0][1]] if spans else words
    return words if ":" in first else first


def _name(raw: str | None) -> str | None:
    if raw is None:
        return None
    name = squash(re.sub(r"\s*\([^)]*\)", "", raw))
    name = re.sub(r"^[Tt]he\s+", "", name)
    return name or None


def _int(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _to_decision(
    meta: Document, doc: _Text, d: _Draft, item: str | None, committee: str | None, meeting_date: str | None
) -> Decision:
    """The draft as a record: its page is where its outcome is told, its quote a run of that page."""
    assert d.status is not None or d.kind == "amendment"
    status: DecisionStatus = d.status or "proposed"
    if d.kind == "resolution":
        page, quote = _resolution_quote(doc, d)
    else:
        page, quote = _proposal_quote(doc, d)
    # The proposer's line and the count are quoted on their own as well: the second reader may
    # confirm only part of the decision's quote (`ingest.pipeline.confirmed_decisions`), and what
    # the confirmed part no longer shows is then cited from these.
    mover_page = mover_quote = None
    if d.mover and d.proposed_at is not None:
        mover_page, mover_quote = _proposer_quote(doc, d.proposed_at)
    vote_page = vote_quote = None
    counted = d.basis if d.kind == "resolution" and d.basis is not None else d
    if counted.votes[0] is not None:
        vote_page, vote_quote = _vote_quote(doc, counted)
    return Decision(
        doc_id=meta.doc_id,
        kind=d.kind,
        text=d.text,
        status=status,
        page=page,
        quote=quote,
        committee=committee,
        meeting_date=meeting_date,
        item=item,
        votes_for=d.votes[0],
        votes_against=d.votes[1],
        abstentions=d.votes[2],
        mover=d.mover,
        seconder=d.seconder,
        mover_page=mover_page,
        mover_quote=mover_quote,
        vote_page=vote_page,
        vote_quote=vote_quote,
    )


# A name stated as mover or seconder, not merely listed among those who voted: "Mr Brady proposed",
# "moved by Councillor A", "Proposer: Mark Hood".
_STATED_AFTER = r"\b[^.;:\n]{0,100}?\b(?:proposed|moved|seconded)\b"
_STATED_BEFORE = r"(?:(?:moved|proposed|seconded)\s+by|Proposer\s*:|Seconder\s*:)[^.;\n]{0,60}?\b"


def states_person(text: str, name: str) -> bool:
    """Whether `text` says that `name` moved or seconded something (their surname next to the
    verb), as opposed to naming them in a list of votes."""
    surname = re.escape(name.split()[-1])
    flat = squash(text)
    return bool(
        re.search(rf"\b{surname}{_STATED_AFTER}", flat, re.I)
        or re.search(rf"{_STATED_BEFORE}{surname}\b", flat, re.I)
    )


def _proposer_quote(doc: _Text, at: int) -> tuple[int, str]:
    """The sentence that names the mover and seconder: whole lines of its page from the line it
    opens on, to the end of the sentence or the quote limit."""
    first = doc.line_at(at)
    page = doc.lines[first].page
    last = first

    def more(line: int) -> bool:
        return line + 1 < len(doc.lines) and doc.lines[line + 1].page == page

    while not _LINE_END.search(doc.lines[last].text) and more(last):
        last += 1
    # "... seconded the following amendment:" names what they moved on the lines after the colon:
    # the quote goes on to the end of that opening sentence, so it says what was moved.
    if doc.lines[last].text.rstrip().endswith(":") and more(last):
        last += 1
        while not _SENTENCE_END.search(doc.lines[last].text) and more(last) and last - first < _MOTION_LINES:
            last += 1
    return page, _window(doc, [first], last, keep="start")


def _vote_quote(doc: _Text, d: _Draft) -> tuple[int | None, str | None]:
    """The call to vote and the count, quoted on their own (`ingest.pipeline.confirmed_decisions`
    keeps it where the decision's own confirmed quote does not show the whole count): whole lines of
    the page the vote opens on, from the call through the outcome or the page's end; from the first
    count when the call ends the page before it."""
    for opens in dict.fromkeys((d.call, d.tally)):  # the call, or the count when it is on the next page
        if opens is None:
            continue
        first = doc.line_at(opens)
        page = doc.lines[first].page
        last = first
        stop = doc.line_at(d.outcome) if d.outcome is not None else None
        while (
            last + 1 < len(doc.lines) and doc.lines[last + 1].page == page and (stop is None or last < stop)
        ):
            last += 1
        quote = _window(doc, [first], last, keep="start")
        if _TALLY.search(quote):
            return page, quote
    return None, None


def _proposal_quote(doc: _Text, d: _Draft) -> tuple[int, str]:
    """From the proposal (or, when that does not fit, the call to vote or the count) to the outcome
    line, on the outcome's page."""
    if d.outcome is not None:
        last = doc.line_at(max(d.outcome, (d.outcome_end or d.outcome) - 1))
    elif d.tally is not None:
        last = doc.line_at(d.tally)
        while (
            last + 1 < len(doc.lines)
            and doc.lines[last + 1].page == doc.lines[last].page
            and doc.starts[last + 1] < d.end
            and _TALLY.match(doc.lines[last + 1].text) is None
        ):
            last += 1
    else:
        last = doc.line_at(d.start)
        while (
            last + 1 < len(doc.lines)
            and doc.lines[last + 1].page == doc.lines[last].page
            and doc.starts[last + 1] < d.end
        ):
            last += 1
        return doc.lines[last].page, _window(doc, [doc.line_at(d.start)], last, keep="start")
    candidates = [doc.line_at(d.start)]
    candidates += [doc.line_at(x) for x in (d.call, d.tally) if x is not None]
    return doc.lines[last].page, _window(doc, candidates, last, keep="end")


def _resolution_quote(doc: _Text, d: _Draft) -> tuple[int, str]:
    """From the vote that passed it (when it fits on the same page) through the resolution's words
    on the page where "RESOLVED" is printed."""
    first = doc.line_at(d.start)
    page = doc.lines[first].page
    last = first
    while last + 1 < len(doc.lines) and doc.lines[last + 1].page == page and doc.starts[last + 1] < d.end:
        last += 1
    candidates: list[int] = []
    if d.basis is not None:
        for x in (d.basis.start, d.basis.call, d.basis.tally, d.basis.outcome):
            if x is not None:
                candidates.append(doc.line_at(x))
    candidates.append(first)
    floor = first
    if d.basis is not None and d.basis.outcome is not None:
        told = doc.line_at(d.basis.outcome)
        if doc.lines[told].page == page and 0 < first - told <= 3:
            floor = told  # keep "Motion carried." with the resolution when the whole vote does not fit
    return page, _window(doc, candidates, last, keep="end", floor=floor)


def _window(doc: _Text, firsts: list[int], last: int, keep: str, floor: int | None = None) -> str:
    """Whole lines of one page from the first candidate start that fits MAX_QUOTE through `last`.

    Candidates on another page are moved to the page's first line. With keep="end" the window is
    shortened from its start (the outcome matters most); with a `floor` (a resolution's first
    line) it is then shortened from its end, so the "RESOLVED" line stays in.
    """
    page = doc.lines[last].page
    page_first = last
    while page_first > 0 and doc.lines[page_first - 1].page == page:
        page_first -= 1
    starts = [max(f, page_first) for f in firsts if f <= last]
    if not starts:
        starts = [page_first]

    def text(a: int, b: int) -> str:
        return "\n".join(doc.lines[k].text for k in range(a, b + 1))

    for s in starts:
        if len(text(s, last)) <= MAX_QUOTE:
            return text(s, last)
    if keep == "start" or floor is not None:
        s = max(starts[-1], page_first) if floor is None else max(floor, page_first)
        b = last
        while b > s and len(text(s, b)) > MAX_QUOTE:
            b -= 1
        return text(s, b)
    s = starts[-1]
    while s < last and len(text(s, last)) > MAX_QUOTE:
        s += 1
    return text(s, last)


# -- records of decision ------------------------------------------------------------------------


def _record_of_decision(meta: Document, doc: _Text) -> Iterator[Decision]:
    """The decision of a record of decision, with who takes it and, when the header says the
    record is proposed, status "proposed" (a signed record is an agreed decision)."""
    lines = [ln.text for ln in doc.lines]
    header, head = next((i, m) for i, t in enumerate(lines[:6]) if (m := _ROD_HEADER.search(t)))
    proposed = bool(head.group("proposed"))
    maker = _labelled(lines, _TAKEN_BY, stop=_HEADER_LABEL)
    number = _labelled(lines, _DECISION_NUMBER, stop=_HEADER_LABEL, max_lines=1)
    title_stop = re.compile(r"^\s*Decision\s*:", re.I)
    title = _labelled(lines, _DECISION_TITLE, stop=title_stop, max_lines=4)
    label, labelled = next((i, m) for i, t in enumerate(lines) if (m := _DECISION_LABEL.match(t)))
    end = next((i for i in range(label + 1, len(lines)) if _DECISION_END.match(lines[i])), len(lines))
    first = label
    rest = labelled.group("rest")
    body = [rest] if rest.strip() else []
    body += lines[label + 1 : end]
    text = squash(" ".join(body))
    if not text:
        return
    page = doc.lines[first].page
    last = first
    while last + 1 < end and doc.lines[last + 1].page == page:
        last += 1
    title_line = next((i for i, t in enumerate(lines[:label]) if _DECISION_TITLE.match(t)), first)
    quote = _window(doc, [header, title_line, first], last, keep="start", floor=first)
    item = f"{number} - {title}" if number and title else title or number
    yield Decision(
        doc_id=meta.doc_id,
        kind="decision",
        text=text,
        status="proposed" if proposed else "agreed",
        page=page,
        quote=quote,
        committee=meta.committee,
        meeting_date=meta.meeting_date,
        item=item,
        decision_maker=maker,
    )


def _labelled(
    lines: list[str], label: re.Pattern[str], stop: re.Pattern[str], max_lines: int = 3
) -> str | None:
    """The value after a header label, on its line or the lines below it up to the next label."""
    for i, text in enumerate(lines[:60]):
        m = label.match(text)
        if not m:
            continue
        parts = [m.group("rest").strip()] if m.group("rest").strip() else []
        for following in lines[i + 1 : i + 1 + max_lines]:
            if stop.match(following) or _DECISION_LABEL.match(following):
                break
            if parts and max_lines == 1:
                break
            parts.append(following.strip())
        value = squash(" ".join(parts))
        return value or None
    return None


# -- proposal forms -----------------------------------------------------------------------------


def _proposal_form(meta: Document, doc: _Text) -> Iterator[Decision]:
    """A tabled amendment or motion: its proposer, seconder and wording, status "proposed"."""
    lines = [ln.text for ln in doc.lines]
    mover = seconder = None
    for text in lines[:40]:
        m = _PROPOSER.match(text)
        if m and mover is None:
            mover, seconder = m.group("mover").strip(), m.group("seconder")
        s = _SECONDER.match(text)
        if s and seconder is None:
            seconder = s.group("seconder")
    found = next(((i, m) for i, t in enumerate(lines) if (m := _FORM_BODY.match(t))), None)
    if found is None or mover is None:
        return
    body_at, body = found
    end = next((i for i in range(body_at + 1, len(lines)) if _FORM_END.match(lines[i])), len(lines))
    rest = body.group("rest")
    text = squash(" ".join([rest, *lines[body_at + 1 : end]]))
    if not text:
        return
    head = " ".join(lines[:5])
    kind: DecisionKind = "amendment" if re.search(r"\bamendment\b", head, re.I) else "motion"
    page = doc.lines[body_at].page
    last = body_at
    while last + 1 < end and doc.lines[last + 1].page == page:
        last += 1
    proposer_line = next(i for i, t in enumerate(lines) if _PROPOSER.match(t))
    quote = _window(doc, [proposer_line, body_at], last, keep="start", floor=body_at)
    yield Decision(
        doc_id=meta.doc_id,
        kind=kind,
        text=text,
        status="proposed",
        page=page,
        quote=quote,
        committee=meta.committee,
        meeting_date=meta.meeting_date,
        mover=squash(mover),
        seconder=squash(seconder) if seconder else None,
    )
