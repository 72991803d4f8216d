"""Text normalisation for scoring, written apart from the assistant's own so the harness does not
trust the code it checks.

- `key()` compares quotes with page text and gold spans: only whitespace, hyphenation and
  typographic quotes and dashes may differ (the contract's rule for a verbatim quote).
- `fact_text()` compares an answer with the facts it must state: case, whitespace, dashes and
  quotes may differ.
"""

from __future__ import annotations

import re
import unicodedata

_FOLD = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "\u00a0": " ",
        "\u00ad": "",
    }
)


def key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").translate(_FOLD)
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-•\x7f▪")


def fact_text(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").translate(_FOLD).casefold()
    return re.sub(r"\s+", " ", text).strip()


def states(answer: str, variant: str) -> bool:
    """Whether the answer states `variant`, as a whole token run (so "£2.9m" is not found in "£12.9m")."""
    a, v = fact_text(answer), fact_text(variant)
    if not v:
        return False
    pattern = (r"(?<![\w.£$])" if v[0].isalnum() or v[0] in "£$" else "") + re.escape(v)
    pattern += r"(?![\w])" if v[-1].isalnum() else ""
    return re.search(pattern, a) is not None
