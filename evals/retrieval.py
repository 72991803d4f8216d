"""Retrieval metrics with the standard IR definitions, so they agree with ranx and pytrec_eval.

- recall@k: of a question's relevant chunks, the share among the first k retrieved;
- hit@k: whether any relevant chunk is among the first k (what an answerer needs);
- MRR: the reciprocal rank of the first relevant chunk (0 when none is retrieved).
Each is averaged over the questions that have relevant chunks.
"""

from __future__ import annotations


def recall_at_k(relevant: set[str], ranked: list[str], k: int) -> float:
    if not relevant:
        raise ValueError("recall is undefined without relevant documents")
    return len(relevant & set(ranked[:k])) / len(relevant)


def hit_at_k(relevant: set[str], ranked: list[str], k: int) -> float:
    return 1.0 if relevant & set(ranked[:k]) else 0.0


def reciprocal_rank(relevant: set[str], ranked: list[str]) -> float:
    for i, doc in enumerate(ranked, start=1):
        if doc in relevant:
            return 1.0 / i
    return 0.0


def evaluate(qrels: dict[str, set[str]], runs: dict[str, list[str]], k: int = 8) -> dict[str, float]:
    """Mean recall@k, hit@k and MRR over the questions with relevant documents."""
    qids = [q for q, rel in qrels.items() if rel]
    if not qids:
        return {}
    n = len(qids)
    return {
        f"recall@{k}": sum(recall_at_k(qrels[q], runs.get(q, []), k) for q in qids) / n,
        f"hit@{k}": sum(hit_at_k(qrels[q], runs.get(q, []), k) for q in qids) / n,
        "mrr": sum(reciprocal_rank(qrels[q], runs.get(q, [])) for q in qids) / n,
    }
