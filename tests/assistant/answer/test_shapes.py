"""Unit tests for the answer's shapes: parts, follow-ups, computations by intent, tables, leads."""

from __future__ import annotations

import pytest

from assistant.answer import formulas, operands, router, shapes, tables
from assistant.answer.compute import intent
from assistant.answer.extract import _bare_label, _of_the_shape_asked, lacks_asked_figure, question_parts
from assistant.answer.followup import _shift_text, substitute
from assistant.answer.question import analyse, same_period, year_forms
from assistant.answer.router import TableRow
from core.acronyms import find_acronyms
from core.records import Document

pytestmark = pytest.mark.unit

DOC = Document("d", "d.pdf", "Update Report", "2008-11-14")


def _analyse(text: str):
    return analyse(text, lambda t: 3.0, lambda t: 0.0)


def test_a_two_part_question_splits_into_two_questions() -> None:
    parts = question_parts(
        "How much did South Somerset need to save by 2020, and what total did its Solo Business Case say?"
    )
    assert parts == [
        "How much did South Somerset need to save by 2020",
        "what total did its Solo Business Case say",
    ]
    assert question_parts("What savings did the partners commit to?") == [
        "What savings did the partners commit to?"
    ]


def test_a_follow_up_that_names_only_a_period_or_council_asks_the_earlier_question_again() -> None:
    earlier = "What was the adult social care overspend in 2016/17?"
    assert (
        substitute(_analyse("And the year before?"), earlier)
        == "What was the adult social care overspend in 2015/16?"
    )
    assert substitute(_analyse("And the year after that?"), earlier) == (
        "What was the adult social care overspend in 2017/18?"
    )
    assert substitute(_analyse("What about Sedgemoor?"), "What did South Somerset need to save?") == (
        "What did Sedgemoor District Council need to save?"
    )
    # A follow-up with words of its own is not a substitution: it carries terms instead.
    assert substitute(_analyse("And what reduction is it aiming for the following year?"), earlier) is None
    assert _shift_text("spend for 23/24 and in 2019", -1) == "spend for 22/23 and in 2018"


def test_financial_years_match_only_the_same_financial_year() -> None:
    assert not same_period(year_forms("in 2022/23"), year_forms("spend for 23/24 was £13.1m"))
    assert same_period(year_forms("in 2023/24"), year_forms("spend for 23/24 was £13.1m"))
    assert same_period(year_forms("in 2018"), year_forms("target for 2018/19"))


def test_acronyms_are_found_where_the_documents_spell_them_out() -> None:
    found = find_acronyms(
        [
            "notably within the Somerset Waste Partnership (SWP), making savings",
            "supported by RIEP (Regional Improvement and Efficiency Programme), formerly LIFT",
            "the Joint Leaders Advisory Group (JLAG) was set up",
            "in the (UK) context",
        ]
    )
    assert found == {
        "SWP": "Somerset Waste Partnership",
        "RIEP": "Regional Improvement and Efficiency Programme",
        "JLAG": "Joint Leaders Advisory Group",
    }


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What do the five district councils' NI 179 efficiency targets add up to?", "sum"),
        ("Sedgemoor NI 179 + NI 179a targets - what's the total?", "sum"),
        ("Counting both the general reserves and the contingency fund, how much was there?", "sum"),
        ("Is the £15.6m cumulative shortfall that's quoted arithmetically correct?", "check"),
        ("Table 3 puts the Programme Team total at 59.0 days. Is that right?", "check"),
        ("How far short would that leave it?", "shortfall"),
        ("By how much is the council projected to beat its savings target?", "excess"),
        ("What is the difference between the two councils' targets?", "difference"),
        ("What percentage growth is that?", "change"),
        ("What share, as a percentage, of the total falls on Somerset County Council?", "share"),
        ("Of the shared pot, how much was left once SSDC's share is taken out?", "remainder"),
        ("What would 3 days a week at £600 a day for 40 weeks cost?", "costing"),
        ("How much would a 90-day contract at £1,100 a day come to?", "costing"),
        (
            "Suppose the council employed 6,000 staff. How many posts would the planned reduction remove?",
            "apply",
        ),
        ("need the annual cost for the project lead option + how they worked it out", None),
        (
            "How far short of the savings target is the forecast, and what percentage of it is delivered?",
            "shortfall",
        ),
        (
            "Using the total cash limit and prior years' spend, what is left to spend over 2025-26 to 2034-35?",
            "remainder",
        ),
        ("What was West Somerset's total efficiency target by 2010-11?", None),
        ("What was the cumulative shortfall?", None),
    ],
)
def test_computations_are_recognised_by_intent(question: str, kind: str | None) -> None:
    assert intent(question) == kind


