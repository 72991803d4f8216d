"""`Assistant.ask()`: the one entry point that the CLI, the HTTP API, the web page and Slack all call.

Doors only translate: they pass the question, the conversation id, the filters and the caller's role,
and render the `Answer` that comes back.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.answer import router
from assistant.answer.compose import ABSTAIN_TEXT, Quote, column_hints, compose, number, quote_for, sentence
from assistant.answer.followup import Resolution, resolve
from assistant.answer.question import Question, analyse
from assistant.answer.select import Candidate, best_page, candidates, ranked, score
from assistant.answer.validate import check_question
from assistant.conversations import ConversationStore, Turn, new_id
from assistant.models import Answer, Filters, ToolCall
from assistant.retrieve import Retriever
from core.errors import UnsupportedLanguage
from core.settings import ROLE_AUDIENCES, Settings
from core.tokens import STOPWORDS
from index.catalog import Catalog

if TYPE_CHECKING:
    from assistant.llm.answerer import LLMAnswerer

log = logging.getLogger(__name__)

# Calibrated on evals/suites/dev.yaml (`assistant eval --calibrate`, evals/README.md): below this
# score the best sentence does not answer the question often enough to be worth a citation.
ABSTAIN_BELOW = 0.57
HITS = 10
_TWO_PART = re.compile(r",?\s+and\s+(?:when|by\s+when|how|who|what|which|where|why)\b", re.I)
_SPLIT = re.compile(
    r"\s+(?:compared?\s+(?:with|to)|versus|vs\.?|against|with)\s+|,?\s+and\s+(?:the|its|their)\s+", re.I
)


@dataclass
class Trace:
    """What the answerer saw and chose, for evals (retrieval metrics) and debugging."""

    query: str = ""
    routed: bool = False  # answered by a tool, not by the extractive threshold
    hits: list[str] = field(default_factory=list)
    chosen: list[tuple[str, float]] = field(default_factory=list)
    best_score: float = 0.0
    seconds: float = 0.0


class Assistant:
    def __init__(
        self,
        settings: Settings,
        retriever: Retriever,
        conversations: ConversationStore,
        llm: LLMAnswerer | None = None,
    ) -> None:
        """`llm`: the optional LLM answerer; without it the offline composer answers everything."""
        self.settings = settings
        self.retriever = retriever
        self.conversations = conversations
        self.llm = llm
        self.last_trace = Trace()
        self.abstain_below = ABSTAIN_BELOW  # evals lift it to calibrate

    @classmethod
    def from_settings(cls, settings: Settings, embedder=None) -> Assistant:
        from index.vectors import VectorStore

        if embedder is None:
            from index.embed import get_embedder

            embedder = get_embedder(
                settings.embedding_model, settings.embedding_device, settings.embedding_batch_size
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
    ) -> Answer:
        """`history`: earlier turns for a client that keeps its own (the OpenAI-compatible endpoint).
        `create`: an unknown conversation id names a new conversation (Slack: channel + thread)."""
        answer = None
        for event in self._answer(question, conversation_id, filters, role, history, create, live=False):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None
        return answer

    def stream(
        self,
        question: str,
        conversation_id: str | None = None,
        filters: Filters | None = None,
        role: str = "public",
        history: list[Turn] | None = None,
        create: bool = False,
    ) -> Iterator[str | Answer]:
        """The answer text as it is verified (pieces of text), then the whole `Answer`."""
        return self._answer(question, conversation_id, filters, role, history, create, live=True)

    def _answer(self, question, conversation_id, filters, role, history, create, live):
        started = time.perf_counter()
        lexical = self.retriever.state.lexical
        try:
            text = check_question(question, lexical.vocabulary)
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
        if conversation_id and self.conversations.exists(conversation_id):
            history = self.conversations.history(conversation_id)
        elif conversation_id and create:
            pass  # its first turn creates it under this id
        elif conversation_id:
            new = new_id("c")
            notices.append(
                f"Conversation {conversation_id!r} was not found; this answer starts a new conversation, {new}."
            )
            conversation_id = new
        else:
            conversation_id = new_id("c")
        audiences = ROLE_AUDIENCES.get(role, ROLE_AUDIENCES["public"])

        q = self.analyse(text)
        res = resolve(q, history, self.analyse)
        if res.is_followup:
            q.carried = res.carried
            q.years = res.years or q.years
            q.councils = q.councils or res.councils
            if q.answer_type is None and res.answer_type:
                q.answer_type, q.money = res.answer_type, q.money or res.money
        answer_id = new_id("a")
        routed = self._route(text, q, res, filters, audiences, conversation_id, answer_id, notices)
        if routed is not None:
            answer, trace = routed
        else:
            quotes, trace = self._extract(q, res, filters, audiences)
            answer = self._extractive_answer(quotes, conversation_id, answer_id, notices)
        if self.llm is None:
            yield from pieces(answer.answer)
        else:
            answer = yield from self._llm_answer(text, res, history, answer, trace, filters, audiences, live)
        # The role is kept with the turn, so a conversation shown to another caller hides what they may not read.
        self.conversations.append(conversation_id, text, res.query, answer, answer_id, role)
        trace.seconds = time.perf_counter() - started
        self.last_trace = trace
        yield answer

    def _llm_answer(self, text, res, history, offline, trace, filters, audiences, live):
        """The LLM's verified answer; the offline one when the model fails or too little survives.

        Streaming (`live`) sends sentences as they pass verification, so once one is sent the answer
        stays the model's; otherwise too few verified sentences mean the offline answer instead.
        """
        from assistant.llm.answerer import Delta
        from assistant.llm.model import LLMUnavailable
        from assistant.llm.service import passages_for, target_lookup

        assert self.llm is not None
        passages = passages_for(self.retriever, trace, res.query, filters, audiences, HITS)
        question = text if not res.is_followup else f"{text} (that is: {res.query})"
        earlier = [(t.question, t.reply) for t in history]
        lookup = target_lookup(self.retriever, audiences)
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

    # -- answers --------------------------------------------------------------------------------

    def _extractive_answer(
        self, quotes: list[Quote], conversation_id: str, answer_id: str, notices: list[str]
    ) -> Answer:
        if not quotes:
            return Answer(
                answer=ABSTAIN_TEXT,
                abstained=True,
                conversation_id=conversation_id,
                answer_id=answer_id,
                notices=notices,
            )
        body, citations = compose(quotes)
        tools = []
        # Costing formulas inside the quotes ("60 days at £2000 per day") are recomputed and shown.
        for c in citations:
            checked = router.verify_quoted_costing(c.quote)
            if checked is not None:
                tools.append(ToolCall.of(checked, [c.marker]))
                body += (
                    f" Recomputed: {checked.formula}"
                    + (f", {checked.notes[-1]}" if checked.notes else "")
                    + f" [{c.marker}]."
                )
        return Answer(
            answer=body,
            citations=citations,
            tools=tools,
            conversation_id=conversation_id,
            answer_id=answer_id,
            notices=notices,
        )

    def _route(self, text, q, res, filters, audiences, conversation_id, answer_id, notices):
        """A computed answer, when the question asks for a computation; None to answer by quoting."""
        kind = router.kind_of(text)
        if kind is None:
            return None
        trace = Trace(query=res.query, routed=True)
        lower = self.retriever.state.lexical.lowercase_words
        allowed = self.retriever.allowed_docs(filters, audiences)
        outcome = None
        if kind == "costing":
            outcome = router.tolerant(router.costing_from_question, text)
            if isinstance(outcome, router.Computed):
                # Cite the documents where they state the same costing ("£138,000 based on ... £750 ...").
                order = self._rank(res.query, q, q, None, filters, audiences, {}, lower, trace)
                same = router.stating_same_inputs(outcome.result, order)
                if same is not None:
                    outcome.extra_quotes.append(quote_for(same))
                    outcome.lead += " The documents cost it the same way."
        elif kind == "sum" or (kind == "check" and router._TABLE.search(text)):
            rows = router.table_rows(
                [f for f in self.retriever.state.figures if f.doc_id in allowed], self.retriever.state.docs
            )
            if kind == "sum":
                outcome = router.sum_of_table_figures(
                    f"{text} {res.query if res.is_followup else ''}", rows, q.councils
                )
            else:
                outcome = router.check_table(text, rows)
        if outcome is None and kind in ("shortfall", "excess", "difference", "check"):
            q_money = self.analyse(res.query)
            q_money.answer_type, q_money.money = "money", True
            order = self._rank(
                res.query,
                q_money,
                q_money,
                None,
                filters,
                audiences,
                {d: 1.15 for d in res.prefer_docs},
                lower,
                trace,
            )
            hints = column_hints(q.councils)

            def quote(c: Candidate, page: int | None = None) -> Quote:
                return quote_for(c, hints, page=page)

            if kind == "check":
                outcome = router.check_stated_total(text, order, quote)
            else:
                outcome = router.gap(kind, order, quote)
        if outcome is None:
            return None
        if isinstance(outcome, router.Missing):
            return self._missing_answer(outcome, conversation_id, answer_id, notices), trace
        return self._computed_answer(outcome, conversation_id, answer_id, notices), trace

    def _computed_answer(
        self, computed: router.Computed, conversation_id: str, answer_id: str, notices: list[str]
    ) -> Answer:
        quotes = [o.quote for o in computed.operands if o.quote is not None] + computed.extra_quotes
        citations, markers = number(quotes)
        cites = sorted(set(markers))
        lead = computed.lead + ("" if not cites else " " + "".join(f"[{m}]" for m in cites))
        notes = [n for n in computed.result.notes if n not in computed.lead]
        if not quotes:
            notes.append("the figures were given in the question")
        text = lead + ("" if not notes else " Note: " + "; ".join(notes) + ".")
        done: set[int] = set()
        for q_, m in zip(quotes, markers, strict=True):
            if m not in done:
                done.add(m)
                text += " " + sentence(q_, m)
        return Answer(
            answer=text,
            citations=citations,
            tools=[ToolCall.of(computed.result, cites)],
            conversation_id=conversation_id,
            answer_id=answer_id,
            notices=notices,
        )

    def _missing_answer(
        self, missing: router.Missing, conversation_id: str, answer_id: str, notices: list[str]
    ) -> Answer:
        quotes = [o.quote for o in missing.found if o.quote is not None]
        what = "; ".join(missing.what)
        if not quotes:
            return Answer(
                answer=f"{ABSTAIN_TEXT} To compute this I would need {what}, and the documents do not give it.",
                abstained=True,
                conversation_id=conversation_id,
                answer_id=answer_id,
                notices=notices,
            )
        citations, markers = number(quotes)
        text = f"I cannot compute this: I could not find {what} in the documents."
        for q_, m in zip(quotes, markers, strict=True):
            text += " " + sentence(q_, m)
        return Answer(
            answer=text,
            citations=citations,
            conversation_id=conversation_id,
            answer_id=answer_id,
            notices=notices,
        )

    # -- steps ----------------------------------------------------------------------------------

    def analyse(self, text: str) -> Question:
        lexical = self.retriever.state.lexical
        n = max(1, len(lexical.ids))
        return analyse(text, lexical.idf, lambda t: lexical.df.get(t, 0) / n)

    def referenced_docs(self, text: str, allowed: set[str]) -> dict[str, float]:
        """Documents a question names, with how firmly (see `document_references`)."""
        return {d: w for group in self.document_references(text, allowed) for d, w in group.items()}

    def document_references(self, text: str, allowed: set[str]) -> list[dict[str, float]]:
        """The documents a question names, one group per way of naming them.

        A word only some titles have ("Pioneer", "productivity") names those documents; with a word for
        a document beside it ("report", "plan") or its year ("the 2018 peer challenge") it names them
        firmly. Documents named by the same words form one group: in a large archive "the peer
        challenge" may name several, and a comparison searches each group once.
        """
        docs = [d for d in self.retriever.state.docs.values() if d.doc_id in allowed]
        title_tokens = {d.doc_id: _words(d.title) - STOPWORDS for d in docs}
        counts: dict[str, int] = {}
        for toks in title_tokens.values():
            for t in toks:
                counts[t] = counts.get(t, 0) + 1
        q_tokens = _words(text)
        generic = {"report", "plan", "review", "paper", "document", "update", "minute", "strategy"}
        share = max(1, len(docs) // 2)
        groups: dict[frozenset[str], dict[str, float]] = {}
        for d in docs:
            own = {t for t in title_tokens[d.doc_id] if counts[t] <= share and not t.isdigit()}
            named = own & q_tokens
            year = str(d.year) if d.year is not None and str(d.year) in q_tokens else None
            if not named and not (year and title_tokens[d.doc_id] & q_tokens):
                continue
            firm = bool(year) or bool(generic & q_tokens & title_tokens[d.doc_id])
            key = frozenset(named | ({year} if year else set()))
            groups.setdefault(key, {})[d.doc_id] = 1.3 if firm else 1.1
        # A group named by a subset of another group's words is the vaguer reference: drop it.
        keys = list(groups)
        return [groups[k] for k in keys if not any(k < other for other in keys)]

    def _extract(
        self, q: Question, res: Resolution, filters: Filters | None, audiences: frozenset[str]
    ) -> tuple[list[Quote], Trace]:
        trace = Trace(query=res.query)
        allowed = self.retriever.allowed_docs(filters, audiences)
        references = self.document_references(q.text, allowed)
        named = {d: w for group in references for d, w in group.items()}
        boost = {d: 1.15 for d in res.prefer_docs}
        boost.update(named)
        hints = column_hints(q.councils)

        firm = [d for d, w in named.items() if w > 1.2]
        parts: list[tuple[str, Question, set[str] | None]]
        if q.comparison and len(references) >= 2:
            parts = [(res.query, q, set(group)) for group in references[:3]]
        elif q.comparison and len(pieces := [p for p in _SPLIT.split(q.text) if len(p.split()) >= 2]) >= 2:
            parts = [(p, self.analyse(p), None) for p in pieces[:3]]
        else:
            parts = [(res.query, q, None)]

        lower = self.retriever.state.lexical.lowercase_words
        picks: list[Candidate] = []
        for query, pq, docs in parts:
            # Firmly named documents ("the joint working report") add their own best chunks to the pool.
            scope = set(firm) if docs is None and firm and len(references) == 1 else None
            order = self._rank(query, pq, q, docs, filters, audiences, boost, lower, trace, scope)
            if not order or order[0].score < self.abstain_below:
                continue
            best = order[0]
            if best.key not in {p.key for p in picks}:
                picks.append(best)
            if len(parts) == 1 and _TWO_PART.search(q.text):
                picks += self._complements(pq, best, order[1:6])
        trace.chosen = [(p.chunk.id, round(p.score, 3)) for p in picks]
        quotes = [
            quote_for(
                c,
                hints,
                expand_list=q.wants_list,
                paragraph=q.answer_type is None,
                page=best_page(q, c, lower),
            )
            for c in picks
        ]
        return quotes, trace

    def _rank(
        self, query, pq, q, docs, filters, audiences, boost, lower, trace, scope=None
    ) -> list[Candidate]:
        hits = self.retriever.search(query, k=HITS, filters=filters, audiences=audiences, docs=docs)
        if scope:
            seen = {h.chunk.id for h in hits}
            extra = self.retriever.search(
                query, k=HITS // 2, filters=filters, audiences=audiences, docs=scope
            )
            hits += [h for h in extra if h.chunk.id not in seen]
        trace.hits.extend(h.chunk.id for h in hits if h.chunk.id not in trace.hits)
        if pq is not q:
            pq.carried = q.carried
        cands = candidates(hits)
        score(pq, cands, boost, lower)
        order = ranked(cands)
        if order:
            trace.best_score = max(trace.best_score, order[0].score)
        return order

    @staticmethod
    def _complements(q: Question, best: Candidate, others: list[Candidate]) -> list[Candidate]:
        """A second sentence, only when it states what the best one lacks and scores nearly as well."""
        total = q.total_weight or 1.0
        weights = {**q.weights, **q.carried}
        missing = {t for t in best.missing if weights.get(t, 0) >= 1.0}
        if not missing:
            return []
        for c in others:
            gain = sum(weights[t] for t in missing if t in c.tokens)
            if gain / total >= 0.2 and c.score >= 0.8 * best.score and c.doc.doc_id == best.doc.doc_id:
                return [c]
        return []


_PIECES = re.compile(r"(?<=\]) (?=According|In )|(?<=\.) (?=Note:)")


def pieces(text: str) -> Iterator[str]:
    """An offline answer in the pieces a stream sends: one per quoted sentence."""
    for piece in _PIECES.split(text):
        yield piece + " "


def _words(text: str) -> set[str]:
    """Words as written ("planned" is not "plan"), folding plurals and possessives and keeping years."""
    out = set()
    for w in re.findall(r"[a-z]+|\d{4}", text.lower().replace("’", "'")):
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.add(w)
    return out
