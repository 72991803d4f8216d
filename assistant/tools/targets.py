"""The targets and commitments found at ingest, and progress against them."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.tools.arithmetic import excess, shortfall
from assistant.tools.base import ToolResult
from core.councils import gazetteer
from core.money import Amount
from core.records import Document, Target
from index.catalog import Catalog


@dataclass(frozen=True)
class ListedTarget:
    """A target with the document that states it."""

    target: Target
    doc: Document

    def to_dict(self) -> dict[str, object]:
        """The API's and the CLI's JSON: the target's fields with its document's title, file and date."""
        out = {k: v for k, v in self.target.to_dict().items() if k != "id"}
        return {**out, "title": self.doc.title, "file": self.doc.file, "date": self.doc.date}


def list_targets(
    catalog: Catalog,
    council: str | None = None,
    programme: str | None = None,
    audiences: frozenset[str] | set[str] | None = None,
) -> list[ListedTarget]:
    """Targets a caller may see, optionally for one council (any spelling) or programme (substring)."""
    docs = {d.doc_id: d for d in catalog.documents()}
    wanted = gazetteer().canonical(council) or council if council else None
    out = []
    for target in catalog.targets():
        doc = docs.get(target.doc_id)
        if doc is None or (audiences is not None and doc.audience not in audiences):
            continue
        if wanted and wanted not in target.councils:
            continue
        if programme and programme.lower() not in (target.programme or "").lower():
            continue
        out.append(ListedTarget(target, doc))
    return out


def progress(
    target: float, actual: float, unit: str = "£", target_text: str = "", actual_text: str = ""
) -> ToolResult:
    """Actual or projected against target: the gap, and the share of the target met."""
    t = Amount(target, unit, text=target_text)
    a = Amount(actual, unit, text=actual_text)
    return excess(t, a) if actual >= target else shortfall(t, a)
