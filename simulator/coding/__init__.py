"""The behaviour coder: what a volunteer said -> codes of SPEC section 2, with evidence.

One analysis of each turn feeds both the respondent's reaction (engine) and the scorecard.
Two layers: cues in per-language lexicon files (`data/ru.yaml`, `data/en.yaml`; Russian matched
on pymorphy3 lemmas, negation handled, exact evidence spans), and learned per-code heads
(`data/heads.npz`) over the multilingual sentence encoder, which decide the codes with the
cues among their features.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from simulator.codes import Lang
from simulator.coding.coder import Coder, Coding
from simulator.coding.heads import HeadsError
from simulator.coding.learned import LearnedCoder, Started, bundled_coder
from simulator.coding.lexicon import Lexicon, LexiconError, load_lexicon

__all__ = [
    "Coder",
    "Coding",
    "HeadsError",
    "LearnedCoder",
    "Lexicon",
    "LexiconError",
    "bundled_coder",
    "Batch",
    "code_many",
    "code_utterance",
    "detect_lang",
    "finish_batch",
    "load_lexicon",
    "start_batch",
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
    return finish_batch(start_batch(items))


@dataclass(frozen=True)
class Batch:
    """Utterances whose coding `start_batch` began: each language's part and where it goes."""

    size: int
    parts: list[tuple[Lang, list[int], Started]]


def start_batch(items: Sequence[tuple[str, Lang | None, str | None]]) -> Batch:
    """Begin coding (text, lang or None, previous) utterances: their embedding starts on the
    encoder thread. Start the next batch before finishing this one (`finish_batch`) and the
    encoder and the lexicon work side by side, one core each."""
    langs = [lang or detect_lang(text) for text, lang, _ in items]
    parts = []
    for lang in dict.fromkeys(langs):
        where = [i for i, item_lang in enumerate(langs) if item_lang == lang]
        started = bundled_coder(lang).start([(items[i][0], items[i][2]) for i in where])
        parts.append((lang, where, started))
    return Batch(len(items), parts)


def finish_batch(batch: Batch) -> list[Coding]:
    """The codings of a batch `start_batch` began, in input order."""
    out: list[Coding | None] = [None] * batch.size
    for lang, where, started in batch.parts:
        for i, coding in zip(where, bundled_coder(lang).finish(started), strict=True):
            out[i] = coding
    return [coding for coding in out if coding is not None]
