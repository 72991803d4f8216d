"""Fit the answerer's weights on suites, and measure the fit honestly with k-fold cross-validation.

- `collect`: for every answerable and unanswerable question, the candidate units the answerer ranks
  (the same code path as an answer), each with its features and a label: does its text overlap a
  gold evidence span of that question, in the same document?
- `fit`: L2-regularised logistic regression of that label on the features, then the abstention
  threshold that decides most training questions right (answer from a correct best unit, abstain
  on an unanswerable one), a wrong answer costing `WRONG_ANSWER_COST` more than an abstention;
- `cross_validate`: questions are grouped (a question with its rewordings, a conversation with its
  turns) and split into k folds; each fold is answered by weights fitted on the other folds, so the
  figures are out of fold;
- `ablate`: the same, with one named feature group left out at a time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from assistant.answer import shapes
from assistant.answer.features import (
    ANSWER_EVIDENCE,
    ANSWER_RETRIEVAL,
    ANSWERABILITY,
    COVERAGE,
    FEATURES,
    FORM,
    RELATIVE,
    RETRIEVAL,
    SCOPE,
    SHAPE,
    SIGNS,
    SUPPORT,
    UNSUPPORTED,
    answerability,
)
from assistant.answer.question import Question
from assistant.answer.select import Candidate
from assistant.answer.weights import ScoringWeights, softmax
from evals.metrics import CaseResult, figures
from evals.normalise import key
from evals.runner import InProcessTarget, run_cases
from evals.suite import Case, Suite
from evals.verify import PageVerifier

if TYPE_CHECKING:
    from assistant.service import Assistant

Objective = Callable[[np.ndarray], tuple[float, np.ndarray, np.ndarray]]  # value, gradient, Hessian
L2 = 1.0  # ridge penalty of the logistic regression (on standardised features)
EXTRA_UNIT_COST = 0.1  # labels prefer the shortest run of units that quotes the gold evidence
WRONG_ANSWER_COST = 0.5  # a wrong answer is worse than no answer by this much, when choosing the threshold
FOLDS = 5
SEED = 7

# Feature groups for the ablation: what each kind of signal adds.
GROUPS: dict[str, tuple[str, ...]] = {
    "coverage": COVERAGE,
    "context coverage": ("cov_strong", "cov_weak", "cov_near"),
    "soft matches": ("cov_prefix", "cov_synonym"),
    "support": SUPPORT,
    "shape": SHAPE,
    "scope": SCOPE,
    "retrieval": RETRIEVAL,
    "relative": RELATIVE,
    "answerability: evidence": ANSWER_EVIDENCE,
    "answerability: unsupported terms": UNSUPPORTED,
    "answerability: retrieval": ANSWER_RETRIEVAL,
    "form": FORM,
}


@dataclass
class PartEvidence:
    """One search of a question (the question, or one side of a comparison): its candidates with
    their features, and which of them hold gold evidence."""

    question: Question
    candidates: list[Candidate]
    x: np.ndarray
    y: np.ndarray


@dataclass
class CaseEvidence:
    case: Case
    group: str
    parts: list[PartEvidence]


def group_of(case: Case) -> str:
    """Cases that share evidence stay in one fold: a question with its rewordings, a conversation
    with its turns."""
    if case.conversation:
        original = case.paraphrase_of.split("#")[0] if case.paraphrase_of else case.conversation
        return f"conversation:{original}"
    return f"question:{case.paraphrase_of or case.id}"


def _labels(case: Case, files: list[str], texts: list[str], counts: list[int]) -> np.ndarray:
    """How well each candidate answers, from the gold evidence: the share of gold spans it quotes
    whole, less `EXTRA_UNIT_COST` for each unit beyond the first (a shorter quote is better); a
    candidate that is part of a gold span gets half its share of it."""
    golds = [(ev.file, key(ev.quote)) for ev in case.evidence]
    out = np.zeros(len(texts))
    for i, (file, text, count) in enumerate(zip(files, texts, counts, strict=True)):
        k = key(text)
        if len(k) < 8:
            continue
        mine = [g for f, g in golds if f == file]
        whole = sum(g in k for g in mine)
        if whole:
            out[i] = max(0.05, whole / len(golds) - EXTRA_UNIT_COST * (count - 1))
        elif any(k in g or g[:40] in k for g in mine):
            part = max((len(k) / len(g) for g in mine if k in g), default=0.5)
            out[i] = 0.5 * min(1.0, part) / len(golds)
    return out


def _quoted_text(assistant: Assistant, q: Question, c: Candidate) -> str:
    """What the answer would quote if this candidate were chosen: a list's introduction is judged by
    the whole list it leads to."""
    if shapes.asks_for_list(q) or c.text.rstrip().endswith((":", ":-")):
        pieces = shapes.list_pieces(c, assistant.retriever.neighbour, q)
        if pieces:
            return " ".join(p.chunk.text[p.start : p.end] for p in pieces)
    return c.text


def collect(assistant: Assistant, suites: Iterable[Suite], role: str = "admin") -> list[CaseEvidence]:
    """Every case's candidates, asked in suite order so that conversation turns have their history."""
    out: list[CaseEvidence] = []
    for suite in suites:
        conversations: dict[str, str | None] = {}
        for case in suite.cases:
            cid = conversations.get(case.conversation) if case.conversation else None
            history = assistant.conversations.history(cid) if cid else []
            ctx = assistant.context(case.q, history, None, role, cid or "c-collect")
            scope = assistant.extractor.scope(ctx)
            parts = []
            for part in assistant.extractor.parts(ctx, scope):
                cands = assistant.extractor.evidence(ctx, part, scope).candidates
                x = np.array([c.features for c in cands]) if cands else np.zeros((0, len(FEATURES)))
                quoted = [_quoted_text(assistant, part.question, c) for c in cands]
                y = _labels(case, [c.doc.file for c in cands], quoted, [c.count for c in cands])
                parts.append(PartEvidence(part.question, cands, x, y))
            out.append(CaseEvidence(case, group_of(case), parts))
            if case.conversation:
                answer = assistant.ask(case.q, conversation_id=cid, role=role)
                conversations[case.conversation] = answer.conversation_id
    return out


