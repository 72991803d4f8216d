"""Which documents a question names: its scope.

Names come from the catalog (each document's title and date), never from lists of question words:
a word only some titles have ("Pioneer", "productivity") names those documents; with a word for a
kind of paper beside it ("report", "plan") or the document's year ("the 2018 peer challenge") it
names them firmly.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType

import numpy as np

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

    @cached_property
    def named(self) -> Mapping[str, int]:
        """Worked out once per question: in a large archive a scope can name a thousand papers."""
        return MappingProxyType({d: how for group in self.groups for d, how in group.items()})

    @cached_property
    def firm(self) -> frozenset[str]:
        return frozenset(d for d, how in self.named.items() if how >= FIRMLY)


def words(text: str) -> set[str]:
    """Words as written ("planned" is not "plan"), folding plurals and possessives and keeping years
    (a number that cannot be a year, "copy 5660", names nothing and would set titles apart)."""
    out = set()
    for w in re.findall(r"[a-z]+|(?<!\d)(?:19|20)\d{2}(?!\d)", text.lower().replace("’", "'")):
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

    dated: tuple[Document, ...]  # documents filed under a meeting date
    committees: frozenset[str]
    # The words of a title that can name its document are those in at most half of the titles,
    # numbers aside. Word -> the places (in the order given) of the documents it can name; year (as a word,
    # "2018") -> the places of that year's documents.
    own_having: dict[str, np.ndarray]
    year_having: dict[str, np.ndarray]
    # Documents of the same title words, own words and year are named alike (the same paper filed
    # under many meetings): each place's kind, and the kinds, so that a kind is judged once.
    kind_of: np.ndarray
    kinds: tuple[tuple[frozenset[str], frozenset[str], str | None], ...]
    doc_ids: np.ndarray  # place -> doc id (object array, for picking many at once)

    @classmethod
    def of(cls, docs: Iterable[Document]) -> Titles:
        docs = tuple(docs)
        title_words = [frozenset(words(d.title) - STOPWORDS) for d in docs]
        counts: dict[str, int] = {}
        for ws in title_words:
            for t in ws:
                counts[t] = counts.get(t, 0) + 1
        common = max(1, len(docs) // 2)
        own_having: dict[str, list[int]] = {}
        year_having: dict[str, list[int]] = {}
        kind_index: dict[tuple[frozenset[str], frozenset[str], str | None], int] = {}
        kind_of = np.zeros(len(docs), np.int32)
        for i, d in enumerate(docs):
            own = frozenset(t for t in title_words[i] if counts[t] <= common and not t.isdigit())
            year = str(d.year) if d.year is not None else None
            for t in own:
                own_having.setdefault(t, []).append(i)
            if year is not None:
                year_having.setdefault(year, []).append(i)
            kind_of[i] = kind_index.setdefault((title_words[i], own, year), len(kind_index))
        return cls(
            tuple(d for d in docs if d.meeting_date),
            frozenset(d.committee for d in docs if d.meeting_date and d.committee),
            {t: np.array(p, np.int32) for t, p in own_having.items()},
            {y: np.array(p, np.int32) for y, p in year_having.items()},
            kind_of,
            tuple(kind_index),
            np.array([d.doc_id for d in docs], dtype=object),
        )


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
    # be named by it. Each kind of document among them is judged once, and the groups are filled in
    # the documents' order, as if every title were read one by one.
    found = [titles.own_having[t] for t in q_tokens if t in titles.own_having]
    found += [titles.year_having[t] for t in q_tokens if t in titles.year_having]
    seen = np.unique(np.concatenate(found)) if found else np.zeros(0, np.int32)
    kinds, kind_at = np.unique(titles.kind_of[seen], return_inverse=True)
    group_keys: list[frozenset[str]] = []
    group_of_kind = np.full(len(kinds), -1, np.int32)
    how_of_kind = np.zeros(len(kinds), np.int32)
    for k, kind in enumerate(kinds.tolist()):
        title_words, own, year = titles.kinds[int(kind)]
        named = _naming(title_words, own, year, q_tokens)
        if named is not None:
            if named[0] not in group_keys:
                group_keys.append(named[0])
            group_of_kind[k], how_of_kind[k] = group_keys.index(named[0]), named[1]
    group_at, how_at = group_of_kind[kind_at], how_of_kind[kind_at]
    named_at = group_at >= 0
    places, group_at, how_at = seen[named_at], group_at[named_at], how_at[named_at]
    # groups in the order of their first document
    _, first = np.unique(group_at, return_index=True)
    groups: dict[frozenset[str], dict[str, int]] = {}
    for g in group_at[np.sort(first)].tolist():
        mine = group_at == g
        groups[group_keys[g]] = dict(
            zip(titles.doc_ids[places[mine]].tolist(), how_at[mine].tolist(), strict=True)
        )
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
