"""Questions about meetings answered from the decisions and roles stores built at ingest.

"Was the amendment carried, and what was the vote?", "Who moved it?", "What did Cabinet decide
about X?" and "Who is the Leader of the Council?" ask for fields a minute or a report cover states
in one place: the outcome, the tally, the mover and seconder, the decision-maker, a person's role.
The stores hold those fields with the page and the verbatim quote that records them, so the answer
leads with the fields asked for and cites the minute. A question the stores do not match well
enough goes on to the general extractor.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer.compose import Quote
from assistant.answer.question import Question
from assistant.answer.scope import committees_named, meeting_named
from assistant.answer.select import _tokens
from core.records import Decision, Document, Role
from core.text import squash
from core.tokens import tokenize

# A decision answers a question only when it accounts for this share of the question's own
# weight (its subject, once the words that ask for a vote or a mover are set aside), and a role
# likewise. Measured on evals/suites/kent/kent-dev.yaml (evals/README.md).
DECISION_MIN_COVER = 0.5
ROLE_MIN_COVER = 0.6
ROLE_COVER_SLACK = 0.15  # a second person is given when their role covers the question nearly as well
MAX_PEOPLE = 4
# "Which two councillors ...", "who is the champion, and who deputises?": more than one person asked.
_SEVERAL_PEOPLE = re.compile(
    r"\bwhich\s+(two|three|four|both)\b|\bwho\b[^?]*\band\s+who\b|\bwho\s+were\b", re.I
)
_PEOPLE_COUNT = {"two": 2, "both": 2, "three": 3, "four": 4}

_VOTE = re.compile(
    r"\b(?:vote[sd]?|voting|tally|for\s+and\s+against|abstain\w*|abstention\w*|majority|"
    r"(?:the|vote)\s+split(?!\s+(?:between|into|across|by))|"  # "what was the split?", not "split between"
    r"how\s+many\s+(?:members|councillors)\s+(?:voted|were\s+for|supported|opposed|backed))\b",
    re.I,
)
_MOVER = re.compile(r"\b(?:moved|mover|proposed|proposer|put\s+forward|tabled|brought)\b", re.I)
_SECONDER = re.compile(r"\bsecond(?:ed|er)\b", re.I)
_OUTCOME = re.compile(
    r"\b(?:carried|pass(?:ed)?|lost|defeated|fail(?:ed)?|adopt(?:ed|s)?|approve[ds]?|agree[ds]?|"
    r"accept(?:ed|s)?|reject(?:ed|s)?|"
    r"what\s+happened|outcome|result|go\s+through|succeed\w*)\b",
    re.I,
)
_DECIDED = re.compile(r"\b(?:decide[ds]?|decision|resolve[ds]?|resolution|agree[ds]?|recommend\w*)\b", re.I)
_WHO = re.compile(
    r"(?:^|[-–—,;:]\s*)(?:and\s+)?who\b|\bwhich\s+(?:\w+\s+)?(?:councillor|member|officer|minister|person|inspector)s?\b",
    re.I,
)
# "Which minister ...", "which planning inspector ...": the role asked for, which the person's role
# must name (a Leader is not the minister asked about).
_ROLE_ASKED = re.compile(r"\bwhich\s+(?:\w+\s+)?(councillor|member|officer|minister|inspector)s?\b", re.I)
# What the papers call the roles a question asks for by a general word.
_ROLE_WORDS = {
    "councillor": "councillor member cabinet chair chairman leader mr mrs ms",
    "member": "member cabinet councillor chair chairman leader",
    "officer": "officer director head executive chief manager analyst author",
    "minister": "minister secretary state",
    "inspector": "inspector",
}
# Words that ask for a field rather than name the decision: they are not the decision's subject.
_FIELD_WORDS = frozenset(
    tokenize(
        "vote votes voted voting tally split for against abstain abstained abstentions majority moved mover "
        "proposed proposer put forward tabled seconded seconder carried passed lost defeated failed "
        "adopted approved agreed accepted rejected happened outcome result decide decided decision "
        "resolve resolved resolution who how many members councillors did was were what"
    )
)


@dataclass(frozen=True)
class Asked:
    """Which fields of a decision the question asks for."""

    vote: bool
    mover: bool
    seconder: bool
    outcome: bool
    decision: bool

    @property
    def any(self) -> bool:
        return self.vote or self.mover or self.seconder or self.outcome or self.decision


def asked_fields(text: str) -> Asked:
    return Asked(
        vote=bool(_VOTE.search(text)),
        mover=bool(_MOVER.search(text)),
        seconder=bool(_SECONDER.search(text)),
        outcome=bool(_OUTCOME.search(text)),
        decision=bool(_DECIDED.search(text)),
    )


def cover(q: Question, have: frozenset[str] | set[str], ignore: frozenset[str] = _FIELD_WORDS) -> float:
    """Share of the question's own weight the record accounts for. Field words (`ignore`: "vote",
    "moved") and dates (already matched against the meeting or report) are not the subject."""
    weights = {**q.carried, **q.weights}  # a follow-up's subject is partly the earlier turn's
    own = {t: w for t, w in weights.items() if t not in ignore and not _is_date_word(t)}
    total = sum(own.values())
    if total <= 0:
        return 0.0
    return sum(w for t, w in own.items() if t in have) / total


_DATE_WORDS = frozenset(
    tokenize("january february march april may june july august september october november december")
)


def _is_date_word(t: str) -> bool:
    return t.isdigit() or t in _DATE_WORDS


@dataclass(frozen=True)
class Found:
    quotes: list[Quote]
    lead: str


@dataclass(frozen=True)
class Earlier:
    """What a follow-up ("And who seconded it?") refers back to: the earlier question and the quotes
    its answer cited."""

    question: str = ""
    quotes: tuple[str, ...] = ()
    # What the last turn quoted even when this question is not a follow-up of it: the meeting the
    # conversation is about, for a question that names none.
    conversation: tuple[str, ...] = ()


def find_decision(
    q: Question,
    decisions: list[Decision],
    docs: dict[str, Document],
    allowed: set[str] | frozenset[str],
    earlier: Earlier | None = None,
    weight: Callable[[str], float] | None = None,
) -> Found | None:
    """The recorded decision the question asks about, with a lead of the fields it asks for.

    Among the decisions that cover the question's subject, ties are common: an amendment's own paper
    and the minute that records its fate share its wording, and a motion and the amendment to it
    share theirs. So the order is: the decision the earlier turn cited (a follow-up asks about the
    same one), then, when the question names no meeting or committee, one of the meeting the last
    turn cited (a conversation goes on about its meeting, so "What was the final vote on the
    substantive motion?" is about that meeting's), then the cover, then a decision of
    the kind the question names ("the motion", "the amendment"), then the cover by its own words,
    then one that records more of the fields asked for (the minute has the vote; the amendment paper
    does not), then the one whose words are most about the question. Orderings, not weights: none
    of them outweighs a better cover except the earlier turn's decision and the conversation's
    meeting; every decision considered covers at least `DECISION_MIN_COVER` of the question.
    """
    asked = asked_fields(q.text)
    if not asked.any or not decisions:
        return None
    earlier = earlier or Earlier()
    when = own = meeting_named(q.text)
    if not (when.year or when.month or when.day) and earlier.question:
        when = meeting_named(earlier.question)
    committees = {d.committee for d in decisions if d.committee}
    named = committees_named(q.text, committees, weight)
    # The meetings of the decisions the earlier turn cited: a question that names no meeting goes on
    # about the same one ("What was the final vote on the substantive motion?").
    cited = {squash(q) for q in earlier.quotes}  # folded once, not once per decision
    talked = cited | {squash(q) for q in earlier.conversation}
    before = [d for d in decisions if _cited_before(d, cited)] if cited else []
    meetings_before = (
        {(d.committee, d.meeting_date) for d in decisions if _cited_before(d, talked)} if talked else set()
    )
    asked_words = frozenset({**q.carried, **q.weights})
    # A question that names no meeting of its own stays with the meeting the conversation is about.
    stays = not (own.year or own.month or own.day or named)
    best: tuple[tuple[bool, bool, float, bool, bool, float, int, float], Decision] | None = None
    for d in decisions:
        if d.doc_id not in allowed or not when.matches(d.meeting_date):
            continue
        if named and d.committee not in named:
            continue
        if _WHO.search(q.text) and not (asked.mover or asked.seconder or asked.vote or d.decision_maker):
            continue  # asked for a person, and this record names none the question asks about
        if (asked.vote or asked.mover or asked.seconder) and not _records_asked(d, asked):
            continue  # it does not record the count or the people asked for
        # Those who voted are not what the decision is about; the count's own quote ("Substantive
        # Motion carried.") is part of the record.
        quoted = _VOTER.sub(" ", f"{d.quote} {d.vote_quote or ''}")
        have = _tokens(f"{d.item or ''} {d.text} {quoted} {d.mover or ''} {d.seconder or ''} {d.kind}")
        covered = cover(q, have)
        if covered < DECISION_MIN_COVER:
            continue
        words = _tokens(d.text)
        same_meeting = (d.committee, d.meeting_date) in meetings_before
        key = (
            d in before,
            stays and same_meeting,
            covered,
            same_meeting,
            _kind_named(d, q.text),
            cover(q, _tokens(f"{d.item or ''} {d.text}")),
            _answered(d, asked),
            # the record whose own words are most about the question: the motion on the Scrutiny
            # chair, not the amendment to a list of governance changes
            len(words & asked_words) / (len(words) or 1),
        )
        if best is None or key > best[0]:
            best = (key, d)
    if best is None:
        return None
    d = best[1]
    quotes, told = _quotes_for(d, docs[d.doc_id], asked)
    what = None
    if asked.decision and not (asked.vote or asked.mover or asked.seconder):
        what = decided_words(d, q)
    lead = decision_lead(d, asked, told, what)
    if (
        q.yes_no
        and told
        and asked.outcome
        and d.status in _SETTLED
        and not _EITHER_OR.search(q.text)
        and not _DECIDED_TO.search(q.text)
    ):
        # "Was the amendment carried?" is answered yes or no, then how it went.
        asks_failed = bool(_ASKS_IT_FAILED.search(q.text))
        lead = f"{'Yes' if _SETTLED[d.status] != asks_failed else 'No'}. {lead}"
    return Found(quotes, lead)


# The outcomes that settle whether what was put to the meeting went through. Noted, deferred,
# withdrawn, referred or called in answer neither "Was it approved?" nor "Did it fail?".
_SETTLED = {"agreed": True, "carried": True, "lost": False}
_ASKS_IT_FAILED = re.compile(
    r"\b(?:lost|defeated|reject(?:ed)?|fail(?:ed)?|turned\s+down|thrown\s+out)\b", re.I
)
_EITHER_OR = re.compile(r"\bor\b", re.I)  # "Was the motion carried or lost?"
# "Did Cabinet decide to reject the proposal?": the outcome word is what was decided, not how.
_DECIDED_TO = re.compile(r"\b(?:decide[ds]?|agree[ds]?|vote[ds]?|resolve[ds]?)\s+(?:to|that)\b", re.I)


# The most of a decision's own words a lead repeats: a longer resolution is quoted, not retold.
DECIDED_LEAD_WORDS = 40
# How a part of the resolution is found in its quote, which may end within it: by its first
# words, at most this many and, unless the part is shorter, at least that many.
PART_START_WORDS, PART_MIN_WORDS = 10, 3
# Where the parts of an enumerated resolution begin: "(a) ", "(iii) ", "(1) ", "2. ".
# A part opens with a capital ("(e) To increase"), which a cross-reference ("para 3.3 (a) above")
# does not.
_RESOLUTION_PART = re.compile(r"\s(?=(?:\([a-z]{1,4}\)|\(\d{1,2}\)|\d{1,2}\.|[a-z]\))\s+[A-Z])")
_ONLY_NOTES = re.compile(r"^(?:\S{1,5}\s+)?(?:notes?|noted|comments?\s+on)\b", re.I)


def _as_quoted(part: str, quoted: str) -> str | None:
    """The part of a resolution as far as the quote shows it (a quote may end within a part), found
    by its opening words; None where the quote does not show it."""
    words = part.split()
    for n in range(min(len(words), PART_START_WORDS), min(len(words), PART_MIN_WORDS) - 1, -1):
        at = quoted.find(" ".join(words[:n])) if n else -1
        shown = quoted[at : at + len(part)] if at >= 0 else ""
        if shown and part.startswith(shown):  # the part itself, not another opening alike
            return shown
    return None


def decided_words(d: Decision, q: Question) -> str | None:
    """What was decided, in the decision's own words as its cited quote states them: of an
    enumerated resolution, the part most about the question, and one that decides before one that
    only notes ("(iii) Adopts the Kent Minerals and Waste Local Plan", not "(i) Notes the Inspector's
    Report"). None where the quote does not show the words."""
    quoted = squash(d.quote)
    parts = [shown for x in _RESOLUTION_PART.split(d.text) if (shown := _as_quoted(squash(x), quoted))]
    # "Council:" introduces the parts; it says nothing that was decided.
    parts = [p for p in parts if not p.rstrip().endswith(":")] or parts
    if not parts:
        return None
    # The period ("2025-26") and the body deciding ("Cabinet") are the whole resolution's; which
    # part is asked is said in other words.
    ignore = (
        _FIELD_WORDS
        | {t for t in {**q.weights, **q.carried} if any(ch.isdigit() for ch in t)}
        | _tokens(f"{d.committee or ''} {d.decision_maker or ''}".replace("_", " "))
    )

    def about(part: str) -> float:
        return cover(q, _tokens(part), ignore)

    best = max(parts, key=lambda p: (about(p) > 0, not _ONLY_NOTES.match(p), about(p)))
    if about(best) == 0 and len(parts) > 1:
        return None  # no part is about what was asked: the quote, not a guessed part, says it
    words = best.split()
    return best if len(words) <= DECIDED_LEAD_WORDS else " ".join(words[:DECIDED_LEAD_WORDS]) + "…"


def _records_asked(d: Decision, asked: Asked) -> bool:
    """Whether the record holds the count or the people the question asks for."""
    return bool(
        (asked.vote and d.votes_for is not None)
        or ((asked.mover or asked.seconder) and (d.mover or d.seconder))
    )


def _quotes_for(d: Decision, doc: Document, asked: Asked) -> tuple[list[Quote], bool]:
    """The quotes to cite, each stating something the lead says: the decision's own quote its
    outcome and words, the count's quote the count, the proposer's sentence the mover; and whether
    a quote cited states the outcome."""
    main = Quote(doc, d.page, d.item, d.quote)
    count = moved = None
    if asked.vote and d.votes_for is not None and d.vote_quote and d.vote_page:
        count = Quote(doc, d.vote_page, d.item, d.vote_quote)
    if (asked.mover or asked.seconder) and d.mover_quote and d.mover_page:
        moved = Quote(doc, d.mover_page, d.item, d.mover_quote)
    wants_main = (
        asked.outcome
        or asked.decision
        or (asked.vote and (count is None or not _shows_count(count.text, d)))
        or ((asked.mover or asked.seconder) and moved is None)
        or not (count or moved)
    )
    quotes = [q for q in (main if wants_main else None, count, moved) if q is not None]
    return quotes, wants_main or bool(count and _OUTCOME_STATED.search(count.text))


def _cited_before(d: Decision, cited: set[str]) -> bool:
    """Whether an earlier answer cited one of the decision's quotes. A cited quote is the page text
    with its line breaks folded (`cited`), so the record's quotes are compared folded too."""
    return any(squash(q) in cited for q in (d.quote, d.vote_quote, d.mover_quote) if q)


def _shows_count(text: str, d: Decision) -> bool:
    """Whether `text` prints every number of the decision's count (it may run over two pages)."""
    flat = squash(text)
    return all(str(n) in flat for n in (d.votes_for, d.votes_against, d.abstentions) if n is not None)


# A member named in a vote's list: "Mr Baker,", "Mrs Dean MBE,", "Sir Paul Carter, CBE".
# A title may end a printed line before its name ("Mr\nCarter"); the name's own words stay on one line,
# so the line after a list's last name ("Ms Constantine\nSubstantive Motion carried.") is not a name.
_VOTER = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady)\.?\s+(?:[A-Z][\w'-]*\.?[ \t]+){0,2}[A-Z][\w'-]+(?:,?\s+(?:MBE|OBE|CBE))?"
)

# An outcome as minutes print it ("Amendment lost.", "Motion carried", "it was agreed").
_OUTCOME_STATED = re.compile(r"\b(?:carried|lost|agreed|defeated|fell|approved|rejected|withdrawn)\b", re.I)

# How a question names each kind of decision the store records ("what did Cabinet resolve").
_KIND_WORDS: dict[str, re.Pattern[str]] = {
    # A motion that is carried is recorded as the resolution it became; a resolution is what the
    # meeting decided.
    "resolution": re.compile(r"\bresol(?:ved?|ves|ution)\b|\bmotions?\b|\bdeci(?:de[ds]?|sions?)\b", re.I),
    "amendment": re.compile(r"\bamend(?:ment|ed)?s?\b", re.I),
    "motion": re.compile(r"\bmotions?\b", re.I),
    "decision": re.compile(r"\bdeci(?:de[ds]?|sions?)\b", re.I),
    "recommendation": re.compile(r"\brecommend\w*", re.I),
}


def _kind_named(d: Decision, text: str) -> bool:
    pattern = _KIND_WORDS.get(d.kind)
    return bool(pattern and pattern.search(text))


def _answered(d: Decision, asked: Asked) -> int:
    """How many of the fields asked for the record holds."""
    return sum(
        (
            asked.vote and d.votes_for is not None,
            asked.mover and d.mover is not None,
            asked.seconder and d.seconder is not None,
            (asked.outcome or asked.decision) and d.status != "proposed",
        )
    )


def decision_lead(d: Decision, asked: Asked, told: bool = True, what: str | None = None) -> str:
    """The fields asked for, in plain words: "The amendment was lost, 13 for and 52 against; moved
    by Mr X and seconded by Mrs Y". The outcome only where a quote cited states it (`told`); `what`
    was decided, in the decision's words, after it."""
    parts: list[str] = []
    if (asked.outcome or asked.decision or asked.vote) and told:
        parts.append(f"The {d.kind} was {d.status}" + (f": {what}" if what else ""))
    elif what:
        parts.append(what)
    if asked.vote and d.votes_for is not None:
        tally = f"{d.votes_for} for and {d.votes_against or 0} against"
        if d.abstentions:
            tally += f", with {d.abstentions} abstaining"
        parts.append(tally)
    people = []
    if (asked.mover or asked.seconder) and d.mover:
        people.append(f"moved by {d.mover}")
    if (asked.mover or asked.seconder) and d.seconder:
        people.append(f"seconded by {d.seconder}")
    if people:
        parts.append(" and ".join(people))
    if d.decision_maker and asked.decision:
        parts.append(f"decided by {d.decision_maker}")
    return "; ".join(parts) if parts else d.text


_FULL_NAME = re.compile(r"\b([A-Z][a-z]+)\s+([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")


def _names_another(r: Role, text: str) -> bool:
    """Whether `text` names in full a person other than `r.name` whom the role's quote names."""
    own = set(r.name.split())
    for first, last in _FULL_NAME.findall(r.quote):
        if first in own or last in own or f"{first} {last}" in r.role:
            continue  # the person themselves, or words of their role ("English Devolution")
        if re.search(rf"\b{first}\s+{last}\b", text):
            return True
    return False


def _held(doc: Document) -> str | None:
    """The meeting a paper tells of: minutes tell of the meeting they record (their own date; they
    are filed with the next meeting, which approves them), other papers of the meeting they are for."""
    minutes = doc.category == "minutes" or doc.title.lower().startswith("minutes")
    return (doc.date if minutes and doc.date else None) or doc.meeting_date or doc.date


def _role_tokens(text: str) -> frozenset[str]:
    """A role's words, with "Chairman", "Chairwoman" and "Chairperson" also read as "chair": a
    question asks who chaired, the minutes say who was Chairman."""
    tokens = _tokens(text)
    return tokens | ({"chair"} if any(t.startswith("chair") for t in tokens) else set())


def find_role(
    q: Question, roles: list[Role], docs: dict[str, Document], allowed: set[str] | frozenset[str]
) -> Found | None:
    """A "who" question answered from the people named with their roles in the papers.

    A role belongs to a paper, and a question often names the paper rather than the role alone
    ("the report author of the final draft budget report", "who chaired the 9 January council"),
    so the paper's title counts towards the cover and a meeting the question names must be the
    paper's. Between equal covers the role that accounts for more of the question alone wins."""
    if not _WHO.search(q.text) or not roles:
        return None
    when = meeting_named(q.text)
    asked = _ROLE_ASKED.search(q.text)
    kinds = set(tokenize(_ROLE_WORDS[asked.group(1).lower()])) if asked else set()
    best: tuple[tuple[bool, float, float], Role] | None = None
    seen: list[tuple[float, Role]] = []
    for r in roles:
        doc = docs.get(r.doc_id)
        if r.doc_id not in allowed or doc is None or not when.matches(_held(doc)):
            continue
        own = _role_tokens(f"{r.role} {r.name}")
        if kinds and not kinds & own:
            continue
        # A question that names, in full, someone the role's quote names with them ("Paul Stepto's
        # question" and "Question by Paul Stepto to Rory Love, Cabinet Member for ...") asks about
        # that pairing, whatever else it says of the subject.
        linked = bool(kinds) and _names_another(r, q.text)
        key = (linked, cover(q, own | _tokens(doc.title)), cover(q, own))
        seen.append((key[2], r))
        if best is None or key > best[0]:
            best = (key, r)
    if best is None or not (best[0][0] or best[0][1] >= ROLE_MIN_COVER):
        return None
    picked = [best[1]]
    if several := _SEVERAL_PEOPLE.search(q.text):
        # "Which two councillors called it in?": the others named with a role on the same page of
        # the same paper whose role is about as much about the question (the proposer and the
        # seconder), best first, each person and quote once, as many as the question asks for.
        wanted = _PEOPLE_COUNT.get((several.group(1) or "").lower(), MAX_PEOPLE)
        floor = best[0][2] - ROLE_COVER_SLACK
        names, quotes = {best[1].name}, {best[1].quote}
        for c, r in sorted(seen, key=lambda cr: -cr[0]):
            if len(picked) >= wanted:
                break
            same_page = r.doc_id == best[1].doc_id and r.page == best[1].page
            if same_page and c >= floor and r.name not in names and r.quote not in quotes:
                picked.append(r)
                names.add(r.name)
                quotes.add(r.quote)
    return Found(
        [Quote(docs[r.doc_id], r.page, None, r.quote) for r in picked],
        "; ".join(f"{r.name} — {r.role}" for r in picked),
    )
