"""Unit tests for the answerer's parts, on small hand-made inputs (no model, no index)."""

from __future__ import annotations

from typing import ClassVar

import pytest

from assistant.answer import formulas, router
from assistant.answer.compose import quote_for
from assistant.answer.extract import answer_probability, score_candidates
from assistant.answer.followup import is_followup, resolve, shift_years
from assistant.answer.question import analyse
from assistant.answer.select import candidates
from assistant.answer.weights import ScoringWeights
from assistant.conversations import Turn
from assistant.models import Filters
from assistant.retrieve import Hit, Retriever, collapse_duplicates
from core.records import Chunk, Document, PageSpan, Unit

pytestmark = pytest.mark.unit

DOC = Document(
    "d1",
    "d1.pdf",
    "Somerset Council Productivity Plan",
    "2024-07",
    doc_type="plan",
    councils=("Somerset Council",),
    audience="public",
)


def _analyse(text: str):
    return analyse(text, lambda t: 3.0, lambda t: 0.0)


def _chunk(cid: str, sentences: list[str], doc: Document = DOC, section: str = "Specific Spend") -> Chunk:
    text, units = "", []
    for i, s in enumerate(sentences):
        start = len(text)
        text += s + " "
        units.append(Unit(start, start + len(s), "sentence", section, section, 3, i))
    spans = (PageSpan(3, 0, len(text), 0),)
    return Chunk(
        cid,
        doc.doc_id,
        0,
        text,
        text,
        3,
        3,
        section,
        section,
        0,
        len(text),
        spans,
        "text",
        cid,
        tuple(units),
        (),
    )


def _hit(chunk: Chunk, score: float = 1.0) -> Hit:
    return Hit(chunk, DOC, score)


def test_fusion_keeps_a_chunk_that_one_retriever_ranks_first() -> None:
    r = Retriever.__new__(Retriever)
    r.fusion, r.dense_weight, r.rrf_k = "weighted", 0.35, 60
    chunks = [_chunk(f"c{i}", [f"sentence number {i} about something different {i * 7}"]) for i in range(4)]

    class State:
        pass

    state = State()
    state.hits = lambda ids: [_hit(chunks[i], 0.0) for i in ids]  # type: ignore[attr-defined]
    state.hashes = [c.hash.encode() for c in chunks]  # type: ignore[attr-defined]
    r._state = state  # type: ignore[assignment]
    r.refresh = lambda: None  # type: ignore[method-assign]
    dense = [(1, 0.52), (2, 0.51), (3, 0.50)]  # c0 absent from the dense list
    lexical = [(0, 12.0), (1, 2.0), (2, 1.9)]  # ... but first by far lexically
    fused = r._fuse(dense, lexical, 4)
    assert fused[0].chunk.id == "c0"
    r.fusion = "rrf"
    assert r._fuse(dense, lexical, 4)[0].chunk.id != "c0"  # the failure mode weighted fusion avoids
    # The only chunk with a word that one chunk uses is the lexical list's best, not its worst.
    r.fusion = "weighted"
    assert r._fuse(dense, [(0, 1.79)], 4)[0].chunk.id == "c0"


def test_near_duplicates_are_collapsed() -> None:
    a = _chunk("a", ["The savings required by South Somerset District Council by 2020 are £4.1m."])
    b = _chunk("b", ["The savings required by South Somerset District Council by 2020 are £4.1m."])
    object.__setattr__(b, "hash", "other")
    hits = [_hit(a, 1.0), _hit(b, 0.9)]
    assert [h.chunk.id for h in collapse_duplicates(hits)] == ["a"]


