"""What the learned heads see of one volunteer turn.

Dense part: the turn's sentence embedding; the respondent's line before it (a reflection
restates it) and how the two relate; the strongest and weakest value of each dimension over the
turn's sentences (a turn often does two things, one per sentence); a few surface facts; the
auxiliary hostile-wording score; what the lexicon found. Sparse part: character n-grams of the
words (2-5 letters, TF-IDF), which learn wordings the cue lists never named, and the turn's word
lemmas and lemma pairs (TF-IDF), which learn whole words and two-word turns of phrase («вы
должны», "you people") in any of their forms.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from simulator.codes import CODES, Lang
from simulator.coding.coder import Coding
from simulator.coding.encoder import DIM
from simulator.coding.text import analyse

FEATURES_VERSION = 5
"""Bumped whenever the layout below changes; heads trained on another layout refuse to load."""

SCALARS = (
    "similarity_to_prev",
    "has_prev",
    "lang_ru",
    "question_mark_last",
    "question_marks",
    "words_log",
    "sentences",
    "toxicity",
)
"""Named scalar features after the embedding blocks, then one lexicon decision and one lexicon
cue score per code."""

DENSE_WIDTH = 5 * DIM + len(SCALARS) + 2 * len(CODES)
"""Length of the dense feature vector."""

NGRAMS = (2, 5)
"""Shortest and longest character n-gram."""

_SPACES = re.compile(r"\s+")
_SENTENCE = re.compile(r"[^.!?…]+[.!?…]*")


def sentences(text: str) -> list[str]:
    """The sentences of a turn (ends at . ! ? …); the whole turn when it has one."""
    found = [s.strip() for s in _SENTENCE.findall(text)]
    found = [s for s in found if any(ch.isalnum() for ch in s)]
    return found if len(found) > 1 else [text]


def turn_vector(sentence_vectors: np.ndarray) -> np.ndarray:
    """The embedding of a whole turn from its sentences' embeddings: their mean, L2-normalised
    (a turn of one sentence is that sentence's embedding). Each sentence is embedded once."""
    if len(sentence_vectors) == 1:
        return np.asarray(sentence_vectors[0], dtype=np.float32)
    mean = np.asarray(sentence_vectors, dtype=np.float32).mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm else mean


def char_ngrams(text: str) -> list[str]:
    """Character n-grams inside word boundaries, each word padded with a space (the same as
    scikit-learn's `char_wb` analyzer on lowercased text, which trains the heads)."""
    return [gram for word in _words(text) for gram in word_ngrams(word)]


def _words(text: str) -> list[str]:
    return _SPACES.sub(" ", text.lower()).split()


def word_ngrams(word: str) -> list[str]:
    """The character n-grams of one lowercased word, padded with a space each side."""
    low, high = NGRAMS
    grams: list[str] = []
    padded = f" {word} "
    for n in range(low, high + 1):
        offset = 0
        grams.append(padded[offset : offset + n])
        while offset + n < len(padded):
            offset += 1
            grams.append(padded[offset : offset + n])
        if offset == 0:
            break
    return grams


WORD_CACHE_SIZE = 200_000
"""Words whose n-gram columns a `char_tfidf` cache keeps (a few tens of megabytes at most)."""


def char_tfidf(
    text: str,
    vocabulary: dict[str, int],
    idf: np.ndarray,
    cache: dict[str, list[int]] | None = None,
) -> SparseRow:
    """Sparse TF-IDF of `text`'s character n-grams (sublinear tf, L2-normalised): columns and
    values. `cache` remembers each word's columns (words repeat: coding a file is much faster)."""
    counts: Counter[int] = Counter()
    for word in _words(text):
        columns = cache.get(word) if cache is not None else None
        if columns is None:
            columns = [vocabulary[g] for g in word_ngrams(word) if g in vocabulary]
            if cache is not None and len(cache) < WORD_CACHE_SIZE:
                cache[word] = columns
        counts.update(columns)
    return _tfidf(counts, idf)


SparseRow = tuple[np.ndarray, np.ndarray]
"""One row of a sparse matrix: its columns (int64) and their values (float32)."""


NEGATIONS = frozenset({"not", "no", "never", "nobody", "nothing", "не", "ни", "нет", "никогда"})
"""Lemmas that negate the rest of their clause for `word_terms`. A shorter list than the
lexicon's `negation.words` (which also has "none", "without", «без», «вовсе»...): the heads were
trained on this one, and retraining on the lexicon's list moved a knife-edge case ("Is there
propaganda in schools?" heard as `confront` at 0.55) without changing the held-out figures."""


def word_terms(text: str, lang: Lang) -> list[str]:
    """The turn's word lemmas (pymorphy3 for Russian; lower-cased words with contractions
    expanded for English, see `text.analyse`) and each pair of neighbouring lemmas. A lemma after
    a negation in the same clause is marked with "~" ("I'm not blaming you": `~blaming`), so
    the plain word keeps what it means ("I blame you") however often writers negate it."""
    lemmas: list[str] = []
    negated_clause = -1
    for token in analyse(text, lang).tokens:
        lemmas.append(f"~{token.lemma}" if token.clause == negated_clause else token.lemma)
        if token.lemma in NEGATIONS:
            negated_clause = token.clause
    return lemmas + [f"{a} {b}" for a, b in zip(lemmas, lemmas[1:], strict=False)]


def word_tfidf(terms: list[str], vocabulary: dict[str, int], idf: np.ndarray) -> SparseRow:
    """Sparse TF-IDF of `word_terms` (sublinear tf, L2-normalised): columns and values."""
    return _tfidf(Counter(vocabulary[t] for t in terms if t in vocabulary), idf)


def _tfidf(counts: Counter[int], idf: np.ndarray) -> SparseRow:
    """scikit-learn's TF-IDF with `sublinear_tf=True` and L2 norm, for one row of counts."""
    columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    values = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))
    values *= idf[columns]
    norm = float(np.sqrt(values @ values)) if len(values) else 0.0
    return (columns, values / norm) if norm else (columns[:0], values[:0])


def dense_features(
    text: str,
    lang: Lang,
    text_vector: np.ndarray,
    prev_vector: np.ndarray | None,
    sentence_vectors: Sequence[np.ndarray] | np.ndarray,
    cues: Coding,
    toxicity: float,
) -> np.ndarray:
    """The dense feature vector of one turn; `prev_vector` is None when there is no previous
    line; `sentence_vectors` are the embeddings of `sentences(text)`."""
    prev = prev_vector if prev_vector is not None else np.zeros(DIM, dtype=np.float32)
    stacked = np.asarray(sentence_vectors, dtype=np.float32).reshape(-1, DIM)
    stripped = text.rstrip()
    words = len(text.split())
    scalars = [
        float(text_vector @ prev) if prev_vector is not None else 0.0,
        1.0 if prev_vector is not None else 0.0,
        1.0 if lang == "ru" else 0.0,
        1.0 if stripped.endswith("?") else 0.0,
        min(text.count("?"), 3) / 3.0,
        float(np.log1p(words)) / 5.0,
        min(len(stacked), 6) / 6.0,
        toxicity,
    ]
    decisions = [1.0 if code in cues.codes else 0.0 for code in CODES]
    scores = [min(max(float(cues.cue_scores.get(code, 0.0)), -2.0), 3.0) / 3.0 for code in CODES]
    return np.concatenate(
        [
            text_vector,
            prev,
            text_vector * prev,
            stacked.max(axis=0),
            stacked.min(axis=0),
            np.asarray(scalars + decisions + scores, dtype=np.float32),
        ]
    ).astype(np.float32)
