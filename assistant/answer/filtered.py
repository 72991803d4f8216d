"""Say so when the filters left out the documents that answer the question.

A filter can make a wrong answer look right: with "2016 to 2019" set, "What was Pioneer Somerset's
savings target?" found a district council's own savings in a 2016 paper, while the answer is in
the 2008 Pioneer Somerset report. The service answers the question once more without the filters
(the caller's role still applies); when that answer rests only on documents the filters exclude,
the filtered answer says which documents those are. They are named, never cited: the answer's
citations stay within the filters, so nothing is offered as evidence that the caller excluded.
"""

from __future__ import annotations

from assistant.models import Answer, Citation, Filters

# At most this many excluded documents are named; more would bury the answer.
MAX_NAMED = 2


def _named(citations: list[Citation]) -> str:
    seen: dict[str, Citation] = {}
    for c in citations:
        seen.setdefault(c.doc_id, c)
    names = [f"“{c.title}” ({c.date})" if c.date else f"“{c.title}”" for c in seen.values()]
    shown = names[:MAX_NAMED]
    more = len(names) - len(shown)
    text = " and ".join(shown)
    return text + (f" and {more} more" if more else "")


def excluded_answer(
    answer: Answer, unfiltered: Answer, allowed: set[str] | frozenset[str], filters: Filters
) -> Answer:
    """`answer` (found within the filters) with a sentence naming the excluded documents that
    answer the question, when `unfiltered` (the same question without filters) cites only those."""
    if unfiltered.abstained or not unfiltered.citations:
        return answer
    if any(c.doc_id in allowed for c in unfiltered.citations):
        return answer  # the filters kept (some of) what answers it
    scope, named = filters.describe(), _named(unfiltered.citations)
    verb = "does" if len({c.doc_id for c in unfiltered.citations}) == 1 else "do"
    if answer.abstained:
        text = f"Nothing in the {scope} answers this; {named} {verb}. Remove the filters to see that answer."
        return answer.model_copy(update={"answer": text})
    note = (
        f"Note: the best match among all the documents is in {named}, which the filters leave out; "
        f"the answer above draws only on the {scope}."
    )
    return answer.model_copy(update={"answer": f"{answer.answer}\n\n{note}"})
