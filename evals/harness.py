"""One eval run: load suites, ask every question (in-process or over HTTP), score, report, export."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from evals.interop import write_ragas_and_deepeval, write_trec
from evals.metrics import CaseResult, Figure, figures
from evals.report import corpus_hash, git_commit, summary_lines, write_reports
from evals.runner import HttpTarget, InProcessTarget, Target, relevant_chunks, run_suite
from evals.suite import load_suite
from evals.verify import PageVerifier

REPO = Path(__file__).resolve().parents[1]
METRICS = (
    "facts",
    "precision",
    "recall",
    "verified",
    "abstention",
    "tool",
    "consistency",
    "recall@8",
    "hit@8",
    "mrr",
)


@dataclass
class Run:
    results: list[CaseResult]
    figures: dict[str, Figure]
    failures: list[str]
    lines: list[str]

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)


def load_thresholds(path: Path | None, overrides: list[str] | None) -> dict[str, float]:
    thresholds: dict[str, float] = {}
    if path is not None:
        data = yaml.safe_load(Path(path).read_text()) or {}
        thresholds.update({str(k): float(v) for k, v in data.items()})
    for item in overrides or []:
        name, _, value = item.partition("=")
        if name not in METRICS or not value:
            raise ValueError(f"--min {item!r}: expected metric=value with metric one of {', '.join(METRICS)}")
        thresholds[name] = float(value)
    return thresholds


def check(figs: dict[str, Figure], thresholds: dict[str, float]) -> list[str]:
    failures = []
    for name, minimum in thresholds.items():
        f = figs.get(name)
        if f is None or f.value is None:
            failures.append(f"{name}: no value (minimum {minimum})")
        elif f.value < minimum - 1e-12:
            failures.append(f"{name} {f.value:.3f} < {minimum}")
    return failures


def run(
    settings,
    suite_paths: list[Path],
    url: str | None = None,
    api_key: str | None = None,
    thresholds: dict[str, float] | None = None,
    out: Path | None = None,
    assistant=None,
    progress=None,
) -> Run:
    suites = [load_suite(p) for p in suite_paths]
    verifier = PageVerifier(settings.corpus_dir)
    retrieved: dict[str, list[str]] = {}
    contexts: dict[str, list[str]] = {}
    target: Target
    if url:
        target = HttpTarget(url, api_key)
        relevant: dict[str, set[str]] = {}
    else:
        if assistant is None:
            from assistant.service import Assistant

            assistant = Assistant.from_settings(settings)
            assistant.warm_up()
        target = InProcessTarget(assistant)
        chunks = assistant.retriever.state.chunks
        files = {d.doc_id: d.file for d in assistant.retriever.state.docs.values()}
        relevant = relevant_chunks(chunks, files, [c for s in suites for c in s.cases])
    results: list[CaseResult] = []
    for suite in suites:
        results += run_suite(suite, target, verifier, relevant, progress=progress)
    if not url:
        by_id = {c.id: c.text for c in assistant.retriever.state.chunks}
        for r in results:
            retrieved[r.case.id] = r.retrieved
            contexts[r.case.id] = [by_id[c] for c in r.retrieved if c in by_id]
    figs = figures(results)
    failures = check(figs, thresholds or {})
    lines = summary_lines(figs)
    if out is not None:
        config = {
            "suites": [str(s.path) for s in suites],
            "suite_sha256": {str(s.path): s.sha256 for s in suites},
            "target": url or "in-process",
            "git_commit": git_commit(REPO),
            "corpus_sha256": corpus_hash(Path(settings.corpus_dir)),
            "settings": _settings_summary(settings),
            "thresholds": thresholds or {},
            "composer": _composer(results),
            "prompt_version": sorted(
                {str(r.answer["prompt_version"]) for r in results if r.answer.get("prompt_version")}
            ),
        }
        write_reports(Path(out), results, figs, config, failures)
        write_ragas_and_deepeval(Path(out), results, contexts)
        if not url:
            write_trec(Path(out), results, relevant, retrieved)
    return Run(results, figs, failures, lines)


def _composer(results: list[CaseResult]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in results:
        name = r.answer.get("composer", "extractive")
        counts[name] = counts.get(name, 0) + 1
    return counts


def _settings_summary(settings) -> dict:
    """The settings that change answers (never secrets)."""
    return {
        "embedding_model": settings.embedding_model,
        "chunk_target_words": settings.chunk_target_words,
        "chunk_max_words": settings.chunk_max_words,
        "retrieval_fusion": settings.retrieval_fusion,
        "retrieval_dense_weight": settings.retrieval_dense_weight,
        "llm": getattr(settings, "llm", None),
    }
