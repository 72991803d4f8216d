"""Computations over tables, found the way an officer reads one: rows by their label, columns by their
header (a council's abbreviation, a group of councils, or a header the question names).

- a sum across a row: "the five district councils' NI 179 targets", "Mendip, Taunton Deane and West
  Somerset's total efficiency target";
- a sum down a column: "Shared Services and Customer Access in the Total column of Table 4";
- a check of a total the question states: "Table 3 puts the Programme Team total at 59.0 days: is
  that right?" recomputes that total from the cells it adds up.
Every figure comes from the table's own cells (Figure facts, with their row as the quote).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.answer.question import Question, asking_clause, same_period, year_forms
from assistant.answer.router import Computed, Operand, TableRow, row_quote
from assistant.answer.select import synonyms
from assistant.tools import arithmetic
from core.councils import gazetteer
from core.money import Amount, find_money, format_money, parse_number
from core.tokens import tokenize

_TABLE = re.compile(r"\btable\s+(\d+)\b", re.I)
_TOTAL = re.compile(r"\btotal\b", re.I)
_LESS = re.compile(r"^\s*less\b", re.I)
_STATED = re.compile(r"(?<![\w.,/])(\d{1,3}(?:,\d{3})+|\d+\.\d+|\d{3,})(?![\d/%])")
MIN_LABEL_MATCH = 0.5  # share of a row label's own words the question must use to name that row


def council_of(header: str) -> str | None:
    g = gazetteer()
    return next((c for tok in re.findall(r"[A-Z]{2,}", header) if (c := g.canonical(tok))), None)


@lru_cache(maxsize=65536)
def label_words(text: str) -> frozenset[str]:
    """A label's own words, without council names, numbers or the word total. Cached: every table
    lookup reads every row label of the documents in scope."""
    g = gazetteer()
    councils = {t for canon in g.mentioned(text) for name in g.aliases[canon] for t in tokenize(name)}
    return frozenset(t for t in tokenize(text) if not t[0].isdigit() and t != "total") - councils


def in_named_table(text: str, rows: Iterable[TableRow]) -> list[TableRow]:
    """The rows of the table the question names ("Table 5"), its parts on later pages included, or
    all rows when it names none."""
    rows = list(rows)
    m = _TABLE.search(text)
    if not m:
        return rows
    name = f"Table {m.group(1)}"
    return [r for r in rows if r.table_id == f"table-{m.group(1)}" or (r.title or "").split(" –")[0] == name]


def asked_words(q: Question) -> set[str]:
    """The words a question can name a row by: only a row whose label uses one can be `named_rows`."""
    return set(tokenize(q.text)) | set(q.carried)


def _spelled(q: Question) -> set[str]:
    """The words of the acronyms a question uses that the documents define ("GET" -> growth,
    environ, transport): they name a table row as its label writes it."""
    return {t for words in q.alternatives.values() for t in words}


def named_rows(q: Question, rows: list[TableRow]) -> list[TableRow]:
    """Rows whose label the question uses, best match first."""
    asked = asked_words(q)
    scored = []
    for r in rows:
        own = label_words(r.label)
        if not own:
            continue
        share = len(own & asked) / len(own)
        total_asked = bool(_TOTAL.search(q.text)) == bool(_TOTAL.search(r.label))
        if share >= MIN_LABEL_MATCH:
            scored.append((share + 0.1 * total_asked, r))
    return [r for _, r in sorted(scored, key=lambda t: -t[0])]


def _council_columns(row: TableRow, councils: list[str]) -> list[str]:
    return [h for h in row.cells if not _TOTAL.search(h) and council_of(h) in councils]


def _header_columns(row: TableRow, q: Question) -> list[str]:
    asked = set(tokenize(q.text))
    return [h for h in row.cells if (words := set(tokenize(h)) - {"000"}) and words <= asked | {"£000", "£"}]


def cell_value(cell: str) -> float | None:
    """The figure a table cell holds, as the table tools compare it."""
    value = arithmetic.parse_cell(cell).value
    return float(value) if value is not None else None


def _value(row: TableRow, header: str) -> float | None:
    return cell_value(row.cells.get(header, ""))


def stated_values(text: str) -> set[float]:
    """The figures a question states ("the stated £15.6m", "38,000"), as `table_check` reads them."""
    return {v for v in (parse_number(m.group(1)) for m in _STATED.finditer(text)) if v is not None}


def _operand(row: TableRow, header: str) -> Operand | None:
    v = _value(row, header)
    if v is None:
        return None
    return Operand(f"{row.label} · {header}", Amount(v, "", text=row.cells[header]), row_quote(row))


def _in_pounds(result_value: float, row: TableRow, header: str) -> str | None:
    unit, scale = row.units.get(header, (None, 1.0))
    if unit and scale != 1:
        return (
            f"the table's figures are in {unit}: {result_value:,} × {scale:,.0f} = "
            f"{format_money(result_value * scale, style='exact')}"
        )
    return None


def table_sum(text: str, q: Question, rows: list[TableRow]) -> Computed | None:
    """A sum across a row (named councils or a group) or down a column (named rows)."""
    rows = in_named_table(text, rows)
    group = gazetteer().group(text)
    councils = q.councils if len(q.councils) >= 2 else (list(group[1]) if group else [])
    candidates = named_rows(q, rows)
    if councils:
        for row in candidates[:3]:
            cols = _council_columns(row, councils)
            ops = [op for h in cols if (op := _operand(row, h)) is not None]
            if len(ops) >= 2:
                return _summed(ops, row, cols[0])
    if len(candidates) >= 2:
        tables = {(r.doc.doc_id, r.table_id) for r in candidates[:2]}
        if len(tables) == 1:
            pair = [r for r in candidates if (r.doc.doc_id, r.table_id) in tables]
            cols = _header_columns(pair[0], q) or [h for h in pair[0].cells if _TOTAL.search(h)]
            if cols:
                asked = set(tokenize(q.text))
                # Rows the question names in full ("Shared Services and Customer Access"); only
                # where fewer than two are, rows that share a word with it ("Service Devolution").
                whole = [r for r in pair if label_words(r.label) and label_words(r.label) <= asked]
                if len(whole) == 1:
                    return None  # "the total for the Shared Services workstream" is that row's total
                chosen = (whole if len(whole) >= 2 else [r for r in pair if label_words(r.label) & asked])[:6]
                ops = [op for r in chosen if (op := _operand(r, cols[0])) is not None]
                if len(ops) >= 2:
                    return _summed(ops, chosen[0], cols[0])
    return None


def table_average(text: str, q: Question, rows: list[TableRow]) -> Computed | None:
    """ "The average target per district council": the mean of the cells `table_sum` would add."""
    summed = table_sum(text, q, rows)
    if summed is None:
        return None
    ops = summed.operands
    result = arithmetic.average([o.amount for o in ops], len(ops), "each")
    header = ops[0].label.split(" · ")[-1]
    row = next((r for r in rows if f"{r.label} · {header}" == ops[0].label), None)
    if row is not None and (note := _in_pounds(float(result.output), row, header)):
        result.notes.append(note)
    parts = ", ".join(f"{o.amount.text} ({o.label})" for o in ops)
    return Computed(result, ops, f"The average of {parts}: {result.formula}.")


def _summed(ops: list[Operand], row: TableRow, header: str) -> Computed:
    result = arithmetic.total([o.amount for o in ops])
    if note := _in_pounds(float(result.output), row, header):
        result.notes.append(note)
    parts = ", ".join(f"{o.amount.text} ({o.label})" for o in ops)
    return Computed(result, ops, f"Adding {parts}: {result.formula}{_counted(row)}.")


# "Table 3 – Days per Month": what a table's figures count, from its title.
_COUNTS_PER = re.compile(r"[-–:]\s*(\w+\s+(?:per|a|/)\s+\w+)\s*$", re.I)


def _counted(row: TableRow) -> str:
    """ " days per month" when the table's title says its figures count days per month, so a sum of
    its figures says what it counts."""
    m = _COUNTS_PER.search(row.title or "")
    return f" {m.group(1).lower()}" if m else ""


@dataclass
class _Total:
    row: TableRow
    header: str
    parts: list[Operand]
    subtract: list[Operand]


def _components(table: list[TableRow], row: TableRow, header: str) -> _Total | None:
    """What a total cell adds up: the row's other cells for a total column; the cells above it in
    its column for a total row (only the rows whose label it repeats, when some do)."""
    if _TOTAL.search(header):
        plus: list[Operand] = []
        minus: list[Operand] = []
        for h in row.cells:
            if h == header or _TOTAL.search(h):
                continue
            op = _operand(row, h)
            if op is not None:
                (minus if _LESS.search(h) else plus).append(op)
        return _Total(row, header, plus, minus) if len(plus) >= 2 else None
    if _TOTAL.search(row.label):
        above = [r for r in table[: table.index(row)] if not _TOTAL.search(r.label)]
        key = label_words(row.label)
        named = [r for r in above if key and key <= label_words(r.label)]
        parts = [op for r in (named or above) if (op := _operand(r, header)) is not None]
        return _Total(row, header, parts, []) if len(parts) >= 2 else None
    return None


def names_table(text: str) -> bool:
    return _TABLE.search(text) is not None


def table_check(text: str, q: Question, rows: list[TableRow]) -> Computed | None:
    """A total the question states, recomputed from what it adds up in the table that holds it; or,
    where it states none, the total of the table it names that its words name ("Does the Programme
    Team total in Table 3 add up?")."""
    stated = stated_values(text)
    if not stated and not names_table(text):
        return None
    rows = in_named_table(text, rows)
    asked = set(tokenize(text))
    found: list[tuple[int, _Total, float]] = []
    tables: dict[tuple[str, str], list[TableRow]] = {}
    for r in rows:
        tables.setdefault((r.doc.doc_id, r.table_id), []).append(r)
    for table in tables.values():
        for row in table:
            for header in row.cells:
                value = _value(row, header)
                if value is None or (stated and value not in stated):
                    continue
                if not stated and (not value or not (_TOTAL.search(row.label) or _TOTAL.search(header))):
                    continue  # named by words only: a total the table labels as one
                total = _components(table, row, header)
                if total is None:
                    continue
                named = len((label_words(row.label) | set(tokenize(header))) & asked)
                named += council_of(header) in q.councils  # "the SSDC total": the SSDC column
                found.append((named, total, value))
    if not stated:
        # No figure to find the total by: the one the question's words name, when one is named best.
        found.sort(key=lambda t: -t[0])
        if not found or found[0][0] == 0 or (len(found) > 1 and found[1][0] == found[0][0]):
            return None
    if not found:
        return None
    _, total, value = max(found, key=lambda t: t[0])
    parts = [o.amount for o in total.parts] + [
        Amount(-o.amount.value, "", text=f"−{o.amount.text}") for o in total.subtract
    ]
    result = arithmetic.totals_check(parts, Amount(value, "", text=total.row.cells[total.header]))
    ops = [*total.parts, *total.subtract]
    label = f"{total.row.label} · {total.header}"
    verdict = result.notes[0] if result.notes else ""
    return Computed(
        result, ops, f"The stated {label} of {total.row.cells[total.header]} {verdict}: {result.formula}."
    )


def _council_cells(q: Question, rows: list[TableRow], count: int) -> tuple[TableRow, list[str]] | None:
    """The best-named row that has a cell for each of the first `count` councils the question names."""
    if len(q.councils) < count:
        return None
    for row in named_rows(q, rows)[:3]:
        cols = []
        for council in q.councils[:count]:
            col = next((h for h in row.cells if not _TOTAL.search(h) and council_of(h) == council), None)
            if col is None:
                break
            cols.append(col)
        if len(cols) == count:
            return row, cols
    return None


ROUGHLY_FROM = 10  # a ratio at least this large is also said in whole units ("about 39 times")


def ratio_words(value: float, unit: str) -> str:
    """What a ratio counts, said after it: " days", " times, about 39 times"."""
    about = f", about {round(value):,} {unit}" if value >= ROUGHLY_FROM and round(value) != value else ""
    return f" {unit}{about}"


def table_ratio(q: Question, rows: list[TableRow]) -> Computed | None:
    """ "How many times bigger is SCC's target than Mendip's?": two councils' cells of a row."""
    found = _council_cells(q, rows, 2)
    if found is None:
        return None
    row, cols = found
    ops = [op for h in cols if (op := _operand(row, h)) is not None]
    if len(ops) != 2 or not ops[1].amount.value:
        return None
    result = arithmetic.ratio(ops[0].amount, ops[1].amount)
    said = ratio_words(float(result.output), "times")
    return Computed(result, ops, f"{ops[0].label} over {ops[1].label}: {result.formula}{said}.")


def table_difference(q: Question, rows: list[TableRow]) -> Computed | None:
    """ "How much bigger is South Somerset's target than Sedgemoor's?": two councils' cells of a row."""
    found = _council_cells(q, rows, 2)
    if found is None:
        return None
    row, cols = found
    ops = [op for h in cols if (op := _operand(row, h)) is not None]
    if len(ops) != 2:
        return None
    result = arithmetic.difference(ops[0].amount, ops[1].amount)
    if note := _in_pounds(float(result.output), row, cols[0]):
        result.notes.append(note)
    return Computed(result, ops, f"{ops[0].label} less {ops[1].label}: {result.formula}{_counted(row)}.")


def _holds_given(text: str, row: TableRow) -> bool:
    """Whether a row holds every money figure the question states (none stated: it does)."""
    given = [a.value for _, a in find_money(text)]
    held = set()
    for header, cell in row.cells.items():
        value = cell_value(cell)
        if value is not None:
            held |= {round(value * row.units.get(header, (None, 1.0))[1]), round(value)}
    return all(round(v) in held for v in given)


def table_share(text: str, q: Question, rows: list[TableRow]) -> Computed | None:
    """ "What share of the total falls on SCC?": a council's cell over its row's total."""
    found = _council_cells(q, in_named_table(text, rows), 1)
    if found is None:
        return None
    row, (col,) = found
    if not _holds_given(text, row):
        return None  # "the £11.9m savings target" as a share of something: not this row's figures
    total = next((h for h in row.cells if _TOTAL.search(h)), None)
    part, whole = _operand(row, col), _operand(row, total) if total else None
    if part is None or whole is None or not whole.amount.value:
        return None
    result = arithmetic.share(part.amount, whole.amount)
    return Computed(result, [part, whole], f"{part.label} as a share of {whole.label}: {result.formula}.")


def given_share(text: str, q: Question, rows: list[TableRow]) -> Computed | None:
    """ "What percentage of the total efficiency target in Table 5 does the £20m represent?": the
    figure the question gives, over the total of the table row it names."""
    _, given = given_roles(text)
    parts = list({a.value: a for a in given}.values())  # "£20 million ... the £20m" is one figure
    if len(parts) != 1 or parts[0].unit != "£":
        return None
    asked = asked_words(q)
    for row in named_rows(q, in_named_table(text, rows))[:1]:
        if not label_words(row.label) <= asked:
            return None  # the whole is a row the question names in full, not one sharing a word
        total = next((h for h in row.cells if _TOTAL.search(h)), None)
        whole = _operand(row, total) if total else None
        if total is None or whole is None or not whole.amount.value:
            return None
        unit, scale = row.units.get(total, (None, 1.0))
        text = f"{whole.amount.text} ({unit})" if unit and scale != 1 else whole.amount.text
        pounds = Amount(whole.amount.value * scale, "£", text=text)
        result = arithmetic.share(parts[0], pounds)
        part = Operand("given in the question", parts[0], None)
        return Computed(
            result,
            [part, Operand(whole.label, pounds, whole.quote)],
            f"{parts[0].text} as a share of {whole.label}: {result.formula}.",
        )
    return None


# "What share of the £2.5m pot would go to SSDC?": a figure right after "share of" is the whole;
# "What percentage of the budget did the £11.9m target represent?": a figure elsewhere is the part.
_OF_WHOLE = re.compile(
    r"\b(?:share|proportion|percentage|fraction|per\s*cent)\s+of\s+(?:the\s+|a\s+|an\s+)?$", re.I
)


def given_roles(text: str) -> tuple[list[Amount], list[Amount]]:
    """The money figures a share question states, as (wholes, parts)."""
    wholes: list[Amount] = []
    parts: list[Amount] = []
    for span, a in find_money(text):
        (wholes if _OF_WHOLE.search(text[: span[0]]) else parts).append(a)
    return wholes, parts


LOOKUP_LABEL_SHARE = 0.67  # share of a row label's own words a question must use to look that row up


@dataclass
class Lookup:
    row: TableRow
    header: str
    value: str


LOOKUP_KEY_COVER = 0.7  # share of the question's own key weight the row, column and table must account for


@dataclass(frozen=True)
class LookupTerms:
    """The words a table lookup reads a question by. An acronym the documents define names a row by
    its words: "GET" is the row "Growth, Environment & Transport"."""

    q: Question
    direct: set[str]  # the question's words and its acronyms' words
    asked: set[str]  # those and their synonyms
    key: dict[str, float]  # its key words and its acronyms' words, with their weights
    # label -> its `label_share`, worked out once per question: the table store tests each distinct
    # label, and the lookup then ranks the rows that passed by the same figures
    _shares: dict[str, tuple[float, int] | None] = field(default_factory=dict, compare=False)

    @property
    def words(self) -> set[str]:
        """Only a row whose label uses one of these can be a `table_lookup`."""
        return set(self.key)

    @classmethod
    def of(cls, text: str, q: Question) -> LookupTerms:
        spelled = _spelled(q)
        direct = set(tokenize(text)) | spelled
        asked = direct | {s for t in direct for s in _synonyms_of(t)}
        key = {t: w for t, w in q.weights.items() if w >= 1.0} | {t: 1.0 for t in spelled}
        return cls(q, direct, asked, key)

    def names(self, label: str) -> bool:
        """Whether a row label can be the row of a `table_lookup` of this question (the table store
        applies it once per distinct label, so rows that cannot be named are never built)."""
        return self.label_share(label) is not None

    def label_share(self, label: str) -> tuple[float, int] | None:
        """(share of the label's words the question uses, minus their count) for a label that uses
        a key word of the question, names enough of itself and is of the period asked about."""
        if label not in self._shares:
            self._shares[label] = self._share(label)
        return self._shares[label]

    def _share(self, label: str) -> tuple[float, int] | None:
        own = label_words(label)
        if not own or not (own & self.key.keys()):
            return None
        share = len(own & self.direct) / len(own)
        if share < LOOKUP_LABEL_SHARE:
            return None
        years = self.q.years
        if years and year_forms(label) and not same_period(years, year_forms(label)):
            return None
        return share, -len(own)


@lru_cache(maxsize=65536)
def _title_words(title: str) -> frozenset[str]:
    """A document title's words and their synonyms. Cached: a lookup compares the titles of every
    document whose table holds the row named, and titles do not change between questions."""
    titled = set(tokenize(title))
    return frozenset(titled | {s for t in titled for s in _synonyms_of(t)})


def table_lookup(
    text: str, q: Question, rows: list[TableRow], terms: LookupTerms | None = None
) -> Lookup | None:
    """A cell the question names by its row and its column: "Which council led the Customer
    workstream?" (row Customer, column Lead), "West Somerset's total efficiency target by 2010-11"
    (row Total Efficiency Target by 2010-11, column WSDC). Only when one cell is named that well,
    of the period the question asks about, and the row, column and table account for what the
    question is about (otherwise it asks something a table row does not say)."""
    rows = in_named_table(text, rows)
    terms = terms or LookupTerms.of(text, q)
    asked, key = terms.asked, terms.key
    # A label is judged once however many rows carry it (an appendix filed under many meetings).
    scored: list[tuple[float, int, TableRow]] = []
    for r in rows:
        label_share = terms.label_share(r.label)
        if label_share is not None:
            scored.append((*label_share, r))
    if not scored:
        return None
    scored.sort(key=lambda t: (-t[0], t[1]))
    best_share, best_len = scored[0][0], scored[0][1]
    found: list[tuple[float, Lookup]] = []
    # Rows alike in label, title, cells and the key words of their document's title (the same
    # appendix filed under several meetings) are judged alike: judged once.
    relevant = set(key) | {t for words in q.alternatives.values() for t in words}
    judged: dict[tuple, tuple[str | None, float, bool]] = {}
    title_keys: dict[str, frozenset[str]] = {}  # a document title -> its words the question cares about
    for share, length, row in scored:
        if (share, length) != (best_share, best_len):
            if found or share < best_share:
                break
            # The rows named most fully have no column the question names ("Pages" of a contents
            # table): the next-longest labels named as fully are looked at.
            best_len = length
        if row.doc.title not in title_keys:
            title_keys[row.doc.title] = _title_words(row.doc.title) & relevant
        alike = (row.label, row.title, tuple(row.cells.items()), title_keys[row.doc.title])
        if alike not in judged:
            judged[alike] = _judge_cell(row, q, asked, key)
        header, strength, covers = judged[alike]
        if header is not None and covers:
            found.append((strength, Lookup(row, header, row.cells[header])))
    if not found:
        return None
    found.sort(key=lambda t: -t[0])
    if len(found) > 1 and found[0][0] == found[1][0] and found[0][1].value != found[1][1].value:
        return None  # two cells named as well as each other: not a lookup
    return found[0][1]


def _judge_cell(
    row: TableRow, q: Question, asked: set[str], key: dict[str, float]
) -> tuple[str | None, float, bool]:
    """The column a question names in `row`, how firmly, and whether the row, column and table
    account for enough of the question's key words (`LOOKUP_KEY_COVER`) or a council it names."""
    header, strength = _named_column(row, q, asked)
    if header is None or not row.cells.get(header) or not _fits_cell(q, row.cells[header]):
        return None, 0, False
    # The labels' column names what the rows are: "the Customer workstream" is row Customer of
    # a table whose labels are headed "Workstream".
    labels = row.label_header or ""
    context = set(tokenize(f"{row.label} {header} {labels} {row.title or ''} {row.doc.title}"))
    context |= set(tokenize(labels.replace(" ", "")))  # "Work stream" is the question's "workstream"
    context |= {s for t in context for s in _synonyms_of(t)}
    context |= {t for c in q.councils if council_of(header) == c for t in tokenize(c)}
    covered = sum(
        w for t, w in key.items() if t in context or (t in q.alternatives and q.alternatives[t] <= context)
    )
    enough = covered / (sum(key.values()) or 1.0) >= LOOKUP_KEY_COVER or council_of(header) in q.councils
    return header, strength, enough


def _fits_cell(q: Question, value: str) -> bool:
    """Whether a cell can hold the kind of answer asked: "Who leads ...?" is answered by a name
    ("TDBC"), not by a figure ("2.0 4.0" in "Lead Officers"); "How much ...?" by a figure."""
    if q.answer_type == "who":
        return bool(re.search(r"[A-Za-z]", value))
    if q.answer_type in ("money", "percent", "count", "quantity"):
        return bool(re.search(r"\d", value))
    return True


def _named_column(row: TableRow, q: Question, asked: set[str]) -> tuple[str | None, float]:
    """The column a question names in a row, and how firmly: a council it names (3), words of a
    header (2), or the row's only column (1)."""
    for council in q.councils:
        header = next((h for h in row.cells if council_of(h) == council and not _TOTAL.search(h)), None)
        if header is not None:
            return header, 3
    named = []
    head = _head_words(q.text)
    for h in row.cells:
        words = set(tokenize(h)) - {"000", "£000"}
        if words and (hit := len(words & asked)):
            named.append((bool(words & head), hit / len(words), h))
    if named:
        _, share, header = max(named)
        # "Lead" names the Lead column better than "Lead officers" does; and the thing asked for
        # ("What overspend was ... forecasting?") names its column before a word that only
        # describes it ("Variance", not "Forecast").
        return header, 2 + share
    if len(row.cells) == 1:
        return next(iter(row.cells)), 1
    return None, 0


_ASKED_HEAD = re.compile(
    r"^\s*(?:and\s+)?(?:what|which)\s+(?:(?:was|is|were|are)\s+)?(?:the\s+)?"
    r"((?:[a-z][\w-]*\s+){0,3}?[a-z][\w-]*)\s+"
    r"(?:was|is|were|are|did|does|do|will|would|has|have|had|for|of|in|on|at|by|to)\b",
    re.I,
)


@lru_cache(maxsize=1024)
def _head_words(text: str) -> frozenset[str]:
    """The stems (with synonyms) of the noun a question asks for, the last word of the phrase after
    "what": "What overspend was ..." and "What is the forecast variance for ..." ask for an
    overspend and a variance."""
    m = _ASKED_HEAD.match(asking_clause(text))
    if m is None:
        return frozenset()
    stems = set(tokenize(m.group(1).split()[-1]))
    return frozenset(stems | {s for t in stems for s in _synonyms_of(t)})


def _synonyms_of(term: str) -> frozenset[str]:
    return synonyms().get(term, frozenset())
