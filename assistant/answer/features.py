"""Named features of a candidate unit (a sentence, list item or table row) for a question.

Each feature is one measured signal, and its weight is fitted, out of fold, on the suites
(`assistant eval --cv`): nothing here decides how much a signal counts. The signals are general
ones about how a council paper answers a question:

- coverage: how much of the question's weighted terms the unit states, or its provenance does
  (heading, list introduction, table labels: strong; document title and section: weak; the
  paragraph's other sentences: near), or states in other words (synonyms, shared prefixes);
- support: whether the question's key terms, its rarest term and its phrases are there at all;
- shape: whether the unit holds the kind of answer asked for (a figure, a date, a name), for the
  period, entity and council asked about;
- scope: whether the unit's document is the one the question names (or an earlier turn cited);
- retrieval: how its chunk ranked;
- form: what kind of unit it is (a heading rarely answers, a table header never does).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence

import numpy as np

from assistant.answer.question import COMMON_TERM_WEIGHT, Question, quarters_in, same_period, year_forms
from assistant.answer.scope import FIRMLY, NAMED, Scope
from assistant.answer.select import (
    SPECIFIC_DATE,
    Candidate,
    _council_ok,
    _figure_near,
    _paragraph_years,
    _tokens,
    prefix_match,
    synonyms,
    type_ok,
)
from core.text import match_key
from core.tokens import tokenize

# The candidate's features, in named groups (evals/fit.py leaves each group out in turn to measure
# what it adds).
# Coverage of the question's weighted terms, as shares of their total weight.
COVERAGE: tuple[str, ...] = (
    "cov_unit",
    "cov_strong",
    "cov_prefix",
    "cov_weak",
    "cov_synonym",
    "cov_near",
    "log_coverage",
)
SUPPORT: tuple[str, ...] = ("key_missing", "rarest_in_unit", "phrase")
SHAPE: tuple[str, ...] = (
    "type_miss",
    "type_fit",
    "figure_near_key",
    "specific_date",
    "period_miss",
    "entity_miss",
    "council_miss",
    "money_in_money_question",
)
SCOPE: tuple[str, ...] = ("doc_named", "doc_named_firmly", "other_doc_named", "doc_cited_before")
RETRIEVAL: tuple[str, ...] = ("hit_score", "hit_first")
FORM: tuple[str, ...] = (
    "heading",
    "table_header",
    "table_row",
    "table_cell",
    "list_item",
    "list_intro_for_list",
    "row_named",
    "short_unit",
    "long_unit",
    "followup_own_missing",
)
# The unit among its neighbours and the conversation: quoted before, a run of units, a reason.
RUNS: tuple[str, ...] = ("quoted_before", "run_of_two", "run_of_three", "explains_for_why")
# Relative to the other candidates of the same question.
RELATIVE: tuple[str, ...] = ("coverage_share_of_best", "unit_coverage_share_of_best", "most_coverage")
FEATURES: tuple[str, ...] = COVERAGE + SUPPORT + SHAPE + SCOPE + RETRIEVAL + FORM + RUNS + RELATIVE
INDEX = {name: i for i, name in enumerate(FEATURES)}

# Whether the documents answer the question at all, from the ranked evidence as a whole.
ANSWER_EVIDENCE: tuple[str, ...] = (
    "top_share",  # the ranker's probability for its best unit, against the others
    "margin",  # how far ahead of the second it is
    "top_coverage",
    "top_cov_unit",
    "top_key_missing",
    "top_type_miss",
    "top_rarest_in_unit",
    "top_phrase",
    "top_period_miss",
    "top_council_miss",
    "top_entity_miss",
)
UNSUPPORTED: tuple[str, ...] = (
    "unsupported_rare",  # the question's rarest own term is in none of the evidence
    "unsupported_share",  # share of the question's own key weight that no evidence has
)
ANSWER_RETRIEVAL: tuple[str, ...] = (
    "top_dense",  # cosine of the best unit's chunk to the question (MiniLM)
    "top_lexical",  # log(1 + BM25) of the best unit's chunk
)
ANSWER_FIT: tuple[str, ...] = (
    "type_found",  # some candidate near the top holds the kind of answer asked for
    "followup",
    "top_missing_weight",  # share of the question's own key weight the best unit and its context lack
    "top_constraint_missing",  # share of the question's years, figures and names the best unit lacks
    "list_found",  # a list is asked for and a list's introduction or items are near the top
)
ANSWERABILITY: tuple[str, ...] = ANSWER_EVIDENCE + UNSUPPORTED + ANSWER_RETRIEVAL + ANSWER_FIT
ANSWER_INDEX = {name: i for i, name in enumerate(ANSWERABILITY)}

# The direction each signal can only push: more coverage never makes a candidate worse, a missing
# key term never makes it better. Fitting keeps every weight to its sign (a weight that would cross
# zero is left out), so a quirk of the training questions cannot teach the answerer that, say, a
# question about a place the documents never mention is more answerable. Signals with no fixed
# direction (the kind of unit, its length) are free.
SIGNS: dict[str, int] = {
    **dict.fromkeys(
        [
            "cov_unit",
            "cov_strong",
            "cov_prefix",
            "cov_synonym",
            "log_coverage",
            "rarest_in_unit",
            "phrase",
            "type_fit",
            "figure_near_key",
            "specific_date",
            "money_in_money_question",
            "doc_named",
            "doc_named_firmly",
            "doc_cited_before",
            "hit_score",
            "hit_first",
            "list_intro_for_list",
            "row_named",
            "explains_for_why",
            "coverage_share_of_best",
            "unit_coverage_share_of_best",
            "most_coverage",
            "top_share",
            "margin",
            "top_coverage",
            "top_cov_unit",
            "top_rarest_in_unit",
            "top_phrase",
            "top_dense",
            "top_lexical",
            "type_found",
            "list_found",
        ],
        1,
    ),
    **dict.fromkeys(
        [
            "key_missing",
            "type_miss",
            "period_miss",
            "entity_miss",
            "council_miss",
            "other_doc_named",
            "followup_own_missing",
            "quoted_before",
            "top_key_missing",
            "top_type_miss",
            "top_period_miss",
            "top_council_miss",
            "top_entity_miss",
            "unsupported_rare",
            "unsupported_share",
            "top_missing_weight",
            "top_constraint_missing",
        ],
        -1,
    ),
}
TYPE_WINDOW = 5  # the candidates looked at for "type_found"
_PHRASE_WINDOW = 3
# A question that asks why or to what end is answered by a sentence that gives reasons.
_WHY = re.compile(
    r"^\s*(?:and\s+)?(?:why|how\s+come|for\s+what\s+reason)\b|\b(?:reasons?|rationale|purpose|justification)\b",
    re.I,
)
_EXPLAINS = re.compile(
    r"\b(?:because|reasons?|rationale|purpose|in\s+order\s+to|so\s+that|due\s+to|owing\s+to|aims?\s+to|"
    r"intended\s+to|designed\s+to|as\s+a\s+result|therefore|threefold|twofold|driven\s+by)\b",
    re.I,
)  # two question terms count as a phrase when the unit has them this close


def _phrases(question: Question) -> list[tuple[str, str]]:
    """Adjacent pairs of the question's own substantive terms, in order ("base year", "customer
    satisfaction"): a unit that has them together talks about the same thing."""
    toks = [t for t in tokenize(question.text) if question.weights.get(t, 0) >= 1.0]
    return [(a, b) for a, b in itertools.pairwise(toks) if a != b]


