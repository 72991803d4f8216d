"""Build a large synthetic corpus from the real PDFs, for benchmarks.

Each generated document is a real document renamed, optionally with its pages repeated, so that
parsing, tables and furniture look exactly like the real corpus. `python -m evals.bench.corpus_gen
OUT --pages 500` writes the PDFs and a manifest.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"


def generate(out: Path, min_pages: int = 500, repeat_pages: int = 1) -> list[Path]:
    """Write copies of the corpus documents into `out` until they hold at least `min_pages` pages."""
    from pypdf import PdfReader, PdfWriter

    out.mkdir(parents=True, exist_ok=True)
    manifest = yaml.safe_load((CORPUS / "manifest.yaml").read_text())["documents"]
    sources = [(entry, PdfReader(str(CORPUS / entry["file"]))) for entry in manifest]
    written, pages, entries = [], 0, []
    for n in itertools.count():
        if pages >= min_pages:
            break
        entry, reader = sources[n % len(sources)]
        writer = PdfWriter()
        for _ in range(repeat_pages):
            for page in reader.pages:
                writer.add_page(page)
        name = f"bench-{n:04d}-{entry['file']}"
        with (out / name).open("wb") as fh:
            writer.write(fh)
        written.append(out / name)
        pages += len(reader.pages) * repeat_pages
        entries.append({**entry, "file": name, "title": f"{entry['title']} (copy {n})"})
    (out / "manifest.yaml").write_text(yaml.safe_dump({"documents": entries}, sort_keys=False))
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--repeat-pages", type=int, default=1)
    args = parser.parse_args()
    files = generate(args.out, args.pages, args.repeat_pages)
    print(f"wrote {len(files)} documents to {args.out}")
