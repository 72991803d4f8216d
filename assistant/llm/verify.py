"""Checking each sentence an LLM writes against what it cites, before the user sees it.

A sentence is kept only when
- every passage it cites was retrieved (and shown to the model),
- every figure in it is in a cited passage or the result of a tool whose inputs are cited or were
  given in the question,
- enough of its content words are in the cited sentences (or the tool's formula): `support_min`,
  measured in evals/README.md, and
- it does not deny what its sources state (a negation the cited sentences lack).

The quotes shown to the user are chosen here: for each cited passage, the sentence or table row that
best supports the claim, verbatim from the page. The model's own wording is never shown as a quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from assistant.answer.compose import Quote, citation, quote_for
from assistant.answer.injection import blank_instructions
from assistant.answer.select import Candidate, candidates
from assistant.models import Citation, ToolCall
from assistant.retrieve import Hit
from assistant.tools.base import ToolResult
from core.money import find_money, find_percent
from core.tokens import tokenize

MARKERS = re.compile(r"\s*\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")
_NUMBER = re.compile(r"(?<![\w.£])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w%])|(?<![\w.£,])\d+(?:\.\d+)?(?![\w%,])")
_FY = re.compile(r"(?<![\d/])((?:19|20)\d{2})\s?[/-]\s?(\d{2})(?![\d/%])|(?<![\d/])(\d{2})/(\d{2})(?![\d/%])")
_NEGATION = re.compile(r"\b(?:not|no|never|none|nor|neither|cannot|without)\b|n't\b", re.I)
# Words that frame a claim rather than make it: "the report states that …".
_FRAMING = frozenset(
    tokenize(
        "according document documents report reports state states stated say says said note notes noted "
        "mention mentions mentioned passage passages find found finds show shows shown indicate indicates "
        "set out describe describes described explain explains also however therefore overall "
        "together come comes came make makes made give gives gave result results amount amounts would"
    )
)
_ABSTAIN = re.compile(
    r"^\s*NOT_FOUND\b|\b(?:could not|cannot|can't|couldn't|unable to) find\b|"
    r"\bpassages? (?:do|does) not (?:say|state|contain|mention|answer)\b",
    re.I,
)


def figures(text: str) -> list[tuple[str, Decimal]]:
    """The figures a sentence states: money in pounds, percentages, financial years and numbers."""
    out: list[tuple[str, Decimal]] = []
    taken: list[tuple[int, int]] = []
    for (s, e), a in find_money(text):
        out.append(("£", Decimal(str(a.value))))
        if a.high is not None:
            out.append(("£", Decimal(str(a.high))))
        taken.append((s, e))
    for (s, e), a in find_percent(text):
        out.append(("%", Decimal(str(a.value))))
        if a.high is not None:
            out.append(("%", Decimal(str(a.high))))
        taken.append((s, e))
    for m in _FY.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            start = m.group(1) or m.group(3)
            end = m.group(2) or m.group(4)
            out.append(("fy", Decimal(int(start[-2:]) * 100 + int(end))))
            taken.append((m.start(), m.end()))
    for m in _NUMBER.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            out.append(("n", Decimal(m.group(0).replace(",", ""))))
    return out


def _matches(fig: tuple[str, Decimal], found: list[tuple[str, Decimal]], table: bool) -> bool:
    kind, value = fig
    for k, v in found:
        if k == kind and v == value:
            return True
        # A bare number in a table ("2,224" under "£000") or a sentence ("20 million") is money too.
        if kind == "£" and k == "n" and (v == value or (table and v * 1000 == value)):
            return True
        if kind == "n" and k in ("£", "%") and v == value:
            return True
    return False


def split_sentences(text: str) -> list[str]:
    """Sentences with the markers that follow their full stop ("… £20m. [1]") kept with them."""
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append(text[start : m.end()].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


_ABBREVIATION = "".join(
    rf"(?<!\b{a}\.)" for a in ("c", "ca", r"e\.g", r"i\.e", "approx", "para", "vs", "p", "pp")
)
_SENTENCE_END = re.compile(
    rf"(?<=[.!?]){_ABBREVIATION}[\"”’)]*(?:\s*\[\d{{1,3}}(?:\s*,\s*\d{{1,3}})*\])*\s+(?=[A-Z£\"“(\d])"
)


def sentence_ends(buffer: str) -> int:
    """Where the last complete sentence of a streamed buffer ends (0: none yet)."""
    last = 0
    for m in _SENTENCE_END.finditer(buffer):
        last = m.end()
    return last


def is_abstention(text: str) -> bool:
    return bool(_ABSTAIN.search(text)) and not MARKERS.search(text)


@dataclass
class Passage:
    """A retrieved chunk as the model saw it, numbered from 1."""

    n: int
    hit: Hit
    units: list[Candidate] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.units:
            self.units = candidates([self.hit])  # instruction-like sentences are already left out

    def text_for_model(self) -> str:
        """The chunk with any instruction-like sentence blanked out: documents are data."""
        return blank_instructions(self.hit.chunk.text)


@dataclass
class ToolUse:
    result: ToolResult
    quotes: list[Quote]  # where the inputs are stated
    usable: bool  # every input is cited or was given in the question
    numbers: list[tuple[str, Decimal]]
    words: frozenset[str]


@dataclass
class Verdict:
    text: str | None  # the sentence with the system's markers, or None when dropped
    reason: str = "ok"
    claim: bool = True


class Verifier:
    def __init__(self, passages: list[Passage], question: str, support_min: float = 0.6) -> None:
        self.passages = {p.n: p for p in passages}
        self.question = question
        self.question_figures = figures(question)
        self.question_words = frozenset(tokenize(question))
        self.support_min = support_min
        self.tools: list[ToolUse] = []
        self._quotes: dict[tuple[str, int, str], tuple[int, Quote]] = {}
        self._used_tools: dict[int, list[int]] = {}
        self.kept = 0
        self.dropped: list[tuple[str, str]] = []

    def add_passage(self, hit: Hit) -> int:
        """A passage a lookup tool found (a target's source); returns its number for the model."""
        for p in self.passages.values():
            if p.hit.chunk.id == hit.chunk.id:
                return p.n
        n = max(self.passages, default=0) + 1
        self.passages[n] = Passage(n, hit)
        return n

    # -- tools ------------------------------------------------------------------------------------

    def add_tool(self, result: ToolResult) -> ToolUse:
        """Record a tool the model called, with quotes for the inputs the passages state."""
        quotes: list[Quote] = []
        usable = True
        for value in _input_values(result.inputs):
            # A figure the question gives is the question's; others must be stated in a passage.
            if isinstance(value, str):
                if value.lower() in self.question.lower():
                    continue
                unit = self._unit_with_text(value)
            else:
                fig = ("n", Decimal(str(value)))
                if _matches(fig, self.question_figures, False):
                    continue
                unit = self._unit_with_figure(fig)
            if unit is None:
                usable = False
            else:
                quotes.append(quote_for(unit))
        numbers = figures(result.formula)
        for out in _output_values(result.output):
            numbers.append((result.unit or "n", Decimal(str(out))))
        words = frozenset(tokenize(f"{result.name.replace('.', ' ').replace('_', ' ')} {result.formula}"))
        use = ToolUse(result, quotes, usable, numbers, words)
        self.tools.append(use)
        return use

    def _unit_with_figure(self, fig: tuple[str, Decimal]) -> Candidate | None:
        for p in self.passages.values():
            for u in p.units:
                if _matches(fig, figures(u.text), _is_table(u)):
                    return u
        return None

    def _unit_with_text(self, text: str) -> Candidate | None:
        needle = re.sub(r"\s+", "", text).lower()
        for p in self.passages.values():
            for u in p.units:
                if needle and needle in re.sub(r"\s+", "", u.text).lower():
                    return u
        return None

    # -- sentences --------------------------------------------------------------------------------

    def check(self, raw: str) -> Verdict:
        cited = [int(n) for group in MARKERS.findall(raw) for n in re.split(r"\s*,\s*", group)]
        body = MARKERS.sub("", raw).strip()
        end = body[-1] if body and body[-1] in ".!?" else "."
        body = body.rstrip(".!? ").strip()
        claim_words = {t for t in tokenize(body) if not t[0].isdigit()} - _FRAMING
        claim_figures = figures(body)
        if not claim_words and not claim_figures:
            return Verdict(body + end if body else None, "no claim", claim=False)
        if any(n not in self.passages for n in cited):
            return self._drop(raw, "cites a passage that was not retrieved")
        tools = [i for i, t in enumerate(self.tools) if t.usable]
        if not cited and not (claim_figures and tools):
            return self._drop(raw, "no citation")

        # The cited sentences that best support the claim, one per cited passage.
        picked: list[Candidate] = []
        for n in dict.fromkeys(cited):
            units = self.passages[n].units
            if not units:
                continue
            picked.append(max(units, key=lambda u: _fit(u, claim_words, claim_figures)))
        used_tools: set[int] = set()
        for fig in claim_figures:
            if any(_matches(fig, figures(u.text), _is_table(u)) for u in picked):
                continue
            more = next(
                (
                    u
                    for n in dict.fromkeys(cited)
                    for u in self.passages[n].units
                    if _matches(fig, figures(u.text), _is_table(u))
                ),
                None,
            )
            if more is not None:
                picked.append(more)
                continue
            tool = next((i for i in tools if _matches(fig, self.tools[i].numbers, False)), None)
            if tool is None:
                return self._drop(raw, f"states a figure no cited passage or tool gives ({_show(fig)})")
            used_tools.add(tool)
        if not cited and not used_tools:
            return self._drop(raw, "no citation")

        support: set[str] = set()
        for u in picked:
            support |= u.tokens | u.strong | u.weak
        for i in used_tools:
            support |= self.tools[i].words | self.question_words
            for q in self.tools[i].quotes:
                support |= set(tokenize(q.text))
        if claim_words:
            covered = len(claim_words & support) / len(claim_words)
            if covered < self.support_min:
                return self._drop(raw, f"the cited text does not support it ({covered:.0%} of its words)")
        if _NEGATION.search(body) and picked and not any(_NEGATION.search(u.text) for u in picked):
            return self._drop(raw, "denies what its sources state")

        markers = [self._marker(quote_for(u)) for u in picked]
        for i in used_tools:
            operand_markers = [self._marker(q) for q in self.tools[i].quotes]
            self._used_tools[i] = sorted(set(self._used_tools.get(i, [])) | set(operand_markers))
            markers += operand_markers
        self.kept += 1
        tags = "".join(f"[{m}]" for m in dict.fromkeys(markers))
        return Verdict(f"{body} {tags}{end}" if tags else f"{body}{end}")

    def _drop(self, raw: str, reason: str) -> Verdict:
        self.dropped.append((raw, reason))
        return Verdict(None, reason)

    def _marker(self, q: Quote) -> int:
        key = (q.doc.doc_id, q.page, q.text)
        if key not in self._quotes:
            self._quotes[key] = (len(self._quotes) + 1, q)
        return self._quotes[key][0]

    # -- results ----------------------------------------------------------------------------------

    def citations(self) -> list[Citation]:
        return [citation(q, m) for m, q in sorted(self._quotes.values(), key=lambda mq: mq[0])]

    def tool_calls(self) -> list[ToolCall]:
        """The tools whose results the kept sentences state, with their operands' citations."""
        out = []
        for i, markers in sorted(self._used_tools.items()):
            given = [] if self.tools[i].quotes else ["the figures were given in the question"]
            out.append(ToolCall.of(self.tools[i].result, markers, given))
        return out


def _fit(u: Candidate, words: set[str], figs: list[tuple[str, Decimal]]) -> float:
    have = u.tokens | u.strong
    found = figures(u.text) if figs else []
    return len(words & have) + 2 * sum(_matches(f, found, _is_table(u)) for f in figs) + 0.001 * len(u.tokens)


def _is_table(u: Candidate) -> bool:
    return u.unit.is_table


def _input_values(inputs: dict) -> list[float | str]:
    out: list[float | str] = []
    for key, value in inputs.items():
        if key in ("unit", "period", "working_days", "on_cost_rate"):
            continue  # settings of the formula, not figures from a document
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float) or (isinstance(value, str) and value.strip()):
            out.append(value)
        elif isinstance(value, list):
            out += [v for v in value if isinstance(v, int | float) and not isinstance(v, bool)]
    return out


def _output_values(output: object) -> list[float]:
    if isinstance(output, bool):
        return []
    if isinstance(output, int | float | Decimal):
        return [float(output)]
    if isinstance(output, dict):
        return [v for v in output.values() if isinstance(v, int | float) and not isinstance(v, bool)]
    return []


def _show(fig: tuple[str, Decimal]) -> str:
    kind, value = fig
    return f"£{value:,}" if kind == "£" else f"{value}%" if kind == "%" else str(value)
