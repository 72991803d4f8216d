"""Definition questions: "What does FOLGIS stand for?". The documents' own definitions ("the Future of
Local Government in Somerset (FOLGIS) report") are found at ingest with the lexical index; the answer
is the expansion, cited where a document spells it out. An acronym no document defines is not
answered here: the ranked evidence decides, as for any other question.
"""

from __future__ import annotations

import re

from assistant.answer.select import Candidate
from core.text import squash

_ACRONYM = r"(?P<acronym>[A-Z][A-Za-z&]{1,7})"
# "What does FOLGIS stand for?", "What is the SWP short for?", "What's the full name of the JLAG?"
DEFINE_Q = re.compile(
    rf"^\s*(?:so\s+|and\s+)?what\s+(?:does|do|did)\s+(?:the\s+)?{_ACRONYM}\s+(?:stand\s+for\b|mean\s*\??\s*$)|"
    rf"^\s*(?:what\s+is|what's)\s+(?:the\s+)?{_ACRONYM.replace('acronym', 'short')}\s+short\s+for\b|"
    rf"^\s*(?:what\s+is|what's)\s+the\s+(?:full\s+(?:name|form)|meaning)\s+of\s+(?:the\s+)?{_ACRONYM.replace('acronym', 'named')}\b|"
    rf"^\s*(?:expand|spell\s+out)\s+(?:the\s+)?{_ACRONYM.replace('acronym', 'spelt')}\b",
    re.I,
)


def asked_acronym(text: str) -> str | None:
    """The acronym a definition question asks about, as written; None for any other question."""
    m = DEFINE_Q.search(text)
    if m is None:
        return None
    found = next(g for g in m.groups() if g)
    return found if sum(ch.isupper() for ch in found) >= 2 else None


def defining(acronym: str, expansion: str, ranked: list[Candidate]) -> Candidate | None:
    """The best candidate that spells the acronym out: it holds both the expansion and the acronym."""
    words = squash(expansion).lower()
    for c in ranked:
        text = squash(c.text)
        if words in text.lower() and re.search(rf"(?<![A-Za-z]){re.escape(acronym)}(?![A-Za-z])", text):
            return c
    return None
