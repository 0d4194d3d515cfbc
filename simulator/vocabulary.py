"""The domain's words in Russian and English, read from `vocabulary.yaml` beside this module.

One name per behaviour code, scorecard dimension, readiness verdict, mode, language, mood and
respondent state, shared by the app, the command line and the exports. Also how turns are
numbered for the volunteer: their own turns only, from 1 (the SPEC JSON keeps its `turn`
index into all turns)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Protocol

from simulator.yaml_data import load_yaml

VOCABULARY_LANGS: frozenset[str] = frozenset({"en", "ru"})


class VocabularyError(Exception):
    """`vocabulary.yaml` lacks a language or a key (a packaging bug, caught by the tests)."""


@cache
def table() -> dict[str, dict[str, str]]:
    """Every entry: key -> {"en": ..., "ru": ...}."""
    text = resources.files(__package__).joinpath("vocabulary.yaml").read_text("utf-8")
    data = load_yaml(text)
    for key, by_lang in data.items():
        if not isinstance(by_lang, dict) or set(by_lang) != VOCABULARY_LANGS:
            raise VocabularyError(f"vocabulary.yaml: {key}: needs exactly the languages en and ru")
    result: dict[str, dict[str, str]] = data
    return result


def term(key: str, lang: str) -> str:
    """The word for `key` (e.g. `code.reflection`) in `lang` (English when `lang` is unknown)."""
    try:
        entry = table()[key]
    except KeyError:
        raise VocabularyError(f"vocabulary.yaml: no entry {key!r}") from None
    return entry.get(lang, entry["en"])


class _Spoken(Protocol):
    @property
    def speaker(self) -> str: ...


def volunteer_turn_number(turns: Sequence[_Spoken], index: int) -> int:
    """How the volunteer counts the turn at `index` (an index into all turns, as in the SPEC
    JSON): the number of volunteer turns up to and including it. For a respondent turn, the
    number of the volunteer turn it answers (0 for the greeting before any)."""
    return sum(1 for turn in turns[: index + 1] if turn.speaker == "volunteer")
