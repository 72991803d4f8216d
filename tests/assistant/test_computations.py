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


def test_a_part_of_a_whole_in_one_sentence_gives_its_share(assistant) -> None:
    # Joint working report, p. 2: "… in the region of £1.2m out of a shared pot of £2.5m …"
    answer = assistant.ask(
        "What share of the £2.5m Joint Authority savings pot would go to SSDC?", role="admin"
    )
    assert "£1.2m ÷ £2.5m × 100 = 48%" in answer.answer
    assert _tool(answer) == "arithmetic.share"


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # Table 3 prints 59.0 for the Programme Team total; its rows add up to 57.
        ("Does the Programme Team total in Table 3 add up?", "59.0 does not add up"),
        # Table 4: Shared Services 42 + 31 + 27 + 128, less 35 of RIEP funding, is the 193 printed.
        ("Is the total for Shared Services in Table 4 correct?", "193 adds up exactly"),
        # Table 5: SSDC's NI 179 and NI 179a targets, 2,536 + 423, make its total 2,959.
        ("Does the SSDC total efficiency target in Table 5 add up?", "2,536 + 423 = 2,959"),
    ],
)
def test_a_total_named_by_words_in_a_named_table_is_checked(assistant, question: str, said: str) -> None:
    answer = assistant.ask(question, role="admin")
    assert said in answer.answer
    assert _tool(answer) == "arithmetic.totals_check"


def test_a_movement_one_sentence_states_gives_its_percentage_change(assistant) -> None:
    # Peer challenge, p. 9: "… apprenticeship scheme … moving from 20 in 2016 to now having in excess
    # of 130."
    answer = assistant.ask("By what percentage has the apprenticeship scheme grown since 2016?", role="admin")
    assert "From 20 to in excess of 130" in answer.answer and "550%" in answer.answer
    assert "approximate" in answer.answer  # "in excess of 130" is a lower bound
    assert _tool(answer) == "arithmetic.percentage_change"
    assert {c.page for c in answer.citations} == {9}


def test_a_total_over_a_stated_period_gives_its_average_a_year(assistant) -> None:
    # Joint working report, p. 2: "(d) The savings within the Solo Business Case show a total that could
    # be achieved of £4.2m over a period of 4 years."
    answer = assistant.ask("What would the solo business case save a year on average?", role="admin")
    assert "£4.2m ÷ 4 = £1.05m a year" in answer.answer
    assert _tool(answer) == "arithmetic.average"
    # A list item is quoted with its marker, as the page prints it.
    assert answer.citations[0].quote.startswith("(d) The savings within the Solo Business Case")


def test_an_average_stated_as_such_is_quoted_not_worked_out(assistant) -> None:
    # Peer challenge, p. 5: "… more than 700 people leaving hospital on average 5 days earlier …"
    answer = assistant.ask(
        "On average, how many days earlier did Home First patients leave hospital?", role="admin"
    )
    assert not answer.tools and "5 days earlier" in answer.answer


def test_a_group_average_of_table_cells(assistant) -> None:
    # Pioneer report, Table 5: total efficiency targets of MDC, SDC, SSDC, TDBC and WSDC.
    answer = assistant.ask(
        "What was the average total efficiency target by 2010-11 per district council in Table 5?",
        role="admin",
    )
    assert "(2,236 + 2,224 + 2,959 + 2,204 + 1,097) ÷ 5 = 2,144" in answer.answer
    assert _tool(answer) == "arithmetic.average"


def test_a_documents_costing_is_recosted_with_the_input_the_question_changes(assistant) -> None:
    # Pioneer report, p. 9: "£138,000 based on daily rate of £750 for 4 days per week for 46 weeks"
    answer = assistant.ask(
        "At the option 2 daily rate and for the same number of weeks, what would 3 days a week cost?",
        role="admin",
    )
    assert "£750 × 3 days a week × 46 weeks = £103,500" in answer.answer
    assert _tool(answer) == "costing.day_rate"
    assert {c.page for c in answer.citations} == {9}


def test_a_check_asked_as_yes_or_no_is_answered_yes_or_no(assistant) -> None:
    # Peer challenge, p. 8: "£8.6m for 2019/20, and then £5.8m and £1.1m … a cumulative shortfall of
    # £15.6m"
    answer = assistant.ask("Does the £15.6m cumulative shortfall add up?", role="admin")
    assert answer.answer.startswith("No. ") and "the parts add up to £15.5m" in answer.answer


