"""Check a suite's gold against the PDFs before any question is asked.

An evaluator's own suite can be wrong in ways that would otherwise be blamed on the assistant:
- a `documents:` entry naming a PDF that is not in the corpus folder (an error);
- an evidence quote that is not in its PDF, such as "every year" typed for "year on year" (an
  error: no citation could ever cover it);
- an evidence quote so short that it occurs more than once ("Shared Services"), so a citation of an
  unrelated passage covers it and a wrong answer counts as cited (a warning: quote more);
- an answerable question with no evidence, whose every citation would count as uncovered (a
  warning: such questions are scored on facts only).
Quotes are compared with the pages as the verifier reads them (`evals.verify`: pdftotext, with
pypdf as the second opinion) under the same normalisation (`evals.normalise.key`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from evals.normalise import key
from evals.suite import Case, Evidence, Suite
from evals.verify import PageVerifier

# How much of a misquoted span to show on each side of where it stops matching the PDF.
SHOWN_CHARS = 40


@dataclass(frozen=True)
class GoldProblem:
    where: str  # "evals/suites/mine.yaml:12"
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class GoldCheck:
    errors: list[GoldProblem] = field(default_factory=list)
    warnings: list[GoldProblem] = field(default_factory=list)

    def extend(self, other: GoldCheck) -> None:
        self.errors += other.errors
        self.warnings += other.warnings


def facts_only(case: Case) -> bool:
    """An answerable question without evidence: its citations cannot be judged, only its facts."""
    return not case.abstain and not case.evidence


def check_suite(suite: Suite, verifier: PageVerifier) -> GoldCheck:
    out = GoldCheck()
    missing: set[str] = set()
    for name, file in suite.documents.items():
        if not (verifier.corpus_dir / file).is_file():
            missing.add(file)
            out.errors.append(
                GoldProblem(
                    f"{suite.path}:{suite.document_lines.get(name, 0)}",
                    f"document {name!r} is {file}, which is not in the corpus folder {verifier.corpus_dir}",
                )
            )
    for case in suite.cases:
        if facts_only(case):
            out.warnings.append(
                GoldProblem(
                    f"{suite.path}:{case.line}",
                    f"{case.id} is answerable but has no evidence: it is scored on facts only "
                    "(its citations are not judged)",
                )
            )
        for ev in case.evidence:
            if ev.file in missing:
                continue
            problem = _misquoted(case, ev, verifier)
            if problem:
                out.errors.append(GoldProblem(f"{suite.path}:{ev.line}", problem))
                continue
            places = _occurrences(ev.quote, suite, verifier, missing)
            if len(places) > 1:
                shown = ", ".join(f"{file} p.{page}" for file, page in places[:6])
                more = f" and {len(places) - 6} more" if len(places) > 6 else ""
                out.warnings.append(
                    GoldProblem(
                        f"{suite.path}:{ev.line}",
                        f"{case.id}: evidence “{ev.quote}” matches {len(places)} passages ({shown}{more}), "
                        "so citing any of them counts as citing it; quote more of the passage meant",
                    )
                )
    return out


def _misquoted(case: Case, ev: Evidence, verifier: PageVerifier) -> str | None:
    """None when the quote is on a page of its PDF; else where it stops matching."""
    pages = verifier.pages(ev.file)
    k = key(ev.quote)
    if any(k in p for reader in pages for p in reader):
        return None
    # The longest start of the quote found on some page, to show where it departs from the PDF.
    best, page = 0, None
    for reader in pages:
        for n, text in enumerate(reader, start=1):
            lo, hi = best, len(k)
            while lo < hi:
                mid = (lo + hi + 1) // 2
                if k[:mid] in text:
                    lo = mid
                else:
                    hi = mid - 1
            if lo > best:
                best, page = lo, n
    if page is None or best == 0:
        return f"{case.id}: evidence “{ev.quote}” is not in {ev.file} (no part of its start is on any page)"
    cut = _offset_in(ev.quote, best)
    before = ev.quote[max(0, cut - SHOWN_CHARS) : cut].rstrip()
    after = ev.quote[cut:].lstrip()[:SHOWN_CHARS]
    return (
        f"{case.id}: evidence is not in {ev.file}: it matches page {page} up to “…{before}” but the PDF "
        f"does not go on “{after}…”; copy the words from the page"
    )


def _offset_in(quote: str, keyed: int) -> int:
    """The offset in `quote` where its first `keyed` characters of `key(quote)` end."""
    for i in range(len(quote) + 1):
        if len(key(quote[:i])) >= keyed:
            return i
    return len(quote)


def _occurrences(
    quote: str, suite: Suite, verifier: PageVerifier, missing: set[str]
) -> list[tuple[str, int]]:
    """Every (file, page) of the suite's documents where the quote occurs, once per occurrence."""
    k = key(quote)
    out: list[tuple[str, int]] = []
    for file in dict.fromkeys(suite.documents.values()):
        if file in missing:
            continue
        for n, text in enumerate(verifier.pages(file)[0], start=1):
            out += [(file, n)] * text.count(k)
    return out
