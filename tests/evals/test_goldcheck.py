"""[people] acceptance 4: an evaluator's own suite is checked against the PDFs before it is scored.
A misquoted gold span, a missing PDF, an ambiguous span and an answerable question without evidence
each get a clear message; `--fail-on-any` exits 1 when any question fails; report.md shows every
question with its answer, citations and each missing fact with all its variants."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from evals.goldcheck import check_suite
from evals.metrics import figures, score_case
from evals.suite import load_suite
from evals.verify import PageVerifier
from tests.conftest import CORPUS

PEER = "2018-03-corporate-peer-challenge-somerset-cc.pdf"
RIGHT = "making savings year on year of £1.5m through working effectively together"
WRONG = "making savings every year of £1.5m through working effectively together"


def _suite(tmp_path: Path, body: str, documents: str = f"  peer: {PEER}\n") -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text("documents:\n" + documents + "questions:\n" + body)
    return path


def _check(path: Path):
    return check_suite(load_suite(path), PageVerifier(CORPUS))


@pytest.mark.integration
def test_a_misquoted_span_is_an_error_that_shows_where_it_departs(tmp_path: Path) -> None:
    path = _suite(
        tmp_path,
        f"- id: waste\n  q: What does the waste partnership save?\n  answer_any: [['£1.5m']]\n"
        f"  evidence:\n  - {{doc: peer, quote: '{WRONG}'}}\n",
    )
    check = _check(path)
    assert [str(e) for e in check.errors] == [
        f"{path}:8: waste: evidence is not in {PEER}: it matches page 8 up to “…making savings” but the "
        "PDF does not go on “every year of £1.5m through working effe…”; copy the words from the page"
    ]
    right = _suite(
        tmp_path,
        f"- id: waste\n  q: Q?\n  answer_any: [['£1.5m']]\n  evidence:\n  - {{doc: peer, quote: '{RIGHT}'}}\n",
    )
    assert _check(right).errors == [] and _check(right).warnings == []


@pytest.mark.integration
def test_a_missing_pdf_is_an_error_naming_the_entry(tmp_path: Path) -> None:
    path = _suite(
        tmp_path, "- id: q1\n  q: Anything?\n  abstain: true\n", documents="  gone: no-such-paper.pdf\n"
    )
    assert [str(e) for e in _check(path).errors] == [
        f"{path}:2: document 'gone' is no-such-paper.pdf, which is not in the corpus folder {CORPUS}"
    ]


@pytest.mark.integration
def test_an_ambiguous_span_and_an_evidence_less_question_are_flagged(tmp_path: Path) -> None:
    pioneer = "2008-11-14-pioneer-somerset-update-report.pdf"
    path = _suite(
        tmp_path,
        "- id: streams\n  q: Which workstreams?\n  answer_any: [['Shared Services']]\n"
        "  evidence:\n  - {doc: pio, quote: 'Shared Services'}\n"
        "- id: bare\n  q: What does the waste partnership save?\n  answer_any: [['£1.5m']]\n",
        documents=f"  pio: {pioneer}\n",
    )
    check = _check(path)
    assert check.errors == []
    ambiguous, bare = (str(w) for w in check.warnings)
    assert ambiguous.startswith(f"{path}:8: streams: evidence “Shared Services” matches ")
    assert "passages (" in ambiguous and "quote more of the passage meant" in ambiguous
    assert (
        bare
        == f"{path}:9: bare is answerable but has no evidence: it is scored on facts only (its citations are not judged)"
    )


@pytest.mark.unit
def test_an_evidence_less_question_is_scored_on_facts_only(tmp_path: Path) -> None:
    case = load_suite(
        _suite(tmp_path, "- id: bare\n  q: Q?\n  answer_any: [['£1.5m', '1.5 million']]\n")
    ).cases[0]
    cited = {
        "answer": "£1.5m [1].", "abstained": False,
        "citations": [{"marker": 1, "file": PEER, "page": 8, "section": None, "quote": RIGHT}],
    }  # fmt: skip
    result = score_case(case, cited, 0.1, PageVerifier(CORPUS))
    assert result.passed and result.facts and result.facts_only
    assert figures([result])["precision"].value is None  # nothing to judge its citations by
    assert figures([result])["verified"].value == 1.0
    wrong = score_case(case, {**cited, "answer": "£2m [1]."}, 0.1, PageVerifier(CORPUS))
    assert wrong.problems == ["answer does not state '£1.5m' (or '1.5 million')"]


@pytest.mark.integration
def test_the_cli_stops_on_broken_gold_and_fails_on_any_failing_question(api: str, tmp_path: Path) -> None:
    broken = _suite(
        tmp_path,
        f"- id: waste\n  q: Q?\n  answer_any: [['£1.5m']]\n  evidence:\n  - {{doc: peer, quote: '{WRONG}'}}\n",
    )
    stopped = CliRunner().invoke(app, ["eval", str(broken), "--url", api])
    assert stopped.exit_code == 2
    assert (
        "the suite's gold does not match the PDFs" in stopped.output
        and "waste: evidence is not in" in stopped.output
    )

    suite = tmp_path / "two.yaml"
    suite.write_text(
        f"documents:\n  peer: {PEER}\nquestions:\n"
        "- id: agency\n  q: What did Somerset Council spend on agency staff in 2023/24?\n"
        "  answer_any: [['£13.1m']]\n"
        "- id: wrong-gold\n  q: What did Somerset Council spend on agency staff in 2023/24?\n"
        "  answer_any: [['£99m', 'ninety-nine million']]\n"
    )
    out = tmp_path / "out"
    lenient = CliRunner().invoke(app, ["eval", str(suite), "--url", api, "--out", str(out)])
    assert lenient.exit_code == 0, lenient.output
    assert lenient.output.splitlines()[-1] == "1 passed, 1 failed"
    assert "suite warning:" in lenient.output and "scored on facts only" in lenient.output
    assert "note: qrels.tsv and run.trec were not written: over HTTP (--url)" in lenient.output
    strict = CliRunner().invoke(app, ["eval", str(suite), "--url", api, "--fail-on-any"])
    assert strict.exit_code == 1, strict.output

    report = (out / "report.md").read_text()
    assert "### agency (two): passed" in report and "### wrong-gold (two): FAILED" in report
    assert "> £13.1m [1]." in report and "Citations:" in report and "p.3" in report
    assert "answer does not state '£99m' (or 'ninety-nine million')" in report
    assert "*Answerable but without gold evidence: scored on facts only.*" in report
    assert "qrels.tsv and run.trec were not written" in report
