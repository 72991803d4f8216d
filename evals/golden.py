"""Golden answers: every answer and citation of some suites, to show that a change that should not
alter answers (a refactor, a faster index) did not.

`python -m evals.golden --write` records them from the current code into `tests/golden/answers.json`;
`tests/evals/test_golden.py` asks again and compares, case by case. Regenerate the file on purpose,
in its own commit, when answers are meant to change.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from evals.suite import load_suite

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden" / "answers.json"
SUITES = (
    "evals/suites/dev.yaml",
    "evals/suites/holdout.yaml",
    "evals/suites/paraphrase.yaml",
    "evals/suites/blind.yaml",
)
# What identifies an answer's content; ids that are new on every call are left out, and so are the
# filters, which echo the request (the golden answers are asked without any).
_VOLATILE = ("conversation_id", "answer_id", "filters")


def answers(assistant: Any, suite_paths: tuple[str, ...] = SUITES, role: str = "admin") -> dict[str, dict]:
    """Case id -> the answer's content, asking conversation turns in order in one conversation."""
    out: dict[str, dict] = {}
    for path in suite_paths:
        suite = load_suite(REPO / path)
        conversations: dict[str, str | None] = {}
        for case in suite.cases:
            cid = conversations.get(case.conversation) if case.conversation else None
            answer = assistant.ask(case.q, conversation_id=cid, role=role)
            if case.conversation:
                conversations[case.conversation] = answer.conversation_id
            content = answer.model_dump()
            for k in _VOLATILE:
                content.pop(k, None)
            out[f"{suite.path.stem}/{case.id}"] = content
    return out


def differences(expected: dict[str, dict], actual: dict[str, dict]) -> list[str]:
    lines = []
    for cid in sorted(set(expected) | set(actual)):
        a, b = expected.get(cid), actual.get(cid)
        if a != b:
            lines.append(
                f"{cid}:\n  golden: {json.dumps(a, ensure_ascii=False)[:400]}\n"
                f"  now:    {json.dumps(b, ensure_ascii=False)[:400]}"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="record the current answers")
    args = parser.parse_args()
    from assistant.service import Assistant
    from core.settings import Settings

    assistant = Assistant.from_settings(Settings())
    assistant.warm_up()
    now = answers(assistant)
    if args.write:
        GOLDEN.write_text(json.dumps(now, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
        print(f"wrote {len(now)} answers to {GOLDEN}")
        return
    golden = json.loads(GOLDEN.read_text())
    diff = differences(golden, now)
    print("\n".join(diff) or "identical")
    print(f"{len(now) - len(diff)} of {len(now)} answers identical")


if __name__ == "__main__":
    main()
