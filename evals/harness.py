"""One eval run: load suites, ask every question (in-process or over HTTP), score, report, export."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from evals.goldcheck import GoldCheck, check_suite
from evals.interop import write_ragas_and_deepeval, write_trec
from evals.metrics import CaseResult, Figure, figures, suite_figures
from evals.report import corpus_hash, git_commit, summary_lines, write_reports
from evals.runner import HttpTarget, InProcessTarget, Target, relevant_chunks, run_suite
from evals.suite import Suite, SuiteError, load_suite
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
    warnings: list[str] = field(default_factory=list)  # about the suites' gold (evals.goldcheck)
    notes: list[str] = field(default_factory=list)  # what the run could not do, and why

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)


@dataclass(frozen=True)
class Thresholds:
    """Minimums for all the run's questions together (`overall`) and for each suite's own questions
    (`suites`, keyed by the suite file's stem). A suite not in the run is not checked, so `assistant
    eval dev.yaml` checks dev's minimums alone."""

    overall: dict[str, float] = field(default_factory=dict)
    suites: dict[str, dict[str, float]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.overall or self.suites)

    def as_dict(self) -> dict[str, object]:
        return {**self.overall, "suites": self.suites}


def _minimums(data: object, where: str) -> dict[str, float]:
    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected metric: minimum pairs")
    unknown = [str(k) for k in data if k not in METRICS]
    if unknown:
        raise ValueError(f"{where}: unknown metric {', '.join(unknown)}; metrics are {', '.join(METRICS)}")
    return {str(k): float(v) for k, v in data.items()}


def load_thresholds(path: Path | None, overrides: list[str] | None) -> Thresholds:
    """The thresholds file holds overall minimums as `metric: value` and per-suite minimums under
    `suites: {stem: {metric: value}}`; `--min metric=value` adds overall minimums."""
    overall: dict[str, float] = {}
    suites: dict[str, dict[str, float]] = {}
    if path is not None:
        data = yaml.safe_load(Path(path).read_text()) or {}
        per_suite = data.pop("suites", None) or {}
        overall.update(_minimums(data, str(path)))
        suites = {str(stem): _minimums(m, f"{path}: suites.{stem}") for stem, m in per_suite.items()}
    for item in overrides or []:
        name, _, value = item.partition("=")
        if name not in METRICS or not value:
            raise ValueError(f"--min {item!r}: expected metric=value with metric one of {', '.join(METRICS)}")
        overall[name] = float(value)
    return Thresholds(overall, suites)


def check(results: list[CaseResult], thresholds: Thresholds) -> list[str]:
    failures = _below(figures(results), thresholds.overall, "")
    per_suite = suite_figures(results) if thresholds.suites else {}
    for stem, minimums in thresholds.suites.items():
        if stem in per_suite:
            failures += _below(per_suite[stem], minimums, f"{stem} ")
    return failures


def _below(figs: dict[str, Figure], minimums: dict[str, float], prefix: str) -> list[str]:
    failures = []
    for name, minimum in minimums.items():
        f = figs.get(name)
        if f is None or f.value is None:
            failures.append(f"{prefix}{name}: no value (minimum {minimum})")
        elif f.value < minimum - 1e-12:
            failures.append(f"{prefix}{name} {f.value:.3f} < {minimum}")
    return failures


# Why the BEIR/TREC exports need an in-process run.
NO_TREC_OVER_HTTP = (
    "qrels.tsv and run.trec were not written: over HTTP (--url) the API reports the answer and its "
    "citations but not the ranked chunks it retrieved, so there is no run to export, and the gold "
    "chunk ids come from an index this process has not loaded. Run without --url, on the same "
    "index, for the BEIR/TREC files."
)


def checked_suites(paths: list[Path], verifier: PageVerifier) -> tuple[list[Suite], list[str]]:
    """The suites, with their gold checked against the PDFs: a missing PDF or a quote that is not
    in its PDF stops the run (SuiteError, every problem listed); warnings come back to report."""
    suites = [load_suite(p) for p in paths]
    check = GoldCheck()
    for suite in suites:
        check.extend(check_suite(suite, verifier))
    if check.errors:
        raise SuiteError(
            "the suite's gold does not match the PDFs; fix these before scoring the assistant against it:\n"
            + "\n".join(str(e) for e in check.errors)
        )
    return suites, [str(w) for w in check.warnings]


def run(
    settings,
    suite_paths: list[Path],
    url: str | None = None,
    api_key: str | None = None,
    thresholds: Thresholds | None = None,
    out: Path | None = None,
    assistant=None,
    progress=None,
) -> Run:
    verifier = PageVerifier(settings.corpus_dir)
    suites, warnings = checked_suites(suite_paths, verifier)
    notes = [NO_TREC_OVER_HTTP] if url else []
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
        chunks = [
            c for c in assistant.retriever.catalog.chunks() if c.doc_id in assistant.retriever.state.docs
        ]
        files = {d.doc_id: d.file for d in assistant.retriever.state.docs.values()}
        relevant = relevant_chunks(chunks, files, [c for s in suites for c in s.cases])
    results: list[CaseResult] = []
    for suite in suites:
        results += run_suite(suite, target, verifier, relevant, progress=progress)
    if not url:
        by_id = {c.id: c.text for c in chunks}
        for r in results:
            retrieved[r.case.id] = r.retrieved
            contexts[r.case.id] = [by_id[c] for c in r.retrieved if c in by_id]
    figs = figures(results)
    failures = check(results, thresholds or Thresholds())
    lines = summary_lines(figs)
    if out is not None:
        config = {
            "suites": [str(s.path) for s in suites],
            "suite_sha256": {str(s.path): s.sha256 for s in suites},
            "target": url or "in-process",
            "git_commit": git_commit(REPO),
            "corpus_sha256": corpus_hash(Path(settings.corpus_dir)),
            "settings": _settings_summary(settings),
            "thresholds": (thresholds or Thresholds()).as_dict(),
            "composer": _composer(results),
            "prompt_version": sorted(
                {str(r.answer["prompt_version"]) for r in results if r.answer.get("prompt_version")}
            ),
        }
        write_reports(Path(out), results, figs, config, failures, warnings, notes)
        write_ragas_and_deepeval(Path(out), results, contexts)
        if not url:
            write_trec(Path(out), results, relevant, retrieved)
    return Run(results, figs, failures, lines, warnings, notes)


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
