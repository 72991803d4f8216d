"""Route questions that need a computation to a tool, with every operand found and cited.

Kinds of computation, recognised from the question's wording:
- costing with the figures given in the question ("4 days a week at £750 a day for 46 weeks");
- a sum of table figures ("add Sedgemoor's NI 179 and NI 179a targets", "the combined NI 179
  target of the district councils"): rows by their label, columns by council;
- a gap between a target-like and an actual-like figure ("how far short of its savings need",
  "by how much ... beat its target"), each found in the retrieved evidence by the words around it;
- a totals check of a stated total ("does the £15.6m shortfall add up?") against the figures
  stated with it, or of every total in a named table.
When an operand cannot be found the router says which one, and nothing is computed.
Costing formulas quoted in evidence ("60 days at £2000 per day") are recomputed and checked too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from assistant.answer.compose import Quote
from assistant.answer.select import Candidate, unit_spans
from assistant.tools import arithmetic, costing
from assistant.tools.base import ToolResult
from core.councils import gazetteer
from core.errors import ToolInputError
from core.money import Amount, find_money, find_percent, format_money, parse_number
from core.records import TableRow
from core.text import squash

_NUM = r"(\d+(?:\.\d+)?)"
_MONEY_NUM = r"£\s?(\d[\d,]*(?:\.\d+)?)"
DAY_RATE_Q = re.compile(
    rf"{_NUM}\s+days?\s+(?:a|per|each)\s+week\b.*?{_MONEY_NUM}\s+(?:a|per)\s+day.*?{_NUM}\s+weeks"
    rf"|{_MONEY_NUM}\s+(?:a|per)\s+day.*?{_NUM}\s+days?\s+(?:a|per|each)\s+week.*?{_NUM}\s+weeks",
    re.I,
)
CONTRACT_Q = re.compile(
    rf"{_NUM}\s+days?\s+at\s+{_MONEY_NUM}\s+(?:a|per)\s+day|{_MONEY_NUM}\s+(?:a|per)\s+day\s+for\s+{_NUM}\s+days",
    re.I,
)
STAFF_Q = re.compile(rf"salary\s+of\s+{_MONEY_NUM}.*?{_NUM}\s+days?\s+(?:a|per|each)\s+(month|year)", re.I)
# Intents, recognised from the question's wording. General arithmetic vocabulary, not phrasings of
# particular questions.
SUM_Q = re.compile(
    r"\b(?:add(?:ed|ing)?\b.*\btogether|between\s+them\b|taken\s+together\b|add(?:s|ed)?\s+up\s+to|sum\s+of|combined|altogether|in\s+total\s+(?:for|across)|"
    r"total\b(?:\s+\S+){0,4}\s+(?:of|for|across)\s+(?:the\s+|all\s+)?(?:\w+\s+)?(?:\w+s)\b|what\s+do(?:es)?\s+(?:they|it|that|these|those)(?:\s+\w+){0,2}?\s+(?:come|add)\b|"
    # "A + B" adds; "the annual cost + how they worked it out" joins two questions.
    r"plus\b|(?:what(?:'s|\s+is)\s+the\s+)?total\b.*\b(?:and|\+)\b)|(?<=\w)\s*\+\s*(?!(?:how|what|why|when|who|which|where)\b)(?=\w)",
    re.I,
)
# A check needs a stated figure to check: "does the £15.6m shortfall add up?", "is the £17m right?"
CHECK_Q = re.compile(
    r"\badd(?:s)?\s+up\b|\btall(?:y|ies)\b|\barithmetic(?:al|ally)?\b|\b(?:correct|right|accurate|consistent)\b|"
    r"\bmatch(?:es)?\b|\bcheck\b|\bsum\s+(?:up|correctly)\b",
    re.I,
)
SHORT_Q = re.compile(
    r"\bhow\s+far\s+short\b|\bfalls?\s+short\b|\bshort\s+of\b|\bshortfall\s+(?:against|of|from|would|will|does|did|is|was|remain)|"
    r"\b(?:how\s+big|what|how\s+much)\b.*\b(?:shortfall|gap)\b.*\b(?:leave|remain|left)\b|\bhow\s+far\s+(?:below|under|off)\b|"
    r"\bleave\b.*\bshort\b|\bshort\s+would\b|\bgap\b.*\bremain",
    re.I,
)
EXCESS_Q = re.compile(
    r"\b(?:by\s+how\s+much|how\s+far|how\s+much|margin|amount\s+by\s+which|by\s+what)\b.*\b(?:beat|exceed|overshoot|surpass|outperform|over-?achieve|ahead)|"
    r"\b(?:beat|exceed|overshoot|surpass)\w*\b.*\bby\s+(?:how\s+much|what)|\bhow\s+far\s+(?:above|over|ahead)\b|"
    r"\bhow\s+much\s+(?:over|above|ahead)\s*\??\s*$",
    re.I,
)
DIFF_Q = re.compile(
    r"\bdifference\s+(?:between|is\s+there)\b|\bhow\s+much\s+(?:more|less|higher|lower|bigger|larger|smaller|greater)\b|\bgap\s+between\b",
    re.I,
)
_YES_NO = re.compile(
    r"^\s*(?:quick\s+check\W+)?(?:(?:and|so|but|then|ok|okay|also),?\s+)?(?:does|do|did|is|are|was|were|would|will)\b",
    re.I,
)
SHARE_Q = re.compile(
    r"\b(?:what|which)\s+(?:share|proportion|percentage|fraction|%)\s*(?:of|falls?\s+on|accounted\s+for|make\s+up)\b|"
    r"\b(?:what|which)\s+(?:share|proportion|percentage|fraction)\b.*\b(?:of|falls?\s+on|accounted\s+for|make\s+up)\b|"
    r"\bas\s+a\s+(?:percentage|proportion|share)\s+of\b",
    re.I,
)
CHANGE_Q = re.compile(
    r"\b(?:percentage|per\s*cent|%)\s+(?:change|increase|decrease|rise|fall|reduction|drop|growth|cut)\b|"
    r"\bby\s+(?:roughly\s+|about\s+|approximately\s+|around\s+)?what\s+(?:percentage|per\s*cent|%|proportion)\b|\bhow\s+much\s+(?:did|has|had)\b.*\b(?:percentage|per\s*cent)\b|"
    r"\bwhat\s+(?:percentage|per\s*cent|%)\s+(?:growth|increase|rise|fall|drop|decrease|reduction|change)\b|"
    r"\b(?:percentage|per\s*cent|%)\s+(?:growth|increase|rise|fall|drop|decrease|reduction)\s+(?:is|was|would)\b",
    re.I,
)
_BY_WHAT_PERCENT = re.compile(
    r"\bby\s+(?:roughly\s+|about\s+|approximately\s+|around\s+)?what\s+(?:percentage|per\s*cent|%)\b", re.I
)
_CODE = re.compile(r"\b(NI|BV|KPI)\s*(\d+[a-z]?)\b", re.I)
_TABLE = re.compile(r"\btable\s+(\d+)\b", re.I)

TARGET_CUES = re.compile(
    r"\b(?:target|need|needed|needs|required|requires?|requirement|plan(?:ned)?\s+to|business\s+case|budget|commit\w*|aim\w*|set\s+out)\b",
    re.I,
)
ACTUAL_CUES = re.compile(
    r"\b(?:projected|forecast|achieved|actual|would|could|from\s+a|exceed\w*|saving|savings\s+for|delivered|outturn|spent|spend)\b",
    re.I,
)
_POT = re.compile(
    r"\bout\s+of\s+(?:a|the)?\s*(?:shared\s+|total\s+|combined\s+)?(?:pot|total|sum)\s+of\s*$", re.I
)
TOTAL_CUES = re.compile(
    r"\b(?:giving|totalling|totaling|in\s+total|a\s+total\s+of|cumulative|amounts?\s+to|add(?:s|ing)?\s+up\s+to|overall)\b",
    re.I,
)
_CONTRACT_TEXT = re.compile(rf"{_NUM}\s+days\s+at\s+{_MONEY_NUM}\s+(?:per|a)\s+day", re.I)
_DAY_RATE_TEXT = re.compile(
    rf"{_MONEY_NUM}\s+for\s+{_NUM}\s+days?\s+(?:per|a)\s+week\s+for\s+{_NUM}\s+weeks", re.I
)


@dataclass
class Operand:
    label: str
    amount: Amount
    quote: Quote | None  # None when it came from the question itself


@dataclass
class Computed:
    """A tool result, the operands it used, and what to say about it."""

    result: ToolResult
    operands: list[Operand]
    lead: str  # the sentence that states the result
    extra_quotes: list[Quote] = field(default_factory=list)
    also: list[ToolResult] = field(default_factory=list)  # a second figure asked of the same operands


@dataclass
class Missing:
    what: list[str]
    found: list[Operand] = field(default_factory=list)


def _n(x: str) -> float:
    return float(x.replace(",", ""))


# -- costing given in the question ----------------------------------------------------------------


def stating_same_inputs(result: ToolResult, ranked: list[Candidate]) -> Candidate | None:
    """Evidence that states every input of a costing ("daily rate of £750 for 4 days per week for 46 weeks")."""
    figures = [f"{v:,}" if isinstance(v, int) and v >= 1000 else str(v) for v in result.inputs.values()]
    for c in ranked[:10]:
        text = c.text.replace(",", "")
        if all(re.search(rf"(?<![\d.]){re.escape(f.replace(',', ''))}(?![\d])", text) for f in figures):
            return c
    return None


_STATED_NUMBER = re.compile(r"(?<![\w.,/])(?:\d{1,3}(?:,\d{3})+|\d+\.\d+|\d{3,})(?![\d/%])")
_SUM_VERB = re.compile(
    r"^\s*(?:please\s+)?(?:sum|add|total|tot|counting\s+(?:both|up|together))\b|\btott?ing\s+up\b|\btot\s+up\b|\bsum\s+(?:up\s+)?the\b|"
    # "Adding A to B, what is ...?"
    r"^\s*add(?:ing|ed)?\s+(?!up\b)[^?]*?\bto\b|"
    # "What do we get if we add A to B?" asks for a figure; "What happens if we add a layer to the
    # structure?" does not.
    r"\bif\s+(?:you|we|i)\s+add\s+(?!up\b)[^?]*?\bto\b(?=.*\b(?:total|get|come\s+to|make|sum|altogether|combined)\b)|"
    r"\b(?:what\s+(?:do|does|would)\s+(?:you|we|i|it|that)\s+(?:get|come\s+to|make)|what(?:'s|\s+is)\s+the\s+total)\b[^?]*\bif\s+(?:you|we|i)\s+add\b",
    re.I,
)
# A check of a total the question names by words, not by figure: "Do the PWLB and bank loans add
# up to the total?", "do the real and rephasing variances net to the underspend reported?"
ADD_UP_Q = re.compile(r"\badd(?:s)?\s+up\b|\bnet\s+(?:off\s+)?to\b|\bsums?\s+to\b", re.I)
# "Check the forecast - do the variances net to the underspend?": a yes/no clause after a dash,
# colon or semicolon. ("What do the targets add up to?" asks for a sum, not a check.)
_YES_NO_CLAUSE = re.compile(r"[-–—:;]\s*(?:does|do|did|is|are|was|were)\b", re.I)
_CHECK_SUM = re.compile(r"\bsums?\s+to\b|\badd(?:s)?\s+up\s+to\s+(?:that|it|this)\b|\breally\s+add", re.I)
_REMAINDER = re.compile(
    r"\b(?:left|remain(?:s|ing|ed)?|leftover)\b.*\b(?:once|after|when|if|taken\s+out|deduct|minus|less)\b|\bafter\s+(?:paying|taking|deducting)\b.*\b(?:left|remain)|"
    r"^\s*(?:using|given|taking)\b[^?]*\band\b[^?]*,\s*what\s+(?:is|was|would\s+be)\s+(?:left|remaining)\b",
    re.I,
)


LABELLED_NUMBER = re.compile(
    r"\b(?:NI|BV|KPI|table|option|recommendation|outcome|paragraph|para|section|page|item|appendix)\s*$", re.I
)


def _states_a_figure(text: str) -> bool:
    """Whether the question itself states a figure to check: money, a percentage, or a number that
    is neither a year nor a label's number ("NI 179", "Table 5")."""
    if find_money(text) or find_percent(text):
        return True
    for m in _STATED_NUMBER.finditer(text):
        if re.fullmatch(r"(?:19|20)\d{2}", m.group(0)) or LABELLED_NUMBER.search(text[: m.start()]):
            continue
        return True
    return False


