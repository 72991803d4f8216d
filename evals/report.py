"""Write an eval run as report.json (with its configuration), report.md, junit.xml and a closing line."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from evals.metrics import CaseResult, Figure, suite_figures

ORDER = [
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
    "latency_p50_ms",
    "latency_p95_ms",
]


def git_commit(repo: Path) -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
        )
        dirty = subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain"], capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def corpus_hash(corpus: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(corpus.glob("*")):
        if path.is_file() and path.suffix.lower() in (".pdf", ".yaml", ".yml"):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _fmt(f: Figure) -> str:
    if f.value is None:
        return "n/a"
    if f.name.endswith("_ms"):
        return f"{f.value:.0f}"
    ci = f" [{f.low:.3f}, {f.high:.3f}]" if f.low is not None else ""
    return f"{f.value:.3f}{ci}"


def summary_lines(figures: dict[str, Figure]) -> list[str]:
    names = [n for n in ORDER if n in figures] + [n for n in figures if n not in ORDER]
    return [f"{n:15} {_fmt(figures[n]):28} n={figures[n].n}" for n in names]


def write_reports(
    out: Path,
    results: list[CaseResult],
    figures: dict[str, Figure],
    config: dict,
    failures: list[str],
    warnings: list[str] | None = None,
    notes: list[str] | None = None,
) -> None:
    """`warnings`: about the suites' gold (evals.goldcheck); `notes`: what the run could not do."""
    warnings, notes = warnings or [], notes or []
    out.mkdir(parents=True, exist_ok=True)
    report = {
        "config": config,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "figures": {n: f.as_dict() for n, f in figures.items()},
        "suite_figures": {
            stem: {n: f.as_dict() for n, f in figs.items()} for stem, figs in suite_figures(results).items()
        },
        "thresholds_failed": failures,
        "suite_warnings": warnings,
        "notes": notes,
        "cases": [
            {
                "id": r.case.id,
                "suite": r.case.suite,
                "question": r.case.q,
                "passed": r.passed,
                "problems": r.problems,
                "seconds": round(r.seconds, 4),
                "facts": r.facts,
                "facts_only": r.facts_only,
                "citations": r.citations,
                "precise": r.precise,
                "verified": r.verified,
                "recall": r.recall,
                "abstention": r.abstention,
                "tool": r.tool,
                "first_relevant": r.first_relevant,
                "answer": r.answer,
            }
            for r in results
        ],
    }
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    (out / "report.md").write_text(_markdown(results, figures, config, failures, warnings, notes))
    (out / "junit.xml").write_text(_junit(results))


def _markdown(
    results: list[CaseResult],
    figures: dict[str, Figure],
    config: dict,
    failures: list[str],
    warnings: list[str],
    notes: list[str],
) -> str:
    lines = [
        f"# Eval report: {', '.join(config.get('suites', []))}",
        "",
        f"Target: {config.get('target')} · commit {config.get('git_commit')} · corpus {str(config.get('corpus_sha256'))[:12]}",
        f"Composer: {config.get('composer')} · prompts: {', '.join(config.get('prompt_version') or []) or 'none (offline)'}",
        "",
        "| metric | value | 95% CI | n |",
        "|---|---|---|---|",
    ]
    for name in [n for n in ORDER if n in figures] + [n for n in figures if n not in ORDER]:
        f = figures[name]
        value = (
            "n/a" if f.value is None else (f"{f.value:.0f} ms" if name.endswith("_ms") else f"{f.value:.3f}")
        )
        ci = f"{f.low:.3f} – {f.high:.3f}" if f.low is not None else ""
        lines.append(f"| {name} | {value} | {ci} | {f.n} |")
    if failures:
        lines += ["", "**Thresholds not met:** " + "; ".join(failures)]
    if warnings:
        lines += ["", f"## Suite warnings ({len(warnings)})", ""] + [f"- {w}" for w in warnings]
    if notes:
        lines += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    failing = [r for r in results if not r.passed]
    lines += [
        "",
        f"## Failing questions ({len(failing)})",
        "",
        "| id | question | what was wrong |",
        "|---|---|---|",
    ]
    for r in failing:
        problems = "<br>".join(p.replace("|", "\\|") for p in r.problems)
        lines.append(f"| {r.case.id} | {r.case.q.replace('|', '/')} | {problems} |")
    lines += ["", f"## Every question ({len(results)})"]
    for r in results:
        lines += _case_markdown(r)
    passed = len(results) - len(failing)
    lines += ["", f"{passed} passed, {len(failing)} failed", ""]
    return "\n".join(lines)


def _case_markdown(r: CaseResult) -> list[str]:
    """A question as the evaluator needs to judge it: the answer, its citations, what was wrong."""
    verdict = "passed" if r.passed else "FAILED"
    lines = ["", f"### {r.case.id} ({r.case.suite}): {verdict}", "", f"**Q:** {r.case.q}", ""]
    if r.facts_only:
        lines += ["*Answerable but without gold evidence: scored on facts only.*", ""]
    answer = str(r.answer.get("answer", "")).strip() or "(no answer)"
    lines += [f"> {line}" if line else ">" for line in answer.splitlines()]
    citations = r.answer.get("citations") or []
    if citations:
        lines += ["", "Citations:", ""]
        for c in citations:
            section = f" §{c.get('section')}" if c.get("section") else ""
            lines.append(
                f"- [{c.get('marker')}] {c.get('file')} p.{c.get('page')}{section}: “{c.get('quote')}”"
            )
    if r.problems:
        lines += ["", "What was wrong:", ""] + [f"- {p}" for p in r.problems]
    return lines


def _junit(results: list[CaseResult]) -> str:
    failing = sum(not r.passed for r in results)
    total_time = sum(r.seconds for r in results)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuite name="citation-accuracy" tests="{len(results)}" failures="{failing}" errors="0" time="{total_time:.3f}">',
    ]
    for r in results:
        attrs = f'classname={quoteattr(r.case.suite)} name={quoteattr(r.case.id)} time="{r.seconds:.3f}"'
        if r.passed:
            out.append(f"  <testcase {attrs}/>")
        else:
            message = escape(r.problems[0])
            body = escape("\n".join(r.problems) + "\n\nanswer: " + str(r.answer.get("answer", "")))
            out.append(f'  <testcase {attrs}><failure message="{message}">{body}</failure></testcase>')
    out.append("</testsuite>")
    return "\n".join(out) + "\n"
