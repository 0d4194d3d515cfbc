"""People the respondent names: the first time a reply names someone («Серёжа мне теперь
ничего не говорит»), the listener does not know who that is, so the engine adds the persona's
short introduction after that line («Серёжа — это сын мой.»), unless the reply already says who
they are («сын мой Серёжа») or an earlier reply named them.

Read in held-out calls: the village pensioner's Seryozha, Kolya, Galya and Nina came out of
nowhere, and listeners marked those replies unbelievable.
"""

from __future__ import annotations

import re

from simulator.codes import Lang
from simulator.engine.lore import has_key, words_of
from simulator.persona import Keys, Persona


def introduce(persona: Persona, lang: Lang, line: str, said: list[str], asked: str = "") -> str:
    """`line` with the introduction of the first person it names for the first time in the
    call (`said`: the respondent's earlier replies), added after the line; one at most. Not
    when the caller's line it answers (`asked`) named that person or who they are ("Does your
    son tell you much?" -> "My Dima's a good boy…": Dima is plainly the son)."""
    people = persona.lore.people
    if not people:
        return line
    words = words_of(line, lang)
    theirs = words_of(asked, lang) if asked else []
    earlier = [words_of(text, lang) for text in said]
    named = [
        person
        for person in people
        if has_key(person.names, lang, words)
        and not has_key(person.known_by, lang, words)
        and not has_key(person.known_by, lang, theirs)
        and not has_key(person.names, lang, theirs)
        and not any(has_key(person.names, lang, before) for before in earlier)
    ]
    if not named:
        return line
    # The one named first in the line: «Даша мне тетрадки показывает... Серёжа смотрит» says
    # who Dasha is, not Seryozha (round 29's held-out calls).
    first = min(named, key=lambda person: _first_position(person.names, lang, words))
    # One introduction at most: two read like a list.
    return f"{line} {_without_repeated_death(first.intro.get(lang), line)}"


def _first_position(names: Keys, lang: Lang, words: list[str]) -> int:
    """Where in `words` the first of `names` ends (one past its last word)."""
    return next((j for j in range(1, len(words) + 1) if has_key(names, lang, words[:j])), 0)


DEATH = re.compile(
    r"\b(погиб\w*|убит\w*|умер\w*|похорон\w*|хоронил\w*|больше нет|killed|died|dead|"
    r"buried|funeral|gone now|passed away)\b",
    re.IGNORECASE,
)
"""Words that say someone died, in the reply or in an introduction's last clause."""


def _without_repeated_death(intro: str, line: str) -> str:
    """The introduction without its last clause when both it and the reply say the person died:
    «…Был Дима. Погиб.» + «Дима — это друг мой из универа.», not «…, погиб он.» again."""
    who, comma, last = intro.rpartition(",")
    if comma and DEATH.search(last) and DEATH.search(line):
        return f"{who.rstrip()}."
    return intro
