"""Who may see a stored answer: the one rule behind feedback listings and Slack's share button.

An answer is as secret as the most secret document it cites. Feedback also carries what a person
typed about the answer, which may repeat what they were shown, so it is held to the stricter rule
that the answer was also given to a role that reads no more than the viewer.
"""

from __future__ import annotations

from collections.abc import Mapping

from assistant.conversations import Turn
from assistant.models import Answer
from core.records import Document
from core.settings import ROLE_AUDIENCES


def cites_only_readable(answer: Answer, docs: Mapping[str, Document], audiences: frozenset[str]) -> bool:
    """Every document the answer cites is one `audiences` may read; a document the index no longer
    holds counts as unreadable (its audience cannot be checked)."""
    for c in answer.citations:
        doc = docs.get(c.doc_id)
        if doc is None or doc.audience not in audiences:
            return False
    return True


def turn_readable(turn: Turn | None, docs: Mapping[str, Document], audiences: frozenset[str]) -> bool:
    """The answer cites only what `audiences` may read, and was given to a role that reads no more.
    An answer no longer stored (pruned) cannot be checked, so is not readable."""
    if turn is None or turn.answer is None:
        return False
    given_to = ROLE_AUDIENCES.get(turn.role, ROLE_AUDIENCES["admin"])
    return given_to <= audiences and cites_only_readable(turn.answer, docs, audiences)
