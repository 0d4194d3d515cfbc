"""What a suggestion may build on: respondent lines fit to quote, permission asks, the topic of
a volunteer's own closed question.

A better line that quotes the respondent must quote something a person would say. The model
behind the respondent sometimes produces broken lines («я ему звонит»), and a persona's
fallback line or a reply stopped half-way is no answer to quote. The rule: a respondent line is
fit to quote when it passed the reply check as the model's or an author's line (not a fallback,
not stopped), has at least `MIN_QUOTABLE_WORDS` words, is in the call's language, and reads
well: in Russian, no personal pronoun disagrees with its verb and no adjective with the noun
right after it (pymorphy3); in English, no pronoun with a verb form of the wrong person.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from simulator.codes import Lang

if TYPE_CHECKING:
    import pymorphy3

MIN_QUOTABLE_WORDS = 4
"""A respondent line shorter than this («Алло?», «Ну да.») has nothing to quote back."""
UNQUOTABLE_SOURCES = frozenset({"fallback"})
"""Respondent lines from these sources are never quoted: a persona's generic fallback line
stands in for a reply the model failed to give."""
STOPPED = "…"
"""A reply stopped half-way (the volunteer pressed Esc) ends with this."""

_CYRILLIC_WORD = re.compile(r"[а-яё]+(?:-[а-яё]+)*", re.IGNORECASE)
_LATIN_LETTER = re.compile(r"[a-z]", re.IGNORECASE)
_CYRILLIC_LETTER = re.compile(r"[а-яё]", re.IGNORECASE)
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


@lru_cache(maxsize=4096)
def fit_to_quote(text: str | None, lang: Lang, source: str | None = None) -> bool:
    """Whether a respondent line may be quoted back in a suggestion (see the module doc)."""
    if not text or source in UNQUOTABLE_SOURCES:
        return False
    flat = " ".join(text.split())
    if flat.endswith(STOPPED) or len(_WORD.findall(flat)) < MIN_QUOTABLE_WORDS:
        return False
    if not _in_language(flat, lang):
        return False
    return reads_well(flat, lang)


def _in_language(text: str, lang: Lang) -> bool:
    latin = len(_LATIN_LETTER.findall(text))
    cyrillic = len(_CYRILLIC_LETTER.findall(text))
    return cyrillic > latin * 4 if lang == "ru" else latin > cyrillic * 4


def reads_well(text: str, lang: Lang) -> bool:
    """False when the line has a grammar slip a person would not make (see the module doc)."""
    return _russian_reads_well(text) if lang == "ru" else _english_reads_well(text)


# -- Russian -------------------------------------------------------------------------------------

_PRONOUN_AGREEMENT: dict[str, tuple[str | None, str, str | None]] = {
    # pronoun: (person in the present/future, number, gender in the past singular)
    "я": ("1per", "sing", None),
    "ты": ("2per", "sing", None),
    "он": ("3per", "sing", "masc"),
    "она": ("3per", "sing", "femn"),
    "оно": ("3per", "sing", "neut"),
    "мы": ("1per", "plur", None),
    "вы": ("2per", "plur", None),
    "они": ("3per", "plur", None),
}
_VERB_LOOKAHEAD = 3
"""Words after a pronoun searched for its verb («я ему не звоню»)."""


@lru_cache(maxsize=1)
def _morph() -> pymorphy3.MorphAnalyzer:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


_CLAUSE = re.compile(r"[^.,!?…;:—–()«»\"“”]+")
_CLAUSE_OPENERS = frozenset(
    {"что", "как", "куда", "где", "когда", "кто", "который", "которая", "которые", "чтобы", "если"}
)
"""Words that open a subordinate clause: a verb after them has its own subject."""
_SUBSTANTIVISING = frozenset({"всё", "все", "это", "самое"})
"""Words after which an adjective stands as a noun («всё остальное — политика»)."""
_SKIPPED_BEFORE_VERB = frozenset({"NPRO", "PRCL", "ADVB", "PRED"})
"""Parts of speech that may stand between a pronoun and its verb («я ему не звоню»)."""


@lru_cache(maxsize=20_000)
def _parse(word: str) -> list:
    """pymorphy3's readings of a lower-case word, most likely first (cached: respondents
    repeat their words)."""
    return _morph().parse(word)


def _russian_reads_well(text: str) -> bool:
    for clause in _CLAUSE.findall(text):
        words = [word.casefold() for word in _CYRILLIC_WORD.findall(clause)]
        parses = [_parse(word) for word in words]
        for index, word in enumerate(words):
            agreement = _PRONOUN_AGREEMENT.get(word)
            if agreement is not None and not _pronoun_agrees(
                agreement, words[index + 1 :], parses[index + 1 :]
            ):
                return False
            substantive = index > 0 and words[index - 1] in _SUBSTANTIVISING  # «всё остальное»
            if (
                index + 1 < len(words)
                and not substantive
                and not _adjective_agrees(parses[index], parses[index + 1])
            ):
                return False
    return True


def _pronoun_agrees(
    agreement: tuple[str | None, str, str | None], words: Sequence[str], parses: Sequence
) -> bool:
    """The pronoun's verb, when it follows within reach in the same clause, agrees with it."""
    person, number, gender = agreement
    for word, candidates in list(zip(words, parses, strict=True))[:_VERB_LOOKAHEAD]:
        if word in _CLAUSE_OPENERS:
            return True
        top = candidates[0]
        if top.tag.POS in _SKIPPED_BEFORE_VERB:
            continue
        if top.tag.POS != "VERB" or top.tag.mood != "indc":
            return True  # not a finite verb right there («мы дома», «я волонтёр»)
        for verb in candidates:
            tag = verb.tag
            if tag.POS != "VERB":
                continue
            if tag.tense == "past":
                if number == "plur" and tag.number == "plur":
                    return True
                if number == "sing" and tag.number == "sing":
                    if gender is None or tag.gender == gender:
                        return True
            elif tag.person == person and tag.number == number:
                return True
        return False
    return True