def test_costings_read_their_figures_from_the_question() -> None:
    day_rate = formulas.costing_in("4 days a week at £750 a day for 46 weeks")
    assert day_rate is not None and day_rate.kind == "day_rate" and day_rate.figures["weeks"] == 46
    contract = formulas.costing_in("a 90-day contract at £1,100 a day")
    assert contract is not None and contract.figures == {"days": 90, "rate": 1100}
    staff = formulas.costing_in("an officer on a £44,000 salary who is needed 2 days a month")
    assert staff is not None and staff.kind == "staff_time" and staff.figures["salary"] == 44_000
    # Staff time needs the document's working days a year: none is assumed.
    missing = formulas.cost(staff, [], lambda c: None)  # type: ignore[arg-type,return-value]
    assert isinstance(missing, router.Missing) and "working days" in missing.what[0]


def test_operand_phrases() -> None:
    assert operands.phrases("What do the children's overspend and the planned savings add up to?") == [
        "the children's overspend",
        "the planned savings",
    ]
    assert operands.phrases(
        "Adding the project lead's contract to the manager support, what is the total?"
    ) == [
        "the project lead's contract",
        "the manager support",
    ]


def _table() -> list[TableRow]:
    cells = {
        "Total eligible spend": ["393,643", "20,606", "20,494", "27,272", "20,314", "10,116", "492,445"],
        "Efficiency Target by 2010-11 (NI 179)": [
            "36,609",
            "1,916",
            "1,906",
            "2,536",
            "1,889",
            "941",
            "45,797",
        ],
        "Efficiency Target by 2010-11 (NI 179a)": ["6,101", "319", "318", "423", "315", "157", "7,633"],
        "Total Efficiency Target by 2010-11": [
            "42,710",
            "2,236",
            "2,224",
            "2,959",
            "2,204",
            "1,097",
            "53,430",
        ],
    }
    headers = ["SCC £000", "MDC £000", "SDC £000", "SSDC £000", "TDBC £000", "WSDC £000", "TOTAL £ 000"]
    rows = []
    for label, values in cells.items():
        rows.append(
            TableRow(
                DOC,
                "table-5",
                "Table 5",
                label,
                dict(zip(headers, values, strict=True)),
                {h: ("£000", 1000.0) for h in headers},
                14,
                "9.2",
                label + " " + " ".join(values),
            )
        )
    return rows


def test_table_sums_checks_and_lookups_read_the_named_cells() -> None:
    rows = _table()
    q = _analyse(
        "What is the combined total efficiency target by 2010-11 for Mendip, Taunton Deane and West Somerset?"
    )
    summed = tables.table_sum(q.text, q, rows)
    assert summed is not None and summed.result.output == 2_236 + 2_204 + 1_097
    q = _analyse(
        "Table 5 gives a total eligible spend of 492,445. Do the six councils' figures add up to that?"
    )
    checked = tables.table_check(q.text, q, rows)
    assert checked is not None and checked.result.output == 492_445
    assert checked.result.details["adds_up"]
    q = _analyse("What was West Somerset's total efficiency target by 2010-11?")
    found = tables.table_lookup(q.text, q, rows)
    assert found is not None and (found.row.label, found.value) == (
        "Total Efficiency Target by 2010-11",
        "1,097",
    )
    q = _analyse("How much bigger is South Somerset's total efficiency target than Sedgemoor's?")
    difference = tables.table_difference(q, rows)
    assert difference is not None and difference.result.output == 2_959 - 2_224
    # A question about something else that happens to share a row's words is not a lookup.
    q = _analyse("What saving target did Somerset County Council agree for 2018/19?")
    assert tables.table_lookup(q.text, q, rows) is None