def test_a_share_of_a_figure_no_table_row_holds_is_not_read_from_a_table(assistant) -> None:
    # "£11.9m" is the peer challenge's 2018/19 savings target; Table 5 of the Pioneer report holds
    # efficiency targets, none of them £11.9m, and no paper gives the council's overall revenue budget.
    answer = assistant.ask(
        "What percentage of SCC's overall revenue budget did the £11.9m savings target represent?",
        role="admin",
    )
    assert all(c.page != 14 for c in answer.citations)


def test_a_figure_the_question_gives_as_a_share_of_a_table_total(assistant) -> None:
    # Pioneer report, p. 13: "… efficiency savings in the region of £20 million …"; Table 5 (p. 14):
    # "Total Efficiency Target by 2010-11 … 53,430" (£000).
    answer = assistant.ask(
        "The Pioneer report commits to £20 million of efficiency savings. What percentage of the total "
        "efficiency target in Table 5 is that?",
        role="admin",
    )
    assert "£20m ÷ £53.43m × 100 = 37.4%" in answer.answer
    assert _tool(answer) == "arithmetic.share"
    # The given figure is cited where the report states it, beside the table row.
    assert any("£20 million" in c.quote for c in answer.citations)
    assert any("53,430" in c.quote for c in answer.citations)


def test_a_sum_of_table_figures_says_what_the_table_counts(assistant) -> None:
    # Pioneer report, Table 3 – Days per Month: Strategic Leadership (Political) 30.0, (Managerial) 22.
    answer = assistant.ask(
        "How many days a month do the political and managerial Strategic Leadership workstreams need "
        "between them in Table 3?",
        role="admin",
    )
    assert "30 + 22 = 52 days per month" in answer.answer


def test_a_ratio_of_two_councils_cells(assistant) -> None:
    # Pioneer report, Table 5: "Total Efficiency Target by 2010-11 42,710 2,236 …" (SCC, MDC).
    answer = assistant.ask(
        "How many times bigger was SCC's total efficiency target than Mendip's in Table 5?", role="admin"
    )
    assert "42,710 ÷ 2,236 = 19.1" in answer.answer
    assert _tool(answer) == "arithmetic.ratio"


def test_a_ratio_whose_first_part_is_a_sum_cites_consecutive_sentences_as_one_quote(assistant) -> None:
    # Peer challenge, p. 7: "… SCC will have £11.3m of general reserves. It is also reported that the
    # council will have a contingency fund of £7m …"; the children's overspend of £14.5m.
    answer = assistant.ask(
        "How many years' worth of the 2017/18 children's overspend would the general reserves plus the "
        "contingency fund cover?",
        role="admin",
    )
    assert "£11.3m + £7m = £18.3m" in answer.answer and "= 1.26" in answer.answer
    assert _tool(answer) == "arithmetic.ratio"
    assert any("£11.3m of general reserves. It is also reported" in c.quote for c in answer.citations)


def test_a_level_and_its_change_in_one_sentence(assistant) -> None:
    # Productivity plan, p. 3: "Our agency spend for 23/24 was £13.1m, we are targeting a reduction of
    # circa £3m in 24/25."
    cut = assistant.ask("What percentage cut in agency spend is the 24/25 target?", role="admin")
    assert "A reduction of circa £3m on £13.1m" in cut.answer and "22.9%" in cut.answer
    after = assistant.ask(
        "If the target is hit, what would agency spend come down to in 24/25?", role="admin"
    )
    assert "£13.1m − £3m = £10.1m" in after.answer
    assert _tool(after) == "arithmetic.difference"


def test_a_years_figure_asked_per_week(assistant) -> None:
    answer = assistant.ask("Somerset's agency bill for 23/24 - roughly what's that per week?", role="admin")
    assert "£13.1m ÷ 52 = £251,923 a week" in answer.answer
    assert _tool(answer) == "arithmetic.average"


def test_a_change_about_something_else_is_no_answer(assistant) -> None:
    # The agency spend sentence states a level and a reduction in 24/25; council tax is not in it.
    answer = assistant.ask(
        "By what percentage did Somerset Council raise council tax for 2024/25?", role="admin"
    )
    assert answer.abstained and not answer.citations


