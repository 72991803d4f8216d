"""[scale] Searches confined to a few documents read those documents' vectors and score them exactly
instead of asking Chroma to filter, and a stated-total check reads only the tables holding the
figure: both must find what the slower ways found."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answer.tables import cell_value
from assistant.retrieve import exact_limit

pytestmark = pytest.mark.integration

QUESTIONS = (
    "What was the savings target?",
    "Which councils were the principal partners?",
    "How much had adult social care overspent?",
)


def test_the_crossover_grows_with_the_index() -> None:
    assert exact_limit(10_000, 40) < exact_limit(300_000, 40) < exact_limit(1_000_000, 40)
    assert 1_000 < exact_limit(300_000, 40) < 2_000  # about sqrt(40 x 300k x 0.003 / 0.021)


@pytest.mark.parametrize("question", QUESTIONS)
def test_one_document_searched_exactly_ranks_as_chromas_filter(assistant, question: str) -> None:
    retriever = assistant.retriever
    state = retriever.state
    vector = retriever.embed_query(question)
    for doc_id in state.docs:
        ours = retriever.exact_dense(vector, retriever.chunk_mask({doc_id}), 40)
        theirs = retriever.vectors.query(state.collection, vector, 40, where={"doc_id": doc_id})
        assert [cid for cid, _ in ours] == [cid for cid, _ in theirs]
        assert np.allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-5)


def test_a_stated_figure_finds_every_row_of_the_tables_that_hold_it(assistant) -> None:
    state = assistant.retriever.state
    allowed = frozenset(state.docs)
    rows = state.rows_in(allowed)
    values = {v for r in rows for v in map(cell_value, r.cells.values()) if v is not None}
    assert values
    for value in sorted(values)[:: max(1, len(values) // 25)]:
        holding = {(r.doc.doc_id, r.table_id) for r in rows if value in map(cell_value, r.cells.values())}
        expected = [r for r in rows if (r.doc.doc_id, r.table_id) in holding]
        assert state.rows_holding(allowed, [value]) == expected
    assert state.rows_holding(allowed, [-123456789.0]) == []