def kind_of(text: str) -> str | None:
    """Which computation a question asks for, if any."""
    if costing_question(text):
        return "costing"
    if _states_a_figure(text) and (CHECK_Q.search(text) or _CHECK_SUM.search(text)):
        return "check"
    if find_money(text) and re.search(r"\bcome\s+to\b", text, re.I) and _YES_NO.match(text):
        return "check"
    if ADD_UP_Q.search(text) and (_YES_NO.match(text) or _YES_NO_CLAUSE.search(text)):
        return "check"  # a total named by words: the documents' own total is checked
    if _TABLE.search(text) and CHECK_Q.search(text) and _YES_NO.match(text):
        return "check"  # "Is the total for Shared Services in Table 4 correct?"
    if (short := SHORT_Q.search(text)) and (share := SHARE_Q.search(text)) and short.start() < share.start():
        # "How far short is it, and what percentage of the target is delivered?": the first
        # computation asked leads (the shortfall's answer gives the percentage too).
        return "shortfall"
    if _BY_WHAT_PERCENT.search(text) and not (SHORT_Q.search(text) or EXCESS_Q.search(text)):
        return "change"  # "By what percentage did the number of apprentices grow?": not a share of it
    if SHARE_Q.search(text):
        return "share"
    if CHANGE_Q.search(text):
        return "change"
    if _REMAINDER.search(text):
        return "remainder"
    if SHORT_Q.search(text):
        return "shortfall"
    if EXCESS_Q.search(text):
        return "excess"
    if DIFF_Q.search(text):
        return "difference"
    if SUM_Q.search(text) or _SUM_VERB.search(text):
        return "sum"
    return None


