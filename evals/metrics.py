"""Per-question scores and suite figures with bootstrap confidence intervals.

Definitions (ALCE, Gao et al. 2023, made deterministic with evidence spans instead of an NLI judge):
- facts: an answerable question passes when its answer states every required fact (one variant of
  each inner list of `answer_any`); the figure is the share of answerable questions that pass.
- citation precision: citations whose quote covers a gold evidence span of their question, over all
  citations the assistant emitted (a citation on an unanswerable question covers nothing; those of
  an answerable question without evidence are left out, as there is nothing to judge them by).
- citation recall: answerable questions whose gold evidence is cited: one span suffices, every span
  where `need_all` is set.
- verified: citations whose quote is found on the cited page when the PDF is re-read (evals.verify),
  over all citations.
- abstention: questions where the assistant abstained exactly when it should have.
- tool accuracy: `tool` questions whose answer carries a tools entry with an output equal to a
  required fact.
- consistency: of the questions answered right (passed) in their own words, the share whose
  rewordings (`paraphrase_of`, run in the same eval) are answered right too.
- retrieval (in-process): recall@k, hit@k and MRR of the chunks holding gold spans (evals.retrieval).
"""

from __future__ import annotations

import random
import re
import statistics
from dataclasses import dataclass, field

from evals.normalise import key, states
from evals.retrieval import hit_at_k, recall_at_k, reciprocal_rank
from evals.suite import Case
from evals.verify import PageVerifier


@dataclass
class CaseResult:
    case: Case
    answer: dict
    seconds: float
    facts: bool | None = None
    citations: int = 0
    precise: int = 0
    recall: bool | None = None
    verified: int = 0
    abstention: bool = True
    tool: bool | None = None
    first_relevant: int | None = None  # 1-based rank of the first retrieved chunk holding gold evidence
    has_retrieval: bool = False
    retrieved: list[str] = field(default_factory=list)
    relevant: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    # An answerable question without gold evidence: scored on its facts; its citations are counted
    # for `verified` but left out of precision, which has nothing to judge them against.
    facts_only: bool = False

    @property
    def passed(self) -> bool:
        return not self.problems


def covers(quote: str, span: str) -> bool:
    return key(span) in key(quote)


# A figure with its sign where one opens it ("-£111.6m", "−4.2%"); a hyphen inside a period
# ("2024-25") is not a sign.
_NUMBER = re.compile(
    r"(?:(?<![\w.,])(?P<neg>[-−]))?([£$]?)\s*(\d[\d,]*(?:\.\d+)?)\s*(bn|billion|m|million|k|thousand|%)?",
    re.I,
)
_SCALE = {"bn": 1e9, "billion": 1e9, "m": 1e6, "million": 1e6, "k": 1e3, "thousand": 1e3}


def numbers_in(text: str) -> list[float]:
    out = []
    for m in _NUMBER.finditer(text):
        value = float(m.group(3).replace(",", "")) * (-1 if m.group("neg") else 1)
        unit = (m.group(4) or "").lower()
        out.append(value * _SCALE.get(unit, 1.0))
    return out


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= max(1e-9, 0.005 * max(abs(a), abs(b)))


def tool_output_matches(output: object, facts: list[list[str]]) -> bool:
    """A tool output equals a required figure, allowing for £000 table units. A figure written
    without a sign is a size ("an underspend of £111.6m" computed as -£111.6m matches it); one
    written with a minus sign must match in sign too."""
    if isinstance(output, bool) or not isinstance(output, int | float | str):
        return False
    try:
        value = float(output)
    except ValueError:
        return False
    targets = [n for group in facts for variant in group for n in numbers_in(variant)]
    return any(
        _same(value * scale, t) or (t > 0 and _same(abs(value) * scale, t))
        for t in targets
        for scale in (1.0, 1e3, 1e-3)
    )


def score_case(
    case: Case,
    answer: dict,
    seconds: float,
    verifier: PageVerifier,
    retrieved: list[str] | None = None,
    relevant: set[str] | None = None,
) -> CaseResult:
    r = CaseResult(case, answer, seconds)
    abstained = bool(answer.get("abstained"))
    citations = answer.get("citations", [])
    r.abstention = abstained == case.abstain
    if not r.abstention:
        r.problems.append(
            "abstained on an answerable question" if abstained else "answered an unanswerable question"
        )
    r.citations = len(citations)
    r.facts_only = not case.abstain and not case.evidence
    for c in citations:
        ok = any(covers(c["quote"], ev.quote) for ev in case.evidence)
        r.precise += ok
        if not ok and not r.facts_only:
            r.problems.append(
                f"citation [{c['marker']}] p.{c['page']} §{c.get('section')} covers no gold span: {c['quote'][:90]!r}"
            )
        on_page = verifier.on_page(c["file"], c["page"], c["quote"])
        r.verified += on_page
        if not on_page:
            r.problems.append(f"citation [{c['marker']}] is not on page {c['page']} of {c['file']}")
    if not case.abstain:
        text = answer.get("answer", "")
        missing = [g for g in case.answer_any if not any(states(text, v) for v in g)]
        r.facts = not missing and not abstained
        if missing and not abstained:
            r.problems.append("answer does not state " + "; ".join(_variants(g) for g in missing))
        if case.evidence:
            hit = [any(covers(c["quote"], ev.quote) for c in citations) for ev in case.evidence]
            r.recall = all(hit) if case.need_all else any(hit)
            if not r.recall and not abstained:
                r.problems.append(
                    "gold evidence not cited" + (" (all spans needed)" if case.need_all else "")
                )
    if case.tool:
        tools = answer.get("tools", [])
        r.tool = any(tool_output_matches(t.get("output"), case.answer_any) for t in tools)
        if not r.tool:
            r.problems.append("no tools entry with the right output" if tools else "no tool was called")
    r.retrieved = list(retrieved or [])
    if retrieved is not None and relevant:
        r.has_retrieval = True
        r.relevant = set(relevant)
        r.first_relevant = next((i + 1 for i, cid in enumerate(retrieved) if cid in relevant), None)
    return r


