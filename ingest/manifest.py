"""Document metadata from `corpus/manifest.yaml`, or from the PDF's own info when a file is not listed."""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

import yaml

from core.errors import ConfigError
from core.records import AUDIENCES, Audience, Document

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
    }


def doc_id_for(file: str) -> str:
    stem = Path(file).stem.lower()
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-")


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
            doc_id=doc_id_for(file),
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


def _pdf_date(raw: str | None) -> str:
    m = re.match(r"D?:?(\d{4})(\d{2})?(\d{2})?", raw or "")
    if not m:
        return ""
    return "-".join(g for g in m.groups() if g)


def meta_from_pdf(file: str, info: dict[str, str], default_audience: Audience) -> Document:
    """Metadata for a PDF the manifest does not list: its own /Title, /Author and date, and a warning."""
    title = info.get("title") or Path(file).stem.replace("-", " ").replace("_", " ")
    warning = (
        f"{file}: not in manifest.yaml; using the PDF's own metadata (title {title!r}) "
        f"and audience {default_audience!r}"
    )
    return Document(
        doc_id=doc_id_for(file),
        file=file,
        title=title,
        date=_pdf_date(info.get("creationdate")),
        author=info.get("author"),
        audience=default_audience,
        in_manifest=False,
        warnings=(warning,),
    )
