"""Documents, their pages and their PDFs, for the audiences the caller may read."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from assistant.api.auth import Caller
from assistant.api.deps import CallerDep, Services, ServicesDep, caller
from assistant.links import Links
from core.errors import NotFound
from core.records import Document as DocumentRecord

router = APIRouter(prefix="/v1/documents", tags=["documents"])


class Document(BaseModel):
    doc_id: str
    file: str
    title: str
    date: str | None
    author: str | None
    doc_type: str | None
    councils: list[str]
    audience: str
    programme: str | None
    committee: str | None = Field(description="the committee whose meeting the paper was filed under")
    meeting_date: str | None = Field(description="that meeting's date, ISO")
    category: str | None = Field(description="report, appendix, minutes, record of decision, agenda ...")
    source_url: str | None = Field(description="the council's own copy of the paper")
    pages: int
    chunks: int
    ingested_at: str
    url: str


class Page(BaseModel):
    doc_id: str
    page: int
    pages: int
    text: str
    url: str


def _visible(s, who, doc_id: str):
    doc = s.assistant.retriever.catalog.document(doc_id)
    # A document the caller may not read is reported as missing, not as forbidden: its existence is private too.
    if doc is None or doc.audience not in who.audiences:
        raise NotFound(f"no document {doc_id!r}")
    return doc


def links(s: Services) -> Links:
    """How this server signs links: by its settings, with audiences from the catalog."""

    def audience_of(doc_id: str) -> str | None:
        doc = s.assistant.retriever.catalog.document(doc_id)
        return doc.audience if doc else None

    return Links.of(s.settings, audience_of)


def readable(request: Request, s: Services, doc_id: str, page: int, token: str | None) -> DocumentRecord:
    """The document, when this request may read `page` of it: by a signed link's token (checked
    before the document is looked up, so a refusal says nothing of its existence), or else by the
    caller's key and role, exactly as every other document route."""
    if token is None:
        return _visible(s, caller(request, s), doc_id)
    s.limiter.check(Caller("public", None, request.client.host if request.client else "unknown"))
    links(s).signer.check(doc_id, page, token)
    doc = s.assistant.retriever.catalog.document(doc_id)
    if doc is None:
        raise NotFound(f"no document {doc_id!r}")
    return doc


def _out(doc, signing: Links) -> Document:
    """A document's url opens its PDF, with a token where the reader's browser needs one."""
    url = signing.pdf(doc.doc_id, 1, signing.token(doc.doc_id, 1)).removesuffix("#page=1")
    return Document(**doc.public(), url=url)


@router.get("", response_model=list[Document])
def documents(s: ServicesDep, who: CallerDep) -> list[Document]:
    """Every indexed document the caller may read, with page and chunk counts."""
    signing = links(s)
    docs = s.assistant.retriever.catalog.documents()
    return [_out(d, signing) for d in docs if d.audience in who.audiences]


@router.get("/{doc_id}", response_model=Document)
def document(doc_id: str, s: ServicesDep, who: CallerDep) -> Document:
    return _out(_visible(s, who, doc_id), links(s))


@router.get("/{doc_id}/pages/{n}", response_model=Page)
def page(doc_id: str, n: int, s: ServicesDep, who: CallerDep) -> Page:
    """A page's text as ingested (page furniture removed)."""
    doc = _visible(s, who, doc_id)
    text = s.assistant.retriever.catalog.page_text(doc_id, n) if 1 <= n <= doc.pages else None
    if text is None:
        raise NotFound(f"{doc_id} has pages 1 to {doc.pages}, not {n}")
    return Page(
        doc_id=doc_id, page=n, pages=doc.pages, text=text, url=f"/v1/documents/{doc_id}/file#page={n}"
    )


@router.get(
    "/{doc_id}/file", response_class=FileResponse, responses={200: {"content": {"application/pdf": {}}}}
)
def file(
    doc_id: str,
    request: Request,
    s: ServicesDep,
    page: int = Query(default=1, ge=1, description="the page a signed link's token is for"),
    token: str | None = Query(default=None, max_length=200, description="a signed link's token"),
) -> FileResponse:
    """The PDF itself; a citation's url adds #page=N so the browser opens it at the cited page, and
    for documents not everyone may read a token that stands in for an API key (assistant.links)."""
    doc = readable(request, s, doc_id, page, token)
    path = Path(doc.path)
    if not path.is_file():
        raise NotFound(f"the file of {doc_id} is no longer on the server; re-run ingest")
    return FileResponse(
        path, media_type="application/pdf", filename=doc.file, content_disposition_type="inline"
    )
