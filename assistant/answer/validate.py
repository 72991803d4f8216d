"""Questions the assistant refuses before searching, each with a message a person can act on."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

from assistant.models import MAX_QUESTION_CHARS
from core.errors import EmptyQuestion, QuestionTooLong, UnsupportedLanguage
from core.tokens import STOPWORDS

# Common English words that council documents may not happen to use.
_ENGLISH = frozenset(
    [
        "what",
        "when",
        "who",
        "whom",
        "whose",
        "which",
        "where",
        "why",
        "how",
        "much",
        "many",
        "long",
        "does",
        "did",
        "do",
        "is",
        "was",
        "were",
        "are",
        "has",
        "have",
        "had",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "tell",
        "show",
        "give",
        "me",
        "please",
        "about",
        "the",
        "a",
        "an",
        "of",
        "in",
        "on",
        "for",
        "to",
        "by",
        "with",
        "from",
        "and",
        "or",
        "not",
        "any",
        "all",
        "each",
        "every",
        "there",
        "their",
        "they",
        "them",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "year",
        "years",
        "total",
        "cost",
        "costs",
        "spend",
        "spent",
        "save",
        "saved",
        "target",
        "council",
        "councils",
        "plan",
        "report",
        "page",
        "document",
        "documents",
        "much",
        "more",
        "most",
        "less",
        "least",
        "first",
        "last",
        "next",
        "previous",
        "following",
        "before",
        "after",
        "between",
        "compare",
    ]
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
# Unicode categories of characters that show nothing: controls (Cc), format characters such as
# U+200B ZERO WIDTH SPACE (Cf), unassigned (Cn) and private-use (Co) code points, surrogates (Cs).
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cn", "Co", "Cs"})
# Function words of the languages a council in England is most likely to be asked in instead.
_FOREIGN = frozenset(
    [
        "le",
        "la",
        "les",
        "des",
        "du",
        "est",
        "était",
        "quel",
        "quelle",
        "quels",
        "pour",
        "avec",
        "une",
        "dans",
        "sont",
        "qui",
        "que",
        "der",
        "die",
        "das",
        "und",
        "ist",
        "war",
        "wie",
        "hoch",
        "welche",
        "wurde",
        "nicht",
        "eine",
        "auf",
        "für",
        "von",
        "mit",
        "el",
        "los",
        "las",
        "qué",
        "cuál",
        "cuánto",
        "fue",
        "para",
        "con",
        "una",
        "está",
        "del",
        "por",
        "beth",
        "oedd",
        "yw",
        "mae",
        "gyda",
        "ydy",
        "pwy",
        "faint",
        "blwyddyn",
        "cyngor",
    ]
)


def visible_text(text: str) -> str:
    """The text without control characters (NUL and the like) and invisible format characters
    (zero-width spaces and joiners, direction marks): a question made only of them is empty."""
    return "".join(ch for ch in text if ch in "\t\n" or unicodedata.category(ch) not in _INVISIBLE_CATEGORIES)


def check_question(text: str, vocabulary: Collection[str]) -> str:
    """The question, stripped of invisible characters; or a QuestionError saying what is wrong with it.

    `vocabulary`: the words of the documents the caller may read (`assistant.vocabulary`), so
    that whether a question counts as English never depends on a document the caller may not read.
    """
    question = visible_text(text or "").strip()
    if not question:
        raise EmptyQuestion(
            "The question is empty. Ask about the council documents, for example "
            "“What was Pioneer Somerset's savings target?”"
        )
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionTooLong(
            f"The question is {len(question):,} characters long; the limit is {MAX_QUESTION_CHARS:,}. "
            "Please shorten it to the point you want answered."
        )
    letters = [ch for ch in question if ch.isalpha()]
    if letters:
        latin = sum(1 for ch in letters if ch.isascii() or "À" <= ch <= "ɏ")
        words = [w.lower() for w in _WORD.findall(question) if len(w) >= 3]
        known = sum(1 for w in words if w in _ENGLISH or w in STOPWORDS or w in vocabulary)
        foreign = sum(1 for w in words if w in _FOREIGN and w not in _ENGLISH and w not in STOPWORDS)
        if latin / len(letters) < 0.7 or foreign >= 2 or (len(words) >= 3 and known / len(words) < 0.5):
            raise UnsupportedLanguage(
                "The documents are in English and I can only answer questions asked in English. "
                "Please ask again in English."
            )
    return question
