"""`callsim persona test`: a trainer sees whether a persona warms to empathy and hangs up on
hostility, and a persona that rewards confrontation fails."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from tests.test_persona_cli import callsim

REPO = Path(__file__).resolve().parent.parent
PERSONAS = [p.stem for p in sorted((REPO / "personas").glob("*.yaml"))]


@pytest.mark.parametrize("persona_id", PERSONAS)
def test_every_bundled_persona_passes(persona_id: str) -> None:
    result = callsim("persona", "test", persona_id, "--no-model", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] and len(report["results"]) == 4
    kinds = {(r["kind"], r["lang"]): r for r in report["results"]}
    for lang in ("ru", "en"):
        kind, harsh = kinds[("empathetic", lang)], kinds[("confrontational", lang)]
        start = kind["trajectory"][0]
        assert kind["trajectory"][-1]["openness"] > start["openness"]
        assert harsh["trajectory"][-1]["irritation"] > start["irritation"]
        if persona_id in ("firm-supporter", "suspicious-respondent"):
            assert harsh["ended_by"] == "hangup"


def test_a_persona_that_rewards_hostility_fails(tmp_path: Path) -> None:
    data = yaml.safe_load((REPO / "personas" / "doubtful-patriot.yaml").read_text("utf-8"))
    effects = data["dynamics"]["effects"]
    effects["confront"] = {"openness": 0.2, "irritation": -0.1}
    effects["lecture"] = {"openness": 0.2}
    for code in ("empathy", "reflection", "open_question", "human_life", "common_ground"):
        effects.pop(code, None)
    (tmp_path / "doubtful-patriot.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    shutil.copy(REPO / "personas" / "persona.schema.json", tmp_path)
    result = callsim("persona", "test", "doubtful-patriot", "--no-model", personas_dir=tmp_path)
    assert result.returncode == 1
    assert "PROBLEM" in result.stdout and "more openness" in result.stdout


def test_unknown_persona_is_a_one_line_error() -> None:
    result = callsim("persona", "test", "no-such-person", "--no-model")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "no-such-person" in result.stderr


@pytest.mark.model
def test_with_the_bundled_model_the_respondent_speaks() -> None:
    result = callsim("persona", "test", "village-pensioner", "--lang", "ru")
    assert result.returncode == 0, result.stderr
    replies = [ln.strip()[3:] for ln in result.stdout.splitlines() if ln.strip().startswith("R:")]
    assert len(replies) >= 10
    assert all(any("\u0400" <= ch <= "\u04ff" for ch in r) for r in replies)
