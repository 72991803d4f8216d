"""The targets store and the costing and arithmetic tools, for programme officers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from assistant.api.deps import CallerDep, ServicesDep
from assistant.tools.targets import list_targets

router = APIRouter(prefix="/v1", tags=["tools"])


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


def _endpoint(tool):
    def endpoint(inputs, who) -> ToolOut:
        return ToolOut.model_validate(tool.run(inputs), from_attributes=True)

    # Real types (not strings), so FastAPI reads this tool's model as the request body.
    endpoint.__annotations__ = {"inputs": tool.schema, "who": CallerDep, "return": ToolOut}
    return endpoint
