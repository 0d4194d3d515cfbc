"""The issue's bar, with the real bundled model: empathy beats confrontation for every bundled
respondent, in Russian and in English, and a hard-pushed supporter hangs up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "simulator" / "data" / "scripts"
pytestmark = pytest.mark.model


def _play(persona: str, lang: str, script: str, data_dir: Path) -> dict:  # type: ignore[type-arg]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "simulator",
            "--data-dir",
            str(data_dir),
            "play",
            "--persona",
            persona,
            "--lang",
            lang,
            "--script",
            str(SCRIPTS / f"{script}.{lang}.txt"),
            "--seed",
            "7",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def _final_openness(record: dict) -> float:  # type: ignore[type-arg]
    states = [t["state"] for t in record["turns"] if t["speaker"] == "respondent"]
    return float(states[-1]["openness"])


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize(
    "persona",
    [
        "firm-supporter",
        "doubtful-patriot",
        "mobilised-son-mother",
        "it-worker",
        "village-pensioner",
        "suspicious-respondent",
    ],
)
def test_empathy_beats_confrontation(persona: str, lang: str, tmp_path: Path) -> None:
    kind = _play(persona, lang, "empathetic", tmp_path)
    harsh = _play(persona, lang, "confrontational", tmp_path)

    assert _final_openness(kind) > _final_openness(harsh)
    assert kind["scorecard"]["overall"] >= 70, kind["scorecard"]
    assert harsh["scorecard"]["overall"] <= 35, harsh["scorecard"]
    assert kind["scorecard"]["readiness"] != "not_yet"
    assert harsh["scorecard"]["readiness"] == "not_yet"
    assert not any(h["code"] == "unsafe" for h in kind["scorecard"]["hard_fails"])
    unsafe = [h for h in harsh["scorecard"]["hard_fails"] if h["code"] == "unsafe"]
    assert unsafe and unsafe[0]["quote"] in harsh["turns"][unsafe[0]["turn"]]["text"]
    if persona == "firm-supporter":
        assert harsh["ended_by"] == "hangup"
        assert kind["ended_by"] == "script_end"
    # Every respondent line is in the call's language and in role.
    for record in (kind, harsh):
        for turn in record["turns"]:
            if turn["speaker"] == "respondent":
                assert turn["text"].strip()
                cyrillic = any("\u0400" <= ch <= "\u04ff" for ch in turn["text"])
                assert cyrillic == (lang == "ru"), turn["text"]

    history = subprocess.run(
        [sys.executable, "-m", "simulator", "--data-dir", str(tmp_path), "history", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    ids = {row["id"] for row in json.loads(history.stdout)}
    assert {kind["id"], harsh["id"]} <= ids
