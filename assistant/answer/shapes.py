"""Answer forms by the shape of the question, from the evidence already chosen.

- a list: the list's introduction and all its items, following it into the next chunk and across a
  page break (one quote a page), with the items named in the lead;
- a fact: the figure or date the question asks for, read from the quote, as the lead;
- yes/no: "No" when the quote denies what was asked, "Yes" when it states it outright;
- a follow-up: never the quote the previous answer gave.
Nothing here writes a fact that is not in a quote: leads are words taken from the quotes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from assistant.answer.compose import Quote
from assistant.answer.operands import years_near
from assistant.answer.question import Question, same_period
from assistant.answer.select import MONTH_NAME, Candidate, _tokens, strip_marker
from core.money import find_money, find_percent
from core.records import Chunk, Document, Unit
from core.text import match_key, squash
from core.tokens import NUMBER_WORD_PATTERN, count_of, stem

MAX_LIST_ITEMS = 12
MAX_LIST_WORDS = 260
LIST_INTRO_REACH = 12  # units back from the best one to look for the line that introduces its list
LIST_INTRO_AHEAD = 3  # units forward, in the same section, for an introduction that follows a preamble
# Units back, across pages, from a numbered paragraph to its section's introduction of the list.
LIST_INTRO_REACH_BACK = 30
KEY_TERM_WEIGHT = 1.0  # a question term weighs this much or more when it is one of its key terms
LEAD_WORDS = 7  # words after a figure that belong to it ("£20m, by 2012/13"), up to punctuation
ITEM_WORDS = 8  # words of an item named in a list's lead

_NEGATION = re.compile(
    r"\b(?:not|no|never|none|neither|nor|without|declined|rejected|refused|deferred|withdrawn|abandoned|"
    r"does\s+not|did\s+not|do\s+not|is\s+not|was\s+not|were\s+not|has\s+not|have\s+not|cannot|won't|didn't|doesn't)\b",
    re.I,
)
_DATE = re.compile(
    r"\b(?:\d{1,2}(?:st|nd|rd|th)?\s*(?:-|–|to)\s*)?(?:\d{1,2}(?:st|nd|rd|th)?\s+)?(?:January|February|March|April|May|June|July|August|September|October|"
    r"November|December)(?:\s+(?:to|-|–|and)\s+(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December))?\s+(?:19|20)\d{2}\b|\b(?:19|20)\d{2}\s*[/-]\s*\d{2,4}\b|\b\d{2}/\d{2}\b|\b(?:19|20)\d{2}\b"
)
_STOP = re.compile(r"[;:()\[\]]|(?<!\d)[,.]|[,.](?!\d)")  # not the point of "2.5%" or comma of "1,200"
# Words a lead cut at LEAD_WORDS must not end on: "10 homes for children as part of" says "10 homes for children".
_DANGLING = frozenset(
    {"of", "as", "part", "the", "a", "an", "for", "to", "and", "in", "on", "at", "by", "with", "from"}
)
# Words that open a new clause after a figure: "£20m arising from joint working" keeps "£20m".
_CLAUSE = re.compile(
    r"\b(?:which|that|who|where|arising|resulting|being|and|but|is|are|was|were|will|would|has|have)\b", re.I
)
_DEADLINE = re.compile(r"\bby\s+(?:the\s+end\s+of\s+)?(?:\d{4}(?:\s*[-/–]\s*\d{2,4})?|\d{2}/\d{2})\b")


_WHY = re.compile(
    r"^\s*(?:(?:and|so|but)\s+)?(?:why\b|how\s+come\b|for\s+what\s+reasons?\b|what\s+(?:was|were|is|are)\s+the\s+reasons?\b|"
    r"what\s+(?:caused|causes|led\s+to|drove|drives|explains?)\b|"
    # "What was the SICT's worry about ...?": a concern is stated, then explained
    r"what\s+(?:was|were|is|are)\s+(?:the\s+|their\s+|its\s+|[\w-]+'s\s+)?(?:main\s+)?"
    r"(?:worry|worries|concerns?|issues?|problems?|dangers?|fears?|objections?|risks?\s+of)\b)",
    re.I,
)


def asks_why(q: Question) -> bool:
    """A question that asks for a reason, or a concern and what makes it one: its answer is the
    sentence that gives it with the sentences that explain it."""
    return bool(_WHY.search(q.text))


def asks_for_list(q: Question) -> bool:
    return q.wants_list and q.answer_type in (None, "who", "count")


# -- lists ------------------------------------------------------------------------------------


@dataclass
class Piece:
    """A stretch of one chunk's text on one page."""

    chunk: Chunk
    start: int
    end: int
    page: int
    section: str | None


