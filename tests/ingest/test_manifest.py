from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigError
from ingest.manifest import load_manifest, meta_from_pdf
from tests.conftest import CORPUS

pytestmark = pytest.mark.unit


def test_the_corpus_manifest_describes_five_documents() -> None:
    entries = load_manifest(CORPUS / "manifest.yaml")
    assert len(entries) == 5
    peer = entries["2018-03-corporate-peer-challenge-somerset-cc.pdf"]
    assert peer.doc_id == "2018-03-corporate-peer-challenge-somerset-cc"
    assert (peer.date, peer.year, peer.audience, peer.councils) == (
        "2018-03",
        2018,
        "public",
        ("Somerset CC",),
    )


def test_an_unknown_audience_names_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "manifest.yaml"
    path.write_text("documents:\n- file: a.pdf\n  audience: everyone\n")
    with pytest.raises(ConfigError, match=r"documents\[0\] audience 'everyone'"):
        load_manifest(path)


def test_unlisted_pdfs_use_their_own_info_and_a_safe_audience() -> None:
    meta = meta_from_pdf("x.pdf", {"title": "Budget 2025", "creationdate": "D:20250301120000"}, "staff")
    assert (meta.title, meta.date, meta.audience, meta.in_manifest) == (
        "Budget 2025",
        "2025-03-01",
        "staff",
        False,
    )
    assert "not in manifest.yaml" in meta.warnings[0]