def costing_question(text: str) -> bool:
    return bool(DAY_RATE_Q.search(text) or CONTRACT_Q.search(text) or STAFF_Q.search(text))


# -- sums of table figures ------------------------------------------------------------------------


def _code_pattern(code: tuple[str, str]) -> re.Pattern[str]:
    """A row label that carries the code ("SP 1", "SP1"), compiled once per code, not per row."""
    return re.compile(rf"\b{code[0]}\s*{re.escape(code[1])}(?![a-z0-9])", re.I)


def _columns_for(row: TableRow, councils: list[str]) -> list[str]:
    g = gazetteer()
    out = []
    for header in row.cells:
        if re.search(r"\btotal\b", header, re.I):
            continue
        named = {g.canonical(tok) for tok in re.findall(r"[A-Z]{2,}", header)} - {None}
        if named & set(councils):
            out.append(header)
    return out


def names_codes(text: str) -> bool:
    """Whether a question names table rows by code ("SP1"), which `sum_of_table_figures` needs."""
    return _CODE.search(text) is not None


def sum_of_table_figures(text: str, rows: list[TableRow], councils: list[str]) -> Computed | Missing | None:
    codes = [(m.group(1).upper(), m.group(2).lower()) for m in _CODE.finditer(text)]
    if not codes or not rows:
        return None
    g = gazetteer()
    group = g.group(text)
    wanted = councils or (list(group[1]) if group else [])
    chosen: list[tuple[TableRow, str]] = []
    missing: list[str] = []
    for code in dict.fromkeys(codes):
        pattern = _code_pattern(code)
        matches = [r for r in rows if pattern.search(r.label)]
        if not matches:
            missing.append(f"a table row for {code[0]} {code[1]}")
            continue
        row = matches[0]
        cols = (
            _columns_for(row, wanted)
            if wanted
            else [h for h in row.cells if not re.search(r"\btotal\b", h, re.I)]
        )
        if not cols:
            missing.append(f"a column for {', '.join(wanted) or 'the councils named'} in “{row.label}”")
            continue
        chosen += [(row, c) for c in cols]
    if missing:
        return Missing(missing)
    operands = []
    for row, col in chosen:
        value = parse_number(row.cells[col])
        if value is None:
            return Missing([f"a figure in “{row.label}” under “{col}”"])
        unit, scale = row.units[col]
        operands.append(
            Operand(f"{row.label} · {col}", Amount(value, "", text=row.cells[col]), row_quote(row))
        )
    result = arithmetic.total([o.amount for o in operands])
    unit, scale = chosen[0][0].units[chosen[0][1]]
    in_pounds = (
        f" (figures in {unit}, so {format_money(result.output * scale, style='exact')})"
        if unit and scale != 1
        else ""
    )
    if unit and scale != 1:
        result.notes.append(
            f"the table's figures are in {unit}: {result.output:,} × {scale:,.0f} = {format_money(result.output * scale, style='exact')}"
        )
    parts = ", ".join(f"{o.amount.text} ({o.label})" for o in operands)
    lead = f"Adding {parts}: {result.formula}{in_pounds}."
    stated = _stated_total(rows, chosen, result.output)
    if stated:
        lead += f" This matches the table's own {stated}."
    return Computed(result, operands, lead)


