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

import dataclasses
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from assistant.answer import definition, indicators, meetings, router, shapes, tables
from assistant.answer import scope as scoping
from assistant.answer.compose import ABSTAIN_TEXT, Quote, column_hints, compose, other_page_part, quote_for
from assistant.answer.context import AskContext
from assistant.answer.features import answerability, featurise
from assistant.answer.operands import years_near
from assistant.answer.question import Question, has_number, quarters_in, same_period
from assistant.answer.router import row_quote, verify_quoted_costing
from assistant.answer.select import (
    SPECIFIC_DATE,
    Candidate,
    best_page,
    candidates,
    ranked,
    strip_marker,
    synonyms,
)
from assistant.answer.weights import ScoringWeights, softmax
from assistant.models import Answer, ToolCall
from assistant.retrieve import Retriever
from core.money import find_money, find_percent
from core.text import match_key
from core.tokens import tokenize

HITS = 10  # chunks retrieved for a question
TITLE_SETS_KEPT = 32  # sets of readable documents whose titles are kept counted (callers, filters)
_TWO_PART = re.compile(r",?\s+and\s+(?:when|by\s+when|how|who|what|which|where|why)\b", re.I)
_PART_BREAK = re.compile(
    r"(?:,|\?)?\s+and\s+(?=(?:when|by\s+when|what|how|who|whom|which|why|where|whether|on\s+what|in\s+what|"
    r"did|does|do|is|was|were|has|had|have)\b)|\?\s+(?=[A-Z])",
    re.I,
)
SHAPE_FALLBACK_DEPTH = 5  # candidates searched for one of the shape asked, when the best is not
CARRY = 0.5  # weight of the first part's terms in the second part's question
_SPLIT = re.compile(
    r"\s+(?:compared?\s+(?:with|to)|versus|vs\.?|against|with)\s+|,?\s+and\s+(?:the|its|their)\s+", re.I
)