def test_a_lookup_reads_only_a_cell_that_can_hold_the_kind_of_answer_asked() -> None:
    def row(label: str, cells: dict[str, str]) -> TableRow:
        return TableRow(DOC, "t", "Table 3", label, cells, {}, 11, "7.1", label)

    days = row("Shared Services", {"Lead Officers": "2.0 8.0"})
    lead = row("Shared Services", {"Lead": "MDC"})
    who = _analyse("Who leads the Shared Services workstream?")
    assert tables.table_lookup(who.text, who, [days]) is None  # a figure names no one
    found = tables.table_lookup(who.text, who, [days, lead])
    assert found is not None and found.value == "MDC"


def test_leads_are_words_of_the_quote() -> None:
    quote = "To achieve annual revenue savings arising from enhanced two-tier working of £20m, by 2012/13."
    assert shapes.fact_lead(_analyse("What annual savings did Pioneer aim for?"), quote) == "£20m, by 2012/13"
    # A figure's words end where a new clause begins; its deadline is kept.
    quote = "The programme will deliver savings in the region of £20 million arising from joint working by 2012-13."
    lead = shapes.fact_lead(_analyse("What was the savings target?"), quote)
    assert lead == "in the region of £20 million, by 2012-13"
    dated = "It builds on the feedback presentation at the end of their on-site visit (12 – 15th March 2018)."
    assert shapes.fact_lead(_analyse("When was the peer team on site?"), dated) == "12 – 15th March 2018"
    # A decimal point or a thousands comma is not the end of the figure's words; a cut lead does
    # not end on a dangling "as part of".
    spent = "The council spent £1,200,000 in 2023, more than planned."
    assert shapes.fact_lead(_analyse("What did the council spend?"), spent) == "£1,200,000 in 2023"
    homes = "It will deliver 10 family-sized homes for children as part of the programme."
    assert (
        shapes.fact_lead(_analyse("How many homes will it deliver?"), homes)
        == "10 family-sized homes for children"
    )
    # A year is not a count, unless what is counted follows it.
    dated = "Notable is the Hinkley Point power station, approved in 2015, the largest in Europe."
    assert shapes.fact_lead(_analyse("How many jobs has Hinkley Point created?"), dated) is None
    jobs = "The project has created 2015 jobs on site so far."
    assert (
        shapes.fact_lead(_analyse("How many jobs has the project created?"), jobs)
        == "2015 jobs on site so far"
    )
    denied = "The timing is not quite right to create a Joint Authority."
    assert shapes.yes_no_lead(_analyse("Was a joint authority created?"), denied) == "No"


def test_a_figure_or_date_asked_for_needs_evidence_that_states_one() -> None:
    spoken = "The team spoke to a range of council staff together with councillors and partners."
    assert lacks_asked_figure(_analyse("How many people did the team speak to?"), spoken)
    assert lacks_asked_figure(_analyse("What percentage turnout did the elections get?"), spoken)
    assert lacks_asked_figure(_analyse("When did the new council start?"), spoken)
    # A sum asked for may be stated as a plain number ("220 working days"): any figure will do.
    formula = "(salary of employee / 220 (average working days per year)) X no. days required per month"
    assert not lacks_asked_figure(_analyse("What working days figure did they use to cost it?"), formula)
    # A date's day or year is not a count of anything.
    dated = "Devolution survey completed and sent out to Town/ Parish councils 18 Sept 08."
    assert lacks_asked_figure(_analyse("How many parish councils responded to the survey?"), dated)
    # Yes/no questions and questions that ask for no figure are not judged here.
    assert not lacks_asked_figure(_analyse("Did the team speak to partners?"), spoken)
    assert not lacks_asked_figure(_analyse("Who did the team speak to?"), spoken)


