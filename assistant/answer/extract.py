"""The offline answerer: gather evidence for a question, rank it with the fitted weights, and quote it.

1. scope: the documents the question names (assistant.answer.scope), and the ones an earlier turn
   of the conversation cited;
2. evidence: hybrid retrieval, each retrieved chunk's units as candidates, featurised
   (assistant.answer.features) and ranked by the fitted probability that they hold the answer;
3. decision: the best candidate answers when its probability reaches `abstain_below`; otherwise
   the answer says the documents do not hold it and cites nothing;
4. quotes: the best unit, widened to what the question's shape asks for, and a second unit where
   the question has two parts and the first does not cover the second.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer import scope as scoping
from assistant.answer.compose import ABSTAIN_TEXT, Quote, column_hints, compose, quote_for
from assistant.answer.context import AskContext
from assistant.answer.features import answerability, featurise
from assistant.answer.question import Question
from assistant.answer.router import verify_quoted_costing
from assistant.answer.select import Candidate, best_page, candidates, ranked
from assistant.answer.weights import ScoringWeights, softmax
from assistant.models import Answer, ToolCall
from assistant.retrieve import Retriever
from core.text import match_key

HITS = 10  # chunks retrieved for a question
_TWO_PART = re.compile(r",?\s+and\s+(?:when|by\s+when|how|who|what|which|where|why)\b", re.I)
_SPLIT = re.compile(
    r"\s+(?:compared?\s+(?:with|to)|versus|vs\.?|against|with)\s+|,?\s+and\s+(?:the|its|their)\s+", re.I
)


@dataclass
class Part:
    """One search of a question: the whole question, or one side of a comparison."""

    query: str
    question: Question
    docs: set[str] | None  # search only these documents (one side of a comparison)


@dataclass
class Ranked:
    """A part's candidates best first, and the probability that the best one answers."""

    candidates: list[Candidate]
    answerable: float

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


class Extractor:
    def __init__(
        self, retriever: Retriever, weights: ScoringWeights, analyse: Callable[[str], Question]
    ) -> None:
        self.retriever = retriever
        self.weights = weights
        self.analyse = analyse  # text -> Question, weighed against the index

    # -- scope and evidence ---------------------------------------------------------------------

    def scope(self, ctx: AskContext) -> scoping.Scope:
        docs = [d for d in self.retriever.state.docs.values() if d.doc_id in ctx.allowed]
        return scoping.Scope(
            scoping.references(ctx.question.text, docs),
            frozenset(ctx.resolution.prefer_docs),
            tuple(match_key(q) for q in ctx.resolution.previous_quotes),
        )

    def parts(self, ctx: AskContext, scope: scoping.Scope) -> list[Part]:
        q = ctx.question
        if q.comparison and len(scope.groups) >= 2:
            return [Part(ctx.resolution.query, q, set(group)) for group in scope.groups[:3]]
        pieces = [p for p in _SPLIT.split(q.text) if len(p.split()) >= 2] if q.comparison else []
        if len(pieces) >= 2:
            return [Part(p, self.analyse(p), None) for p in pieces[:3]]
        return [Part(ctx.resolution.query, q, None)]

    def evidence(self, ctx: AskContext, part: Part, scope: scoping.Scope) -> Ranked:
        """The candidate units for one search, featurised and ranked best first."""
        query = " ".join([part.query, *part.question.expansions])
        hits = self.retriever.search(
            query, k=HITS, filters=ctx.filters, audiences=ctx.audiences, docs=part.docs
        )
        firm = scope.firm & ctx.allowed
        if part.docs is None and firm and len(scope.groups) == 1:
            # Firmly named documents ("the joint working report") add their own best chunks.
            seen = {h.chunk.id for h in hits}
            extra = self.retriever.search(
                query, k=HITS // 2, filters=ctx.filters, audiences=ctx.audiences, docs=firm
            )
            hits += [h for h in extra if h.chunk.id not in seen]
        ctx.trace.hits.extend(h.chunk.id for h in hits if h.chunk.id not in ctx.trace.hits)
        if part.question is not ctx.question:
            part.question.carried = ctx.question.carried
        cands = candidates(hits)
        ranked = score_candidates(
            part.question, cands, self.weights, scope, self.retriever.state.lexical.lowercase_words
        )
        probability = answer_probability(part.question, ranked, self.weights)
        ctx.trace.best_score = max(ctx.trace.best_score, probability)
        return Ranked(ranked, probability)

    # -- the answer -----------------------------------------------------------------------------

    def answer(self, ctx: AskContext) -> Answer:
        q = ctx.question
        scope = self.scope(ctx)
        parts = self.parts(ctx, scope)
        picks: list[Candidate] = []
        for part in parts:
            found = self.evidence(ctx, part, scope)
            best = found.best
            if best is None or found.answerable < self.weights.abstain_below:
                continue
            if best.key not in {p.key for p in picks}:
                picks.append(best)
            if len(parts) == 1 and _TWO_PART.search(q.text):
                picks += self._complements(part.question, best, found.candidates[1:6])
        ctx.trace.chosen = [(p.chunk.id, round(p.share, 3)) for p in picks]
        lower = self.retriever.state.lexical.lowercase_words
        hints = column_hints(q.councils)
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
        return extractive_answer(quotes, ctx)

    def _complements(self, q: Question, best: Candidate, others: list[Candidate]) -> list[Candidate]:
        """A second sentence, only when it states what the best one lacks and scores nearly as well."""
        total = q.total_weight or 1.0
        weights = {**q.weights, **q.carried}
        missing = {t for t in best.missing if weights.get(t, 0) >= 1.0}
        if not missing:
            return []
        for c in others:
            gain = sum(weights[t] for t in missing if t in c.tokens)
            if (
                gain / total >= self.weights.complement_gain
                and c.share >= self.weights.complement_ratio * best.share
                and c.doc.doc_id == best.doc.doc_id
            ):
                return [c]
        return []


def answer_probability(question: Question, ranked: list[Candidate], weights: ScoringWeights) -> float:
    """The fitted probability that the best of these ranked candidates answers the question."""
    if not ranked:
        return 0.0
    features = answerability(question, ranked, [c.share for c in ranked], [c.score for c in ranked])
    return weights.answer_probability(features)


def score_candidates(
    question: Question,
    cands: list[Candidate],
    weights: ScoringWeights,
    scope: scoping.Scope | None = None,
    lowercase_words: set[str] | None = None,
) -> list[Candidate]:
    """Each candidate's features, score and share; the candidates best first."""
    x = featurise(question, cands, scope or scoping.Scope(), lowercase_words or set())
    scores = weights.scores(x)
    for c, row, s, p in zip(cands, x, scores, softmax(scores), strict=True):
        c.features, c.score, c.share = row, float(s), float(p)
    return ranked(cands)


def extractive_answer(quotes: list[Quote], ctx: AskContext) -> Answer:
    if not quotes:
        return Answer(
            answer=ABSTAIN_TEXT,
            abstained=True,
            conversation_id=ctx.conversation_id,
            answer_id=ctx.answer_id,
            notices=ctx.notices,
        )
    body, citations = compose(quotes)
    tools = []
    # Costing formulas inside the quotes ("60 days at £2000 per day") are recomputed and shown.
    for c in citations:
        checked = verify_quoted_costing(c.quote)
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
        conversation_id=ctx.conversation_id,
        answer_id=ctx.answer_id,
        notices=ctx.notices,
    )
