"""The learned per-code heads: one logistic regression per behaviour code over the dense features,
the character n-grams and the word lemmas of `features`, with a decision threshold per code and
language, and the small auxiliary hostile-wording head.

They live in one data file (`data/heads.npz`) that `scripts/train_coder.py` rebuilds from the
labelled corpus; the file records a hash of what it was trained on, and a test fails when the
corpus or the lexicons change without retraining.
"""

from __future__ import annotations

import json
import os
import zipfile
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from simulator.codes import CODES, LANGS, Lang
from simulator.coding.encoder import DIM
from simulator.coding.features import (
    DENSE_WIDTH,
    FEATURES_VERSION,
    SparseRow,
    char_tfidf,
    word_terms,
    word_tfidf,
)
from simulator.errors import UserError

HEADS_PATH = Path(__file__).parent / "data" / "heads.npz"
REBUILD = "rebuild it with `.venv/bin/python scripts/train_coder.py`"


class HeadsError(UserError):
    """The heads file is missing, unreadable or does not fit this version of callsim."""


@dataclass(frozen=True)
class Heads:
    """Trained weights, thresholds and what they were trained on."""

    weights: np.ndarray
    """(codes, DENSE_WIDTH) float32: weights of the dense features."""
    char_weights: np.ndarray
    """(codes, n-grams) float32: weights of the character n-gram TF-IDF."""
    vocabulary: tuple[str, ...]
    """The character n-grams, in column order."""
    idf: np.ndarray
    """(n-grams,) inverse document frequency of each n-gram."""
    word_weights: np.ndarray
    """(codes, word terms) float32: weights of the word lemma (and lemma pair) TF-IDF."""
    word_vocabulary: tuple[str, ...]
    """The word lemmas and lemma pairs, in column order."""
    word_idf: np.ndarray
    """(word terms,) inverse document frequency of each term."""
    bias: np.ndarray
    """(codes,) float32."""
    thresholds: np.ndarray
    """(languages, codes): a code is given when its probability reaches this."""
    toxicity_weights: np.ndarray
    """(DIM,) the auxiliary head: hostile wording (trained on Russian toxic comments)."""
    toxicity_bias: float
    meta: dict[str, Any]
    """`features_version`, `training_hash` and counts of what was trained on."""

    @cached_property
    def columns(self) -> dict[str, int]:
        """n-gram -> column."""
        return {gram: i for i, gram in enumerate(self.vocabulary)}

    @cached_property
    def term_columns(self) -> dict[str, int]:
        """word term -> column."""
        return {term: i for i, term in enumerate(self.word_vocabulary)}

    @cached_property
    def _word_columns(self) -> dict[str, list[int]]:
        """Each word's n-gram columns, remembered (see `char_tfidf`)."""
        return {}

    def toxicity(self, vectors: np.ndarray) -> np.ndarray:
        """Probability of hostile wording for each embedding row."""
        return _sigmoid(vectors @ self.toxicity_weights + self.toxicity_bias)

    def probabilities(self, rows: np.ndarray, texts: list[str], lang: Lang) -> np.ndarray:
        """(n, codes) probability of each code for each dense feature row and its text."""
        logits = rows @ self.weights.T + self.bias
        columns, terms = self.columns, self.term_columns
        chars = [char_tfidf(text, columns, self.idf, self._word_columns) for text in texts]
        words = [word_tfidf(word_terms(text, lang), terms, self.word_idf) for text in texts]
        for weights, sparse in ((self.char_weights, chars), (self.word_weights, words)):
            logits += _sparse_logits(sparse, weights)
        return _sigmoid(logits)

    def threshold(self, lang: Lang) -> np.ndarray:
        """The per-code thresholds for `lang`."""
        return self.thresholds[LANGS.index(lang)]

    def save(self, path: Path) -> None:
        """Write the heads to `path` (deterministic bytes for the same heads)."""
        arrays = {
            "weights": self.weights.astype(np.float32),
            "char_weights": self.char_weights.astype(np.float32),
            "vocabulary": np.asarray(self.vocabulary, dtype=str),
            "idf": self.idf.astype(np.float32),
            "word_weights": self.word_weights.astype(np.float32),
            "word_vocabulary": np.asarray(self.word_vocabulary, dtype=str),
            "word_idf": self.word_idf.astype(np.float32),
            "bias": self.bias.astype(np.float32),
            "thresholds": self.thresholds.astype(np.float32),
            "toxicity_weights": self.toxicity_weights.astype(np.float32),
            "toxicity_bias": np.asarray(self.toxicity_bias, dtype=np.float32),
            "meta": np.asarray(json.dumps(self.meta, sort_keys=True, ensure_ascii=False)),
        }
        partial = path.with_name(path.name + ".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, array in arrays.items():
                info = zipfile.ZipInfo(f"{name}.npy", date_time=(2026, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(info, "w") as handle:
                    np.lib.format.write_array(handle, array, allow_pickle=False)
        partial.replace(path)  # readers never see a half-written file


def _sparse_logits(rows: list[SparseRow], weights: np.ndarray) -> np.ndarray:
    """(n, codes) `weights` applied to sparse rows, all rows at once."""
    columns = np.concatenate([c for c, _ in rows])
    values = np.concatenate([v for _, v in rows])
    owner = np.repeat(np.arange(len(rows)), [len(c) for c, _ in rows])
    contributions = weights[:, columns] * values
    return np.stack(
        [np.bincount(owner, weights=c, minlength=len(rows)) for c in contributions], axis=1
    )


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30.0, 30.0)))


