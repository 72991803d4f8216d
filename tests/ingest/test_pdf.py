from __future__ import annotations

from pathlib import Path

import pytest

from core import errors
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