def test_a_computation_missing_an_operand_cites_nothing(assistant) -> None:
    answer = assistant.ask(
        "By how much did Mendip's actual efficiency savings in 2010-11 exceed its Table 5 target?",
        role="admin",
    )
    assert answer.abstained and not answer.citations and not answer.tools


def test_a_ratio_whose_figures_come_in_a_leading_clause_says_what_it_counts(assistant) -> None:
    answer = assistant.ask(
        "With general reserves and the contingency fund together, how many years of children's overspending "
        "at the 2017/18 level could SCC cover?",
        role="admin",
    )
    assert "£18.3m ÷ £14.5m = 1.26 years" in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "How many times were issues such as agency spend raised?",  # a count, not "how many times bigger"
        "How many staff members did the peer team meet?",  # nothing priced is bought
        "How much a week would reducing the overall workforce save?",  # "20-26%" is no financial year
        "How far short of its 2018/19 savings target was Taunton Deane?",  # no pair of Taunton Deane's
    ],
)
def test_no_computation_from_figures_about_something_else(assistant, question: str) -> None:
    answer = assistant.ask(question, role="admin")
    assert not answer.tools


def test_a_movement_is_found_when_the_stemmer_parts_the_words(assistant) -> None:
    # Peer challenge, p. 9: "… the council's apprenticeship scheme is also a story of success, moving
    # from 20 in 2016 to now having in excess of 130." "apprentices" and "apprenticeship" stem apart.
    answer = assistant.ask("By what percentage did the number of apprentices grow since 2016?", role="admin")
    assert "550%" in answer.answer
    assert _tool(answer) == "arithmetic.percentage_change"


def test_adding_one_figure_to_another_named_in_the_question(assistant) -> None:
    # Peer challenge, p. 7: "… SCC will have £11.3m of general reserves. It is also reported that the
    # council will have a contingency fund of £7m …"
    answer = assistant.ask(
        "If we add the general reserves to the contingency fund, what is the total?", role="admin"
    )
    assert "£18.3m" in answer.answer
    assert _tool(answer) == "arithmetic.sum"


def test_an_average_of_the_figures_of_named_periods(assistant) -> None:
    # Peer challenge, p. 7: "… projecting an overspend of £14.5m. This follows an overspend of £4.5m in
    # 2015/16 and £3.7m in 2016/17."
    answer = assistant.ask(
        "What was the mean children's services overspend over 2015/16, 2016/17 and 2017/18?", role="admin"
    )
    assert "£7.57m" in answer.answer
    assert _tool(answer) == "arithmetic.average"
    assert {c.page for c in answer.citations} >= {7}


def test_a_follow_up_adds_the_figures_the_conversation_gave(assistant) -> None:
    # Peer challenge, p. 8: "... a saving target for 2018/19 of £11.9m ... Furthermore savings of £5.8m
    # in 2019/20 and £3.2m in 2020/21 have also been identified and allocated."
    first = assistant.ask("How big was SCC's 2018/19 savings target?", role="admin")
    assert first.answer.startswith("£11.9m")
    second = assistant.ask(
        "And the savings identified for the two years after that?",
        conversation_id=first.conversation_id,
        role="admin",
    )
    assert second.answer.startswith("£5.8m in 2019/20; £3.2m in 2020/21")
    third = assistant.ask(
        "What do those three years come to?", conversation_id=first.conversation_id, role="admin"
    )
    assert "£11.9m + £5.8m + £3.2m = £20.9m" in third.answer
    assert _tool(third) == "arithmetic.sum" and {c.page for c in third.citations} == {8}


def test_a_percentage_applied_is_the_one_among_the_questions_words(assistant) -> None:
    # Productivity plan, p. 1: "... and reduce the overall workforce by 20-26%." Page 3's "the % for
    # central staff was 0.03%" is about Trade Union time, though it names staff too.
    answer = assistant.ask(
        "Assume the council employs 6,000 staff: how many posts would its planned overall workforce "
        "reduction remove, at the bottom and top of the range?",
        role="admin",
    )
    assert "20% × 6,000 = 1,200" in answer.answer and "26% × 6,000 = 1,560" in answer.answer
    assert _tool(answer) == "arithmetic.percentage_of"


