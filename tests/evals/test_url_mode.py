"""[evals] acceptance 4 and [api] acceptance 5: `assistant eval --url` against a running API passes the
thresholds and gives the same figures as the in-process run (latency aside)."""

from __future__ import annotations

import pytest

from evals import harness
from tests.conftest import REPO

pytestmark = pytest.mark.integration

SUITE = REPO / "evals" / "suites" / "dev.yaml"


def test_url_mode_matches_in_process_and_passes_the_thresholds(api: str, built_index, assistant) -> None:
    thresholds = harness.load_thresholds(REPO / "evals" / "thresholds.yaml", None)
    over_http = harness.run(built_index, [SUITE], url=api, thresholds=thresholds)
    assert over_http.failures == []
    in_process = harness.run(built_index, [SUITE], assistant=assistant, thresholds=thresholds)
    for name in ("facts", "precision", "recall", "verified", "abstention", "tool"):
        assert over_http.figures[name].value == in_process.figures[name].value, name
        assert over_http.figures[name].n == in_process.figures[name].n, name