# -- fitting ----------------------------------------------------------------------------------


def _newton(objective: Objective, d: int) -> np.ndarray:
    """Minimise a smooth convex objective by Newton's method with a backtracking line search (a full
    Newton step can overshoot on a log-likelihood far from its optimum)."""
    w = np.zeros(d)
    value, grad, hess = objective(w)
    for _ in range(100):
        step = np.linalg.solve(hess + np.eye(d) * 1e-9, grad)
        t = 1.0
        while True:
            trial = w - t * step
            new_value, new_grad, new_hess = objective(trial)
            if new_value <= value - 1e-4 * t * float(grad @ step) or t < 1e-6:
                break
            t /= 2
        converged = value - new_value < 1e-10
        w, value, grad, hess = trial, new_value, new_grad, new_hess
        if converged:
            break
    return w


def _standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1.0
    return mean, std


def fit_ranker(parts: list[PartEvidence], use: list[int], l2: float = L2) -> np.ndarray:
    """Conditional logit: within each part, the softmax of the scores should put its weight on the
    candidates that hold gold evidence. Returns coefficients on the raw features (index `use`)."""
    groups = [(p.x[:, use], p.y) for p in parts if len(p.y) and p.y.any() and (p.y != p.y[0]).any()]
    mean, std = _standardise(np.vstack([x for x, _ in groups]))
    groups = [((x - mean) / std, y) for x, y in groups]
    d = len(use)

    def objective(w: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        value, grad, hess = 0.5 * l2 * float(w @ w), l2 * w, np.eye(d) * l2
        for x, y in groups:
            s = x @ w
            top = s.max()
            p = np.exp(s - top)
            total = p.sum()
            p /= total
            target = y / y.sum()  # every gold candidate is as good an answer as another
            value += float(top + np.log(total) - target @ s)
            grad = grad + x.T @ (p - target)
            xp = x.T @ p
            hess = hess + (x.T * p) @ x - np.outer(xp, xp)
        return value, grad, hess

    w = _newton(objective, d)
    return w / std  # a shift of every candidate's features by the mean does not change a softmax


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2) -> tuple[np.ndarray, float]:
    """L2-penalised logistic regression (the intercept not penalised), on standardised features."""
    mean, std = _standardise(x)
    xs = np.hstack([(x - mean) / std, np.ones((len(x), 1))])
    penalty = np.full(xs.shape[1], l2)
    penalty[-1] = 0.0

    def objective(w: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        z = xs @ w
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        value = float(np.logaddexp(0, z).sum() - y @ z + 0.5 * (penalty * w) @ w)
        grad = xs.T @ (p - y) + penalty * w
        hess = (xs * (p * (1 - p))[:, None]).T @ xs + np.diag(penalty)
        return value, grad, hess

    w = _newton(objective, xs.shape[1])
    coef = w[:-1] / std
    return coef, float(w[-1] - (coef * mean).sum())


@dataclass
class Decision:
    """One part as the answerability model sees it."""

    features: np.ndarray
    answerable: bool  # the question has an answer in the documents
    top_right: bool  # the ranker's best candidate holds gold evidence


def decisions(evidence: list[CaseEvidence], weights: ScoringWeights) -> list[Decision]:
    out = []
    for e in evidence:
        for part in e.parts:
            scores = weights.scores(part.x)
            order = np.argsort(-scores, kind="stable")
            ranked = [part.candidates[i] for i in order]
            shares = softmax(scores[order])
            features = answerability(part.question, ranked, list(shares), list(scores[order]))
            right = bool(len(order) and part.y[order[0]] > 0)
            out.append(Decision(features, not e.case.abstain, right))
    return out


def fit(evidence: list[CaseEvidence], without: Iterable[str] = (), note: str = "") -> ScoringWeights:
    """Weights fitted on these cases; `without` leaves features out (ablation)."""
    left_out = set(without)
    parts = [p for e in evidence if not e.case.abstain for p in e.parts]
    use, rank = _signed(FEATURES, left_out, lambda use: fit_ranker(parts, use))
    weights = ScoringWeights(
        rank={FEATURES[i]: float(c) for i, c in zip(use, rank, strict=True)},
        answer={},
        answer_bias=0.0,
        abstain_below=0.5,
    )
    seen = decisions(evidence, weights)
    x_all = np.array([d.features for d in seen])
    y = np.array([float(d.answerable) for d in seen])
    fitted: dict[tuple[int, ...], float] = {}

    def logistic(use: list[int]) -> np.ndarray:
        coef, fitted[tuple(use)] = fit_logistic(x_all[:, use], y)
        return coef

    a_use, coef = _signed(ANSWERABILITY, left_out, logistic)
    bias = fitted[tuple(a_use)]
    weights = dataclasses.replace(
        weights,
        answer={ANSWERABILITY[i]: float(c) for i, c in zip(a_use, coef, strict=True)},
        answer_bias=bias,
    )
    return dataclasses.replace(
        weights,
        abstain_below=choose_threshold(seen, weights),
        fitted_on={
            "cases": len(evidence),
            "candidates": int(sum(len(p.y) for p in parts)),
            "positives": int(sum(p.y.sum() for p in parts)),
            "note": note,
            "date": dt.date.today().isoformat(),
        },
    )


def _signed(
    names: tuple[str, ...], left_out: set[str], fit_on: Callable[[list[int]], np.ndarray]
) -> tuple[list[int], np.ndarray]:
    """Fit, then leave out every feature whose weight has the wrong sign (SIGNS) and fit
    again, until none has."""
    use = [i for i, name in enumerate(names) if name not in left_out]
    while True:
        coef = fit_on(use)
        wrong = [i for i, c in zip(use, coef, strict=True) if SIGNS.get(names[i], 0) * c < 0]
        if not wrong:
            return use, coef
        use = [i for i in use if i not in wrong]


def choose_threshold(seen: list[Decision], weights: ScoringWeights) -> float:
    """The abstention threshold that decides most of these parts right: answer from a right best
    candidate, abstain on an unanswerable question, and a wrong answer costs more than an abstention."""
    tops = [(weights.answer_probability(d.features), d.answerable, d.top_right) for d in seen]
    candidates = sorted({round(t[0], 4) for t in tops} | {0.0, 1.0})

    def merit(threshold: float) -> float:
        score: float = 0.0
        for p, answerable, right in tops:
            answers = p >= threshold
            if (answers and answerable and right) or (not answers and not answerable):
                score += 1.0
            elif answers:
                score -= WRONG_ANSWER_COST
        return score

    chosen = max(candidates, key=lambda t: (merit(t), -t))
    # Halfway to the next lower candidate, so a question scoring just under it is not decided by rounding.
    lower = [t for t in candidates if t < chosen]
    return (chosen + lower[-1]) / 2 if lower else chosen


# -- cross-validation -------------------------------------------------------------------------


def folds(evidence: list[CaseEvidence], k: int = FOLDS, seed: int = SEED) -> list[set[str]]:
    groups = sorted({e.group for e in evidence})
    random.Random(seed).shuffle(groups)
    return [set(groups[i::k]) for i in range(k)]


def out_of_fold(
    assistant: Assistant,
    suites: list[Suite],
    evidence: list[CaseEvidence],
    verifier: PageVerifier,
    k: int = FOLDS,
    without: Iterable[str] = (),
    progress: Callable[[int, int], None] | None = None,
) -> list[CaseResult]:
    """Every case answered by weights fitted on the folds it is not in."""
    results: list[CaseResult] = []
    for i, test in enumerate(folds(evidence, k)):
        train = [e for e in evidence if e.group not in test]
        weights = fit(train, without, note=f"fold {i + 1} of {k}")
        target = InProcessTarget(assistant.with_weights(weights))
        for suite in suites:
            cases = [c for c in suite.cases if group_of(c) in test]
            results += run_cases(cases, target, verifier)
        if progress:
            progress(i + 1, k)
    order = {id(c): n for n, c in enumerate(c for s in suites for c in s.cases)}
    return sorted(results, key=lambda r: order[id(r.case)])


def ablate(
    assistant: Assistant,
    suites: list[Suite],
    evidence: list[CaseEvidence],
    verifier: PageVerifier,
    k: int = FOLDS,
) -> list[tuple[str, dict[str, float | None]]]:
    """Out-of-fold figures with all features, then with each group left out."""
    rows = []
    for name, left_out in [("all features", ()), *GROUPS.items()]:
        label = name if not left_out else f"without {name}"
        figs = figures(out_of_fold(assistant, suites, evidence, verifier, k, left_out))
        rows.append(
            (label, {m: figs[m].value for m in ("facts", "precision", "recall", "abstention", "tool")})
        )
    return rows
