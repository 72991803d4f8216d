"""Document metadata from `corpus/manifest.yaml`, or from the PDF's own info when a file is not listed."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from core.errors import ConfigError

log = logging.getLogger(__name__)

AUDIENCES = ("public", "staff", "members", "confidential")


@dataclass(frozen=True)
class DocMeta:
    doc_id: str
    file: str
    title: str
    date: str  # as printed: "2016", "2018-03" or "2008-11-14"
    author: str | None = None
    doc_type: str | None = None
    councils: tuple[str, ...] = ()
    audience: str = "public"
    programme: str | None = None
    in_manifest: bool = True
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def year(self) -> int | None:
        m = re.match(r"(\d{4})", self.date or "")
        return int(m.group(1)) if m else None

    def as_dict(self) -> dict[str, object]:
        return {
            "doc_id": self.doc_id,
            "file": self.file,
            "title": self.title,
            "date": self.date,
            "author": self.author,
            "doc_type": self.doc_type,
            "councils": list(self.councils),
            "audience": self.audience,
            "programme": self.programme,
        }


def doc_id_for(file: str) -> str:
    stem = Path(file).stem.lower()
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-")


def _date_text(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if value is not None else ""


def load_manifest(path: Path) -> dict[str, DocMeta]:
    """Entries keyed by file name. A malformed manifest is a configuration error naming the entry."""
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from exc
    entries = data.get("documents", []) if isinstance(data, dict) else []
    out: dict[str, DocMeta] = {}
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not entry.get("file"):
            raise ConfigError(f"{path}: documents[{i}] has no 'file'")
        audience = str(entry.get("audience", "public"))
        if audience not in AUDIENCES:
            raise ConfigError(f"{path}: documents[{i}] audience {audience!r} is not one of {AUDIENCES}")
        file = str(entry["file"])
        out[file] = DocMeta(
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


def meta_from_pdf(file: str, info: dict[str, str], default_audience: str) -> DocMeta:
    """Metadata for a PDF the manifest does not list: its own /Title, /Author and date, and a warning."""
    title = info.get("title") or Path(file).stem.replace("-", " ").replace("_", " ")
    warning = (
        f"{file}: not in manifest.yaml; using the PDF's own metadata (title {title!r}) "
        f"and audience {default_audience!r}"
    )
    return DocMeta(
        doc_id=doc_id_for(file),
        file=file,
        title=title,
        date=_pdf_date(info.get("creationdate")),
        author=info.get("author"),
        audience=default_audience,
        in_manifest=False,
        warnings=(warning,),
    )
