"""Interface strings in Russian and English, read from `strings.yaml` beside this module; the
domain's words (codes, dimensions, readiness, modes, languages, moods) come from
`simulator/vocabulary.yaml`, shared with the command line and the exports."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

from simulator.vocabulary import table as vocabulary
from simulator.vocabulary import term
from simulator.yaml_data import load_yaml

UiLang = Literal["ru", "en"]
UI_LANGS: tuple[UiLang, ...] = ("en", "ru")


class StringsError(Exception):
    """`strings.yaml` lacks a language for some entry (a packaging bug, caught by the tests)."""


@cache
def _table() -> dict[str, dict[str, str | list[str]]]:
    text = resources.files(__package__).joinpath("strings.yaml").read_text("utf-8")
    data = load_yaml(text)
    for key, by_lang in data.items():
        if not isinstance(by_lang, dict) or set(by_lang) != set(UI_LANGS):
            raise StringsError(f"strings.yaml: {key}: needs exactly the languages en and ru")
    table: dict[str, dict[str, str | list[str]]] = data
    return table


def keys() -> list[str]:
    """Every string key (for tests)."""
    return list(_table())


def t(key: str, lang: str, **values: object) -> str:
    """The string `key` in `lang` (English when `lang` is unknown), with `values` filled in.
    Keys not in `strings.yaml` are looked up in the shared vocabulary."""
    entry = _table().get(key)
    if entry is None:
        if key in vocabulary():
            return term(key, lang)
        raise KeyError(key)
    text = entry.get(lang, entry["en"])
    if not isinstance(text, str):
        raise StringsError(f"strings.yaml: {key} is a list; use t_list")
    return text.format(**values) if values else text


def t_list(key: str, lang: str) -> list[str]:
    """The list of strings `key` in `lang` (the call guide, the help)."""
    entry = _table()[key]
    items = entry.get(lang, entry["en"])
    if isinstance(items, str):
        return [items]
    return list(items)
