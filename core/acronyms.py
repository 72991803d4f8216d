"""Acronyms the documents define: "Somerset Waste Partnership (SWP)", "RIEP (Regional Improvement and
Efficiency Programme)". A question that says "the SWP" means what the document spells out, and the
sentence that answers it may only spell it out. The glossary is data found in the corpus, built
with the lexical index, not a list in code.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources

import yaml

_SMALL = {"and", "of", "for", "the", "&", "in", "on", "to", "a"}
_WORD = r"(?:[A-Z][\w'’&-]*|and|of|for|the|&|in|on|to)"
_LONG_THEN_SHORT = re.compile(rf"((?:{_WORD}\s+){{1,8}}{_WORD})\s*\(\s*([A-Z][A-Za-z&]{{1,7}})\s*\)")
_SHORT_THEN_LONG = re.compile(r"\b([A-Z][A-Z&]{1,7})\s*\(\s*([A-Z][^()]{3,90}?)\s*\)")


def _initials(words: list[str]) -> str:
    return "".join(w[0].upper() for w in words if w.lower() not in _SMALL and w[:1].isupper())


def _every_initial(words: list[str]) -> str:
    """Initials of every word, the small ones too: "Future of Local Government in Somerset" is
    FOLGIS."""
    return "".join(w[0].upper() for w in words if w[0].isalpha())


def _expansion(phrase: str, acronym: str) -> str | None:
    """The shortest tail of `phrase` whose capitalised words' initials spell `acronym`."""
    letters = "".join(ch for ch in acronym if ch.isupper())
    words = phrase.split()
    for start in range(len(words) - 1, -1, -1):
        tail = words[start:]
        if tail[0].lower() in _SMALL:
            continue
        got = _initials(tail)
        if got == letters or _every_initial(tail) == acronym.upper():
            return " ".join(tail)
        if len(got) > len(letters):
            return None
    return None


def acronym_pairs(text: str) -> Iterator[tuple[str, str]]:
    """(acronym, expansion) for each definition in `text`, in the order they appear."""
    flat = " ".join(text.split())
    for m in _LONG_THEN_SHORT.finditer(flat):
        expansion = _expansion(m.group(1), m.group(2))
        if expansion:
            yield m.group(2), expansion
    for m in _SHORT_THEN_LONG.finditer(flat):
        phrase = m.group(2).split(",")[0].strip()
        if _initials(phrase.split()) == "".join(ch for ch in m.group(1) if ch.isupper()):
            yield m.group(1), phrase


def most_frequent(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Acronym -> its expansion, the most frequent where a corpus spells one out in several ways
    (the first seen among equals)."""
    seen: dict[str, Counter[str]] = {}
    for acronym, expansion in pairs:
        seen.setdefault(acronym, Counter())[expansion] += 1
    return {acronym: counts.most_common(1)[0][0] for acronym, counts in seen.items()}


def find_acronyms(texts: Iterable[str]) -> dict[str, str]:
    """Acronym -> its expansion over a corpus of texts (`most_frequent` of their `acronym_pairs`)."""
    return most_frequent(pair for text in texts for pair in acronym_pairs(text))


@cache
def sector_abbreviations() -> dict[str, str]:
    """Abbreviations of the sector that questions use though a paper may spell them out
    (`core/data/abbreviations.yaml`)."""
    text = resources.files("core.data").joinpath("abbreviations.yaml").read_text(encoding="utf-8")
    return {str(k): str(v) for k, v in yaml.safe_load(text)["abbreviations"].items()}


def with_sector_abbreviations(defined: dict[str, str]) -> dict[str, str]:
    """The corpus's own acronyms, and the sector's for the rest: a paper's definition wins."""
    return {**sector_abbreviations(), **defined}