def _adjective_agrees(first: Sequence, second: Sequence) -> bool:
    """A nominative singular adjective right before a nominative singular noun has its gender
    («красивый машина» is a slip). Other pairs are left alone: adjacent words often belong to
    different phrases («такое матери говорить»)."""
    adjective, noun = first[0].tag, second[0].tag
    if adjective.POS != "ADJF" or "Apro" in adjective or noun.POS != "NOUN" or "ms-f" in noun:
        return True
    if "Surn" in noun or "Name" in noun or "Fixd" in noun:
        return True
    if adjective.case != "nomn" or noun.case != "nomn":
        return True
    if adjective.number != "sing" or noun.number != "sing":
        return True
    readings = [p.tag for p in first if p.tag.POS == "ADJF" and p.tag.case == "nomn"]
    return any(tag.gender == noun.gender for tag in readings if tag.number == "sing")


# -- English -------------------------------------------------------------------------------------

_EN_AUX_BEFORE_SUBJECT = frozenset(
    {"do", "does", "did", "can", "will", "would", "could", "should", "must", "may", "might", "to"}
)
_EN_WRONG_VERB: dict[str, frozenset[str]] = {
    "i": frozenset({"is", "are", "has", "does", "doesn't", "goes", "wants", "says"}),
    "he": frozenset({"are", "have", "don't"}),
    "she": frozenset({"are", "have", "don't"}),
    "it": frozenset({"are", "have", "don't"}),
    "we": frozenset({"is", "has", "was", "does", "doesn't"}),
    "they": frozenset({"is", "has", "was", "does", "doesn't"}),
}


_EN_DOUBLED = re.compile(r"\b(\w+) \1\b", re.IGNORECASE)
_EN_FINE_DOUBLED = frozenset({"that", "had", "very", "really", "no", "bye", "so", "yes", "now"})


def _english_reads_well(text: str) -> bool:
    for doubled in _EN_DOUBLED.finditer(text):
        if doubled.group(1).casefold() not in _EN_FINE_DOUBLED:
            return False  # "the the"
    for clause in _CLAUSE.findall(text):
        words = [word.casefold() for word in _WORD.findall(clause)]
        for index, word in enumerate(words[:-1]):
            wrong = _EN_WRONG_VERB.get(word)
            if not wrong or words[index + 1] not in wrong:
                continue
            before = words[index - 1] if index else ""
            # "does he have", "you and I are"
            if before not in _EN_AUX_BEFORE_SUBJECT and before not in ("and", "or"):
                return False
    return True


# -- permission asks -----------------------------------------------------------------------------


def asks_permission(text: str, patterns: Sequence[re.Pattern[str]]) -> bool:
    """Whether the turn asks the respondent's permission to talk or to ask («Удобно сейчас
    пару минут?», "Is now a good time to talk?"): one of `patterns` (from the suggestion
    lines file) matches."""
    flat = " ".join(text.split())
    return any(pattern.search(flat) for pattern in patterns)


# -- the topic of a closed question --------------------------------------------------------------

_SENTENCE = re.compile(r"[^.!?…]+[.!?…]*")
_RU_NOT_A_TOPIC = frozenset(
    {
        "минута",
        "минутка",
        "время",
        "секунда",
        "раз",
        "вопрос",
        "дело",
        "правда",
        "смысл",
        "что",
        "это",
        "пара",
        "час",
        "сейчас",
        "алло",
    }
)
_RU_VOWELS = frozenset("аоуэиыАОУЭИЫ")


