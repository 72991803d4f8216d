"""What a question asks for: its weighted terms, the kind of answer it expects, and what it names.

The extractive answerer quotes sentences; it needs to know which sentence answers. A question that
asks "how much" is answered by a sentence with a figure, "when" by one with a date, "who" by one
with a name; a question about 2024 is not answered by a sentence about 2018. These expectations are
checked on every candidate sentence, and a question whose expectations nothing meets is abstained on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from core.councils import gazetteer
from core.tokens import STOPWORDS, financial_year, stem, tokenize

# Verbs that frame what is asked ("did it aim to", "does it plan to") rather than being it.
FRAMING = frozenset(
    stem(w)
    for w in [
        "aim",
        "aims",
        "aimed",
        "aiming",
        "intend",
        "intended",
        "plan",
        "planned",
        "expect",
        "expected",
        "hope",
        "seek",
    ]
)

# Verbs that carry little meaning of their own ("how many workstreams made up ...", "when did it
# come into existence"): they count, but little.
LIGHT_VERBS = frozenset(
    stem(w) for w in ["make", "come", "go", "get", "take", "do", "have", "give", "put", "become"]
)
LIGHT_VERB_WEIGHT = 0.3
COMMON_SHARE = 0.6  # a term in more of the chunks than this says little about which one answers ...
COMMON_TERM_WEIGHT = 0.1  # ... and weighs this much

# Words that shape a question but are not what it is about.
FILLERS = frozenset(
    stem(w)
    for w in [
        "much",
        "many",
        "long",
        "say",
        "says",
        "said",
        "describe",
        "described",
        "describes",
        "summarise",
        "summarize",
        "outline",
        "mention",
        "mentions",
        "mentioned",
        "tell",
        "according",
        "document",
        "documents",
        "report",
        "reports",
        "give",
        "given",
        "kind",
        "level",
        "amount",
        "figure",
        "number",
        "state",
        "states",
        "stated",
        "note",
        "noted",
        "explain",
        "happen",
        "happened",
        "happens",
        "will",
        # adverbs that colour a question without saying what it is about
        "actually",
        "really",
        "exactly",
        "roughly",
        "approximately",
        "precisely",
        "basically",
        "specifically",
        "ever",
        "even",
        "quite",
        "please",
        # "what does the plan say re Pioneer?": words for "about", as "about" is a stop word
        "re",
        "regarding",
        "concerning",
        "wrt",
        # words that say what kind of figure is asked for, which the answer type checks
        "proportion",
        "percentage",
        "percent",
    ]
)

_MONEY_WORDS = re.compile(
    r"\b(cost|costs|costing|saving|savings|save|saved|spend|spent|spending|budget|budgets|overspen[dt]|"
    r"underspen[dt]|worth|value|reserves?|funding|grant|price|paid|pay|contract|shortfall|gap|deficit|"
    r"finances?|financial|investment|income)\b",
    re.I,
)
# "% of premises with ...?", "how much % did it rise?": a percentage sign asks for one only at the
# head of the question; elsewhere it is the question's own figure ("cut costs by nearly 50%").
_PERCENT = re.compile(
    r"\b(?:what|which)\s+(?:percentage|proportion|share|rate)\b|\bper\s*cent|\bpercentage\b|"
    r"^\s*(?:and\s+)?(?:(?:what|how\s+much)\s+)?%",
    re.I,
)
# "How many people ...", and the same asked as "What number of people ..." or "number of people ...?".
_COUNT = re.compile(
    r"\b(?:how\s+many|^\s*(?:and\s+)?(?:(?:what|which)\s+|the\s+)?number\s+of)\s+"
    r"(?:more\s+|additional\s+|extra\s+)?([a-z][a-z-]*)(?:\s+([a-z][a-z-]*))?",
    re.I,
)
_QUANTITY = re.compile(
    r"^\s*(?:and\s+)?(?:how\s+(?:much|many|far|large|big|long)|by\s+how\s+much|what\s+(?:is|was|were|are)?\s*the\s+"
    r"(?:total|amount|cost|value|size|level|number|percentage|proportion|share|figure|combined)|what\s+(?:percentage|"
    r"proportion|share|level|total|amount|size)|what\s+.*\b(?:cost|costs|come\s+to|add\s+up\s+to|worth|target|"
    r"budget|saving|savings|spend|overspend|reserves|deficit|shortfall)\b|"
    # "What workforce reduction is it targeting?" (not "What is the growth deal?", "What cut-off date?")
    r"what\s+(?:[\w-]+\s+){0,2}?(?:reduction|increase|gain|rise|cut|growth)(?![-\w])"
    r"(?!\s+(?:deal|plan|strategy|programme|fund|board|agenda|in\b)))",
    re.I,
)
_DATE = re.compile(
    r"^\s*(?:and\s+)?(?:when|by\s+when|what\s+(?:date|year|month|time(?=\s+(?:is|was|did|does|will|do)\b))|"
    r"in\s+what\s+year|on\s+what\s+date)\b",
    re.I,
)
_WHO = re.compile(
    r"^\s*(?:and\s+)?(?:who|whom|whose|which\s+(?:council|councils|consortium|organisation|organisations|body|bodies|person|people|company|firm|team|group|programme|town|authority|authorities))\b",
    re.I,
)
# "Which officer ...", "which two councillors ...", "which planning inspector ...": a person is
# asked for by their role, so the answer is a person's name, not any proper noun.
_PERSON = re.compile(
    r"^\s*(?:and\s+)?which\s+(?:\w+\s+)?(?:officers?|councillors?|members?|ministers?|inspectors?|"
    r"directors?|chair(?:man)?|person|people)\b|"
    # "Who chaired the meeting?", "who seconded it?": what only a person does at a meeting.
    r"^\s*(?:and\s+)?who\s+(?:chaired|moved|seconded|proposed|signed|asked|answered|presented|introduced)\b",
    re.I,
)
# "What task groups support ...", "Which conditions does the statement set ...": a question whose
# head noun is plural asks for the things themselves; where its best evidence is an item of a list,
# the list is the answer.
_PLURAL_HEAD = re.compile(
    r"^\s*(?:and\s+)?(?:what|which)\s+(?:(?!(?:is|was|are|were|did|does|do|has|have|had|the|an?)\b)[\w&'-]+\s+){0,3}?"
    r"(?:[a-z]{2,}[^siu\W]s|criteria)\b(?!\s+(?:is|was)\b)",
    re.I,
)
_AUX = r"(?:did|does|do|is|was|were|are|has|have|had|can|could|will|would|should)\b"
_YES_NO = re.compile(rf"^\s*(?:(?:and|so|but|then|ok|okay|also),?\s+)?{_AUX}", re.I)  # "And is it on track?"
# "Can you tell me whether the savings were enough?": a yes/no question inside a request.
_WHETHER = re.compile(r"^\s*(?:whether|if)\b", re.I)
_NUMBER_WORD = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten)"
_LIST_NOUNS = (
    r"(?:recommendations|options|partners|workstreams|risks|priorities|objectives|outcomes|actions|proposals|"
    r"reasons|benefits|principles|themes|councils|areas|criteria|conditions|steps|measures|approaches|levels)"
)
_LIST = re.compile(
    r"\b(which|what)\s+(?:three|four|five|two|six|\w+\s+)?(?:were|are)\b|\b(?:which|what)\s+\w+\s+\w+(?:s|ies)\s+(?:were|are)\b|\blist\b|\bname\s+the\b|\bwhat\s+(?:were|are)\s+the\b|"
    rf"\bwho\s+(?:were|are)\s+the\b|\b(?:top|main|key|principal)\s+{_NUMBER_WORD}\b|"
    rf"\b(?:which|what)\s+(?:\w+\s+){{0,2}}{_LIST_NOUNS}\b|"
    # "the peer team's five key recommendations", "Summarise the options considered"
    rf"\b{_NUMBER_WORD}\s+(?:[\w-]+\s+){{0,2}}{_LIST_NOUNS}\b|"
    rf"^\s*(?:summari[sz]e|outline|set\s+out|give)\b.*\b{_LIST_NOUNS}\b",
    re.I,
)
_COMPARE = re.compile(
    r"\b(compare|compared|comparison|versus|vs\.?|both|differ|difference between|and the \d{4})\b", re.I
)
_YEAR = re.compile(
    r"(?<![\d£.,/])((?:19|20)\d{2})(?:\s*[/-]\s*(\d{2,4}))?(?![\d%])|(?<![\d£.,])(\d{2})/(\d{2})(?![\d%])"
)
_MONTHS = "january february march april may june july august september october november december"
_DATE_IN_TEXT = re.compile(
    r"\b(?:19|20)\d{2}\b|\b\d{2}/\d{2}\b|\b(?:" + "|".join(m[:3] for m in _MONTHS.split()) + r")[a-z]*\b",
    re.I,
)
_NUMBER_IN_TEXT = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|half|quarter)\b",
    re.I,
)
_ENTITY = re.compile(
    r"(?<![A-Za-z])([A-Z][A-Za-z0-9&'’-]*(?:\s+(?:of|and|for|the|de)?\s*[A-Z0-9][A-Za-z0-9&'’-]*)*)"
)
_INTERROGATIVES = {
    "What",
    "When",
    "Who",
    "Which",
    "How",
    "Why",
    "Where",
    "Did",
    "Does",
    "Do",
    "Is",
    "Was",
    "Were",
    "Are",
    "Has",
    "Have",
    "Had",
    "Can",
    "Could",
    "Will",
    "Would",
    "And",
    "By",
    "In",
    "Compare",
    "Add",
    "The",
    "Of",
    "On",
    "According",
}


@dataclass
class Question:
    text: str
    weights: dict[str, float]  # stemmed term -> weight
    answer_type: str | None  # quantity | date | who | None
    money: bool
    yes_no: bool
    wants_list: bool
    comparison: bool
    years: set[str]  # every spelling of each year or financial year named
    councils: list[str]
    entities: list[str]
    count_noun: set[str] = field(default_factory=set)  # stems of what "how many" counts
    person: bool = False  # a person asked for by role ("which officer"): the answer is a person's name
    quarters: set[int] = field(default_factory=set)  # "Quarter 4", "Q3": a period, like a year
    plural_head: bool = False  # "what task groups ...": where the evidence is a list item, the list answers
    carried: dict[str, float] = field(default_factory=dict)  # terms carried from earlier turns
    # An acronym the documents define counts as found where its words are ("SWP": somerset, wast, partnership).
    alternatives: dict[str, frozenset[str]] = field(default_factory=dict)
    expansions: list[str] = field(default_factory=list)  # the spelled-out acronyms, searched too
    # Names the question uses of which the documents hold no word ("the population of Bristol"):
    # no passage can be about them, so nothing found answers it.
    unknown: list[str] = field(default_factory=list)

    @property
    def total_weight(self) -> float:
        return sum(self.weights.values()) + sum(self.carried.values())


def year_forms(text: str) -> set[str]:
    """Every token spelling of the years and financial years in `text`."""
    forms: set[str] = set()
    for m in _YEAR.finditer(text):
        if m.group(1):
            start, end = m.group(1), m.group(2)
            if end and (fy := financial_year(start, end[-2:] if len(end) == 4 else end)):
                forms |= {fy, fy[2:], start, str(int(start) + 1)}
            else:
                forms.add(start)
        else:
            fy = financial_year(m.group(3), m.group(4))
            if fy:
                forms |= {fy, fy[2:], fy[:4], str(int(fy[:4]) + 1)}
    return forms


_FISCAL = re.compile(r"^\d{4}/\d{2}$")


_QUARTER = re.compile(r"\b(?:Q|quarter\s*)([1-4])\b", re.I)


def quarters_in(text: str) -> set[int]:
    """The quarters a text names: "Quarter 3", "Q3 2024/25"."""
    return {int(m.group(1)) for m in _QUARTER.finditer(text)}


def same_period(asked: set[str], stated: set[str]) -> bool:
    """Whether a passage stating `stated` speaks of a period the question asks about (`asked`, both
    from `year_forms`). Where both name financial years they must be the same one: 2022/23 is not
    2023/24, though each reaches into 2023."""
    asked_fy = {f for f in asked if _FISCAL.match(f)}
    stated_fy = {f for f in stated if _FISCAL.match(f)}
    if asked_fy and stated_fy:
        return bool(asked_fy & stated_fy)
    return bool(asked & stated)


def has_date(text: str) -> bool:
    return bool(_DATE_IN_TEXT.search(text))


def has_number(text: str) -> bool:
    return bool(_NUMBER_IN_TEXT.search(text))


def entities(text: str) -> list[str]:
    out = []
    for m in _ENTITY.finditer(text):
        phrase = m.group(1).strip()
        words = phrase.split()
        while words and words[0] in _INTERROGATIVES:
            words = words[1:]
        if words:
            out.append(" ".join(words))
    return out


_ASKS = rf"(?:(?:what|which|who|whom|whose|when|how|where|why)\b|{_AUX})"
# "In the Q3 report, what were ...", "The Chairman was absent on 9 January - who chaired ...": a
# phrase that sets the scene comes first, and the question's shape is in the clause that asks.
_SCENE = re.compile(rf"^[^?]*?(?:,|\s[-–—]|:)\s+(?=(?:and\s+)?{_ASKS})", re.I)
_ASKS_FIRST = re.compile(rf"^\s*(?:and\s+)?{_ASKS}", re.I)
# "When the resources were costed, what ...": a clause that says when or if, not a question of when.
_SUBORDINATE = re.compile(
    rf"^\s*(?:when|if|where|once|while)\s+(?!(?:\w+ly\s+|in\s+\w+\s+)?{_AUX})",  # not "When exactly did ..."
    re.I,
)
# "Were the council to deliver ..., how much ...?", "Had it agreed ..., what ...?": an "if" clause,
# not a yes/no question.
_INVERTED_IF = re.compile(
    r"^\s*(?:were|had|should)\b[^?]*?,\s*(?:and\s+)?(?:how|what|which|who|whom|when|where|why)\b", re.I
)
# "estimated cost of the option?", "actual savings from the alliance?": a sum heads the phrase (not
# "Risks to the savings plan?", whose head is the risks).
_SUM_NOUN = re.compile(
    r"^\s*(?:the\s+)?(?:[\w'/-]+\s+){0,3}?(?:cost|costs|savings?|spend|spending|budget|overspend|underspend|price)\b"
    r"(?!\s+(?:plan|plans|programme|strategy|process|proposals?|report|setting|monitoring))",
    re.I,
)
# "Compare ...", "Summarise ...": an instruction, where a bare noun phrase ("estimated cost of the
# option?") is a question without its question word.
_INSTRUCTION = re.compile(
    r"^\s*(?:compare|summari[sz]e|list|describe|explain|give|name|outline|show|set\s+out|identify|about|"
    r"multiply|add|divide|subtract|work\s+out|calculate)\b",
    re.I,
)


# "Can you tell me what ...", "Do you know when ...": a polite request around the question it asks.
_REQUEST = re.compile(
    r"^\s*(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:tell|show|give|let)\s+(?:me|us)(?:\s+know)?|"
    r"do\s+you\s+know|(?:please\s+)?tell\s+(?:me|us)|i\s*(?:\s+would|['’]d)\s+like\s+to\s+know|i\s+want\s+to\s+know)"
    r"[\s,:]+",
    re.I,
)


def asking_clause(text: str) -> str:
    """The clause of a question that asks, without a polite request around it or a phrase before it
    that sets the scene."""
    text = _REQUEST.sub("", text, count=1)
    if _ASKS_FIRST.match(text) and not _SUBORDINATE.match(text) and not _INVERTED_IF.match(text):
        return text
    m = _SCENE.match(text)
    return text[m.end() :] if m else text


def _counted(first: str, second: str | None) -> set[str]:
    """The stems of what "how many" counts: "how many people took part" counts people; "how many
    attended the roadshows" counts no noun it names (a verb follows, then its object)."""
    if (second or "").lower() in _VERB_OBJECT or (second is None and first.lower().endswith("ed")):
        return set()
    return {stem(w.lower()) for w in (first, second) if w and w.lower() not in STOPWORDS}


