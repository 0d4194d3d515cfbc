"""Checks of a persona beyond the schema, mostly of its lore: what pydantic cannot see in one field.

The engine says lore lines (and opening, hang-up, fallback lines and talking points) to the
volunteer word for word, so a line in the wrong grammatical gender, one that speaks as the
caller, or one written twice reaches every call that picks it; the model imitates the beliefs
and example lines, so those must not speak as the caller or in the wrong gender either. Two
entries with one id make `move` records ambiguous; a key with no words never matches; an id
left as the skeleton's `todo-topic` was never named. `persona_loader` runs these checks after
the schema and reports each finding at its line.

The checks work on the validated `Persona`, not on the YAML, and return field paths; the loader
maps those to lines and columns. They must stay fast (the app lists every persona at start):
each text is read once per check, and lemma lookups are cached (under 0.1 s for a bundled
persona, mostly the morphological parse of the words after «я»).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from simulator.codes import LANGS, Lang
from simulator.persona import MOODS, PLACEHOLDER, Keys, Lines, MoodLines, Persona

Loc = tuple[int | str, ...]
"""A field path, e.g. `('lore', 'topics', 3, 'lines', 'open', 'ru', 1)`."""

_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class Finding:
    """One problem with a persona: where it is (a field path) and what is wrong."""

    loc: Loc
    message: str


def _plain_path(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# -- what the respondent says ------------------------------------------------------------------


def _lines(loc: Loc, lines: Lines) -> Iterator[tuple[Loc, Lang, str]]:
    for lang in LANGS:
        for index, text in enumerate(lines.get(lang)):
            yield (*loc, lang, index), lang, text


def _mood_lines(loc: Loc, lines: MoodLines | None) -> Iterator[tuple[Loc, Lang, str]]:
    if lines is None:
        return
    for mood in MOODS:
        yield from _lines((*loc, mood), lines.get(mood))


def lore_lines(persona: Persona) -> Iterator[tuple[Loc, Lang, str]]:
    """Every line the engine can pick from the lore, with its field path and language."""
    lore = persona.lore
    for i, topic in enumerate(lore.topics):
        yield from _mood_lines(("lore", "topics", i, "lines"), topic.lines)
    for i, stance in enumerate(lore.stances):
        yield from _mood_lines(("lore", "stances", i, "answers"), stance.answers)
    for i, fact in enumerate(lore.facts):
        yield from _lines(("lore", "facts", i, "lines"), fact.lines)
    yield from _mood_lines(("lore", "permission"), lore.permission)
    yield from _mood_lines(("lore", "deflections"), lore.deflections)
    for code, reaction in lore.reactions.items():
        yield from _mood_lines(("lore", "reactions", code), reaction)
    for i, person in enumerate(lore.people):
        for lang in LANGS:
            yield ("lore", "people", i, "intro", lang), lang, person.intro.get(lang)


def spoken_lines(persona: Persona) -> Iterator[tuple[Loc, Lang, str]]:
    """Every line the respondent says as written: the lore, and the persona's opening, hang-up,
    fallback lines and talking points (a push-back says a talking point word for word)."""
    yield from _lines(("opening_lines",), persona.opening_lines)
    yield from _lines(("talking_points",), persona.talking_points)
    yield from _lines(("hangup_line",), persona.hangup_line)
    yield from _mood_lines(("fallback_lines",), persona.fallback_lines)
    yield from lore_lines(persona)


def own_words(persona: Persona) -> Iterator[tuple[Loc, Lang, str]]:
    """Every text in the respondent's own voice: what they say as written, and the beliefs and
    example lines that go into the model's prompt (the model imitates them)."""
    yield from _lines(("beliefs",), persona.beliefs)
    yield from _mood_lines(("example_lines",), persona.example_lines)
    yield from spoken_lines(persona)


# -- the checks --------------------------------------------------------------------------------


def _entries(persona: Persona) -> list[tuple[Loc, str]]:
    """The field path and id of every topic, stance and fact."""
    lore = persona.lore
    return [
        *((("lore", "topics", i), t.id) for i, t in enumerate(lore.topics)),
        *((("lore", "stances", i), s.id) for i, s in enumerate(lore.stances)),
        *((("lore", "facts", i), f.id) for i, f in enumerate(lore.facts)),
    ]


def duplicate_ids(persona: Persona, where: Callable[[Loc], str]) -> list[Finding]:
    """An id used by two entries among topics, stances and facts: call records (`topic:nato`)
    and `callsim persona test` name entries by id, and of two entries of one kind with one id
    the engine silently keeps only the last."""
    findings: list[Finding] = []
    first: dict[str, Loc] = {}
    for loc, entry_id in _entries(persona):
        if entry_id in first:
            findings.append(
                Finding(
                    (*loc, "id"),
                    f"id {entry_id!r} is also the id of {where(first[entry_id])}; ids must be "
                    "unique across topics, stances and facts, rename one",
                )
            )
        else:
            first[entry_id] = loc
    return findings