def test_filters_select_documents_by_council_year_type_and_audience() -> None:
    r = Retriever.__new__(Retriever)

    class State:
        readable: ClassVar[dict] = {}  # the retriever's cache of unfiltered readable documents
        docs: ClassVar[dict[str, Document]] = {
            "p": Document(
                "p",
                "p.pdf",
                "Pioneer",
                "2008-11-14",
                doc_type="board report",
                councils=("Sedgemoor DC", "Somerset CC"),
                audience="public",
            ),
            "j": Document(
                "j",
                "j.pdf",
                "Joint",
                "2016",
                doc_type="full council report",
                councils=("Sedgemoor DC",),
                audience="staff",
            ),
            "q": Document(
                "q",
                "q.pdf",
                "Productivity",
                "2024-07",
                doc_type="plan",
                councils=("Somerset Council",),
                audience="confidential",
            ),
        }

    r._state = State()  # type: ignore[assignment]
    r.refresh = lambda: None  # type: ignore[method-assign]
    everyone = {"public", "staff", "members", "confidential"}
    assert r.allowed_docs(Filters(councils=["SDC"]), everyone) == {"p", "j"}
    assert r.allowed_docs(Filters(since="2010"), everyone) == {"j", "q"}
    assert r.allowed_docs(Filters(until="2016", doc_types=["full council report"]), everyone) == {"j"}
    assert r.allowed_docs(None, {"public"}) == {"p"}
    assert r.allowed_docs(None, {"public", "staff"}) == {"p", "j"}


def test_the_sentence_with_the_asked_figure_and_period_wins() -> None:
    chunk = _chunk(
        "c",
        [
            "Our agency spend is impacted by difficulties in attracting staff.",
            "Our agency spend for 23/24 was £13.1m, we are targeting a reduction of circa £3m in 24/25.",
            "Somerset Council pay structure will be reviewed in 2025/26.",
        ],
    )
    q = _analyse("What did Somerset Council spend on agency staff in 2023/24?")
    best = score_candidates(q, candidates([_hit(chunk)]), ScoringWeights.load())[0]
    assert "£13.1m" in best.text and best.type_ok and best.period_ok


def test_a_year_that_names_the_paper_is_not_a_period_its_passage_must_state() -> None:
    from dataclasses import replace

    from assistant.answer.scope import NAMED, Scope

    review = replace(DOC, doc_id="cpc", title="Corporate Peer Challenge", date="2018-03")
    chunk = _chunk(
        "c", ["Last year it carried out nearly 70 consultations across 2016 and 2017."], doc=review
    )
    q = _analyse("How many consultations did the council run in the year before the 2018 peer challenge?")
    weights = ScoringWeights.load()
    (unnamed,) = score_candidates(q, candidates([Hit(chunk, review, 1.0)]), weights)
    assert not unnamed.period_ok  # a passage of 2016 and 2017, asked about 2018
    named = Scope(groups=({"cpc": NAMED},))
    (best,) = score_candidates(q, candidates([Hit(chunk, review, 1.0)]), weights, named)
    assert best.period_ok  # the question names the 2018 paper: its year is the paper's


def test_a_year_that_names_the_paper_does_not_pick_its_sentence() -> None:
    from dataclasses import replace

    from assistant.answer.scope import FIRMLY, Scope

    plan = replace(DOC, doc_id="plan", title="A Plan for Collaboration", date="2019-06")
    chunk = _chunk(
        "c",
        [
            "The Councils agreed this plan in 2019.",
            "It recalls Pioneer Somerset, which never really got off the ground.",
        ],
        doc=plan,
    )
    q = _analyse("what does the 2019 collaboration plan say re Pioneer?")
    assert "re" not in q.weights  # "re" is "about", not a word the answer must hold
    named = Scope(groups=({"plan": FIRMLY},))
    best = score_candidates(q, candidates([Hit(chunk, plan, 1.0)]), ScoringWeights.load(), named)[0]
    assert "Pioneer" in best.text


def test_a_sentence_without_the_asked_kind_of_answer_scores_low() -> None:
    chunk = _chunk("c", ["The Leaders and Chief Executives selected these options as the way forward."])
    q = _analyse("Who is the chief executive of Somerset Council?")
    corpus_lowercase = {"leaders", "chief", "executives", "selected", "options", "way", "forward"}
    weights = ScoringWeights.load()
    ranked = score_candidates(q, candidates([_hit(chunk)]), weights, lowercase_words=corpus_lowercase)
    assert not ranked[0].type_ok  # no name the question does not already give
    assert answer_probability(q, ranked, weights) < weights.abstain_below  # so the assistant abstains


