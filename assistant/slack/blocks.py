"""Block Kit for answers, within Slack's limits (50 blocks, 3,000 characters a text field).

Citations are never dropped to fit: quotes are shortened first, and several citations share a block
when there are very many.
"""

from __future__ import annotations

from assistant.links import view_of
from assistant.models import Answer

MAX_BLOCKS = 50
MAX_TEXT = 3000


def escape(text: str) -> str:
    """Slack mrkdwn treats &, < and > as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "…"


def citation_line(c, public_url: str | None) -> str:
    label = f"{c.title} · p.{c.page}" + (f" · §{c.section}" if c.section else "")
    label = escape(label).replace("|", "¦")
    # Our highlight view of the cited page where the API is reachable; else the council's own copy.
    link = f"{public_url.rstrip('/')}{view_of(c)}" if public_url else c.link(None)
    if link:
        return f"*[{c.marker}]* <{link}|{label}>"
    return f"*[{c.marker}]* {label}"


def answer_blocks(
    answer: Answer, public_url: str | None, with_feedback: bool = True, share_button: bool = False
) -> list[dict]:
    blocks: list[dict] = []
    if answer.abstained:
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": _cut(":mag: _" + escape(answer.answer) + "_", MAX_TEXT)},
            }
        )
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "No passage in the documents answers this, so nothing is cited.",
                    }
                ],
            }
        )
    else:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": _cut(escape(answer.answer), MAX_TEXT)}}
        )
    for note in answer.notices:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(escape(note), MAX_TEXT)}]}
        )
    for t in answer.tools:
        text = f":abacus: Computed with `{t.name}`: {escape(t.formula)}"
        if t.notes:
            text += " — " + escape("; ".join(t.notes))
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(text, MAX_TEXT)}]})
    if answer.citations:
        blocks.append({"type": "divider"})
        blocks += _citation_blocks(answer, public_url, MAX_BLOCKS - len(blocks) - 1)
    if with_feedback and answer.answer_id:
        elements = [
            {
                "type": "button",
                "action_id": "feedback_up",
                "value": answer.answer_id,
                "text": {"type": "plain_text", "text": "👍 Helpful", "emoji": True},
            },
            {
                "type": "button",
                "action_id": "feedback_down",
                "value": answer.answer_id,
                "text": {"type": "plain_text", "text": "👎 Not helpful", "emoji": True},
            },
        ]
        if share_button:
            elements.append(
                {
                    "type": "button",
                    "action_id": "share_answer",
                    "value": answer.answer_id,
                    "text": {"type": "plain_text", "text": "Share in channel"},
                }
            )
        blocks.append({"type": "actions", "block_id": "feedback", "elements": elements})
    return blocks[:MAX_BLOCKS]


def _citation_blocks(answer: Answer, public_url: str | None, budget: int) -> list[dict]:
    """One block per citation while they fit; otherwise several per block, quotes shortened."""
    n = len(answer.citations)
    per_block = max(1, -(-n // max(1, budget)))
    blocks = []
    for i in range(0, n, per_block):
        group = answer.citations[i : i + per_block]
        lines = [citation_line(c, public_url) for c in group]
        # Links carry the quote (shortened), so what is left for quotes depends on the lines.
        quote_room = max(40, (MAX_TEXT - sum(len(line) + 8 for line in lines)) // len(group))
        parts = [
            line + ("" if c.in_answer else f"\n> {escape(_cut(c.quote, quote_room))}")
            for line, c in zip(lines, group, strict=True)
        ]
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": _cut("\n".join(parts), MAX_TEXT)}}
        )
    return blocks


def fallback_text(answer: Answer) -> str:
    """The notification text (Slack shows it where blocks cannot be rendered)."""
    return _cut(answer.answer, MAX_TEXT)
