#!/usr/bin/env python3
"""Train the learned coder heads and write `simulator/coding/data/heads.npz`.

Deterministic: the same corpus, lexicons and calibration sets give the same file.

Data:
- `corpus/coder/*.jsonl` train split (and the hand-tuned `tests/data/coder_testset.jsonl`);
  the dev split picks the regularisation and each code's threshold per language; the test split
  is never read here.
- `../shared/data/annomi_calibration.jsonl`, even-numbered transcripts only (odd ones are held
  out for `eval_coder.py`): English questions (open/closed) and reflections; its other codes are
  unknown, so its rows train only those three heads. Transcripts with id % 4 == 2 tune the
  thresholds, the rest train.
- `../shared/data/ru_distorted_toxicity.jsonl`: an auxiliary head for hostile Russian wording,
  whose score is one feature of every head (toxic is not `confront`: a comment is often about a
  third party; the heads learn how much the score matters).

Usage: .venv/bin/python scripts/train_coder.py [--check]
  --check  retrain in memory and exit 1 if the committed file differs (a drift check).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from simulator.codes import CODES, LANGS  # noqa: E402
from simulator.coding import encoder  # noqa: E402
from simulator.coding.coder import bundled_coder as cue_coder  # noqa: E402
from simulator.coding.corpus import (  # noqa: E402
    ANNOMI,
    TOXICITY,
    load_corpus,
    shared_hash,
    training_hash,
)
from simulator.coding.features import FEATURES_VERSION, features  # noqa: E402
from simulator.coding.heads import HEADS_PATH, Heads  # noqa: E402

CACHE = REPO / ".cache" / "train_coder"
C_VALUES = (0.25, 0.5, 1.0, 2.0)
"""Inverse regularisation strengths tried; the one with the best dev macro-F1 wins."""
ANNOMI_WEIGHT = 0.5
"""Weight of an AnnoMI row against a corpus row (counselling, not calls)."""
ANNOMI_CODES = ("open_question", "closed_question", "reflection")


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


class Embeddings:
    """Embeds texts once; kept in .cache/ between runs (embeddings are deterministic)."""

    def __init__(self) -> None:
        self.path = CACHE / "embeddings.npz"
        self.table: dict[str, np.ndarray] = {}
        if self.path.is_file():
            with np.load(self.path) as data:
                self.table = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def get(self, texts: list[str]) -> np.ndarray:
        missing = sorted({t for t in texts if self.key(t) not in self.table})
        for start in range(0, len(missing), 64):
            chunk = missing[start : start + 64]
            for text, vector in zip(chunk, encoder.embed(chunk), strict=True):
                self.table[self.key(text)] = vector
        if missing:
            CACHE.mkdir(parents=True, exist_ok=True)
            keys = sorted(self.table)
            np.savez(
                self.path, keys=np.asarray(keys), vectors=np.stack([self.table[k] for k in keys])
            )
        return np.stack([self.table[self.key(t)] for t in texts])


def _logistic(x: np.ndarray, y: np.ndarray, weight: np.ndarray, c: float, seed: int = 0):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced", random_state=seed)
    model.fit(x, y, sample_weight=weight)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


def _best_threshold(prob: np.ndarray, gold: np.ndarray) -> tuple[float, float]:
    """(threshold, F1) maximising F1 on these rows; 0.5 when there are no positives."""
    if gold.sum() == 0:
        return 0.5, 1.0
    best = (0.5, -1.0)
    for t in np.arange(0.10, 0.91, 0.02):
        pred = prob >= t
        tp = float((pred & gold).sum())
        f1 = 2 * tp / (pred.sum() + gold.sum()) if pred.sum() + gold.sum() else 0.0
        if f1 > best[1] + 1e-9:
            best = (round(float(t), 2), f1)
    return best


def build(verbose: bool = True) -> Heads:
    """Train every head from scratch and return them."""
    encoder.BLAS_THREADS = 2
    say = print if verbose else (lambda *a, **k: None)
    emb = Embeddings()
    corpus = load_corpus()
    rows = [e for e in corpus if e.split in ("train", "dev")]
    say(f"corpus: {len(rows)} rows for train+dev of {len(corpus)}")

    # Auxiliary hostile-wording head.
    tox_rows = _jsonl(TOXICITY)
    tox_text = [r.get("corrected_text") or r["text"] for r in tox_rows]
    tox_x = emb.get(tox_text)
    tox_y = np.asarray([int(r["toxicity"]) for r in tox_rows])
    tox_w, tox_b = _logistic(tox_x, tox_y, np.ones(len(tox_y)), 1.0)
    say(f"toxicity head: {len(tox_rows)} comments, {int(tox_y.sum())} toxic")

    annomi = [r for r in _jsonl(ANNOMI) if int(r["transcript_id"]) % 2 == 0]
    say(f"AnnoMI even transcripts: {len(annomi)} utterances")

    def featurise(items: list[tuple[str, str, str | None]]) -> np.ndarray:
        texts = emb.get([t for _, t, _ in items])
        prevs = emb.get([p or "" for _, _, p in items])
        tox = _sigmoid(texts @ tox_w + tox_b)
        out = []
        for i, (lang, text, prev) in enumerate(items):
            cues = cue_coder(lang).code(text, prev)
            prev_vector = prevs[i] if prev and prev.strip() else None
            out.append(features(text, lang, texts[i], prev_vector, cues, float(tox[i])))
        return np.stack(out)

    x_corpus = featurise([(e.lang, e.text, e.prev) for e in rows])
    y_corpus = np.asarray([[c in e.codes for c in CODES] for e in rows], dtype=bool)
    is_dev = np.asarray([e.split == "dev" for e in rows])
    lang_of = np.asarray([e.lang for e in rows])
    x_annomi = featurise([("en", r["text"], r.get("prev_text")) for r in annomi])
    y_annomi = np.asarray(
        [
            [
                r.get("question_subtype") == "open",
                r.get("question_subtype") == "closed",
                r.get("reflection_subtype") in ("simple", "complex"),
            ]
            for r in annomi
        ],
        dtype=bool,
    )
    annomi_dev = np.asarray([int(r["transcript_id"]) % 4 == 2 for r in annomi])
    say(f"features: {x_corpus.shape[1]} per turn")

    def train_all(c: float) -> tuple[np.ndarray, np.ndarray]:
        weights, bias = [], []
        for k, code in enumerate(CODES):
            x, y, w = x_corpus[~is_dev], y_corpus[~is_dev, k], np.ones(int((~is_dev).sum()))
            if code in ANNOMI_CODES:
                j = ANNOMI_CODES.index(code)
                keep = ~annomi_dev
                x = np.vstack([x, x_annomi[keep]])
                y = np.concatenate([y, y_annomi[keep, j]])
                w = np.concatenate([w, np.full(int(keep.sum()), ANNOMI_WEIGHT)])
            coef, intercept = _logistic(x, y, w, c)
            weights.append(coef)
            bias.append(intercept)
        return np.stack(weights), np.asarray(bias, dtype=np.float32)

    def tune(weights: np.ndarray, bias: np.ndarray) -> tuple[np.ndarray, float]:
        """Per-language thresholds on dev, and the dev macro-F1 they give."""
        prob_corpus = _sigmoid(x_corpus @ weights.T + bias)
        prob_annomi = _sigmoid(x_annomi @ weights.T + bias)
        thresholds = np.full((len(LANGS), len(CODES)), 0.5, dtype=np.float32)
        f1s = []
        for li, lang in enumerate(LANGS):
            mine = is_dev & (lang_of == lang)
            for k, code in enumerate(CODES):
                prob, gold = prob_corpus[mine, k], y_corpus[mine, k]
                if lang == "en" and code in ANNOMI_CODES:
                    j = ANNOMI_CODES.index(code)
                    prob = np.concatenate([prob, prob_annomi[annomi_dev, k]])
                    gold = np.concatenate([gold, y_annomi[annomi_dev, j]])
                thresholds[li, k], f1 = _best_threshold(prob, gold)
                f1s.append(f1)
        return thresholds, float(np.mean(f1s))

    best: tuple[float, float, np.ndarray, np.ndarray, np.ndarray] | None = None
    for c in C_VALUES:
        weights, bias = train_all(c)
        thresholds, macro = tune(weights, bias)
        say(f"C={c}: dev macro-F1 {macro:.4f}")
        if best is None or macro > best[1] + 1e-9:
            best = (c, macro, weights, bias, thresholds)
    assert best is not None
    c, macro, weights, bias, thresholds = best
    say(f"chosen C={c} (dev macro-F1 {macro:.4f})")
    meta = {
        "features_version": FEATURES_VERSION,
        "codes": list(CODES),
        "training_hash": training_hash(),
        "shared_hash": shared_hash(),
        "c": c,
        "dev_macro_f1": round(macro, 4),
        "rows": {
            "corpus_train": int((~is_dev).sum()),
            "corpus_dev": int(is_dev.sum()),
            "annomi": len(annomi),
            "toxicity": len(tox_rows),
        },
    }
    return Heads(weights, bias, thresholds, tox_w, tox_b, meta)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file differs")
    args = parser.parse_args()
    if not (ANNOMI.is_file() and TOXICITY.is_file()):
        print(f"train_coder: needs {ANNOMI} and {TOXICITY}", file=sys.stderr)
        return 1
    heads = build(verbose=not args.check)
    if args.check:
        tmp = CACHE / "check.npz"
        CACHE.mkdir(parents=True, exist_ok=True)
        heads.save(tmp)
        same = tmp.read_bytes() == HEADS_PATH.read_bytes()
        print("heads up to date" if same else "heads differ from a fresh training run")
        return 0 if same else 1
    heads.save(HEADS_PATH)
    print(f"wrote {HEADS_PATH} ({HEADS_PATH.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
