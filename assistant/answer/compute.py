"""Answers whose number comes from a tool: the question asks for a computation, the router finds its
operands (in the question, a table, or the ranked evidence), and every operand is cited."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from dataclasses import replace

from assistant.answer import formulas, operands, router, staffing, stated, tables
from assistant.answer.compose import ABSTAIN_TEXT, Quote, column_hints, number, quote_for, sentence
from assistant.answer.context import AskContext
from assistant.answer.extract import Extractor, Part
from assistant.answer.question import Question
from assistant.answer.scope import Scope
from assistant.answer.select import Candidate, best_page
from assistant.models import Answer, ToolCall
from assistant.tools import arithmetic
from core.acronyms import with_sector_abbreviations
from core.councils import gazetteer
from core.money import Amount, find_money, find_percent
from core.text import squash
from core.tokens import NUMBER_WORD_PATTERN, count_of, tokenize


class Computer:
    def __init__(self, extractor: Extractor) -> None:
        self.extractor = extractor

    def answer(self, ctx: AskContext) -> Answer | None:
        """A computed answer when the question asks for a computation; None to answer by quoting."""
        text, q, res = ctx.text, ctx.question, ctx.resolution
        kind = intent(text)
        if kind is None:
            return None
        ctx.trace.routed = True
        state = self.extractor.retriever.state
        scope = self.extractor.scope(ctx)
        outcome: router.Computed | router.Missing | None = None
        hints = column_hints(q.councils)

        def quote(c: Candidate, page: int | None = None) -> Quote:
            return quote_for(c, hints, page=page)

        if kind == "costing" and (asked := formulas.costing_in(text)) is not None:
            order = self.extractor.evidence(ctx, Part(res.query, q, None), scope).candidates
            outcome = router.tolerant(formulas.cost, asked, order, quote)
            if isinstance(outcome, router.Computed) and not outcome.operands:
                # Cite the documents where they state the same costing ("£138,000 based on ... £750 ...").
                same = router.stating_same_inputs(outcome.result, order)
                if same is not None:
                    outcome.extra_quotes.append(quote_for(same))
                    outcome.lead += " The documents cost it the same way."
        elif kind == "recost":
            order = self.extractor.evidence(ctx, Part(res.query, q, None), scope).candidates
            outcome = formulas.recost(formulas.recosting_in(text), order, quote)
            if outcome is None and formulas.asks_to_apply(text):
                kind = "apply"  # no costing stated to work out again; a rate may be, to apply
            elif outcome is None:
                return None  # answered from the passages
        if kind == "apply":
            # The rate is searched for without the question's own figures and supposition ("Suppose
            # it employed 6,000 staff"): they are operands, and would pull in passages of figures.
            rate_query = formulas.rate_question(res.query)
            q_rate = self.extractor.analyse(rate_query)
            q_rate.carried, q_rate.councils = q.carried, q_rate.councils or q.councils
            if formulas.wants_percent(text):
                q_rate.answer_type = "percent"
            order = self.extractor.evidence(ctx, Part(rate_query, q_rate, None), scope).candidates
            key = stated.key_terms(q_rate)
            counted = formulas.given_nouns(text)
            key = stated.Terms(key.near - counted, key.distinctive - counted or key.distinctive)
            outcome = router.tolerant(formulas.apply_rate, text, order, quote, key)
        elif kind == "sum":
            # Rows by their codes ("SP1") are read from every row, and only when the question gives
            # codes; the other table tools read only the rows whose label the question uses.
            coded = f"{text} {res.query if res.is_followup else ''}"
            outcome = (
                router.sum_of_table_figures(coded, state.rows_in(ctx.allowed), q.councils)
                if router.names_codes(coded)
                else None
            ) or tables.table_sum(text, q, state.rows_naming(ctx.allowed, tables.asked_words(q)))
        elif kind == "check":
            # Only tables holding a figure the question states can check it; with no figure stated,
            # the table it names (`table_check` keeps that table's rows).
            given = tables.stated_values(text)
            rows = (
                state.rows_holding(ctx.allowed, given)
                if given
                else state.rows_in(ctx.allowed)
                if tables.names_table(text)
                else []
            )
            outcome = tables.table_check(text, q, rows)
            if outcome is None and find_percent(text):
                # "Is the 74% right given the numbers quoted?": a percentage checked against the
                # counts its sentence gives ("57 residents ... with 37 (74%) remaining").
                q_count = self.extractor.analyse(res.query)
                q_count.answer_type, q_count.carried = "count", q.carried
                ranked = self.extractor.evidence(ctx, Part(res.query, q_count, None), scope).candidates
                outcome = stated.percent_check(text, q_count, ranked, quote)
        elif kind in ("share", "difference"):
            rows = state.rows_naming(ctx.allowed, tables.asked_words(q))
            outcome = (
                tables.table_share(text, q, rows) or tables.given_share(text, q, rows)
                if kind == "share"
                else tables.table_difference(q, rows)
            )
        elif kind == "average":
            outcome = (
                tables.table_average(text, q, state.rows_naming(ctx.allowed, tables.asked_words(q)))
                if AVERAGE_Q.search(text)
                else None  # "days a month of officer time" asks for a cell, not an average of cells
            )
            if outcome is None:
                part = Part(res.query, self._money_question(res.query, q.carried), None)
                outcome = stated.per_period(q, self.extractor.evidence(ctx, part, scope).candidates, quote)
            if outcome is None and len(_periods(text)) >= 2:
                outcome = self._from_operands(ctx, "average", scope)  # of the periods named
            if outcome is None:
                return None  # "on average 5 days earlier" is a stated figure, not an average to work out
        elif kind == "staffing":
            rate_query = formulas.rate_question(res.query)
            q_role = self.extractor.analyse(rate_query)
            ranked = self.extractor.evidence(ctx, Part(rate_query, q_role, None), scope).candidates
            glossary = with_sector_abbreviations(state.lexical.acronyms)
            outcome = staffing.resourcing(
                text,
                ranked,
                stated.key_terms(q_role),
                quote,
                glossary,
                [n for n in dict.fromkeys(q_role.entities) if " " in n],
            )
        elif kind == "portion":
            outcome = self._portion(ctx, scope)
        elif kind == "ratio":
            outcome = tables.table_ratio(q, state.rows_naming(ctx.allowed, tables.asked_words(q)))
            outcome = outcome or self._ratio(ctx, scope)
        elif kind == "change":
            q_moved = self.extractor.analyse(res.query)
            q_moved.answer_type, q_moved.carried = _wanted(text), q.carried
            q_moved.money = q_moved.answer_type == "money"
            part = Part(res.query, q_moved, None)
            ranked = self.extractor.evidence(ctx, part, scope).candidates
            outcome = stated.movement(q_moved, ranked, quote)
            if outcome is None and q_moved.money:
                outcome = stated.change_on_level(q_moved, ranked, quote, after=False)
        elif kind == "after":
            q_money = self._money_question(res.query, q.carried)
            ranked = self.extractor.evidence(ctx, Part(res.query, q_money, None), scope).candidates
            outcome = stated.change_on_level(q_money, ranked, quote, after=True)
            if outcome is None:
                return None  # no level and change stated together: answered from the passages
        if kind in ("rest", "remainder") or (kind == "share" and outcome is None):
            q_money = self._money_question(res.query, q.carried)
            order = self.extractor.evidence(ctx, Part(res.query, q_money, None), scope).candidates
            outcome = _whole_and_part(kind, q_money, order, quote)
        if outcome is None and kind in ("sum", "average") and res.is_followup and not operands.phrases(text):
            outcome = self._of_earlier_answers(ctx, kind)
            if isinstance(outcome, router.Missing):
                return missing_answer(outcome, ctx)  # "Add those three years": nothing else to search for
        if outcome is None and kind in ("sum", "difference", "change", "remainder", "share"):
            outcome = self._from_operands(ctx, kind, scope)
        if outcome is None and kind in ("shortfall", "excess", "difference", "check"):
            q_money = self.extractor.analyse(res.query)
            q_money.answer_type, q_money.money = "money", True
            q_money.carried = q.carried
            order = self.extractor.evidence(ctx, Part(res.query, q_money, None), scope).candidates
            if kind == "check":
                # A stated cost whose own sentence gives its costing is checked against that costing
                # ("£120,000 based on ... 60 days at £2000 per day"), not as a total of its figures.
                outcome = _quoted_costing_check(text, order, quote) or router.check_stated_total(
                    text, order, quote
                )
            else:
                outcome = router.gap(
                    kind,
                    order,
                    quote,
                    in_percent=bool(_PERCENT_TERMS.search(text)),
                    in_money=bool(_MONEY_TERMS.search(text)),
                    on_subject=lambda c: _of_councils(c, q.councils),
                )
        if outcome is None:
            return None
        if isinstance(outcome, router.Missing):
            # A figure the stores hold as a record ("what share of new Care Needs Assessments were
            # done within 28 days?" is an indicator's latest figure) is looked up, not computed.
            # A total, difference, share or change may be stated as such ("by £1.54 per week"): the
            # passages answer when they can. A gap needs the target and the figure set against it,
            # so one found alone answers nothing; nor does an abstention: the missing operand is named.
            found = self.extractor.from_meetings(ctx) or (
                self.extractor.answer(ctx) if kind in STATED_KINDS else None
            )
            return missing_answer(outcome, ctx) if found is None or found.abstained else found
        _join_adjacent(outcome.operands, self.extractor.retriever.catalog.page_text)
        if any(o.quote is None and o.amount.unit == "£" for o in outcome.operands):
            q_money = self._money_question(res.query, q.carried)
            order = self.extractor.evidence(ctx, Part(res.query, q_money, None), scope).candidates
            _cite_given(outcome, q, order, quote)
        return computed_answer(outcome, ctx)

    def _money_question(self, text: str, carried: dict[str, float]) -> Question:
        q = self.extractor.analyse(text)
        q.answer_type, q.money, q.carried = "money", True, carried
        return q

    def _ratio(self, ctx: AskContext, scope: Scope) -> router.Computed | router.Missing | None:
        """A ratio of two figures the question names as phrases; the first may be a sum ("the
        reserves plus the contingency fund")."""
        labels = operands.ratio_phrases(ctx.text)
        if len(labels) != 2:
            return None
        rate = _RATE_NAMED.search(ctx.text)
        if rate and not _RATE_NAMED.search(labels[1]):
            labels[1] += f" {rate.group(0)}"  # "days ... at that option's daily rate": B is a rate
        tops = operands.phrases(labels[0]) or [labels[0]]
        found = self._operands(ctx, [*tops, labels[1]], scope)
        if isinstance(found, router.Missing):
            return found
        over, under = found[:-1], found[-1]
        top = (
            over[0].amount
            if len(over) == 1
            else Amount(sum(o.amount.value for o in over), over[0].amount.unit)
        )
        if top.unit != under.amount.unit:
            return router.Missing([f"figures of one kind for “{labels[0]}” and “{labels[1]}”"], found)
        result = router.tolerant(arithmetic.ratio, top, under.amount)
        if isinstance(result, router.Missing):
            return result
        if len(over) > 1:
            summed = arithmetic.total([o.amount for o in over])
            top = Amount(float(summed.output), top.unit, text=summed.formula.split(" = ")[-1])
            result.notes.insert(0, f"{labels[0]}: {summed.formula}")
        said = tables.ratio_words(float(result.output), operands.ratio_unit(ctx.text))
        return router.Computed(
            result, found, f"{top.text or labels[0]} over {under.amount.text}: {result.formula}{said}."
        )

    def _portion(self, ctx: AskContext, scope: Scope) -> router.Computed | router.Missing | None:
        """ "If SCC again delivered only the same share of its savings as in the last two years, how
        much of its 2018/19 target would be delivered?": the share the documents state (65%) applied
        to the figure the question names (£11.9m), each found by its own words and cited."""
        of = _HOW_MUCH_OF.search(ctx.text)
        if of is None:
            return None
        share_words = ctx.text[: of.start()]
        q_share = self.extractor.analyse(share_words)
        q_share.answer_type, q_share.carried = "percent", ctx.question.carried
        ranked = self.extractor.evidence(ctx, Part(share_words, q_share, None), scope).candidates
        key = stated.key_terms(q_share)
        shares = [
            (stated.nearness(c.text, start, end, key), -rank, pct, c)
            for rank, c in enumerate(ranked[:STATED_DEPTH_SHARE])
            for (start, end), pct in find_percent(c.text)
        ]
        if not shares or max(shares, key=lambda s: s[:2])[0] == 0:
            return router.Missing([f"the share “{share_words.strip(' ,')}” names"])
        _, _, pct, c = max(shares, key=lambda s: s[:2])
        found = self._operands(ctx, [of.group("whole")], scope)
        share_op = router.Operand("the share", pct, quote_for(c, column_hints(ctx.question.councils)))
        if isinstance(found, router.Missing):
            return router.Missing(found.what, [share_op, *found.found])
        [whole] = found
        result = router.tolerant(arithmetic.percentage_of, pct, whole.amount)
        if isinstance(result, router.Missing):
            return result
        lead = f"{pct.text} of {whole.amount.text} ({whole.label}): {result.formula}."
        if router.SHORT_Q.search(ctx.text):
            # "How far short would it fall?": the whole less the part delivered.
            part = Amount(pct.value / 100 * whole.amount.value, whole.amount.unit)  # unrounded
            gap = arithmetic.shortfall(whole.amount, part)
            return router.Computed(
                gap, [share_op, whole], f"{lead[:-1]}, short by {gap.formula}.", also=[result]
            )
        return router.Computed(result, [share_op, whole], lead)

    def _of_earlier_answers(self, ctx: AskContext, kind: str) -> router.Computed | router.Missing | None:
        """ "Add those three years together": the figures the conversation's last answers gave, each
        cited where those answers cited it. As many as the question counts, or, when it counts none,
        those of the last answer; fewer than two is no sum."""
        docs = self.extractor.retriever.state.docs
        given: list[router.Operand] = []
        last: list[router.Operand] = []
        for earlier in ctx.resolution.earlier:
            said = earlier.answer.split("\n", 1)[0]
            turn: list[router.Operand] = []
            for c in earlier.citations:
                doc = docs.get(c.doc_id)
                if doc is None:
                    continue
                for _, amount in find_money(c.quote):
                    stated_in = re.search(rf"(?<![\d.,£]){re.escape(amount.text)}(?![\d,]|\.\d)", said)
                    if stated_in and all(
                        not (_same(o.amount, amount) and o.quote and o.quote.text == c.quote)
                        for o in given + turn
                    ):
                        quote = Quote(doc=doc, page=c.page, section=c.section, text=c.quote)
                        turn.append(router.Operand(amount.text, amount, quote))
            given = [*given, *turn] if turn else given
            last = turn
        counted = _COUNTED.search(ctx.text)
        if counted is not None:
            n = count_of(counted.group(1)) or 0
            ops = given[-n:] if len(given) >= n else []
            if not ops:
                return router.Missing([f"{counted.group(1)} figures given in the answers before"])
        else:
            ops = last
        if len(ops) < 2 or len({o.amount.unit for o in ops}) > 1:
            return None
        amounts = [o.amount for o in ops]
        if kind == "average":
            result = arithmetic.average(amounts, len(amounts), "each")
            return router.Computed(result, ops, f"The average of the figures above: {result.formula}.")
        result = arithmetic.total(amounts)
        return router.Computed(result, ops, f"Adding the figures above: {result.formula}.")

    def _operands(
        self, ctx: AskContext, labels: list[str], scope: Scope
    ) -> list[router.Operand] | router.Missing:
        """The figure for each phrase, each from its own search, cited."""
        q = ctx.question
        hints = column_hints(q.councils)

        def rank(label: str) -> list[Candidate]:
            part = Part(label, self._money_question(label, q.carried), None)
            part.question.councils = part.question.councils or q.councils
            return self.extractor.evidence(ctx, part, scope).candidates

        def analyse(label: str) -> Question:
            found = self.extractor.analyse(label)
            found.councils = found.councils or q.councils
            return found

        found, missing = operands.operands(
            labels,
            rank,
            analyse,
            lambda c: quote_for(c, hints, page=best_page(q, c, set())),
            _wanted(ctx.text),
        )
        ops = [router.Operand(f.label, f.amount, f.quote) for f in found]
        return router.Missing(missing, ops) if missing else ops

    def _from_operands(
        self, ctx: AskContext, kind: str, scope: Scope
    ) -> router.Computed | router.Missing | None:
        """A sum, difference, percentage change or average (over the periods named) of figures the
        question names as phrases."""
        if kind == "remainder":
            labels = _remainder_phrases(ctx.text)
        elif kind == "change" or len(_periods(ctx.text)) >= 2:
            labels = _period_phrases(ctx.text)
        else:
            labels = operands.phrases(ctx.text)
        if len(labels) < 2:
            return None
        if kind not in ("sum", "average"):
            labels = labels[:2]
        ops = self._operands(ctx, labels, scope)
        if isinstance(ops, router.Missing):
            return ops if ops.found else None
        if _repeated(ops):
            return None
        amounts = [o.amount for o in ops]
        if kind == "average":
            result = arithmetic.average(amounts, len(ops), "a year")
            years = ", ".join(f"{o.amount.text} ({o.label.rsplit(' in ', 1)[-1]})" for o in ops)
            return router.Computed(result, ops, f"The average of {years}: {result.formula}.")
        named = ", ".join(f"{o.amount.text} ({o.label})" for o in ops)
        if kind == "sum":
            result = arithmetic.total(amounts)
            return router.Computed(result, ops, f"Adding {named}: {result.formula}.")
        if kind in ("difference", "remainder"):
            result = arithmetic.difference(amounts[0], amounts[1])
            return router.Computed(result, ops, f"The difference between {named}: {result.formula}.")
        if kind == "share":
            share = router.tolerant(arithmetic.share, amounts[0], amounts[1])
            if isinstance(share, router.Missing):
                return share
            if share.output > WHOLE_PERCENT and _PART_OF_WHOLE.search(ctx.text):
                # A proportion of something is at most all of it: a part larger than its whole means
                # the figures found are not the part and the whole asked about.
                return router.Missing(["a part and a whole that this proportion is of"])
            return router.Computed(
                share, ops, f"{ops[0].amount.text} as a share of {ops[1].amount.text}: {share.formula}."
            )
        for delta, base in ((1, 0), (0, 1)):
            change = _stated_change(ops[delta])
            if change is None or _stated_change(ops[base]) is not None:
                continue
            # "agency spend was £13.1m, we are targeting a reduction of circa £3m": one figure is the
            # change itself, not a level, so the percentage is the change over the other, the base.
            moved = router.tolerant(arithmetic.share, amounts[delta], amounts[base])
            if isinstance(moved, router.Missing):
                return moved
            return router.Computed(
                moved,
                ops,
                f"A {change} of {ops[delta].amount.text} on {ops[base].amount.text}: {moved.formula}.",
            )
        result = router.tolerant(arithmetic.percentage_change, amounts[0], amounts[1])
        if isinstance(result, router.Missing):
            return result
        return router.Computed(
            result, ops, f"From {ops[0].amount.text} to {ops[1].amount.text}: {result.formula}."
        )


WHOLE_PERCENT = 100


def _repeated(ops: list[router.Operand]) -> bool:
    """Whether two phrases found one figure of one page (in a sentence and in its paragraph, say):
    not the two figures asked for."""
    for a, b in itertools.combinations(ops, 2):
        qa, qb = a.quote, b.quote
        if qa is None or qb is None or not _same(a.amount, b.amount):
            continue
        if (qa.doc.doc_id, qa.page) == (qb.doc.doc_id, qb.page) and (
            qa.text in qb.text or qb.text in qa.text
        ):
            return True
    return False


# "those three years", "all four figures", "the two amounts": how many earlier figures a follow-up takes.
_COUNTED = re.compile(
    rf"\b(?:those|these|the|all|both\s+of\s+the)\s+({NUMBER_WORD_PATTERN})\s+(?:years?|figures?|amounts?|numbers?|sums?|savings?|totals?)\b",
    re.I,
)


# A figure stated as a change ("a reduction of circa £3m", "cut by £2m", "an increase of 5%").
def _stated_change(op: router.Operand) -> str | None:
    """The kind of change ("reduction", "increase") when the operand's quote states its figure as a
    change rather than a level."""
    if op.quote is None:
        return None
    text = op.quote.text
    at = text.find(op.amount.text)
    if at < 0:
        return None
    return stated.change_word(text, at)


_PART_OF_WHOLE = re.compile(r"\b(?:proportion|fraction|share)\b", re.I)


STATED_KINDS = frozenset({"sum", "difference", "share", "change", "average", "ratio", "remainder", "rest"})


def intent(text: str) -> str | None:
    """Which computation a question asks for: a costing from its own figures, a document's rate
    applied to its figures, the rest of a whole once the part the documents single out is taken
    away, or one of the router's kinds (sum, check, change, gap ...)."""
    if formulas.costing_in(text) is not None:
        return "costing"
    if staffing.asks(text) and (_SHARE_OF_TIME.search(text) or staffing.asks_time(text)):
        return "staffing"  # "five data leads at a set percentage of their time ... hours a week"
    kind = router.kind_of(text)
    if kind in (None, "difference", "sum") and operands.asks_ratio(text):
        return "ratio"  # "how many times bigger", "how many days would the grant pay for"
    if kind is None and formulas.recosting_in(text):
        return "recost"
    if kind in (None, "sum") and formulas.asks_to_apply(text):
        return "apply"
    if (
        kind in (None, "shortfall")
        and (of := _HOW_MUCH_OF.search(text))
        and _SAME_SHARE.search(text[: of.start()])
    ):
        return "portion"  # "If it delivered the same share as before, how much of its target ...?"
    if kind is None and _REST_Q.search(text):
        return "rest"
    if kind in (None, "sum") and (AVERAGE_Q.search(text) or (kind is None and stated.asked_per(text))):
        return "average"  # an average a figure per period asks for, where one is stated over a period
    if kind is None and _AFTER_Q.search(text):
        return "after"  # "what would agency spend come down to?"
    if kind is None and _PERCENT_TERMS_Q.search(text):
        return "change"  # "In percentage terms, how big a reduction is that on the 23/24 bill?"
    return kind


# People at a share of their time: "at a set percentage of their time", "data leads @40%", "FTE".
_SHARE_OF_TIME = re.compile(
    r"\b(?:percentage|proportion|share|fraction)\s+of\s+(?:their|his|her|its)\s+time\b|@\s*\d|"
    r"\bfull[-\s]time\s+equivalents?\b|\bFTEs?\b|\b(?:data\s+leads?|officers?|staff|leads?)\b[^?]*\btime\b",
    re.I,
)

# "the same share of agreed savings as in the previous two years", "at the same rate as before"
_SAME_SHARE = re.compile(
    r"\b(?:the\s+)?same\s+(?:share|proportion|percentage|rate|fraction)\b|\bas\s+(?:it\s+)?(?:had\s+|did\s+)?before\b|"
    r"\bagain\b[^?]*\b(?:share|proportion|percentage|rate|fraction)\b",
    re.I,
)
# "how much of its 2018/19 savings target would actually be delivered", "how far short of its
# 2018/19 saving target would it fall": the whole named.
_HOW_MUCH_OF = re.compile(
    r"\b(?:how\s+much\s+of|short\s+of)\s+(?P<whole>.+?)\s+(?:would|will|could|might|is|was)\b", re.I
)
STATED_DEPTH_SHARE = 6  # candidates searched for the share the question names

# "What is that as an average per year?", "On average, how much a year would it save?"
AVERAGE_Q = re.compile(r"\baverage\b|\b(?:the|a)\s+mean\b(?!\s+(?:that|by)\b)", re.I)
_AFTER_Q = re.compile(
    r"\b(?:come|go|fall|drop|rise|increase|decrease|be\s+(?:reduced|cut|brought\s+down))\s+(?:down\s+|up\s+)?to\b|"
    r"\bend\s+up\s+(?:at|as)\b",
    re.I,
)
_PERCENT_TERMS_Q = re.compile(r"\bin\s+percentage\s+terms\b|\bas\s+a\s+percentage\b(?!\s+of\b)", re.I)


# "How much of the 2018/19 saving target had not been specifically allocated?": the rest of a whole,
# once the part the documents say was allocated (spent, agreed ...) is taken away.
_REST_Q = re.compile(
    r"(?:^\s*of\b[^?]*,\s*how\s+much\b|\bhow\s+much\s+(?:of|was\s+left\s+of)\b).*\b(?:"
    r"(?:had|has|have|was|were|is|are)(?:\s+still)?\s+not|(?:had|has|have|was|were|is|are)\s+(?:still\s+)?(?:un\w+ed|outstanding|left))\b",
    re.I,
)
REST_DEPTH = 3  # the best few candidates searched for a whole and its part
REST_CONTEXT_WORDS = 8  # words either side of a whole-and-part phrase that say what it is about
_SUM = r"(£\s?\d[\d,.]*\s*(?:m|bn|k|million|billion)?)"
# A whole and its part in one sentence: "a saving target for 2018/19 of £11.9m of which £8.8m was
# specifically allocated" (whole, part); "£1.2m out of a shared pot of £2.5m" (part, whole).
_OF_WHICH = re.compile(rf"{_SUM}\b[^.;£]{{0,40}}?\bof\s+which\s+{_SUM}", re.I)
_OUT_OF = re.compile(
    rf"{_SUM}\b[^.;£]{{0,20}}?\bout\s+of\s+(?:a|an|the)?\s*(?:[\w-]+\s+){{0,3}}?(?:of\s+)?{_SUM}", re.I
)


def _whole_and_part(
    kind: str, q: Question, ranked: list[Candidate], quote: Callable[..., Quote]
) -> router.Computed | router.Missing | None:
    """From the best evidence that states a whole and its part in one sentence ("£11.9m of which
    £8.8m", "£1.2m out of a shared pot of £2.5m") about what the question asks (one of its key terms
    stands near them): the rest of the whole (`rest`, `remainder`) or the part's share of it
    (`share`). The figures are read from the quote that is cited."""
    key = {t for t, w in q.weights.items() if w >= 1.0}
    for c in ranked[:REST_DEPTH]:
        cited = quote(c)
        text = cited.text
        m = _OF_WHICH.search(text)
        n = None if m else _OUT_OF.search(text)
        if m is not None:
            whole, part = find_money(m.group(1)), find_money(m.group(2))
        elif n is not None:
            part, whole = find_money(n.group(1)), find_money(n.group(2))
        else:
            continue
        found = m or n
        assert found is not None
        around = " ".join(
            text[: found.start()].split()[-REST_CONTEXT_WORDS:]
            + text[found.start() : found.end()].split()
            + text[found.end() :].split()[:REST_CONTEXT_WORDS]
        )
        if not key & set(tokenize(around)):
            continue  # a whole and part about something else
        if not whole or not part or part[0][1].value > whole[0][1].value:
            continue  # a part larger than its whole is not what the sentence says
        w, p = whole[0][1], part[0][1]
        if kind == "share" and not _plays_given_roles(q.text, w, p):
            continue  # "what percentage of the budget did the £11.9m represent?": £11.9m is the part
        ops = [router.Operand("the whole", w, cited), router.Operand("the part", p, cited)]
        if kind == "share":
            share = router.tolerant(arithmetic.share, p, w)
            if isinstance(share, router.Missing):
                return share
            return router.Computed(share, ops, f"{p.text} of {w.text}: {share.formula}.")
        result = arithmetic.difference(w, p)
        return router.Computed(
            result, ops, f"The rest of {w.text} once the {p.text} of it is taken away: {result.formula}."
        )
    return None


def _join_adjacent(ops: list[router.Operand], page_text: Callable[[str, int], str | None]) -> None:
    """Operands stated in consecutive sentences of one page are cited as one quote of both ("£11.3m
    of general reserves. It is also reported that ... a contingency fund of £7m"), the way a reader
    quotes the passage that gives the pair."""
    for a, b in itertools.combinations(ops, 2):
        qa, qb = a.quote, b.quote
        if qa is None or qb is None or qa is qb or (qa.doc.doc_id, qa.page) != (qb.doc.doc_id, qb.page):
            continue
        if qa.cell or qb.cell or qa.text == qb.text:
            continue  # a table cell is cited by its row; one quote is already shared
        page = squash(page_text(qa.doc.doc_id, qa.page) or "")
        for first, second in ((qa, qb), (qb, qa)):
            joined = f"{first.text} {second.text}"
            if joined in page:
                merged = replace(first, text=joined)
                for op in ops:
                    if op.quote is first or op.quote is second:
                        op.quote = merged
                break
    for op in ops:  # a quote inside a joined one is cited by the joined one
        for other in ops:
            q, wider = op.quote, other.quote
            if q is None or wider is None or q is wider or len(wider.text) <= len(q.text):
                continue
            if (
                (q.doc.doc_id, q.page) == (wider.doc.doc_id, wider.page)
                and not q.cell
                and q.text in wider.text
            ):
                op.quote = wider


GIVEN_DEPTH = 6  # the best few candidates searched for where the documents state a figure the question gives


_RATE_NAMED = re.compile(
    r"\b(?:daily|day|hourly|weekly)\s+rate\b|\brate\s+(?:a|per)\s+(?:day|hour|week)\b", re.I
)


def _of_councils(c: Candidate, councils: list[str]) -> bool:
    """Whether a passage can give a figure of the councils a question names: it names one of them
    (in its words or a table column), or its document is the paper of one of them alone. A paper of
    six councils speaks of each by name; Mendip's target is not the programme's £20m."""
    if not councils:
        return True
    g = gazetteer()
    named = (
        {g.canonical(h) for h in re.findall(r"[A-Z]{2,}", " ".join(c.table.headers))} if c.table else set()
    )
    own = set(c.doc.councils) if len(c.doc.councils) == 1 else set()
    return bool(set(councils) & (set(g.mentioned(c.text)) | named | own))


def _cite_given(
    computed: router.Computed, q: Question, ranked: list[Candidate], quote: Callable[..., Quote]
) -> None:
    """A figure the question gives ("the Pioneer report says its £20 million target ...") is cited
    where the documents state it about what the question asks, when they do."""
    key = stated.key_terms(q)
    for op in computed.operands:
        if op.quote is not None or op.amount.unit != "£":
            continue
        for c in ranked[:GIVEN_DEPTH]:
            if any(
                _same(a, op.amount) and stated.about(c.text, *span, key) for span, a in find_money(c.text)
            ):
                op.quote = quote(c)
                break


def _plays_given_roles(text: str, whole: Amount, part: Amount) -> bool:
    """Whether the whole and part found are the figures the question gives as whole and part."""
    wholes, parts = tables.given_roles(text)
    return all(_same(g, whole) for g in wholes) and all(_same(g, part) for g in parts)


def _same(a: Amount, b: Amount) -> bool:
    return math.isclose(a.value, b.value, rel_tol=1e-6)


_REMAINDER_SPLIT = re.compile(
    r"\s+(?:once|after|when|if)\s+|\s+(?:is|are)\s+taken\s+out|\s+taken\s+out|\s+(?:minus|less)\s+|,\s+", re.I
)


def _remainder_phrases(text: str) -> list[str]:
    """ "Of the pot, how much was left once SSDC's share is taken out?": the whole, then the part."""
    body = re.sub(r"^\s*(?:of|from)\s+", "", text.strip().rstrip("?"), flags=re.I)
    body = re.sub(
        r"\b(?:how\s+much|what)\s+(?:was|is|would\s+be|would)\s+(?:left|remain\w*)\b", " ", body, flags=re.I
    )
    body = re.sub(r"\bafter\s+(?:paying\s+for|taking|deducting)\s+", "", body, flags=re.I)
    parts = [p.strip(" ,.") for p in _REMAINDER_SPLIT.split(body) if len(p.strip(" ,.").split()) >= 2]
    using = re.match(r"^\s*(?:using|given|taking)\s+(.+?)\s+and\s+(.+)$", parts[0], re.I) if parts else None
    if using:
        # "Using the total cash limit and prior years' spend, what is left?": the whole, then the part.
        parts = [using.group(1), using.group(2)]
    if len(parts) >= 2 and re.match(r"^\s*after\b", text, re.I):
        parts = parts[::-1]  # "After paying for X, how much of Y would be left": Y less X
    return parts[:2]


def _council_of(header: str) -> str | None:
    g = gazetteer()
    return next((c for tok in re.findall(r"[A-Z]{2,}", header) if (c := g.canonical(tok))), None)


_YEARS = re.compile(r"(?<![\d£.,/])((?:19|20)\d{2}(?:\s*[/-]\s*\d{2,4})?|\d{2}/\d{2})(?![\d%])")


_PERCENT_TERMS = re.compile(r"\bpercentage\b|\bper\s*cent\b|%", re.I)
# Asked in money as well as a percentage: "Give it in pounds and as a percentage."
_MONEY_TERMS = re.compile(r"\bin\s+(?:pounds|cash(?:\s+terms)?|money(?:\s+terms)?|£m?)(?=\W|$)", re.I)
_COUNT_TERMS = re.compile(
    r"\bhow\s+many\b|\bnumber\s+of\b|\bpeople\b|\bstaff\b|\bposts\b|\bapprentice|\bdays\b", re.I
)


def _wanted(text: str) -> str:
    """The kind of figure a computation works on: money, unless the question counts things."""
    if find_money(text) or re.search(
        r"\b(?:cost|saving|spend|budget|£|overspend|reserve|fund|grant|price|fee|income|salar|(?:daily|day|hourly)\s+rate)",
        text,
        re.I,
    ):
        return "money"
    return "count" if _COUNT_TERMS.search(text) else "money"


def _periods(text: str) -> list[str]:
    return list(dict.fromkeys(m.group(1) for m in _YEARS.finditer(text)))


def _quoted_costing_check(
    text: str, ranked: list[Candidate], quote: Callable[..., Quote]
) -> router.Computed | None:
    """A stated cost checked against the costing the document gives with it ("£138,000 based on a
    daily rate of £750 for 4 days per week for 46 weeks")."""
    stated = find_money(text)
    if not stated:
        return None
    value = stated[0][1].value
    for c in ranked[:10]:
        if not any(a.value == value for _, a in find_money(c.text)):
            continue
        checked = router.verify_quoted_costing(c.text)
        if checked is not None:
            verdict = checked.notes[-1] if checked.notes else ""
            return router.Computed(
                checked, [], f"Recomputing it: {checked.formula}, which {verdict}.", [quote(c)]
            )
    return None


def _start_year(year: str) -> int:
    return int(year[:4]) if year[:4].isdigit() and len(year) >= 4 else 2000 + int(year[:2])


def _period_phrases(text: str) -> list[str]:
    """For a change between two periods ("between 2022/23 and 2023/24"), the same subject at each,
    the earlier first."""
    years = sorted(_periods(text), key=_start_year)
    if len(years) < 2:
        return operands.phrases(text)
    subject = _YEARS.sub(" ", text)
    subject = re.sub(
        r"\b(?:between|from|to|and|in|by\s+what\s+percentage|what\s+percentage|percentage\s+change|"
        r"taking|across|(?:the\s+)?average|per\s+(?:year|annum)|a\s+year)\b",
        " ",
        subject,
        flags=re.I,
    )
    subject = operands.subject_of(" ".join(subject.split()))
    return [f"{subject} in {y}" for y in years]


def computed_answer(computed: router.Computed, ctx: AskContext) -> Answer:
    quotes = [o.quote for o in computed.operands if o.quote is not None] + computed.extra_quotes
    citations, markers = number(quotes)
    cites = sorted(set(markers))
    lead = computed.lead + ("" if not cites else " " + "".join(f"[{m}]" for m in cites))
    verdict = computed.result.details.get("adds_up")
    if ctx.question.yes_no and isinstance(verdict, bool):
        lead = ("Yes. " if verdict else "No. ") + lead  # a check asked as yes or no is answered so
    notes = [n for n in computed.result.notes if n not in computed.lead]
    if not quotes:
        notes.append("the figures were given in the question")
    text = lead + ("" if not notes else " Note: " + "; ".join(notes) + ".")
    done: set[int] = set()
    for q_, m in zip(quotes, markers, strict=True):
        if m not in done:
            done.add(m)
            text += " " + sentence(q_, m)
    calls = [ToolCall.of(r, cites) for r in [computed.result, *computed.also]]
    return ctx.reply(text, citations, calls)


def missing_answer(missing: router.Missing, ctx: AskContext) -> Answer:
    """A computation with an operand the documents do not give is not answered: the reply says which
    operand is missing and cites nothing, since a quote of the other operands answers nothing asked
    (the contract: no answer, no citation)."""
    what = "; ".join(missing.what)
    return ctx.reply(
        f"{ABSTAIN_TEXT} To compute this I would need {what}, and the documents do not give it.",
        abstained=True,
    )