def _stated_total(rows: list[TableRow], chosen: list[tuple[TableRow, str]], value: float) -> str | None:
    """A total the table itself prints for the same figures, if the sum equals it."""
    first = chosen[0][0]
    cols = {c for _, c in chosen}
    labels = {r.label for r, _ in chosen}
    for row in rows:
        if row.table_id != first.table_id or row.doc.doc_id != first.doc.doc_id:
            continue
        if len(cols) == 1 and re.match(r"\s*total\b", row.label, re.I) and row.label not in labels:
            cell = row.cells.get(next(iter(cols)))
            if cell and parse_number(cell) == value:
                return f"“{row.label}” figure for {next(iter(cols))}, {cell}"
    if len(labels) == 1:
        for header, cell in first.cells.items():
            if re.search(r"\btotal\b", header, re.I) and parse_number(cell) == value:
                return f"{header} figure, {cell}"
    return None


def row_quote(row: TableRow) -> Quote:
    return Quote(
        doc=row.doc,
        page=row.page,
        section=row.section,
        text=row.quote,
        row_label=row.label,
        table_title=row.title,
    )


# -- two figures: a gap ---------------------------------------------------------------------------


def _role(text: str, start: int, end: int) -> str | None:
    """Whether the figure at text[start:end] reads as a target or as an actual, by the words before it."""
    before = text[max(0, start - 90) : start]
    if _POT.search(before):
        return "pot"
    t = list(TARGET_CUES.finditer(before))
    a = list(ACTUAL_CUES.finditer(before))
    if not t and not a:
        sentence = text
        t, a = list(TARGET_CUES.finditer(sentence)), list(ACTUAL_CUES.finditer(sentence))
        if t and not a:
            return "target"
        if a and not t:
            return "actual"
        return None
    last_t = t[-1].end() if t else -1
    last_a = a[-1].end() if a else -1
    return "target" if last_t > last_a else "actual"


