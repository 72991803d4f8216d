from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ConfigError
from ingest.manifest import declared, load_manifest
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


def test_unlisted_papers_get_their_meeting_from_the_folders_and_a_safe_audience() -> None:
    meta = declared("cabinet/2025-01-30/Appendix A.pdf", "cabinet-2025-01-30-appendix-a", {}, {}, "staff")
    assert (meta.file, meta.committee, meta.meeting_date, meta.audience, meta.in_manifest) == (
        "cabinet/2025-01-30/Appendix A.pdf",
        "cabinet",
        "2025-01-30",
        "staff",
        False,
    )
    assert meta.title == "Appendix A"  # until its first page is read


def test_a_manifest_entry_is_found_by_path_or_by_name(tmp_path: Path) -> None:
    path = tmp_path / "manifest.yaml"
    path.write_text("documents:\n- file: plan.pdf\n  title: The Plan\n  audience: public\n")
    manifest = load_manifest(path)
    meta = declared("plan.pdf", "plan", manifest, {}, "staff")
    assert (meta.title, meta.audience, meta.in_manifest) == ("The Plan", "public", True)
