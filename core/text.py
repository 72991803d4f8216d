"""Text helpers shared by ingest and the answerer: match keys and sentence boundaries.

A *match key* drops whitespace, hyphens and bullets and folds typographic quotes and dashes, so two
renderings of the same page text (pypdf's, pdftotext's, a table cell's) compare equal. The contract
allows quotes to differ from the page only in whitespace and hyphenation; the key encodes exactly that.
"""

from __future__ import annotations

import re
import unicodedata

_FOLD = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "−": "-",
        "\u00a0": " ",
        "\u00ad": "",
    }
)
_DROP = set("-•\x7f▪·◦●")


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_FOLD)


def match_key(text: str) -> str:
    return "".join(ch for ch in fold(text) if not ch.isspace() and ch not in _DROP)


def key_with_index(text: str) -> tuple[str, list[int]]:
    """The match key of `text` and, for each key character, its offset in `text`."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        for c in fold(ch):
            if c.isspace() or c in _DROP:
                continue
            out.append(c)
            index.append(i)
    return "".join(out), index


def squash(text: str) -> str:
    """Whitespace-normalised text, for display and for quotes."""
    return " ".join(text.split())


_ABBREVIATIONS = {
    "e.g",
    "eg",
    "i.e",
    "ie",
    "etc",
    "cf",
    "vs",
    "v",
    "no",
    "nos",
    "para",
    "paras",
    "cllr",
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "c",
    "ca",
    "approx",
    "inc",
    "incl",
    "ltd",
    "co",
    "dept",
    "fig",
    "p",
    "pp",
    "vol",
    "al",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
}
_BOUNDARY = re.compile(r"[.!?][\"”’)\]]*(?=\s+[\"“‘(£]?[A-Z0-9£])")
_WORD_BEFORE = re.compile(r"(\S+)$")


def sentence_spans(text: str, skip_prefix: int = 0) -> list[tuple[int, int]]:
    """Sentence boundaries in `text` as (start, end) offsets, ends exclusive and trimmed.

    `skip_prefix` protects a leading paragraph marker ("1. This is ...") from being read as a
    sentence of its own.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.start() < skip_prefix:
            continue
        word = _WORD_BEFORE.search(text[start : m.start()])
        token = word.group(1).lower().lstrip("(\"“'") if word else ""
        if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
            continue
        end = m.end()
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out
