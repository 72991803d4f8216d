"""The answer contract (ARCHITECTURE.md §3.1), shared by every door: CLI, HTTP, web page and Slack.

Pydantic models, because they sit at the edges: the HTTP API validates requests with them and
serialises responses from them, and the CLI prints the same JSON.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from assistant.tools.base import ToolResult
from core.councils import gazetteer

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

    @field_validator("councils")
    @classmethod
    def _known_councils(cls, v: list[str] | None) -> list[str] | None:
        """Each council by its manifest name. A name the gazetteer does not know would filter out
        every document and look like "could not find", so it is refused with the closest names."""
        if not v:
            return None
        g = gazetteer()
        out: list[str] = []
        for name in v:
            canon = g.canonical(name)
            if canon is None:
                close = g.suggest(name)
                hint = (
                    f"did you mean {' or '.join(repr(c) for c in close)}?"
                    if close
                    else "known councils are " + ", ".join(repr(c) for c in g.aliases)
                )
                raise PydanticCustomError(
                    "unknown_council", "unknown council {name}; {hint}", {"name": repr(name), "hint": hint}
                )
            if canon not in out:
                out.append(canon)
        return out

    @model_validator(mode="after")
    def _possible_range(self) -> Filters:
        """A range that ends before it starts matches nothing; saying so beats "could not find"."""
        if self.since and self.until and self.since > self.until:
            raise PydanticCustomError(
                "impossible_range",
                "since {since} is after until {until}: no document can be dated in that range",
                {"since": self.since, "until": self.until},
            )
        return self

    def is_empty(self) -> bool:
        return not any([self.councils, self.since, self.until, self.doc_types, self.audiences])

    def describe(self) -> str:
        """The filters in words, for an answer that says what they left out: "documents about
        Sedgemoor DC dated 2016–2019"."""
        parts = []
        if self.councils:
            parts.append("about " + " or ".join(self.councils))
        if self.since and self.until:
            parts.append(
                f"dated {self.since}" if self.since == self.until else f"dated {self.since}–{self.until}"
            )
        elif self.since:
            parts.append(f"dated {self.since} or later")
        elif self.until:
            parts.append(f"dated {self.until} or earlier")
        if self.doc_types:
            parts.append("of type " + " or ".join(self.doc_types))
        if self.audiences:
            parts.append("for " + " or ".join(self.audiences) + " readers")
        return " ".join(["documents", *parts])


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
    filters: Filters | None = Field(
        default=None,
        description="the filters in force, councils by their manifest names; null when none were given",
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
