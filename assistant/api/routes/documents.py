"""Documents, their pages and their PDFs, for the audiences the caller may read."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from assistant.api.deps import CallerDep, ServicesDep
from core.errors import NotFound

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


def _out(doc) -> Document:
    return Document(**doc.public(), url=f"/v1/documents/{doc.doc_id}/file")


@router.get("", response_model=list[Document])
def documents(s: ServicesDep, who: CallerDep) -> list[Document]:
    """Every indexed document the caller may read, with page and chunk counts."""
    return [_out(d) for d in s.assistant.retriever.catalog.documents() if d.audience in who.audiences]


@router.get("/{doc_id}", response_model=Document)
def document(doc_id: str, s: ServicesDep, who: CallerDep) -> Document:
    return _out(_visible(s, who, doc_id))


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
def file(doc_id: str, s: ServicesDep, who: CallerDep) -> FileResponse:
    """The PDF itself; a citation's url adds #page=N so the browser opens it at the cited page."""
    doc = _visible(s, who, doc_id)
    path = Path(doc.path)
    if not path.is_file():
        raise NotFound(f"the file of {doc_id} is no longer on the server; re-run ingest")
    return FileResponse(
        path, media_type="application/pdf", filename=doc.file, content_disposition_type="inline"
    )