def figure_roles(text: str) -> list[str | None]:
    """How each money figure of a passage reads: "target", "actual", "pot" or None."""
    return [_role(text, start, end) for (start, end), _ in find_money(text)]


def _money_in(c: Candidate) -> list[tuple[Amount, str | None, list[str], tuple[int, int]]]:
    text = c.text
    found = find_money(text)
    out = []
    for (start, end), amount in found:
        role = _role(text, start, end)
        notes = []
        if role == "pot":
            continue
        pots = [a for (s, _), a in found if _role(text, s, s + 1) == "pot"]
        if pots:
            notes.append(
                f"{amount.text} is the figure itself; {', '.join(p.text for p in pots)} is the shared pot it is part of, not used"
            )
        out.append((amount, role, notes, (start, end)))
    return out


GAP_DEPTH = 12  # the best candidates searched for a target and the figure set against it


def gap(
    kind: str,
    ranked: list[Candidate],
    quote: Callable[..., Quote],
    in_percent: bool = False,
    in_money: bool = False,
    on_subject: Callable[[Candidate], bool] = lambda c: True,
) -> Computed | Missing:
    """The best target-like and actual-like figures among the ranked evidence about the question's
    subject (`on_subject`), and their gap (as a
    share of the target when the question asks in percentage terms)."""
    # The target and the figure compared with it come from one document, a paper that compares them,
    # and one of the two passages is about the question's subject (`on_subject`): Mendip's target and
    # the unitary council's savings are not a gap of anything, nor is the programme's £20m Mendip's.
    seen: list[tuple[str, Candidate, Amount, list[str]]] = []
    for c in ranked[:GAP_DEPTH]:
        for amount, role, notes, _span in _money_in(c):
            if role in ("target", "actual"):
                seen.append((role, c, amount, notes))
    target: tuple[Candidate, Amount, list[str]] | None = None
    actual: tuple[Candidate, Amount, list[str]] | None = None
    for i, (role, c, amount, notes) in enumerate(seen):
        other = "actual" if role == "target" else "target"
        pair = next(
            (
                (c2, a2, n2)
                for r2, c2, a2, n2 in seen[i + 1 :]
                if r2 == other
                and c2.doc.doc_id == c.doc.doc_id
                and (a2.text != amount.text or c2.key != c.key)
                and (on_subject(c) or on_subject(c2))
            ),
            None,
        )
        if pair is not None:
            target, actual = ((c, amount, notes), pair) if role == "target" else (pair, (c, amount, notes))
            break
        if target is None and role == "target":
            target = (c, amount, notes)  # named as found, when no figure is found to compare with it
    else:
        actual = None  # no pair from one paper about the subject: nothing is computed
    missing = []
    if target is None:
        missing.append("the target (the figure planned, needed or required)")
    if actual is None:
        missing.append("the figure to compare with it (the amount achieved, projected or saved)")
    if missing:
        found = [Operand(lbl, x[1], quote(x[0])) for lbl, x in (("target", target), ("actual", actual)) if x]
        return Missing(missing, found)
    assert target and actual
    t_op = Operand("target", target[1], quote(target[0]))
    a_op = Operand("actual", actual[1], quote(actual[0]))
    percent = arithmetic.percentage_change(t_op.amount, a_op.amount) if in_percent else None
    if percent is not None and not in_money:
        lead = f"{a_op.amount.text} against {t_op.amount.text}: {percent.formula}."
        percent.notes = [*target[2], *actual[2], *percent.notes]
        return Computed(percent, [t_op, a_op], lead)
    if kind == "excess":
        result = arithmetic.excess(t_op.amount, a_op.amount)
        lead = f"{a_op.amount.text} against a target of {t_op.amount.text}: {result.formula}."
    elif kind == "difference":
        result = arithmetic.difference(a_op.amount, t_op.amount)
        lead = f"The difference is {result.formula}."
    else:
        result = arithmetic.shortfall(t_op.amount, a_op.amount)
        lead = (
            f"{a_op.amount.text} against a need of {t_op.amount.text} leaves a shortfall of {result.formula}."
        )
    result.notes = [*target[2], *actual[2], *result.notes]
    if percent is not None:
        # Asked in pounds and as a percentage: both, each from its tool.
        return Computed(
            result, [t_op, a_op], f"{lead[:-1]}; as a percentage, {percent.formula}.", also=[percent]
        )
    return Computed(result, [t_op, a_op], lead)


