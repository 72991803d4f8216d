"""The state of one question as it is answered, in one typed object, and the trace that comes back
with the answer."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.answer.followup import Resolution
from assistant.answer.question import Question
from assistant.models import Answer, Citation, Filters, ToolCall


@dataclass
class Trace:
    """What the answerer saw and chose: for the evals (retrieval metrics, calibration) and debugging."""

    query: str = ""
    routed: bool = False  # answered by a tool, not from the evidence's score
    shape: str = ""
    hits: list[str] = field(default_factory=list)  # chunk ids retrieved, best first
    chosen: list[tuple[str, float]] = field(default_factory=list)  # (chunk id, probability) quoted
    best_score: float = 0.0  # the best evidence's probability, whether or not it was used
    seconds: float = 0.0


@dataclass
class AskContext:
    """Everything about one question that the answerer's steps need."""

    text: str  # the question as asked, checked
    question: Question  # analysed, with what a follow-up carries over
    resolution: Resolution
    filters: Filters | None
    audiences: frozenset[str]
    allowed: frozenset[str]  # documents the caller may read and has asked for
    conversation_id: str
    answer_id: str
    notices: list[str] = field(default_factory=list)
    trace: Trace = field(default_factory=Trace)

    def reply(
        self,
        text: str,
        citations: list[Citation] | None = None,
        tools: list[ToolCall] | None = None,
        abstained: bool = False,
    ) -> Answer:
        """The answer to this question, under this question's conversation, answer id and notices."""
        return Answer(
            answer=text,
            citations=citations or [],
            tools=tools or [],
            abstained=abstained,
            conversation_id=self.conversation_id,
            answer_id=self.answer_id,
            notices=self.notices,
        )