def test_followups_carry_the_entity_and_shift_the_period() -> None:
    history = [
        Turn(
            1,
            "What did Somerset Council spend on agency staff in 2023/24?",
            "What did Somerset Council spend on agency staff in 2023/24?",
            "Somerset Council's agency spend for 23/24 was £13.1m.",
            ("d1",),
            "a-1",
        )
    ]
    q = _analyse("And what reduction is it aiming for the following year?")
    assert is_followup(q)
    res = resolve(q, history, _analyse)
    assert res.is_followup and {"2024/25", "24/25"} <= res.years
    assert "agenc" in res.carried and res.prefer_docs == {"d1"}
    assert "agency staff" in res.query
    assert shift_years({"2023/24"}, -1) == {"2022/23", "22/23"}
    assert not is_followup(
        _analyse("What savings did the unitary business case for Somerset Council plan to deliver?")
    )


def test_a_followup_naming_another_thing_asks_the_earlier_question_of_it() -> None:
    from assistant.answer.followup import substitute

    earlier = "Which council led the Customer workstream in Pioneer Somerset?"
    again = substitute(_analyse("What about Shared Services?"), earlier)
    assert again == "Which council led the Shared Services workstream in Pioneer Somerset?"
    # More than a name is a question of its own.
    assert (
        substitute(_analyse("What about the risks the Shared Services board raised in 2009?"), earlier)
        is None
    )


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What would 4 days a week at £750 a day for 46 weeks cost?", "costing"),
        ("Add Sedgemoor's NI 179 and NI 179a efficiency targets together. What do they come to?", "sum"),
        ("What is the combined NI 179 target of the district councils?", "sum"),
        ("How far short of its savings need would the joint authority leave South Somerset?", "shortfall"),
        ("By how much is the council projected to beat its unitary savings target?", "excess"),
        ("Does the stated £15.6m shortfall add up?", "check"),
        ("Do the two contracts' annual values add up to the total in the record of decision?", "check"),
        ("Check the capital forecast - do the variances net to the underspend reported?", "check"),
        ("What do the five district councils' NI 179 efficiency targets add up to?", "sum"),
        ("What was West Somerset's total efficiency target by 2010-11?", None),
    ],
)
def test_computations_are_recognised(question: str, kind: str | None) -> None:
    assert router.kind_of(question) == kind


def test_costing_from_the_question_uses_the_tool() -> None:
    found = formulas.costing_in("What would 4 days a week at £750 a day for 46 weeks cost?")
    assert found is not None
    computed = formulas.cost(found, [], lambda c: None)  # type: ignore[arg-type,return-value]
    assert isinstance(computed, router.Computed)
    assert computed.result.output == 138_000 and computed.result.name == "costing.day_rate"
    # A salary costing needs the document's working days a year: without a cited source, it is named missing.
    found = formulas.costing_in("What would 2 days a month cost for someone on £30,000 a year?")
    assert found is not None and found.kind == "staff_time"
    missing = formulas.cost(found, [], lambda c: None)  # type: ignore[arg-type,return-value]
    assert isinstance(missing, router.Missing) and "working days" in missing.what[0]


def test_a_shared_pot_is_not_mistaken_for_the_share() -> None:
    chunk = _chunk(
        "c",
        [
            "The savings required by South Somerset District Council by 2020 are £4.1m.",
            "The total savings for SSDC from a Joint Authority are in the region of £1.2m out of a shared pot of £2.5m over a period of 5 years.",
        ],
    )
    cands = candidates([_hit(chunk)])
    out = router.gap("shortfall", cands, quote_for)
    assert isinstance(out, router.Computed)
    assert out.result.output == 2_900_000
    assert any("shared pot" in n for n in out.result.notes)


