"""The one-line coach hint shown after a volunteer turn in practice mode, drawn from its codes.

A hint never contradicts the turn it follows: a turn that already asks a question is not told
to ask one, and a turn that already speaks of the respondent's family is not told to ask about
it (the `asked` and `about_family` variants in `coach_hints.yaml`), and a goodbye is not told
to ask anything (the `leaving` hint).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, model_validator

from simulator.codes import CODES, QUESTION_CODES, Code, Lang
from simulator.engine.move import goodbye_kind
from simulator.yaml_data import load_yaml

_LAST_SENTENCE = re.compile(r"[^.!?…]*[.!?…]*\s*$")
_FAMILY = re.compile(
    r"\b(famil(y|ies)|children|kids?|sons?|daughters?|husband|wife|mother|father|parents?"
    r"|семь[яиеёю]|семей|детей|дет(и|ям|ях|ьми)|сын\w*|доч\w*|муж\w*|жен[аеуы]\w*|мам\w*"
    r"|пап\w*|родител\w*|внук\w*|родн(ых|ые|ым))\b",
    re.IGNORECASE,
)


class _Text(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ru: str
    en: str

    def get(self, lang: Lang) -> str:
        return self.ru if lang == "ru" else self.en


class _Hint(_Text):
    asked: _Text | None = None
    """Used instead when the turn already asks a question."""
    about_family: _Text | None = None
    """Used instead when the turn already speaks of the respondent's family."""


class _Leaving(_Text):
    unless: list[Code]
    """Codes whose own hint still wins in a goodbye (a jab on the way out is still a jab)."""


class _Hints(BaseModel):
    model_config = ConfigDict(extra="forbid")

    priority: list[Code]
    leaving: _Leaving
    hints: dict[str, _Hint]

    @model_validator(mode="after")
    def _complete(self) -> _Hints:
        missing = [k for k in (*CODES, "none") if k not in self.hints]
        if missing:
            raise ValueError(f"hints missing for: {', '.join(missing)}")
        return self


@cache
def _hints() -> _Hints:
    text = resources.files(__package__).joinpath("coach_hints.yaml").read_text("utf-8")
    return _Hints.model_validate(load_yaml(text))


def coach_hint(
    codes: Iterable[Code], lang: Lang, text: str | None = None, leaving: bool = False
) -> str:
    """The hint for a turn with `codes`, in the interface language `lang`.

    `text` (the turn itself) lets the hint see a question the coder did not code and a
    mention of family; without it, the codes alone decide. `leaving`: the turn takes leave
    (`takes_leave`).
    """
    present = set(codes)
    data = _hints()
    key = next((code for code in data.priority if code in present), "none")
    if leaving and key not in data.leaving.unless:
        return data.leaving.get(lang)
    hint = data.hints[key]
    if hint.about_family is not None and text and _FAMILY.search(text):
        return hint.about_family.get(lang)
    if hint.asked is not None and (present & QUESTION_CODES or _ends_with_question(text)):
        return hint.asked.get(lang)
    return hint.get(lang)


def takes_leave(text: str, lang: Lang) -> bool:
    """Whether the volunteer's turn (in the call's language `lang`) says goodbye or asks to
    call again; plain thanks ("Thank you for being so open") may come mid-call and do not."""
    return goodbye_kind(text, lang) in ("bye", "call_again")


def _ends_with_question(text: str | None) -> bool:
    if not text:
        return False
    last = _LAST_SENTENCE.search(text.strip())
    return bool(last and "?" in last.group(0))
