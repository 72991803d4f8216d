"""The dependency direction: core <- index <- ingest | assistant <- evals <- cli.

`make lint` runs import-linter with the contracts in pyproject.toml; these tests show that it passes
on the tree and that it would catch an `ingest` module importing `assistant`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, VENV_BIN

pytestmark = pytest.mark.unit
PACKAGES = ("core", "index", "ingest", "assistant", "cli", "evals")


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(VENV_BIN / "lint-imports"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_tree_keeps_the_import_contracts() -> None:
    result = _lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout and result.stdout.count("KEPT") == 2


def test_an_ingest_module_that_imports_assistant_breaks_them(tmp_path: Path) -> None:
    for name in PACKAGES:
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    with (tmp_path / "ingest" / "chunk.py").open("a") as f:
        f.write("\nimport assistant  # noqa: E402,F401\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "ingest and assistant never import each other BROKEN" in result.stdout
    assert "ingest.chunk -> assistant" in result.stdout
