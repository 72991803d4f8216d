"""Answers that a change should not alter stay as recorded in tests/golden/answers.json.

Refactors and index work must not move a single answer or citation. When answers are meant to change,
regenerate the file on purpose (`python -m evals.golden --write` with an index of corpus/) in the
same commit, and say why.
"""

from __future__ import annotations

import json

import pytest

from evals.golden import GOLDEN, answers, differences

pytestmark = pytest.mark.integration


def test_every_suite_answer_equals_the_golden_one(assistant) -> None:
    golden = json.loads(GOLDEN.read_text())
    diff = differences(golden, answers(assistant))
    assert not diff, f"{len(diff)} answers differ from {GOLDEN.name}:\n" + "\n".join(diff[:10])
