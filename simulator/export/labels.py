"""Exported words in Russian and English, read from `labels.yaml` beside this module; the
domain's words (codes, dimensions, readiness, modes, languages, moods) come from
`simulator/vocabulary.yaml`, shared with the app and the command line."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Protocol

from simulator.codes import Lang
from simulator.vocabulary import table as vocabulary
from simulator.vocabulary import term, volunteer_turn_number
from simulator.yaml_data import load_yaml

LABEL_LANGS: frozenset[str] = frozenset({"en", "ru"})


class _Spoken(Protocol):
    @property
    def speaker(self) -> str: ...


class LabelsError(Exception):
    """`labels.yaml` lacks a language or a key (a packaging bug, caught by the tests)."""


@cache
def _table() -> dict[str, dict[str, str]]:
    text = resources.files(__package__).joinpath("labels.yaml").read_text("utf-8")
    data = load_yaml(text)
    for key, by_lang in data.items():
        if not isinstance(by_lang, dict) or set(by_lang) != LABEL_LANGS:
            raise LabelsError(f"labels.yaml: {key}: needs exactly the languages en and ru")
    return data


def label_keys() -> list[str]:
    """Every label key (for tests)."""
    return list(_table())


class Labels:
    """The exporter's words in one language."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang

    def __call__(self, key: str, **values: object) -> str:
        """The label `key` (or the vocabulary's word for it), with `values` filled in."""
        if key not in _table() and key in vocabulary():
            text = term(key, self.lang)
        else:
            try:
                text = _table()[key][self.lang]
            except KeyError:
                raise LabelsError(f"labels.yaml: no label {key!r} in {self.lang}") from None
        return text.format(**values) if values else text

    def turn(self, turns: Sequence[_Spoken], index: int) -> str:
        """The turn at `index` (into all turns, as in the SPEC JSON) named the way the volunteer
        counts: their own turns from 1; a respondent line as the reply to one."""
        number = volunteer_turn_number(turns, index)
        if 0 <= index < len(turns) and turns[index].speaker == "volunteer":
            return self("turn", n=number)
        return self("turn.reply_to", n=number) if number else self("turn.greeting")

    def ended_by(self, ended_by: str | None) -> str:
        """How the call ended, in words."""
        return self(f"ended_by.{ended_by or 'none'}")

    def date(self, started_at: str) -> str:
        """An ISO 8601 time as `YYYY-MM-DD HH:MM` plus its zone; the raw text if unparsable."""
        try:
            moment = datetime.fromisoformat(started_at)
        except ValueError:
            return started_at
        zone = moment.strftime("%Z") if moment.tzinfo else ""
        if zone in ("UTC+00:00", "UTC"):
            zone = "UTC"
        return f"{moment:%Y-%m-%d %H:%M} {zone}".strip()
