"""[scale] The streaming BM25 builder gives the index bm25s builds from the whole corpus at once, so
that ingesting a document at a time changes no answer: the same score for every token of every
chunk, the same hits, the same glossary of acronyms. Answering scores without bm25s, so the same
scores are checked against bm25s's own `get_scores`, on an index bm25s loads from our folder."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import bm25s
import numpy as np
import pytest

from core.acronyms import find_acronyms
from core.tokens import tokenize
from index.lexical import EMPTY, LexicalBuilder, LexicalIndex, Postings


def _chunks(settings) -> tuple[list[str], list[str], list[str]]:
    with sqlite3.connect(settings.catalog_path) as conn:
        rows = conn.execute("SELECT id, doc_id, embed_text FROM chunks ORDER BY doc_id, seq").fetchall()
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


QUESTIONS = ("What was the savings target?", "Who seconded the amendment?", "council tax 2025-26 council")


def _postings(retriever: bm25s.BM25) -> Postings:
    scores = retriever.scores
    return Postings(
        scores["data"], scores["indices"], scores["indptr"], scores["num_docs"], retriever.vocab_dict
    )


def _at_once(ids: list[str], texts: list[str]) -> LexicalIndex:
    """The index as bm25s builds it from every chunk's tokens in one call."""
    retriever = bm25s.BM25(k1=1.2, b=0.75)
    retriever.index([tokenize(t) or [EMPTY] for t in texts], show_progress=False)
    return LexicalIndex(_postings(retriever), ids)


def _columns(index: LexicalIndex) -> dict[str, tuple[list[int], list[float]]]:
    p = index.postings
    out = {}
    for token, j in p.vocab.items():
        if token:
            span = slice(p.indptr[j], p.indptr[j + 1])
            out[token] = (p.indices[span].tolist(), p.data[span].tolist())
    return out


@pytest.mark.parametrize("corpus", ["built_index", "kent_index"])
def test_document_at_a_time_equals_bm25s_at_once(corpus: str, request: pytest.FixtureRequest) -> None:
    ids, doc_ids, texts = _chunks(request.getfixturevalue(corpus))
    docs = list(dict.fromkeys(doc_ids))
    builder = LexicalBuilder()
    # Kept documents come first in doc id order whatever order they arrive in; new ones follow in
    # the order they were added. A document added twice counts once; one taken back not at all.
    half = len(docs) // 2
    for doc in reversed(docs[:half]):
        rows = [i for i, d in enumerate(doc_ids) if d == doc]
        builder.add(doc, [ids[i] for i in rows], [texts[i] for i in rows], kept=True)
    builder.add("taken back", ["x:1"], ["Zanzibar quokka (ZQ) xylophone"])
    for doc in docs[half:]:
        rows = [i for i, d in enumerate(doc_ids) if d == doc]
        builder.add(doc, [ids[i] for i in rows], [texts[i] for i in rows])
    builder.add(
        docs[-1],
        [ids[i] for i, d in enumerate(doc_ids) if d == docs[-1]],
        [texts[i] for i, d in enumerate(doc_ids) if d == docs[-1]],
    )
    builder.discard("taken back")
    streamed = builder.build()
    whole = _at_once(ids, texts)

    assert [i.decode() for i in streamed.ids] == ids
    assert _columns(streamed) == _columns(whole)
    assert streamed.acronyms == find_acronyms(texts)
    assert streamed.vocabulary == {w for t in texts for w in re.findall(r"[a-z]+", t.lower())}
    assert streamed.lowercase_words == {w for t in texts for w in re.findall(r"\b[a-z]+\b", t)}
    assert "zanzibar" not in streamed.vocabulary and "quokka" not in streamed.df
    assert streamed.df == {t: len(rows) for t, (rows, _) in _columns(whole).items()}
    for question in QUESTIONS:
        assert streamed.search(question, 20) == whole.search(question, 20)


def test_saved_index_scores_as_bm25s_scores_it(built_index, tmp_path: Path) -> None:
    """Our folder is a bm25s index, and our sum over its columns is bm25s's `get_scores`, exactly."""
    ids, _, texts = _chunks(built_index)
    LexicalIndex.build(ids, texts).save(tmp_path / "g1")
    ours = LexicalIndex.load(tmp_path / "g1")
    theirs = bm25s.BM25.load(str(tmp_path / "g1"), mmap=True)
    dense = {t for t, column in ours.postings.vocab.items() if column in ours.postings.dense_row}
    assert "council" in dense  # a full column is read for the commonest tokens, and scores the same
    for question in QUESTIONS:
        known = [t for t in tokenize(question) if t in ours.postings.vocab]
        assert known
        assert np.array_equal(ours.postings.scores(known), theirs.get_scores(known))


def test_an_empty_corpus_builds_an_empty_index() -> None:
    index = LexicalBuilder().build()
    assert index.size == 0 and index.search("anything", 5) == []
    assert np.asarray(index.ids).size == 0
