"""The highlight view as HTML: the page image in an SVG whose viewBox is the page in PDF points, with
one <rect class="highlight"> per line of the quote over it.

Server-rendered, with no inline script or style, so it works under a strict Content-Security-Policy
and without JavaScript (a small external script only scrolls to the first highlight). Each rect
carries its box in points from the page's top-left corner (`data-box`), the same coordinates
`pdftotext -bbox` uses, so a test can check it against the words of the page independently.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from importlib import resources
from string import Template

from assistant.highlight import Highlight
from core.records import Document

# Drawn boxes stand this many points clear of the glyphs, so the marker does not cut through them;
# data-box keeps the exact box.
HIGHLIGHT_PADDING = 1.5
_TEMPLATE = Template(resources.files("assistant").joinpath("web", "viewer.html").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class ViewLinks:
    image: str  # the page as PNG
    pdf: str  # the whole PDF opened at the page
    council: str | None  # the council's own copy, where ingest found one


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def page_view(doc: Document, page: int, quote: str, highlight: Highlight, links: ViewLinks) -> str:
    """The view of `page` of `doc` with `quote` highlighted (or said to be missing)."""
    layout = highlight.layout
    w, h = _fmt(layout.width), _fmt(layout.height)
    pad = HIGHLIGHT_PADDING
    rects = "".join(
        f'<rect class="highlight" x="{_fmt(b.left - pad)}" y="{_fmt(b.top - pad)}" '
        f'width="{_fmt(b.right - b.left + 2 * pad)}" height="{_fmt(b.bottom - b.top + 2 * pad)}" '
        f'data-box="{_fmt(b.left)},{_fmt(b.top)},{_fmt(b.right)},{_fmt(b.bottom)}"></rect>'
        for b in highlight.boxes
    )
    label = f"Page {page} of {doc.title}" + (", with the cited passage highlighted" if rects else "")
    figure = (
        f'<figure><svg class="page" viewBox="0 0 {w} {h}" data-width="{w}" data-height="{h}" '
        f'role="img" aria-label="{escape(label)}">'
        f'<image href="{escape(links.image)}" x="0" y="0" width="{w}" height="{h}"></image>{rects}</svg>'
        f"<figcaption>Page {page} as printed. The page's text is the document's own; the highlight "
        f"marks the quoted passage.</figcaption></figure>"
    )
    if not quote.strip():
        quote_block = ""
    elif highlight.found:
        quote_block = f'<p class="quote">Highlighted: <q>{escape(quote)}</q></p>'
    else:
        quote_block = (
            f'<p class="quote missing">The quote <q>{escape(quote)}</q> could not be placed on the '
            "page image; check the page's text.</p>"
        )
    nav = f'<a href="{escape(links.pdf)}">Open the PDF at page {page}</a>'
    if links.council:
        nav += f'<a href="{escape(links.council)}" rel="noopener">The council\'s own copy</a>'
    where = " · ".join(x for x in (doc.date, f"page {page} of {doc.pages}") if x)
    return _TEMPLATE.substitute(
        page_title=escape(f"p. {page} · {doc.title}"),
        title=escape(doc.title),
        where=escape(where),
        quote_block=quote_block,
        nav=nav,
        figure=figure,
    )


def refusal(status: int, message: str) -> str:
    """An error as a page, for a reader who clicked a link (an API client gets JSON elsewhere)."""
    heading = {403: "This link cannot be opened", 404: "Not found"}.get(status, "Something went wrong")
    return _TEMPLATE.substitute(
        page_title=escape(heading),
        title=escape(heading),
        where="",
        quote_block=f'<p class="error" role="alert">{escape(message)}</p>',
        nav='<a href="/">Back to the assistant</a>',
        figure="",
    )
