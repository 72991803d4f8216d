"""Tokens for lexical search and sentence scoring.

Council questions hinge on figures and codes as much as words ("NI 179a", "£4.1m", "2012/13"), so
numbers keep their form (thousands separators dropped, "£20m" also yields "20"), financial years
yield both halves' forms ("2023/24" -> "2023/24", "23/24"), and words are Snowball-stemmed so that
"savings" meets "saving".
"""

from __future__ import annotations

import re
from functools import cache

from core.text import fold

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "also",
        "may",
        "might",
        "must",
        "shall",
        "us",
        "within",
        "per",
        "via",
        "upon",
        "whether",
    ]
)

_TOKEN = re.compile(
    r"£?\d[\d,]*(?:\.\d+)?(?:[/-]\d{2,4}(?:\.\d+)?)?(?:bn|m|k|%)?(?![a-z\d])|\d+[a-z]+|[a-z][a-z']*[a-z]|[a-z]"
)
_UNIT = re.compile(r"^(.*?)(bn|m|k|%)$")
_POSSESSIVE = re.compile(r"'s$|'$")  # "SCC's" is SCC, "councils'" is councils


def financial_year(a: str, b: str) -> str | None:
    """'2012','13' -> '2012/13' when the pair reads as a financial year, else None."""
    if not (a.isdigit() and b.isdigit()):
        return None
    if len(a) == 4 and a[:2] in ("19", "20"):
        start = int(a)
    elif len(a) == 2 and len(b) == 2:
        start = (2000 if int(a) < 70 else 1900) + int(a)
    else:
        return None
    follows = int(b) == start + 1 if len(b) == 4 else len(b) == 2 and int(b) == (start + 1) % 100
    return f"{start}/{(start + 1) % 100:02d}" if follows else None


def _number_forms(tok: str) -> list[str]:
    tok = tok.lstrip("£").replace(",", "")
    parts = re.split(r"[/-]", tok)
    if len(parts) == 2:
        fy = financial_year(*parts)
        if fy:
            return [fy, fy[2:]]
        unit = _UNIT.match(parts[1])
        suffix = unit.group(2) if unit else ""
        return [f for p in parts for f in _number_forms(p if p.endswith(suffix) else p + suffix)]
    forms = [tok]
    if m := _UNIT.match(tok):
        forms.append(m.group(1))
    return forms


@cache
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


# Irregular past forms the stemmer leaves alone ("came" would never meet "come"). General English.
_IRREGULAR = {
    # the stemmer leaves "reduction" apart from "reduce" ("reduct"/"reduc"), unlike -ation nouns
    "reduction": "reduce",
    "reductions": "reduce",
    "came": "come",
    "became": "become",
    "made": "make",
    "paid": "pay",
    "spent": "spend",
    "went": "go",
    "gone": "go",
    "gave": "give",
    "given": "give",
    "took": "take",
    "taken": "take",
    "brought": "bring",
    "bought": "buy",
    "held": "hold",
    "led": "lead",
    "began": "begin",
    "begun": "begin",
    "chose": "choose",
    "chosen": "choose",
    "sought": "seek",
    "built": "build",
    "kept": "keep",
    "lost": "lose",
    "won": "win",
    "sold": "sell",
    "told": "tell",
    "said": "say",
    "thought": "think",
    "wrote": "write",
    "written": "write",
    "rose": "rise",
    "risen": "rise",
    "fell": "fall",
    "fallen": "fall",
    "grew": "grow",
    "grown": "grow",
    "drew": "draw",
    "drawn": "draw",
    "ran": "run",
    "saw": "see",
    "seen": "see",
    "met": "meet",
    "meant": "mean",
    "sent": "send",
    "understood": "understand",
    "undertook": "undertake",
    "undertaken": "undertake",
}


# Short forms people type ("6 yrs", "cllrs", "govt") and number words, written out the way papers
# write them or as the digits they also use. General English, not phrasings of particular questions.
_SHORT_FORMS = {
    "yrs": "years",
    # party shorthand members use for the groups papers name in full
    "lib": "liberal",
    "dem": "democrat",
    "dems": "democrats",
    "tory": "conservative",
    "tories": "conservatives",
    "yr": "year",
    "cllr": "councillor",
    "cllrs": "councillors",
    "govt": "government",
    "mgmt": "management",
    "dept": "department",
    "depts": "departments",
    "approx": "approximately",
    "info": "information",
    "yoy": "year",
    "fin": "financial",
}
_NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "twenty": "20",
}


# A count written in digits or words, as a regex alternation ("\\d{1,3}|twelve|eleven|...").
NUMBER_WORD_PATTERN = r"\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))


def count_of(word: str) -> int | None:
    """A small count written in digits or words ("4", "six")."""
    word = word.lower()
    digits = _NUMBER_WORDS.get(word, word)
    return int(digits) if digits.isdigit() else None


def stem(word: str) -> str:
    word = _SHORT_FORMS.get(word, word)
    return _stemmer().stemWord(_IRREGULAR.get(word, word))


def tokenize(text: str, drop_stopwords: bool = True) -> list[str]:
    out: list[str] = []
    for tok in _TOKEN.findall(fold(text).lower()):
        if tok[0] == "£" or (tok[0].isdigit() and (not re.match(r"^\d+[a-z]+$", tok) or _UNIT.match(tok))):
            out.extend(_number_forms(tok))
        elif drop_stopwords and tok in STOPWORDS:
            continue
        elif tok in _NUMBER_WORDS:
            out.append(_NUMBER_WORDS[tok])  # "nine in all" meets "9 workstreams"
        else:
            out.append(stem(_POSSESSIVE.sub("", tok).replace("'", "")))
    return out


PREFIX_HEAD = 7  # letters two stems must share to be one word the stemmer parted
PREFIX_MIN = 6  # a shorter stem is too short to say ("counc" ~ "countri")


def prefix_head(term: str) -> str | None:
    """The head a stem shares with the words the stemmer leaves apart from it ("apprentic" and
    "apprenticeship", "overspend" and "overspent"); None for a stem too short to tell, or a number."""
    if len(term) < PREFIX_MIN or term[0].isdigit():
        return None
    return term[:PREFIX_HEAD]