@dataclass
class Part:
    """One search of a question: the whole question, or one side of a comparison."""

    query: str
    question: Question
    docs: set[str] | None  # search only these documents (one side of a comparison)
    own: bool = False  # one part of a two-part question: it is answered, or said missing, on its own


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
        self._titles: OrderedDict[tuple[int, frozenset[str]], scoping.Titles] = OrderedDict()
        self._titles_lock = threading.Lock()

    # -- scope and evidence ---------------------------------------------------------------------

    def titles(self, allowed: set[str] | frozenset[str]) -> scoping.Titles:
        """The titles of the documents `allowed`, counted once per index generation and set of
        documents (a caller's audiences and filters), not once per question."""
        state = self.retriever.state
        key = (state.generation, frozenset(allowed))
        with self._titles_lock:
            found = self._titles.get(key)
            if found is not None:
                self._titles.move_to_end(key)
                return found
        titles = scoping.Titles.of(d for d in state.docs.values() if d.doc_id in allowed)
        with self._titles_lock:
            self._titles[key] = titles
            while len(self._titles) > TITLE_SETS_KEPT:
                self._titles.popitem(last=False)
        return titles

    def scope(self, ctx: AskContext) -> scoping.Scope:
        return scoping.Scope(
            scoping.references(ctx.question.text, self.titles(ctx.allowed), self.retriever.state.lexical.idf),
            frozenset(ctx.resolution.prefer_docs),
            tuple(match_key(q) for q in ctx.resolution.previous_quotes),
        )

    def parts(self, ctx: AskContext, scope: scoping.Scope) -> list[Part]:
        q = ctx.question
        if q.comparison and len(scope.groups) >= 2:
            side = q
            if q.answer_type is None and q.money:
                # "How did adult social care finances compare ...": each side is its figure.
                side = dataclasses.replace(q, answer_type="money")
            return [Part(ctx.resolution.query, side, set(group)) for group in scope.groups[:3]]
        pieces = [p for p in _SPLIT.split(q.text) if len(p.split()) >= 2] if q.comparison else []
        if len(pieces) >= 2:
            return [Part(p, self.analyse(p), None) for p in pieces[:3]]
        asked = question_parts(q.text)
        if len(asked) == 2 and not ctx.resolution.is_followup:
            first = self.analyse(asked[0])
            second = self.analyse(asked[1])
            # The second part leans on the first ("..., and when was it agreed?"): it carries its terms.
            second.carried = {t: CARRY * w for t, w in first.weights.items() if t not in second.weights}
            second.councils = second.councils or first.councils
            second.years = second.years or first.years
            return [
                Part(asked[0], first, None, own=True),
                Part(f"{asked[1]} {asked[0]}", second, None, own=True),
            ]
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
        if part.question.quarters:
            # A report of another quarter than the one asked about ("the Quarter 4 report" when the
            # papers hold Quarter 3's) does not answer it, however well its words match.
            cands = [c for c in cands if not _other_quarter(part.question, c)]
        ranked = score_candidates(
            part.question, cands, self.weights, scope, self.retriever.state.lexical.lowercase_words
        )
        probability = answer_probability(part.question, ranked, self.weights)
        ctx.trace.best_score = max(ctx.trace.best_score, probability)
        return Ranked(ranked, probability)

    # -- the answer -----------------------------------------------------------------------------

    def answer(self, ctx: AskContext) -> Answer:
        q = ctx.question
        if q.unknown:
            return extractive_answer([], ctx)  # a name no document uses: nothing here is about it
        scope = self.scope(ctx)
        defined = self._definition(ctx, scope)
        if defined is not None:
            return defined
        parts = self.parts(ctx, scope)
        if len(parts) == 1 and not q.wants_list and not q.yes_no:
            looked_up = self._table_lookup(ctx)
            if looked_up is not None:
                return looked_up
        picks: list[Candidate] = []
        chosen: list[tuple[Part, Candidate]] = []
        unanswered: list[Part] = []
        for part in parts:
            found = self.evidence(ctx, part, scope)
            if scope.quoted_before and (
                ctx.resolution.substituted or self._says_again(ctx, part, found, scope)
            ):
                # A follow-up asks for something the previous answer did not give: never its quote again.
                kept = [c for c in found.candidates if not shapes.repeats(c, scope.quoted_before)]
                if len(kept) < len(found.candidates):
                    found = Ranked(kept, answer_probability(part.question, kept, self.weights))
            if part.own and chosen:
                found = self._in_document_of(part, found, chosen[0][1])
            best = found.best
            if best is None or found.answerable < self.weights.abstain_below:
                # A later part is read first where the earlier part's answer stands: its numbered
                # paragraph ("3.3(a)" ... "3.3(e)"), the natural window of a two-part question.
                best = (
                    _in_paragraph_of(part.question, found.candidates, chosen[0][1])
                    if part.own and chosen
                    else None
                )
                if best is None:
                    unanswered.append(part)
                    continue
            best = _of_the_shape_asked(part.question, best, found.candidates[1:SHAPE_FALLBACK_DEPTH])
            if part.own and _answered_already(part.question, found.candidates, {c.key for _, c in chosen}):
                continue  # the evidence chosen for an earlier part states this part too: quote it once
            if best.key not in {c.key for _, c in chosen}:
                chosen.append((part, best))
            if len(parts) == 1 and _TWO_PART.search(q.text):
                chosen += [(part, c) for c in self._complements(part.question, best, found.candidates[1:6])]
        picks = [c for _, c in chosen]
        ctx.trace.chosen = [(p.chunk.id, round(p.share, 3)) for p in picks]
        if not picks:
            return extractive_answer([], ctx)
        if len(parts) == 1 and picks[0].unit.kind == "heading" and not q.yes_no:
            opening = shapes.section_opening(picks[0], self.retriever.neighbour, shapes.asks_for_list(q))
            if opening is not None:
                quotes = shapes.piece_quotes(opening, picks[0].doc)
                # "8. Financial Implications": the heading's number is not part of what it says.
                quotes[0].text = strip_marker(quotes[0].text)
                return extractive_answer(quotes, ctx)
        in_list = q.plural_head and picks[0].unit.kind == "list_item" and q.answer_type is None
        announced = q.plural_head and shapes.announces_list(picks[0])
        if len(parts) == 1 and (
            shapes.asks_for_list(q) or in_list or announced or picks[0].text.rstrip().endswith((":", ":-"))
        ):
            pieces = shapes.list_pieces(picks[0], self.retriever.neighbour, q)
            if pieces and (count := shapes.count_asked(q.text)):
                pieces = shapes.cap_items(pieces, count)  # "the five core questions": five items
            title = picks[0].doc.title
            item = shapes.item_asked(q, pieces, title) if pieces and q.yes_no else None
            if item is not None:
                [quote] = shapes.piece_quotes([item], picks[0].doc)[:1]
                return extractive_answer([quote], ctx, shapes.yes_no_lead(q, quote.text, title))
            if pieces and not q.yes_no:
                items = shapes.list_items(pieces)
                lead = "; ".join(items) if 1 < len(items) <= shapes.MAX_LIST_ITEMS else None
                quotes = shapes.joined_introduction(
                    shapes.piece_quotes(pieces, picks[0].doc), self.retriever.catalog.page_text
                )
                return extractive_answer(quotes, ctx, lead)
            if pieces and picks[0].text.rstrip().endswith((":", ":-")):
                # A yes/no question whose evidence introduces a list ("That Full Council:") and no
                # single item of which answers it: the list, not its bare introduction.
                return extractive_answer(shapes.piece_quotes(pieces, picks[0].doc), ctx)
        lower = self.retriever.state.lexical.lowercase_words
        hints = column_hints(q.councils)
        asked = frozenset(q.weights) | frozenset(
            synonym for t in q.weights for synonym in synonyms().get(t, ())
        )
        quotes = [
            quote_for(
                c,
                hints,
                expand_list=q.wants_list,
                paragraph=q.answer_type is None,
                page=best_page(part.question, c, lower),
                asked=asked,
                explain=shapes.asks_why(part.question),
            )
            for part, c in chosen
        ]
        rest = [
            other_page_part(c, quote, {**q.weights, **part.question.weights, **part.question.carried})
            for (part, c), quote in zip(chosen, quotes, strict=True)
        ]
        lead = None
        if len(parts) == 1 and quotes[0].cell and quotes[0].row_label:
            cells = (quotes[0].cell, *quotes[0].also)
            lead = f"{quotes[0].row_label} — " + "; ".join(f"{h}: {v}" for h, v in cells)
        elif len(parts) == 1:
            # A follow-up naming another subject or period ("And children's services?") never gives
            # the earlier answer's figure again; one asking more of the same ("What was the
            # deadline?") may find it in the same words.
            new_subject = _NEW_SUBJECT.match(ctx.text) and not _ASKS_ATTRIBUTE.search(ctx.text)
            said = ctx.resolution.previous_answer if new_subject else ""
            lead = shapes.yes_no_lead(q, quotes[0].text, quotes[0].doc.title) or shapes.fact_lead(
                q, quotes[0].text, said
            )
            if lead is None and lacks_asked_figure(q, quotes[0].text, said):
                return extractive_answer([], ctx)
            if (
                lacks_asked_role(q, quotes[0].text)
                or gives_target_for_actual(q, quotes[0].text)
                or gives_another_year(q, quotes[0].text)
            ):
                return extractive_answer([], ctx)
        elif all(part.own for part in parts):
            leads = [
                shapes.fact_lead(part.question, quote.text)
                for (part, _), quote in zip(chosen, quotes, strict=True)
            ]
            lead = "; ".join(dict.fromkeys(x for x in leads if x)) or None
        if (
            len(parts) == 1
            and lead is None
            and q.answer_type != "who"
            and all(_bare_label(x.text) for x in quotes)
        ):
            # "Follow up visit", "Programme Management": a label says what a passage is about, not
            # what it says; quoted alone it answers nothing, and a wrong citation is worse than none.
            return extractive_answer([], ctx)
        # A sentence running onto another page is quoted there too, after its first part.
        quotes = [q for pair in zip(quotes, rest, strict=True) for q in pair if q is not None]
        answer = extractive_answer(quotes, ctx, lead)
        if unanswered and any(part.own for part in unanswered):
            missing = "; ".join(f"“{part.query.split(' ' + parts[0].query)[0]}”" for part in unanswered)
            answer.answer += f"\n\nI could not find the answer to {missing} in the documents."
        return answer

    def _in_document_of(self, part: Part, found: Ranked, first: Candidate) -> Ranked:
        """The later part of a two-part question ("..., and what is the timescale?") is about what the
        first part's answer is about: its evidence comes from that document where it has any."""
        same = [c for c in found.candidates if c.doc.doc_id == first.doc.doc_id]
        if not same or same[0] is found.best:
            return found
        return Ranked(same, answer_probability(part.question, same, self.weights))

    @staticmethod
    def _says_again(ctx: AskContext, part: Part, found: Ranked, scope: scoping.Scope) -> bool:
        """Whether a follow-up's best evidence is the earlier turn's quote and would give the earlier
        answer's figure again ("And how much would a joint authority have saved it?" answered with
        the savings required, which the earlier turn already gave)."""
        best = found.best
        said = ctx.resolution.previous_answer
        if part.question.yes_no and said and best is not None and shapes.repeats(best, scope.quoted_before):
            return True  # "And is it on track to hit that?" asks past the figure just given
        if ctx.resolution.answer_type is not None:
            return False  # it asks for nothing of its own kind ("What difference has it made?")
        if best is None or not said or not shapes.repeats(best, scope.quoted_before):
            return False
        lead = shapes.fact_lead(part.question, best.text)
        return lead is not None and said.startswith(lead)

    def from_meetings(self, ctx: AskContext) -> Answer | None:
        """A vote, mover, outcome, decision, person's role or indicator's figures, from the stores built
        at ingest."""
        state = self.retriever.state
        q = ctx.question
        if q.unknown:
            return None
        res = ctx.resolution
        earlier = meetings.Earlier(res.query if res.is_followup else "", res.previous_quotes, res.last_quotes)
        found = (
            meetings.find_decision(q, state.decisions, state.docs, ctx.allowed, earlier, state.lexical.idf)
            or meetings.find_role(q, state.roles, state.docs, ctx.allowed)
            or indicators.find_indicator(q, state.indicators, state.docs, ctx.allowed)
        )
        if found is None:
            return None
        ctx.trace.chosen = [(f"{found.quotes[0].doc.doc_id}:p{found.quotes[0].page}", 1.0)]
        return extractive_answer(found.quotes, ctx, found.lead)

    def _definition(self, ctx: AskContext, scope: scoping.Scope) -> Answer | None:
        """ "What does FOLGIS stand for?": the expansion a document gives, cited where it does."""
        acronym = definition.asked_acronym(ctx.text)
        glossary = self.retriever.state.lexical.acronyms
        if acronym is None:
            return None
        key = next((a for a in glossary if a.upper() == acronym.upper()), None)
        if key is None:
            # No document spells it out: a sentence that only uses it does not say what it stands for.
            return extractive_answer([], ctx)
        expansion = glossary[key]
        part = Part(f"{expansion} ({key})", self.analyse(f"{expansion} ({key})"), None)
        found = definition.defining(key, expansion, self.evidence(ctx, part, scope).candidates)
        if found is None:
            return extractive_answer([], ctx)
        ctx.trace.chosen = [(found.chunk.id, 1.0)]
        return extractive_answer([quote_for(found)], ctx, f"{key}: {expansion}")

    def _table_lookup(self, ctx: AskContext) -> Answer | None:
        """A table cell the question names by row and column, read from the table's own data."""
        # Only a row whose label uses a key word of the question can be looked up: read just those.
        # A follow-up asked again of another name or period reads as the question it stands for.
        text = ctx.question.text if ctx.resolution.substituted else ctx.text
        terms = tables.LookupTerms.of(text, ctx.question)
        rows = self.retriever.state.rows_naming(ctx.allowed, terms.words, terms.names)
        found = tables.table_lookup(text, ctx.question, rows, terms)
        if found is None:
            return None
        quote = row_quote(found.row)
        ctx.trace.chosen = [(found.row.table_id, 1.0)]
        return extractive_answer([quote], ctx, f"{found.row.label} — {found.header}: {found.value}")

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


