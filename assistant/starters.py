"""Starter questions for an empty chat page, drawn from the targets and decisions found at ingest.

A new user does not know what the documents hold; questions built from what ingest actually found
(a programme's savings target, a council's required savings, a committee's decision) show that and
are ones the documents can answer. One question per document at most, so the list shows the breadth
of the corpus rather than one table's rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assistant.tools.decisions import ListedDecision
from assistant.tools.targets import ListedTarget

MAX_STARTERS = 6
MAX_FROM_DECISIONS = 3
_ITEM_NUMBER = re.compile(r"^\s*\d+[A-Za-z]?[.)]?\s+")


@dataclass(frozen=True)
class Starter:
    question: str
    doc_id: str
    title: str  # the document it was drawn from, to say where an answer will come from


def _target_question(listed: ListedTarget) -> tuple[int, str] | None:
    """A question about a target and its rank (lower first): a partnership programme's target, a
    council's required savings, then a council's own target. Table cells (one council's column of a
    row) and targets in % are left out: they make poor first questions."""
    t = listed.target
    if t.unit != "£" or (t.context or "").startswith("Table"):
        return None
    if t.programme and len(t.councils) > 1:
        return 0, f"What was {t.programme}'s savings target?"
    if len(t.councils) != 1 or not t.deadline:
        return None
    council = t.councils[0]
    if t.kind == "requirement":
        return 1, f"What savings did {council} need to make by {t.deadline}?"
    return 2, f"What savings did {council} aim to deliver by {t.deadline}?"


def _decision_question(listed: ListedDecision) -> str | None:
    d = listed.decision
    item = _ITEM_NUMBER.sub("", d.item or "").strip().rstrip(".")
    if not d.committee or not item:
        return None
    return f"What did {d.committee} decide on {item}?"


def starters(targets: Iterable[ListedTarget], decisions: Iterable[ListedDecision]) -> list[Starter]:
    """Up to MAX_STARTERS questions, one per document: from targets first, then from decisions."""
    best: dict[str, tuple[int, Starter]] = {}
    for listed in targets:
        found = _target_question(listed)
        doc = listed.doc
        if found and (doc.doc_id not in best or found[0] < best[doc.doc_id][0]):
            best[doc.doc_id] = (found[0], Starter(found[1], doc.doc_id, doc.title))
    out = [starter for _, starter in sorted(best.values(), key=lambda pair: pair[0])]
    from_decisions = 0
    for listed_decision in decisions:
        question = _decision_question(listed_decision)
        doc = listed_decision.doc
        if question and from_decisions < MAX_FROM_DECISIONS and doc.doc_id not in best:
            best[doc.doc_id] = (9, Starter(question, doc.doc_id, doc.title))
            out.append(best[doc.doc_id][1])
            from_decisions += 1
    return out[:MAX_STARTERS]
