"""A cited page as an image with its quote highlighted, for citation chips and Slack links.

`GET /v1/documents/{id}/pages/{n}/view?quote=…&token=…` is an HTML page a browser opens;
`…/image` is the page as PNG. Both admit a request exactly as the PDF route does: a signed link's
token for that page, or the caller's key and role (a document the caller may not read is 404).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from assistant import highlight
from assistant.api.deps import Services, ServicesDep
from assistant.api.routes.documents import links, readable
from assistant.api.viewer import ViewLinks, page_view, refusal
from assistant.links import document_path
from core.errors import AssistantError, NotFound
from core.records import Document

router = APIRouter(prefix="/v1/documents", tags=["documents"])

MAX_QUOTE_CHARS = 4000  # the longest quote the composer gives is a long table row or paragraph
TOKEN_CHARS = 200
# The image of a page changes only when the PDF is re-ingested, but a signed link expires: let a
# browser keep it for a short while, privately.
IMAGE_CACHE = "private, max-age=300"


def _page_file(doc: Document, n: int) -> Path:
    if not 1 <= n <= doc.pages:
        raise NotFound(f"{doc.doc_id} has pages 1 to {doc.pages}, not {n}")
    path = Path(doc.path)
    if not path.is_file():
        raise NotFound(f"the file of {doc.doc_id} is no longer on the server; re-run ingest")
    return path


# A reader clicked a link: refusals come as a page too (other errors keep the JSON error shape).
_AS_PAGE = {"content": {"text/html": {"schema": {"type": "string"}}}}
VIEW_RESPONSES: dict[int | str, dict] = {
    200: _AS_PAGE,
    403: {**_AS_PAGE, "description": "The link's token is wrong, for another page, or expired"},
    404: {**_AS_PAGE, "description": "Not found (or not visible to the caller's role)"},
}


@router.get("/{doc_id}/pages/{n}/view", responses=VIEW_RESPONSES)
async def view(
    doc_id: str,
    n: int,
    request: Request,
    s: ServicesDep,
    quote: str = Query(default="", max_length=MAX_QUOTE_CHARS, description="the text to highlight"),
    token: str | None = Query(default=None, max_length=TOKEN_CHARS, description="a signed link's token"),
) -> HTMLResponse:
    """The page as an image with the quote's lines highlighted, as a web page. Refusals come as a
    page too, with the status of the JSON routes (403 for a bad or expired link, 404 when not found)."""
    try:
        doc = readable(request, s, doc_id, n, token)
        path = _page_file(doc, n)
        found = await run_in_threadpool(lambda: highlight.find(highlight.layout(path, n), quote))
    except AssistantError as exc:
        if exc.status not in (403, 404):
            raise
        return HTMLResponse(refusal(exc.status, exc.message), status_code=exc.status)
    html = page_view(doc, n, quote, found, _view_links(s, doc, n, token))
    return HTMLResponse(html, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


def _view_links(s: Services, doc: Document, n: int, token: str | None) -> ViewLinks:
    """The view's own links need the same right to read the page: the link's token where it came
    with one, else a fresh one for a key-holder whose browser cannot send the key with an <img>."""
    signing = links(s)
    token = token or signing.token(doc.doc_id, n)
    image = f"{document_path(doc.doc_id)}/pages/{n}/image" + (f"?token={token}" if token else "")
    council = f"{doc.source_url}#page={n}" if doc.source_url else None
    return ViewLinks(image=image, pdf=signing.pdf(doc.doc_id, n, token), council=council)


@router.get(
    "/{doc_id}/pages/{n}/image", response_class=Response, responses={200: {"content": {"image/png": {}}}}
)
async def image(
    doc_id: str,
    n: int,
    request: Request,
    s: ServicesDep,
    token: str | None = Query(default=None, max_length=TOKEN_CHARS, description="a signed link's token"),
) -> Response:
    """The page rendered as PNG (PDFium, 144 dpi)."""
    doc = readable(request, s, doc_id, n, token)
    path = _page_file(doc, n)
    png = await run_in_threadpool(highlight.render_png, path, n)
    return Response(png, media_type="image/png", headers={"Cache-Control": IMAGE_CACHE})
