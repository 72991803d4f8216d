"""The answer contract (ARCHITECTURE.md §3.1), shared by every door: CLI, HTTP, web page and Slack.

Pydantic models, because they sit at the edges: the HTTP API validates requests with them and
serialises responses from them, and the CLI prints the same JSON.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from assistant.tools.base import ToolResult

MAX_QUESTION_CHARS = 2000


class Filters(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    councils: list[str] | None = None
    since: str | None = Field(default=None, description="YYYY: documents dated in or after this year")
    until: str | None = Field(default=None, description="YYYY: documents dated in or before this year")
    doc_types: list[str] | None = None
    audiences: list[str] | None = None

    @field_validator("since", "until")
    @classmethod
    def _year(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        v = str(v).strip()
        if not re.fullmatch(r"\d{4}", v):
            raise ValueError("must be a four-digit year, e.g. 2018")
        return v

    @model_validator(mode="after")
    def _ordered(self) -> Filters:
        """`since 9999, until 0001` selects nothing: a mistake to say so, not an empty answer."""
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until})")
        return self

    def is_empty(self) -> bool:
        return not any([self.councils, self.since, self.until, self.doc_types, self.audiences])


class Citation(BaseModel):
    marker: int
    doc_id: str
    file: str
    title: str
    date: str | None
    page: int = Field(description="1-based page of the PDF")
    section: str | None = Field(description="numbered paragraph or heading the quote sits under")
    quote: str = Field(description="verbatim text of that page, whitespace normalised")
    url: str = Field(description="the PDF, opened at the page")
    in_answer: bool = Field(
        default=False,
        description="the answer text already shows this quote word for word, so a door need not repeat it",
    )

    def link(self, base: str | None) -> str | None:
        """The page's address for a reader: the council's own URL as it is, ours under `base`
        (None where there is no base to put it under)."""
        if self.url.startswith(("http://", "https://")):
            return self.url
        return f"{base.rstrip('/')}{self.url}" if base else None


class ToolCall(BaseModel):
    name: str
    inputs: dict[str, Any]
    output: Any
    formula: str
    cites: list[int] = Field(default_factory=list, description="markers of the citations of its operands")
    notes: list[str] = Field(default_factory=list, description="what the tool assumed or found")

    @classmethod
    def of(cls, result: ToolResult, cites: list[int], extra_notes: list[str] | None = None) -> ToolCall:
        """The answer's record of a tool result whose operands the given citations state."""
        return cls(
            name=result.name,
            inputs=result.inputs,
            output=result.output,
            formula=result.formula,
            cites=cites,
            notes=[*result.notes, *(extra_notes or [])],
        )


class Answer(BaseModel):
    answer: str
    citations: list[Citation] = Field(default_factory=list)
    tools: list[ToolCall] = Field(default_factory=list)
    abstained: bool = False
    conversation_id: str
    answer_id: str | None = None
    composer: str = Field(
        default="extractive",
        description='"extractive" (the offline composer) or "llm:<model>" (an LLM, every sentence verified)',
    )
    prompt_version: str | None = Field(
        default=None, description="version of the LLM prompts, when an LLM wrote it"
    )
    notices: list[str] = Field(
        default_factory=list, description="e.g. an unknown conversation id was replaced"
    )

    @model_validator(mode="after")
    def _mark_quotes_shown(self) -> Answer:
        """The offline composer quotes its evidence in the text; an LLM's answer usually does not.
        Marking which quotes the text holds lets every door show each quote once."""
        for c in self.citations:
            c.in_answer = c.quote in self.answer
        return self


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    question: str = Field(
        min_length=1,
        max_length=MAX_QUESTION_CHARS,
        pattern=r"\S",
        description="The question, in English; at most 2,000 characters",
    )
    conversation_id: str | None = Field(default=None, max_length=100)
    filters: Filters | None = None