def test_a_missing_operand_is_named() -> None:
    chunk = _chunk("c", ["The business case set out a plan to deliver £18.5m of savings per year."])
    out = router.gap("excess", candidates([_hit(chunk)]), quote_for)
    assert isinstance(out, router.Missing) and any("achieved, projected or saved" in w for w in out.what)


def test_quoted_costings_are_recomputed() -> None:
    r = router.verify_quoted_costing("£120,000 based on annual contract of 60 days at £2000 per day.")
    assert r is not None and r.output == 120_000 and "matches the stated £120,000" in r.notes


def test_empty_and_overlong_and_foreign_questions_are_refused() -> None:
    from assistant.answer.validate import check_question
    from core.errors import EmptyQuestion, QuestionTooLong, UnsupportedLanguage

    vocab = {"savings", "target", "pioneer", "somerset"}
    with pytest.raises(EmptyQuestion):
        check_question("   ", vocab)
    with pytest.raises(QuestionTooLong, match="2,000"):
        check_question("why " * 600, vocab)
    with pytest.raises(UnsupportedLanguage):
        check_question("Quel était l'objectif d'économies de Pioneer Somerset ?", vocab)
    with pytest.raises(UnsupportedLanguage):
        check_question("萨默塞特的储蓄目标是什么？", vocab)
    assert check_question(" What was Pioneer Somerset's savings target? ", vocab).startswith("What")


def test_a_bound_is_not_taken_as_an_operand() -> None:
    """A figure after "greater than" bounds something; it is not an amount to add up."""
    from assistant.answer.operands import _figures

    text = "Banks with assets greater than £25bn must be bailed in; the council's bank loans were £216.1m."
    assert [a.text for _, a in _figures(text, "money")] == ["£216.1m"]
    assert [a.text for _, a in _figures("savings of at least £2m and a gap of £3.5m", "money")] == ["£3.5m"]


def test_sector_abbreviations_expand_where_the_papers_do_not_define_them() -> None:
    """An "ASC" in a question finds "adult social care"; an acronym a paper defines keeps its meaning."""
    from core.acronyms import with_sector_abbreviations

    q = analyse("What was the ASC overspend?", lambda t: 1.0, lambda t: 0.1, with_sector_abbreviations({}))
    assert "Adult Social Care" in q.expansions
    own = with_sector_abbreviations({"CPC": "Capital Programme Committee"})
    assert own["CPC"] == "Capital Programme Committee" and own["ASC"] == "Adult Social Care"


@pytest.mark.unit
def test_a_person_asked_for_by_role_is_answered_by_a_name() -> None:
    from assistant.answer.select import type_ok

    q = _analyse("Which officer took Cabinet through the Quarter 2 performance report in January?")
    assert q.answer_type == "who" and q.person
    lower = {"outlined", "report", "quarter", "the", "for"}
    assert type_ok(q, "Mr Wagner outlined the report for Quarter 2.", None, lower)
    assert type_ok(q, "Planning Inspector Joanne Burston commenced hearings.", None, lower)
    # A capitalised heading or an acronym is a name of something, not of a person.
    assert not type_ok(q, "The KPIs for Quarter 2 are in the Appendix.", None, lower)
    assert not _analyse("Which council leads shared services?").person
    # A heading in capitals is no body's name; an acronym the corpus never writes in lower case is.
    body = _analyse("Who developed the plan?")
    lower |= {"unrestricted", "items", "election", "of", "chair"}
    assert not type_ok(body, "UNRESTRICTED ITEMS Election of Chair", None, lower)
    assert type_ok(body, "It was developed by the SICT team.", None, lower)


