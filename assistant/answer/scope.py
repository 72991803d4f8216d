"""Which documents a question names: its scope.

Names come from the catalog (each document's title and date), never from lists of question words:
a word only some titles have ("Pioneer", "productivity") names those documents; with a word for a
kind of paper beside it ("report", "plan") or the document's year ("the 2018 peer challenge") it
names them firmly.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core.records import Document
from core.tokens import STOPWORDS, tokenize

_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_DAY_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(_MONTHS) + r")\b", re.I)
_MONTH = re.compile(r"\b(" + "|".join(_MONTHS) + r")\b", re.I)
_YEAR = re.compile(r"\b(20\d{2})\b")

# Words that say "a document" without saying which.
_GENERIC = frozenset({"report", "plan", "review", "paper", "document", "update", "minute", "strategy"})
NAMED, FIRMLY = 1, 2


@dataclass(frozen=True)
class Scope:
    """The documents the question names (doc id -> NAMED or FIRMLY), grouped by the words that name
    them, and those an earlier turn of the conversation cited."""

    groups: tuple[dict[str, int], ...] = ()
    cited_before: frozenset[str] = frozenset()
    quoted_before: tuple[str, ...] = ()  # match keys of the quotes the earlier turn gave

    @property
    def named(self) -> dict[str, int]:
        return {d: how for group in self.groups for d, how in group.items()}

    @property
    def firm(self) -> set[str]:
        return {d for d, how in self.named.items() if how >= FIRMLY}


def words(text: str) -> set[str]:
    """Words as written ("planned" is not "plan"), folding plurals and possessives and keeping years
    (a number that cannot be a year, "copy 5660", names nothing and would set titles apart)."""
    out = set()
    for w in re.findall(r"[a-z]+|(?:19|20)\d{2}", text.lower().replace("’", "'")):
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.add(w)
    return out


@dataclass(frozen=True)
class Titles:
    """The words of the titles of the documents a caller may read, counted once per set of
    documents rather than for every question: a question names a document by a word that only some
    of these titles have, and with thousands of papers re-reading every title per question costs
    more than the rest of the answer."""

    docs: tuple[Document, ...]
    words: dict[str, frozenset[str]]  # doc id -> its title's words, stopwords aside
    counts: dict[str, int]  # title word -> how many of the titles have it
    having: dict[str, tuple[int, ...]]  # title word -> the places in `docs` of the titles that have it
    dated: tuple[Document, ...]  # documents filed under a meeting date
    committees: frozenset[str]
    position: dict[str, int]  # doc id -> its place in `docs`
    # doc id -> the words of its title that can name it: in at most half of the titles, not numbers
    own: dict[str, frozenset[str]]
    years: dict[str, str | None]  # doc id -> its year as a word ("2018"), None when undated
    # word of `own` -> the places of the documents it can name; year -> the places of that year's
    own_having: dict[str, tuple[int, ...]]
    year_having: dict[str, tuple[int, ...]]

    @classmethod
    def of(cls, docs: Iterable[Document]) -> Titles:
        docs = tuple(docs)
        title_words = {d.doc_id: frozenset(words(d.title) - STOPWORDS) for d in docs}
        counts: dict[str, int] = {}
        having: dict[str, list[int]] = {}
        for i, d in enumerate(docs):
            for t in title_words[d.doc_id]:
                counts[t] = counts.get(t, 0) + 1
                having.setdefault(t, []).append(i)
        common = max(1, len(docs) // 2)
        own = {
            d.doc_id: frozenset(t for t in title_words[d.doc_id] if counts[t] <= common and not t.isdigit())
            for d in docs
        }
        years = {d.doc_id: str(d.year) if d.year is not None else None for d in docs}
        own_having: dict[str, list[int]] = {}
        year_having: dict[str, list[int]] = {}
        for i, d in enumerate(docs):
            for t in own[d.doc_id]:
                own_having.setdefault(t, []).append(i)
            if years[d.doc_id] is not None:
                year_having.setdefault(str(years[d.doc_id]), []).append(i)
        return cls(
            docs,
            title_words,
            counts,
            _tuples(having),
            tuple(d for d in docs if d.meeting_date),
            frozenset(d.committee for d in docs if d.meeting_date and d.committee),
            {d.doc_id: i for i, d in enumerate(docs)},
            own,
            years,
            _tuples(own_having),
            _tuples(year_having),
        )


def _tuples(places: dict[str, list[int]]) -> dict[str, tuple[int, ...]]:
    return {k: tuple(v) for k, v in places.items()}


def _naming(
    title_tokens: frozenset[str], own: frozenset[str], year: str | None, q_tokens: set[str]
) -> tuple[frozenset[str], int] | None:
    """How a question names a document of these title words and year: (the words that name it,
    NAMED or FIRMLY), or None when it does not."""
    named = own & q_tokens
    year = year if year is not None and year in q_tokens else None
    if not named and not (year and title_tokens & q_tokens):
        return None
    firm = bool(year) or bool(_GENERIC & q_tokens & title_tokens)
    return frozenset(named | ({year} if year else set())), FIRMLY if firm else NAMED


def references(
    text: str, docs: Iterable[Document] | Titles, weight: Callable[[str], float] | None = None
) -> tuple[dict[str, int], ...]:
    """The documents a question names, one group per way of naming them.

    Documents named by the same words form one group: in a large archive "the peer challenge" may
    name several, and a comparison searches each group once.
    """
    titles = docs if isinstance(docs, Titles) else Titles.of(docs)
    q_tokens = words(text)
    # Only a document with a word of its own in the question, or of a year the question names, can
    # be named by it; they are taken in the documents' order, so the groups come out as if every
    # title were read.
    seen: set[int] = set()
    for t in q_tokens:
        seen.update(titles.own_having.get(t, ()))
        seen.update(titles.year_having.get(t, ()))
    groups: dict[frozenset[str], dict[str, int]] = {}
    # Documents of the same title words and year are named alike (the same paper filed under many
    # meetings): each such kind is judged once.
    judged: dict[tuple[frozenset[str], frozenset[str], str | None], tuple[frozenset[str], int] | None] = {}
    for place in sorted(seen):
        d = titles.docs[place]
        kind = (titles.words[d.doc_id], titles.own[d.doc_id], titles.years[d.doc_id])
        if kind not in judged:
            judged[kind] = _naming(*kind, q_tokens)
        named = judged[kind]
        if named is not None:
            groups.setdefault(named[0], {})[d.doc_id] = named[1]
    # A group named by a subset of another group's words is the vaguer reference: drop it.
    keys = list(groups)
    out = tuple(groups[k] for k in keys if not any(k < other for other in keys))
    meeting = meeting_references(text, titles, weight)
    return (*out, meeting) if meeting else out


@dataclass(frozen=True)
class When:
    """The meeting a question names: "on 30 January 2025", "in March", "the December 2024 council"."""

    year: int | None
    month: int | None
    day: int | None

    def matches(self, iso: str | None) -> bool:
        if not (self.year or self.month or self.day):
            return True
        try:
            d = dt.date.fromisoformat(iso or "")
        except ValueError:
            return False
        return (
            (self.year is None or d.year == self.year)
            and (self.month is None or d.month == self.month)
            and (self.day is None or d.day == self.day)
        )


def meeting_named(text: str) -> When:
    day = month = year = None
    if m := _DAY_MONTH.search(text):
        day, month = int(m.group(1)), _MONTHS.index(m.group(2).lower()) + 1
    elif m := _MONTH.search(text):
        month = _MONTHS.index(m.group(1).lower()) + 1
    if m := _YEAR.search(text):
        year = int(m.group(1))
    return When(year, month, day)


# A committee is named when the question holds at least this share of its name's weight.
COMMITTEE_NAMED_SHARE = 0.5


def committees_named(
    text: str, committees: set[str], weight: Callable[[str], float] | None = None
) -> set[str]:
    """The committees a question names: by a word only their name has ("Cabinet"), and with
    enough of the name that a common word in it is not taken for the whole ("members" does not
    name the Selection and Member Services Committee; "full council" names the full council).

    `weight` (the index's IDF) weighs each word of a name; without it every word weighs the same.
    """
    words = set(tokenize(text))
    weigh = weight or (lambda _t: 1.0)
    named = set()
    for c in committees:
        name = set(tokenize(c.replace("_", " ")))
        own = name - {t for o in committees if o != c for t in tokenize(o.replace("_", " "))}
        total = sum(weigh(t) for t in name)
        if own & words and sum(weigh(t) for t in name & words) >= COMMITTEE_NAMED_SHARE * total:
            named.add(c)
    return named


def meeting_references(
    text: str, docs: Iterable[Document] | Titles, weight: Callable[[str], float] | None = None
) -> dict[str, int]:
    """The papers of the meeting a question names: a day and month ("on 30 January"), or a month
    with a committee or year ("at the March council", "Cabinet in January 2025"). Named, not
    firmly: a meeting has many papers and the question may be about any of them."""
    when = meeting_named(text)
    if not (when.day or when.month):
        return {}
    titles = docs if isinstance(docs, Titles) else Titles.of(docs)
    named = committees_named(text, set(titles.committees), weight)
    if not (when.day or (when.month and (named or when.year))):
        return {}
    return {
        d.doc_id: NAMED
        for d in titles.dated
        if when.matches(d.meeting_date) and (not named or d.committee in named)
    }
