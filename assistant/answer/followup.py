"""Resolve a follow-up question against the turns before it, before anything is retrieved.

"And what about the year before?" means nothing alone. A follow-up carries over the earlier turn's
terms (the entity, the topic), its period (shifted when the question says "the year before" or "the
following year") and a preference for the documents the earlier answer cited.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.answer.question import Question, names_midsentence, year_forms
from assistant.conversations import Turn
from assistant.models import Answer
from core.councils import gazetteer
from core.tokens import count_of, financial_year, tokenize

_LEAD = re.compile(r"^\s*(?:and|but|also|so|then|what about|how about|and what about|ok|okay)\b", re.I)
_PRONOUN = re.compile(
    r"\b(?:it|its|it's|they|them|their|theirs|that|this|those|these|he|she|his|her|there|same|him)\b", re.I
)
_BEFORE = re.compile(r"\b(?:the\s+)?(?:year|period)\s+before\b|\b(?:previous|prior|preceding)\s+year\b", re.I)
_AFTER = re.compile(r"\b(?:the\s+)?(?:following|next|subsequent)\s+year\b|\b(?:the\s+)?year\s+after\b", re.I)
# "the two years after that", "the next three years", "the two years before": several years on.
_N = r"(two|three|four|2|3|4)"
_YEARS_AFTER = re.compile(
    rf"\b(?:the\s+)?(?:next\s+|following\s+|subsequent\s+)?{_N}\s+(?:following\s+|subsequent\s+)?years?\s+"
    rf"(?:after|following)\b|\b(?:the\s+)?(?:next|following|subsequent)\s+{_N}\s+years\b",
    re.I,
)
_YEARS_BEFORE = re.compile(
    rf"\b(?:the\s+)?{_N}\s+years?\s+(?:before|prior)\b|\b(?:the\s+)?(?:previous|prior|preceding)\s+{_N}\s+years\b",
    re.I,
)
# "the two years after that" leans on the turn before; "over the next three years" alone does not.
_YEARS_AFTER_THAT = re.compile(
    rf"\b{_N}\s+(?:following\s+|subsequent\s+)?years?\s+(?:after|following|before|prior\s+to)\s+(?:that|this|then|it)\b",
    re.I,
)


def _years_shifted(text: str, prev_years: set[str]) -> set[str]:
    """The years "the two years after that" or "the previous three years" name, from the earlier
    turn's."""
    for pattern, sign in ((_YEARS_AFTER, 1), (_YEARS_BEFORE, -1)):
        m = pattern.search(text)
        if m is not None:
            count = count_of(next(g for g in m.groups() if g)) or 0
            return {y for k in range(1, count + 1) for y in shift_years(prev_years, sign * k)}
    return set()


CARRY_WEIGHT = 0.5
EARLIER_TURNS = 3  # turns whose answers' figures a follow-up computation may take
PRONOUN_FOLLOWUP_TERMS = 5  # a question with a pronoun and at most this many key words leans on the last turn


@dataclass
class Resolution:
    query: str  # what retrieval searches for
    carried: dict[str, float] = field(default_factory=dict)
    years: set[str] = field(default_factory=set)
    prefer_docs: set[str] = field(default_factory=set)
    previous_quotes: tuple[str, ...] = ()  # what the earlier turn quoted: a follow-up asks for something else
    # What the last turn quoted, follow-up or not: the meeting a conversation is about.
    last_quotes: tuple[str, ...] = ()
    councils: list[str] = field(default_factory=list)  # the earlier turn's, when this one names none
    answer_type: str | None = None  # the earlier turn's, when this one asks for nothing in particular
    money: bool = False
    is_followup: bool = False
    # The earlier question asked again with its period or council replaced ("And the year before?",
    # "What about Sedgemoor?"): the answer must be a different passage from the earlier one.
    substituted: bool = False
    # The first line of the earlier answer ("£4.1m [1]."): a follow-up is never answered with it again.
    previous_answer: str = ""
    # The answers of the last few turns, oldest first: "Add those three years together" adds the
    # figures they gave.
    earlier: tuple[Answer, ...] = ()


def is_followup(question: Question) -> bool:
    text = question.text
    if _LEAD.match(text) or _BEFORE.search(text) or _AFTER.search(text) or _YEARS_AFTER_THAT.search(text):
        return True
    substantive = [w for w in question.weights.values() if w >= 1.0]
    if len(substantive) <= 2:
        return True
    return (
        bool(_PRONOUN.search(text)) and not question.councils and len(substantive) <= PRONOUN_FOLLOWUP_TERMS
    )


def shift_years(forms: set[str], delta: int) -> set[str]:
    out: set[str] = set()
    for f in forms:
        if "/" in f:
            a = f.split("/")[0]
            start = int(a) if len(a) == 4 else 2000 + int(a)
            fy = financial_year(str(start + delta), f"{(start + delta + 1) % 100:02d}")
            if fy:
                out |= {fy, fy[2:]}
        elif f.isdigit() and len(f) == 4:
            out.add(str(int(f) + delta))
    return out


_SHIFTABLE = re.compile(
    r"(?<![\d£.,])((?:19|20)\d{2})(?:(\s*[/-]\s*)(\d{2,4}))?(?![\d%])|(?<![\d£.,/])(\d{2})/(\d{2})(?![\d%/])"
)