_ID_EXAMPLES = {
    "topics": "prices",
    "stances": "support_war",
    "facts": "cousins_poltava",
    "people": "seryozha",
}


def placeholder_ids(persona: Persona) -> list[Finding]:
    """An id still holding the skeleton's placeholder (`todo-topic`): `callsim persona new`
    writes ids in lowercase (the id pattern allows nothing else), so they are caught here."""
    marker = re.compile(rf"(^|[-_]){PLACEHOLDER.lower()}([-_]|$)")
    return [
        Finding(
            (*loc, "id"),
            f"still a placeholder: rename {entry_id!r} to a short id of your own "
            f"(lowercase, e.g. {_ID_EXAMPLES[str(loc[1])]})",
        )
        for loc, entry_id in [
            *_entries(persona),
            *((("lore", "people", i), p.id) for i, p in enumerate(persona.lore.people)),
        ]
        if marker.search(entry_id)
    ]


def _key_words(key: str, lang: Lang) -> list[str]:
    from simulator.coding.text import analyse

    return [token.lemma for token in analyse(key, lang).tokens]


def empty_keys(persona: Persona) -> list[Finding]:
    """A key that has no word once lemmatised (punctuation, a dash, digits only in a form the
    tokenizer drops): it can never match a volunteer's line."""
    findings: list[Finding] = []
    lore = persona.lore
    keyed: list[tuple[Loc, Keys]] = [
        *((("lore", "topics", i, "keys"), t.keys) for i, t in enumerate(lore.topics)),
        *((("lore", "stances", i, "keys"), s.keys) for i, s in enumerate(lore.stances)),
        *((("lore", "facts", i, "keys"), f.keys) for i, f in enumerate(lore.facts)),
        *((("lore", "people", i, "names"), p.names) for i, p in enumerate(lore.people)),
        *((("lore", "people", i, "known_by"), p.known_by) for i, p in enumerate(lore.people)),
    ]
    for loc, keys in keyed:
        for lang in LANGS:
            for index, key in enumerate(keys.get(lang)):
                if not _key_words(key, lang):
                    findings.append(
                        Finding(
                            (*loc, lang, index),
                            f"key {key!r} has no words once lemmatised, so it never matches; "
                            "write the word or phrase a caller would say",
                        )
                    )
    return findings


def wrong_gender(persona: Persona) -> list[Finding]:
    """A Russian text in the respondent's voice whose first-person past tense or short adjective
    disagrees with the persona's `gender` («я согласен» from a woman): the engine says lines
    word for word, and the model copies the grammar of the examples in its prompt."""
    if persona.gender is None:
        return []
    from simulator.engine.reply_check import gender_error

    findings: list[Finding] = []
    for loc, lang, text in own_words(persona):
        word = gender_error(text, persona.gender, lang)
        if word:
            findings.append(
                Finding(
                    loc,
                    f"{word!r} does not agree with gender {persona.gender!r}; write the "
                    f"{'feminine' if persona.gender == 'female' else 'masculine'} form, or "
                    "change `gender`",
                )
            )
    return findings


def caller_identity(persona: Persona) -> list[Finding]:
    """A text in which the respondent speaks as the caller (calling from abroad, a volunteer):
    the respondent is the one in Russia."""
    from simulator.engine.reply_check import claims_caller_identity

    return [
        Finding(
            loc,
            "speaks as the caller (abroad, a volunteer); the respondent is the one in Russia, "
            "rephrase it",
        )
        for loc, lang, text in own_words(persona)
        if claims_caller_identity(text, lang)
    ]


def _said(text: str) -> str:
    """A line as heard: its words, lower-cased, without punctuation."""
    return " ".join(_WORDS.findall(text.lower().replace("ё", "е")))


def repeated_lines(persona: Persona, where: Callable[[Loc], str]) -> list[Finding]:
    """The same line written twice in one language: the respondent would say it twice in a
    call, and a move record cannot tell which entry it came from. Lines that differ only in
    punctuation or case count as the same."""
    findings: list[Finding] = []
    first: dict[tuple[Lang, str], Loc] = {}
    for loc, lang, text in spoken_lines(persona):
        said = _said(text)
        if not said:
            continue
        if (lang, said) in first:
            findings.append(
                Finding(
                    loc,
                    f"the same line as {where(first[(lang, said)])}; write a different line "
                    "or remove one",
                )
            )
        else:
            first[(lang, said)] = loc
    return findings


def persona_findings(persona: Persona, where: Callable[[Loc], str] = _plain_path) -> list[Finding]:
    """Every problem these checks find in `persona`. `where` names another place in the file
    in a message (the loader adds its line)."""
    return [
        *placeholder_ids(persona),
        *duplicate_ids(persona, where),
        *empty_keys(persona),
        *wrong_gender(persona),
        *caller_identity(persona),
        *repeated_lines(persona, where),
    ]
