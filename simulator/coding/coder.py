"""Turn one volunteer utterance into behaviour codes with evidence spans."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from simulator.codes import CODES, Code, Lang
from simulator.coding.lexicon import Lexicon, bundled_lexicon
from simulator.coding.matcher import Matcher
from simulator.coding.text import Analysis, analyse, normalise


@dataclass(frozen=True)
class Coding:
    """The codes of one utterance and the exact substrings that triggered each."""

    lang: Lang
    codes: tuple[Code, ...]
    """In `simulator.codes.CODES` order, no duplicates."""
    evidence: dict[Code, tuple[str, ...]]
    """Every code in `codes` has at least one span; every span is a substring of the text."""
    cue_scores: dict[Code, float] = field(default_factory=dict)
    """The lexicon's summed cue weight per code (before thresholds): features for the learned
    heads. Empty when the coding did not come from the lexicon."""


_EN_SUFFIXES = ("ings", "ing", "ed", "es", "s", "ly")


def _english_stem(word: str) -> str:
    for suffix in _EN_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:6]


class Coder:
    """Codes utterances in one language with one lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.matcher = Matcher(lexicon)
        self.stopwords = frozenset(normalise(word) for word in lexicon.stopwords)
        self.second_person = frozenset(normalise(w) for w in lexicon.reflection.second_person)
        self.first_person = frozenset(normalise(w) for w in lexicon.reflection.first_person)
        self.courtesy = frozenset(normalise(w) for w in lexicon.reflection.courtesy)

    def code(self, text: str, previous: str | None = None) -> Coding:
        """Code `text`; `previous` is the respondent's turn before it, when known."""
        analysis = analyse(text, self.lexicon.lang)
        hits = self.matcher.find(analysis)
        vetoed = {
            (hit.rule.target[5:], hit.sentence) for hit in hits if hit.rule.target[:5] == "veto:"
        }
        scores: dict[str, float] = defaultdict(float)
        spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
        openers: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for hit in hits:
            target = hit.rule.target
            if target.startswith("opener:"):
                openers[hit.sentence].append((hit.start, int(target[7:])))
                continue
            if target.startswith("veto:") or (target, hit.sentence) in vetoed:
                continue
            scores[target] += hit.rule.weight
            if hit.rule.weight > 0:
                spans[target].append((hit.start, hit.end))

        questions, declarative = self._questions(analysis, openers)
        # An attack phrased as a question («Как можно быть таким слепым?») is not a question.
        rhetorical = {
            hit.sentence
            for hit in hits
            if hit.rule.target in self.lexicon.questions.rhetorical
            and hit.rule.weight > 0
            and (hit.rule.target, hit.sentence) not in vetoed
        }
        questions = [(n, kind) for n, kind in questions if n not in rhetorical]
        declarative = [n for n in declarative if n not in rhetorical]
        asked = {number for number, _ in questions}
        # Reflection cues inside a real question ("How do you feel?") or an attack ("You're
        # wrong") are not reflections.
        blocked = asked | {
            hit.sentence
            for hit in hits
            if hit.rule.target in self.lexicon.reflection.not_with
            and hit.rule.weight > 0
            and (hit.rule.target, hit.sentence) not in vetoed
        }
        for hit in hits:
            if hit.rule.target == "reflection" and hit.sentence in blocked:
                scores["reflection"] -= hit.rule.weight
                if (hit.start, hit.end) in spans["reflection"]:
                    spans["reflection"].remove((hit.start, hit.end))
        # Only a plain statement: one that already empathises, affirms, lectures or blames is
        # that, not a restatement ("Of course you're worried", "It'll open your eyes").
        plain = not any(scores[code] >= cues.threshold for code, cues in self.lexicon.codes.items())
        addressed = self._addressed(analysis, blocked, vetoed) if plain else []
        if addressed:
            scores["reflection"] += self.lexicon.reflection.addressed_weight
            spans["reflection"].extend(addressed)
        echo = self._echo(analysis, previous, blocked) if previous else []
        if echo:
            scores["reflection"] += self.lexicon.reflection.echo_weight
            spans["reflection"].extend(echo)
        # A statement with a question mark is a closed question ("You're at work now?"); when
        # it also restates the respondent ("So you feel nobody listens?") it is a reflection too.
        questions.extend((number, "closed") for number in declarative)

        for number, kind in questions:
            sent = analysis.sentences[number]
            spans[f"{kind}_question"].append(_trimmed(text, sent.start, sent.end))
            scores[f"{kind}_question"] = 1.0
        for cued, cues in self.lexicon.codes.items():
            if cues.implies and scores[cued] >= cues.threshold and spans.get(cued):
                for implied in cues.implies:
                    scores[implied] = max(scores[implied], self.lexicon.codes[implied].threshold)
                    spans[implied].extend(spans[cued])
        thresholds: dict[str, float] = {
            code: cues.threshold for code, cues in self.lexicon.codes.items()
        }
        thresholds["reflection"] = self.lexicon.reflection.threshold
        codes: list[Code] = []
        evidence: dict[Code, tuple[str, ...]] = {}
        for code in CODES:
            if scores.get(code, 0.0) < thresholds.get(code, 1.0) or not spans.get(code):
                continue
            codes.append(code)
            evidence[code] = tuple(dict.fromkeys(text[a:b] for a, b in sorted(spans[code])))
        cue_scores: dict[Code, float] = {code: scores.get(code, 0.0) for code in CODES}
        return Coding(self.lexicon.lang, tuple(codes), evidence, cue_scores)

    def _questions(
        self, analysis: Analysis, openers: dict[int, list[tuple[int, int]]]
    ) -> tuple[list[tuple[int, str]], list[int]]:
        """(sentence, open|closed) for questions with an opener; '?' sentences without one."""
        rules = self.lexicon.questions
        questions: list[tuple[int, str]] = []
        declarative: list[int] = []
        for number, sent in enumerate(analysis.sentences):
            # The opener of the last clause decides; at one place, the first in the list.
            found = sorted(
                (-start, index)
                for start, index in openers.get(number, [])
                if sent.asks or not rules.openers[index].needs_mark
            )
            if found:
                kind = rules.openers[found[0][1]].kind
                if kind != "statement":
                    questions.append((number, kind))
                continue
            last = number == len(analysis.sentences) - 1
            if sent.asks and (last or not rules.statement_asks_last_only):
                words = sent.last_token - self.matcher.head(analysis, number)
                if words >= rules.min_words:
                    declarative.append(number)
        return questions, declarative

    def _addressed(
        self, analysis: Analysis, blocked: set[int], vetoed: set[tuple[str, int]]
    ) -> list[tuple[int, int]]:
        """Statements about the respondent: second person, no first person, no courtesy
        word, no '?', not vetoed and not inside a question or an attack."""
        rules = self.lexicon.reflection
        if not rules.addressed_weight:
            return []
        found = []
        tokens = analysis.tokens
        for number, sent in enumerate(analysis.sentences):
            if sent.asks or number in blocked or ("reflection", number) in vetoed:
                continue
            words = {tokens[i].norm for i in range(sent.first_token, sent.last_token)}
            words.update(tokens[i].lemma for i in range(sent.first_token, sent.last_token))
            if (
                sent.last_token - sent.first_token >= rules.addressed_min_words
                and words & self.second_person
                and not words & self.first_person
                and not words & self.courtesy
            ):
                found.append(_trimmed(analysis.text, sent.start, sent.end))
        return found

    def _content(self, analysis: Analysis, skip: set[int]) -> dict[str, tuple[int, int]]:
        stem = _english_stem if analysis.lang == "en" else (lambda lemma: lemma)
        found: dict[str, tuple[int, int]] = {}
        for token in analysis.tokens:
            if token.sentence in skip or len(token.norm) < 3:
                continue
            if token.norm in self.stopwords or token.lemma in self.stopwords:
                continue
            if token.norm.isdigit():
                continue
            found.setdefault(stem(token.lemma), (token.start, token.end))
        return found

    def _echo(self, analysis: Analysis, previous: str, asked: set[int]) -> list[tuple[int, int]]:
        """Spans of the respondent's content words the volunteer repeats, when enough."""
        rules = self.lexicon.reflection
        mine = self._content(analysis, asked)
        theirs = self._content(analyse(previous, analysis.lang), set())
        shared = [key for key in mine if key in theirs]
        if len(shared) < rules.echo_min_shared or len(shared) < rules.echo_min_share * len(mine):
            return []
        return [mine[key] for key in shared]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@lru_cache(maxsize=2)
def bundled_coder(lang: Lang) -> Coder:
    """The coder for `lang` with the lexicon shipped with callsim (built once per process)."""
    return Coder(bundled_lexicon(lang))
