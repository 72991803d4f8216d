"""The targets and commitments found at ingest, and progress against them."""

from __future__ import annotations

from assistant.tools.arithmetic import excess, shortfall
from assistant.tools.base import ToolResult
from core.councils import gazetteer
from core.money import Amount
from index.catalog import Catalog


def list_targets(
    catalog: Catalog,
    council: str | None = None,
    programme: str | None = None,
    audiences: frozenset[str] | set[str] | None = None,
) -> list[dict]:
    """Targets a caller may see, optionally for one council (any spelling) or programme (substring)."""
    docs = {d.doc_id: d for d in catalog.documents()}
    wanted = gazetteer().canonical(council) or council if council else None
    out = []
    for fact in catalog.facts("target"):
        doc = docs.get(fact["doc_id"])
        if doc is None or (audiences is not None and doc.audience not in audiences):
            continue
        if wanted and wanted not in fact.get("councils", []):
            continue
        if programme and programme.lower() not in (fact.get("programme") or "").lower():
            continue
        out.append({**fact, "title": doc.title, "file": doc.file, "date": doc.date})
    return out


def progress(
    target: float, actual: float, unit: str = "£", target_text: str = "", actual_text: str = ""
) -> ToolResult:
    """Actual or projected against target: the gap, and the share of the target met."""
    t = Amount(target, unit, text=target_text)
    a = Amount(actual, unit, text=actual_text)
    return excess(t, a) if actual >= target else shortfall(t, a)