def test_a_rate_is_searched_for_without_the_figures_the_question_supposes() -> None:
    asked = "Suppose the council employed 6,000 staff. How many posts would its planned workforce reduction remove?"
    assert formulas.rate_question(asked) == (
        "the council employed staff. How many posts would its planned workforce reduction remove?"
    )
    assert formulas.rate_question("Applying the LAA savings percentage to £12m, what is required?") == (
        "Applying the LAA savings percentage to , what is required?"
    )
    # A figure that is a percentage and a count at once is cut out once, not twice.
    assert formulas.rate_question("Applying the 3.5 per cent target to £12m, what is needed?") == (
        "Applying the target to , what is needed?"
    )


def test_the_shape_of_a_question_is_read_from_the_clause_that_asks() -> None:
    chaired = _analyse("The Chairman was absent on 9 January 2025 - who chaired that County Council meeting?")
    assert chaired.answer_type == "who"
    assert _analyse("In the disposable vapes debate in March 2025, who seconded the amendment?").person
    assert _analyse("On 9 January, who moved the amendment?").answer_type == "who"
    assert _analyse("In the Q3 report, when was the target last met?").answer_type == "date"
    assert _analyse("Multiply the band D rate by the tax base - does it reproduce the total?").yes_no
    # A question that asks from its first word keeps its later clauses as parts of it.
    assert _analyse("How much did it need to save by 2020, and when was it agreed?").answer_type == "money"


def test_a_polite_request_is_read_as_the_question_it_carries() -> None:
    assert not _analyse("Can you tell me what programme was supporting Pioneer?").yes_no
    assert _analyse("Could you tell me how many people took part?").answer_type == "count"
    assert _analyse("Do you know when the council started?").answer_type == "date"
    assert _analyse("Can you tell me whether the savings were enough to meet the gap?").yes_no
    assert _analyse("Could you tell me if the peer team recommended a review?").yes_no
    assert _analyse("I’d like to know how many staff it employs").answer_type == "count"
    assert _analyse("Tell me about the savings programme").answer_type is None


def test_a_count_is_asked_for_however_the_number_is_named() -> None:
    # What is counted: the noun after "how many", not a verb and its object.
    assert _analyse("How many elected members sat on it?").count_noun == {"elect", "member"}
    assert _analyse("how many attended the roadshows?").count_noun == set()
    assert _analyse("number of consultations the council did in the year before?").answer_type == "count"
    assert _analyse("What number of people did the team meet?").answer_type == "count"
    assert _analyse("How has the number of apprentices changed since 2016?").answer_type is None


def test_a_clause_of_when_or_if_and_a_bare_noun_phrase_are_read_by_what_they_ask() -> None:
    costed = _analyse("When the resources were costed, what average number of working days was assumed?")
    assert costed.answer_type != "date"
    assert _analyse("When did it start, and what did it cost?").answer_type == "date"
    assert _analyse("What time commitment does the plan set?").answer_type is None
    assert _analyse("What workforce reduction is the programme targeting?").answer_type == "quantity"
    assert _analyse("estimated cost of the option to second a director?").answer_type == "money"
    assert _analyse("peer team's recommendation on cabinet finance leadership?").answer_type is None
    assert _analyse("% of premises with gigabit broadband?").answer_type == "percent"
    # The question's own percentage, or a change or sum that is not the head, asks for none.
    assert _analyse("Which teams cut the cost of reviews by nearly 50%?").answer_type is None
    assert _analyse("Where is Trade Union time as a % of the pay bill published?").answer_type is None
    assert _analyse("Risks to the savings plan?").answer_type is None
    assert _analyse("What is the growth deal?").answer_type is None
    assert _analyse("What cut-off date applies?").answer_type is None
    assert _analyse("What measures address the rise in homelessness?").answer_type is None
    assert _analyse("When exactly did the council agree the budget?").answer_type == "date"


def test_a_list_is_asked_for_by_its_count_or_an_instruction_to_summarise_it() -> None:
    summarised = _analyse("Summarise the peer team's five key recommendations to the council.")
    assert summarised.wants_list and "summaris" not in summarised.weights
    assert _analyse("What are the five core areas every peer challenge looks at?").wants_list
    assert not _analyse("How many options were there?").wants_list


