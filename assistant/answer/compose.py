"""Write an extractive answer: each sentence a verbatim quote with light connective text and a marker.

Nothing here invents content. The connective text names the document, its date, the section and
the page; every figure in the answer is inside a quote (or, with the tools, a tool result). A quote
is always text of a single page, so a reader who opens the PDF at the cited page finds it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from assistant.answer.select import Candidate, _tokens, strip_marker, unit_spans
from assistant.models import Citation
from core.councils import gazetteer
from core.records import Chunk, Document
from core.text import squash
from core.tokens import tokenize

ABSTAIN_TEXT = "I could not find this in the documents."
MAX_LIST_ITEMS = 10
MAX_LIST_WORDS = 120
MAX_PARAGRAPH_WORDS = 60


@dataclass
class Quote:
    doc: Document
    page: int
    section: str | None
    text: str
    cell: tuple[str, str] | None = None  # (column header, value) picked from a table row
    also: tuple[tuple[str, str], ...] = ()  # further cells of the row whose columns the question names
    row_label: str | None = None
    table_title: str | None = None


def _page_portion(chunk: Chunk, start: int, end: int, page: int) -> tuple[int, int]:
    """The part of chunk text [start, end) that lies on `page`."""
    for span in chunk.spans:
        lo = span.offset
        hi = lo + span.end - span.start
        if span.page == page:
            return max(start, lo), min(end, hi)
    return start, end


def _list_end(c: Candidate) -> int:
    """Where a list introduced by this unit ("... the partners are:") ends: its items in the same
    paragraph, on the same page, up to a sensible length for one quote."""
    end, words = c.end, 0
    for count, unit in enumerate(c.chunk.units[c.index + c.count :]):
        if unit.page != c.unit.page or unit.kind not in ("list_item", "sentence"):
            break
        if unit.section != c.unit.section or count >= MAX_LIST_ITEMS:
            break
        words += len(c.chunk.unit_text(unit).split())
        if words > MAX_LIST_WORDS and count:
            break
        end = unit.end
    return end


def _list_start(c: Candidate) -> int | None:
    """For a list item, the unit that introduces its list, if it is in the same chunk and page."""
    for unit in reversed(c.chunk.units[: c.index]):
        if unit.page != c.unit.page or unit.section != c.unit.section:
            return None
        text = c.chunk.unit_text(unit).rstrip()
        if text.endswith((":", ":-")):
            return unit.start
        if unit.kind != "list_item":
            return None
    return None


# Words that give a reason: the sentence that has them explains; one without them leads up to it.
_REASON = re.compile(
    r"\b(?:because|due\s+to|owing\s+to|as\s+a\s+result|reasons?|caused|driven\s+by|impacted\s+by|"
    r"result(?:s|ed)?\s+(?:of|from)|since|therefore|so\s+that|in\s+order\s+to|given\s+that|as\s+(?:this|it|they))\b",
    re.I,
)
REASON_REACH = 2  # following sentences of its paragraph a quote answering "why" may run on to
# "There appear to be two primary reasons for this.": the reasons follow.
_ANNOUNCES = re.compile(r"\breasons?\b[^.;:]{0,24}[.:]\s*$|:\s*$", re.I)


def _reason_end(c: Candidate, end: int) -> int:
    """Where a quote answering "why" ends: with the next sentence of its paragraph (and page), which a
    reader takes with it, and on (up to `REASON_REACH` sentences) to one that gives a reason when
    neither does; the reasons a sentence announces ("two primary reasons for this.") come with it."""
    own = c.chunk.text[c.start : end]
    reach = REASON_REACH if _ANNOUNCES.search(own) or not _REASON.search(own) else 1
    after = [u for u in c.chunk.units if u.block == c.unit.block and u.page == c.unit.page and u.start >= end]
    for taken, u in enumerate(after, start=1):
        if taken > reach:
            break
        sentence = c.chunk.text[u.start : u.end]
        end = u.end
        if _ANNOUNCES.search(sentence):
            reach = taken + REASON_REACH  # the reasons it announces follow
        elif _REASON.search(sentence):
            break
    return end


def _paragraph(c: Candidate) -> tuple[int, int]:
    """The whole paragraph around this unit, on its page."""
    same = [u for u in c.chunk.units if u.block == c.unit.block and u.page == c.unit.page]
    return min(u.start for u in same), max(u.end for u in same)


# A list item's marker at the start of its line: "(d) ", "(iv) ", "1. " (not a paragraph number
# such as "3.3", which the citation's section already gives).
_ITEM_MARKER_BEFORE = re.compile(r"(?:^|\n)[ \t]*(\([a-z]{1,4}\)|\d{1,2}\.)[ \t]+$")
_ITEM_MARKER = re.compile(r"(?:\([a-z]{1,4}\)|\d{1,2}\.)\s")
MARKER_REACH = 12  # characters before a quote searched for its item's marker


def _item_marker_before(text: str, start: int) -> int | None:
    """Where the quote starting at `start` begins once its item's marker is included. A reader, and
    anyone checking the citation, quotes a list item with its marker, as the page prints it."""
    window = max(0, start - MARKER_REACH)
    m = _ITEM_MARKER_BEFORE.search(text[window:start])
    return window + m.start(1) if m else None


def quote_for(
    c: Candidate,
    column_hint: list[str] | None = None,
    expand_list: bool = False,
    paragraph: bool = False,
    page: int | None = None,
    asked: frozenset[str] = frozenset(),
    explain: bool = False,
) -> Quote:
    """The quote a candidate gives, on one page; for a table row, the cell the question picks by a
    council it names (`column_hint`) or by the words of a column header it uses (`asked`). Asked
    why (`explain`), a sentence that gives no reason runs on to the next of its paragraph that does."""
    start, end = c.start, c.end
    raw = c.chunk.text[start:end].rstrip()
    if explain and not raw.endswith((":", ":-")) and not expand_list:
        end = _reason_end(c, end)
    if raw.endswith((":", ":-")) or expand_list:
        if expand_list and c.unit.kind == "list_item" and (lead := _list_start(c)) is not None:
            start = lead
        end = max(end, _list_end(c))
    elif paragraph and c.count == 1 and c.unit.kind in ("sentence", "list_item"):
        p_start, p_end = _paragraph(c)
        if len(c.chunk.text[p_start:p_end].split()) <= MAX_PARAGRAPH_WORDS:
            start, end = p_start, p_end
    page = page or c.unit.page
    marked = _item_marker_before(c.chunk.text, start) if not c.unit.is_table else None
    if marked is not None:
        start = marked
    start, end = _page_portion(c.chunk, start, end, page)
    text = squash(c.chunk.text[start:end])
    if not c.unit.is_table and marked is None and not _ITEM_MARKER.match(text):
        text = strip_marker(text)
    table = c.table
    cell = None
    if table and table.cells and column_hint:
        for hint in column_hint:
            for found in table.cells:
                if re.search(rf"(?<![A-Za-z]){re.escape(hint)}(?![A-Za-z])", found.header):
                    cell = (found.header, found.value)
                    break
            if cell:
                break
    also: list[tuple[str, str]] = []
    if table and table.cells and cell is None and asked:
        named = [(len(_tokens(f.header) & asked), f) for f in table.cells if f.header]
        best = max(named, key=lambda t: t[0], default=(0, None))
        if best[1] is not None and best[0] > 0:
            cell = (best[1].header, best[1].value)
            # "What were its budget, forecast and variance?": each column named by a word that
            # neither the row's label nor the columns given so far have is given too; "2024-25
            # budget" adds nothing to "2025-26 budget" for "the 2025-26 budget".
            covered = (_tokens(best[1].header) & asked) | _tokens(table.row_label or "")
            for _, f in named:
                new = (_tokens(f.header) & asked) - covered
                if f is not best[1] and new:
                    also.append((f.header, f.value))
                    covered |= new
    return Quote(
        doc=c.doc,
        page=page,
        section=c.unit.section,
        text=text,
        cell=cell,
        also=tuple(also),
        row_label=table.row_label if table else None,
        table_title=table.title if table else None,
    )


def other_page_part(c: Candidate, quoted: Quote, asked: dict[str, float]) -> Quote | None:
    """For a sentence that runs across a page break, quoted on its first page, its part on the next
    page when that part holds a key word of the question the quoted part lacks ("... in May we signed the
    first historic" | "devolution deal with Bridgwater Town Council"): a quote lies on one page, so
    the rest of the sentence is a second quote."""
    if quoted.cell or c.unit.is_table:
        return None
    have = set(tokenize(quoted.text))
    for span in unit_spans(c):
        if span.page <= quoted.page:
            continue  # only what the sentence goes on to say: the part quoted holds its answer so far
        lo, hi = max(c.start, span.offset), min(c.end, span.offset + span.end - span.start)
        text = squash(c.chunk.text[lo:hi])
        if len(text.split()) >= MIN_PART_WORDS and any(
            t in set(tokenize(text)) - have for t, w in asked.items() if w >= KEY_TERM_WEIGHT
        ):
            return Quote(doc=c.doc, page=span.page, section=c.unit.section, text=text)
    return None


MIN_PART_WORDS = 3  # the other page's part of a sentence worth quoting
KEY_TERM_WEIGHT = 1.0  # a question term at least this heavy is one of its key words


def column_hints(councils: list[str]) -> list[str]:
    """Column headers name councils by abbreviation ("SDC £000"); these are the strings to look for."""
    g = gazetteer()
    return [abbr for canon in councils for abbr in g.abbreviations(canon)]


def when(date: str | None) -> str:
    if not date:
        return ""
    for fmt, out in (("%Y-%m-%d", "%-d %B %Y"), ("%Y-%m", "%B %Y"), ("%Y", "%Y")):
        try:
            return dt.datetime.strptime(date, fmt).strftime(out)
        except ValueError:
            continue
    return date


def where(q: Quote) -> str:
    if q.section and re.match(r"^\d", q.section):
        head = q.section.split(" (")[0]
        label = "paragraph" if re.fullmatch(r"[\d.]+(?:\([a-z]+\))?", head) else "section"
        return f"{label} {q.section}, page {q.page}"
    if q.section:
        return f"“{q.section}”, page {q.page}"
    return f"page {q.page}"


def document_label(doc: Document) -> str:
    title = doc.title
    title = title if title.lower().startswith("the ") else f"the {title}"
    date = when(doc.date)
    return f"{title} ({date})" if date else title


def sentence(q: Quote, marker: int) -> str:
    if q.cell and q.row_label:
        header, value = q.cell
        table = f"{q.table_title} of " if q.table_title else ""
        return (
            f"In {table}{document_label(q.doc)}, page {q.page}, the row “{q.row_label}” gives {value} "
            f"under “{header}”: “{q.text}” [{marker}]"
        )
    return f"{source(q)}: “{q.text}” [{marker}]"


def source(q: Quote) -> str:
    """A quote's document and place, short: "Pioneer Somerset – Update Report (2008), §2.4, p. 1"."""
    year = (q.doc.date or "")[:4]
    title = f"{q.doc.title} ({year})" if year and year not in q.doc.title else q.doc.title
    section = q.section.split(" ", 1)[0] if q.section and re.match(r"^\d", q.section) else None
    where_ = f"§{section}, p. {q.page}" if section else f"p. {q.page}"
    return f"{title}, {where_}"


def citation(q: Quote, marker: int) -> Citation:
    doc = q.doc
    return Citation(
        marker=marker,
        doc_id=doc.doc_id,
        file=doc.file,
        title=doc.title,
        date=doc.date,
        page=q.page,
        section=q.section,
        quote=q.text,
        url=page_url(doc, q.page),
    )


def page_url(doc: Document, page: int) -> str:
    """The council's own copy of the paper where ingest found one (a ModernGov document link), so
    that a reader checks the quote against the public record; otherwise the indexed file."""
    if doc.source_url:
        return f"{doc.source_url}#page={page}"
    return f"/v1/documents/{doc.doc_id}/file#page={page}"


def number(quotes: list[Quote]) -> tuple[list[Citation], list[int]]:
    """Citations for the distinct quotes, and each quote's marker."""
    citations: list[Citation] = []
    markers: list[int] = []
    seen: dict[tuple[str, int, str], int] = {}
    for q in quotes:
        k = (q.doc.doc_id, q.page, q.text)
        if k not in seen:
            seen[k] = len(citations) + 1
            citations.append(citation(q, seen[k]))
        markers.append(seen[k])
    return citations, markers


def compose(quotes: list[Quote], lead: str | None = None) -> tuple[str, list[Citation]]:
    """The answer text and its citations, one marker per distinct quote: the short answer first
    (words taken from the quotes) when there is one, then each supporting quote once."""
    citations, markers = number(quotes)
    done: set[int] = set()
    sentences = []
    for q, m in zip(quotes, markers, strict=True):
        if m not in done:
            done.add(m)
            sentences.append(sentence(q, m))
    if lead and quotes[0].cell:
        sentences[0] = f"{source(quotes[0])}: “{quotes[0].text}” [{markers[0]}]"  # the lead states the cell
    body = "\n".join(sentences)
    if lead:
        cites = "".join(f"[{m}]" for m in sorted(done))
        return f"{lead.rstrip('.')} {cites}.\n\n{body}", citations
    return body, citations