def test_a_gap_asked_in_pounds_and_as_a_percentage_gives_both(assistant) -> None:
    # Productivity plan, p. 1: "... a plan to deliver £18.5m of savings per year ... projected to
    # exceed this by saving £20.3m per year."
    answer = assistant.ask(
        "How far will the council beat the business case's annual savings, in cash terms and as a percentage?",
        role="admin",
    )
    assert "£20.3m − £18.5m = £1.8m" in answer.answer and "9.7%" in answer.answer
    assert [t.name for t in answer.tools] == ["arithmetic.excess", "arithmetic.percentage_change"]


def test_a_share_the_documents_state_applied_to_a_figure_they_state(assistant) -> None:
    # Peer challenge, p. 2: "For the last two years only 65% of agreed savings have been delivered";
    # p. 8: "... a saving target for 2018/19 of £11.9m ..."
    answer = assistant.ask(
        "Were the council to deliver the same proportion of agreed savings as in the last two years, how "
        "much of the 2018/19 saving target would it achieve?",
        role="admin",
    )
    assert "65% × £11.9m = £7.74m" in answer.answer  # printed as a paper prints it
    assert _tool(answer) == "arithmetic.percentage_of"
    short = assistant.ask(
        "If SCC again achieved only that proportion of its savings, how far short of its 2018/19 saving "
        "target would it fall?",
        role="admin",
    )
    assert "£11.9m − £7.735m = £4.165m" in short.answer  # from the unrounded part
    assert [t.name for t in short.tools] == ["arithmetic.shortfall", "arithmetic.percentage_of"]


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # Collaboration plan, p. 5: "Specialist financial modelling 5x Data lead @40%"
        (
            "How many full-time equivalents do the plan's specialist financial modelling data leads come to?",
            "5 × 0.4 = 2 full-time equivalents",
        ),
        (
            "With a 37-hour week, how many hours a week do the five data leads give to financial modelling?",
            "5 × 0.4 × 37 = 74 hours a week",
        ),
        # "Programme Board ... Council Cex 5xSO@10%": SO is a senior officer; the Discovery Board's
        # "5xSO@5%" is another board's line.
        (
            "In the collaboration plan, if each senior officer costs £60,000 a year, what does the Programme "
            "Board's share of their time cost?",
            "5 × 0.1 × £60,000 = £30,000",
        ),
    ],
)
def test_a_resourcing_line_gives_the_time_or_cost_of_the_role_asked(
    assistant, question: str, said: str
) -> None:
    answer = assistant.ask(question, role="admin")
    assert said in answer.answer
    assert _tool(answer) == "arithmetic.product" and {c.page for c in answer.citations} == {5}


def test_percentages_to_be_added_are_each_one_the_question_names(assistant) -> None:
    # Pioneer report, p. 13: the Local Area Agreement "requires all authorities ... to achieve 3%
    # efficiency savings ... plus a further 0.5% stretch target".
    answer = assistant.ask(
        "Applying the LAA's basic percentage plus its stretch percentage to £12m of spend, what savings would be needed?",
        role="admin",
    )
    assert "3.5% × £12m = £420,000" in answer.answer
    assert _tool(answer) == "arithmetic.percentage_of"


def test_the_review_findings_stay_fixed(assistant) -> None:
    # "over the next three years" in a question of its own is not a follow-up of the turn before.
    first = assistant.ask("What savings were identified and allocated for 2019/20?", role="admin")
    alone = assistant.ask(
        "What savings does the productivity plan expect over the next three years?",
        conversation_id=first.conversation_id,
        role="admin",
    )
    assert "2020/21" not in alone.answer.split("\n")[0]
    # "How much of X ..., and is it the same proportion as before?" is no share applied to X.
    both = assistant.ask(
        "How much of the 2018/19 savings target was allocated, and is it the same proportion as before?",
        role="admin",
    )
    assert "To compute this" not in both.answer
    # The noun of the question's own figure ("6,000 staff") does not choose the rate applied.
    staff = assistant.ask(
        "Say the council had 6,000 staff. How many posts would the workforce reduction remove?", role="admin"
    )
    assert "0.03%" not in staff.answer
