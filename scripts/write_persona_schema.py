"""Write the persona JSON Schema to `personas/persona.schema.json` (editors use it for
completion; `tests/test_persona_schema.py` fails when the committed file drifts).

Run after changing `simulator/persona.py`: `.venv/bin/python scripts/write_persona_schema.py`.
"""

from __future__ import annotations

from pathlib import Path

from simulator.persona import persona_json_schema_text

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "personas" / "persona.schema.json"


def main() -> None:
    """Write the schema file and say where."""
    SCHEMA_PATH.write_text(persona_json_schema_text(), encoding="utf-8")
    print(SCHEMA_PATH)


if __name__ == "__main__":
    main()
