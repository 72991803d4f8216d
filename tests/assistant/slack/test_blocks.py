"""Block Kit layout within Slack's limits: quotes are shortened, citations are never dropped."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.models import Answer, Citation, ToolCall
from assistant.slack.blocks import MAX_BLOCKS, MAX_TEXT, answer_blocks


def _answer(n: int, quote_len: int, answer_len: int = 200) -> Answer:
    citations = [
        Citation(
            marker=i + 1,
            doc_id="d",
            file="d.pdf",
            title=f"Plan <{i}> & more",
            date="2019-01-01",
            page=i + 1,
            section="9.2",
            quote="q" * quote_len,
            url=f"/v1/documents/d/file#page={i + 1}",
        )
        for i in range(n)
    ]
    tools = [ToolCall(name="day_rate_cost", inputs={}, output=138000, formula="£750 × 4 × 46 = £138,000")]
    return Answer(
        answer="a" * answer_len, citations=citations, tools=tools, conversation_id="c", answer_id="a-1"
    )


def _texts(blocks: list[dict]) -> list[str]:
    out = []
    for b in blocks:
        if "text" in b:
            out.append(b["text"]["text"])
        out += [e["text"] for e in b.get("elements", []) if isinstance(e.get("text"), str)]
    return out


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 150), quote_len=st.integers(1, 6000), answer_len=st.integers(1, 8000))
def test_any_answer_fits_and_keeps_every_citation(n: int, quote_len: int, answer_len: int) -> None:
    blocks = answer_blocks(_answer(n, quote_len, answer_len), "https://a.example")
    assert len(blocks) <= MAX_BLOCKS
    assert all(len(t) <= MAX_TEXT for t in _texts(blocks))
    joined = "\n".join(_texts(blocks))
    assert sorted(int(m) for m in re.findall(r"\*\[(\d+)\]\*", joined)) == list(range(1, n + 1))
    assert blocks[-1]["type"] == "actions"  # the feedback buttons are never cut off


def test_links_escape_titles_and_point_at_the_page() -> None:
    blocks = answer_blocks(_answer(1, 50), "https://a.example/")
    line = next(t for t in _texts(blocks) if "*[1]*" in t)
    # The link opens our highlight view of the cited page, the quote in its query.
    assert "<https://a.example/v1/documents/d/pages/1/view?quote=qqqq" in line
    assert "|Plan &lt;0&gt; &amp; more · p.1 · §9.2>" in line
    assert any("£750 × 4 × 46" in t for t in _texts(blocks))


def test_without_a_public_url_citations_are_plain_text() -> None:
    line = next(t for t in _texts(answer_blocks(_answer(1, 50), None)) if "*[1]*" in t)
    assert "<" not in line.split("\n")[0] and "p.1" in line
