#!/usr/bin/env python3
"""Session-level validity of the scorecard: does `overall` separate good MI sessions from poor ones?

AnnoMI (expert-rated motivational-interviewing sessions, high or low quality) stands in for
practice calls: the therapist is the volunteer, the client the respondent. Each transcript is
rebuilt from `../shared/data/annomi_calibration.jsonl` (therapist utterances, each with the client
line before it in `prev_text`; grouped by `transcript_id`, ordered by utterance number) as a plain
`V: ...` / `R: ...` transcript and scored exactly as `callsim score FILE` scores one: parsed,
coded by the bundled coder, scored with the rubric in use (`CALLSIM_RUBRIC` or the bundled one).

Reported: the AUC of `overall` for high vs low quality (the chance that a random high-quality
session scores above a random low-quality one; ties count half), and the same for the
reflections-per-question ratio, for all sessions and for the even / odd transcript ids (the
rubric was tuned on the even ones; the odd ones are held out).

Usage: .venv/bin/python scripts/eval_sessions.py [--json] [--annomi PATH] [--rubric PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from simulator.cli.score_cmd import read_session  # noqa: E402
from simulator.scoring.rubric import Rubric, load_rubric  # noqa: E402
from simulator.scoring.scorecard import score_session  # noqa: E402
from simulator.session import SessionRecord  # noqa: E402

ANNOMI = REPO.parent / "shared" / "data" / "annomi_calibration.jsonl"
HALVES = ("even", "odd")
"""Transcripts with an even id were used to tune the rubric; odd ones are held out."""


@dataclass(frozen=True)
class Session:
    """One rebuilt AnnoMI session."""

    transcript_id: str
    quality: str
    """The experts' rating: `high` or `low`."""
    transcript: str
    """A plain transcript, `V:` the therapist, `R:` the client."""

    @property
    def half(self) -> str:
        """`even` or `odd` by transcript id."""
        return HALVES[int(self.transcript_id) % 2]


def _utterance_number(row: dict[str, Any]) -> int:
    return int(str(row["id"]).rsplit("-", 1)[-1])


def read_sessions(path: Path) -> list[Session]:
    """Every transcript in the calibration file, rebuilt turn by turn.

    A therapist row's `prev_text` becomes the client's line before it, unless it is the
    therapist's own previous row (two therapist utterances in a row).
    """
    rows_by_transcript: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{number}: not JSON: {exc.msg}") from exc
            rows_by_transcript[str(row["transcript_id"])].append(row)
    sessions = []
    for transcript_id, rows in rows_by_transcript.items():
        rows.sort(key=_utterance_number)
        lines: list[str] = []
        last_number: int | None = None
        for row in rows:
            number = _utterance_number(row)
            previous = _one_line(row.get("prev_text") or "")
            follows_therapist = last_number is not None and number == last_number + 1
            if previous and not follows_therapist:
                lines.append(f"R: {previous}")
            lines.append(f"V: {_one_line(row['text'])}")
            last_number = number
        sessions.append(Session(transcript_id, rows[0]["mi_quality"], "\n".join(lines) + "\n"))
    return sorted(sessions, key=lambda session: int(session.transcript_id))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def code_sessions(sessions: Sequence[Session]) -> list[SessionRecord]:
    """Each session parsed and coded as `callsim score` does it."""
    return [read_session(s.transcript, f"annomi-{s.transcript_id}") for s in sessions]


def auc(high: Sequence[float], low: Sequence[float]) -> float | None:
    """P(a random high-quality value > a random low-quality one), ties counting half."""
    if not high or not low:
        return None
    wins = 0.0
    for h in high:
        for lo in low:
            wins += 1.0 if h > lo else 0.5 if h == lo else 0.0
    return round(wins / (len(high) * len(low)), 4)


def reflection_ratio(record_card: Any) -> float:
    """Reflections per question; a session with reflections and no question ranks highest."""
    metrics = record_card.metrics
    if metrics.reflection_to_question is not None:
        return float(metrics.reflection_to_question)
    return float("inf") if metrics.reflections else 0.0


def evaluate(
    sessions: Sequence[Session], records: Sequence[SessionRecord], rubric: Rubric
) -> dict[str, Any]:
    """AUCs for all sessions and each half, with the scores behind them."""
    cards = [score_session(record, rubric) for record in records]
    rows = [
        {
            "transcript_id": s.transcript_id,
            "quality": s.quality,
            "half": s.half,
            "overall": card.overall,
            "readiness": card.readiness,
            "reflection_to_question": card.metrics.reflection_to_question,
            "ratio": reflection_ratio(card),
            "hard_fails": sorted({fail.code for fail in card.hard_fails}),
        }
        for s, card in zip(sessions, cards, strict=True)
    ]

    def figures(selected: list[dict[str, Any]]) -> dict[str, Any]:
        high = [row for row in selected if row["quality"] == "high"]
        low = [row for row in selected if row["quality"] == "low"]
        return {
            "sessions": len(selected),
            "high": len(high),
            "low": len(low),
            "overall_auc": auc([r["overall"] for r in high], [r["overall"] for r in low]),
            "ratio_auc": auc([r["ratio"] for r in high], [r["ratio"] for r in low]),
            "mean_overall_high": _mean([r["overall"] for r in high]),
            "mean_overall_low": _mean([r["overall"] for r in low]),
            "hard_failed_high": sum(1 for r in high if r["hard_fails"]),
            "hard_failed_low": sum(1 for r in low if r["hard_fails"]),
        }

    result = {"all": figures(rows)}
    for half in HALVES:
        result[half] = figures([row for row in rows if row["half"] == half])
    for row in rows:
        del row["ratio"]
    result["sessions"] = rows
    return result


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def main(argv: list[str] | None = None) -> int:
    """Rebuild, score and report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--annomi", type=Path, default=ANNOMI, help="AnnoMI calibration JSONL")
    parser.add_argument("--rubric", type=Path, default=None, help="rubric file (default: in use)")
    args = parser.parse_args(argv)
    if not args.annomi.exists():
        print(f"AnnoMI skipped: {args.annomi} is absent (it lives outside the repo)")
        return 0
    sessions = read_sessions(args.annomi)
    report = evaluate(sessions, code_sessions(sessions), load_rubric(args.rubric))
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    print("AnnoMI sessions scored as plain transcripts (therapist = volunteer)")
    print(
        f"  {'set':<5} {'n':>4} {'high':>5} {'low':>4} {'overall AUC':>12} {'ratio AUC':>10}"
        "  mean overall high / low  hard fails high / low"
    )
    for name in ("all", *HALVES):
        f = report[name]
        print(
            f"  {name:<5} {f['sessions']:>4} {f['high']:>5} {f['low']:>4} "
            f"{_fmt(f['overall_auc']):>12} {_fmt(f['ratio_auc']):>10}"
            f"  {f['mean_overall_high']:>10} / {f['mean_overall_low']:<10}"
            f"  {f['hard_failed_high']:>7} / {f['hard_failed_low']}"
        )
    print("  (the rubric was tuned on the even transcripts; the odd ones are held out)")
    return 0


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    raise SystemExit(main())