def question_topic(text: str, lang: Lang) -> str | None:
    """What the volunteer's closed question was about, as a phrase with its preposition to
    follow "think"/«думаете» (e.g. "about your son", «о вашем сыне»); None when the question
    has no clear topic («Правда?», "Do you agree?")."""
    question = next((s for s in reversed(_SENTENCE.findall(text)) if "?" in s), None)
    if question is None:
        return None
    return _russian_topic(question) if lang == "ru" else _english_topic(question)


def _russian_topic(question: str) -> str | None:
    words = _CYRILLIC_WORD.findall(question)
    for index in range(len(words) - 1, -1, -1):
        parse = _parse(words[index].casefold())[0]
        if parse.tag.POS != "NOUN" or parse.normal_form in _RU_NOT_A_TOPIC:
            continue
        number = parse.tag.number or "sing"
        noun = parse.inflect({"loct", number}) or parse.inflect({"loct"})
        if noun is None:
            return None
        phrase = [_with_capital(noun.word) if _is_name(words, index, parse) else noun.word]
        if index > 0:
            readings = _parse(words[index - 1].casefold())
            before = next(
                (p for p in readings if p.tag.POS == "ADJF" and p.tag.case == parse.tag.case),
                None,
            )
            if before is not None:
                grammemes = {"loct", number}
                if number == "sing" and parse.tag.gender in ("masc", "femn", "neut"):
                    grammemes.add(parse.tag.gender)
                adjective = before.inflect(grammemes)
                if adjective is not None:
                    capital = index > 1 and words[index - 1][:1].isupper()
                    phrase.insert(0, _with_capital(adjective.word) if capital else adjective.word)
        preposition = "об" if phrase[0][0] in _RU_VOWELS else "о"
        return f"{preposition} {' '.join(phrase)}"
    return None


_RU_NAME_TAGS = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})


def _is_name(words: list[str], index: int, parse) -> bool:
    """Whether the noun is a name (Москва, Путин): capitalised mid-sentence, or tagged a name by
    pymorphy3 when it opens the question."""
    if index > 0:
        return words[index][:1].isupper()
    return bool(_RU_NAME_TAGS & set(parse.tag.grammemes))


def _with_capital(word: str) -> str:
    return word[:1].upper() + word[1:]


_EN_QUESTION = re.compile(
    r"^(?:(?:so|and|but|well|okay|ok|now|then|oh|um|uh)[,\s]+)*"
    r"(?P<aux>do|does|did|are|is|was|were|have|has|can|could|will|would|should)\s+"
    r"(?P<subject>you|he|she|they|it|we|there|your \w+|the \w+)\s+(?P<rest>.*?)[\s?]*$",
    re.IGNORECASE,
)
_EN_DO_AUX = frozenset({"do", "does", "did", "can", "could", "will", "would", "should"})
_EN_TRAILING = re.compile(
    r"(?:\s+(?:now|today|at all|these days|still|then|too|anymore|right now|lately|yet))+$",
    re.IGNORECASE,
)
_EN_PREPOSITION = re.compile(r"^(?:about|of|with|on|in|at|for|to|from)\s+", re.IGNORECASE)
_EN_DETERMINER = re.compile(r"^(?:the|your|my|his|her|their|our|this|these|those|a|an)\s+\w+")
_EN_NOT_A_TOPIC = frozenset(
    {"it", "that", "this", "so", "me", "them", "him", "her", "us", "you", "one", "sure", "ok"}
)


def _english_topic(question: str) -> str | None:
    match = _EN_QUESTION.match(" ".join(question.split()))
    if match is None:
        return None
    aux, subject = match["aux"].casefold(), match["subject"].casefold()
    rest = _EN_TRAILING.sub("", match["rest"]).strip(" ,")
    about = re.search(r"\babout\s+(.+)$", rest, re.IGNORECASE)
    if about:
        topic = about.group(1)
    elif subject in ("he", "she", "they", "it"):
        return None  # about someone named before: the echo of that line fits better
    elif aux not in _EN_DO_AUX and subject not in ("you", "there", "we"):
        topic = subject  # "Is your son at the front?" is about "your son"
    else:
        if aux in _EN_DO_AUX:
            rest = rest.split(" ", 1)[1] if " " in rest else ""  # drop the verb
        rest = re.sub(r"^to\s+\w+\s+", "", rest, flags=re.IGNORECASE)  # "want to watch ..."
        had_preposition = _EN_PREPOSITION.match(rest) is not None
        topic = _EN_PREPOSITION.sub("", rest)
        if not topic:
            return None
        words = topic.split()
        fits = (
            had_preposition
            or _EN_DETERMINER.match(topic) is not None
            or (aux in _EN_DO_AUX and len(words) == 1)
        )
        if not fits or len(words) > 5 or words[0].casefold() in _EN_NOT_A_TOPIC:
            return None
    topic = topic.strip(" ,")
    if not topic or topic.split()[0].casefold() in _EN_NOT_A_TOPIC:
        return None
    return f"about {topic}"
