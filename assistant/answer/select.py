"""The candidates an answer is chosen from: each sentence, list item and table row of the retrieved
chunks, with its provenance as token sets (heading, list introduction, table labels; document title
and section; the neighbouring sentences), and the checks on its text that the features use (does it
hold the kind of answer asked for, about the period and council asked about).

How much each signal counts is not decided here: see `answer.features` and `answer.weights`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from assistant.answer.injection import is_instruction
from assistant.answer.question import Question, has_date, year_forms
from assistant.retrieve import Hit
from core.councils import gazetteer
from core.records import Chunk, Document, PageSpan, TableInfo, Unit
from core.text import squash
from core.tokens import prefix_head, tokenize

_LEAD_MARKER = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\.?|\([a-z]{1,4}\)|\d{1,2}\.)\s+")
_DATEISH = re.compile(r"^(?:19|20)\d{2}$|^\d{2}/\d{2}$|^(?:19|20)\d{2}/\d{2,4}$|^\d{1,2}(?:st|nd|rd|th)$")
_MONEY = re.compile(
    r"£\s?\d|\b\d[\d,.]*\s*(?:m|bn|million|billion|k)\b|\b\d[\d,.]*\s*per\s+(?:day|week|year)", re.I
)
_PERCENT = re.compile(r"\d\s*%|\bper\s*cent\b|\bpercent\b", re.I)
_WORD_NUMBER = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    r"hundred|thousand|half|quarter|dozen)\b",
    re.I,
)
MONTH_NAME = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"  # "Sept", "September", "Sep."
SPECIFIC_DATE = re.compile(
    rf"\b{MONTH_NAME}\.?\s+(?:19|20)\d{{2}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{MONTH_NAME}",
    re.I,
)
_SELF_REFERENCE = re.compile(r"\bthis\s+(?:report|plan|document|paper|review|update|strategy)\b", re.I)
_ACRONYM = re.compile(r"\b[A-Z][A-Z&]{1,}[a-z]?\b")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]{2,}\b")


# A candidate may be a run of up to this many consecutive units of one section on one page (a two-part
# answer, a label and what it labels, the items after a list's introduction), and that many words.
WINDOW_UNITS = 3
WINDOW_WORDS = 90


@dataclass
class Candidate:
    """A unit, or a short run of consecutive units, that an answer may quote."""

    hit: Hit
    index: int  # position of its first unit in the chunk
    unit: Unit  # its first unit (kind, section, page, table)
    text: str  # the text, whitespace squashed, paragraph marker removed
    tokens: frozenset[str]
    strong: frozenset[str]  # heading, list introduction, table title, headers, row label, row's cells
    weak: frozenset[str]  # document title, date, section
    near: frozenset[str]  # neighbouring sentences of the same paragraph
    coverage: float = 0.0
    type_ok: bool = True
    period_ok: bool = True
    entity_ok: bool = True
    score: float = 0.0  # the ranker's score
    share: float = 0.0  # its softmax among the question's candidates
    missing: set[str] = field(default_factory=set)
    features: np.ndarray | None = None  # its row of answer.features.FEATURES, once featurised
    count: int = 1  # units in the run

    @property
    def last(self) -> Unit:
        return self.chunk.units[self.index + self.count - 1]

    @property
    def start(self) -> int:
        return self.unit.start

    @property
    def end(self) -> int:
        return self.last.end

    @property
    def chunk(self) -> Chunk:
        return self.hit.chunk

    @property
    def doc(self) -> Document:
        return self.hit.doc

    @property
    def table(self) -> TableInfo | None:
        return self.chunk.table_of(self.unit)

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.chunk.id, self.start, self.end)

    @property
    def context(self) -> frozenset[str]:
        return self.strong | self.weak | self.near


def strip_marker(text: str) -> str:
    return _LEAD_MARKER.sub("", text, count=1)


@lru_cache(maxsize=50_000)
def _tokens(text: str) -> frozenset[str]:
    return frozenset(tokenize(text))


@lru_cache(maxsize=1)
def synonyms() -> dict[str, frozenset[str]]:
    """Stem -> the stems of its synonyms (assistant/data/synonyms.yaml)."""
    from importlib import resources

    import yaml

    data = yaml.safe_load(resources.files("assistant.data").joinpath("synonyms.yaml").read_text())
    out: dict[str, set[str]] = {}
    for group in data["groups"]:
        stems = {t for w in group for t in tokenize(str(w))}
        for t in stems:
            out.setdefault(t, set()).update(stems - {t})
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=20_000)
def _council_tokens(text: str) -> frozenset[str]:
    """Tokens of every name of every council `text` mentions: a column headed "SDC £000" is about
    Sedgemoor District Council."""
    g = gazetteer()
    names = " ".join(alias for canon in g.mentioned(text) for alias in g.aliases[canon])
    return _tokens(names) if names else frozenset()


def _intro(chunk: Chunk, index: int) -> str:
    """The line that introduces the list this unit is an item of ("That Full Council:"), if any."""
    unit = chunk.units[index]
    base = (unit.section or "").split(" (")[0].split("(")[0]
    for prev in reversed(chunk.units[:index]):
        if prev.page != unit.page or not (prev.section or "").startswith(base):
            return ""
        text = chunk.unit_text(prev).rstrip()
        if text.endswith((":", ":-")):
            return text
        if prev.kind != "list_item" and prev.block != unit.block:
            return ""
    return ""


def _provenance(
    chunk: Chunk, doc: Document, index: int, count: int = 1
) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    unit = chunk.units[index]
    weak_parts = [doc.title, doc.date or "", unit.section or ""]
    strong_parts = [unit.heading or "", _intro(chunk, index)]
    near_parts = []
    if _SELF_REFERENCE.search(chunk.text[unit.start : chunk.units[index + count - 1].end]):
        strong_parts.append(doc.title)  # "This report has been developed by ...": the document itself
    # The sentence before ("This will aim to ..." leans on it) and the paragraph's first sentence.
    same_block = [i for i, u in enumerate(chunk.units[:index]) if u.block == unit.block]
    for i in {same_block[0], index - 1} if same_block else ():
        near_parts.append(chunk.unit_text(chunk.units[i]))
    table = chunk.table_of(unit)
    if table is not None:
        strong_parts += [table.title or "", table.row_label or "", table.group or ""]
        strong_parts += [h for h in table.headers if h]
        if table.row is not None:  # the other cells of the same row
            for other in chunk.tables:
                if other is not table and other.table_id == table.table_id and other.row == table.row:
                    strong_parts += [c.value for c in other.cells] + [other.row_label or ""]
    strong = " · ".join(strong_parts)
    unit_text = chunk.unit_text(unit)
    councils = _council_tokens(f"{strong} {unit_text}")
    return _tokens(strong) | councils, _tokens(" · ".join(weak_parts)), _tokens(" · ".join(near_parts))


def _paragraph_years(chunk: Chunk, index: int) -> set[str]:
    block = chunk.units[index].block
    out: set[str] = set()
    for unit in chunk.units:
        if unit.block == block:
            out |= year_forms(chunk.unit_text(unit))
    return out


def _runs_on(chunk: Chunk, i: int) -> bool:
    """Whether unit i+1 continues unit i's passage: same section, same page, neither is a table, and
    the next is not a heading (a heading opens what follows it, it does not end a passage)."""
    if i + 1 >= len(chunk.units):
        return False
    a, b = chunk.units[i], chunk.units[i + 1]
    return (
        a.page == b.page
        and a.section == b.section
        and not a.is_table
        and not b.is_table
        and b.kind != "heading"
    )


def candidates(hits: list[Hit], window: int = WINDOW_UNITS) -> list[Candidate]:
    """Every unit of the hits' chunks, and every run of up to `window` consecutive units of one
    passage (one section, one page) within `WINDOW_WORDS`."""
    out = []
    for hit in hits:
        chunk, title = hit.chunk, squash(hit.doc.title)
        for i, unit in enumerate(chunk.units):
            text = squash(chunk.unit_text(unit))
            body = text if unit.is_table else strip_marker(text)
            if len(body) < 3:
                continue
            if body == title or (
                chunk.seq == 0 and i < 3 and unit.kind == "list_item" and body.lower() in title.lower()
            ):
                continue  # the document's own title is provenance, not an answer
            if is_instruction(body):
                continue  # text addressed to an AI system is never evidence (`injection`)
            strong, weak, near = _provenance(chunk, hit.doc, i)
            out.append(Candidate(hit, i, unit, body, _tokens(body), strong, weak, near))
            n = 1
            while n < window and _runs_on(chunk, i + n - 1):
                n += 1
                run_body = strip_marker(squash(chunk.text[unit.start : chunk.units[i + n - 1].end]))
                if len(run_body.split()) > WINDOW_WORDS or is_instruction(run_body):
                    break
                strong, weak, near = _provenance(chunk, hit.doc, i, n)
                tokens = _tokens(run_body)
                out.append(Candidate(hit, i, unit, run_body, tokens, strong, weak, near - tokens, count=n))
    return out


def _figures(text: str) -> list[tuple[int, str]]:
    """(word position, token) of each figure that is not a date: "£4.1m", "14", "nine"."""
    out = []
    for pos, word in enumerate(text.split()):
        w = word.strip(".,;:()[]“”\"'‘’").lower()
        if not w:
            continue
        if w[0].isdigit() or w[0] == "£":
            bare = w.lstrip("£")
            if bare and not _DATEISH.match(bare):
                out.append((pos, w))
        elif _WORD_NUMBER.fullmatch(w):
            out.append((pos, w))
    return out


def _count_ok(text: str, nouns: set[str]) -> bool:
    """A figure within four words of what is being counted: "14 councillors", "workstreams, nine in all"."""
    words = text.split()
    figures = [p for p, _ in _figures(text)]
    if not figures:
        return False
    if not nouns:
        return True
    places = [i for i, w in enumerate(words) if any(n in _tokens(w) for n in nouns)]
    return any(abs(p - q) <= 4 for p in figures for q in places)


def _name_ok(text: str, question: Question, lowercase_words: set[str], known: str = "") -> bool:
    """A person's or body's name that the question does not already give: a capitalised word the
    corpus never writes in lower case ("Pallister", "Bridgwater"), or an acronym ("SICT"). Words of
    the document's own title and the councils the question names (`known`) are the subject, not an
    answer."""
    asked = f"{question.text} {known}"
    for m in _ACRONYM.finditer(text):
        # "SICT" names a body; "UNRESTRICTED ITEMS" is a heading in capitals.
        if m.group(0) not in asked and m.group(0).lower() not in lowercase_words:
            return True
    for m in _CAPITALISED.finditer(text):
        w = m.group(0)
        if w.lower() not in lowercase_words and w not in asked and m.start() > 0:
            return True
    return False


# A person as papers name them: "Mr Wagner", "Mrs Jackie Meade", "Cllr A Brown", "Dr Sullivan".
_HONORIFIC_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Dr|Sir|Dame|Lord|Lady|Councillor|Cllr)\.?\s+(?:[A-Z]\.?\s+)*[A-Z][a-z]+"
)
_TWO_NAMES = re.compile(r"\b([A-Z][a-z]+)\s+([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\b")


def _person_ok(text: str, question: Question, lowercase_words: set[str]) -> bool:
    """A person's name the question does not already give: a title and a name ("Mr Wagner"), or a
    first name and surname neither of which the corpus writes in lower case ("Joanne Burston")."""
    for m in _HONORIFIC_NAME.finditer(text):
        if m.group(0).split()[-1] not in question.text:
            return True
    for m in _TWO_NAMES.finditer(text):
        first, last = m.groups()
        if (
            first.lower() not in lowercase_words
            and last.lower() not in lowercase_words
            and last not in question.text
        ):
            return True
    return False


@lru_cache(maxsize=256)
def _council_names(councils: tuple[str, ...]) -> str:
    """Every spelling of the councils a question names: they are its subject, not an answer to "who"."""
    g = gazetteer()
    return " ".join(a for canon in councils for a in g.aliases.get(canon, ()))


def type_ok(
    question: Question, text: str, table: TableInfo | None, lowercase_words: set[str], title: str = ""
) -> bool:
    kind = question.answer_type
    if kind is None:
        return True
    if kind == "date":
        return has_date(text)
    if kind == "percent":
        return bool(_PERCENT.search(text))
    if kind == "count":
        if table is not None and question.count_noun and _figures(text):
            labels = " ".join([table.title or "", *table.headers])
            if any(n in _tokens(labels) for n in question.count_noun):
                return True  # "Table 3 – Days per Month": the table says what its figures count
        return _count_ok(text, question.count_noun)
    if kind == "money":
        in_money_table = table is not None and any((c.unit or "").startswith("£") for c in table.cells)
        return bool(_MONEY.search(text) or _PERCENT.search(text)) or (in_money_table and bool(_figures(text)))
    if kind == "quantity":
        return bool(_figures(text))
    if kind == "who" and question.person:
        return _person_ok(text, question, lowercase_words)
    if kind == "who":
        return _name_ok(
            text, question, lowercase_words, f"{title} {_council_names(tuple(question.councils))}"
        )
    return True


def _figure_near(text: str, terms: set[str], window: int = 5) -> bool:
    words = text.split()
    places = [i for i, w in enumerate(words) if _tokens(w) & terms]
    return any(abs(p - q) <= window for p, _ in _figures(text) for q in places)


def prefix_match(term: str, tokens: frozenset[str]) -> bool:
    """Morphology the stemmer misses: "apprentic" ~ "apprenticeship", "overspend" ~ "overspent"."""
    head = prefix_head(term)
    return head is not None and any(tok.startswith(head) for tok in tokens)


def _council_ok(question: Question, c: Candidate) -> bool:
    """A question about one council is not answered by a passage about another: the councils the
    passage names decide, and only a passage that names none leans on its document's councils."""
    g = gazetteer()
    named = set(g.mentioned(c.text)) or set(c.doc.councils)
    return bool(named & set(question.councils)) or not named


