"""`callsim score` as a trainer runs it: records, transcripts, stdin, and bad files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.scoring.model import DIMENSIONS
from tests.test_scoring import TRANSCRIPTS, hand_coded


def callsim(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulator", "score", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def saved_record(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name.replace(".txt", ".json")
    record = hand_coded(name).to_json_dict()
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_json_scorecard_has_the_spec_shape(tmp_path: Path) -> None:
    result = callsim(str(saved_record(tmp_path, "ru_confrontational.txt")), "--json")
    assert result.returncode == 0, result.stderr
    card = json.loads(result.stdout)
    # SPEC section 5's fields, plus `blockers` (the turns that keep the call from "ready").
    assert set(card) == {
        "overall",
        "readiness",
        "hard_fails",
        "blockers",
        "dimensions",
        "metrics",
        "outcome",
        "suggestions",
    }
    assert set(card["dimensions"]) == set(DIMENSIONS)
    assert card["readiness"] == "not_yet"
    assert {"turn": 9, "code": "unsafe", "quote": "Продиктуйте адрес, я пришлю вам материалы."} in (
        card["hard_fails"]
    )
    assert set(card["metrics"]) == {
        "volunteer_turns",
        "open_questions",
        "reflections",
        "reflection_to_question",
        "volunteer_talk_share",
    }
    assert set(card["suggestions"][0]) == {"turn", "quote", "why", "try_instead"}


def test_text_report_in_russian_from_stdin(tmp_path: Path) -> None:
    record = saved_record(tmp_path, "ru_empathetic.txt").read_text(encoding="utf-8")
    result = callsim("-", stdin=record)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Готовность: готовы к настоящим звонкам" in out
    # The same names as the app and the exports (simulator/vocabulary.yaml).
    for label in ("Сочувствие", "Человеческая жизнь", "Слушание", "Уважение", "Безопасность"):
        assert label in out
    assert "█" in out
    assert "«Это, наверное, очень тяжело. Сразу слышно, как вы дорожите семьёй.»" in out


def test_text_report_in_english_shows_hard_fails_and_suggestions(tmp_path: Path) -> None:
    result = callsim(str(saved_record(tmp_path, "en_confrontational.txt")))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Readiness: not yet" in out
    assert "Hard fails:" in out
    # Turns are numbered the way the volunteer counts them: their fifth line.
    assert "turn 5 [unsafe]: «Tell me your address so I can send you materials.»" in out
    assert "Try instead: " in out
    assert "Why: " in out


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "empty file"),
        ("   \n\n", "empty file"),
        ('{"schema": "callsim.session/1",\n  "id": }', ":2:9: invalid JSON"),
        (
            '{"schema": "callsim.session/9", "id": "x", "persona": "p", "lang": "ru", '
            '"started_at": "t", "turns": []}',
            ": schema: ",
        ),
        (
            '{"id": "x", "persona": "p", "lang": "ru", "started_at": "t", '
            '"turns": [{"speaker": "caller", "text": "Hi"}]}',
            ": turns.0.speaker: ",
        ),
        ("[1, 2]", "expected a session record (a JSON object)"),
        ("Hello there\nV: Hi\n", ":1: expected a speaker label"),
    ],
    ids=["empty", "blank", "bad json", "wrong schema", "bad speaker", "array", "no label"],
)
def test_bad_input_is_one_line_naming_file_and_place(
    tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "call.txt"
    path.write_text(content, encoding="utf-8")
    result = callsim(str(path))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert str(path) in result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    result = callsim(str(tmp_path / "nowhere.json"))
    assert result.returncode == 1
    assert "nowhere.json" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_rubric_is_a_one_line_error(tmp_path: Path) -> None:
    rubric = tmp_path / "rubric.yaml"
    rubric.write_text("weights: {empathy: 1}\n", encoding="utf-8")
    record = saved_record(tmp_path, "en_empathetic.txt")
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "score", str(record)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "CALLSIM_RUBRIC": str(rubric)},
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"callsim: {rubric}:1:")
    assert "Traceback" not in result.stderr


def test_scoring_a_transcript_reads_it_as_a_transcript(tmp_path: Path) -> None:
    """A transcript is parsed and coded (with the coder) before scoring."""
    result = callsim(str(TRANSCRIPTS / "en_empathetic.txt"), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["metrics"]["volunteer_turns"] == 10
