"""The answerer's weights: one typed, frozen set, fitted out of fold on the suites.

Two fitted models and the thresholds that use them:
- the ranker: a coefficient per candidate feature (`features.FEATURES`); a question's candidates
  are ranked by the weighted sum, and their softmax is each one's share of the belief that it
  holds the answer (conditional logit, fitted on which candidates hold gold evidence);
- answerability: a coefficient per question feature (`features.ANSWERABILITY`) and a bias; its
  logistic is the probability that the best candidate answers, and below `abstain_below` the answer
  says the documents do not hold it;
- two thresholds for adding a second sentence to a two-part question.

The fitted values live in `assistant/data/weights.json`, written by `assistant eval --fit`;
`assistant eval --cv K` reports what the same procedure achieves on questions it was not fitted on.
Nothing in the code is a hand-set multiplier.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from assistant.answer.features import ANSWERABILITY, FEATURES

WEIGHTS_FILE = "weights.json"


@dataclass(frozen=True)
class ScoringWeights:
    rank: dict[str, float]  # candidate feature -> coefficient
    answer: dict[str, float]  # answerability feature -> coefficient
    answer_bias: float
    abstain_below: float  # the answerability probability an answer needs
    # A second sentence joins the best one (a two-part question) when it adds this share of the
    # question's weight that the best one lacks, and its share is at least this fraction of the best's.
    complement_gain: float = 0.2
    complement_ratio: float = 0.2
    fitted_on: dict[str, object] = field(default_factory=dict)  # cases, candidates, date: provenance

    def rank_vector(self) -> np.ndarray:
        return np.array([self.rank.get(name, 0.0) for name in FEATURES], dtype=np.float64)

    def answer_vector(self) -> np.ndarray:
        return np.array([self.answer.get(name, 0.0) for name in ANSWERABILITY], dtype=np.float64)

    def scores(self, x: np.ndarray) -> np.ndarray:
        """The ranker's score of each candidate row."""
        return x @ self.rank_vector() if len(x) else np.zeros(0)

    def answer_probability(self, a: np.ndarray) -> float:
        z = float(a @ self.answer_vector() + self.answer_bias)
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def without(self, names: set[str]) -> ScoringWeights:
        """The same weights with some features switched off."""
        return dataclasses.replace(
            self,
            rank={k: v for k, v in self.rank.items() if k not in names},
            answer={k: v for k, v in self.answer.items() if k not in names},
        )

    def to_json(self) -> str:
        body = {
            "fitted_on": self.fitted_on,
            "abstain_below": round(self.abstain_below, 6),
            "complement_gain": self.complement_gain,
            "complement_ratio": self.complement_ratio,
            "answer_bias": round(self.answer_bias, 6),
            "answer": {name: round(self.answer.get(name, 0.0), 6) for name in ANSWERABILITY},
            "rank": {name: round(self.rank.get(name, 0.0), 6) for name in FEATURES},
        }
        return json.dumps(body, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ScoringWeights:
        data = json.loads(text)
        for part, known in (("rank", FEATURES), ("answer", ANSWERABILITY)):
            unknown = set(data[part]) - set(known)
            if unknown:
                raise ValueError(
                    f"weights name {part} features the answerer does not have: {sorted(unknown)}"
                )
        return cls(
            rank={k: float(v) for k, v in data["rank"].items()},
            answer={k: float(v) for k, v in data["answer"].items()},
            answer_bias=float(data["answer_bias"]),
            abstain_below=float(data["abstain_below"]),
            complement_gain=float(data.get("complement_gain", 0.2)),
            complement_ratio=float(data.get("complement_ratio", 0.2)),
            fitted_on=dict(data.get("fitted_on", {})),
        )

    @classmethod
    def load(cls, path: Path | None = None) -> ScoringWeights:
        if path is not None:
            return cls.from_json(Path(path).read_text())
        return shipped()


def softmax(scores: np.ndarray) -> np.ndarray:
    if not len(scores):
        return scores
    e = np.exp(scores - scores.max())
    return e / e.sum()


@cache
def shipped() -> ScoringWeights:
    """The weights shipped with the package (assistant/data/weights.json)."""
    text = resources.files("assistant.data").joinpath(WEIGHTS_FILE).read_text()
    return ScoringWeights.from_json(text)
