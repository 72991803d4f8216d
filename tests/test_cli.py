from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import run_cli

pytestmark = pytest.mark.unit


def test_help_imports_nothing_heavy() -> None:
    """--help stays instant because the command module imports no model, store or framework
    (evals/bench/cli.py times it)."""
    result = run_cli("--help")
    assert result.returncode == 0
    probe = "import sys, cli.main; print(sorted(m for m in ('torch', 'chromadb', 'slack_bolt', 'langchain', 'sentence_transformers') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_documents_without_an_index_says_what_to_do() -> None:
    result = run_cli("documents")
    assert result.returncode == 2
    assert "run `assistant ingest` first" in result.stderr
