"""Export runs and gold data in formats evaluators' own tools read, with no network needed.

- BEIR/TREC: `qrels.tsv` (query-id, corpus-id, score; BEIR's header) and `run.trec` (TREC run format),
  for ranx, pytrec_eval or trec_eval;
- RAGAS `SingleTurnSample` records (`ragas.jsonl`): user_input, retrieved_contexts, response, reference,
  reference_contexts;
- DeepEval `LLMTestCase` records (`deepeval.jsonl`): input, actual_output, expected_output, context,
  retrieval_context.
The records are plain JSON lines with those libraries' field names, so `SingleTurnSample(**record)`
and `LLMTestCase(**record)` load them.
"""

from __future__ import annotations

import json
from pathlib import Path

from evals.metrics import CaseResult


def write_trec(
    out: Path,
    results: list[CaseResult],
    relevant: dict[str, set[str]],
    retrieved: dict[str, list[str]],
    run_name: str = "somerset-assistant",
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "qrels.tsv").open("w") as fh:
        fh.write("query-id\tcorpus-id\tscore\n")
        for r in results:
            for doc in sorted(relevant.get(r.case.id, ())):
                fh.write(f"{r.case.id}\t{doc}\t1\n")
    with (out / "run.trec").open("w") as fh:
        for r in results:
            for rank, doc in enumerate(retrieved.get(r.case.id, []), start=1):
                fh.write(f"{r.case.id} Q0 {doc} {rank} {1.0 / rank:.6f} {run_name}\n")


def write_ragas_and_deepeval(out: Path, results: list[CaseResult], contexts: dict[str, list[str]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "ragas.jsonl").open("w") as ragas, (out / "deepeval.jsonl").open("w") as deepeval:
        for r in results:
            answer = r.answer.get("answer", "")
            gold = [ev.quote for ev in r.case.evidence]
            reference = (
                "; ".join(group[0] for group in r.case.answer_any)
                if not r.case.abstain
                else "I could not find this in the documents."
            )
            cited = [c["quote"] for c in r.answer.get("citations", [])]
            retrieved = contexts.get(r.case.id) or cited
            ragas.write(
                json.dumps(
                    {
                        "user_input": r.case.q,
                        "retrieved_contexts": retrieved,
                        "response": answer,
                        "reference": reference,
                        "reference_contexts": gold,
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
            deepeval.write(
                json.dumps(
                    {
                        "input": r.case.q,
                        "actual_output": answer,
                        "expected_output": reference,
                        "context": gold,
                        "retrieval_context": retrieved,
                        "name": r.case.id,
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )


def read_trec_run(path: Path) -> dict[str, dict[str, float]]:
    run: dict[str, dict[str, float]] = {}
    for line in path.read_text().splitlines():
        qid, _, doc, _rank, score, _ = line.split()
        run.setdefault(qid, {})[doc] = float(score)
    return run


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = {}
    for line in path.read_text().splitlines()[1:]:
        qid, doc, score = line.split("\t")
        qrels.setdefault(qid, {})[doc] = int(score)
    return qrels
