"""Re-read the PDFs, independently of the index, to check that a quote is on its cited page.

pdftotext (poppler) is the reader; pypdf, read afresh from the file, is the second opinion for the
rare table whose cells the two order differently. Neither touches the stored chunks.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from evals.normalise import key


@lru_cache(maxsize=64)
def _pdftotext_pages(path: str) -> tuple[str, ...]:
    if shutil.which("pdftotext") is None:
        raise RuntimeError(
            "pdftotext is not installed (Debian package poppler-utils); it is needed to verify quotes"
        )
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True, text=True, check=True
    )
    return tuple(key(p) for p in out.stdout.split("\f"))


@lru_cache(maxsize=64)
def _pypdf_pages(path: str) -> tuple[str, ...]:
    from pypdf import PdfReader

    return tuple(key(p.extract_text() or "") for p in PdfReader(path).pages)


class PageVerifier:
    def __init__(self, corpus_dir: Path) -> None:
        self.corpus_dir = Path(corpus_dir)

    def on_page(self, file: str, page: int, quote: str) -> bool:
        path = self.corpus_dir / file
        if not path.exists() or page < 1 or not quote.strip():
            return False
        k = key(quote)
        for reader in (_pdftotext_pages, _pypdf_pages):
            pages = reader(str(path))
            if page <= len(pages) and k in pages[page - 1]:
                return True
        return False

    def pages(self, file: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The file's pages as each reader sees them, normalised by `key`: pdftotext's, then pypdf's."""
        path = str(self.corpus_dir / file)
        return _pdftotext_pages(path), _pypdf_pages(path)

    def pages_with(self, file: str, quote: str) -> list[int]:
        pages = _pdftotext_pages(str(self.corpus_dir / file))
        k = key(quote)
        return [i + 1 for i, p in enumerate(pages) if k in p]