def _variants(fact: list[str]) -> str:
    """A required fact with every variant that would have counted: "'£20m' (or '£20 million')"."""
    return repr(fact[0]) + (f" (or {', '.join(repr(v) for v in fact[1:])})" if len(fact) > 1 else "")


def consistency_pairs(results: list[CaseResult], originals: list[CaseResult] | None = None) -> list[bool]:
    """For each rewording whose original was answered right in the same run, whether it was too.

    A suite of rewordings (`paraphrase_of`) measures how much an answer hangs on the exact words:
    of the originals answered right, the share whose rewordings are also right. The originals may
    sit in another suite of the run (`originals`), as the dev questions do for the paraphrases."""
    passed = {r.case.id: r.passed for r in (originals if originals is not None else results)}
    return [r.passed for r in results if r.case.paraphrase_of and passed.get(r.case.paraphrase_of)]


# -- suite figures ----------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    value: float | None
    n: int
    low: float | None = None
    high: float | None = None

    def as_dict(self) -> dict:
        return {"value": self.value, "n": self.n, "ci95": [self.low, self.high]}


def _bootstrap(items: list, fn, rounds: int = 1000, seed: int = 7) -> tuple[float | None, float | None]:
    if not items:
        return None, None
    rng = random.Random(seed)
    values = []
    for _ in range(rounds):
        sample = [items[rng.randrange(len(items))] for _ in items]
        v = fn(sample)
        if v is not None:
            values.append(v)
    if not values:
        return None, None
    values.sort()
    return values[int(0.025 * (len(values) - 1))], values[int(0.975 * (len(values) - 1))]


def _mean(values: list[bool]) -> float | None:
    return sum(values) / len(values) if values else None


def _ratio(pairs: list[tuple[int, int]]) -> float | None:
    den = sum(d for _, d in pairs)
    return sum(n for n, _ in pairs) / den if den else None


def figures(
    results: list[CaseResult], k: int = 8, originals: list[CaseResult] | None = None
) -> dict[str, Figure]:
    out: dict[str, Figure] = {}

    def binary(name: str, values: list[bool]) -> None:
        low, high = _bootstrap(values, _mean)
        out[name] = Figure(name, _mean(values), len(values), low, high)

    def ratio(name: str, pairs: list[tuple[int, int]]) -> None:
        low, high = _bootstrap(pairs, _ratio)
        out[name] = Figure(name, _ratio(pairs), sum(d for _, d in pairs), low, high)

    binary("facts", [r.facts for r in results if r.facts is not None])
    ratio("precision", [(r.precise, r.citations) for r in results if not r.facts_only])
    binary("recall", [r.recall for r in results if r.recall is not None])
    ratio("verified", [(r.verified, r.citations) for r in results])
    binary("abstention", [r.abstention for r in results])
    binary("tool", [r.tool for r in results if r.tool is not None])
    binary("consistency", consistency_pairs(results, originals))
    ranked = [r for r in results if r.has_retrieval]
    for name, fn in (
        (f"recall@{k}", lambda r: recall_at_k(r.relevant, r.retrieved, k)),
        (f"hit@{k}", lambda r: hit_at_k(r.relevant, r.retrieved, k)),
        ("mrr", lambda r: reciprocal_rank(r.relevant, r.retrieved)),
    ):
        values = [fn(r) for r in ranked]
        low, high = _bootstrap(values, lambda s: sum(s) / len(s) if s else None)
        out[name] = Figure(name, sum(values) / len(values) if values else None, len(values), low, high)
    latencies = sorted(r.seconds for r in results)
    if latencies:
        out["latency_p50_ms"] = Figure("latency_p50_ms", 1000 * statistics.median(latencies), len(latencies))
        out["latency_p95_ms"] = Figure(
            "latency_p95_ms",
            1000 * latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))],
            len(latencies),
        )
    return out


def suite_figures(results: list[CaseResult]) -> dict[str, dict[str, Figure]]:
    """Each suite's figures over its own questions, in the order the suites ran."""
    stems = list(dict.fromkeys(r.case.suite for r in results))
    return {stem: figures([r for r in results if r.case.suite == stem], originals=results) for stem in stems}
