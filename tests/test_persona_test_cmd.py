"""`callsim persona test`: a trainer sees whether a persona warms to empathy and hangs up on
hostility, and a persona that rewards confrontation fails."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from simulator.cli.persona_test_cmd import lore_used
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
    topic_ids = [t["id"] for t in _lore_of(persona_id)["topics"]]
    for result in report["results"]:
        lore = result["lore"]
        assert list(lore) == ["topics", "stances", "facts", "reactions", "other"]
        moves = [ln["move"] for ln in result["lines"] if ln["speaker"] == "respondent"]
        parts = [part for m in moves if m for part in m.split("+")]
        assert sum(sum(part.values()) for part in lore.values()) == len(parts)
        assert set(lore["topics"]) <= set(topic_ids)
    assert any(r["lore"]["topics"] for r in report["results"])
    for lang in ("ru", "en"):
        hit = {t for r in report["results"] if r["lang"] == lang for t in r["lore"]["topics"]}
        assert report["topics_not_hit"][lang] == [t for t in topic_ids if t not in hit]


def _lore_of(persona_id: str) -> dict[str, Any]:
    text = (REPO / "personas" / f"{persona_id}.yaml").read_text("utf-8")
    lore: dict[str, Any] = yaml.safe_load(text)["lore"]
    return lore


def test_lore_used_counts_moves_by_part() -> None:
    moves = [None, "topic:nato", "reaction:guilt", "topic:nato", "stance:support_war"]
    moves += ["fact:cousins", "deflection", "talking_point", "topic:donbas", "reaction:empathy"]
    moves += ["reaction:confront+topic:nato"]
    assert lore_used(moves) == {
        "topics": {"nato": 3, "donbas": 1},
        "stances": {"support_war": 1},
        "facts": {"cousins": 1},
        "reactions": {"confront": 1, "empathy": 1, "guilt": 1},
        "other": {"deflection": 1, "talking_point": 1},
    }


def test_the_report_shows_the_lore_used_and_the_topics_never_hit() -> None:
    result = callsim("persona", "test", "firm-supporter", "--no-model", "--lang", "ru")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("  lore used:\n") == 2
    sections = out.split("confrontational script (ru)")
    kind = sections[0]
    assert "    topics     " in kind and "    reactions  " in kind and "    facts      -" in kind
    [missed] = [ln for ln in out.splitlines() if ln.startswith("Topics neither script hit (ru)")]
    topics = [t["id"] for t in _lore_of("firm-supporter")["topics"]]
    named = missed.split(": ", 2)[2].split(", ")
    assert set(named) < set(topics) and "nato" in named
    assert f": {len(named)} of {len(topics)}: " in missed
    assert out.rstrip().endswith(
        "OK: warms to empathy more than to confrontation in every language."
    )


def test_a_persona_without_lore_is_still_tested(tmp_path: Path) -> None:
    data = yaml.safe_load((REPO / "personas" / "doubtful-patriot.yaml").read_text("utf-8"))
    del data["lore"]
    (tmp_path / "doubtful-patriot.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    result = callsim("persona", "test", "doubtful-patriot", "--no-model", personas_dir=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Topics: the persona has no lore topics." in result.stdout
    report = json.loads(
        callsim(
            "persona", "test", "doubtful-patriot", "--no-model", "--json", personas_dir=tmp_path
        ).stdout
    )
    assert report["topics_not_hit"] == {"ru": [], "en": []}
    assert all(
        not any(r["lore"][part] for part in ("topics", "reactions")) for r in report["results"]
    )


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
