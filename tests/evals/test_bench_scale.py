"""The scaling benchmark's report: the table, the growth lines and the plot from measured points.

(The benchmark itself runs for half an hour; `python evals/bench/scale.py` runs it.)"""

from __future__ import annotations

import json

from evals.bench.scale import growth, merged, table, with_earlier_ingest, write


def _point(mode: str, chunks: int, ask: float) -> dict:
    return {
        "mode": mode,
        "target_chunks": chunks,
        "chunks": chunks,
        "ingest_chunks_per_s": 190.0,
        "ingest_peak_rss_mb": 1000 + chunks // 100,
        "ask_p50_ms": ask,
        "ask_p95_ms": ask * 3,
        "chroma_p50_ms": 2.0,
        "chroma_p95_ms": 3.0,
        "bm25_p50_ms": 0.5,
        "bm25_p95_ms": 0.7,
        "api_rss_loaded_mb": 700 + chunks // 100,
        "api_peak_rss_mb": 750 + chunks // 100,
        "chroma_server_peak_rss_mb": 150 if mode == "server" else None,
        "index_load_seconds": 1.0,
    }


def test_the_report_has_a_row_per_point_a_growth_line_per_mode_and_a_plot(tmp_path) -> None:
    points = [_point(m, n, a) for m in ("embedded", "server") for n, a in ((1000, 40.0), (100_000, 80.0))]
    md = table(points)
    assert md.count("\n| embedded |") == 2 and md.count("\n| server |") == 2
    assert "| – |" in md  # no Chroma server in embedded mode
    lines = growth(points)
    assert any(
        "embedded, ask p50: 40.0 ms at 1,000 chunks → 80.0 ms at 100,000 (2.0×; grows as chunks^0.15)" in line
        for line in lines
    )
    write(points, tmp_path, {"cpus": 2, "python": "3.11"})
    assert json.loads((tmp_path / "scale.json").read_text())["points"] == points
    assert (tmp_path / "scale.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "![scaling plot](scale.png)" in (tmp_path / "scale.md").read_text()


def test_a_reused_index_keeps_the_ingest_figures_of_the_run_that_built_it() -> None:
    """`--serve` measures only the query phase; its row keeps the earlier ingest of the same size
    and mode, marked as such, and replaces that row rather than standing beside it."""
    earlier = _point("embedded", 300_000, 30.0) | {"chunks": 300_038}
    served = {"mode": "embedded", "chunks": 300_038, "target_chunks": 300_038, "ask_p50_ms": 20.0}
    point = with_earlier_ingest(served, [earlier, _point("server", 300_000, 31.0)])
    assert point["ingest_peak_rss_mb"] == earlier["ingest_peak_rss_mb"] and point["ingest_from_earlier_run"]
    assert point["ask_p50_ms"] == 20.0 and point["target_chunks"] == 300_000
    assert merged([earlier], [point]) == [point]
    assert with_earlier_ingest(served, []) == served
