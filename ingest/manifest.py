"""Document metadata: `corpus/manifest.yaml` where it lists a file, else a sources.yaml beside the papers,
the folder layout and the document's own first page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from pathlib import Path

import yaml

from core.errors import ConfigError
from core.records import AUDIENCES, Audience, Document
from ingest.clean import CleanPage
from ingest.corpus import slug
from ingest.metadata import Source, date_from_pages, meeting_from_path, title_from_pages

log = logging.getLogger(__name__)


def described(doc: Document) -> dict[str, object]:
    """The metadata that says what a document is (not how it was indexed): what its fingerprint
    covers, so a changed manifest entry re-indexes it."""
    return {
        "doc_id": doc.doc_id,
        "file": doc.file,
        "title": doc.title,
        "date": doc.date,
        "author": doc.author,
        "doc_type": doc.doc_type,
        "councils": list(doc.councils),
        "audience": doc.audience,
        "programme": doc.programme,
        "committee": doc.committee,
        "meeting_date": doc.meeting_date,
        "category": doc.category,
        "source_url": doc.source_url,
    }


def _date_text(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if value is not None else ""


def load_manifest(path: Path) -> dict[str, Document]:
    """Entries keyed by file name. A malformed manifest is a configuration error naming the entry."""
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from exc
    entries = data.get("documents", []) if isinstance(data, dict) else []
    out: dict[str, Document] = {}
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not entry.get("file"):
            raise ConfigError(f"{path}: documents[{i}] has no 'file'")
        audience = str(entry.get("audience", "public"))
        if audience not in AUDIENCES:
            raise ConfigError(f"{path}: documents[{i}] audience {audience!r} is not one of {AUDIENCES}")
        file = str(entry["file"])
        out[file] = Document(
            doc_id=slug(file),
            file=file,
            title=str(entry.get("title") or Path(file).stem),
            date=_date_text(entry.get("date")),
            author=entry.get("author"),
            doc_type=entry.get("doc_type"),
            councils=tuple(str(c) for c in entry.get("councils") or ()),
            audience=audience,
            programme=entry.get("programme"),
        )
    return out


def declared(
    relative: str,
    doc_id: str,
    manifest: dict[str, Document],
    sources: dict[str, Source],
    default_audience: Audience,
) -> Document:
    """What is known of a document before reading it: its manifest entry (looked up by its path
    under the corpus folder, or by its name), its sources.yaml entry or folder layout (committee,
    meeting date, kind of paper, source URL), and otherwise a title from its file name, which
    parsing replaces with the title printed on its first page."""
    entry = manifest.get(relative) or manifest.get(Path(relative).name)
    source = sources.get(relative)
    committee, meeting = meeting_from_path(relative)
    base = entry or Document(
        doc_id=doc_id,
        file=relative,
        title=Path(relative).stem.replace("_", " "),
        audience=default_audience,
        in_manifest=False,
    )
    return dataclasses.replace(
        base,
        doc_id=doc_id,
        file=relative,
        committee=(source.committee if source else None) or committee,
        meeting_date=(source.meeting_date if source else None) or meeting,
        category=source.category if source else None,
        source_url=source.source_url if source else None,
    )


def completed(meta: Document, pages: list[CleanPage]) -> Document:
    """A document the manifest does not describe takes its title and date from its own pages
    (PDF metadata says "PowerPoint Presentation" and the date the template was made)."""
    if meta.in_manifest:
        return meta
    fallback = meta.title
    return dataclasses.replace(
        meta,
        title=title_from_pages(pages, fallback),
        date=date_from_pages(pages) or meta.meeting_date,
    )
