"""Resolve a follow-up question against the turns before it, before anything is retrieved.

"And what about the year before?" means nothing alone. A follow-up carries over the earlier turn's
terms (the entity, the topic), its period (shifted when the question says "the year before" or "the
following year") and a preference for the documents the earlier answer cited.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.answer.question import Question, year_forms
from assistant.conversations import Turn
from core.tokens import financial_year, tokenize

_LEAD = re.compile(r"^\s*(?:and|but|also|so|then|what about|how about|and what about|ok|okay)\b", re.I)
_PRONOUN = re.compile(
    r"\b(?:it|its|it's|they|them|their|theirs|that|this|those|these|he|she|his|her|there|same|him)\b", re.I
)
_BEFORE = re.compile(r"\b(?:the\s+)?(?:year|period)\s+before\b|\b(?:previous|prior|preceding)\s+year\b", re.I)
_AFTER = re.compile(r"\b(?:the\s+)?(?:following|next|subsequent)\s+year\b|\b(?:the\s+)?year\s+after\b", re.I)
CARRY_WEIGHT = 0.5


@dataclass
class Resolution:
    query: str  # what retrieval searches for
    carried: dict[str, float] = field(default_factory=dict)
    years: set[str] = field(default_factory=set)
    prefer_docs: set[str] = field(default_factory=set)
    previous_quotes: tuple[str, ...] = ()  # what the earlier turn quoted: a follow-up asks for something else
    councils: list[str] = field(default_factory=list)  # the earlier turn's, when this one names none
    answer_type: str | None = None  # the earlier turn's, when this one asks for nothing in particular
    money: bool = False
    is_followup: bool = False


def is_followup(question: Question) -> bool:
    text = question.text
    if _LEAD.match(text) or _BEFORE.search(text) or _AFTER.search(text):
        return True
    substantive = [w for w in question.weights.values() if w >= 1.0]
    if len(substantive) <= 2:
        return True
    return bool(_PRONOUN.search(text)) and not question.councils and len(substantive) <= 4


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


def resolve(question: Question, history: list[Turn], analyse: Callable[[str], Question]) -> Resolution:
    """`analyse` weighs the earlier turn's terms the same way the current question's were."""
    if not history or not is_followup(question):
        return Resolution(query=question.text)
    last = history[-1]
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
    if _BEFORE.search(question.text):
        years |= shift_years(prev_years, -1)
    elif _AFTER.search(question.text):
        years |= shift_years(prev_years, +1)
    prefer = set(last.cited_docs)
    quoted = tuple(c.quote for c in last.answer.citations) if last.answer is not None else ()
    extra_years = " ".join(sorted(y for y in years if y not in question.text))
    query = f"{question.text} {previous} {extra_years}".strip()
    return Resolution(
        query=query,
        carried=carried,
        years=years,
        prefer_docs=prefer,
        previous_quotes=quoted,
        councils=[] if question.councils else prev.councils,
        answer_type=None if question.answer_type else prev.answer_type,
        money=prev.money,
        is_followup=True,
    )