def _phrase_share(unit_tokens: list[str], pairs: list[tuple[str, str]]) -> float:
    if not pairs:
        return 0.0
    where: dict[str, list[int]] = {}
    for i, t in enumerate(unit_tokens):
        where.setdefault(t, []).append(i)
    found = 0
    for a, b in pairs:
        if any(abs(i - j) <= _PHRASE_WINDOW for i in where.get(a, ()) for j in where.get(b, ())):
            found += 1
    return found / len(pairs)


def _entity_terms(question: Question, entity: str) -> list[str]:
    """The words that say a passage is about a name the question uses: its substantive words, or,
    where all are common in the corpus ("Pioneer Somerset" in a corpus that is half about it), its
    rarest word that is not nearly everywhere."""
    weighed = [(question.weights.get(t, 0.0), t) for t in tokenize(entity)]
    strong = [t for w, t in weighed if w >= 1.0]
    if strong:
        return strong
    rarest = max(weighed, default=(0.0, ""))
    return [rarest[1]] if rarest[0] > COMMON_TERM_WEIGHT else []


def featurise(
    question: Question,
    cands: Sequence[Candidate],
    scope: Scope,
    lowercase_words: set[str],
) -> np.ndarray:
    """One row of FEATURES per candidate; also fills each candidate's `missing` terms and shape flags."""
    out = np.zeros((len(cands), len(FEATURES)), dtype=np.float64)
    if not cands:
        return out
    total = question.total_weight or 1.0
    own_key = {t for t, w in question.weights.items() if w >= 1.0}
    rarest = max(question.weights, key=lambda t: question.weights[t], default=None)
    pairs = _phrases(question)
    syn = synonyms()
    entity_terms = [_entity_terms(question, e) for e in question.entities]
    best_hit = max(c.hit.score for c in cands) or 1.0
    named = scope.named
    why = bool(_WHY.search(question.text))
    for row, c in enumerate(cands):
        x = out[row]
        parts = dict.fromkeys(("unit", "strong", "prefix", "weak", "synonym", "near"), 0.0)
        missing: set[str] = set()
        # "the 2019 collaboration plan": a year that names the candidate's document refers to the
        # paper, as its title does, not to what one of its sentences must say.
        naming_year = (
            year_forms((c.doc.date or "")[:4]) if question.years and named.get(c.doc.doc_id, 0) else set()
        )
        for terms in (question.weights, question.carried):
            for t, w in terms.items():
                spelled = question.alternatives.get(t)
                if t in naming_year:
                    parts["weak"] += w
                elif t in c.tokens or (spelled and spelled <= c.tokens):
                    parts["unit"] += w
                elif t in c.strong or (spelled and spelled <= c.strong | c.tokens):
                    parts["strong"] += w
                elif prefix_match(t, c.tokens):
                    parts["prefix"] += w
                elif t in c.weak:
                    parts["weak"] += w
                elif syn.get(t, frozenset()) & c.tokens:
                    parts["synonym"] += w
                elif t in c.near:
                    parts["near"] += w
                else:
                    missing.add(t)
        c.missing = missing
        for name, got in parts.items():
            x[INDEX[f"cov_{name}"]] = got / total
        c.coverage = sum(parts.values()) / total
        x[INDEX["log_coverage"]] = math.log(0.05 + c.coverage)
        x[INDEX["key_missing"]] = len(own_key & missing) / len(own_key) if own_key else 0.0
        x[INDEX["rarest_in_unit"]] = float(rarest is not None and rarest in c.tokens)
        x[INDEX["phrase"]] = _phrase_share(tokenize(c.text), pairs)

        c.type_ok = type_ok(question, c.text, c.table, lowercase_words, c.doc.title)
        asked = question.answer_type is not None
        x[INDEX["type_miss"]] = float(asked and not c.type_ok)
        x[INDEX["type_fit"]] = float(asked and c.type_ok)
        x[INDEX["figure_near_key"]] = float(
            question.answer_type in ("money", "quantity", "percent", "count")
            and _figure_near(c.text, own_key)
        )
        x[INDEX["specific_date"]] = float(
            question.answer_type == "date" and bool(SPECIFIC_DATE.search(c.text))
        )
        if (
            question.years
            and named.get(c.doc.doc_id, 0)
            and question.years <= year_forms((c.doc.date or "")[:4])
        ):
            # "in the year before the 2018 peer challenge": the year names the paper, which the
            # question names, not a period its passage must state.
            c.period_ok = True
        elif question.years:
            stated = year_forms(c.text) or _paragraph_years(c.chunk, c.index)
            # Years the paragraph states decide; only one that states none leans on its document's date.
            c.period_ok = (
                same_period(question.years, stated)
                if stated
                else same_period(question.years, set(c.context) | year_forms(c.doc.date or ""))
            )
        if question.quarters and c.period_ok:
            # A quarter the question names is a period too: a passage (or, where it names none, its
            # report) about another quarter is not about the one asked for.
            told = quarters_in(c.text) or quarters_in(c.doc.title)
            c.period_ok = not told or bool(told & question.quarters)
        x[INDEX["period_miss"]] = float(not c.period_ok)
        c.entity_ok = all(
            not terms or any(t in c.tokens or t in c.context for t in terms) for terms in entity_terms
        )
        x[INDEX["entity_miss"]] = float(not c.entity_ok)
        x[INDEX["council_miss"]] = float(bool(question.councils) and not _council_ok(question, c))
        x[INDEX["money_in_money_question"]] = float(question.answer_type == "money" and "£" in c.text)

        how_named = named.get(c.doc.doc_id, 0)
        x[INDEX["doc_named"]] = float(how_named >= NAMED)
        x[INDEX["doc_named_firmly"]] = float(how_named >= FIRMLY)
        x[INDEX["other_doc_named"]] = float(bool(named) and how_named == 0)
        x[INDEX["doc_cited_before"]] = float(c.doc.doc_id in scope.cited_before)

        x[INDEX["hit_score"]] = c.hit.score / best_hit
        x[INDEX["hit_first"]] = float(c.hit.score >= best_hit)

        kind = c.unit.kind
        x[INDEX["heading"]] = float(kind == "heading")
        x[INDEX["table_header"]] = float(kind == "table_header")
        x[INDEX["table_row"]] = float(kind == "table_row")
        x[INDEX["table_cell"]] = float(kind == "table_cell")
        x[INDEX["list_item"]] = float(kind == "list_item")
        x[INDEX["list_intro_for_list"]] = float(question.wants_list and c.text.rstrip().endswith((":", ":-")))
        table = c.table
        x[INDEX["row_named"]] = float(
            table is not None
            and bool(table.row_label)
            and any(t in _tokens(table.row_label or "") for t in own_key)
        )
        words = len(c.text.split())
        x[INDEX["short_unit"]] = float(words <= 5)
        x[INDEX["long_unit"]] = min(1.0, words / 80)
        x[INDEX["followup_own_missing"]] = min(3, len(own_key & missing)) / 3 if question.carried else 0.0
        if scope.quoted_before:
            k = match_key(c.text)
            x[INDEX["quoted_before"]] = float(any(k in q or q in k for q in scope.quoted_before))
        x[INDEX["run_of_two"]] = float(c.count == 2)
        x[INDEX["run_of_three"]] = float(c.count >= 3)
        x[INDEX["explains_for_why"]] = float(why and bool(_EXPLAINS.search(c.text)))
    coverage = np.array([c.coverage for c in cands])
    unit_coverage = out[:, INDEX["cov_unit"]]
    out[:, INDEX["coverage_share_of_best"]] = coverage / (coverage.max() or 1.0)
    out[:, INDEX["unit_coverage_share_of_best"]] = unit_coverage / (unit_coverage.max() or 1.0)
    out[:, INDEX["most_coverage"]] = coverage >= coverage.max()
    return out


