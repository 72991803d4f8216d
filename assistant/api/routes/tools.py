"""The targets and decisions stores and the costing and arithmetic tools."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from assistant.api.deps import CallerDep, ServicesDep
from assistant.tools.decisions import DecisionFilter, list_decisions
from assistant.tools.targets import list_targets
from core.errors import ToolInputError

router = APIRouter(prefix="/v1", tags=["tools"])
ISO_DAY = r"^\d{4}-\d{2}-\d{2}$"


class ToolInfo(BaseModel):
    name: str
    description: str
    input_schema: dict[str, Any]


class ToolOut(BaseModel):
    name: str
    inputs: dict[str, Any]
    output: Any
    formula: str
    unit: str
    notes: list[str]
    details: dict[str, Any]


@router.get("/targets")
def targets(
    s: ServicesDep, who: CallerDep, council: str | None = None, programme: str | None = None
) -> list[dict[str, Any]]:
    """Targets and commitments found in the documents, each with its page and quote."""
    found = list_targets(s.assistant.retriever.catalog, council, programme, who.audiences)
    return [t.to_dict() for t in found]


@router.get("/decisions")
def decisions(
    s: ServicesDep,
    who: CallerDep,
    committee: str | None = Query(default=None, max_length=100),
    since: str | None = Query(default=None, pattern=ISO_DAY, description="YYYY-MM-DD"),
    until: str | None = Query(default=None, pattern=ISO_DAY, description="YYYY-MM-DD"),
    search: str | None = Query(default=None, max_length=200),
) -> list[dict[str, Any]]:
    """Resolutions, amendments and decisions from minutes and records of decision, with outcome,
    votes, mover and seconder, page and verbatim quote; only from papers the caller may read."""
    try:
        first = dt.date.fromisoformat(since) if since else None
        last = dt.date.fromisoformat(until) if until else None
    except ValueError as exc:
        raise ToolInputError(f"since/until: not a date ({exc})") from exc
    if first and last and first > last:
        raise ToolInputError(f"since {since} is after until {until}: no meeting can be in that range")
    which = DecisionFilter(committee, first, last, search)
    return [d.to_dict() for d in list_decisions(s.assistant.retriever.catalog, which, who.audiences)]


@router.get("/tools", response_model=list[ToolInfo])
def tools(s: ServicesDep, who: CallerDep) -> list[ToolInfo]:
    return [
        ToolInfo(name=t.name, description=t.description, input_schema=t.schema.model_json_schema())
        for t in s.tools.values()
    ]


def add_tool_routes(router: APIRouter, tools: dict) -> None:
    """One route per tool, so each has its own input schema in the OpenAPI document."""
    for tool in tools.values():
        router.add_api_route(
            f"/tools/{tool.name}",
            _endpoint(tool),
            methods=["POST"],
            response_model=ToolOut,
            summary=tool.description,
            name=tool.name,
        )


def finite(value: object) -> bool:
    """Every number in `value` (a result, or lists and dicts of them) is finite: JSON cannot carry
    NaN or infinity, so one would end in a 500 instead of an answer."""
    if isinstance(value, float | Decimal):
        return math.isfinite(value)
    if isinstance(value, list | tuple):
        return all(finite(v) for v in value)
    if isinstance(value, dict):
        return all(finite(v) for v in value.values())
    return True


def _endpoint(tool):
    def endpoint(inputs, who) -> ToolOut:
        result = tool.run(inputs)
        if not (finite(result.output) and finite(result.details)):
            names = ", ".join(type(inputs).model_fields)
            raise ToolInputError(
                f"{tool.name}: the inputs ({names}) give a result too large to represent; check them"
            )
        return ToolOut.model_validate(result, from_attributes=True)

    # Real types (not strings), so FastAPI reads this tool's model as the request body.
    endpoint.__annotations__ = {"inputs": tool.schema, "who": CallerDep, "return": ToolOut}
    return endpoint
