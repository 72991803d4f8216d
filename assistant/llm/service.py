"""Wiring the LLM answerer to the assistant: its model, its passages and its target lookup."""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field

from assistant.llm.answerer import LLMAnswerer, Lookup
from assistant.llm.prompts import PROMPTS, answer_prompts
from assistant.llm.verify import Passage, Verifier
from assistant.models import Filters
from assistant.retrieve import Hit, RetrievalState, Retriever
from assistant.tools.registry import make_tools
from core.records import Chunk
from core.settings import Settings
from core.text import squash

PASSAGES = 8


def llm_answerer(settings: Settings, model=None) -> LLMAnswerer:
    """`model`: a LangChain chat model (tests pass fakes); by default the one ASSISTANT_LLM names."""
    from assistant.llm.model import chat_model

    label = f"llm:{settings.llm or 'model'}"
    return LLMAnswerer(
        model if model is not None else chat_model(settings),
        answer_prompts(settings.prompts_dir or PROMPTS),
        make_tools(settings.grade_salaries),
        timeout_s=settings.llm_timeout_s,
        support_min=settings.llm_support_min,
        label=label,
    )


def passages_for(
    retriever: Retriever, trace, query: str, filters: Filters | None, audiences, k: int = PASSAGES
) -> list[Passage]:
    """The chunks the offline answerer chose first, then what it ranked, then a plain search."""
    state = retriever.state
    ids = [cid for cid, _ in trace.chosen] + list(trace.hits)
    if len(dict.fromkeys(ids)) < k:
        ids += [h.chunk.id for h in retriever.search(query, k=k, filters=filters, audiences=audiences)]
    out: list[Passage] = []
    for cid in dict.fromkeys(ids):
        i = state.position(cid)
        if i is None:
            continue
        out.append(Passage(len(out) + 1, state.hit(i, 1.0)))
        if len(out) == min(k, PASSAGES):
            break
    return out


class TargetQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    council: str | None = Field(default=None, description="a council, any spelling (e.g. 'South Somerset')")
    programme: str | None = Field(default=None, description="part of a programme name (e.g. 'Pioneer')")


def target_lookup(retriever: Retriever, audiences) -> Lookup:
    """Targets and commitments from the facts store that this caller may read, each with the
    number of the passage it is stated in, so the model can cite it."""
    from assistant.tools.targets import list_targets

    def run(query: BaseModel, verifier: Verifier) -> str:
        assert isinstance(query, TargetQuery)
        state = retriever.state
        found = list_targets(retriever.catalog, query.council, query.programme, audiences)[:10]
        out = []
        for listed in found:
            t = listed.target
            chunk = _chunk_stating(state, t.doc_id, t.quote)
            if chunk is None:
                continue
            n = verifier.add_passage(Hit(chunk, listed.doc, 1.0))
            out.append(
                {
                    "passage": n,
                    "quote": t.quote,
                    "amount_text": t.amount_text,
                    "per_year": t.per_year,
                    "deadline": t.deadline,
                    "base_year": t.base_year,
                    "councils": list(t.councils),
                    "programme": t.programme,
                    "progress": t.progress.to_dict() if t.progress else None,
                }
            )
        return json.dumps({"targets": out}, default=str)

    return Lookup(
        "targets.find",
        "Targets and commitments (amount, per year or one-off, deadline, base year, council, progress), "
        "each with the passage that states it. Cite that passage.",
        TargetQuery,
        run,
    )


def _chunk_stating(state: RetrievalState, doc_id: str, quote: str) -> Chunk | None:
    needle = squash(quote)
    for chunk in state.chunks_of(doc_id):
        if needle in squash(chunk.text):
            return chunk
    return None
