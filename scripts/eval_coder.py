#!/usr/bin/env python3
"""Measure the behaviour coder against labelled utterances.

(a) AnnoMI calibration set (English therapist turns, expert labels), read from
    `<repo>/../shared/data/annomi_calibration.jsonl` when present: question detection F1
    (question = open_question or closed_question), open-vs-closed accuracy among detected true
    questions, reflection F1. The respondent's turn before (`prev_text`) is passed as `previous`.
    The heads train on even transcripts only; the odd ones are held out.
(b) The project's corpus `corpus/coder/`, its held-out **test** split (never used for training
    or tuning): precision, recall and F1 per code, and macro-F1, for each language; the dev
    split (used to tune thresholds) is reported apart.
(c) The boundary sets `corpus/boundaries/` (945 turns written on the hardest boundaries: blame
    next to genuine reflections of the same line, rhetorical questions, polite lectures; never
    trained on, all of it held out).
(c2) The small-talk set `corpus/smalltalk/` (300 turns of small talk and everyday life, half in a
    chat register, written in round 25 by a writer who never saw the corpus; never trained on).
(c3) The balanced set `corpus/balanced/` (275 turns balanced across the 13 codes, written in round
    26 by two writers who never saw the corpus; never trained on).
(c4) The stories set `corpus/stories/` (258 turns: volunteers' own stories of work and family
    history next to lectures dressed as memory, written in round 27 by two writers who never saw
    the corpus; never trained on).
(d) The hand-tuned set `tests/data/coder_testset.jsonl` (training data now; kept as a
    regression floor).

Usage: .venv/bin/python scripts/eval_coder.py [--json] [--annomi PATH] [--testset PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from simulator.codes import CODES, LANGS  # noqa: E402
from simulator.coding import code_many  # noqa: E402
from simulator.coding.corpus import corpus_files, load_corpus  # noqa: E402

ANNOMI = REPO.parent / "shared" / "data" / "annomi_calibration.jsonl"
BOUNDARIES = REPO / "corpus" / "boundaries"
SMALLTALK = REPO / "corpus" / "smalltalk"
BALANCED = REPO / "corpus" / "balanced"
STORIES = REPO / "corpus" / "stories"
TESTSET = REPO / "tests" / "data" / "coder_testset.jsonl"
QUESTION_CODES = {"open_question", "closed_question"}


@dataclass
class Score:
    """Precision, recall and F1 of one label, with the counts behind them."""

    precision: float
    recall: float
    f1: float
    support: int
    """How many items carry the label in the gold data."""
    predicted: int


def score(gold: Iterable[bool], predicted: Iterable[bool]) -> Score:
    """Precision, recall and F1 of a binary label (1.0 when nothing was expected or found)."""
    tp = fp = fn = 0
    for g, p in zip(gold, predicted, strict=True):
        tp += g and p
        fp += p and not g
        fn += g and not p
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(round(precision, 4), round(recall, 4), round(f1, 4), tp + fn, tp + fp)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise SystemExit(f"{path}:{number}: not JSON: {exc.msg}") from exc
    return rows


HALVES = ("even", "odd")
"""Transcripts with an even `transcript_id` are for tuning cues; odd ones are held out."""


def _half(row: dict[str, Any]) -> str:
    return HALVES[int(row["transcript_id"]) % 2]


def evaluate_annomi(path: Path, half: str | None = None) -> dict[str, Any]:
    """Question F1, open/closed accuracy and reflection F1 on the AnnoMI calibration set.

    `half` ("even" or "odd") keeps only the transcripts whose id has that parity: cues are
    tuned on the even half and checked on the odd one, so overfitting shows as a gap.
    """
    rows = [row for row in _read_jsonl(path) if half is None or _half(row) == half]
    gold_q, gold_main_q, pred_q, gold_r, gold_main_r, pred_r = [], [], [], [], [], []
    kind_right = kind_total = 0
    codings = code_many([(row["text"], "en", row.get("prev_text")) for row in rows])
    for row, coding in zip(rows, codings, strict=True):
        codes = set(coding.codes)
        main = row["main_therapist_behaviour"]
        subtype = row.get("question_subtype")
        # Multi-label gold: the annotators typed a question (open/closed) or a reflection
        # (simple/complex) in the utterance, whatever its single main behaviour.
        is_question = subtype in ("open", "closed")
        asked = bool(codes & QUESTION_CODES)
        gold_q.append(is_question)
        gold_main_q.append(main == "question")
        pred_q.append(asked)
        gold_r.append(row.get("reflection_subtype") in ("simple", "complex"))
        gold_main_r.append(main == "reflection")
        pred_r.append("reflection" in codes)
        if is_question and asked:
            kind_total += 1
            predicted_kind = "open" if "open_question" in codes else "closed"
            kind_right += predicted_kind == subtype
    return {
        "utterances": len(rows),
        "question": asdict(score(gold_q, pred_q)),
        "open_closed_accuracy": round(kind_right / kind_total, 4) if kind_total else None,
        "open_closed_n": kind_total,
        "reflection": asdict(score(gold_r, pred_r)),
        "question_main_behaviour": asdict(score(gold_main_q, pred_q)),
        "reflection_main_behaviour": asdict(score(gold_main_r, pred_r)),
    }


def evaluate_testset(path: Path) -> dict[str, Any]:
    """Per-code P/R/F1 and macro-F1 for each language of a labelled JSONL file."""
    return evaluate_rows(_read_jsonl(path))


def _split_rows(split: str) -> list[dict[str, Any]]:
    return [
        {
            "text": e.text,
            "lang": e.lang,
            "prev": e.prev,
            "codes": sorted(e.codes),
            "source": e.source,
        }
        for e in load_corpus()
        if e.split == split and e.source != TESTSET.name
    ]


def evaluate_corpus(split: str) -> dict[str, Any]:
    """Per-code P/R/F1 and macro-F1 for each language of one split of the corpus."""
    return evaluate_rows(_split_rows(split))


def coded_test_split() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The test split's figures (as `evaluate_corpus`) and, coded in the same pass, the macro-F1
    and size of each corpus file's share of it (files were written by different writers at
    different times: a file's figure shows how well the rest carries over to it)."""
    rows = _split_rows("test")
    codings = _code_rows(rows)
    by_file = {}
    for path in corpus_files():
        mine = [i for i, row in enumerate(rows) if row["source"] == path.name]
        figures = evaluate_rows([rows[i] for i in mine], [codings[i] for i in mine])
        by_file[path.name] = {
            lang: {"utterances": f["utterances"], "macro_f1": f["macro_f1"]}
            for lang, f in figures.items()
        }
    return evaluate_rows(rows, codings), by_file