# Words that open a verb's object: "how many attended the roadshows" names no counted noun.
_VERB_OBJECT = frozenset({"the", "a", "an", "their", "its", "this", "that", "to", "in", "at", "on", "for"})


_PROPER_WORD = re.compile(r"^[A-Z][a-z]{2,}")
_SENTENCE_START = re.compile(r"(?:^\s*|[.?!:;]\s+)$")


def names_midsentence(text: str, names: list[str] | None = None) -> list[str]:
    """The question's names (`entities`, unless given), less a first word that is capitalised only
    because a sentence starts with it ("Roughly how many ...", "Totting up ...")."""
    out = []
    for e in entities(text) if names is None else names:
        at = text.find(e)
        words = e.split()
        if at >= 0 and _SENTENCE_START.search(text[:at]):
            words = words[1:]
        if words:
            out.append(" ".join(words))
    return out


def _unknown(entity: str, df_fraction: Callable[[str], float], acronyms: dict[str, str]) -> bool:
    """A proper name none of whose words the documents use, and no council or acronym they define.
    Capitals alone ("TU", "CEs") may be a reader's own shorthand for words the documents spell out,
    so only words written as names count."""
    if gazetteer().mentioned(entity) or any(w.upper() in acronyms for w in entity.split()):
        return False
    names = " ".join(w for w in entity.split() if _PROPER_WORD.match(w))
    terms = [t for t in tokenize(names) if t not in STOPWORDS]
    return bool(terms) and all(df_fraction(t) == 0 for t in terms)


