from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.records import PageSpan, TableInfo
from ingest.chunk import build_chunks
from ingest.structure import ParsedUnit

pytestmark = pytest.mark.unit


def _doc(sizes: list[int], table_at: set[int] | frozenset[int] = frozenset()):
    """Units laid out on one page, each a sentence of `size` words."""
    text, units = "", []
    for i, size in enumerate(sizes):
        sentence = " ".join(f"w{i}x{j}" for j in range(size)) + "."
        start = len(text)
        text += sentence + " "
        table = TableInfo("t1", "Table 1", ("A", "B"), f"row {i}") if i in table_at else None
        units.append(
            ParsedUnit(
                "table_row" if table else "sentence",
                [PageSpan(1, start, start + len(sentence))],
                sentence,
                section="1.1",
                block=i // 3,
                table=table,
            )
        )
    return units, {1: text}


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(1, 90), min_size=1, max_size=40), st.sets(st.integers(0, 39), max_size=6))
def test_property_units_are_never_cut(sizes: list[int], table_at: set[int]) -> None:
    units, pages = _doc(sizes, table_at)
    chunks = build_chunks(units, pages, target_words=60, max_words=100)
    placed = [u for c in chunks for u in c.units]
    assert len(placed) == len(units)  # every unit in exactly one chunk
    for chunk in chunks:
        words = sum(len(chunk.text[u.start : u.end].split()) for u in chunk.units)
        assert words <= 100 or len(chunk.units) == 1
        assert {u.table is not None for u in chunk.units} in ({True}, {False})  # tables kept apart
        for ref in chunk.units:
            assert chunk.text[ref.start : ref.end].endswith(".")  # a whole sentence


def test_unquotable_units_split_chunks_and_are_left_out() -> None:
    units, pages = _doc([5, 5, 5, 5])
    chunks = build_chunks(units, pages, quotable=[True, True, False, True], target_words=100, max_words=200)
    assert [len(c.units) for c in chunks] == [2, 1]
    assert "w2x0" not in " ".join(c.text for c in chunks)
