"""The LLM answerer: numbered passages in, verified sentences out, tools called for computations.

The model sees the passages the retriever found for the caller's role, the conversation so far and
the question. It may call the costing, arithmetic and target tools. What it writes is checked
sentence by sentence (`verify.py`) as the sentences complete, so that streaming never sends an
unverified sentence. A provider failure raises `LLMUnavailable` and the caller answers offline.
"""

from __future__ import annotations

import json
import logging
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from pydantic import BaseModel, ValidationError

from assistant.llm.model import LLMUnavailable, reason_for
from assistant.llm.prompts import AnswerPrompts
from assistant.llm.verify import Passage, Verifier, is_abstention, sentence_ends, split_sentences
from assistant.tools.registry import Tool

log = logging.getLogger(__name__)
_TAGS = re.compile(r"</?\s*passages?\s*>", re.I)


@dataclass(frozen=True)
class Lookup:
    """A tool that looks something up for this caller (targets they may read): it can add passages."""

    name: str
    description: str
    schema: type[BaseModel]
    run: Callable[[BaseModel, Verifier], str]


@dataclass
class Delta:
    text: str


@dataclass
class Draft:
    """What is left after verification."""

    sentences: list[str] = field(default_factory=list)
    verifier: Verifier | None = None
    abstained: bool = False
    claims: int = 0  # claim sentences the model wrote
    error: str | None = None  # the model failed after some sentences were sent

    @property
    def kept(self) -> int:
        return self.verifier.kept if self.verifier else 0


def tool_name(name: str) -> str:
    """Function names providers accept: letters, digits, _ and -."""
    return name.replace(".", "_")


