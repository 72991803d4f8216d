"""Which PDFs make up the corpus, and the stable id each document gets.

A committee system files papers as `<committee>/<meeting date>/<file>.pdf`, and the same file name
recurs across meetings ("Appendix A Capital Investment Summary.pdf" in January and in March), so
the corpus is a folder tree searched recursively and a document is named by its path relative to the
corpus folder, never by its file name alone.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from core.errors import IngestError


@dataclass(frozen=True)
class CorpusFile:
    path: Path
    relative: str  # '/'-separated path under the corpus folder (or the file name, outside it)
    doc_id: str


def slug(relative: str) -> str:
    """`cabinet/2025-01-30/Appendix A - Capital.pdf` -> `cabinet-2025-01-30-appendix-a-capital`."""
    stem = relative[:-4] if relative.lower().endswith(".pdf") else relative
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "document"


def assign_ids(relatives: Iterable[str]) -> dict[str, str]:
    """Each path's id: its slug, or, where two paths differ only in case or punctuation ("A - B.pdf"
    and "A B.pdf" in one folder), the slug and a short hash of the exact path, for both of them, so
    that the id depends on the path and not on which file was seen first."""
    relatives = list(dict.fromkeys(relatives))
    by_slug: dict[str, list[str]] = {}
    for r in relatives:
        by_slug.setdefault(slug(r), []).append(r)
    out: dict[str, str] = {}
    for s, group in by_slug.items():
        for r in group:
            out[r] = s if len(group) == 1 else f"{s}-{hashlib.sha1(r.encode()).hexdigest()[:8]}"
    return out


def relative_to(path: Path, corpus_dir: Path) -> str:
    for a, b in ((path.absolute(), corpus_dir.absolute()), (path.resolve(), corpus_dir.resolve())):
        try:
            return a.relative_to(b).as_posix()
        except ValueError:
            continue
    return path.name


def _pdfs_under(folder: Path) -> list[Path]:
    """Every PDF below `folder`, in a stable order. Linked folders are followed (a corpus may link
    in a committee's archive), each real folder once; hidden ones (".git", ".cache") are skipped."""
    found: list[Path] = []
    seen: set[Path] = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        real = Path(root).resolve()
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(root) / f for f in files if f.lower().endswith(".pdf") and not f.startswith("."))
    return sorted(p for p in found if p.is_file())


def discover(corpus_dir: Path, paths: Iterable[Path] | None = None) -> list[CorpusFile]:
    """The corpus folder's PDFs, recursively, or the given files and folders."""
    if paths:
        found: list[Path] = []
        for p in map(Path, paths):
            found.extend(_pdfs_under(p) if p.is_dir() else [p])
    else:
        if not corpus_dir.is_dir():
            raise IngestError(f"corpus folder {corpus_dir} does not exist (ASSISTANT_CORPUS_DIR)")
        found = _pdfs_under(corpus_dir)
    relatives = [relative_to(p, corpus_dir) for p in found]
    # Ids are assigned over the whole corpus, so ingesting one file gives it the id a full run would.
    everything = (
        [relative_to(p, corpus_dir) for p in _pdfs_under(corpus_dir)] if paths and corpus_dir.is_dir() else []
    )
    ids = assign_ids([*everything, *relatives])
    return [CorpusFile(p, r, ids[r]) for p, r in zip(found, relatives, strict=True)]