def _intro_index(chunk: Chunk, index: int) -> int | None:
    """The unit at or before `index` that introduces a list ("The partners are:"), or one just
    after it in the same section (a heading "Key recommendations", then a sentence, then "The
    following are the peer team's key recommendations:")."""
    unit = chunk.units[index]
    for i in range(index, max(-1, index - LIST_INTRO_REACH), -1):
        u = chunk.units[i]
        if u.page != unit.page and i != index:
            break
        if _introduces(chunk, u):
            return i
        if u.kind == "heading" and i != index:
            break
    for i in range(index + 1, min(len(chunk.units), index + 1 + LIST_INTRO_AHEAD)):
        u = chunk.units[i]
        if u.kind == "heading" or u.section != unit.section:
            return None
        if _introduces(chunk, u):
            return i
    return None


def _names_asked(q: Question | None, text: str) -> bool:
    """Whether `text` states one of the question's key terms ("the peer team's key
    recommendations" for "What were the recommendations ...?")."""
    if q is None:
        return False
    key = {t for t, w in q.weights.items() if w >= KEY_TERM_WEIGHT}
    return bool(key & _tokens(text))


_NUMBERED = re.compile(r"\s\(\d{1,3}\)$")  # "2. Key recommendations (3)": the third numbered paragraph


def _base_section(section: str | None) -> str:
    """ "2. Key recommendations (3)" -> "2. Key recommendations": the section a numbered paragraph
    belongs to."""
    return _NUMBERED.sub("", section or "")


def _intro_before(
    best: Candidate, neighbour: Callable[[Chunk, int], Chunk | None]
) -> tuple[Chunk, int] | None:
    """For a numbered paragraph or item ("2. Key recommendations (3)"), the line that introduces its
    list ("The following are the peer team's key recommendations to the council:"), earlier in the
    same section, across pages and chunks; None when the section has no such line."""
    base = _base_section(best.unit.section)
    if not base or base == (best.unit.section or ""):
        return None  # not a numbered paragraph of a section
    chunk, i = best.chunk, best.index
    for _ in range(LIST_INTRO_REACH_BACK):
        i -= 1
        if i < 0:
            previous = neighbour(chunk, -1)
            if previous is None or not previous.units:
                return None
            chunk, i = previous, len(previous.units) - 1
        u = chunk.units[i]
        if u.kind == "heading" or _base_section(u.section) != base:
            return None
        if (u.section or "") == base and _introduces(chunk, u):
            return chunk, i  # the section's own introduction, not one inside a numbered paragraph
    return None


def _numbered_list(
    chunk: Chunk, intro: int, neighbour: Callable[[Chunk, int], Chunk | None]
) -> list[Piece] | None:
    """A list of numbered paragraphs under its introduction: the introduction, then the opening
    sentence of each paragraph, which states the item (the rest of a paragraph explains it)."""
    first = chunk.units[intro]
    base = first.section or ""
    pieces = [Piece(chunk, first.start, first.end, first.page, first.section)]
    seen: set[str] = set()
    words = len(chunk.unit_text(first).split())
    skipped = False  # a unit left out since the last one quoted: the next quote starts afresh
    for at, u in _units_after(chunk, intro, neighbour):
        section = u.section or ""
        if u.kind in ("heading", "table_header") or u.is_table or _base_section(section) != base:
            break
        if section == base or section in seen:
            skipped = True
            continue
        text = at.unit_text(u)
        if len(seen) >= MAX_LIST_ITEMS or words + len(text.split()) > MAX_LIST_WORDS:
            break
        seen.add(section)
        if skipped:
            pieces.append(Piece(at, u.start, u.end, u.page, u.section))
        else:
            _extend(pieces, at, u)  # one-sentence items run on as one quote
        skipped = False
        words += len(text.split())
    return pieces if seen else None


