"""Find every cue of a lexicon in an analysed utterance in one pass, honouring negation.

All patterns of a language go into one index keyed by their first word, so each token only
tries the patterns that can start with it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from simulator.coding.lexicon import CodeCues, Cue, Lexicon, compile_cached
from simulator.coding.patterns import Pattern
from simulator.coding.text import Analysis, Token, lemmas_of_word, normalise


@dataclass(frozen=True, slots=True)
class Rule:
    """A compiled cue and what it counts towards."""

    target: str
    """A code name, "veto:<code>", or "opener:<index>" for question openers."""
    weight: float
    negatable: bool
    pattern: Pattern | None
    regex: re.Pattern[str] | None
    needs: tuple[frozenset[str], ...] = ()
    """Words of the pattern's later positions, one set a position (positions that take any
    word or a prefix are left out): a sentence holding none of a set's words (as written or
    as lemma) cannot match, so the pattern is not tried there."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One match of a rule in an utterance."""

    rule: Rule
    sentence: int
    start: int
    """Character offsets of the evidence span in the text."""
    end: int


class _Index:
    """Rules by the words their pattern can start with, so a token only tries those."""

    def __init__(self) -> None:
        self.by_word: dict[str, list[Rule]] = defaultdict(list)
        self.any_start: list[Rule] = []

    def add(self, rule: Rule) -> None:
        assert rule.pattern is not None
        first = rule.pattern.elements[0]
        if first.any_word or first.prefixes:
            self.any_start.append(rule)
        else:
            for word in first.words:
                self.by_word[word].append(rule)

    def candidates(self, token: Token) -> list[Rule]:
        """Rules that may match from `token` (each once)."""
        found = self.by_word.get(token.lemma, [])
        if token.norm != token.lemma and token.norm in self.by_word:
            seen = {id(rule) for rule in found}
            found = found + [r for r in self.by_word[token.norm] if id(r) not in seen]
        return found + self.any_start if self.any_start else found


