"""`Assistant.ask()`: the one entry point that the CLI, the HTTP API, the web page and Slack all call.

Doors only translate: they pass the question, the conversation id, the filters and the caller's role,
and render the `Answer` that comes back.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from assistant.answer.compose import ABSTAIN_TEXT, Quote, column_hints, compose, quote_for
from assistant.answer.followup import Resolution, resolve
from assistant.answer.question import Question, analyse
from assistant.answer.select import Candidate, best_page, candidates, ranked, score
from assistant.answer.validate import check_question
from assistant.conversations import ConversationStore, new_id
from assistant.index.catalog import Catalog
from assistant.models import Answer, Filters
from assistant.retrieve import Retriever
from assistant.settings import ROLE_AUDIENCES, Settings
from assistant.textproc import STOPWORDS, tokenize

log = logging.getLogger(__name__)

# Calibrated on evals/suites/dev.yaml (see evals/README.md): below this score the best sentence does
# not answer the question often enough to be worth a citation.
ABSTAIN_BELOW = 0.45
HITS = 10
_TWO_PART = re.compile(r",?\s+and\s+(?:when|by\s+when|how|who|what|which|where|why)\b", re.I)
_SPLIT = re.compile(
    r"\s+(?:compared?\s+(?:with|to)|versus|vs\.?|against|with)\s+|,?\s+and\s+(?:the|its|their)\s+", re.I
)


@dataclass
class Trace:
    """What the answerer saw and chose, for evals (retrieval metrics) and debugging."""

    query: str = ""
    hits: list[str] = field(default_factory=list)
    chosen: list[tuple[str, float]] = field(default_factory=list)
    best_score: float = 0.0
    seconds: float = 0.0


class Assistant:
    def __init__(self, settings: Settings, retriever: Retriever, conversations: ConversationStore) -> None:
        self.settings = settings
        self.retriever = retriever
        self.conversations = conversations
        self.last_trace = Trace()

    @classmethod
    def from_settings(cls, settings: Settings, embedder=None) -> Assistant:  # type: ignore[no-untyped-def]
        from assistant.index.vectors import VectorStore

        if embedder is None:
            from assistant.embed import get_embedder

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
        return cls(settings, retriever, conversations)

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
    ) -> Answer:
        started = time.perf_counter()
        lexical = self.retriever.state.lexical
        text = check_question(question, lexical.vocabulary)
        notices: list[str] = []
        history = []
        if conversation_id and self.conversations.exists(conversation_id):
            history = self.conversations.history(conversation_id)
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
        quotes, trace = self._extract(q, res, filters, audiences)

        answer_id = new_id("a")
        if quotes:
            body, citations = compose(quotes)
            answer = Answer(
                answer=body,
                citations=citations,
                conversation_id=conversation_id,
                answer_id=answer_id,
                notices=notices,
            )
        else:
            answer = Answer(
                answer=ABSTAIN_TEXT,
                abstained=True,
                conversation_id=conversation_id,
                answer_id=answer_id,
                notices=notices,
            )
        self.conversations.append(conversation_id, text, res.query, answer.model_dump(), answer_id)
        trace.seconds = time.perf_counter() - started
        self.last_trace = trace
        return answer

    # -- steps ----------------------------------------------------------------------------------

    def analyse(self, text: str) -> Question:
        lexical = self.retriever.state.lexical
        n = max(1, len(lexical.ids))
        return analyse(text, lexical.idf, lambda t: lexical.df.get(t, 0) / n)

    def referenced_docs(self, text: str, allowed: set[str]) -> dict[str, float]:
        """Documents a question names, with how firmly: a word only its title has ("Pioneer",
        "productivity") is a reference; with a word for a document beside it ("report", "plan") or its
        year ("the 2018 peer challenge") it is a firm one."""
        docs = [d for d in self.retriever.state.docs.values() if d.doc_id in allowed]
        title_tokens = {d.doc_id: set(tokenize(d.title)) - STOPWORDS for d in docs}
        counts: dict[str, int] = {}
        for toks in title_tokens.values():
            for t in toks:
                counts[t] = counts.get(t, 0) + 1
        q_tokens = set(tokenize(text))
        generic = set(tokenize("report plan review paper document update minutes strategy"))
        found: dict[str, float] = {}
        for d in docs:
            own = {t for t in title_tokens[d.doc_id] if counts[t] == 1 and not t.isdigit()}
            by_name = bool(own & q_tokens)
            by_year = (
                d.year is not None and str(d.year) in q_tokens and bool(title_tokens[d.doc_id] & q_tokens)
            )
            if by_name or by_year:
                firm = by_year or bool(generic & q_tokens & title_tokens[d.doc_id])
                found[d.doc_id] = 1.3 if firm else 1.1
        return found

    def _extract(
        self, q: Question, res: Resolution, filters: Filters | None, audiences: frozenset[str]
    ) -> tuple[list[Quote], Trace]:
        trace = Trace(query=res.query)
        allowed = self.retriever.allowed_docs(filters, audiences)
        named = self.referenced_docs(q.text, allowed)
        boost = {d: 1.15 for d in res.prefer_docs}
        boost.update(named)
        hints = column_hints(q.councils)

        firm = [d for d, w in named.items() if w > 1.2]
        if q.comparison and len(named) >= 2:
            parts = [(res.query, q, {d}) for d in sorted(named)]
        elif q.comparison and len(pieces := [p for p in _SPLIT.split(q.text) if len(p.split()) >= 2]) >= 2:
            parts = [(p, self.analyse(p), None) for p in pieces[:3]]
        else:
            parts = [(res.query, q, None)]

        lower = self.retriever.state.lexical.lowercase_words
        picks: list[Candidate] = []
        for query, pq, docs in parts:
            # A firmly named document ("the joint working report") adds its own best chunks to the pool.
            scope = set(firm) if docs is None and len(firm) == 1 else None
            order = self._rank(query, pq, q, docs, filters, audiences, boost, lower, trace, scope)
            if not order or order[0].score < ABSTAIN_BELOW:
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
    ) -> list[Candidate]:  # type: ignore[no-untyped-def]
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
            if (
                gain / total >= 0.2
                and c.score >= 0.8 * best.score
                and c.chunk.doc.doc_id == best.chunk.doc.doc_id
            ):
                return [c]
        return []
