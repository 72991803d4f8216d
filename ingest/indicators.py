"""Performance indicators as a performance report prints them, so "what was the latest figure for X,
against what target, and how was it rated?" is answered from the indicator's own line.

A quarterly performance report gives each key performance indicator as a small block: its name, a
RAG rating badge, then the figures under labels,

    Number of foster households RED
    Latest: 613 Target: 700 Floor: 650 Previous: 612 (Red)

the rating badge sometimes on a line of its own, the labelled figures sometimes over two or three
lines, the name over up to three. Each block whose first line of figures starts with "Latest:" and
states a target becomes one `Indicator`. What is unclear is left out: a block with no name above it,
or whose name runs into prose (a line ending with a full stop), is not an indicator.

The quote is the name and the figures; the rating has a quote of its own, the name's last line and
the badge as pypdf reads them, cited only when the rating is asked for. The rating badge is a separate text box that the two readers
place differently (pypdf beside the name, pdftotext elsewhere on the page), so the quote without it
is kept when either reader finds it whole on the page; otherwise the lines as pypdf reads them,
badge included, which are on the page by construction.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from core.records import Document, Indicator
from core.text import match_key
from ingest.clean import CleanPage

_VALUE = r"([-+]?£?\d(?:[\d,]*\d)?(?:\.\d+)?(?:%|\s?(?:k|m|bn|million|billion)\b)?)"
_RATING = r"(RED|AMBER|GREEN)"
_LATEST = re.compile(rf"^\s*Latest:\s*{_VALUE}", re.I)
_TARGET = re.compile(rf"\bTarget:?\s*{_VALUE}", re.I)
_FLOOR = re.compile(rf"\bFloor:?\s*{_VALUE}", re.I)
_PREVIOUS = re.compile(rf"\bPrevious:?\s*{_VALUE}(?:\s*\(\s*{_RATING}\s*\))?", re.I)
# Lines after "Latest:" that carry more of the same block's figures.
_MORE_FIGURES = re.compile(r"^\s*(?:Target|Floor|Previous):?\s*[-+£\d]", re.I)
_RATING_ONLY = re.compile(rf"^\s*{_RATING}\s*$", re.I)
_RATING_AFTER_NAME = re.compile(rf"\s+{_RATING}\s*$")
# Headings a report prints above a run of indicators: never part of a name.
_HEADING = re.compile(r"^\s*(?:key\s+)?performance\s+indicators\s*$|^\s*activity\s+indicators\s*$", re.I)
MAX_NAME_LINES = 3
MAX_FIGURE_LINES = 3  # the "Latest:" line and up to two more of the block's figures
# A name wraps onto its next line at the column's width: a shorter line above a name is something
# else (a chart's note, the previous indicator's caption), unless the name's line plainly goes on
# from it ("(Rolling 12 months)", "workers", "– rolling 12 months").
FULL_LINE_CHARS = 60
_CONTINUES = re.compile(r"^\s*(?:[a-z(–\-]|\d)")


def extract_indicators(
    meta: Document, pages: list[CleanPage], second: dict[int, str] | None = None
) -> list[Indicator]:
    """Every indicator block of the document's pages. `second` holds each page's match key as the
    second reader (pdftotext) reads it, when there is one."""
    out: list[Indicator] = []
    for page in pages:
        out.extend(_page_indicators(meta, page, (second or {}).get(page.number)))
    return out


def _page_indicators(meta: Document, page: CleanPage, second_key: str | None) -> Iterator[Indicator]:
    lines = page.lines
    first_key = match_key(page.text)
    for i, line in enumerate(lines):
        latest = _LATEST.match(line)
        if latest is None:
            continue
        end = i + 1
        while end < len(lines) and end - i < MAX_FIGURE_LINES and _MORE_FIGURES.match(lines[end]):
            end += 1
        figures = " ".join(lines[i:end])
        target = _TARGET.search(figures)
        if target is None:
            continue  # a figure without a target to judge it by is not an indicator's line
        rating = None
        k = i - 1
        badge_line = None
        if k >= 0 and (badge := _RATING_ONLY.match(lines[k])):
            rating, badge_line, k = badge.group(1), k, k - 1
        name_lines: list[str] = []
        while k >= 0 and len(name_lines) < MAX_NAME_LINES and _is_name_line(lines[k]):
            if name_lines and not (
                len(lines[k].strip()) >= FULL_LINE_CHARS or _CONTINUES.match(name_lines[0])
            ):
                break
            name_lines.insert(0, lines[k])
            k -= 1
        if not name_lines:
            continue
        start = k + 1
        last = name_lines[-1]
        # The badge beside the name, or on the line under it: one run of the page's lines.
        last_line = i - 1 if badge_line is None else badge_line
        rating_quote = "\n".join(
            line.strip() for line in lines[last_line - (badge_line is not None) : last_line + 1]
        )
        if rating is None and (badge := _RATING_AFTER_NAME.search(last)):
            rating, name_lines[-1] = badge.group(1), last[: badge.start()]
        name = " ".join(" ".join(name_lines).split())
        if not re.search(r"[A-Za-z]{3}", name):
            continue
        quote = _quote(name_lines, lines[i:end], lines[start:end], first_key, second_key)
        shown = quote.split(name_lines[-1].strip(), 1)[-1]  # the figures the quote states
        floor = _FLOOR.search(shown)
        previous = _PREVIOUS.search(shown)
        yield Indicator(
            doc_id=meta.doc_id,
            name=name,
            latest=latest.group(1),
            page=page.number,
            quote=quote,
            target=target.group(1),
            floor=floor.group(1) if floor else None,
            previous=previous.group(1) if previous else None,
            rating=rating.upper() if rating else None,
            previous_rating=previous.group(2).upper() if previous and previous.group(2) else None,
            rating_quote=rating_quote if rating else None,
        )


def _is_name_line(line: str) -> bool:
    text = line.strip()
    return bool(
        text
        and not _HEADING.match(text)
        and not _RATING_ONLY.match(text)
        and not re.search(r"\b(?:Latest|Previous|Target):|^\s*Floor\b", text, re.I)
        and not text.endswith(".")  # prose: a note under the previous indicator, not a name
    )


def _quote(
    name_lines: Sequence[str],
    figure_lines: Sequence[str],
    run: Sequence[str],
    first_key: str,
    second_key: str | None,
) -> str:
    """The name and figures without the rating badge where a reader finds them whole on the page,
    as far as the readers agree (each may place "Previous:", a chart's "Floor:" label or the first
    line of a long name elsewhere), down to the target and the name's last line at least; otherwise
    the page's own run of lines, badge included."""
    figures = "\n".join(f.strip() for f in figure_lines)
    cuts = [m.start() for m in re.finditer(r"[,\s]*\b(?:Previous|Floor)\b", figures, re.I)]
    target = _TARGET.search(figures)
    ends = [e for e in [len(figures), *sorted(cuts, reverse=True)] if target and e >= target.end()]
    for first in range(len(name_lines)):
        name = "\n".join(n.strip() for n in name_lines[first:])
        for end in ends:
            quote = f"{name}\n{figures[:end].rstrip(' ,')}"
            key = match_key(quote)
            if key in first_key or (second_key is not None and key in second_key):
                return quote
    return "\n".join(line.strip() for line in run)
