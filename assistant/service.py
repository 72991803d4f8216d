"""`Assistant.ask()`: the one entry point that the CLI, the HTTP API, the web page and Slack all call.

Doors only translate: they pass the question, the conversation id, the filters and the caller's role,
and render the `Answer` that comes back. The answering itself lives in `assistant.answer`: a tool
when the question asks for a computation (`compute`), otherwise evidence ranked with the fitted
weights and quoted (`extract`), optionally rewritten by an LLM whose every sentence is verified.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.answer.compose import ABSTAIN_TEXT
from assistant.answer.compute import Computer
from assistant.answer.context import AskContext, Trace
from assistant.answer.extract import HITS, Extractor
from assistant.answer.filtered import excluded_answer
from assistant.answer.followup import resolve
from assistant.answer.question import Question, analyse
from assistant.answer.validate import check_question
from assistant.answer.weights import ScoringWeights
from assistant.conversations import ConversationStore, Owner, Turn, new_id
from assistant.models import Answer, Filters
from assistant.retrieve import Retriever
from core.acronyms import with_sector_abbreviations
from core.errors import UnsupportedLanguage
from core.settings import ROLE_AUDIENCES, Settings
from index.catalog import Catalog

if TYPE_CHECKING:
    from assistant.llm.answerer import LLMAnswerer
    from index.embed import Embedder

log = logging.getLogger(__name__)


class Assistant:
    def __init__(
        self,
        settings: Settings,
        retriever: Retriever,
        conversations: ConversationStore,
        llm: LLMAnswerer | None = None,
        weights: ScoringWeights | None = None,
    ) -> None:
        """`llm`: the optional LLM answerer; without it the offline composer answers everything.
        `weights`: the answerer's fitted weights; the shipped ones by default (the evals pass others)."""
        self.settings = settings
        self.retriever = retriever
        self.conversations = conversations
        self.llm = llm
        self.weights = weights or ScoringWeights.load()
        self.extractor = Extractor(retriever, self.weights, self.analyse)
        self.computer = Computer(self.extractor)
        self._seen_by: dict[frozenset[str], Assistant] = {}

    def seen_by(self, audiences: frozenset[str]) -> Assistant:
        """This assistant as a caller who reads only `audiences` meets it: the same index, stores
        and models, with corpus statistics of only their documents (`Retriever.for_audiences`),
        so nothing it says to them, an answer, a notice or a refusal, depends on a document they
        may not read."""
        view = self._seen_by.get(audiences)
        if view is None:
            view = Assistant(
                self.settings,
                self.retriever.for_audiences(audiences),
                self.conversations,
                self.llm,
                self.weights,
            )
            self._seen_by[audiences] = view
        return view

    @classmethod
    def from_settings(cls, settings: Settings, embedder: Embedder | None = None) -> Assistant:
        from index.vectors import VectorStore

        if embedder is None:
            from index.embed import get_query_embedder

            embedder = get_query_embedder(
                settings.embedding_model,
                settings.embedding_device,
                settings.embedding_batch_size,
                settings.query_encoder,
            )
        catalog = Catalog(settings.catalog_path)
        vectors = VectorStore(
            settings.chroma_path, settings.chroma_host, settings.chroma_port, settings.chroma_ssl
        )
        retriever = Retriever(
            catalog,
            vectors,
            embedder,
            settings.lexical_dir,
            fusion=settings.retrieval_fusion,
            dense_weight=settings.retrieval_dense_weight,
        )
        conversations = ConversationStore(Path(settings.data_dir) / "conversations.sqlite")
        llm = None
        if settings.llm:
            from assistant.llm.service import llm_answerer

            llm = llm_answerer(settings)
        return cls(settings, retriever, conversations, llm)

    def with_weights(self, weights: ScoringWeights) -> Assistant:
        """The same assistant (index, conversations) answering with other weights: for the evals."""
        return Assistant(self.settings, self.retriever, self.conversations, self.llm, weights)

    def warm_up(self) -> None:
        """Load the model and the index now rather than on the first question."""
        self.retriever.refresh()
        self.retriever.embed_query("warm up")

    # -- the entry point ----------------------------------------------------------------------

    def ask(
        self,
        question: str,
        conversation_id: str | None = None,
        filters: Filters | None = None,
        role: str = "public",
        history: list[Turn] | None = None,
        create: bool = False,
        owner: Owner | None = None,
    ) -> Answer:
        """`history`: earlier turns for a client that keeps its own (the OpenAI-compatible endpoint).
        `create`: an unknown conversation id names a new conversation (Slack: channel + thread).
        `owner`: who is asking (an API key, a Slack channel); the local operator by default. A
        conversation of another owner is treated as unknown: this answer starts a new one."""
        return self.ask_traced(question, conversation_id, filters, role, history, create, owner)[0]

    def ask_traced(
        self,
        question: str,
        conversation_id: str | None = None,
        filters: Filters | None = None,
        role: str = "public",
        history: list[Turn] | None = None,
        create: bool = False,
        owner: Owner | None = None,
    ) -> tuple[Answer, Trace]:
        """The answer and the trace of how it was found (for the evals)."""
        trace = Trace()
        answer = None
        who = owner or Owner("local", role)
        for event in self._answer(
            question, conversation_id, filters, role, history, create, who, False, trace
        ):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None
        return answer, trace

    def stream(
        self,
        question: str,
        conversation_id: str | None = None,
        filters: Filters | None = None,
        role: str = "public",
        history: list[Turn] | None = None,
        create: bool = False,
        owner: Owner | None = None,
    ) -> Iterator[str | Answer]:
        """The answer text as it is verified (pieces of text), then the whole `Answer`."""
        who = owner or Owner("local", role)
        return self._answer(question, conversation_id, filters, role, history, create, who, True, Trace())

    def _answer(
        self,
        question: str,
        conversation_id: str | None,
        filters: Filters | None,
        role: str,
        history: list[Turn] | None,
        create: bool,
        owner: Owner,
        live: bool,
        trace: Trace,
    ) -> Iterator[str | Answer]:
        started = time.perf_counter()
        me = self.seen_by(ROLE_AUDIENCES.get(role, ROLE_AUDIENCES["public"]))
        try:
            # Only words of documents this role may read count as known.
            text = check_question(question, me.retriever.state.lexical.vocabulary)
        except UnsupportedLanguage as exc:
            # Not an error of the request: an answer that says what the assistant can do.
            answer = Answer(
                answer=exc.message,
                abstained=True,
                conversation_id=conversation_id or new_id("c"),
                answer_id=new_id("a"),
                notices=["unsupported_language"],
            )
            yield answer.answer
            yield answer
            return
        notices: list[str] = []
        history = list(history or [])
        if conversation_id and self.conversations.belongs_to(conversation_id, owner):
            history = self.conversations.history(conversation_id)
        elif conversation_id and create and not self.conversations.exists(conversation_id):
            pass  # its first turn creates it under this id
        elif conversation_id:
            new = new_id("c")
            notices.append(
                f"Conversation {conversation_id!r} was not found; this answer starts a new conversation, {new}."
            )
            conversation_id = new
        else:
            conversation_id = new_id("c")
        filters = None if filters is None or filters.is_empty() else filters
        ctx = me.context(text, history, filters, role, conversation_id, notices, trace)
        answer = me._compose(ctx)
        if filters is not None:
            unfiltered = me._compose(me.context(text, history, None, role, conversation_id, []))
            answer = excluded_answer(answer, unfiltered, ctx.allowed, filters)
        if self.llm is None:
            yield from pieces(answer.answer)
        else:
            answer = yield from me._llm_answer(ctx, history, answer, live)
        answer.filters = filters  # the filters in force, so every door can show them
        # The role is kept with the turn, so a conversation shown to another caller hides what they may not read.
        self.conversations.append(
            conversation_id, text, ctx.resolution.query, answer, ctx.answer_id, role, owner
        )
        trace.seconds = time.perf_counter() - started
        yield answer

    def _compose(self, ctx: AskContext) -> Answer:
        """The offline answer: a tool's, a meeting's record, or quoted evidence."""
        return self.computer.answer(ctx) or self.extractor.from_meetings(ctx) or self.extractor.answer(ctx)

    def context(
        self,
        text: str,
        history: list[Turn],
        filters: Filters | None,
        role: str,
        conversation_id: str,
        notices: list[str] | None = None,
        trace: Trace | None = None,
    ) -> AskContext:
        """The question analysed and resolved against the conversation so far."""
        audiences = ROLE_AUDIENCES.get(role, ROLE_AUDIENCES["public"])
        q = self.analyse(text)
        res = resolve(q, history, self.analyse)
        if res.substituted:
            q = self.analyse(res.query)  # the earlier question, asked again for the new period or council
        elif res.is_followup:
            q.carried = res.carried
            q.years = res.years or q.years
            q.councils = q.councils or res.councils
            if q.answer_type is None and res.answer_type:
                q.answer_type, q.money = res.answer_type, q.money or res.money
        trace = trace if trace is not None else Trace()
        trace.query = res.query
        return AskContext(
            text=text,
            question=q,
            resolution=res,
            filters=filters,
            audiences=audiences,
            allowed=self.retriever.allowed_docs(filters, audiences),
            conversation_id=conversation_id,
            answer_id=new_id("a"),
            notices=notices if notices is not None else [],
            trace=trace,
        )

    def _llm_answer(
        self, ctx: AskContext, history: list[Turn], offline: Answer, live: bool
    ) -> Generator[str, None, Answer]:
        """The LLM's verified answer; the offline one when the model fails or too little survives.

        Streaming (`live`) sends sentences as they pass verification, so once one is sent the answer
        stays the model's; otherwise too few verified sentences mean the offline answer instead.
        """
        from assistant.llm.answerer import Delta
        from assistant.llm.model import LLMUnavailable
        from assistant.llm.service import passages_for, target_lookup

        assert self.llm is not None
        res = ctx.resolution
        passages = passages_for(self.retriever, ctx.trace, res.query, ctx.filters, ctx.audiences, HITS)
        question = ctx.text if not res.is_followup else f"{ctx.text} (that is: {res.query})"
        earlier = [(t.question, t.reply) for t in history]
        lookup = target_lookup(self.retriever, ctx.audiences)
        draft, held = None, []
        try:
            for event in self.llm.run(question, passages, earlier, [lookup]):
                if isinstance(event, Delta):
                    if live:
                        yield event.text
                    else:
                        held.append(event.text)
                else:
                    draft = event
        except LLMUnavailable as exc:
            offline.notices.append(
                f"The language model was unavailable ({exc.reason}); this answer was composed from the documents directly."
            )
            yield from pieces(offline.answer)
            return offline
        assert draft is not None and draft.verifier is not None
        label, version = self.llm.label, self.llm.prompt_version
        if draft.abstained:
            answer = offline.model_copy(
                update={"answer": ABSTAIN_TEXT, "citations": [], "tools": [], "abstained": True}
            )
            answer.composer, answer.prompt_version = label, version
            yield answer.answer
            return answer
        sent = live and draft.kept > 0
        if not sent and draft.kept < max(1, self.settings.llm_min_kept * draft.claims):
            offline.notices.append(
                "The language model's answer could not be verified against the documents; "
                "this answer was composed from the documents directly."
            )
            yield from pieces(offline.answer)
            return offline
        yield from held
        notices = list(offline.notices)
        if draft.verifier.dropped:
            notices.append(
                f"{len(draft.verifier.dropped)} sentence(s) of the model's answer were left out: "
                "the cited passages do not support them."
            )
        if draft.error:
            notices.append(f"The language model stopped early ({draft.error}).")
        return Answer(
            answer=" ".join(draft.sentences),
            citations=draft.verifier.citations(),
            tools=draft.verifier.tool_calls(),
            conversation_id=offline.conversation_id,
            answer_id=offline.answer_id,
            composer=label,
            prompt_version=version,
            notices=notices,
        )

    def analyse(self, text: str) -> Question:
        lexical = self.retriever.state.lexical
        n = max(1, len(lexical.ids))
        acronyms = with_sector_abbreviations(lexical.acronyms)
        return analyse(text, lexical.idf, lambda t: lexical.df.get(t, 0) / n, acronyms)


_PIECES = re.compile(r"(?<=\]) (?=[A-Z“])|(?<=\.) (?=Note:)")


def pieces(text: str) -> Iterator[str]:
    """An offline answer in the pieces a stream sends, one per line or quoted sentence; joined,
    they are the answer's text exactly."""
    for line in text.splitlines(keepends=True):
        parts = _PIECES.split(line)
        for i, piece in enumerate(parts):
            yield piece + ("" if i == len(parts) - 1 else " ")