def _introduces(chunk: Chunk, u: Unit) -> bool:
    return chunk.unit_text(u).rstrip().endswith((":", ":-"))


def _continues_list(first: Unit, u: Unit, items: int) -> bool:
    if u.kind in ("heading", "table_header") or u.is_table:
        return False
    base = (first.section or "").split("(")[0].split(" (")[0]
    return (u.section or "").startswith(base) and items < MAX_LIST_ITEMS


def list_pieces(
    best: Candidate, neighbour: Callable[[Chunk, int], Chunk | None], q: Question | None = None
) -> list[Piece] | None:
    """The list the best candidate introduces or belongs to, from its introduction to its last item.
    A numbered paragraph leads back to its section's introduction of the list only when that
    introduction names what the question `q` asks about (a key term of it)."""
    chunk = best.chunk
    intro = _intro_index(chunk, best.index + best.count - 1)
    earlier = _intro_before(best, neighbour) if intro is None and q is not None else None
    if earlier is not None and _names_asked(q, earlier[0].unit_text(earlier[0].units[earlier[1]])):
        return _numbered_list(*earlier, neighbour)  # a numbered paragraph of a list begun earlier
    if intro is None and (announced := _announced_list(best, neighbour)) is not None:
        return announced
    if intro is None:
        if best.unit.kind != "list_item":
            return None
        intro = best.index
        while intro > 0 and chunk.units[intro - 1].kind == "list_item":
            intro -= 1
    return list_from(chunk, intro, neighbour)


def list_from(
    chunk: Chunk, intro: int, neighbour: Callable[[Chunk, int], Chunk | None], numbered: bool = False
) -> list[Piece] | None:
    """The list that `chunk.units[intro]` introduces (or begins), item after item; with `numbered`,
    the opening sentence of each numbered paragraph when its items are numbered paragraphs of its
    section (a long list, each item a paragraph)."""
    first = chunk.units[intro]
    following = next(_units_after(chunk, intro, neighbour), None)
    if numbered and following is not None:
        section = following[1].section or ""
        if first.section and section != first.section and _base_section(section) == first.section:
            return _numbered_list(chunk, intro, neighbour)
    pieces = [Piece(chunk, first.start, first.end, first.page, first.section)]
    items, words = 0, len(chunk.unit_text(first).split())
    for at, u in _units_after(chunk, intro, neighbour):
        text = at.unit_text(u)
        if not _continues_list(first, u, items) or words + len(text.split()) > MAX_LIST_WORDS:
            break
        _extend(pieces, at, u)
        items += 1
        words += len(text.split())
    return pieces if items else None


# "A number of overall approaches to resourcing were considered": a paragraph that ends by
# announcing things, each then set out in a paragraph of its own.
_ANNOUNCES_LIST = re.compile(
    rf"\b(?:a\s+number\s+of|several|various|({NUMBER_WORD_PATTERN})(?:\s+[a-z-]+)?)\s+[a-z -]{{0,40}}?"
    r"\b(?:were|are|have\s+been|had\s+been)\s+(?:considered|identified|proposed|described|developed|explored|"
    r"examined|put\s+forward|set\s+out|suggested)\b",
    re.I,
)
# A paragraph that looks back over the list ("There are pros and cons to all these choices") ends it.
_LOOKS_BACK = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2})*\.?\s+)?(?:there\s+are\s+\w+\s+and\s+\w+\s+to|these\b|all\s+(?:of\s+)?these\b|"
    r"each\s+of\s+these\b|of\s+these\b|the\s+above\b|all\s+the\s+above\b|in\s+summary\b|overall\b)",
    re.I,
)
ANNOUNCE_REACH = 2  # units after the best one searched for the sentence that announces a list