@pytest.mark.unit
def test_a_total_named_by_words_is_checked_against_the_parts_that_make_it() -> None:
    from assistant.answer.compose import quote_for
    from assistant.answer.router import check_document_total

    chunk = _chunk(
        "c",
        [
            "Thanet and Swale receive £741k and £719k of the Family Hub budget.",
            "Millmead Margate 31/03/2025 £222,127.44",
            "Seashells Sheerness 31/03/2025 £204,302.16 Totals £426,429.60",
        ],
    )
    q = _analyse("Do the Millmead and Seashells contracts add up to the total?")
    ranked = score_candidates(q, candidates([_hit(chunk)]), ScoringWeights.load())
    last = next(c for c in ranked if "Totals" in c.text)
    found = check_document_total([last, *[c for c in ranked if c is not last]], quote_for)
    assert found is not None and found.result.output == 426429.6  # the two rows above, not the £741k
    net = _chunk(
        "n",
        ["A real overspend of £12.9m and a rephasing variance of -£124.5m, so a net underspend of £111.6m."],
    )
    ranked = score_candidates(q, candidates([_hit(net)]), ScoringWeights.load())
    found = check_document_total(ranked, quote_for)
    assert found is not None and found.result.output == -111600000
    # Parts that do not make the total are not reported as the paper's error: nothing is said.
    wrong = _chunk("w", ["Thanet £741k and Swale £719k; the total for each district is £963k."])
    ranked = score_candidates(q, candidates([_hit(wrong)]), ScoringWeights.load())
    assert check_document_total(ranked, quote_for) is None


@pytest.mark.unit
@pytest.mark.parametrize(
    ("question", "plural"),
    [
        ("What task groups support the Civilian-Military Partnership Board?", True),
        ("What criteria has government set for unitary proposals?", True),
        ("What Kent Scheme pay uplifts from April 2025 are provided for?", True),
        ("What was the status of the programme?", False),
        ("What analysis was done?", False),
    ],
)
def test_a_plural_head_noun_is_recognised(question: str, plural: bool) -> None:
    assert _analyse(question).plural_head is plural


@pytest.mark.unit
def test_a_named_quarter_is_a_period() -> None:
    from assistant.answer.question import quarters_in

    assert _analyse("How many KPIs were green in the Quarter 4 2024/25 report?").quarters == {4}
    assert quarters_in("Quarterly Performance Report Q3 2024/25") == {3}
    assert quarters_in("the quarterly report") == set()


@pytest.mark.unit
def test_a_heading_brings_the_opening_of_its_section() -> None:
    from dataclasses import replace

    from assistant.answer import shapes

    chunk = _chunk("h", ["Financial Implications", "None directly arising from this report.", "Next."])
    units = list(chunk.units)
    units[0] = replace(units[0], kind="heading")
    units[2] = replace(units[2], kind="heading")
    chunk = replace(chunk, units=tuple(units))
    q = _analyse("What financial implications does the report set out?")
    head = next(c for c in candidates([_hit(chunk)]) if c.unit.kind == "heading" and c.index == 0)
    opening = shapes.section_opening(head, lambda c, o: None)
    assert opening is not None
    [quote] = shapes.piece_quotes(opening, DOC)
    assert quote.text == "Financial Implications None directly arising from this report."
    assert q.answer_type is None


# -- computations: which figure is an operand's ------------------------------------------------


def test_a_figure_takes_the_year_stated_nearest_it_in_its_clause() -> None:
    from assistant.answer.operands import years_near

    text = "This follows an overspend of £4.5m in 2015/16 and £3.7m in 2016/17."
    assert "2015/16" in years_near(text, text.index("£4.5m"))
    assert "2016/17" in years_near(text, text.index("£3.7m"))
    assert "2016/17" not in years_near(text, text.index("£4.5m"))
    before = "In the same quarter of 2017/18 the budget is projecting an overspend of £14.5m."
    assert "2017/18" in years_near(before, before.index("£14.5m"))