def _shift_text(text: str, delta: int) -> str | None:
    """The text with each year and financial year moved by `delta`, written as it was written."""
    changed = False

    def move(m: re.Match[str]) -> str:
        nonlocal changed
        changed = True
        if m.group(1):
            start = int(m.group(1)) + delta
            if m.group(3):
                end = m.group(3)
                end_text = str(start + 1) if len(end) == 4 else f"{(start + 1) % 100:02d}"
                return f"{start}{m.group(2)}{end_text}"
            return str(start)
        a = (int(m.group(4)) + delta) % 100
        return f"{a:02d}/{(a + 1) % 100:02d}"

    out = _SHIFTABLE.sub(move, text)
    return out if changed else None


# "What about Shared Services?", "And what about Customer?": another thing of the same kind.
_OTHER_NAME = re.compile(r"^\s*(?:and\s+)?(?:what|how)\s+about\s+(?:the\s+)?(.+?)\s*\??\s*$", re.I)
MAX_NAME_WORDS = 6


def _another_name(question: Question, previous: str) -> str | None:
    """The earlier question asked again of the name this follow-up gives in place of the first it
    named ("Which council led the Customer workstream?" / "What about Shared Services?")."""
    m = _OTHER_NAME.match(question.text)
    if m is None or not question.entities:
        return None
    new = m.group(1)
    if question.entities[0] != new or len(new.split()) > MAX_NAME_WORDS:
        return None  # more than a name: a question of its own
    names = [e for e in names_midsentence(previous) if e != new]
    if not names:
        return None
    again = re.sub(rf"(?<!\w){re.escape(names[0])}(?!\w)", lambda _: new, previous, count=1)
    return again if again != previous else None


_PERIOD_WORDS = frozenset(
    tokenize("year years period before after previous prior preceding following next subsequent that")
)


def _asks_only_for_another(question: Question) -> bool:
    """A follow-up that names nothing but a period or a council ("And the year before that?",
    "What about Sedgemoor?"): it asks the earlier question again, for them."""
    g = gazetteer()
    council_words = {t for c in question.councils for name in g.aliases[c] for t in tokenize(name)}
    own = {t for t, w in question.weights.items() if w >= 1.0}
    return not (own - _PERIOD_WORDS - council_words - question.years)


def substitute(question: Question, previous: str) -> str | None:
    """The earlier question with the period or council this follow-up names put in ("And the year
    before?", "What about Sedgemoor?", "And in 2019/20?"); None when it asks for something else."""
    if not _asks_only_for_another(question):
        return _another_name(question, previous)
    if _BEFORE.search(question.text):
        return _shift_text(previous, -1)
    if _AFTER.search(question.text):
        return _shift_text(previous, +1)
    g = gazetteer()
    if question.councils and _LEAD.match(question.text) and len(question.text.split()) <= 8:
        spans = [
            (m.start(), m.end())
            for canon in g.mentioned(previous)
            for alias in g.aliases[canon]
            for m in re.finditer(
                rf"(?<![\w&]){re.escape(alias)}(?![\w])", previous, 0 if alias.isupper() else re.I
            )
        ]
        new = (
            g.aliases[question.councils[0]][1]
            if len(g.aliases[question.councils[0]]) > 1
            else question.councils[0]
        )
        if not spans:
            return f"{previous.rstrip(' ?')} for {new}?"
        start, end = max(spans, key=lambda s: s[1] - s[0])
        return previous[:start] + new + previous[end:]
    if question.years and _LEAD.match(question.text) and year_forms(previous):
        year = next(m.group(0) for m in _SHIFTABLE.finditer(question.text))
        return _SHIFTABLE.sub(year, previous, count=1)
    return None


def resolve(question: Question, history: list[Turn], analyse: Callable[[str], Question]) -> Resolution:
    """`analyse` weighs the earlier turn's terms the same way the current question's were."""
    if not history:
        return Resolution(query=question.text)
    last = history[-1]
    quoted = tuple(c.quote for c in last.answer.citations) if last.answer is not None else ()
    said = last.answer.answer.split("\n", 1)[0] if last.answer is not None else ""
    if not is_followup(question):
        return Resolution(query=question.text, last_quotes=quoted)
    previous = last.resolved or last.question
    prev = analyse(previous)
    carried = {t: CARRY_WEIGHT * min(w, 3.0) for t, w in prev.weights.items() if t not in question.weights}
    if _PRONOUN.search(question.text):
        # "What difference has it made?": "it" is what the earlier turn named, in full.
        for entity in prev.entities:
            for t in tokenize(entity):
                if t in carried:
                    carried[t] = min(prev.weights[t], 3.0)
    years = set(question.years)
    prev_years = year_forms(previous)
    if shifted := _years_shifted(question.text, prev_years):
        years |= shifted
    elif _BEFORE.search(question.text):
        years |= shift_years(prev_years, -1)
    elif _AFTER.search(question.text):
        years |= shift_years(prev_years, +1)
    prefer = set(last.cited_docs)
    earlier = tuple(t.answer for t in history[-EARLIER_TURNS:] if t.answer is not None)
    again = substitute(question, previous)
    if again is not None:
        return Resolution(
            query=again,
            years=year_forms(again),
            prefer_docs=prefer,
            previous_quotes=quoted,
            last_quotes=quoted,
            is_followup=True,
            substituted=True,
            previous_answer=said,
            earlier=earlier,
        )
    extra_years = " ".join(sorted(y for y in years if y not in question.text))
    query = f"{question.text} {previous} {extra_years}".strip()
    return Resolution(
        query=query,
        carried=carried,
        years=years,
        prefer_docs=prefer,
        previous_quotes=quoted,
        last_quotes=quoted,
        councils=[] if question.councils else prev.councils,
        answer_type=None if question.answer_type else prev.answer_type,
        money=prev.money,
        is_followup=True,
        previous_answer=said,
        earlier=earlier,
    )