def announces_list(best: Candidate) -> bool:
    """Whether the best candidate's paragraph ends by announcing a list of paragraphs after it."""
    chunk = best.chunk
    block = [u for u in chunk.units if u.block == best.unit.block]
    return (
        bool(block)
        and block[-1].kind == "sentence"
        and bool(_ANNOUNCES_LIST.search(chunk.unit_text(block[-1])))
    )


def _announced_list(best: Candidate, neighbour: Callable[[Chunk, int], Chunk | None]) -> list[Piece] | None:
    """The list a paragraph-ending sentence announces ("A number of overall approaches ... were
    considered"): that sentence, then the opening sentence of each following paragraph, as many as
    it says or until a paragraph looks back over them or a heading comes."""
    chunk = best.chunk
    for i in range(best.index, min(len(chunk.units), best.index + best.count + ANNOUNCE_REACH)):
        u = chunk.units[i]
        if u.block != best.unit.block or u.kind != "sentence":
            continue
        m = _ANNOUNCES_LIST.search(squash(chunk.unit_text(u)))
        last_of_block = i + 1 >= len(chunk.units) or chunk.units[i + 1].block != u.block
        if m is None or not last_of_block:
            continue
        wanted = count_of(m.group(1)) if m.group(1) else MAX_LIST_ITEMS
        pieces = [Piece(chunk, u.start, u.end, u.page, u.section)]
        block, items, section = u.block, 0, "\0"
        for at, nxt in _units_after(chunk, i, neighbour):
            if nxt.block == block or (nxt.section or "").startswith(f"{section}."):
                continue  # the rest of an item's paragraph, and its sub-paragraphs, explain it
            text = squash(at.unit_text(nxt))
            if nxt.kind in ("heading", "table_header") or nxt.is_table or _LOOKS_BACK.search(text):
                break
            if items >= (wanted or MAX_LIST_ITEMS):
                break
            pieces.append(Piece(at, nxt.start, nxt.end, nxt.page, nxt.section))
            block, items, section = nxt.block, items + 1, nxt.section or "\0"
        return pieces if items >= 2 else None
    return None


def _units_after(
    chunk: Chunk, index: int, neighbour: Callable[[Chunk, int], Chunk | None]
) -> Iterator[tuple[Chunk, Unit]]:
    """The units after `chunk.units[index]`, on into the following chunks of the document."""
    i = index + 1
    while True:
        if i >= len(chunk.units):
            nxt = neighbour(chunk, 1)
            if nxt is None or not nxt.units:
                return
            chunk, i = nxt, 0
        yield chunk, chunk.units[i]
        i += 1


def _extend(pieces: list[Piece], chunk: Chunk, u: Unit) -> None:
    """Add a unit to a stretch: the last piece grows when the unit is of its chunk and page."""
    last = pieces[-1]
    if last.chunk is chunk and last.page == u.page:
        last.end = u.end
    else:
        pieces.append(Piece(chunk, u.start, u.end, u.page, u.section))


# How much of a section a heading brings with it, as the answer to what the heading names.
SECTION_OPENING_WORDS = 60