class Matcher:
    """All cues of one lexicon, compiled and indexed."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.negators = frozenset(
            lemma for word in lexicon.negation.words for lemma in lemmas_of_word(word, lexicon.lang)
        ) | frozenset(normalise(word) for word in lexicon.negation.words)
        self.fillers = frozenset(normalise(word) for word in lexicon.fillers)
        self.bridges = frozenset(normalise(word) for word in lexicon.negation.bridges)
        self._anywhere = _Index()
        self._anchored = _Index()
        self._anchored_openers = _Index()
        self._regexes: list[Rule] = []
        groups: list[tuple[str, CodeCues]] = [("reflection", lexicon.reflection)]
        groups += [(code, cues) for code, cues in lexicon.codes.items()]
        for code, group in groups:
            for cue in group.cues:
                self._add(code, cue, group.negatable)
            for cue in group.vetoes:
                self._add(f"veto:{code}", cue, False)
        for index, opener in enumerate(lexicon.questions.openers):
            self._add(f"opener:{index}", Cue(pattern=opener.pattern), False)

    def _add(self, target: str, cue: Cue, negatable: bool) -> None:
        if cue.regex is not None:
            flags = re.IGNORECASE | re.UNICODE
            self._regexes.append(
                Rule(target, cue.weight, False, None, re.compile(cue.regex, flags))
            )
            return
        assert cue.pattern is not None
        pattern = compile_cached(cue.pattern, self.lexicon.lang)
        spells_negation = bool(pattern.words() & self.negators)
        rule = Rule(
            target,
            cue.weight,
            (negatable if cue.negatable is None else cue.negatable) and not spells_negation,
            pattern,
            None,
            tuple(
                element.words
                for element in pattern.elements[1:]
                if not element.any_word and not element.prefixes
            ),
        )
        if pattern.anchored and target.startswith("opener:"):
            self._anchored_openers.add(rule)
        elif pattern.anchored:
            self._anchored.add(rule)
        else:
            self._anywhere.add(rule)

    def head(self, analysis: Analysis, sentence: int, start: int | None = None) -> int:
        """Index of the first token of a sentence (or of a clause from `start`) after fillers
        and a leading vocative."""
        sent = analysis.sentences[sentence]
        tokens = analysis.tokens
        index = sent.first_token if start is None else start
        while index < sent.last_token and tokens[index].norm in self.fillers:
            index += 1
        # "Katie, it sounds like..." / «Иван, вы...»: a capitalised name before a comma.
        if (
            index + 1 < sent.last_token
            and tokens[index].clause != tokens[index + 1].clause
            and analysis.text[tokens[index].start].isupper()
            and tokens[index].norm not in self.negators
            and tokens[index].norm not in {"i", "я", "you", "вы", "ты"}
        ):
            index += 1
            while index < sent.last_token and tokens[index].norm in self.fillers:
                index += 1
        return index

    def find(self, analysis: Analysis) -> list[Hit]:
        """Every rule that matches, minus those cancelled by a negation just before them."""
        hits: list[Hit] = []
        tokens = analysis.tokens
        for number, sent in enumerate(analysis.sentences):
            stop = sent.last_token
            head = self.head(analysis, number)
            here = tokens[sent.first_token : stop]
            words = {t.norm for t in here} | {t.lemma for t in here}
            # Anchored cues may start at the sentence start, at any filler, or at the head.
            for position in range(sent.first_token, min(head + 1, stop)):
                for rule in self._anchored.candidates(tokens[position]):
                    self._try(rule, analysis, position, stop, number, hits, words)
            # Question openers may also start any clause ("..., and how do you feel?").
            clause_start = sent.first_token
            while clause_start < stop and self.lexicon.questions.clause_openers:
                clause_head = self.head(analysis, number, clause_start)
                for position in range(clause_start, min(clause_head + 1, stop)):
                    for rule in self._anchored_openers.candidates(tokens[position]):
                        self._try(rule, analysis, position, stop, number, hits, words)
                clause = tokens[clause_start].clause
                while clause_start < stop and tokens[clause_start].clause == clause:
                    clause_start += 1
            for position in range(sent.first_token, stop):
                for rule in self._anywhere.candidates(tokens[position]):
                    self._try(rule, analysis, position, stop, number, hits, words)
            if not self.lexicon.questions.clause_openers and head < stop:
                for position in range(sent.first_token, head + 1):
                    for rule in self._anchored_openers.candidates(tokens[position]):
                        self._try(rule, analysis, position, stop, number, hits, words)
            for rule in self._regexes:
                assert rule.regex is not None
                for match in rule.regex.finditer(analysis.text, sent.start, sent.end):
                    if match.end() > match.start():
                        hits.append(Hit(rule, number, match.start(), match.end()))
        return hits

    def _try(
        self,
        rule: Rule,
        analysis: Analysis,
        start: int,
        stop: int,
        sentence: int,
        hits: list[Hit],
        words: set[str],
    ) -> None:
        assert rule.pattern is not None
        for needed in rule.needs:
            if needed.isdisjoint(words):
                return
        end = rule.pattern.match_at(analysis.tokens, start, stop)
        if end is None:
            return
        if rule.negatable and self._negated(analysis, start):
            return
        tokens = analysis.tokens
        hits.append(Hit(rule, sentence, tokens[start].start, tokens[end].end))

    def _negated(self, analysis: Analysis, start: int) -> bool:
        tokens = analysis.tokens
        clause = tokens[start].clause
        clause_first = start
        window = self.lexicon.negation.window
        for position in range(start - 1, max(start - window, 0) - 1, -1):
            token = tokens[position]
            if token.sentence != tokens[start].sentence:
                return False
            if token.clause != clause:
                # «Я не говорю, что вы...»: a clause opened by a bridge stays under negation.
                if tokens[clause_first].norm not in self.bridges:
                    return False
                clause = token.clause
            clause_first = position
            if token.norm in self.negators or token.lemma in self.negators:
                return True
        return False
