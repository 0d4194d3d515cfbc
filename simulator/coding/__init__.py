"""The behaviour coder: what a volunteer said -> codes of SPEC section 2, with evidence.

One analysis of each turn feeds both the respondent's reaction (engine) and the scorecard.
Two layers: cues in per-language lexicon files (`data/ru.yaml`, `data/en.yaml`; Russian matched
on pymorphy3 lemmas, negation handled, exact evidence spans), and learned per-code heads
(`data/heads.npz`) over the multilingual sentence encoder, which decide the codes with the
cues among their features.
"""

from __future__ import annotations

from collections.abc import Sequence

from simulator.codes import Lang
from simulator.coding.coder import Coder, Coding
from simulator.coding.heads import HeadsError
from simulator.coding.learned import LearnedCoder, bundled_coder
from simulator.coding.lexicon import Lexicon, LexiconError, load_lexicon

__all__ = [
    "Coder",
    "Coding",
    "HeadsError",
    "LearnedCoder",
    "Lexicon",
    "LexiconError",
    "bundled_coder",
    "code_many",
    "code_utterance",
    "detect_lang",
    "load_lexicon",
]


def detect_lang(text: str) -> Lang:
    """`ru` when the text has more Cyrillic than Latin letters, else `en`."""
    cyrillic = latin = 0
    for char in text:
        if "а" <= char <= "я" or "А" <= char <= "Я" or char in "ёЁ":
            cyrillic += 1
        elif "a" <= char <= "z" or "A" <= char <= "Z":
            latin += 1
    return "ru" if cyrillic > latin else "en"


def code_utterance(text: str, lang: Lang | None = None, previous: str | None = None) -> Coding:
    """Code one volunteer utterance.

    `lang=None` detects the language from the script. `previous` is the respondent's turn
    just before, when known: context for reflections.
    """
    return bundled_coder(lang or detect_lang(text)).code(text, previous)


def code_many(items: Sequence[tuple[str, Lang | None, str | None]]) -> list[Coding]:
    """Code several (text, lang or None, previous) utterances in order, each language's turns
    embedded as one batch (much faster than one at a time)."""
    langs = [lang or detect_lang(text) for text, lang, _ in items]
    out: list[Coding | None] = [None] * len(items)
    for lang in dict.fromkeys(langs):
        where = [i for i, item_lang in enumerate(langs) if item_lang == lang]
        codings = bundled_coder(lang).code_many([(items[i][0], items[i][2]) for i in where])
        for i, coding in zip(where, codings, strict=True):
            out[i] = coding
    return [coding for coding in out if coding is not None]
