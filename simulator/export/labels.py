"""Exported words in Russian and English, read from `labels.yaml` beside this module."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from importlib import resources

from simulator.codes import Lang
from simulator.yaml_data import load_yaml

LABEL_LANGS: frozenset[str] = frozenset({"en", "ru"})


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
        """The label `key`, with `values` filled in."""
        try:
            text = _table()[key][self.lang]
        except KeyError:
            raise LabelsError(f"labels.yaml: no label {key!r} in {self.lang}") from None
        return text.format(**values) if values else text

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