def answerability(
    question: Question, ranked: Sequence[Candidate], shares: Sequence[float], scores: Sequence[float]
) -> np.ndarray:
    """The features of "do the documents answer this?", from the evidence ranked best first with the
    ranker's shares and raw scores."""
    x = np.zeros(len(ANSWERABILITY))
    if not ranked:
        x[ANSWER_INDEX["unsupported_rare"]] = 1.0
        x[ANSWER_INDEX["unsupported_share"]] = 1.0
        return x
    top = ranked[0]
    f = top.features if top.features is not None else np.zeros(len(FEATURES))
    x[ANSWER_INDEX["top_share"]] = shares[0]
    x[ANSWER_INDEX["margin"]] = min(5.0, scores[0] - scores[1]) if len(scores) > 1 else 5.0
    x[ANSWER_INDEX["top_coverage"]] = top.coverage
    for name in (
        "cov_unit",
        "key_missing",
        "type_miss",
        "rarest_in_unit",
        "phrase",
        "period_miss",
        "council_miss",
        "entity_miss",
    ):
        x[ANSWER_INDEX[f"top_{name}"]] = f[INDEX[name]]
    own = {t: w for t, w in question.weights.items() if w >= 1.0}
    anywhere: set[str] = set()
    for c in ranked:
        anywhere |= c.tokens | c.context
    unsupported = {
        t
        for t in own
        if t not in anywhere and not (t in question.alternatives and question.alternatives[t] <= anywhere)
    }
    rarest = max(own, key=lambda t: own[t], default=None)
    x[ANSWER_INDEX["unsupported_rare"]] = float(rarest is not None and rarest in unsupported)
    x[ANSWER_INDEX["unsupported_share"]] = sum(own[t] for t in unsupported) / (sum(own.values()) or 1.0)
    x[ANSWER_INDEX["top_dense"]] = top.hit.dense or 0.0
    x[ANSWER_INDEX["top_lexical"]] = math.log1p(top.hit.lexical or 0.0)
    x[ANSWER_INDEX["type_found"]] = float(
        question.answer_type is None or any(c.type_ok for c in ranked[:TYPE_WINDOW])
    )
    x[ANSWER_INDEX["followup"]] = float(bool(question.carried))
    x[ANSWER_INDEX["top_missing_weight"]] = sum(own[t] for t in own if t in top.missing) / (
        sum(own.values()) or 1.0
    )
    x[ANSWER_INDEX["top_constraint_missing"]] = _constraints_missing(question, top)
    x[ANSWER_INDEX["list_found"]] = float(
        question.wants_list
        and any(
            c.unit.kind == "list_item" or c.text.rstrip().endswith((":", ":-")) for c in ranked[:TYPE_WINDOW]
        )
    )
    return x


_CONSTRAINT_WORD = re.compile(r"\b(?:\d[\d,.]*|[A-Z][a-z]+[A-Z]\w*|[A-Z]{2,}\w*)\b")


def _constraints_missing(question: Question, c: Candidate) -> float:
    """The share of what narrows the question (its years, figures, councils and names written with
    capitals inside or all in capitals) that the candidate, its context and its document do not have."""
    have = c.tokens | c.context | _tokens(f"{c.doc.title} {c.doc.date or ''}")
    wanted: list[frozenset[str]] = []
    for y in question.years:
        wanted.append(frozenset({y}))
    for m in _CONSTRAINT_WORD.finditer(question.text):
        toks = frozenset(tokenize(m.group(0)))
        if toks:
            wanted.append(question.alternatives.get(next(iter(toks)), toks) | toks)
    for council in question.councils:
        wanted.append(frozenset(tokenize(council)))
    if not wanted:
        return 0.0
    years = {y for y in question.years if y in have} | year_forms(c.text) | year_forms(c.doc.date or "")
    missing = 0
    for w in wanted:
        if len(w) == 1 and next(iter(w)) in question.years:
            missing += next(iter(w)) not in years
        elif not (w & have):
            missing += 1
    return missing / len(wanted)
