"""[answer] tools by intent on the real corpus: the operand of a period is the figure stated for that
period, a figure stated as a change is a change, and the rest of a whole is the whole less the part
the same sentence gives. Every operand is cited, and the result comes from a named tool."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def _tool(answer) -> str:
    [call] = answer.tools
    return call.name


def test_each_period_takes_the_figure_stated_for_it(assistant) -> None:
    # Peer challenge, p. 7: "… in the same quarter of 2017/18 the children and families budget is
    # projecting an overspend of £14.5m. This follows an overspend of £4.5m in 2015/16 and £3.7m in
    # 2016/17."
    answer = assistant.ask(
        "What is the percentage increase from the 2016/17 children's overspend to the 2017/18 projected overspend?",
        role="admin",
    )
    assert "From £3.7m to £14.5m" in answer.answer and "291.9%" in answer.answer
    assert _tool(answer) == "arithmetic.percentage_change"
    assert {c.page for c in answer.citations} == {7}


def test_a_figure_stated_as_a_reduction_is_a_change_not_the_new_level(assistant) -> None:
    # Productivity plan, p. 3: "Our agency spend for 23/24 was £13.1m, we are targeting a reduction of
    # circa £3m in 24/25."
    answer = assistant.ask(
        "By about what percentage would agency spend fall between 23/24 and 24/25 if the targeted reduction is met?",
        role="admin",
    )
    assert "22.9%" in answer.answer and "reduction" in answer.answer
    assert _tool(answer) == "arithmetic.share"


def test_the_rest_of_a_whole_is_the_whole_less_the_part_the_sentence_gives(assistant) -> None:
    # Peer challenge, p. 8: "… a saving target for 2018/19 of £11.9m of which £8.8m was specifically
    # allocated in February 2018."
    answer = assistant.ask("How much of the 2018/19 savings target was still unallocated?", role="admin")
    assert "£11.9m − £8.8m = £3.1m" in answer.answer
    assert _tool(answer) == "arithmetic.difference"
    [c] = answer.citations
    assert c.page == 8 and "of which £8.8m" in c.quote
