"""[llm] acceptance 1: LangChain's fake chat model, scripted, on the real index. Every sentence that
reaches the user is verified; everything else falls back to the offline composer."""

from __future__ import annotations

import pytest

from assistant.llm.prompts import answer_prompts
from tests.conftest import CORPUS, key, pdftotext_pages
from tests.fakes_llm import find, other_than, scripted, tool_call, tool_results, user_prompt

pytestmark = pytest.mark.integration

TARGET_Q = "What was Pioneer Somerset's savings target?"


def llm_assistant(assistant, model, **settings):
    """The session's real retriever and stores, answering through `model`."""
    from assistant.llm.service import llm_answerer
    from assistant.service import Assistant

    s = assistant.settings.model_copy(update={"llm": "fake:scripted", **settings})
    return Assistant(s, assistant.retriever, assistant.conversations, llm_answerer(s, model=model))


def _on_page(citation) -> bool:
    pages = pdftotext_pages(CORPUS / citation.file)
    return key(citation.quote) in key(pages[citation.page - 1])


def _good(prompt: str) -> str:
    n = find(prompt, "efficiency savings in the region of £20 million")
    assert n is not None
    return f"The Pioneer Somerset programme committed the partners to efficiency savings of £20 million by 2012-13 [{n}]."


def test_a_correctly_cited_answer_is_kept_with_system_chosen_quotes(assistant) -> None:
    a = llm_assistant(assistant, scripted(lambda m: _good(user_prompt(m))))
    answer = a.ask(TARGET_Q)
    assert answer.composer == "llm:fake:scripted" and not answer.abstained
    assert answer.prompt_version == answer_prompts().version and answer.prompt_version.startswith("answer-")
    assert "£20 million" in answer.answer and answer.answer.endswith("[1].")
    [c] = answer.citations
    assert "£20 million" in c.quote and _on_page(c)
    assert "committed the partners to" not in c.quote  # the quote is the page's text, not the model's words
    assert answer.notices == []


def test_a_sentence_citing_a_passage_that_does_not_support_it_is_dropped(assistant) -> None:
    def script(messages):
        p = user_prompt(messages)
        wrong = other_than(p, "leadership")
        return (
            _good(p)
            + f" The peer challenge team praised the council's strong political leadership [{wrong}]."
        )

    answer = llm_assistant(assistant, scripted(script)).ask(TARGET_Q)
    assert answer.composer.startswith("llm:")
    assert "leadership" not in answer.answer and "£20 million" in answer.answer
    assert len(answer.citations) == 1 and all(_on_page(c) for c in answer.citations)
    assert any("left out" in n for n in answer.notices)


def test_an_invented_number_is_dropped(assistant) -> None:
    def script(messages):
        p = user_prompt(messages)
        n = find(p, "£20 million")
        return _good(p) + f" By 2010 the partners had already saved £45.7m of it [{n}]."

    answer = llm_assistant(assistant, scripted(script)).ask(TARGET_Q)
    assert "45.7" not in answer.answer and "£20 million" in answer.answer


def test_too_little_verified_falls_back_to_the_offline_composer(assistant) -> None:
    def script(messages):
        return "The target was £99m [1]. It was set by the Treasury in 1999 [2]. Everyone agreed [9]."

    offline = assistant.ask(TARGET_Q)
    answer = llm_assistant(assistant, scripted(script)).ask(TARGET_Q)
    assert answer.composer == "extractive" and answer.answer == offline.answer
    assert any("could not be verified" in n for n in answer.notices)


def test_a_tool_call_gives_the_number_with_its_formula(assistant) -> None:
    question = "What would 4 days a week at £750 a day for 46 weeks cost?"

    def script(messages):
        results = tool_results(messages)
        if not results:
            return tool_call("costing_day_rate", {"rate": 750, "days_per_week": 4, "weeks": 46})
        return f"At £750 a day, 4 days a week for 46 weeks would cost £{results[0]['result']:,}."

    answer = llm_assistant(assistant, scripted(script)).ask(question)
    assert answer.composer.startswith("llm:"), answer
    assert "£138,000" in answer.answer
    [tool] = answer.tools
    assert tool.name == "costing.day_rate" and tool.output == 138000 and "£750" in tool.formula
    assert tool.cites == [] and "the figures were given in the question" in tool.notes