_SUB_PARAGRAPH = re.compile(r"\s*\((?:[a-z]|[ivx]{1,4}|\d{1,3})\)$")  # "3.3(d)", "2. Recommendations (3)"


def _in_paragraph_of(q: Question, found: list[Candidate], first: Candidate) -> Candidate | None:
    """The best unit of the earlier answer's numbered paragraph that answers this part: of the kind
    it asks for and lacking none of its own key words (in other words where the papers use them:
    "on its own" is the "Solo Business Case")."""
    section = first.unit.section or ""
    key = {t for t, w in q.weights.items() if w >= 1.0}
    if not _SUB_PARAGRAPH.search(section) or not key:
        return None  # not a numbered sub-paragraph, or a part that asks nothing of its own
    paragraph = _SUB_PARAGRAPH.sub("", section)
    for c in found:
        if (
            c.doc.doc_id == first.doc.doc_id
            and c.key != first.key
            and _SUB_PARAGRAPH.search(c.unit.section or "")
            and _SUB_PARAGRAPH.sub("", c.unit.section or "") == paragraph
            and c.type_ok
            and not (c.missing & key)
        ):
            return c
    return None


def _other_quarter(q: Question, c: Candidate) -> bool:
    told = quarters_in(c.doc.title)
    return bool(told) and not told & q.quarters


