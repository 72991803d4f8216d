"""The decisions found at ingest in minutes and records of decision: what was resolved or moved,
by whom, how the vote went, and where the minute says so."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.records import Decision, Document
from core.tokens import tokenize
from index.catalog import Catalog


@dataclass(frozen=True)
class ListedDecision:
    """A decision with the paper that records it."""

    decision: Decision
    doc: Document

    def to_dict(self) -> dict[str, object]:
        """The API's and the CLI's JSON: the decision's fields with its paper's title, file and link."""
        out = {k: v for k, v in self.decision.to_dict().items() if k != "id"}
        link = f"{self.doc.source_url}#page={self.decision.page}" if self.doc.source_url else None
        return {**out, "title": self.doc.title, "file": self.doc.file, "source_url": link}


@dataclass(frozen=True)
class DecisionFilter:
    committee: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    search: str | None = None  # words that must all occur in the item or the decision text

    def keeps(self, d: Decision) -> bool:
        if self.committee and _norm(self.committee) not in _norm(d.committee or ""):
            return False
        day = _date(d.meeting_date)
        if (self.since or self.until) and day is None:
            return False
        if self.since and day is not None and day < self.since:
            return False
        if self.until and day is not None and day > self.until:
            return False
        if self.search:
            have = set(tokenize(f"{d.item or ''} {d.text} {d.mover or ''} {d.seconder or ''}"))
            if not set(tokenize(self.search)) <= have:
                return False
        return True


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").split())


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def list_decisions(
    catalog: Catalog, which: DecisionFilter, audiences: frozenset[str] | set[str] | None = None
) -> list[ListedDecision]:
    """Decisions a caller may see (the paper's audience decides, as for every other door), newest
    meeting first, in the order the minutes record them."""
    docs = {d.doc_id: d for d in catalog.documents()}
    out = []
    seen: set[tuple[object, ...]] = set()
    for decision in catalog.decisions():
        doc = docs.get(decision.doc_id)
        if doc is None or (audiences is not None and doc.audience not in audiences):
            continue
        # Minutes are filed again with the next meeting for approval: one decision, listed once.
        key = (decision.committee, decision.meeting_date, decision.kind, decision.text, decision.status)
        if which.keeps(decision) and key not in seen:
            seen.add(key)
            out.append(ListedDecision(decision, doc))
    # Stable sort: within a meeting the minutes' own order stays.
    out.sort(key=lambda x: x.decision.meeting_date or "", reverse=True)
    return out
