"""Facts extracted at ingest for the deterministic tools, each with its source (page, section, quote).

- figures: every table cell with its row label, column header and unit ("SDC £000: 2,224");
- targets: sentences that set a target, a requirement or a planned reduction with an amount
  ("To achieve annual revenue savings ... of £20m, by 2012/13 (Base year: 2007/08)"), with whether it
  is per year, its deadline, base year, council and programme; a following sentence that projects or
  reports against it ("we are projected to exceed this by saving £20.3m per year") is its progress;
- table targets: rows labelled as targets give one target per council column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from core.councils import gazetteer
from core.money import (
    Amount,
    find_money,
    find_percent,
    format_amount,
    parse_financial_year,
    parse_number,
)
from core.records import Document, Figure, Target, TargetKind, TargetProgress
from core.text import squash
from ingest.parse import ParsedDocument
from ingest.structure import ParsedUnit

_CUES: list[tuple[TargetKind, re.Pattern[str]]] = [
    (
        "target",
        re.compile(
            r"\b(?:target(?:s|ing|ed)?|aim(?:s|ing|ed)?\s+to|to\s+achieve|plan\s+to\s+deliver|commit(?:s|ted|ment)?\s+(?:the\s+\w+\s+\w+\s+)?to|ambition)\b",
            re.I,
        ),
    ),
    ("requirement", re.compile(r"(?<!\bif\s)\b(?:required|requires?|need(?:s|ed)?\s+to)\b", re.I)),
    ("reduction", re.compile(r"\b(?:reduc(?:e|ing|tion)|cut(?:ting)?)\b", re.I)),
]
# A reduction is a target only when it is planned, not when it has already happened.
_PLANNED = re.compile(r"\b(?:will|to\s+reduce|aim|target|plan|intend|propos|must|should|by\s+\d)", re.I)
_PROGRESS = re.compile(
    r"\b(?:projected|forecast|expected|on\s+track|achieved|exceed(?:ed|s)?|delivered)\b", re.I
)
_PER_YEAR = re.compile(
    r"\b(?:annual|annually|per\s+(?:year|annum)|a\s+year|each\s+year|year\s+on\s+year|p\.?a\.?)\b", re.I
)
_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_DEADLINE = re.compile(
    rf"\bby\s+(?:the\s+end\s+of\s+|end\s+)?((?:\d{{1,2}}\s+)?{_MONTHS}\s+\d{{4}}|(?:19|20)\d{{2}}\s?[/-]\s?\d{{2,4}}|\d{{2}}/\d{{2}}|(?:19|20)\d{{2}})"
    rf"|\b(?:in|for)\s+((?:19|20)\d{{2}}/\d{{2}}|\d{{2}}/\d{{2}})\b"
)
_START = re.compile(rf"\bfrom\s+((?:\d{{1,2}}\s+)?{_MONTHS}\s+\d{{4}})")
_BASE = re.compile(r"\bbase\s+year:?\s*((?:19|20)\d{2}\s?[/-]\s?\d{2,4})", re.I)
_CODE = re.compile(r"\(((?:NI|BV|KPI)\s*\w+)\)")


def _quote(doc: ParsedDocument, unit: ParsedUnit) -> str:
    page_text = {p.number: p.text for p in doc.pages}
    return squash("\n".join(page_text[s.page][s.start : s.end] for s in unit.spans))


MAX_CELL_WORDS = 40  # a text table's first cell quoted with its row's label, up to this length


def _row_quote(doc: ParsedDocument, row: ParsedUnit, following: ParsedUnit | None) -> str:
    """A row's quote. The label of a row of a table of text ("Customer TDBC"), whose cells are
    units of their own, is quoted with its first cell, as a reader quotes the row: "Customer TDBC
    Year 1 Single customer access strategy in place ..."."""
    quote = _quote(doc, row)
    cell = following
    if (
        cell is None
        or cell.kind != "table_cell"
        or cell.table is None
        or row.table is None
        or (cell.table.table_id, cell.table.row) != (row.table.table_id, row.table.row)
        or any(s.page != row.page for s in [*row.spans, *cell.spans])
    ):
        return quote
    end, said = cell.spans[-1].end, cell.text
    if len(said.split()) > MAX_CELL_WORDS:
        # A long cell is quoted to the end of its first sentence, when that is short enough.
        first = _SENTENCE_END.search(said)
        if first is None or len(cell.spans) != 1 or len(said[: first.end()].split()) > MAX_CELL_WORDS:
            return quote
        end, said = cell.spans[0].start + first.end(), said[: first.end()]
    text = {p.number: p.text for p in doc.pages}[row.page]
    joined = squash(text[row.spans[0].start : end])
    # Only when nothing else of the page lies between the two (another column's text would).
    return joined if len(joined.split()) == len(quote.split()) + len(said.split()) else quote