# "What could it save on its own?": the idiom's word is "alone" ("solo", "standalone"), which the
# question's stop words would otherwise lose with "own".
_ALONE = re.compile(
    r"\b(?:on\s+(?:its|their|our|his|her|my|your)\s+own|by\s+(?:itself|themselves))(?=\s*(?:[?.,;!]|$|and\b|or\b))",
    re.I,
)


def analyse(
    text: str,
    idf: Callable[[str], float],
    df_fraction: Callable[[str], float],
    acronyms: dict[str, str] | None = None,
) -> Question:
    """`idf(term)` weighs a term; `df_fraction(term)` is the share of chunks that hold it; `acronyms`
    are those the documents define."""
    weights: dict[str, float] = {}
    for tok in tokenize(_ALONE.sub(" alone ", text)):
        if tok in FILLERS or tok in STOPWORDS:
            continue
        # Terms nearly every chunk holds ("council", "somerset") say little about which sentence answers.
        w = idf(tok) if df_fraction(tok) < COMMON_SHARE else COMMON_TERM_WEIGHT
        if tok in FRAMING:
            w = min(w, 1.0)
        elif tok in LIGHT_VERBS:
            w = min(w, LIGHT_VERB_WEIGHT)
        weights[tok] = max(weights.get(tok, 0.0), w)
    named = entities(text)
    money = bool(_MONEY_WORDS.search(text)) or "£" in text
    asking = asking_clause(text)
    answer_type = None
    count_noun: set[str] = set()
    if date_asked := _DATE.search(asking):
        answer_type = "date"
        # "What date/year was ...": the word names the answer's shape, not something the passage says.
        for tok in tokenize(date_asked.group(0)):
            weights.pop(tok, None)
    elif m := _COUNT.search(asking):
        answer_type = "count"
        count_noun = _counted(m.group(1), m.group(2))
    elif _PERCENT.search(asking):
        answer_type = "percent"
    elif _QUANTITY.search(asking):
        answer_type = "money" if money else "quantity"
    elif _WHO.search(asking) or _PERSON.search(asking):
        answer_type = "who"
    elif _SUM_NOUN.search(asking) and not _ASKS_FIRST.match(asking) and not _INSTRUCTION.match(asking):
        answer_type = "money"  # "estimated cost of the option to second a director?"
    alternatives: dict[str, frozenset[str]] = {}
    expansions: list[str] = []
    for acronym in dict.fromkeys(re.findall(r"\b[A-Z][A-Za-z&]{1,7}\b", text)):
        expansion = (acronyms or {}).get(acronym)
        if expansion is None or sum(ch.isupper() for ch in acronym) < 2:
            continue
        expansions.append(expansion)
        for t in tokenize(acronym):
            alternatives[t] = frozenset(tokenize(expansion)) - STOPWORDS
    return Question(
        alternatives=alternatives,
        expansions=expansions,
        text=text,
        weights=weights,
        answer_type=answer_type,
        money=money,
        yes_no=bool(_YES_NO.search(asking) or _WHETHER.match(asking)),
        wants_list=bool(_LIST.search(text)),
        comparison=bool(_COMPARE.search(text)),
        years=year_forms(text),
        councils=gazetteer().mentioned(text),
        entities=named,
        unknown=[e for e in names_midsentence(text, named) if _unknown(e, df_fraction, acronyms or {})],
        count_noun=count_noun,
        person=bool(_PERSON.search(asking)),
        quarters=quarters_in(text),
        plural_head=bool(_PLURAL_HEAD.search(asking)),
    )