def _of_the_shape_asked(q: Question, best: Candidate, next_best: list[Candidate]) -> Candidate:
    """The best candidate, or, where it is not of the kind or period asked for (no date for "when",
    another year than the one named) or is a bare label, the next one that is, that is about what
    the question names and that has every question term the best has. (The depth searched was
    measured flat between 3 and 10 candidates.)"""
    if (q.yes_no or _fits(q, best)) and not _label_only(q, best):
        return best
    weight = {**q.weights, **q.carried}
    lacking = sum(weight.get(t, 0.0) for t in best.missing)
    for c in next_best:
        if (
            _fits(q, c)
            and c.entity_ok
            and not _label_only(q, c)
            and sum(weight.get(t, 0.0) for t in c.missing) <= lacking
        ):
            return c
    return best


def _label_only(q: Question, c: Candidate) -> bool:
    """A label that is not a heading ("the delivery of savings", a line of a diagram): no answer by
    itself. (A heading brings the opening of its section instead; a name, "Jane Smith (Chairman)",
    answers "who".)"""
    return q.answer_type != "who" and c.unit.kind != "heading" and _bare_label(c.text)


def _fits(q: Question, c: Candidate) -> bool:
    """Of the kind and period asked for; for "when", a date more precise than a year where one is
    given ("October 2014", not "2014")."""
    precise = q.answer_type != "date" or bool(SPECIFIC_DATE.search(c.text))
    return c.type_ok and c.period_ok and precise


