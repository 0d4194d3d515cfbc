"""Phrase patterns over lemmas, as trainers write them in the lexicon files.

Syntax (one pattern is a line of words separated by spaces):

- `word`      the word in any inflected form (Russian words are lemmatised on both sides)
- `a|b|c`     any of these words
- `=word`     only this exact form (`=a|b` : only these forms), e.g. an imperative «=поймите»
              that must not match «понял»
- `child*`    any word starting with "child"
- `_`         any one word
- `...`       up to four words of anything (inside one sentence) before the next word
- `^`         first thing in a pattern: only at the start of a sentence, after fillers
              such as "so", "okay", «ну», «да»

A pattern never matches across a sentence end.
"""

from __future__ import annotations

from dataclasses import dataclass

from simulator.codes import Lang
from simulator.coding.text import Token, lemmas_of_word, normalise

GAP_WORDS = 4
"""How many words `...` may skip."""


@dataclass(frozen=True, slots=True)
class Element:
    """One position of a pattern."""

    words: frozenset[str]
    prefixes: tuple[str, ...]
    any_word: bool
    gap: int
    """How many tokens may be skipped before this element (0: right after the previous)."""

    exact: bool = False
    """Only the written forms, not other forms of their lemmas."""

    def accepts(self, token: Token) -> bool:
        """Whether `token` fills this position."""
        if self.any_word or token.norm in self.words:
            return True
        if not self.exact and token.lemma in self.words:
            return True
        return any(token.norm.startswith(prefix) for prefix in self.prefixes)


@dataclass(frozen=True, slots=True)
class Pattern:
    """A compiled pattern."""

    source: str
    elements: tuple[Element, ...]
    anchored: bool

    def words(self) -> frozenset[str]:
        """Every literal word of the pattern (to tell whether it spells out a negation)."""
        return frozenset(word for element in self.elements for word in element.words)

    def match_at(self, tokens: tuple[Token, ...], start: int, stop: int) -> int | None:
        """Index of the last token when the pattern matches from `start`, else None.

        `stop` is one past the last token of the sentence.
        """
        return self._match(tokens, 0, start, stop)

    def _match(self, tokens: tuple[Token, ...], index: int, at: int, stop: int) -> int | None:
        element = self.elements[index]
        last = index == len(self.elements) - 1
        for position in range(at, min(at + element.gap + 1, stop)):
            if not element.accepts(tokens[position]):
                continue
            if last:
                return position
            end = self._match(tokens, index + 1, position + 1, stop)
            if end is not None:
                return end
        return None


class PatternError(ValueError):
    """A pattern a trainer wrote does not follow the syntax."""


def compile_pattern(source: str, lang: Lang) -> Pattern:
    """Compile one pattern line; raise PatternError saying what is wrong."""
    parts = source.split()
    anchored = bool(parts) and parts[0] == "^"
    if anchored:
        parts = parts[1:]
    _check_phrase_alternatives(parts, source)
    elements: list[Element] = []
    gap = 0
    for part in parts:
        if part == "...":
            if not elements or gap:
                raise PatternError(f"'...' must stand between two words in {source!r}")
            gap = GAP_WORDS
            continue
        elements.extend(_elements(part, gap, lang, source))
        gap = 0
    if gap:
        raise PatternError(f"'...' must stand between two words in {source!r}")
    if not elements:
        raise PatternError("a pattern needs at least one word")
    if all(element.any_word for element in elements):
        raise PatternError(f"a pattern needs at least one real word, not only '_': {source!r}")
    return Pattern(source, tuple(elements), anchored)


def _check_phrase_alternatives(parts: list[str], source: str) -> None:
    """Refuse the easy slip of writing whole phrases as alternatives: `it is|that is your`
    reads as four positions (`it`, `is|that`, `is`, `your`), so it never matches "it is your".
    Neighbouring positions that share a word, one of them with alternatives, give it away."""
    for left, right in zip(parts, parts[1:], strict=False):
        a = set(left.removeprefix("=").split("|"))
        b = set(right.removeprefix("=").split("|"))
        if (len(a) > 1 or len(b) > 1) and a & b - {"_", "..."}:
            raise PatternError(
                f"{left!r} next to {right!r} in {source!r}: alternatives are single words, so "
                "'it is|that is' means 'it (is or that) is'; write 'it|that is' or two cues"
            )


def _elements(part: str, gap: int, lang: Lang, source: str) -> list[Element]:
    if part == "_":
        return [Element(frozenset(), (), True, gap)]
    exact = part.startswith("=")
    alternatives = part.removeprefix("=").split("|")
    if any(not alt for alt in alternatives):
        raise PatternError(f"empty alternative in {part!r} of {source!r}")
    words: set[str] = set()
    prefixes: list[str] = []
    for alt in alternatives:
        if alt.endswith("*"):
            stem = normalise(alt[:-1])
            if len(stem) < 2:
                raise PatternError(f"prefix {alt!r} is too short in {source!r}")
            prefixes.append(stem)
            continue
        if "*" in alt or "^" in alt or "..." in alt:
            raise PatternError(f"misplaced '*', '^' or '...' in {alt!r} of {source!r}")
        lemmas = lemmas_of_word(alt, lang)
        if exact:
            if len(lemmas) > 1 and lang == "en":
                raise PatternError(f"write {alt!r} in full words, without '=' in {source!r}")
            words.add(normalise(alt))
            continue
        if len(lemmas) > 1:
            if len(alternatives) > 1:
                raise PatternError(
                    f"write {alt!r} in full words (e.g. 'you are') when it is one of "
                    f"several alternatives in {source!r}"
                )
            first, *rest = lemmas
            return [Element(frozenset({first}), (), False, gap)] + [
                Element(frozenset({word}), (), False, 0) for word in rest
            ]
        words.add(normalise(alt))
        words.update(lemmas)
    return [Element(frozenset(words), tuple(prefixes), False, gap, exact)]