def _code_rows(rows: list[dict[str, Any]]) -> list[set[str]]:
    """The codes of each labelled row, each language's rows coded as one batch."""
    found: list[set[str]] = [set() for _ in rows]
    for lang in LANGS:
        where = [i for i, row in enumerate(rows) if row.get("lang") == lang]
        codings = code_many([(rows[i]["text"], lang, rows[i].get("prev")) for i in where])
        for i, coding in zip(where, codings, strict=True):
            found[i] = set(coding.codes)
    return found


def evaluate_rows(
    rows: list[dict[str, Any]], codings: list[set[str]] | None = None
) -> dict[str, Any]:
    """Per-code P/R/F1 and macro-F1 for each language of labelled rows (`prev` is context);
    `codings` are their codes when already coded (else they are coded here)."""
    found = codings if codings is not None else _code_rows(rows)
    result: dict[str, Any] = {}
    for lang in LANGS:
        where = [i for i, row in enumerate(rows) if row.get("lang") == lang]
        if not where:
            continue
        mine = [rows[i] for i in where]
        predicted = [found[i] for i in where]
        per_code = {}
        for code in CODES:
            gold = [code in row["codes"] for row in mine]
            if not any(gold):
                continue
            per_code[code] = asdict(score(gold, [code in codes for codes in predicted]))
        exact = sum(set(row["codes"]) == codes for row, codes in zip(mine, predicted, strict=True))
        result[lang] = {
            "utterances": len(mine),
            "macro_f1": round(sum(s["f1"] for s in per_code.values()) / len(per_code), 4),
            "exact_match": round(exact / len(mine), 4),
            "codes": per_code,
        }
    return result


def _print_table(title: str, per_code: dict[str, dict[str, Any]]) -> None:
    print(f"\n{title}")
    print(f"  {'code':<16} {'P':>6} {'R':>6} {'F1':>6} {'n':>5} {'pred':>5}")
    for code, s in per_code.items():
        print(
            f"  {code:<16} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f} "
            f"{s['support']:>5} {s['predicted']:>5}"
        )


