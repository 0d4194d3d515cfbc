"""The behaviour coder: what a volunteer said -> codes of SPEC section 2, with evidence.

One analysis of each turn feeds both the respondent's reaction (engine) and the scorecard.
Cues live in per-language lexicon files (`data/ru.yaml`, `data/en.yaml`); matching lives in
code. Russian is matched on lemmas (pymorphy3), so one cue covers every inflected form.
"""

from __future__ import annotations

from simulator.codes import Lang
from simulator.coding.coder import Coder, Coding, bundled_coder
from simulator.coding.lexicon import Lexicon, LexiconError, load_lexicon

__all__ = [
    "Coder",
    "Coding",
    "Lexicon",
    "LexiconError",
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
    just before, when known: repeating its content words is evidence of a reflection.
    """
    return bundled_coder(lang or detect_lang(text)).code(text, previous)