class LLMAnswerer:
    def __init__(
        self,
        model,
        prompts: AnswerPrompts,
        tools: dict[str, Tool],
        timeout_s: float = 30.0,
        max_rounds: int = 4,
        support_min: float = 0.6,
        label: str = "llm",
    ) -> None:
        self.prompts = prompts
        self.tools = {tool_name(n): t for n, t in tools.items()}
        self.timeout_s = timeout_s
        self.max_rounds = max_rounds
        self.support_min = support_min
        self.label = label
        self.model = model

    @property
    def prompt_version(self) -> str:
        return self.prompts.version

    def _bind(self, lookups: dict[str, Lookup]):
        from langchain_core.tools import StructuredTool

        specs = [(n, t.description, t.schema) for n, t in self.tools.items()]
        specs += [(n, t.description, t.schema) for n, t in lookups.items()]
        lc_tools = [
            StructuredTool.from_function(
                func=lambda **kw: kw,  # never run by LangChain: `_run_tool` runs and verifies
                name=name,
                description=description,
                args_schema=schema,
            )
            for name, description, schema in specs
        ]
        try:
            return self.model.bind_tools(lc_tools)
        except NotImplementedError:  # a model without tool calling still answers from the passages
            return self.model

    # -- the run ----------------------------------------------------------------------------------

    def run(
        self,
        question: str,
        passages: list[Passage],
        history: list[tuple[str, str]],
        lookups: list[Lookup] | None = None,
    ) -> Iterator[Delta | Draft]:
        """Yields each verified sentence as a `Delta`, then the `Draft`.

        Raises `LLMUnavailable` when the model fails before anything was sent.
        """
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

        verifier = Verifier(passages, question, self.support_min)
        found = {tool_name(lk.name): lk for lk in lookups or []}
        model = self._bind(found)
        draft = Draft(verifier=verifier)
        messages = [
            SystemMessage(self.prompts.system.text),
            HumanMessage(self._user(question, passages, history)),
        ]
        sent = False
        buffer = ""
        for _ in range(self.max_rounds):
            try:
                message = None
                for chunk in self._stream(model, messages):
                    message = chunk if message is None else message + chunk
                    text = _text(chunk)
                    if not text:
                        continue
                    buffer += text
                    cut = sentence_ends(buffer)
                    if cut and not is_abstention(buffer[:cut]):
                        for out in self._check(buffer[:cut], draft):
                            sent = True
                            yield Delta(out)
                        buffer = buffer[cut:]
            except LLMUnavailable as exc:
                if not sent:
                    raise
                draft.error = exc.reason
                break
            if message is None:
                break
            calls = list(getattr(message, "tool_calls", None) or [])
            if not calls:
                break
            messages.append(AIMessage(content=_text(message), tool_calls=calls))
            for call in calls:
                content = self._run_tool(call, verifier, found)
                messages.append(ToolMessage(content=content, tool_call_id=call.get("id") or call["name"]))
        rest = buffer.strip()
        if rest:
            if is_abstention(rest) and draft.claims == 0:
                draft.abstained = True
            else:
                for out in self._check(rest, draft):
                    yield Delta(out)
        yield draft

    def _check(self, text: str, draft: Draft) -> Iterator[str]:
        assert draft.verifier is not None, "the verifier is set before any text is checked"
        for raw in split_sentences(text):
            verdict = draft.verifier.check(raw)
            if verdict.claim:
                draft.claims += 1
            if verdict.text is None:
                log.info("dropped an unverified sentence (%s): %s", verdict.reason, raw[:200])
                continue
            draft.sentences.append(verdict.text)
            yield verdict.text + " "

    def _stream(self, model, messages) -> Iterator:
        """The model's chunks, each within the timeout (a hung provider must not hang the API)."""
        q: queue.Queue = queue.Queue()
        done = object()

        def produce() -> None:
            try:
                for chunk in model.stream(messages):
                    q.put(chunk)
                q.put(done)
            except BaseException as exc:  # handed to the consumer
                q.put(exc)

        threading.Thread(target=produce, daemon=True, name="llm-stream").start()
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                item = q.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise LLMUnavailable("timeout") from None
            if item is done:
                return
            if isinstance(item, BaseException):
                log.warning("the language model failed: %r", item)
                raise LLMUnavailable(reason_for(item)) from item
            yield item

    def _run_tool(self, call: dict, verifier: Verifier, lookups: dict[str, Lookup]) -> str:
        name, args = call.get("name", ""), call.get("args") or {}
        tool = self.tools.get(name) or lookups.get(name)
        if tool is None:
            return json.dumps({"error": f"no tool named {name!r}"})
        try:
            inputs = tool.schema.model_validate(args)
            if isinstance(tool, Lookup):
                return tool.run(inputs, verifier)
            result = tool.run(inputs)
        except ValidationError as exc:
            return json.dumps(
                {"error": "invalid inputs", "details": exc.errors(include_url=False)}, default=str
            )
        except ValueError as exc:  # the tool refused the figures (a zero divisor, a bad notation)
            return json.dumps({"error": str(exc)})
        use = verifier.add_tool(result)
        out = {"result": result.output, "formula": result.formula, "notes": result.notes}
        if not use.usable:
            out["warning"] = (
                "some inputs are in neither the passages nor the question; do not state this result"
            )
        return json.dumps(out, default=str)

    def _user(self, question: str, passages: list[Passage], history: list[tuple[str, str]]) -> str:
        earlier = ""
        if history:
            lines = [f"Q: {q}\nA: {a}" for q, a in history[-3:]]
            earlier = "Earlier in this conversation:\n" + "\n".join(lines) + "\n\n"
        blocks = []
        for p in passages:
            c = p.hit.chunk
            where = f"page {c.page_start}" + (f"-{c.page_end}" if c.page_end != c.page_start else "")
            section = f", §{c.section}" if c.section else ""
            head = f"[{p.n}] {p.hit.doc.title} ({p.hit.doc.date or 'undated'}), {where}{section}"
            blocks.append(f"{head}:\n{_TAGS.sub(' ', p.text_for_model())}")
        return self.prompts.user.text.format(
            history=earlier, passages="\n\n".join(blocks), question=question.replace("\n", " ")
        )


def _text(message) -> str:
    content = getattr(message, "content", "")
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content if isinstance(part, dict))