def load_heads(path: Path = HEADS_PATH) -> Heads:
    """Read a heads file; a missing or corrupt one raises `HeadsError` naming the file and how
    to rebuild it."""
    if not path.is_file():
        raise HeadsError(f"{path}: coder heads file is missing; {REBUILD}")
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        meta = json.loads(str(arrays["meta"]))
        heads = Heads(
            weights=arrays["weights"].astype(np.float32),
            char_weights=arrays["char_weights"].astype(np.float32),
            vocabulary=tuple(str(gram) for gram in arrays["vocabulary"].tolist()),
            idf=arrays["idf"].astype(np.float32),
            word_weights=arrays["word_weights"].astype(np.float32),
            word_vocabulary=tuple(str(term) for term in arrays["word_vocabulary"].tolist()),
            word_idf=arrays["word_idf"].astype(np.float32),
            bias=arrays["bias"].astype(np.float32),
            thresholds=arrays["thresholds"].astype(np.float32),
            toxicity_weights=arrays["toxicity_weights"].astype(np.float32),
            toxicity_bias=float(arrays["toxicity_bias"]),
            meta=meta,
        )
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise HeadsError(f"{path}: coder heads file is corrupt ({reason[:80]}); {REBUILD}") from exc
    grams, terms = len(heads.vocabulary), len(heads.word_vocabulary)
    expected = {
        "weights": (len(CODES), DENSE_WIDTH),
        "char_weights": (len(CODES), grams),
        "idf": (grams,),
        "word_weights": (len(CODES), terms),
        "word_idf": (terms,),
        "bias": (len(CODES),),
        "thresholds": (len(LANGS), len(CODES)),
        "toxicity_weights": (DIM,),
    }
    for name, shape in expected.items():
        if getattr(heads, name).shape != shape:
            raise HeadsError(
                f"{path}: coder heads file does not fit this callsim ({name} is "
                f"{getattr(heads, name).shape}, expected {shape}); {REBUILD}"
            )
    if meta.get("features_version") != FEATURES_VERSION or meta.get("codes") != list(CODES):
        raise HeadsError(f"{path}: coder heads file was made for another feature layout; {REBUILD}")
    return heads


HEADS_ENV = "CALLSIM_CODER_HEADS"
"""Names another heads file (e.g. one a trainer retrained on their own corpus)."""


@lru_cache(maxsize=1)
def bundled_heads() -> Heads:
    """The heads shipped with callsim, or the file `$CALLSIM_CODER_HEADS` names (read once per
    process)."""
    override = os.environ.get(HEADS_ENV)
    return load_heads(Path(override) if override else HEADS_PATH)