# -- totals checks --------------------------------------------------------------------------------


def check_stated_total(text: str, ranked: list[Candidate], quote) -> Computed | Missing | None:
    """Find the stated total the question names ("£15.6m") and the figures stated with it; a
    question that names the total by words ("do they net to the underspend reported?") checks the
    total the evidence states (`check_document_total`)."""
    asked = find_money(text)
    if not asked:
        return check_document_total(ranked, quote) if ADD_UP_Q.search(text) else None
    stated_amount = asked[0][1]
    for c in ranked[:10]:
        found = find_money(c.text)
        hit = next(((span, a) for span, a in found if a.value == stated_amount.value), None)
        if hit is None:
            continue
        _, stated = hit
        # The parts may be stated with the total, before it ("... giving a cumulative shortfall of
        # £15.6m") or after it ("a £17m turnaround position ... overspend £14.5m ... £2.9m savings").
        parts = [a for _, a in found if a.unit == stated.unit and a.value != stated.value]
        part_quotes = [q for q in quotes_by_page(c, quote)]
        if len(parts) < 2:
            parts, part_quotes = [], []
            for other in _preceding(c, ranked):
                got = [a for _, a in find_money(other.text) if a.value != stated.value]
                if got:
                    parts = got + parts
                    part_quotes.insert(0, quote(other))
                if len(parts) >= 2:
                    break
            part_quotes.append(quote(c))
        if len(parts) < 2:
            return Missing(
                ["the figures that make up " + stated.text], [Operand("stated total", stated, quote(c))]
            )
        result = arithmetic.totals_check(parts, stated)
        operands = [Operand(p.text, p, None) for p in parts] + [Operand("stated total", stated, None)]
        verdict = result.notes[0]
        lead = f"{stated.text} {verdict}: {result.formula}."
        return Computed(result, operands, lead, extra_quotes=part_quotes)
    return Missing([f"the stated total {stated_amount.text}"])


