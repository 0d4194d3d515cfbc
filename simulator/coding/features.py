"""What the learned heads see of one volunteer turn: its sentence embedding, the respondent's line
before it (a reflection restates it), how the two relate, and what the lexicon found."""

from __future__ import annotations

import numpy as np

from simulator.codes import CODES, Lang
from simulator.coding.coder import Coding
from simulator.coding.encoder import DIM

FEATURES_VERSION = 1
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
"""Named scalar features after the three embedding blocks, then one lexicon decision and one
lexicon cue score per code."""

WIDTH = 3 * DIM + len(SCALARS) + 2 * len(CODES)
"""Length of one feature vector."""


def features(
    text: str,
    lang: Lang,
    text_vector: np.ndarray,
    prev_vector: np.ndarray | None,
    cues: Coding,
    toxicity: float,
) -> np.ndarray:
    """The feature vector of one turn; `prev_vector` is None when there is no previous line and
    `toxicity` is the auxiliary hostile-wording score of `text_vector` (0..1)."""
    prev = prev_vector if prev_vector is not None else np.zeros(DIM, dtype=np.float32)
    stripped = text.rstrip()
    words = len(text.split())
    sentences = max(1, sum(text.count(mark) for mark in ".!?…"))
    scalars = [
        float(text_vector @ prev) if prev_vector is not None else 0.0,
        1.0 if prev_vector is not None else 0.0,
        1.0 if lang == "ru" else 0.0,
        1.0 if stripped.endswith("?") else 0.0,
        min(text.count("?"), 3) / 3.0,
        float(np.log1p(words)) / 5.0,
        min(sentences, 6) / 6.0,
        toxicity,
    ]
    decisions = [1.0 if code in cues.codes else 0.0 for code in CODES]
    scores = [float(np.clip(cues.cue_scores.get(code, 0.0), -2.0, 3.0)) / 3.0 for code in CODES]
    return np.concatenate(
        [
            text_vector,
            prev,
            text_vector * prev,
            np.asarray(scalars + decisions + scores, dtype=np.float32),
        ]
    ).astype(np.float32)