def test_a_figure_stated_as_a_change_is_recognised_with_its_kind() -> None:
    from assistant.answer.compose import Quote
    from assistant.answer.compute import _stated_change
    from core.money import find_money

    def operand(text: str, figure: str) -> router.Operand:
        [(_, amount)] = [m for m in find_money(text) if m[1].text.endswith(figure)]
        return router.Operand("x", amount, Quote(DOC, 1, None, text))

    said = "Our agency spend for 23/24 was £13.1m, we are targeting a reduction of circa £3m in 24/25."
    assert _stated_change(operand(said, "£3m")) == "reduction"
    assert _stated_change(operand(said, "£13.1m")) is None
    assert _stated_change(operand("Spend will be cut by £2m next year.", "£2m")) == "cut"
    assert _stated_change(operand("Income rose by £1.5m.", "£1.5m")) == "rise"


def test_the_rest_of_a_whole_is_asked_for_by_what_has_not_been_done_with_it() -> None:
    from assistant.answer.compute import intent

    assert intent("How much of the 2018/19 saving target had not been specifically allocated?") == "rest"
    assert intent("How much of the savings target is still unallocated?") == "rest"
    assert intent("How much of the budget was spent on agency staff?") is None


def test_a_rate_is_not_an_amount_to_add_unless_a_rate_is_asked_for() -> None:
    from assistant.answer.compute import intent
    from assistant.answer.operands import _figures

    cell = (
        "£120,000 based on annual contract of 60 days at £2000 per day. £75,000 for Programme Manager support"
    )
    assert [a.text for _, a in _figures(cell, "money", rates=False)] == ["£120,000", "£75,000"]
    assert "£2000" in [a.text for _, a in _figures(cell, "money")]
    assert (
        intent("Adding the project lead's contract to the Programme Manager support, what is the total?")
        == "sum"
    )
    assert intent("Do the figures add up to the stated total of £15.6m?") == "check"


def test_a_row_gives_each_column_the_question_names() -> None:
    from dataclasses import replace

    from core.records import TableCell, TableInfo

    label = "Growth, Environment & Transport"
    cells = (("Budget", "202.9"), ("Forecast", "209.2"), ("Variance", "+6.3"), ("Variance", "+3.1%"))
    base = _chunk("t1", [f"{label} 202.9 209.2 +6.3 +3.1%"])
    info = TableInfo(
        "p6-t1",
        None,
        ("", "Budget", "Forecast", "Variance", "Variance"),
        label,
        tuple(TableCell(h, v) for h, v in cells),
    )
    unit = replace(base.units[0], kind="table_row", table=0)
    chunk = replace(base, units=(unit,), tables=(info,))
    (c, *_) = candidates([_hit(chunk)])

    def picked(question: str) -> list[tuple[str, str]]:
        asked = frozenset(_analyse(question).weights)
        q = quote_for(c, asked=asked)
        return [q.cell, *q.also] if q.cell else []

    assert picked("What were GET's budget, forecast and variance?") == list(cells[:3])
    assert picked("What was GET's forecast?") == [("Forecast", "209.2")]


def test_a_name_no_document_uses_is_unknown_and_shorthand_is_not() -> None:
    known = {"somerset", "popul"}

    def asked(text: str):
        return analyse(text, lambda t: 3.0, lambda t: 0.1 if t in known else 0.0)

    assert asked("What is the population of Bristol?").unknown == ["Bristol"]
    assert asked("What is the population of Somerset?").unknown == []
    assert asked("TU time as a % of central staff pay bill?").unknown == []  # a reader's shorthand
    # A word capitalised only because it starts the sentence is no name.
    assert asked("Roughly how many people did Somerset employ?").unknown == []
    assert asked("Totting up the savings, what do you get?").unknown == []


