"""The records that flow from a PDF to an answer: documents, chunks, units, tables and facts.

One typed, frozen record per concept, shared by `ingest` (which writes them), `index` (which stores
them) and `assistant` (which reads them). They become dicts only at the storage edge, through
`to_dict()` and `from_dict()`, the way haystack's `Document` does; everything in between reads
attributes, so a misspelt field is a type error rather than a `KeyError` at answer time.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import types
from collections.abc import Callable, Iterable
from typing import Any, Literal, TypeVar, Union, cast, get_args, get_origin, get_type_hints

R = TypeVar("R", bound="Record")

Audience = Literal["public", "staff", "members", "confidential"]
AUDIENCES: tuple[Audience, ...] = ("public", "staff", "members", "confidential")
UnitKind = Literal["heading", "sentence", "list_item", "table_row", "table_header", "table_cell"]
TABLE_KINDS: frozenset[str] = frozenset({"table_row", "table_header", "table_cell"})
ChunkKind = Literal["text", "table"]
TargetKind = Literal["target", "requirement", "reduction"]
DecisionKind = Literal["resolution", "amendment", "motion", "decision", "recommendation"]
DecisionStatus = Literal[
    "proposed", "agreed", "carried", "lost", "deferred", "called in", "referred", "noted", "withdrawn"
]


class Record:
    """`to_dict`/`from_dict` for a frozen dataclass whose fields are plain values, tuples of them,
    or other records."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(cast(Any, self))}

    @classmethod
    def from_dict(cls: type[R], data: dict[str, Any]) -> R:
        return cls(**{name: convert(data[name]) for name, convert in _converters(cls) if name in data})


