"""The coder callsim uses: lexicon cues plus learned heads over the sentence encoder.

The lexicon (`coder.Coder`) is exact where a trainer wrote a cue, handles negation and gives
evidence spans; the heads generalise to wordings no cue list foresaw. The heads decide the codes
(the lexicon's findings are among their features); each code's evidence is the lexicon's cue
where one fired, otherwise the sentence of the turn that scores highest for that code.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from simulator.codes import CODES, Code, Lang
from simulator.coding.coder import Coder, Coding
from simulator.coding.coder import bundled_coder as bundled_cue_coder
from simulator.coding.encoder import embed, embed_one
from simulator.coding.features import features
from simulator.coding.heads import Heads, bundled_heads
from simulator.coding.text import analyse


class LearnedCoder:
    """Codes utterances in one language: the lexicon's cues, then the learned heads."""

    def __init__(self, cues: Coder, heads: Heads) -> None:
        self.cues = cues
        self.heads = heads
        self.lang: Lang = cues.lexicon.lang

    def code(self, text: str, previous: str | None = None) -> Coding:
        """Code `text`; `previous` is the respondent's line just before, when known."""
        return self.code_many([(text, previous)])[0]

    def code_many(self, items: Sequence[tuple[str, str | None]]) -> list[Coding]:
        """Code several (text, previous) pairs, embedding the texts as one batch."""
        if not items:
            return []
        found = [self.cues.code(text, previous) for text, previous in items]
        vectors = embed([text for text, _ in items])
        previous_vectors = _previous_vectors([previous for _, previous in items])
        toxicity = self.heads.toxicity(vectors)
        rows = np.stack(
            [
                features(text, self.lang, vectors[i], previous_vectors[i], found[i], toxicity[i])
                for i, (text, _) in enumerate(items)
            ]
        )
        probabilities = self.heads.probabilities(rows)
        threshold = self.heads.threshold(self.lang)
        codings = []
        for i, (text, previous) in enumerate(items):
            if not text.strip():
                codings.append(Coding(self.lang, (), {}, found[i].cue_scores))
                continue
            chosen = [c for k, c in enumerate(CODES) if probabilities[i, k] >= threshold[k]]
            evidence = {
                code: found[i].evidence.get(code) or self._best_sentence(text, code, previous)
                for code in chosen
            }
            codings.append(Coding(self.lang, tuple(chosen), evidence, found[i].cue_scores))
        return codings

    def probabilities(self, text: str, previous: str | None = None) -> dict[Code, float]:
        """The heads' probability of every code for one turn (for evaluation and debugging)."""
        found = self.cues.code(text, previous)
        vector = embed([text])[0]
        previous_vector = _previous_vectors([previous])[0]
        toxicity = float(self.heads.toxicity(vector[None, :])[0])
        row = features(text, self.lang, vector, previous_vector, found, toxicity)
        return dict(zip(CODES, self.heads.probabilities(row[None, :])[0].tolist(), strict=True))

    def _best_sentence(self, text: str, code: Code, previous: str | None) -> tuple[str, ...]:
        """The sentence of `text` that scores highest for `code` (the whole turn when it has
        one sentence)."""
        sentences = [text[s.start : s.end].strip() for s in analyse(text, self.lang).sentences]
        sentences = [s for s in sentences if s]
        if len(sentences) <= 1:
            return (text.strip(),)
        k = CODES.index(code)
        vectors = embed(sentences)
        previous_vector = _previous_vectors([previous])[0]
        toxicity = self.heads.toxicity(vectors)
        rows = np.stack(
            [
                features(
                    sentence,
                    self.lang,
                    vectors[i],
                    previous_vector,
                    self.cues.code(sentence, previous),
                    toxicity[i],
                )
                for i, sentence in enumerate(sentences)
            ]
        )
        best = int(np.argmax(self.heads.probabilities(rows)[:, k]))
        return (sentences[best],)


def _previous_vectors(previous: Sequence[str | None]) -> list[np.ndarray | None]:
    """Embeddings of the respondent's lines, None where there is none; a single line comes from
    the cache (in a call it was embedded when the respondent said it)."""
    wanted = sorted({p for p in previous if p and p.strip()})
    if len(wanted) == 1:
        table = {wanted[0]: embed_one(wanted[0])}
    else:
        table = dict(zip(wanted, embed(wanted), strict=True))
    return [table[p] if p and p.strip() else None for p in previous]


@lru_cache(maxsize=2)
def bundled_coder(lang: Lang) -> LearnedCoder:
    """The coder for `lang` with the lexicon and heads shipped with callsim (built once)."""
    return LearnedCoder(bundled_cue_coder(lang), bundled_heads())