def section_opening(
    best: Candidate, neighbour: Callable[[Chunk, int], Chunk | None], listed: bool = False
) -> list[Piece] | None:
    """A heading ("Financial Implications", "Background Papers") is not itself an answer: what it
    names is the text under it. The heading with the first units of its section, on its page, up
    to about a paragraph; None where nothing follows it in the section. `listed`: the question asks
    for a list, so a list the section opens with comes whole."""
    head = best.chunk.units[best.index]
    pieces = [Piece(best.chunk, head.start, head.end, head.page, head.section)]
    words = 0
    for at, u in _units_after(best.chunk, best.index, neighbour):
        if words >= SECTION_OPENING_WORDS:
            break
        if u.kind == "heading" or u.page != head.page or (u.section or "") != (head.section or ""):
            break
        index = next(i for i, x in enumerate(at.units) if x is u)
        if listed and _introduces(at, u) and (items := list_from(at, index, neighbour, True)):
            # The section opens with the list asked for ("The following are the key
            # recommendations:"): the heading, then the list, items and all.
            return pieces + items
        _extend(pieces, at, u)
        words += len(at.unit_text(u).split())
    return pieces if words else None


def piece_quotes(pieces: list[Piece], doc: Document) -> list[Quote]:
    """One quote per page (a quote lies on one page), each the page's part of the stretch."""
    out: list[Quote] = []
    for p in pieces:
        for span in p.chunk.spans:
            if span.page != p.page:
                continue
            lo = max(p.start, span.offset)
            hi = min(p.end, span.offset + span.end - span.start)
            if hi > lo:
                out.append(Quote(doc, p.page, p.section, squash(p.chunk.text[lo:hi])))
    return out


def joined_introduction(quotes: list[Quote], page_text: Callable[[str, int], str | None]) -> list[Quote]:
    """A list's introduction ("These are the areas we believe are critical ...:") quoted on its own
    says nothing asked; where its first item follows it on the page, the two are one quote, the way
    a reader quotes the start of a list."""
    if len(quotes) < 2 or _LIST_ITEM_START.match(quotes[0].text):
        return quotes  # the list has no introduction of its own: its first quote is an item
    intro, first = quotes[0], quotes[1]
    if (intro.doc.doc_id, intro.page) != (first.doc.doc_id, first.page):
        # Its items on a later page: the introduction alone answers nothing, and the items are cited.
        return quotes[1:] if intro.text.rstrip().endswith((":", ":-")) else quotes
    joined = f"{intro.text} {first.text}"
    if joined not in squash(page_text(intro.doc.doc_id, intro.page) or ""):
        return quotes
    return [Quote(intro.doc, intro.page, intro.section, joined), *quotes[2:]]


_LIST_ITEM_START = re.compile(r"^\s*(?:\(?[a-z0-9]{1,3}[.)]|[-•●▪–])\s", re.I)


def _covered(q: Question, text: str, context: str) -> float:
    """Share of the question's own weight that `text`, read in its document (`context`: the
    title, which names the councils and the subject), accounts for."""
    own = {t: w for t, w in q.weights.items() if w >= 1.0}
    have = _tokens(text) | _tokens(context)
    return sum(w for t, w in own.items() if t in have) / (sum(own.values()) or 1.0)


def item_asked(q: Question, pieces: list[Piece], context: str) -> Piece | None:
    """The list item that states what a yes/no question asks about ("Was a joint authority set
    up?" -> "Does not create a Joint Authority at this time"): the item covering most of the
    question's own weight, if it covers at least half."""
    best: tuple[float, Piece] | None = None
    for p in pieces:
        for u in p.chunk.units:
            if u.start < p.start or u.end > p.end or u.kind != "list_item":
                continue
            covered = _covered(q, p.chunk.unit_text(u), context)
            if best is None or covered > best[0]:
                best = (covered, Piece(p.chunk, u.start, u.end, u.page, u.section))
    return best[1] if best and best[0] >= 0.5 else None


# "the five core questions", "which three councils": how many items the question asks for.
_COUNT_ASKED = re.compile(
    rf"^\s*(?:please\s+)?(?:what|which|name|list|give\s+me)\b(?:\s+(?:are|were|was|is))?\s+(?:the\s+|its\s+|their\s+)?"
    rf"({NUMBER_WORD_PATTERN})\s+(?:[a-z-]+\s+){{0,2}}?[a-z-]+s\b",
    re.I,
)