BARE_LABEL_WORDS = 5  # the most words of a heading-like label ("Programme Management")


def _bare_label(text: str) -> bool:
    """A heading or label: a few words with no figure, no sentence's closing stop and no field's
    colon. A list's introduction ("In particular:") is not one: the list under it answers; nor is a
    field ("Lead officer: Jane Smith")."""
    words = text.split()
    return len(words) <= BARE_LABEL_WORDS and not has_number(text) and not re.search(r"[.?!:]", text)


# "And children's services?", "What about the year before?": the earlier question of another
# subject or period. "And the deadline?" asks another attribute of the same one.
_NEW_SUBJECT = re.compile(
    r"^\s*(?:and|(?:and\s+)?(?:what|how)\s+about)\b(?!.*\b(?:what|when|how|who|whom|which|why|where)\b)", re.I
)
_ASKS_ATTRIBUTE = re.compile(
    r"\b(?:deadline|timescale|timeframe|date|cost|costs|target|baseline|total|amount|rate|breakdown)\b", re.I
)


def lacks_asked_figure(q: Question, quote: str, said: str = "") -> bool:
    """Whether a quote fails to state what the question's shape asks for: a date, percentage or count
    it does not give ("August 08" is no count), or a sum with no figure in it at all (a sum asked as
    "what figure did they use to cost it" may be a plain number, so any figure will do for those).
    A passage about the subject does not say when, how much or how many; nor does one whose only
    figures are those the earlier answer (`said`, for a follow-up) gave."""
    if q.yes_no or q.answer_type not in ("date", "percent", "money", "count"):
        return False
    if shapes.fact_lead(q, quote, said) is not None:
        return False
    sums = [quote[a:b] for (a, b), _ in find_money(quote)]
    if q.answer_type == "money" and said and sums:
        return all(shapes.said_before(s, said) for s in sums)
    return q.answer_type != "money" or not has_number(quote)