def test_a_column_sum_adds_the_rows_the_question_names_in_full() -> None:
    rows = [
        TableRow(DOC, "table-4", "Table 4", label, {"Total £'000": total}, {}, 12, "7.1", f"{label} {total}")
        for label, total in (
            ("Shared Services", "193"),
            ("Customer Access", "94"),
            ("Service Devolution", "98"),
        )
    ]
    q = _analyse(
        "What is the combined cost, in the Total column, of the Shared Services and Customer Access workstreams?"
    )
    summed = tables.table_sum(q.text, q, rows)
    assert summed is not None and summed.result.output == 193 + 94


def test_the_second_year_of_a_span_is_not_a_figure_the_question_gives() -> None:
    assert not formulas.asks_to_apply("Using the cash limit, what is left over 2025-26 to 2034-35?")
    assert formulas.asks_to_apply("Using the LAA savings percentage, what would £12m need to save?")


def test_evidence_of_the_shape_asked_is_preferred_when_it_has_every_term_the_best_has() -> None:
    from types import SimpleNamespace
    from typing import cast

    from assistant.answer.select import Candidate

    def candidate(
        type_ok: bool,
        missing: set[str],
        period_ok: bool = True,
        entity_ok: bool = True,
        text: str = "The council agreed it that year.",
    ) -> Candidate:
        fields = {"type_ok": type_ok, "missing": missing, "period_ok": period_ok, "entity_ok": entity_ok}
        return cast(Candidate, SimpleNamespace(text=text, unit=SimpleNamespace(kind="sentence"), **fields))

    q = _analyse("When did the council adopt the protocol?")
    best = candidate(False, set())
    dated = candidate(True, set(), text="adopted on 12 November 2008")
    vaguer = candidate(True, {"protocol"}, text="adopted in November 2008")
    assert _of_the_shape_asked(q, best, [vaguer, dated]) is dated
    assert _of_the_shape_asked(q, best, [vaguer]) is best
    # "When" is answered by a month or a day where the next candidate gives one and the best a year.
    year_only = candidate(True, set(), text="The council adopted it in 2008.")
    assert _of_the_shape_asked(q, year_only, [dated]) is dated
    # A passage about another year than the one asked is passed over the same way.
    q = _analyse("What did the council spend on agency staff in 2023/24?")
    other_year, this_year = candidate(True, set(), period_ok=False), candidate(True, set())
    assert _of_the_shape_asked(q, other_year, [this_year]) is this_year
    # Nor is a passage about something else than the name the question uses.
    elsewhere = candidate(True, set(), entity_ok=False)
    assert _of_the_shape_asked(q, other_year, [elsewhere]) is other_year
    # A bare label ("the delivery of savings") gives way to the next sentence of the shape asked.
    q = _analyse("What did the peer challenge say about financial planning?")
    label = candidate(True, set(), text="the delivery of savings")
    assert _of_the_shape_asked(q, label, [label, this_year]) is this_year


def test_who_did_what_only_a_person_does_at_a_meeting_asks_for_a_person() -> None:
    assert _analyse("The Chairman was absent - who chaired that meeting?").person
    assert _analyse("Who seconded the amendment?").person
    assert not _analyse("Who developed the 2019 Plan for Collaboration?").person


def test_a_label_is_not_an_answer_but_a_short_sentence_or_figure_is() -> None:
    assert _bare_label("Programme Management") and _bare_label("Follow up visit")
    assert not _bare_label("The PID was agreed.")
    assert not _bare_label("Shared Services 2.0 8.0")
    assert not _bare_label("It is important to stress that this was not an inspection")
    assert not _bare_label("In particular:")  # a list's introduction: the list answers
    assert not _bare_label("Lead officer: Jane Smith")  # a field
    assert shapes.said_before("£9.1m", "£9.1m [1].")
    assert not shapes.said_before("20", "120 staff [1].") and not shapes.said_before("1", "£9.1m [1].")
