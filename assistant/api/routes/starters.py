"""GET /v1/starters: questions for an empty chat page, from the documents the caller may read."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from assistant.api.deps import CallerDep, ServicesDep
from assistant.starters import starters
from assistant.tools.decisions import DecisionFilter, list_decisions
from assistant.tools.targets import list_targets

router = APIRouter(prefix="/v1", tags=["answers"])


class StarterOut(BaseModel):
    question: str
    doc_id: str
    title: str


@router.get("/starters", response_model=list[StarterOut])
def starter_questions(s: ServicesDep, who: CallerDep) -> list[StarterOut]:
    """A few questions the indexed documents answer, drawn from their targets and decisions."""
    catalog = s.assistant.retriever.catalog
    found = starters(
        list_targets(catalog, audiences=who.audiences),
        list_decisions(catalog, DecisionFilter(), who.audiences),
    )
    return [StarterOut(question=x.question, doc_id=x.doc_id, title=x.title) for x in found]