def count_asked(text: str) -> int | None:
    m = _COUNT_ASKED.search(text)
    return count_of(m.group(1)) if m else None


def cap_items(pieces: list[Piece], count: int) -> list[Piece]:
    """The list's introduction and its first `count` items (as `list_items` counts them): a list
    that runs on into the next one is cut where the number asked for is reached."""
    kept: list[Piece] = []
    items = 0
    for p in pieces:
        for u in p.chunk.units:
            if u.start < p.start or u.end > p.end:
                continue
            text = strip_marker(squash(p.chunk.unit_text(u)))
            if not (text.rstrip().endswith((":", ":-")) or _ANNOUNCES_LIST.search(text)):
                items += 1
            if items == count:
                kept.append(Piece(p.chunk, p.start, u.end, p.page, p.section))
                return kept
        kept.append(p)
    return kept


def list_items(pieces: list[Piece]) -> list[str]:
    """The items' names, for the lead: each item's words up to its first colon or dash."""
    names = []
    for p in pieces:
        for u in p.chunk.units:
            if u.start < p.start or u.end > p.end:
                continue
            text = strip_marker(squash(p.chunk.unit_text(u)))
            if text.rstrip().endswith((":", ":-")) or _ANNOUNCES_LIST.search(text):
                continue  # the list's introduction
            name = re.split(r"\s*[:–—]\s+|\s+-\s+", text, maxsplit=1)[0]
            words = name.split()
            names.append(" ".join(words[:ITEM_WORDS]) + ("…" if len(words) > ITEM_WORDS else ""))
    return names


# -- leads ------------------------------------------------------------------------------------


def _phrase_after(text: str, start: int, end: int) -> str:
    """A figure with the words that qualify it, up to punctuation: "£20m", "£4.2m over a period of 4 years"."""
    rest = text[end:]
    stop = _STOP.search(rest)
    tail = rest[: stop.start()] if stop else rest
    clause = _CLAUSE.search(tail)
    tail = tail[: clause.start()] if clause else tail
    words = tail.split()[:LEAD_WORDS]
    while words and words[-1].lower() in _DANGLING:
        words.pop()
    lead = " ".join([text[start:end].strip(), *words]).strip()
    deadline = _DEADLINE.search(rest)
    if deadline and deadline.group(0) not in lead:
        lead += ", " + deadline.group(0)
    return lead


def _nearest(text: str, spans: list[tuple[int, int]], terms: dict[str, float]) -> tuple[int, int] | None:
    """The figure the question's terms sit closest to, each term counting by its weight and
    fading with distance in words: "overspend ... £14.5m" over "savings of £2.9m for children's"
    when the question asks for the overspend."""
    if not spans:
        return None
    words = [(m.start(), _tokens(m.group(0))) for m in re.finditer(r"\S+", text)]
    places = [(i, t) for i, (_, toks) in enumerate(words) for t in toks if t in terms]
    if not places:
        return spans[0]

    def word_at(offset: int) -> int:
        return max((i for i, (pos, _) in enumerate(words) if pos <= offset), default=0)

    def pull(span: tuple[int, int]) -> float:
        at = word_at(span[0])
        closest: dict[str, int] = {}
        for i, t in places:
            closest[t] = min(closest.get(t, len(words)), abs(i - at))
        return sum(terms[t] / (1 + d) for t, d in closest.items())

    return max(spans, key=pull)


# A number next to a month is part of a date ("August 08", "18 Sept 08"), not a count.
_MONTH_BEFORE = re.compile(rf"\b{MONTH_NAME}\.?\s*$", re.I)
_MONTH_AFTER = re.compile(rf"(?:st|nd|rd|th)?\s+{MONTH_NAME}\b", re.I)


def said_before(figure: str, said: str) -> bool:
    """Whether an earlier answer gave this figure: as a figure of its own ("£9.1m"), not inside
    another ("20" in "120") or a citation marker ("[1]")."""
    if not said or not figure.strip():
        return False
    plain = re.sub(r"\[\d+\]", " ", said)
    return re.search(rf"(?<![\w.,£]){re.escape(figure.strip())}(?![\w.,]*\d)", plain) is not None