def ranked(cands: list[Candidate]) -> list[Candidate]:
    seen: set[tuple[str, int, int]] = set()
    out = []
    for c in sorted(cands, key=lambda c: -c.score):
        if c.key in seen:
            continue
        seen.add(c.key)
        out.append(c)
    return out


def best_page(question: Question, c: Candidate, lowercase_words: set[str]) -> int:
    """For a sentence that runs across a page break, the page whose part answers the question: a
    quote must lie on one page, so it should be the part that holds the answer."""
    spans = unit_spans(c)
    if len(spans) < 2:
        return c.unit.page
    weights = {**question.weights, **question.carried}

    def merit(sp: PageSpan) -> tuple[bool, float, int]:
        lo = max(c.start, sp.offset)
        hi = min(c.end, sp.offset + sp.end - sp.start)
        part = c.chunk.text[lo:hi]
        toks = _tokens(part)
        return (
            type_ok(question, part, c.table, lowercase_words),
            sum(w for t, w in weights.items() if t in toks),
            hi - lo,
        )

    return max(spans, key=merit).page


def unit_spans(c: Candidate) -> list[PageSpan]:
    """The page runs of the chunk that a unit's text overlaps: more than one when it runs across a
    page break."""
    return [sp for sp in c.chunk.spans if sp.offset < c.end and sp.offset + sp.end - sp.start > c.start]
