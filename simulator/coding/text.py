"""Tokens, lemmas, sentences and clauses of one utterance.

Russian words are lemmatised with pymorphy3 (one analyser per process, lookups cached), so
«детей», «дети» and «ребёнка» all become «ребенок». English words are lower-cased and common
contractions are expanded into two tokens that share the contraction's span ("you're" ->
"you" + "are", "don't" -> "do" + "not"), so one cue `you are worried` or `do not` covers both
spellings. The same contractions typed without the apostrophe ("youre", "dont") are
expanded too. Both languages fold «ё» to «е» and curly apostrophes to straight ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from simulator.codes import Lang

if TYPE_CHECKING:
    import pymorphy3

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*(?:-[^\W_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?…]+[\"'»”)\]]*(?=\s|$)|\n+")
_NOTE = re.compile(r"\[[^\[\]]*\]")
"""A transcriber's note ("[crosstalk]", "[unintelligible 00:03:18]"): no words were said."""
_CLAUSE_BREAK = re.compile(r"[,;:—–()\"«»“”]|\s-\s")

# English contractions expanded into their full words; the second part of each pair.
_EN_SUFFIXES: dict[str, str] = {
    "n't": "not",
    "'re": "are",
    "'ve": "have",
    "'ll": "will",
    "'d": "would",
    "'m": "am",
}
_EN_IRREGULAR: dict[str, tuple[str, ...]] = {
    "can't": ("can", "not"),
    "cannot": ("can", "not"),
    "won't": ("will", "not"),
    "shan't": ("shall", "not"),
    "ain't": ("am", "not"),
    "let's": ("let", "us"),
    "gonna": ("going", "to"),
    "wanna": ("want", "to"),
    "gotta": ("got", "to"),
}
# Contractions typed without the apostrophe ("dont", "youre"), only where the bare form is
# not a common English word of its own ("ill", "its", "were", "well", "lets" stay as typed).
_EN_BARE: dict[str, tuple[str, ...]] = {
    **{
        f"{host}nt": (host, "not")
        for host in "do does did is are was were have has had would could should must need".split()
    },
    "im": ("i", "am"),
    "ive": ("i", "have"),
    "youre": ("you", "are"),
    "youve": ("you", "have"),
    "youll": ("you", "will"),
    "youd": ("you", "would"),
    "theyre": ("they", "are"),
    "theyve": ("they", "have"),
    "weve": ("we", "have"),
    "thats": ("that", "is"),
    "whats": ("what", "is"),
    "hows": ("how", "is"),
    "wheres": ("where", "is"),
    "whos": ("who", "is"),
    "theres": ("there", "is"),
    "cant": ("can", "not"),
    "wont": ("will", "not"),
    "aint": ("am", "not"),
    "hes": ("he", "is"),
    "shes": ("she", "is"),
}
# "'s" is "is" only after these words; elsewhere ("John's") it is a possessive and stays.
_EN_IS_HOSTS = frozenset(
    "it that what he she there here who how where when why this everything nothing "
    "something everyone nobody someone".split()
)


@dataclass(frozen=True, slots=True)
class Token:
    """One word of an utterance (or one half of an expanded English contraction)."""

    norm: str
    """Lower-cased surface form, «ё» folded to «е», straight apostrophes."""
    lemma: str
    """Dictionary form (Russian), or the normalised word (English)."""
    start: int
    """Offset of the first character in the utterance."""
    end: int
    """Offset just past the last character in the utterance."""
    sentence: int
    """Index of the sentence this token belongs to."""
    clause: int
    """Index of the clause (stretch between commas, dashes and sentence ends)."""


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence: its character span, its tokens, and whether it ends with '?'."""

    start: int
    end: int
    first_token: int
    last_token: int
    """One past the index of its last token in `Analysis.tokens`."""
    asks: bool
    """True when the sentence ends with a question mark."""


@dataclass(frozen=True, slots=True)
class Analysis:
    """An utterance split into tokens and sentences."""

    text: str
    lang: Lang
    tokens: tuple[Token, ...]
    sentences: tuple[Sentence, ...]

    def span(self, first: int, last: int) -> str:
        """The exact text from token `first` to token `last` (inclusive)."""
        return self.text[self.tokens[first].start : self.tokens[last].end]


def normalise(word: str) -> str:
    """Lower-case, fold «ё» and curly apostrophes: the form cue words are compared in.

    A stutter written with hyphens ("what-what", "wo-would", «я-я») becomes its last word.
    """
    word = word.lower().replace("ё", "е").replace("’", "'")
    if "-" in word:
        parts = word.split("-")
        if all(part and parts[-1].startswith(part) for part in parts[:-1]):
            return parts[-1]
    return word


@lru_cache(maxsize=1)
def _morph() -> pymorphy3.MorphAnalyzer:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@lru_cache(maxsize=200_000)
def russian_lemma(norm: str) -> str:
    """The most likely dictionary form of a normalised Russian word (cached)."""
    if not norm or not ("а" <= norm[0] <= "я" or norm[0] in "ёе"):
        return norm
    return _morph().parse(norm)[0].normal_form.replace("ё", "е")


@lru_cache(maxsize=50_000)
def english_parts(norm: str) -> tuple[str, ...]:
    """An English word with its contraction expanded: "you're" -> ("you", "are")."""
    if norm in _EN_IRREGULAR:
        return _EN_IRREGULAR[norm]
    if "'" not in norm:
        return _EN_BARE.get(norm, (norm,))
    for suffix, full in _EN_SUFFIXES.items():
        if norm.endswith(suffix) and len(norm) > len(suffix):
            return (norm[: -len(suffix)], full)
    if norm.endswith("'s"):
        host = norm[:-2]
        return (host, "is") if host in _EN_IS_HOSTS else (host,)
    return (norm,)


def lemmas_of_word(word: str, lang: Lang) -> tuple[str, ...]:
    """The lemma(s) a cue word stands for, the same way utterance words are lemmatised."""
    norm = normalise(word)
    if lang == "ru":
        return (russian_lemma(norm),)
    return english_parts(norm)


def _sentence_spans(text: str) -> list[tuple[int, int, bool]]:
    spans = []
    begin = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        chunk = text[begin:end]
        if chunk.strip():
            spans.append((begin, end, "?" in match.group()))
        begin = end
    if text[begin:].strip():
        spans.append((begin, len(text), False))
    return spans


@lru_cache(maxsize=1024)
def analyse(text: str, lang: Lang) -> Analysis:
    """Split `text` into tokens (with lemmas) and sentences (the latest few hundred are
    remembered: the lexicon, the heads' word features and the engine read the same turn)."""
    tokens: list[Token] = []
    sentences: list[Sentence] = []
    clause = 0
    for index, (begin, end, asks) in enumerate(_sentence_spans(text)):
        first = len(tokens)
        cursor = begin
        notes = [note.span() for note in _NOTE.finditer(text, begin, end)]
        for match in _WORD.finditer(text, begin, end):
            if notes and any(a <= match.start() < b for a, b in notes):
                continue
            if _CLAUSE_BREAK.search(text, cursor, match.start()):
                clause += 1
            cursor = match.end()
            norm = normalise(match.group())
            if lang == "ru":
                tokens.append(
                    Token(norm, russian_lemma(norm), match.start(), match.end(), index, clause)
                )
            else:
                for part in english_parts(norm):
                    tokens.append(Token(part, part, match.start(), match.end(), index, clause))
        sentences.append(Sentence(begin, end, first, len(tokens), asks))
        clause += 1
    return Analysis(text, lang, tuple(tokens), tuple(sentences))