# A figure the document gives as the total of others: "Totals £426,429.60", "so a net underspend
# of £111.6m", "in all £2.1m".
_TOTAL_WORD = re.compile(
    r"\b(?:totals?|net|overall|altogether|in\s+all|combined|so\s+an?)\b[^£\d]{0,40}$", re.I
)
# How far back in its chunk a total's parts may be stated (the rows or sentences above it).
TOTAL_PARTS_LOOKBACK = 4


def _signed(text: str, span: tuple[int, int], amount: Amount) -> Amount:
    """The figure with the sign the page prints before it: "-£124.5m", "(£124.5m)" are negative."""
    before = text[max(0, span[0] - 2) : span[0]]
    if re.search(r"[-−–(]\s*$", before):
        return replace(amount, value=-amount.value, high=None if amount.high is None else -amount.high)
    return amount


def check_document_total(ranked: list[Candidate], quote) -> Computed | None:
    """The best evidence that states a total beside parts that make it up, recomputed.

    The parts are the figures of the total's sentence or row before it, then, one at a time, those
    of the rows and sentences just above it. Only a total its parts do make up is reported: which
    figures a total sums is read from the arithmetic, so a set that does not add up is more likely
    the wrong set than a wrong total, and saying "does not add up" of it would misreport the paper.
    A net total ("an overspend of £12.9m and a rephasing variance of -£124.5m, so a net underspend
    of £111.6m") takes its sign from its words.
    """
    for c in ranked[:10]:
        found = [(span, _signed(c.text, span, a)) for span, a in find_money(c.text)]
        for i, (span, stated) in enumerate(found):
            if not stated.value or not _TOTAL_WORD.search(c.text[: span[0]]):
                continue  # a total of nothing ("TOTAL £ 000", a column's unit) totals nothing
            parts = [a for _, a in found[:i] if a.unit == stated.unit and a.value]
            part_quotes: list[Quote] = []
            above = _preceding(c, ranked)[:TOTAL_PARTS_LOOKBACK]
            for step in range(len(above) + 1):
                if step:
                    got = [a for _, a in find_money(above[step - 1].text) if a.unit == stated.unit]
                    if not got:
                        continue
                    parts = got + parts
                    part_quotes.insert(0, quote(above[step - 1]))
                if len(parts) < 2:
                    continue
                net = sum(p.value for p in parts)
                signed = replace(stated, value=-stated.value) if net < 0 < stated.value else stated
                result = arithmetic.totals_check(parts, signed)
                if not result.details["adds_up"]:
                    continue
                operands = [Operand(p.text, p, None) for p in parts] + [Operand("stated total", signed, None)]
                lead = f"{stated.text} {result.notes[0]}: {result.formula}."
                return Computed(
                    result, operands, lead, extra_quotes=[*part_quotes, *quotes_by_page(c, quote)]
                )
    return None


