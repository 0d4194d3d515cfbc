"""The labelled corpus the learned heads are trained on, its fixed train/dev/test split, and the
hash that ties a heads file to what it was trained on.

`corpus/coder/*.jsonl` in the source tree holds fresh volunteer turns labelled to SPEC section 2
(see `corpus/coder/README.md`). Each row goes to train, dev or test by a hash of its id, once and
for all: rules and heads are tuned on train and dev only; test is reported apart. The old
`tests/data/coder_testset.jsonl`, on which the lexicon's cues were tuned by hand, is training
data only. The calibration sets in `../shared/data/` are read at training time, never copied.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from simulator.codes import CODES, Code, Lang

REPO = Path(__file__).resolve().parents[2]
CORPUS_DIR = REPO / "corpus" / "coder"
TUNED_SET = REPO / "tests" / "data" / "coder_testset.jsonl"
SHARED_DATA = REPO.parent / "shared" / "data"
ANNOMI = SHARED_DATA / "annomi_calibration.jsonl"
TOXICITY = SHARED_DATA / "ru_distorted_toxicity.jsonl"
LEXICON_DIR = Path(__file__).parent / "data"
TRAINER = REPO / "scripts" / "train_coder.py"

Split = Literal["train", "dev", "test"]


@dataclass(frozen=True)
class Example:
    """One labelled volunteer turn."""

    id: str
    lang: Lang
    text: str
    prev: str | None
    codes: frozenset[Code]
    kind: str
    split: Split
    source: str
    """The file it came from (name only)."""


def split_of(row_id: str) -> Split:
    """The split of a row: 70% train, 10% dev, 20% test, by a hash of its id (fixed forever)."""
    bucket = int(hashlib.sha256(row_id.encode("utf-8")).hexdigest()[:8], 16) % 10
    return "train" if bucket < 7 else "dev" if bucket == 7 else "test"


def _rows(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}: not JSON: {exc.msg}") from exc
    return rows


def corpus_files() -> list[Path]:
    """The corpus files, in a fixed order."""
    return sorted(CORPUS_DIR.glob("*.jsonl"))


def load_corpus() -> list[Example]:
    """Every labelled row: the corpus files split by id, the hand-tuned set as train only."""
    examples = []
    for path in [*corpus_files(), TUNED_SET]:
        tuned = path == TUNED_SET
        for number, row in enumerate(_rows(path), 1):
            codes = row.get("codes", [])
            unknown = [code for code in codes if code not in CODES]
            if unknown or row.get("lang") not in ("ru", "en") or not str(row.get("text", "")):
                raise ValueError(f"{path}:{number}: bad row (lang, text or codes {unknown})")
            prev = row.get("prev") or None
            examples.append(
                Example(
                    id=str(row["id"]),
                    lang=row["lang"],
                    text=str(row["text"]),
                    prev=str(prev) if prev else None,
                    codes=frozenset(codes),
                    kind=str(row.get("kind", "normal")),
                    split="train" if tuned else split_of(str(row["id"])),
                    source=path.name,
                )
            )
    return examples


def training_hash() -> str:
    """sha256 over everything in the repository that the heads depend on: the corpus, the
    hand-tuned set, the lexicons (their cues are features) and the training script."""
    digest = hashlib.sha256()
    for path in [*corpus_files(), TUNED_SET, *sorted(LEXICON_DIR.glob("*.yaml")), TRAINER]:
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()


def shared_hash() -> str | None:
    """sha256 of the calibration sets read from ../shared/data, or None when absent."""
    if not (ANNOMI.is_file() and TOXICITY.is_file()):
        return None
    digest = hashlib.sha256()
    for path in (ANNOMI, TOXICITY):
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()