def test_a_question_for_two_people_gets_both_named_on_the_page() -> None:
    from assistant.answer.meetings import find_role
    from core.records import Role

    doc = Document("callin", "callin.pdf", "Call-in Request for Executive Decision 24/00093", "2025-03")
    roles = [
        Role("callin", "Ms Mel Dawkins", "Proposer", 1, "Proposer: Ms Mel Dawkins"),
        Role("callin", "Mr Barry Lewis", "Seconder", 1, "Seconder: Mr Barry Lewis"),
    ]
    docs = {"callin": doc}
    both = find_role(_analyse("Which two councillors made the call-in request?"), roles, docs, {"callin"})
    assert both is not None and both.lead == "Ms Mel Dawkins — Proposer; Mr Barry Lewis — Seconder"
    assert [q.text for q in both.quotes] == [r.quote for r in roles]
    # As many as asked, each once, and not someone the page names for another part.
    crowded = [
        *roles,
        Role("callin", "Mr Barry Lewis", "Seconder (Member)", 1, "Seconder: Mr Barry Lewis"),
        Role("callin", "Mr Roger Gough", "Leader of the Council", 1, "Leader of the Council: Mr Roger Gough"),
    ]
    again = find_role(_analyse("Which two councillors made the call-in request?"), crowded, docs, {"callin"})
    assert again is not None and again.lead == both.lead
    one = find_role(_analyse("Which councillor proposed the call-in request?"), roles, docs, {"callin"})
    assert one is not None and one.lead == "Ms Mel Dawkins — Proposer"


def test_the_thing_asked_for_names_its_column_before_a_word_that_describes_it() -> None:
    from assistant.answer.tables import _head_words, _named_column
    from core.records import TableRow

    row = TableRow(
        DOC,
        "p6-t1",
        None,
        "Adult Social Care & Health",
        {"Forecast": "621.6", "Variance": "+35.4"},
        {},
        6,
        None,
        "",
    )
    q = _analyse("What overspend was Adult Social Care and Health forecasting?")
    assert "overspend" in _head_words(q.text)
    assert "varianc" in _head_words("What is the forecast variance for Adult Social Care?")
    asked = {"overspend", "forecast", "varianc", "adult", "social", "care", "health"}
    assert _named_column(row, q, asked)[0] == "Variance"


def test_a_percentage_is_read_with_the_counts_its_sentence_gives() -> None:
    from assistant.answer.stated import counted_percent

    text = (
        "Since the emergency closure of Blackburn Lodge on 10 November 2023 there have been 57 Sheppey "
        "residents who have moved into a residential care home, with 37 (74%) remaining on the Isle of Sheppey"
    )
    found = counted_percent(text, {74.0})
    assert found is not None and found[0].group("part") == "37" and found[1] == 57
    assert counted_percent(text, {65.0}) is None  # a percentage the question does not state


def test_dates_are_no_movement_and_ranges_no_financial_year() -> None:
    from assistant.answer.stated import _A_YEARS, _DATE_AFTER, _FROM_TO, _a_year

    text = "savings from 1 April 2023 to 31 March 2025"
    m = _FROM_TO.search(text)
    assert m is not None and _DATE_AFTER.match(text, m.end("old"))  # read as dates, not a movement
    assert [x.group(0) for x in _A_YEARS.finditer("agency spend for 23/24") if _a_year(x)] == ["23/24"]
    assert not [x for x in _A_YEARS.finditer("reduce the workforce by 20-26%") if _a_year(x)]


def test_a_list_is_capped_only_by_the_number_it_asks_for() -> None:
    from assistant.answer.shapes import count_asked

    assert count_asked("What are the five core questions every peer challenge looks at?") == 5
    assert count_asked("What did the five councils agree in 2008?") is None


def test_a_check_may_open_with_and() -> None:
    from assistant.answer.compute import intent

    assert intent("And do the six councils' eligible spend figures in Table 5 add up?") == "check"


def test_adding_one_thing_to_another_is_a_sum_only_when_a_figure_is_asked() -> None:
    from assistant.answer.compute import intent

    assert intent("What do we get if we add the general reserves to the contingency fund?") == "sum"
    assert intent("If we add the reserves to the contingency fund, what is the total?") == "sum"
    assert intent("What happens if we add a new management layer to the structure?") is None


def test_on_its_own_asks_for_what_is_done_alone() -> None:
    q = _analyse("What could South Somerset save on its own?")
    assert "alon" in q.weights or "alone" in q.weights
    assert "own" not in _analyse("How many people can stay in their own homes?").weights
