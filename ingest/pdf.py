"""Read a PDF into per-page text with pypdf, or fail with one clear reason.

Pages are 1-based and count the PDF's own pages, because citations send a reader to `#page=N`.
Each failure kind gets its own exception so the ingest report can say exactly what is wrong with
a file (and what to do about it) while the other documents go on.
"""

from __future__ import annotations

import hashlib
import logging
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import CorruptPdf, EmptyFile, EncryptedPdf, NoTextLayer, NotPdf, TruncatedPdf

log = logging.getLogger(__name__)
# pypdf narrates its recovery attempts on broken files; our own error says what matters.
logging.getLogger("pypdf").setLevel(logging.ERROR)

# A page with fewer visible characters than this is treated as having no text.
MIN_PAGE_CHARS = 20


@dataclass(frozen=True)
class PdfPage:
    number: int  # 1-based
    text: str  # as pypdf extracts it, line breaks kept


@dataclass(frozen=True)
class PdfDocument:
    path: Path
    sha256: str
    pages: list[PdfPage]
    info: dict[str, str] = field(default_factory=dict)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_bytes(path: Path) -> None:
    size = path.stat().st_size
    if size == 0:
        raise EmptyFile(f"{path.name}: empty file (0 bytes)")
    with path.open("rb") as fh:
        head = fh.read(1024)
        fh.seek(max(0, size - 2048))
        tail = fh.read()
    if b"%PDF-" not in head:
        shown = head[:16].decode("latin-1", "replace").encode("unicode_escape").decode()
        raise NotPdf(f"{path.name}: not a PDF (the file starts with {shown!r}, not %PDF-)")
    if b"%%EOF" not in tail:
        raise TruncatedPdf(f"{path.name}: truncated PDF (no %%EOF marker at the end of the file)")


def read_pdf(path: Path) -> PdfDocument:
    """Read every page's text, raising a `PdfError` subclass that names the file and the reason."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    path = Path(path)
    _check_bytes(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(str(path), strict=False)
            if reader.is_encrypted:
                # An empty user password only restricts printing or copying; the text is readable.
                try:
                    ok = reader.decrypt("")
                except Exception as exc:  # pypdf raises several types for unsupported ciphers
                    raise EncryptedPdf(
                        f"{path.name}: encrypted PDF ({exc}); supply an unencrypted copy"
                    ) from exc
                if not ok:
                    raise EncryptedPdf(
                        f"{path.name}: encrypted PDF (a password is required); supply an unencrypted copy"
                    )
            pages = [
                PdfPage(number=i + 1, text=(page.extract_text() or "")) for i, page in enumerate(reader.pages)
            ]
            raw_info: dict = dict(reader.metadata or {})
    except EncryptedPdf:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, AssertionError, OSError) as exc:
        raise CorruptPdf(f"{path.name}: corrupt PDF ({type(exc).__name__}: {exc})") from exc
    except RecursionError as exc:
        raise CorruptPdf(f"{path.name}: corrupt PDF (object structure loops)") from exc
    if not pages:
        raise CorruptPdf(f"{path.name}: corrupt PDF (no pages)")
    if all(len("".join(p.text.split())) < MIN_PAGE_CHARS for p in pages):
        raise NoTextLayer(
            f"{path.name}: no text layer on its {len(pages)} page(s), it looks scanned; OCR is needed"
        )
    info = {}
    for key in ("/Title", "/Author", "/Subject", "/CreationDate"):
        value = raw_info.get(key)
        if value:
            info[key.strip("/").lower()] = str(value)
    return PdfDocument(path=path, sha256=file_sha256(path), pages=pages, info=info)