def quotes_by_page(c: Candidate, quote) -> list[Quote]:
    """One quote per page for a sentence that runs across a page break (a quote lies on one page)."""
    pages = [sp.page for sp in unit_spans(c)]
    if len(pages) < 2:
        return [quote(c)]
    return [quote(c, page=p) for p in pages]


def _preceding(c: Candidate, ranked: list[Candidate]) -> list[Candidate]:
    """Sentences of the same chunk just before `c`, nearest first, as candidates."""
    out = []
    for other in ranked:
        if (
            other.chunk.id == c.chunk.id
            and other.count == 1
            and other.end <= c.start
            and c.start - other.end < 600
        ):
            out.append(other)
    return sorted(out, key=lambda o: -o.start)[:3]


def check_table(text: str, rows: list[TableRow]) -> Computed | Missing | None:
    m = _TABLE.search(text)
    if not m:
        return None
    table_id = f"table-{m.group(1)}"
    these = [r for r in rows if r.table_id == table_id]
    if not these:
        return Missing([f"Table {m.group(1)}"])
    result = arithmetic.table_totals_check([arithmetic.LabelledRow(r.label, r.cells) for r in these])
    quotes = [row_quote(r) for r in these if re.match(r"\s*total\b", r.label, re.I)] or [row_quote(these[-1])]
    return Computed(
        result, [], f"Checking every total in Table {m.group(1)}: {result.formula}.", extra_quotes=quotes
    )


# -- costing formulas quoted in evidence ----------------------------------------------------------


def verify_quoted_costing(quote_text: str) -> ToolResult | None:
    """Recompute a costing stated in a quote ("£120,000 based on ... 60 days at £2000 per day")."""
    text = squash(quote_text)
    if m := _DAY_RATE_TEXT.search(text):
        rate, days, weeks = m.groups()
        result = costing.day_rate_cost(_n(rate), _n(days), _n(weeks))
    elif m := _CONTRACT_TEXT.search(text):
        days, rate = m.groups()
        result = costing.contract_cost(_n(days), _n(rate))
    else:
        return None
    stated = next((a for _, a in find_money(text[: m.start()]) if a.value >= result.output * 0.5), None)
    if stated is not None:
        same = abs(stated.value - float(result.output)) < 0.5
        result.details["adds_up"] = same
        result.notes.append(
            f"matches the stated {stated.text}"
            if same
            else f"the quote states {stated.text}; the formula gives {format_money(result.output, style='exact')}"
        )
    return result


def tolerant(fn, *args):
    """A tool refusing its input is reported, not raised: the question may have had a typo."""
    try:
        return fn(*args)
    except ToolInputError as exc:
        return Missing([f"valid inputs ({exc.message})"])
