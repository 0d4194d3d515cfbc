"""The committed persona JSON Schema matches the model, and every persona points editors at it."""

from __future__ import annotations

import json
from pathlib import Path

from simulator.persona import persona_json_schema_text

PERSONAS = Path(__file__).resolve().parent.parent / "personas"
SCHEMA = PERSONAS / "persona.schema.json"


def test_committed_schema_matches_the_model() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == persona_json_schema_text(), (
        "personas/persona.schema.json is stale: "
        "run .venv/bin/python scripts/write_persona_schema.py"
    )


def test_schema_forbids_unknown_fields_and_documents_them() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["additionalProperties"] is False
    assert schema["properties"]["difficulty"]["enum"] == ["easy", "medium", "hard"]
    assert all(field.get("description") for field in schema["properties"].values())


def test_every_persona_names_the_schema_for_editors() -> None:
    for path in PERSONAS.glob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=persona.schema.json", path.name
