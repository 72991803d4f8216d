"""Answers, targets and documents as text for a terminal of any width.

Tables suit a wide terminal; at 80 columns a table squeezes each column until "3%" stands without
its label and a document id is cut to "2008-11-1…". Below `WIDE` columns the lists are printed as
labelled blocks instead, one entry per block, with the quote and the full id on lines of their own.
"""

from __future__ import annotations

import shutil
import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.models import Answer, Filters
    from assistant.tools.targets import ListedTarget
    from core.records import Document

# Narrower than this, lists print as labelled blocks rather than tables.
WIDE = 120
# Continuation lines of a wrapped line sit this much further in than the line they continue.
CONTINUATION = "  "
# The width assumed when the output is not a terminal (a pipe, a test runner).
DEFAULT_WIDTH = 80


def width() -> int:
    return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns


def wrap(text: str, columns: int) -> str:
    """Each line wrapped at word boundaries; an indented line's continuations sit a little further
    in (prose continues at the margin); long words (URLs, ids) are kept whole rather than split."""
    out: list[str] = []
    for line in text.splitlines():
        if len(line) <= columns:
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        out.extend(
            textwrap.wrap(
                line.lstrip(),
                columns,
                initial_indent=indent,
                subsequent_indent=indent + CONTINUATION if indent else "",
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(out)


def describe_filters(filters: Filters) -> str:
    """The filters in force, as the option names a user typed: "council Sedgemoor DC · 2016–2019"."""
    parts = []
    if filters.councils:
        parts.append("council " + ", ".join(filters.councils))
    if filters.since or filters.until:
        parts.append(f"{filters.since or '…'}–{filters.until or '…'}")
    if filters.doc_types:
        parts.append("type " + ", ".join(filters.doc_types))
    return " · ".join(parts)


def answer_text(answer: Answer, base: str = "") -> str:
    """An answer for a terminal: the filters in force, the answer, then numbered sources with page
    and section."""
    lines = [answer.answer, ""]
    for note in answer.notices:
        lines.insert(0, f"note: {note}")
    if answer.filters is not None:
        lines.insert(0, f"filters: {describe_filters(answer.filters)}")
    if answer.citations:
        lines.append("Sources")
        for c in answer.citations:
            where = f"p. {c.page}" + (f", §{c.section}" if c.section else "")
            lines.append(f"  [{c.marker}] {c.title} ({c.date}) — {where}")
            if not c.in_answer:
                lines.append(f"      “{c.quote}”")
            lines.append(f"      {c.url if c.link(None) else f'{base}{c.file}#page={c.page}'}")
    for t in answer.tools:
        cites = "".join(f"[{m}]" for m in t.cites)
        lines.append(f"Tool {t.name}: {t.formula} {cites}".rstrip())
        lines.extend(f"      note: {n}" for n in t.notes)
    return "\n".join(lines).rstrip()


def target_fields(listed: ListedTarget) -> list[tuple[str, str]]:
    """A target's labelled fields, as both the table and the blocks show them."""
    from core.money import Amount, format_amount

    t = listed.target
    amount = format_amount(Amount(t.amount, t.unit, t.amount_high, t.approx))
    when = " ".join(
        x
        for x in (
            f"by {t.deadline}" if t.deadline else "",
            f"from {t.start}" if t.start else "",
            f"base {t.base_year}" if t.base_year else "",
        )
        if x
    )
    p = t.progress
    progress = f"{p.actual_text} ({p.difference_text}, {p.percent_of_target}%)" if p else ""
    return [
        (t.kind, amount + (" a year" if t.per_year else "")),
        ("programme", t.programme or ""),
        ("council", ", ".join(t.councils)),
        ("when", when),
        ("progress", progress),
        ("source", f"{listed.doc.file} p.{t.page}"),
    ]


def target_blocks(found: list[ListedTarget], columns: int) -> str:
    """One labelled block per target, its quote in full: readable at 80 columns."""
    blocks = [f"{len(found)} targets"]
    for n, listed in enumerate(found, start=1):
        fields = [(k, v) for k, v in target_fields(listed) if v]
        label, amount = fields[0]
        lines = [f"{n}. {label}: {amount}"]
        lines += [f"   {k}: {v}" for k, v in fields[1:]]
        lines.append(f"   quote: “{listed.target.quote}”")
        blocks.append(wrap("\n".join(lines), columns))
    return "\n\n".join(blocks)


def document_blocks(docs: list[Document], where: str, columns: int) -> str:
    """One block per document, its full id on a line of its own (the id the API's URLs need)."""
    blocks = [f"{len(docs)} documents in {where}"]
    for d in docs:
        facts = " · ".join(
            x
            for x in (d.date or "", d.doc_type or "", d.audience, f"{d.pages} pages, {d.chunks} chunks")
            if x
        )
        blocks.append(wrap(f"{d.doc_id}\n   {d.title}\n   {facts}", columns))
    return "\n\n".join(blocks)