# The end of a cell's first sentence, or of its first item where items end a line with a date in
# brackets ("... shared service delivery (Nov 08)\nAgreement of ...").
_SENTENCE_END = re.compile(r"[.;](?=\s+[A-Z(])|\)(?=[ \t]*\n[ \t]*['‘A-Z])")


def table_figures(meta: Document, doc: ParsedDocument) -> Iterator[Figure]:
    """One fact per table cell with its row label, column header, unit and the row as its quote."""
    for i, (unit, ok) in enumerate(zip(doc.units, doc.quotable, strict=True)):
        table = unit.table
        if not ok or table is None or table.is_header or unit.kind != "table_row":
            continue
        quote = _row_quote(doc, unit, doc.units[i + 1] if i + 1 < len(doc.units) else None)
        for cell in table.cells:
            yield Figure(
                doc_id=meta.doc_id,
                table_id=table.table_id,
                table_title=table.title,
                row=table.row_label,
                row_index=table.row,
                column=cell.header,
                value=cell.value,
                unit=cell.unit,
                scale=cell.scale,
                page=unit.page,
                section=unit.section,
                quote=quote,
                label_header=table.label_header,
            )


def _programme(meta: Document) -> str:
    if meta.programme:
        return meta.programme
    return re.split(r"\s+[–-]\s+|:|,", meta.title)[0].strip()


# A figure the words right around it call a gap or a result is not a target, though its sentence
# mentions one: "address the £15.6m deficit", "a cumulative shortfall of £15.6m", "has only achieved
# circa 65% of its planned savings". Read in the few words before and after the figure, so a target
# in the same sentence as a shortfall still counts.
_GAP = r"shortfalls?|deficits?|gaps?|overspe(?:nd|nt|nding)|turnaround"
_GAP_BEFORE = re.compile(rf"\b(?:{_GAP}|achieved|realised|realized|delivered)\b(?:\W+\w+){{0,2}}\W*$", re.I)
_GAP_AFTER = re.compile(rf"^\W*(?:\w+\W+)?(?:{_GAP})\b", re.I)
# "savings to be delivered: £5m" plans a result rather than reporting one.
_PLANNED_RESULT = re.compile(r"\bto\s+be\s+(?:achieved|realised|realized|delivered)\b", re.I)


def _gap_or_result(text: str, start: int, end: int) -> bool:
    """Whether the figure at text[start:end] is a shortfall, deficit or achieved rate by its wording."""
    before, after = text[max(0, start - 60) : start], text[end : end + 30]
    if _GAP_BEFORE.search(before) and not _PLANNED_RESULT.search(before):
        return True
    return bool(_GAP_AFTER.search(after))


def _amount_after(text: str, start: int) -> tuple[Amount, int] | None:
    """The first money or percentage figure at or after `start`, else the nearest before it;
    figures worded as a shortfall or a result are passed over."""
    found = sorted(find_money(text) + find_percent(text), key=lambda f: f[0][0])
    found = [f for f in found if not _gap_or_result(text, *f[0])]
    # A percentage inside a money range's text ("£40-50m") is not a second figure.
    after = [f for f in found if f[0][0] >= start]
    if after:
        return after[0][1], after[0][0][0]
    if found:
        return found[-1][1], found[-1][0][0]
    return None


def _deadline(text: str) -> str | None:
    m = _DEADLINE.search(text)
    return (m.group(1) or m.group(2)).strip() if m else None


