from __future__ import annotations

from pathlib import Path

import pytest

from core import errors
from core.records import Document
from ingest.pdf import read_pdf
from tests.conftest import CORPUS
from tests.fixtures import pdfs

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (pdfs.corrupt, errors.CorruptPdf),
        (pdfs.truncated, errors.TruncatedPdf),
        (pdfs.encrypted, errors.EncryptedPdf),
        (pdfs.image_only, errors.NoTextLayer),
        (pdfs.zero_bytes, errors.EmptyFile),
        (pdfs.not_a_pdf, errors.NotPdf),
    ],
)
def test_each_bad_file_gets_its_own_error_naming_the_file(tmp_path: Path, make, error) -> None:
    path = make(tmp_path / "bad-input.pdf")
    with pytest.raises(error) as info:
        read_pdf(path)
    assert info.value.message.startswith("bad-input.pdf: ")


def test_pages_are_numbered_from_one() -> None:
    doc = read_pdf(CORPUS / "2016-joint-working-report-ssdc-sdc.pdf")
    assert [p.number for p in doc.pages] == [1, 2, 3, 4]
    assert "£4.1m" in doc.pages[0].text
    assert doc.info["title"].startswith("Joint Working Report")


def test_second_reading_runs_beside_the_first_and_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    """pdftotext reads in the background while pypdf parses; a PDF that fails to parse stops it
    and leaves no temporary file, and a good one gives every page's match keys."""
    import tempfile

    from ingest.confirm import SecondReading
    from ingest.parse import parse_document

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    path = CORPUS / "2016-joint-working-report-ssdc-sdc.pdf"
    keys = SecondReading(path).keys()
    assert keys is not None and sorted(keys)[:4] == [1, 2, 3, 4] and "£4.1m" in keys[1]
    bad = pdfs.corrupt(tmp_path / "bad-input.pdf")
    with pytest.raises(errors.CorruptPdf):
        parse_document(bad, Document(doc_id="bad", title="Bad", file="bad-input.pdf"), 120, 180)
    assert not list(tmp_path.glob("second-reading-*"))
