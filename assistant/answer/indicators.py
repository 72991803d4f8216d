"""Questions about a performance indicator answered from the indicators store built at ingest.

"How many foster households did KCC have at Quarter 3, against what target?" names an indicator and
asks for its figures: the latest, the target (and floor), the previous period's, the RAG rating. The
report prints them together under the indicator's name, and the store holds them with that quote,
so the answer states them in plain words and cites the block.

A question matches an indicator when the indicator's name accounts for most of what the question is
about, once the words that ask for a figure ("latest", "target", "rated") and the words that name the
report ("the Q3 QPR") are set aside; and a question that names a quarter or a year matches only a
report of that period.
"""

from __future__ import annotations

import re

from assistant.answer.compose import Quote
from assistant.answer.meetings import Found, cover
from assistant.answer.question import Question, quarters_in, same_period, year_forms
from assistant.answer.select import _tokens
from core.records import Document, Indicator
from core.tokens import tokenize

# An indicator answers when its name accounts for this share of the question's own weight that the
# report's title does not already account for. Chosen on evals/suites/kent/kent-dev.yaml by 5-fold
# cross-validation (evals/README.md).
INDICATOR_MIN_COVER = 0.75

# A question asks for an indicator's figures: its latest value, target, rating, or a count or share.
_ASKS = re.compile(
    r"\b(?:target|latest|floor|rag|rated|rating|red|amber|green|how\s+many|what\s+(?:percentage|proportion|"
    r"share|number|rate|figure|level)|what\s+(?:was|were|is|are)\b.*\b(?:against|compared|versus))\b",
    re.I,
)
_RATING_ASKED = re.compile(r"\b(?:rag|rated|rating|red|amber|green)\b", re.I)
_NOT_FIGURES = re.compile(r"^\s*(?:why|who|when|where|how\s+(?!many|much))\b", re.I)
# Words that ask for a figure or name the reporting period: not what the indicator is.
_FIELD_WORDS = frozenset(
    tokenize(
        "latest target targets floor previous rag rating ratings rated rate red amber green figure figures "
        "kpi kpis indicator indicators performance measure quarter quarters q1 q2 q3 q4 rolling month months "
        "year years against compared compare versus what how many much share percentage proportion number "
        "did was were is are get got have had give gave"
    )
)


def find_indicator(
    q: Question, indicators: list[Indicator], docs: dict[str, Document], allowed: set[str] | frozenset[str]
) -> Found | None:
    """The indicator the question asks about, with a lead of its figures."""
    if not indicators or not _ASKS.search(q.text) or _NOT_FIGURES.search(q.text):
        return None
    quarters = quarters_in(q.text)
    years = year_forms(q.text)
    best: tuple[tuple[float, float, str], Indicator] | None = None
    # A report holds many indicators: whether it is of the period asked and its title's words are
    # worked out once per report.
    reports: dict[str, frozenset[str] | None] = {}
    for ind in indicators:
        doc = docs.get(ind.doc_id)
        if doc is None or ind.doc_id not in allowed:
            continue
        if ind.doc_id not in reports:
            of_period = _of_period(doc, quarters, years)
            reports[ind.doc_id] = _tokens(doc.title) | _acronyms(q, doc.title) if of_period else None
        title = reports[ind.doc_id]
        if title is None:
            continue
        name = _tokens(ind.name)
        by_title = cover(q, title - name, _FIELD_WORDS)
        own = cover(q, name, _FIELD_WORDS) / max(1e-9, 1.0 - by_title)
        # Between equal matches, the latest report: a question that names no period asks for now.
        key = (own, cover(q, name | title, _FIELD_WORDS), doc.meeting_date or doc.date or "")
        if best is None or key > best[0]:
            best = (key, ind)
    if best is None or best[0][0] < INDICATOR_MIN_COVER:
        return None
    ind = best[1]
    doc = docs[ind.doc_id]
    quotes = [Quote(doc, ind.page, None, ind.quote)]
    rated = bool(_RATING_ASKED.search(q.text) and ind.rating and ind.rating_quote)
    if rated and ind.rating_quote is not None and ind.rating_quote not in ind.quote:
        quotes.append(Quote(doc, ind.page, None, ind.rating_quote))
    return Found(quotes, indicator_lead(ind, rated))


def indicator_lead(ind: Indicator, rated: bool = False) -> str:
    """ "Number of foster households: latest 613 against a target of 700 (floor 650), rated Red;
    previously 612 (Red)", the rating only where it is asked for (it has a quote of its own)."""
    lead = f"{ind.name}: latest {ind.latest}"
    if ind.target:
        lead += f" against a target of {ind.target}"
    if ind.floor:
        lead += f" (floor {ind.floor})"
    if rated and ind.rating:
        lead += f", rated {ind.rating.title()}"
    if ind.previous:
        lead += f"; previously {ind.previous}"
        if ind.previous_rating:
            lead += f" ({ind.previous_rating.title()})"
    return lead


def _of_period(doc: Document, quarters: set[int], years: set[str]) -> bool:
    """Whether the report is of the quarter and year the question names (when it names them)."""
    stated = doc.title
    if quarters and (doc_quarters := quarters_in(stated)) and not quarters & doc_quarters:
        return False
    doc_years = year_forms(stated)
    return not (years and doc_years) or same_period(years, doc_years)


def _acronyms(q: Question, title: str) -> frozenset[str]:
    """The question's acronyms that the title spells out ("QPR" for "Quarterly Performance Report")."""
    words = set(tokenize(title))
    out = set()
    for expansion in q.expansions:
        initials = "".join(w[0] for w in expansion.split() if w[:1].isalpha()).lower()
        if initials in q.weights and set(tokenize(expansion)) <= words:
            out.add(initials)
    return frozenset(out)