def _plain(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """A record's field types, resolved once per class."""
    if cls not in _HINTS:
        names = {f.name for f in dataclasses.fields(cls)}
        _HINTS[cls] = {k: v for k, v in get_type_hints(cls).items() if k in names}
    return _HINTS[cls]


_CONVERTERS: dict[type, list[tuple[str, Callable[[Any], Any]]]] = {}


def _converters(cls: type) -> list[tuple[str, Callable[[Any], Any]]]:
    """Each field's conversion from its stored form, made once per class: the API reads the chunks
    of every question's hits from the catalog, and working out the types each time cost more than
    the reading."""
    if cls not in _CONVERTERS:
        _CONVERTERS[cls] = [(name, _converter(hint)) for name, hint in _hints(cls).items()]
    return _CONVERTERS[cls]


def _converter(hint: Any) -> Callable[[Any], Any]:
    """A function that makes a stored value (None, a plain value, a list, a dict) typed by `hint`."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(hint) if a is not type(None)]
        if len(options) == 1:
            return _converter(options[0])
        return _plain_value
    if isinstance(hint, type) and issubclass(hint, Record):
        record = hint
        return lambda v: v if v is None or isinstance(v, record) else record.from_dict(v)
    if origin is tuple:
        args = get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _converter(args[0])
            return lambda v: None if v is None else tuple(item(x) for x in v)
        return lambda v: None if v is None else tuple(v)
    return _plain_value


def _plain_value(value: Any) -> Any:
    return value


# -- documents --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Document(Record):
    """A PDF of the corpus: what it is (from the manifest or the page itself) and, once indexed, how
    it was indexed."""

    doc_id: str
    file: str
    title: str
    date: str | None = None  # as printed: "2016", "2018-03" or "2008-11-14"
    author: str | None = None
    doc_type: str | None = None
    councils: tuple[str, ...] = ()
    audience: Audience = "public"
    programme: str | None = None
    # Where a meeting's paper comes from: the committee and meeting it was filed under, what kind
    # of paper it is (report, appendix, minutes, record of decision, agenda ...) and its public page.
    committee: str | None = None
    meeting_date: str | None = None
    category: str | None = None
    source_url: str | None = None
    in_manifest: bool = True
    warnings: tuple[str, ...] = ()
    # Set when the document is indexed.
    path: str = ""
    fingerprint: str = ""
    sha256: str = ""
    pages: int = 0
    chunks: int = 0
    units_dropped: int = 0
    ingested_at: str = ""
    seconds: float = 0.0

    @functools.cached_property
    def year(self) -> int | None:
        """The year of `date` (read for every title a question might name, so worked out once)."""
        m = re.match(r"(\d{4})", self.date or "")
        return int(m.group(1)) if m else None

    def public(self) -> dict[str, object]:
        """What an API client may see: no server paths, no fingerprints."""
        return {
            "doc_id": self.doc_id,
            "file": self.file,
            "title": self.title,
            "date": self.date,
            "author": self.author,
            "doc_type": self.doc_type,
            "councils": list(self.councils),
            "audience": self.audience,
            "programme": self.programme,
            "committee": self.committee,
            "meeting_date": self.meeting_date,
            "category": self.category,
            "source_url": self.source_url,
            "pages": self.pages,
            "chunks": self.chunks,
            "ingested_at": self.ingested_at,
        }


# -- chunks -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PageSpan(Record):
    """A run of one page's text: [start, end) in the clean page text, and where it begins in the
    text of the chunk that holds it."""

    page: int
    start: int
    end: int
    offset: int = 0


@dataclasses.dataclass(frozen=True)
class TableCell(Record):
    header: str
    value: str
    unit: str | None = None
    scale: float = 1.0


@dataclasses.dataclass(frozen=True)
class TableInfo(Record):
    """A table row (or cell, or header) as data: its labels, headers and cells."""

    table_id: str  # unique in the document, e.g. "table-5" or "p12-t1"
    title: str | None
    headers: tuple[str, ...]
    row_label: str | None
    cells: tuple[TableCell, ...] = ()
    group: str | None = None  # a spanning row above this one ("Option 3: ...")
    is_header: bool = False
    column: str | None = None  # for a single-cell unit, the column it sits in
    row: int | None = None  # the row's index in its grid, so cells of one row can be found together
    label_header: str | None = None  # the header of the column that holds the row labels ("Work stream")


@dataclasses.dataclass(frozen=True)
class Unit(Record):
    """The smallest thing an answer quotes (a sentence, list item, heading or table row), as a
    place in its chunk's text."""

    start: int  # offsets in the chunk text
    end: int
    kind: UnitKind
    section: str | None
    heading: str | None
    page: int
    block: int  # the paragraph (or list item, or table row) it belongs to
    table: int | None = None  # index into Chunk.tables

    @property
    def is_table(self) -> bool:
        return self.kind in TABLE_KINDS


@dataclasses.dataclass(frozen=True)
class Chunk(Record):
    """A run of whole units, verbatim page text, the thing that is embedded and searched."""

    id: str
    doc_id: str
    seq: int
    text: str
    embed_text: str
    page_start: int
    page_end: int
    section: str | None
    heading: str | None
    char_start: int
    char_end: int
    spans: tuple[PageSpan, ...]
    kind: ChunkKind
    hash: str
    units: tuple[Unit, ...]
    tables: tuple[TableInfo, ...]

    def unit_text(self, unit: Unit) -> str:
        return self.text[unit.start : unit.end]

    def table_of(self, unit: Unit) -> TableInfo | None:
        return self.tables[unit.table] if unit.table is not None else None


# -- facts ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Figure(Record):
    """One table cell with its row label, column header and unit, and the row as its quote."""

    doc_id: str
    table_id: str
    table_title: str | None
    row: str | None
    row_index: int | None
    column: str
    value: str
    unit: str | None
    scale: float
    page: int
    section: str | None
    quote: str
    # The name of the column that holds the row labels ("Workstream"): what the rows are.
    label_header: str | None = None


@dataclasses.dataclass(frozen=True)
class TargetProgress(Record):
    """A sentence after a target that projects or reports against it."""

    actual: float
    actual_text: str
    statement: str
    page: int
    quote: str
    difference: float
    difference_text: str
    percent_of_target: float | None


@dataclasses.dataclass(frozen=True)
class Target(Record):
    """A target, requirement or planned reduction with an amount, and where it is stated."""

    doc_id: str
    kind: TargetKind
    statement: str
    amount: float
    amount_high: float | None
    unit: str
    amount_text: str
    approx: bool
    per_year: bool
    deadline: str | None
    start: str | None
    base_year: str | None
    baseline: str | None
    councils: tuple[str, ...]
    programme: str | None
    context: str | None
    page: int
    section: str | None
    quote: str
    progress: TargetProgress | None = None
    id: int | None = None  # its row in the facts store, once stored


@dataclasses.dataclass
class TableRow:
    """One row of a table as the answerer reads it: its label and its cells by column header, with
    the row's quote, page and section for the citation. Built once per index from the figures."""

    doc: Document
    table_id: str
    title: str | None
    label: str
    cells: dict[str, str]
    units: dict[str, tuple[str | None, float]]
    page: int
    section: str | None
    quote: str
    label_header: str | None = None  # the name of the labels' column ("Workstream")


def table_rows(figures: Iterable[Figure], docs: dict[str, Document]) -> list[TableRow]:
    """The rows of the figures' tables. Equal strings and unit pairs are shared rather than held once
    per row: the same headers, units, labels and quotes recur across tables and across papers filed
    under several meetings (at 300k chunks of a corpus of copies the rows took 124 MB unshared)."""
    rows: dict[tuple, TableRow] = {}
    same: dict[object, Any] = {}
    for f in figures:
        doc = docs.get(f.doc_id)
        if doc is None or not f.row:
            continue
        key = (f.doc_id, f.table_id, f.row_index, f.row)
        row = rows.get(key)
        if row is None:
            row = rows[key] = TableRow(
                doc,
                same.setdefault(f.table_id, f.table_id),
                same.setdefault(f.table_title, f.table_title),
                same.setdefault(f.row, f.row),
                {},
                {},
                f.page,
                same.setdefault(f.section, f.section),
                same.setdefault(f.quote, f.quote),
                same.setdefault(f.label_header, f.label_header),
            )
        column = same.setdefault(f.column, f.column)
        row.cells[column] = same.setdefault(f.value, f.value)
        unit = (f.unit, f.scale)
        row.units[column] = same.setdefault(unit, unit)
    return list(rows.values())


# -- meetings -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Decision(Record):
    """A resolution, amendment, motion or decision recorded in minutes or a record of decision,
    with its outcome and vote as printed, and the verbatim quote of the page that records it."""

    doc_id: str
    kind: DecisionKind
    text: str  # what was resolved, moved or decided, verbatim
    status: DecisionStatus
    page: int
    quote: str  # verbatim text of `page` that records it (outcome and vote included where printed)
    committee: str | None = None
    meeting_date: str | None = None  # ISO date
    item: str | None = None  # the agenda item: "5. Revenue Budget 2025-26"
    votes_for: int | None = None
    votes_against: int | None = None
    abstentions: int | None = None
    mover: str | None = None
    seconder: str | None = None
    decision_maker: str | None = None
    # Where the minutes say who moved it, when `quote` (which leads to the outcome) does not: a
    # vote and its outcome often print a page after "Mr X proposed and Ms Y seconded".
    mover_page: int | None = None
    mover_quote: str | None = None
    # The call to vote and the count, where `quote` leaves them out: a long resolution fills the
    # quote, or the count starts on the page before the outcome.
    vote_page: int | None = None
    vote_quote: str | None = None
    id: int | None = None  # its row in the facts store, once stored


@dataclasses.dataclass(frozen=True)
class Indicator(Record):
    """A performance indicator as a performance report prints it: its name, the latest figure, the
    target and floor it is judged against, the previous period's figure, and its RAG rating
    ("Number of foster households RED / Latest: 613 Target: 700 Floor: 650 Previous: 612 (Red)"),
    with the verbatim quote that states them."""

    doc_id: str
    name: str
    latest: str
    page: int
    quote: str
    target: str | None = None
    floor: str | None = None
    previous: str | None = None
    rating: str | None = None  # RED, AMBER or GREEN, as the report rates the latest figure
    previous_rating: str | None = None
    rating_quote: str | None = None  # the name's last line and its rating badge, as printed
    id: int | None = None


@dataclasses.dataclass(frozen=True)
class Role(Record):
    """A person named in a paper with the role the paper gives them ("From: Leader of the Council,
    Roger Gough"; "Author: ..."; "Chair"), and the verbatim quote that says so."""

    doc_id: str
    name: str
    role: str
    page: int
    quote: str
    id: int | None = None