def read_set(folder: Path) -> list[dict[str, Any]]:
    """Every labelled turn of a held-out set folder (`corpus/boundaries/` and the like)."""
    return [row for path in sorted(folder.glob("*.jsonl")) for row in _read_jsonl(path)]


def main(argv: list[str] | None = None) -> int:
    """Run the evaluations and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--annomi", type=Path, default=ANNOMI, help="AnnoMI calibration JSONL")
    parser.add_argument("--testset", type=Path, default=TESTSET, help="labelled test set JSONL")
    args = parser.parse_args(argv)
    test_split, by_file = coded_test_split()
    report: dict[str, Any] = {
        "test_split": test_split,
        "test_split_by_file": by_file,
        "dev_split": evaluate_corpus("dev"),
        "boundaries": evaluate_rows(read_set(BOUNDARIES)),
        "smalltalk": evaluate_rows(read_set(SMALLTALK)),
        "balanced": evaluate_rows(read_set(BALANCED)),
        "stories": evaluate_rows(read_set(STORIES)),
        "annomi": None,
        "annomi_halves": None,
        "testset": None,
    }
    notes = []
    if args.annomi.exists():
        report["annomi"] = evaluate_annomi(args.annomi)
        report["annomi_halves"] = {half: evaluate_annomi(args.annomi, half) for half in HALVES}
    else:
        notes.append(f"AnnoMI skipped: {args.annomi} is absent (it lives outside the repo)")
    if args.testset.exists():
        report["testset"] = evaluate_testset(args.testset)
    else:
        notes.append(f"test set skipped: {args.testset} is absent")
    if args.json:
        report["notes"] = notes
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    for note in notes:
        print(note)
    annomi = report["annomi"]
    if annomi:
        print(f"AnnoMI ({annomi['utterances']} therapist utterances, English)")
        _print_table(
            "  gold: the utterance has an annotated question type / reflection type",
            {"question": annomi["question"], "reflection": annomi["reflection"]},
        )
        _print_table(
            "  gold: the single main behaviour is question / reflection (stricter)",
            {
                "question": annomi["question_main_behaviour"],
                "reflection": annomi["reflection_main_behaviour"],
            },
        )
        print(
            f"  open-vs-closed accuracy among detected true questions: "
            f"{annomi['open_closed_accuracy']} (n={annomi['open_closed_n']})"
        )
        print("\n  by transcript parity (even: tuned on; odd: held out)")
        header = f"{'question F1':>12} {'open/closed':>12} {'reflection F1':>14}"
        print(f"  {'half':<6} {'n':>5} {header}")
        for half, figures in report["annomi_halves"].items():
            print(
                f"  {half:<6} {figures['utterances']:>5} {figures['question']['f1']:>12.3f} "
                f"{figures['open_closed_accuracy']:>12.3f} {figures['reflection']['f1']:>14.3f}"
            )
    for name, title in (
        ("test_split", "Corpus TEST split (held out)"),
        ("boundaries", "Boundary sets (held out, never trained on)"),
        ("smalltalk", "Small-talk set (held out, never trained on)"),
        ("balanced", "Balanced set (held out, never trained on)"),
        ("stories", "Stories set (held out, never trained on)"),
        ("dev_split", "Corpus dev split (tuned on)"),
    ):
        for lang, figures in report[name].items():
            _print_table(
                f"{title}, {lang} ({figures['utterances']} utterances): macro-F1 "
                f"{figures['macro_f1']:.3f}, exact match {figures['exact_match']:.3f}",
                figures["codes"],
            )
    print("\nCorpus TEST split by file (macro-F1, utterances)")
    for source, figures in report["test_split_by_file"].items():
        cells = "  ".join(f"{f['macro_f1']:.3f} ({f['utterances']})" for f in figures.values())
        print(f"  {source:<22} {cells}")
    for lang, figures in (report["testset"] or {}).items():
        _print_table(
            f"Hand-tuned set (training data), {lang} ({figures['utterances']} utterances): "
            f"macro-F1 "
            f"{figures['macro_f1']:.3f}, exact match {figures['exact_match']:.3f}",
            figures["codes"],
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
