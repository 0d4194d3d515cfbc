"""Volunteer turns as the scorecard sees them, and the text helpers it quotes them with."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from simulator.codes import Code, Lang
from simulator.session import SessionRecord

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_SENTENCE = re.compile(r"[^.!?…]+[.!?…]*")
_CLAUSE_BREAK = re.compile(r"[;:,—–().!?…]+")
_QUOTES = '"«»“”„'
"""Quotation marks do not end a clause («рассказывают про «Разговоры о важном»» is one): they
are dropped from an echo, which a suggestion puts in quotation marks of its own."""
ELLIPSIS = "…"


@dataclass(frozen=True)
class VolunteerTurn:
    """One volunteer turn with the codes given to it during the call."""

    index: int
    """Index into the session's `turns`."""
    text: str
    codes: frozenset[Code]
    evidence: Mapping[Code, Sequence[str]] = field(default_factory=dict)
    words: int = 0
    previous: str | None = None
    """The respondent's line just before this turn, if any."""
    previous_source: str | None = None
    """How the respondent's line before came about (`Turn.source`), when known."""
    lang: Lang = "en"
    """The call's language."""
    ordinal: int = 0
    """The volunteer's own count of their turns, from 0."""

    @cached_property
    def echo(self) -> str | None:
        """A phrase from `previous` to quote back in a suggestion; None when that line is not
        fit to quote (`quotable.fit_to_quote`) or has nothing to echo. Worked out on demand:
        it reads the line's grammar."""
        from simulator.scoring.quotable import fit_to_quote

        phrase = echo_phrase(self.previous)
        if phrase is None or not fit_to_quote(self.previous, self.lang, self.previous_source):
            return None
        return phrase

    def has(self, code: Code) -> bool:
        """Whether the turn carries `code`."""
        return code in self.codes


def volunteer_turns(record: SessionRecord) -> list[VolunteerTurn]:
    """The record's volunteer turns in order; a turn never coded counts as having no codes."""
    result: list[VolunteerTurn] = []
    previous: str | None = None
    previous_source: str | None = None
    for index, turn in enumerate(record.turns):
        if turn.speaker == "respondent":
            previous, previous_source = turn.text, turn.source
            continue
        result.append(
            VolunteerTurn(
                index=index,
                text=turn.text,
                codes=frozenset(turn.codes or ()),
                evidence={code: tuple(spans) for code, spans in (turn.evidence or {}).items()},
                words=word_count(turn.text),
                previous=previous,
                previous_source=previous_source,
                lang=record.lang,
                ordinal=len(result),
            )
        )
    return result


def word_count(text: str) -> int:
    """Words in `text` (Cyrillic and Latin; hyphenated words and contractions count once)."""
    return len(_WORD.findall(text))


def quote_turn(text: str, spans: Sequence[str], max_chars: int) -> str:
    """The volunteer's own words to quote: the whole turn when short, else the sentence
    holding the first evidence span found, else the turn's beginning; clipped to `max_chars`."""
    flat = " ".join(text.split())
    if len(flat) <= max_chars:
        return flat
    sentences = _SENTENCE_END.split(flat)
    for span in spans:
        needle = " ".join(span.split()).casefold()
        if not needle:
            continue
        for sentence in sentences:
            if needle in sentence.casefold():
                return clip(sentence, max_chars)
    return clip(flat, max_chars)


def clip(text: str, max_chars: int) -> str:
    """`text` cut at a word boundary to at most `max_chars` characters, with an ellipsis."""
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:—–-") + ELLIPSIS


def echo_phrase(text: str | None, max_words: int = 8) -> str | None:
    """A short phrase from a respondent's line to echo back: its longest clause of two to
    `max_words` words that is not a question; where every clause is longer, the longest cut to
    `max_words` (a volunteer cannot say 'You said "my husband Kolya will be back from the…"'
    where "all day on the till" was there whole); None when the line has nothing to echo
    ("Hello?", "Who is this?")."""
    if not text:
        return None
    clauses: list[list[str]] = []
    for sentence in _SENTENCE.findall(text):
        if "?" in sentence:
            continue
        for clause in _CLAUSE_BREAK.split(sentence):
            words = [w for w in (word.strip(_QUOTES) for word in clause.split()) if w]
            if len(words) >= 2:
                clauses.append(words)
    whole = [words for words in clauses if len(words) <= max_words]
    if whole:
        longest: list[str] = max(whole, key=len)
        return " ".join(longest)
    if not clauses:
        return None
    cut: list[str] = max(clauses, key=len)[:max_words]
    return " ".join(cut) + ELLIPSIS