def test_a_tool_on_figures_from_the_passages_cites_them(assistant) -> None:
    question = "What is the REIP grant plus the £20 million savings commitment?"

    def script(messages):
        results = tool_results(messages)
        if not results:
            return tool_call("arithmetic_sum", {"values": [311000, 20000000]})
        return f"Together they come to £{results[0]['result']:,}."

    answer = llm_assistant(assistant, scripted(script)).ask(question)
    assert "£20,311,000" in answer.answer, answer
    [tool] = answer.tools
    assert tool.cites and {c.marker for c in answer.citations} == set(tool.cites)
    assert any("£311,000" in c.quote for c in answer.citations) and all(_on_page(c) for c in answer.citations)


def test_a_tool_result_from_invented_inputs_is_not_stated(assistant) -> None:
    def script(messages):
        results = tool_results(messages)
        if not results:
            return tool_call("arithmetic_sum", {"values": [1234567, 7654321]})
        return f"Together the councils saved £{results[0]['result']:,}."

    answer = llm_assistant(assistant, scripted(script)).ask(TARGET_Q)
    assert "8,888,888" not in answer.answer and answer.tools == []
    assert answer.composer == "extractive"


def test_a_timeout_falls_back_to_the_offline_composer(assistant) -> None:
    offline = assistant.ask(TARGET_Q)
    slow = scripted(lambda m: _good(user_prompt(m)), sleep=3)
    answer = llm_assistant(assistant, slow, llm_timeout_s=0.3).ask(TARGET_Q)
    assert answer.composer == "extractive" and answer.answer == offline.answer
    assert any("unavailable (timeout)" in n for n in answer.notices)


@pytest.mark.parametrize(
    ("error", "reason"),
    [(TimeoutError("read timed out"), "timeout"), (RuntimeError("boom"), "provider error")],
)
def test_a_provider_error_falls_back(assistant, error, reason) -> None:
    def script(messages):
        raise error

    answer = llm_assistant(assistant, scripted(script)).ask(TARGET_Q)
    assert answer.composer == "extractive" and any(f"({reason})" in n for n in answer.notices)


def test_an_answer_the_documents_do_not_hold_abstains(assistant) -> None:
    answer = llm_assistant(assistant, scripted(lambda m: "NOT_FOUND")).ask(
        "What is the population of Bristol?"
    )
    assert answer.abstained and answer.citations == [] and answer.composer.startswith("llm:")


def test_streaming_sends_only_verified_sentences(assistant) -> None:
    from assistant.models import Answer

    def script(messages):
        p = user_prompt(messages)
        n = find(p, "£20 million")
        return _good(p) + f" By 2010 the partners had already saved £45.7m of it [{n}]. " + _good(p)

    events = list(llm_assistant(assistant, scripted(script)).stream(TARGET_Q))
    deltas = [e for e in events if isinstance(e, str)]
    final = events[-1]
    assert isinstance(final, Answer) and final.composer.startswith("llm:")
    assert len(deltas) == 2 and not any("45.7" in d for d in deltas)
    assert "".join(deltas).strip() == final.answer


def test_a_follow_up_reaches_the_model_with_the_conversation(assistant) -> None:
    model = scripted(lambda m: _good(user_prompt(m)))
    a = llm_assistant(assistant, model)
    first = a.ask(TARGET_Q)
    a.ask("By when?", conversation_id=first.conversation_id)
    prompt = user_prompt(model.calls[-1])
    assert "Earlier in this conversation" in prompt and TARGET_Q in prompt