def fact_lead(q: Question, text: str, said: str = "") -> str | None:
    """The figure or date the question asks for, as the quote states it; none that the earlier
    answer (`said`, for a follow-up) gave."""
    terms = {t: w for t, w in {**q.weights, **q.carried}.items() if w >= 1.0}
    if q.answer_type in ("money", "quantity"):
        spans = [span for span, _ in find_money(text) + find_percent(text)]
    elif q.answer_type == "percent":
        spans = [span for span, _ in find_percent(text)]
    elif q.answer_type == "date":
        spans = [m.span() for m in _DATE.finditer(text) if not said_before(m.group(0), said)]
        chosen = _nearest(text, spans, terms)
        return text[chosen[0] : chosen[1]] if chosen else None
    elif q.answer_type == "count":
        spans = [
            m.span()
            for m in re.finditer(
                r"\b(?:\d[\d,]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty)\b",
                text,
                re.I,
            )
            # "August 08", "18 Sept 08" are dates, not counts; nor is "in 2015"
            if not _MONTH_BEFORE.search(text[: m.start()])
            and "/" not in text[max(0, m.start() - 1) : m.end() + 1]  # "2019/20" is a year, not 20
            and not _MONTH_AFTER.match(text[m.end() :])
            and not _a_year(m.group(0), text[m.end() :], q)
        ]
    else:
        return None
    if said:
        spans = [span for span in spans if not said_before(text[span[0] : span[1]], said)]
    if q.years:
        # The figures of the periods asked ("the two years after that": £5.8m in 2019/20 and £3.2m
        # in 2020/21), where the quote states figures by period.
        dated = [span for span in spans if same_period(q.years, years_near(text, span[0]))]
        periods = {frozenset(years_near(text, span[0])) for span in dated}
        if len(dated) > 1 and len(periods) == len(dated) <= MAX_PERIOD_FIGURES:
            return "; ".join(_phrase_after(text, *span) for span in dated)
        # None of the period asked: not one dated to another period either.
        spans = dated or [span for span in spans if not years_near(text, span[0])] or spans
    chosen = _nearest(text, spans, terms)
    return _phrase_after(text, *chosen) if chosen else None


MAX_PERIOD_FIGURES = 4  # figures of as many periods asked, given together in a lead


_YEAR_NUMBER = re.compile(r"(?:19|20)\d\d")
_NEXT_WORD = re.compile(r"\s*([A-Za-z]+)")


def _a_year(number: str, after: str, q: Question) -> bool:
    """A four-digit number of a year ("in 2015") is a year, unless what the question counts
    follows it ("2015 jobs")."""
    if not _YEAR_NUMBER.fullmatch(number):
        return False
    following = _NEXT_WORD.match(after)
    return not (following and stem(following.group(1).lower()) in q.count_noun)


YES_NO_COVER = 0.5  # share of the question's own weight a quote must cover to be answered yes or no


def yes_no_lead(q: Question, text: str, context: str = "") -> str | None:
    """ "No" when the quote denies what was asked; "Yes" when it states the question's own terms
    without a denial; nothing when it is not that clear."""
    if not q.yes_no or _covered(q, text, context) < YES_NO_COVER:
        return None
    if _NEGATION.search(text):
        return "No"
    # "Yes" needs the quote itself to state what was asked: a title that names the councils and the
    # subject makes any sentence of the report cover them ("to present Full Council with the joint
    # and solo business cases" does not say a Joint Authority was set up).
    return "Yes" if _covered(q, text, "") >= YES_NO_COVER else None


def repeats(c: Candidate, quoted_before: tuple[str, ...]) -> bool:
    """Whether a candidate says again what the previous answer quoted."""
    k = match_key(c.text)
    return any(k in q or q in k for q in quoted_before)