def targets_from_text(meta: Document, doc: ParsedDocument) -> Iterator[Target]:
    g = gazetteer()
    units = [
        (u, ok)
        for u, ok in zip(doc.units, doc.quotable, strict=True)
        if ok and u.kind in ("sentence", "list_item")
    ]
    seen: set[tuple] = set()
    for i, (unit, _) in enumerate(units):
        text = squash(unit.text)
        cue = next(((kind, m) for kind, pattern in _CUES if (m := pattern.search(text))), None)
        if cue is None:
            continue
        kind, match = cue
        if kind == "reduction" and not _PLANNED.search(text):
            continue
        found = _amount_after(text, match.start())
        if found is None or (kind != "target" and found[1] < match.start()):
            continue
        amount, at = found
        if text[max(0, at - 1) : at] == "@":
            continue  # resourcing notation ("critical friend @5%"), not a target
        others = [a for _, a in find_money(text) + find_percent(text) if a.text != amount.text]
        deadline = _deadline(text[at:]) or _deadline(text)
        fy = parse_financial_year(deadline or "")
        key = (amount.value, amount.unit, str(fy) if fy else deadline)
        if key in seen:
            continue
        seen.add(key)
        base = _BASE.search(text)
        start = _START.search(text)
        councils = g.mentioned(text) or list(meta.councils)
        progress = None
        # A following sentence of the same paragraph that projects against it is its progress.
        for nxt, _ in units[i + 1 : i + 3]:
            if nxt.block != unit.block or not _PROGRESS.search(nxt.text):
                continue
            actual = next((a for _, a in find_money(squash(nxt.text)) if a.unit == amount.unit), None)
            if actual is None:
                continue
            gap = actual.value - amount.value
            progress = TargetProgress(
                actual=actual.value,
                actual_text=actual.text,
                statement=squash(nxt.text),
                page=nxt.page,
                quote=_quote(doc, nxt),
                difference=gap,
                difference_text=("+" if gap >= 0 else "-") + format_amount(Amount(abs(gap), amount.unit)),
                percent_of_target=round(actual.value / amount.value * 100, 1) if amount.value else None,
            )
            break
        yield Target(
            doc_id=meta.doc_id,
            kind=kind,
            statement=text,
            amount=amount.value,
            amount_high=amount.high,
            unit=amount.unit,
            amount_text=amount.text,
            approx=amount.approx,
            per_year=bool(_PER_YEAR.search(text)),
            deadline=deadline,
            start=start.group(1) if start else None,
            base_year=base.group(1).replace(" ", "") if base else None,
            baseline=others[0].text
            if kind == "reduction" and others and others[0].unit == amount.unit
            else None,
            councils=tuple(councils),
            programme=_programme(meta),
            context=unit.heading or unit.section,
            page=unit.page,
            section=unit.section,
            quote=_quote(doc, unit),
            progress=progress,
        )


def targets_from_tables(meta: Document, doc: ParsedDocument) -> Iterator[Target]:
    """Rows labelled as targets ("Efficiency Target by 2010-11 (NI 179)") give a target per council column."""
    g = gazetteer()
    for unit, ok in zip(doc.units, doc.quotable, strict=True):
        table = unit.table
        if not ok or table is None or unit.kind != "table_row" or not table.row_label:
            continue
        if not re.search(r"\btarget\b", table.row_label, re.I):
            continue
        code = _CODE.search(table.row_label)
        deadline = _deadline(table.row_label)
        quote = _quote(doc, unit)
        for cell in table.cells:
            if re.search(r"\btotal\b", cell.header, re.I):
                continue
            council = next(
                (g.canonical(tok) for tok in re.findall(r"[A-Z]{2,}", cell.header) if g.canonical(tok)), None
            )
            value = parse_number(cell.value)
            if council is None or value is None:
                continue
            yield Target(
                doc_id=meta.doc_id,
                kind="target",
                statement=f"{table.row_label}: {cell.header} {cell.value}",
                amount=value * cell.scale,
                amount_high=None,
                unit="£" if (cell.unit or "").startswith("£") else (cell.unit or ""),
                amount_text=f"{cell.value} ({cell.header})",
                approx=False,
                per_year=False,
                deadline=deadline,
                start=None,
                base_year=None,
                baseline=None,
                councils=(council,),
                programme=code.group(1) if code else _programme(meta),
                context=table.title,
                page=unit.page,
                section=unit.section,
                quote=quote,
            )


def extract_facts(meta: Document, doc: ParsedDocument) -> Iterator[Figure | Target]:
    yield from table_figures(meta, doc)
    yield from targets_from_text(meta, doc)
    yield from targets_from_tables(meta, doc)