def gives_another_year(q: Question, quote: str) -> bool:
    """Whether a quote gives the figure asked only for other financial years than the one asked
    ("Trade Union time ... in 2023/24?" against "For 2022/23 the % for central staff was 0.03%"):
    every figure of the kind asked is dated, and none to the year asked."""
    asked = {y for y in q.years if "/" in y}
    if not asked or q.answer_type not in ("percent", "money"):
        return False
    if any(re.search(rf"(?<![\d/]){re.escape(y)}(?![\d/])", quote) for y in asked):
        return False  # the year asked is stated ("£5m in each of 2019/20 and 2020/21")
    spans = [span for span, _ in (find_percent(quote) if q.answer_type == "percent" else find_money(quote))]
    if not spans:
        return False
    periods = [{y for y in years_near(quote, start) if "/" in y} for start, _ in spans]
    return all(periods) and not any(same_period(asked, p) for p in periods)


# An office a who-question names ("Who was SCC's chief executive ...?"). General English of councils.
_ROLE = re.compile(
    r"\b(chief\s+executive|deputy\s+leader|leader|chair(?:man|woman|person)?|vice[-\s]chair(?:man)?|mayor|"
    r"portfolio\s+holder|cabinet\s+member|director|head\s+of\s+\w+|programme\s+manager|project\s+manager|"
    r"chief\s+finance\s+officer|monitoring\s+officer|section\s+151\s+officer|inspector|adviser|advisor|"
    r"champion|author|clerk|proposer|seconder)\b",
    re.I,
)
_WHO = re.compile(r"^\s*(?:and\s+)?(?:who|whom|whose)\b|\bwhat\s+(?:is|was)\s+the\s+name\s+of\b", re.I)


def lacks_asked_role(q: Question, quote: str) -> bool:
    """Whether a who-question names an office ("the chief executive") that its quote does not: a
    passage naming a principal adviser does not say who the chief executive was."""
    if q.yes_no or not _WHO.search(q.text) or not (m := _ROLE.search(q.text)):
        return False
    return not set(tokenize(m.group(1))) <= set(tokenize(quote))


# "How much did it actually end up saving?": the outcome, not what was planned.
_ASKS_ACTUAL = re.compile(
    r"\bactual(?:ly)?\b|\bend(?:ed)?\s+up\b|\bin\s+the\s+end\b|\boutturn\b|\bturned\s+out\b|\bin\s+reality\b",
    re.I,
)


def gives_target_for_actual(q: Question, quote: str) -> bool:
    """Whether a question asking what actually happened is given only a target: every figure of the
    quote reads as planned, committed or required ("commits the partner authorities to savings of
    £20 million"), none as achieved."""
    if q.yes_no or not _ASKS_ACTUAL.search(q.text):
        return False
    roles = router.figure_roles(quote)
    return bool(roles) and all(r == "target" for r in roles)


def question_parts(text: str) -> list[str]:
    """The parts of a two-part question, each a question of its own ("How much did it need to save,
    and what did its business case say could be achieved?")."""
    pieces = [p.strip(" ,?") for p in _PART_BREAK.split(text.strip()) if p.strip(" ,?")]
    if len(pieces) != 2 or any(len(p.split()) < 2 for p in pieces):
        return [text]
    return pieces


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


def _answered_already(q: Question, found: list[Candidate], chosen: set[tuple[str, int, int]]) -> bool:
    """Whether a unit already chosen for an earlier part of the question holds this part's answer
    too: of the kind asked for, and with every one of this part's key terms."""
    key = {t for t, w in q.weights.items() if w >= 1.0}
    return any(c.key in chosen and c.type_ok and not (c.missing & key) for c in found)


def extractive_answer(quotes: list[Quote], ctx: AskContext, lead: str | None = None) -> Answer:
    if not quotes:
        return ctx.reply(ABSTAIN_TEXT, abstained=True)
    body, citations = compose(quotes, lead)
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
    return ctx.reply(body, citations, tools)
